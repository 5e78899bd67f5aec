package bifrost

import (
	"context"
	"fmt"
	"time"
)

// DefaultPollInterval is how long the store waits between two looks at a
// secret that is being deleted or recovered.
const DefaultPollInterval = time.Second

// poll calls try every PollInterval until it reports done, or ctx ends. It
// is the store's one way of waiting for Key Vault: a deletion or a recovery
// to finish, or a transient 409 to clear. When try reports done, poll returns
// its error (nil on success); otherwise the error is Key Vault's last answer,
// kept for the error of a wait that ctx cuts short, which names what it was
// waiting for and matches ctx's error.
func (s *Store) poll(ctx context.Context, waiting string, try func() (done bool, err error)) error {
	for {
		done, err := try()
		if done {
			return err
		}
		timer := time.NewTimer(s.opts.PollInterval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return timedOut(ctx.Err(), err, waiting)
		case <-timer.C:
		}
	}
}

// call runs one Key Vault request, waiting out the transient 409s that a
// deletion or recovery in progress causes (ObjectIsBeingDeleted,
// ObjectIsBeingRecovered). Throttling, 5xx and dropped connections are
// retried by the client's own pipeline (see [ClientOptions]).
func (s *Store) call(ctx context.Context, req func() error) error {
	return s.poll(ctx, "waiting for a deletion or recovery in progress in Key Vault", func() (bool, error) {
		err := req()
		return !isTransient(err), err
	})
}

// timedOut is the error of a wait cut short by the context: it matches the
// context's error and carries Key Vault's last answer.
func timedOut(ctxErr, last error, waiting string) error {
	if se, ok := asServiceError(last); ok {
		return fmt.Errorf("%s: %w (last answer: %d %s)", waiting, ctxErr, se.status, se.codes())
	}
	return fmt.Errorf("%s: %w", waiting, ctxErr)
}
