package protocolserver

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type valueKey struct{}

// TestWrapperHasEveryFrameworkRPC fails when the framework's server gains an RPC the wrapper
// does not forward (tf6server finds optional RPCs by type assertion, so a missing method
// would silently turn into "not implemented").
func TestWrapperHasEveryFrameworkRPC(t *testing.T) {
	fw := reflect.TypeOf(frameworkServer(&testProvider{}))
	wrapped := reflect.TypeOf(wrappedServer(t, &testProvider{}))
	for m := range fw.Methods() {
		w, ok := wrapped.MethodByName(m.Name)
		if !ok {
			t.Errorf("the wrapper lacks %s %s", m.Name, m.Type)
			continue
		}
		// Compare without the receiver.
		if in, out := m.Type.NumIn(), w.Type.NumIn(); in != out {
			t.Errorf("%s: %d parameters, the framework's has %d", m.Name, out-1, in-1)
			continue
		}
		for i := 1; i < m.Type.NumIn(); i++ {
			if m.Type.In(i) != w.Type.In(i) {
				t.Errorf("%s: parameter %d is %s, the framework's is %s", m.Name, i, w.Type.In(i), m.Type.In(i))
			}
		}
		if !reflect.DeepEqual(outs(m.Type), outs(w.Type)) {
			t.Errorf("%s: results %v, the framework's %v", m.Name, outs(w.Type), outs(m.Type))
		}
	}
	if n, want := fw.NumMethod(), reflect.TypeFor[downstream]().NumMethod(); n < want {
		t.Errorf("the framework's server has %d methods, fewer than the %d protocol 6 RPCs", n, want)
	}
}

func outs(t reflect.Type) []reflect.Type {
	var r []reflect.Type
	for i := range t.NumOut() {
		r = append(r, t.Out(i))
	}
	return r
}

// TestEveryRPCLetsGoOfTheCallerContext calls every RPC of the wrapped framework server (with an
// empty request) and checks that afterwards nothing keeps the caller's context's values alive,
// and that the framework's server alone does keep them, so the check can fail.
func TestEveryRPCLetsGoOfTheCallerContext(t *testing.T) {
	wrapped := wrappedServer(t, &testProvider{})
	unwrapped := frameworkServer(&testProvider{})
	methods := reflect.TypeOf(wrapped)
	var leaking []string
	for m := range methods.Methods() {
		if !callerReleased(t, wrapped, m.Name) {
			t.Errorf("%s: the wrapped server keeps the caller's context alive after the RPC", m.Name)
		}
		if !callerReleased(t, unwrapped, m.Name) {
			leaking = append(leaking, m.Name)
		}
	}
	t.Logf("the framework's server alone keeps the caller's context for %d of %d RPCs", len(leaking), methods.NumMethod())
	// StopProvider registers no context; every other RPC does.
	if len(leaking) != methods.NumMethod()-1 {
		t.Errorf("the framework's server alone keeps the caller's context for %d RPCs (%s), want all but "+
			"StopProvider: has the leak been fixed upstream? See the package comment",
			len(leaking), strings.Join(leaking, ", "))
	}
}

// callerReleased calls method of s with an empty request, through a caller context carrying a
// value that only a weak pointer follows; consumes a streamed response; cancels the caller as
// gRPC does after an RPC; and reports whether the value has been collected.
func callerReleased(t *testing.T, s tfprotov6.ProviderServer, method string) bool {
	t.Helper()
	wp := func() weak.Pointer[[64]byte] {
		v := new([64]byte)
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), valueKey{}, v))
		defer cancel()
		callEmpty(t, s, method, ctx)
		return weak.Make(v)
	}()
	runtime.GC()
	runtime.GC()
	return wp.Value() == nil
}

// callEmpty calls method with an empty request (nil iterators in it replaced by empty ones) and
// ranges over the iterator of a streamed response. A panic in the framework on such a request
// is tolerated: the wrapper must let go of the caller whatever happens.
func callEmpty(t *testing.T, s tfprotov6.ProviderServer, method string, ctx context.Context) {
	t.Helper()
	m := reflect.ValueOf(s).MethodByName(method)
	req := reflect.New(m.Type().In(1).Elem())
	for i := range req.Elem().NumField() {
		if f := req.Elem().Field(i); f.Kind() == reflect.Func && f.IsNil() && f.CanSet() {
			f.Set(reflect.MakeFunc(f.Type(), func([]reflect.Value) []reflect.Value { return nil }))
		}
	}
	defer func() {
		if r := recover(); r != nil {
			t.Logf("%s panicked on an empty request: %v", method, r)
		}
	}()
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), req})
	resp := res[0]
	if resp.IsNil() {
		return
	}
	for i := range resp.Elem().NumField() {
		f := resp.Elem().Field(i)
		if f.Kind() != reflect.Func || f.IsNil() || f.Type().NumIn() != 1 {
			continue
		}
		yield := reflect.MakeFunc(f.Type().In(0), func([]reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.ValueOf(true)}
		})
		f.Call([]reflect.Value{yield})
	}
}

// TestCallerContextForwardedWhileRunning checks what the framework hands to a resource: the
// caller's values and deadline, and its cancellation with its error and cause; and once the RPC
// is over, none of the caller's values and a canceled context.
func TestCallerContextForwardedWhileRunning(t *testing.T) {
	r := newRPCs(t)
	var inRPC context.Context
	cause := errors.New("client went away")
	p := &testProvider{}
	s := wrappedServer(t, p)

	deadline := time.Now().Add(time.Hour)
	caller, cancel := context.WithCancelCause(context.WithValue(context.Background(), valueKey{}, "v"))
	caller, cancelDeadline := context.WithDeadline(caller, deadline)
	defer cancelDeadline()
	p.probe = func(ctx context.Context) {
		inRPC = ctx
		if got := ctx.Value(valueKey{}); got != "v" {
			t.Errorf("in the RPC: value %v, want v", got)
		}
		if d, ok := ctx.Deadline(); !ok || !d.Equal(deadline) {
			t.Errorf("in the RPC: deadline %v %v, want %v", d, ok, deadline)
		}
		if err := ctx.Err(); err != nil {
			t.Errorf("in the RPC, before the caller is canceled: %v", err)
		}
		cancel(cause)
		<-ctx.Done() // the cancellation reaches the resource
		if !errors.Is(ctx.Err(), context.Canceled) || !errors.Is(context.Cause(ctx), cause) {
			t.Errorf("in the RPC, after the caller is canceled: err %v cause %v, want %v and %v",
				ctx.Err(), context.Cause(ctx), context.Canceled, cause)
		}
	}
	r.call(t, s, caller, 2) // ReadResource
	if inRPC == nil {
		t.Fatal("the resource's Read was not called")
	}
	if got := inRPC.Value(valueKey{}); got != nil {
		t.Errorf("after the RPC: value %v, want none", got)
	}
	if _, ok := inRPC.Deadline(); ok {
		t.Error("after the RPC: the caller's deadline is still there")
	}
	if inRPC.Err() == nil {
		t.Error("after the RPC: the context is not done")
	}
}

func TestCallerDeadlineForwarded(t *testing.T) {
	r := newRPCs(t)
	p := &testProvider{}
	s := wrappedServer(t, p)
	caller, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	called := false
	p.probe = func(ctx context.Context) {
		called = true
		<-ctx.Done()
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("err %v, want %v", ctx.Err(), context.DeadlineExceeded)
		}
	}
	r.call(t, s, caller, 0) // ValidateResourceConfig
	if !called {
		t.Fatal("the resource's ValidateConfig was not called")
	}
}

// TestStopProviderCancelsInFlightRPCs: the framework's StopProvider still reaches an RPC that
// runs under an rpcContext.
func TestStopProviderCancelsInFlightRPCs(t *testing.T) {
	r := newRPCs(t)
	p := &testProvider{}
	s := wrappedServer(t, p)
	started := make(chan struct{})
	var err error
	p.probe = func(ctx context.Context) {
		close(started)
		<-ctx.Done()
		err = ctx.Err()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.call(t, s, context.Background(), 2)
	}()
	<-started
	if _, err := s.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	<-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the in-flight RPC's context: %v, want %v", err, context.Canceled)
	}
}

// otherContext is a caller context the context package does not know, so that following its
// cancellation takes a goroutine.
type otherContext struct {
	context.Context
	done chan struct{}
}

func (c otherContext) Done() <-chan struct{} { return c.done }

// TestNoGoroutineLeft: after RPCs with every kind of caller context, as many goroutines run as
// before.
func TestNoGoroutineLeft(t *testing.T) {
	r := newRPCs(t)
	s := wrappedServer(t, &testProvider{})
	r.call(t, s, context.Background(), 0)
	before := runtime.NumGoroutine()
	var cancels []func()
	for i := range 300 {
		var ctx context.Context
		switch i % 3 {
		case 0:
			ctx = context.Background()
		case 1:
			c, cancel := context.WithCancel(context.Background())
			ctx = c
			cancels = append(cancels, cancel) // canceled only at the end: the RPC must not wait for it
		default:
			c := otherContext{Context: context.Background(), done: make(chan struct{})}
			ctx = c
			cancels = append(cancels, func() { close(c.done) })
		}
		r.call(t, s, ctx, i)
	}
	waitGoroutines(t, before)
	for _, cancel := range cancels {
		cancel()
	}
	waitGoroutines(t, before)
}

// waitGoroutines waits for the goroutine count to fall back to want: a goroutine the context
// package starts for a foreign context ends shortly after it is told to.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	var n int
	for range 1000 {
		if n = runtime.NumGoroutine(); n <= want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Fatalf("%d goroutines, want %d:\n%s", n, want, buf[:runtime.Stack(buf, true)])
}

// streamDownstream is a downstream whose ListResource returns a stream of three results that
// records the context it runs with; the other RPCs are not implemented.
type streamDownstream struct {
	downstream
	err    error
	noSeq  bool
	mu     sync.Mutex
	ctx    context.Context
	values []any
}

func (d *streamDownstream) ListResource(ctx context.Context, _ *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	d.mu.Lock()
	d.ctx = ctx
	d.mu.Unlock()
	if d.err != nil {
		return &tfprotov6.ListResourceServerStream{Results: tfprotov6.NoListResults}, d.err
	}
	if d.noSeq {
		return &tfprotov6.ListResourceServerStream{}, nil
	}
	return &tfprotov6.ListResourceServerStream{Results: func(yield func(tfprotov6.ListResourceResult) bool) {
		for i := range 3 {
			d.mu.Lock()
			d.values = append(d.values, ctx.Value(valueKey{}))
			d.mu.Unlock()
			if !yield(tfprotov6.ListResourceResult{DisplayName: string(rune('a' + i))}) {
				return
			}
		}
	}}, nil
}

func (d *streamDownstream) released() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ctx != nil && d.ctx.Value(valueKey{}) == nil && d.ctx.Err() != nil
}

func listResource(t *testing.T, d *streamDownstream, ctx context.Context) *tfprotov6.ListResourceServerStream {
	t.Helper()
	s, err := Wrap(d)
	if err != nil {
		t.Fatal(err)
	}
	lister, ok := s.(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatalf("the wrapped server (%T) does not serve ListResource", s)
	}
	stream, err := lister.ListResource(ctx, &tfprotov6.ListResourceRequest{})
	if !errors.Is(err, d.err) {
		t.Fatalf("err %v, want %v", err, d.err)
	}
	return stream
}

func TestStreamedRPCEndsWithItsIteration(t *testing.T) {
	ctx := context.WithValue(context.Background(), valueKey{}, "v")
	for _, stopAfter := range []int{1, 3} {
		d := &streamDownstream{}
		stream := listResource(t, d, ctx)
		if d.released() {
			t.Fatal("released before the stream was iterated")
		}
		n := 0
		for range stream.Results {
			if d.released() {
				t.Fatal("released during the iteration")
			}
			if n++; n == stopAfter {
				break
			}
		}
		if !d.released() {
			t.Errorf("stopping after %d results: not released after the iteration", stopAfter)
		}
		if want := []any{"v", "v", "v"}[:stopAfter]; !reflect.DeepEqual(d.values, want) {
			t.Errorf("values seen by the stream: %v, want %v", d.values, want)
		}
	}
}

func TestStreamedRPCNeverIteratedEndsWithTheCaller(t *testing.T) {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), valueKey{}, "v"))
	d := &streamDownstream{}
	_ = listResource(t, d, ctx)
	if d.released() {
		t.Fatal("released before the caller is done")
	}
	cancel()
	for range 1000 {
		if d.released() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("not released after the caller is done")
}

func TestStreamedRPCWithoutStreamEndsAtOnce(t *testing.T) {
	ctx := context.WithValue(context.Background(), valueKey{}, "v")
	for name, d := range map[string]*streamDownstream{
		"error":     {err: errors.New("boom")},
		"no stream": {noSeq: true},
	} {
		stream := listResource(t, d, ctx)
		if !d.released() {
			t.Errorf("%s: not released when the method returned", name)
		}
		if name == "no stream" && stream.Results != nil {
			t.Errorf("%s: the wrapper made up a stream", name)
		}
	}
}

// TestDerivedContextsFollowTheRPC: a context derived from an rpcContext, as the framework
// derives one, starts no goroutine, is canceled with the caller while the RPC runs and at the
// latest when the RPC ends; context.AfterFunc on it runs once it is done.
func TestDerivedContextsFollowTheRPC(t *testing.T) {
	caller, cancelCaller := context.WithCancel(context.Background())
	defer cancelCaller()
	rc := newRPCContext(caller)
	before := runtime.NumGoroutine()
	child, cancelChild := context.WithCancel(rc)
	defer cancelChild()
	if n := runtime.NumGoroutine(); n != before {
		t.Errorf("deriving a context started %d goroutines", n-before)
	}
	ran := make(chan struct{})
	context.AfterFunc(child, func() { close(ran) })
	stopped := context.AfterFunc(rc, func() { t.Error("a stopped AfterFunc ran") })
	if !stopped() {
		t.Error("stopping an AfterFunc before the RPC ends: false")
	}
	if child.Err() != nil {
		t.Fatal("derived context done before anything happened")
	}
	rc.release()
	<-child.Done()
	<-ran
	if !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("derived context after the RPC: %v", child.Err())
	}
	late := make(chan struct{})
	context.AfterFunc(rc, func() { close(late) })
	<-late

	// The caller's cancellation while the RPC runs.
	caller2, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	rc2 := newRPCContext(caller2)
	child2, cancelChild2 := context.WithCancel(rc2)
	defer cancelChild2()
	cancel2()
	<-child2.Done()
	if !errors.Is(rc2.Err(), context.Canceled) {
		t.Errorf("after the caller is canceled: %v", rc2.Err())
	}
	rc2.release()
	if !errors.Is(rc2.Err(), context.Canceled) {
		t.Errorf("after release, the caller's error is kept: %v", rc2.Err())
	}
}
