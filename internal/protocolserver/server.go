// Package protocolserver serves a terraform-plugin-framework provider over protocol 6 without the
// framework's per-RPC memory leak, and with the SDK's log levels defaulted to what the CLI keeps
// (see SetDefaultLogLevels).
//
// # The leak
//
// terraform-plugin-framework (v1.19.0, the newest release; internal/proto6server/serve.go) starts
// every RPC with registerContext, which derives a cancellable context from the RPC's context and
// appends its cancel function to Server.contextCancels so that StopProvider can cancel in-flight
// RPCs. The slice is emptied only by StopProvider, which Terraform sends on interrupt, so in a
// normal run it grows by one entry per RPC for the life of the provider process, and each entry
// (cancel func -> cancelCtx -> parent) keeps the whole RPC context reachable: terraform-plugin-go's
// per-RPC loggers and fields, the gRPC stream and its metadata. That is about 14 KB per RPC and
// about 4 RPCs per resource per plan: peak RSS 45 MB at 100 resources, 175 MB at 1000 and 470 MB
// at 3000 in this repository's measurements.
//
// This package does not change the framework: its Server hands each RPC an rpcContext instead of
// the caller's context, which forwards the caller's values, deadline and cancellation while the
// RPC runs and lets go of the caller when the RPC is over. The framework still appends a cancel
// function per RPC, but what it retains is then a few hundred bytes (the cancel closure, its
// cancelCtx and the released rpcContext), and StopProvider still cancels every in-flight RPC.
//
// Reported upstream as (no existing issue found in hashicorp/terraform-plugin-framework's tracker;
// the registration came with the fix for #781, "Resource context is not cancelled when apply
// aborted", in #782):
//
//	Title: proto6server/proto5server: registerContext retains every RPC's context until
//	StopProvider (unbounded memory growth)
//
//	Server.registerContext appends the cancel function of a context derived from each RPC's
//	context to Server.contextCancels, and only StopProvider empties the slice. Terraform sends
//	StopProvider only on interrupt, so a provider process accumulates one entry per RPC, and
//	each entry keeps the RPC's whole context (terraform-plugin-go loggers, gRPC stream) alive:
//	~14 KB per RPC, ~4 RPCs per resource per plan, 470 MB RSS at 3000 resources.
//	Expected: an RPC's entry is removed when the RPC returns (for streaming RPCs such as
//	ListResource, InvokeAction and ReadStateBytes, when the response stream has been consumed),
//	e.g. registerContext returns a func that the RPC defers, which calls cancel and deletes the
//	entry (a map keyed by a counter instead of a slice).
package protocolserver

import (
	"context"
	"fmt"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// New returns a factory of protocol 6 servers for the provider providerFunc returns, each the
// framework's server (providerserver.NewProtocol6WithError) behind Wrap. It has the type of
// terraform-plugin-testing's ProtoV6ProviderFactories entries; main serves it with tf6server.
func New(providerFunc func() provider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		next, err := providerserver.NewProtocol6WithError(providerFunc())()
		if err != nil {
			return nil, err
		}
		return Wrap(next)
	}
}

// Wrap returns next behind a server that gives each RPC a context which lets go of the caller's
// context when the RPC is over (see the package comment). next must implement every protocol 6
// RPC, including the list resource, action and state store ones that tf6server finds by type
// assertion, as the framework's server does.
func Wrap(next tfprotov6.ProviderServer) (tfprotov6.ProviderServer, error) {
	d, ok := next.(downstream)
	if !ok {
		return nil, fmt.Errorf("protocolserver: %T does not implement every protocol 6 RPC "+
			"(list resources, actions, state stores)", next)
	}
	return &server{next: d}, nil
}

// downstream is every RPC the framework's protocol 6 server implements: ProviderServer and the
// RPCs tf6server reaches through the ProviderServerWith* type assertions.
type downstream interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// server forwards every RPC to next with a per-RPC rpcContext. It implements downstream, so
// tf6server's type assertions for the optional RPCs see the same methods as on the framework.
type server struct {
	next downstream
}

var _ downstream = (*server)(nil)

// unary runs an RPC whose response is complete when next returns: the RPC is over then (also
// when next panics).
func unary[Req, Resp any](ctx context.Context, req Req, next func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newRPCContext(ctx)
	defer rc.release()
	return next(rc, req)
}

// streamed runs an RPC whose response carries an iterator that the framework's code runs, with
// the RPC's context, after next returns (tf6server ranges over it and sends each element): the
// RPC is over when that iteration ends, or, if nobody starts it, when the caller is done.
// seqOf points at the iterator field of a response.
func streamed[Req, Resp, T any](ctx context.Context, req Req, next func(context.Context, Req) (*Resp, error),
	seqOf func(*Resp) *iter.Seq[T],
) (*Resp, error) {
	rc := newRPCContext(ctx)
	handedOff := false
	defer func() {
		if !handedOff {
			rc.release()
		}
	}()
	resp, err := next(rc, req)
	if err != nil || resp == nil || *seqOf(resp) == nil {
		return resp, err
	}
	out := *resp // the framework's response stays as it made it
	seq := seqOf(&out)
	inner := *seq
	*seq = func(yield func(T) bool) {
		rc.startIteration()
		defer rc.release()
		inner(yield)
	}
	handedOff = true
	rc.handOff()
	return &out, nil
}

func (s *server) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return unary(ctx, req, s.next.GetMetadata)
}

func (s *server) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return unary(ctx, req, s.next.GetProviderSchema)
}

func (s *server) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return unary(ctx, req, s.next.GetResourceIdentitySchemas)
}

func (s *server) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateProviderConfig)
}

func (s *server) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return unary(ctx, req, s.next.ConfigureProvider)
}

// StopProvider is forwarded as is: the framework cancels the contexts it derived from every
// in-flight RPC's rpcContext.
func (s *server) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return unary(ctx, req, s.next.StopProvider)
}

func (s *server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateResourceConfig)
}

func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return unary(ctx, req, s.next.UpgradeResourceState)
}

func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return unary(ctx, req, s.next.ReadResource)
}

func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return unary(ctx, req, s.next.PlanResourceChange)
}

func (s *server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return unary(ctx, req, s.next.ApplyResourceChange)
}

func (s *server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return unary(ctx, req, s.next.ImportResourceState)
}

func (s *server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return unary(ctx, req, s.next.MoveResourceState)
}

func (s *server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return unary(ctx, req, s.next.UpgradeResourceIdentity)
}

func (s *server) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return unary(ctx, req, s.next.GenerateResourceConfig)
}

func (s *server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateDataResourceConfig)
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return unary(ctx, req, s.next.ReadDataSource)
}

func (s *server) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return unary(ctx, req, s.next.CallFunction)
}

func (s *server) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return unary(ctx, req, s.next.GetFunctions)
}

func (s *server) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateEphemeralResourceConfig)
}

func (s *server) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return unary(ctx, req, s.next.OpenEphemeralResource)
}

func (s *server) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return unary(ctx, req, s.next.RenewEphemeralResource)
}

func (s *server) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return unary(ctx, req, s.next.CloseEphemeralResource)
}

func (s *server) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateListResourceConfig)
}

func (s *server) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return streamed(ctx, req, s.next.ListResource,
		func(r *tfprotov6.ListResourceServerStream) *iter.Seq[tfprotov6.ListResourceResult] { return &r.Results })
}

func (s *server) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateActionConfig)
}

func (s *server) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return unary(ctx, req, s.next.PlanAction)
}

func (s *server) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return streamed(ctx, req, s.next.InvokeAction,
		func(r *tfprotov6.InvokeActionServerStream) *iter.Seq[tfprotov6.InvokeActionEvent] { return &r.Events })
}

func (s *server) ValidateStateStoreConfig(ctx context.Context, req *tfprotov6.ValidateStateStoreConfigRequest) (*tfprotov6.ValidateStateStoreConfigResponse, error) {
	return unary(ctx, req, s.next.ValidateStateStoreConfig)
}

func (s *server) ConfigureStateStore(ctx context.Context, req *tfprotov6.ConfigureStateStoreRequest) (*tfprotov6.ConfigureStateStoreResponse, error) {
	return unary(ctx, req, s.next.ConfigureStateStore)
}

func (s *server) ReadStateBytes(ctx context.Context, req *tfprotov6.ReadStateBytesRequest) (*tfprotov6.ReadStateBytesStream, error) {
	return streamed(ctx, req, s.next.ReadStateBytes,
		func(r *tfprotov6.ReadStateBytesStream) *iter.Seq[tfprotov6.ReadStateByteChunk] { return &r.Chunks })
}

// WriteStateBytes consumes the request's stream of chunks before it returns, so it is unary here.
func (s *server) WriteStateBytes(ctx context.Context, req *tfprotov6.WriteStateBytesStream) (*tfprotov6.WriteStateBytesResponse, error) {
	return unary(ctx, req, s.next.WriteStateBytes)
}

func (s *server) GetStates(ctx context.Context, req *tfprotov6.GetStatesRequest) (*tfprotov6.GetStatesResponse, error) {
	return unary(ctx, req, s.next.GetStates)
}

func (s *server) DeleteState(ctx context.Context, req *tfprotov6.DeleteStateRequest) (*tfprotov6.DeleteStateResponse, error) {
	return unary(ctx, req, s.next.DeleteState)
}

func (s *server) LockState(ctx context.Context, req *tfprotov6.LockStateRequest) (*tfprotov6.LockStateResponse, error) {
	return unary(ctx, req, s.next.LockState)
}

func (s *server) UnlockState(ctx context.Context, req *tfprotov6.UnlockStateRequest) (*tfprotov6.UnlockStateResponse, error) {
	return unary(ctx, req, s.next.UnlockState)
}
