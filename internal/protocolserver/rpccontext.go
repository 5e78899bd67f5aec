package protocolserver

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// rpcContext is the context one RPC hands to the framework. While the RPC runs it forwards
// the caller's values, deadline and cancellation; when the RPC is over (release) it lets go of
// the caller: its values are gone, it is done with context.Canceled, and nothing reachable
// from it leads back to the caller's context. Whatever the framework keeps of it afterwards
// (see the package comment) is a few hundred bytes instead of the caller's whole context.
//
// It has its own Done channel rather than the caller's, so that contexts derived from it are
// registered with it (through AfterFunc, which the context package uses for parents that are
// not its own types) and not with the caller, and it implements AfterFunc so that deriving a
// cancellable context from it starts no goroutine.
type rpcContext struct {
	// caller is the caller's context until release; Value and Deadline read it without a lock
	// because they are on every logging call's path.
	caller atomic.Pointer[context.Context]
	done   chan struct{}

	mu sync.Mutex
	// err is nil until done is closed: the caller's error when the caller was done first,
	// context.Canceled when the RPC ended first.
	err error
	// stopCaller unregisters the callback that forwards the caller's cancellation.
	stopCaller func() bool
	// hooks are the functions registered through AfterFunc, run when done closes.
	hooks []*hook
	state rpcState
}

// rpcState is where an RPC is in its life, for the RPCs whose response is a stream.
type rpcState uint8

const (
	// running: the method has not returned yet. The RPC ends when it returns.
	running rpcState = iota
	// streamPending: the method returned a stream nobody iterates yet. The RPC ends when the
	// iteration ends, or when the caller is done if it never starts.
	streamPending
	// streaming: the stream is being iterated; the RPC ends when the iteration ends.
	streaming
	// released: the RPC is over and the caller let go of.
	released
)

type hook struct{ f func() }

var _ context.Context = (*rpcContext)(nil)

// newRPCContext starts an RPC on behalf of caller.
func newRPCContext(caller context.Context) *rpcContext {
	c := &rpcContext{done: make(chan struct{})}
	c.caller.Store(&caller)
	if caller.Done() == nil {
		return c // never canceled, e.g. context.Background(): nothing to forward
	}
	// For a caller built by the context package (gRPC's stream context is), this registers
	// a child with it and starts no goroutine; for another kind of caller the context package
	// starts one, which stopCaller ends.
	stop := context.AfterFunc(caller, func() { c.callerDone(caller) })
	c.mu.Lock()
	if c.state == released {
		c.mu.Unlock()
		stop()
		return c
	}
	c.stopCaller = stop
	c.mu.Unlock()
	return c
}

func (c *rpcContext) Deadline() (time.Time, bool) {
	if p := c.caller.Load(); p != nil {
		return (*p).Deadline()
	}
	return time.Time{}, false
}

func (c *rpcContext) Done() <-chan struct{} { return c.done }

func (c *rpcContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *rpcContext) Value(key any) any {
	if p := c.caller.Load(); p != nil {
		return (*p).Value(key)
	}
	return nil
}

func (c *rpcContext) String() string { return "protocolserver.rpcContext" }

// AfterFunc arranges for f to run once c is done, as context.AfterFunc does, and returns a
// function that unregisters it. The context package calls it when a context is derived from
// c (context.WithCancel and friends), which is how the framework's per-RPC context follows c.
func (c *rpcContext) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	h := &hook{f: f}
	c.hooks = append(c.hooks, h)
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, x := range c.hooks {
			if x == h {
				c.hooks = append(c.hooks[:i], c.hooks[i+1:]...)
				return true
			}
		}
		return false
	}
}

// finish closes done with err, once, and runs the hooks (outside the lock: they call Err).
func (c *rpcContext) finish(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if err == nil {
		err = context.Canceled
	}
	c.err = err
	close(c.done)
	hooks := c.hooks
	c.hooks = nil
	c.mu.Unlock()
	for _, h := range hooks {
		h.f()
	}
}

// callerDone forwards the caller's cancellation; it also ends an RPC whose stream was never
// iterated, since nobody will iterate it once the caller has gone.
func (c *rpcContext) callerDone(caller context.Context) {
	c.finish(caller.Err())
	c.releaseIfPending()
}

// release ends the RPC: it unregisters from the caller, forgets it, and cancels c (and so
// every context the framework derived from it). It is idempotent.
func (c *rpcContext) release() {
	c.mu.Lock()
	if c.state == released {
		c.mu.Unlock()
		return
	}
	c.state = released
	stop := c.stopCaller
	c.stopCaller = nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	c.caller.Store(nil)
	c.finish(context.Canceled)
}

// handOff records that the method returned a stream: the RPC now ends with its iteration.
func (c *rpcContext) handOff() {
	c.mu.Lock()
	if c.state == running {
		c.state = streamPending
	}
	c.mu.Unlock()
	// The caller may have gone while the method ran: then nobody iterates the stream.
	select {
	case <-c.done:
		c.releaseIfPending()
	default:
	}
}

// releaseIfPending ends an RPC whose stream nobody has started iterating.
func (c *rpcContext) releaseIfPending() {
	c.mu.Lock()
	pending := c.state == streamPending
	c.mu.Unlock()
	if pending {
		c.release()
	}
}

// startIteration records that the stream is being iterated, so that the caller going away
// no longer ends the RPC by itself (the iteration's end does).
func (c *rpcContext) startIteration() {
	c.mu.Lock()
	if c.state == streamPending {
		c.state = streaming
	}
	c.mu.Unlock()
}
