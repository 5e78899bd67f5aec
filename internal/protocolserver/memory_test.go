package protocolserver

import (
	"context"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

const (
	// memoryRPCs is how many RPCs TestRetainedHeapPerRPC makes per server.
	memoryRPCs = 20000
	// callerPayload is what each caller's context carries besides the framework's own per-RPC
	// state, standing in for what tf6server and gRPC put there (loggers, stream, metadata:
	// about 14 KB per RPC in the provider process).
	callerPayload = 4 << 10
	// maxRetainedPerRPC bounds what the wrapped server may keep per RPC once the RPC is over.
	// It measures about 0.4 KB (the framework's cancel func, its cancelCtx and the released
	// rpcContext); the framework's server alone keeps the caller's whole context, more than
	// callerPayload.
	maxRetainedPerRPC = 1 << 10
)

type payloadKey struct{}

// retainedPerRPC makes memoryRPCs ValidateResourceConfig, PlanResourceChange and ReadResource
// calls in turn against s, each with its own caller context (carrying callerPayload bytes)
// canceled once the call returns, as gRPC does, and returns the heap still allocated afterwards
// per RPC while s is alive.
func retainedPerRPC(t *testing.T, s tfprotov6.ProviderServer) float64 {
	t.Helper()
	r := newRPCs(t)
	r.call(t, s, context.Background(), 0) // warm up: schemas, caches
	before := liveHeap()
	for i := range memoryRPCs {
		ctx, cancel := context.WithCancel(context.Background())
		ctx = context.WithValue(ctx, payloadKey{}, make([]byte, callerPayload))
		r.call(t, s, ctx, i)
		cancel()
	}
	after := liveHeap()
	runtime.KeepAlive(s)
	return float64(int64(after)-int64(before)) / memoryRPCs
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestRetainedHeapPerRPC fails if the memory the provider process keeps per RPC grows again:
// the wrapped server must keep less than maxRetainedPerRPC per RPC. It also measures the
// framework's server alone, which must keep more than that: if it no longer does, the framework
// has fixed the leak upstream (see the package comment) and this package can go.
func TestRetainedHeapPerRPC(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 40 000 RPCs")
	}
	wrapped := retainedPerRPC(t, wrappedServer(t, &testProvider{}))
	unwrapped := retainedPerRPC(t, frameworkServer(&testProvider{}))
	t.Logf("retained heap per RPC after %d RPCs: wrapped %.0f B, framework alone %.0f B (bound %d B)",
		memoryRPCs, wrapped, unwrapped, maxRetainedPerRPC)
	if wrapped >= maxRetainedPerRPC {
		t.Errorf("the wrapped server keeps %.0f B per RPC, want < %d B", wrapped, maxRetainedPerRPC)
	}
	if unwrapped <= maxRetainedPerRPC {
		t.Errorf("the framework's server alone keeps only %.0f B per RPC (<= %d B): has the leak been "+
			"fixed upstream? Then the wrapper may go, see the package comment", unwrapped, maxRetainedPerRPC)
	}
}
