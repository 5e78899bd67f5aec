package bifrost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Deletion is what a [Store.Delete] did.
type Deletion struct {
	// RecoveryLevel is the vault's, as Key Vault reported it for the deleted secret (empty when
	// the secret was gone already).
	RecoveryLevel RecoveryLevel
	// ScheduledPurgeDate is when Key Vault purges the soft-deleted secret, when it keeps one.
	ScheduledPurgeDate *time.Time
	// Purged reports that the deleted secret was purged (PurgeOnDestroy).
	Purged bool
	// PurgeRefused reports that PurgeOnDestroy could not be honoured because the vault has purge
	// protection: the secret stays soft-deleted until ScheduledPurgeDate. Not an error: the
	// entry is deleted, as far as any reader can tell, and a create of the same name recovers it.
	PurgeRefused bool
}

// Delete soft-deletes the entry ref names, after checking ownership (a ref
// without a name deletes an adopted Key Vault secret by its physical name,
// refusing one that turns out to be a Bifrost entry). With PurgeOnDestroy it
// then waits for the deletion to finish and purges the secret, unless the
// vault's recovery level shows purge protection (Deletion.PurgeRefused). An
// entry that is already gone is not an error (with PurgeOnDestroy, a
// soft-deleted one that is ours is still purged).
//
// With [AlreadyVerified], the caller's own recent check stands in for the
// GET: the deletion is the DELETE alone, and ownership is checked again on
// the tags of the deleted secret that Key Vault returns. A secret that turns
// out not to be the caller's (another writer came since the caller's check)
// is recovered, when the vault keeps deleted secrets, and the error says so.
func (s *Store) Delete(ctx context.Context, ref Ref, opts ...WriteOption) (Deletion, error) {
	const op = "delete"
	t, err := refTarget(op, ref)
	if err != nil {
		return Deletion{}, err
	}
	// Verified, a missing secret shows as the DELETE's 404, handled below.
	verified := writeOptionsOf(opts).verified != nil
	if !verified {
		if _, _, err := s.latest(ctx, t, op); err != nil {
			if !isCode(err, ErrNotFound) {
				return Deletion{}, err
			}
			return s.purgeGone(ctx, t, op)
		}
	}

	var deleted azsecrets.DeletedSecret
	err = s.call(ctx, func() error {
		var err error
		deleted, err = s.kv.DeleteSecret(ctx, t.kvName)
		return err
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		// Deleted by someone else meanwhile, or by this request's own first
		// try, whose answer was lost (or, verified, gone before): the outcome
		// is the one asked for.
		return s.purgeGone(ctx, t, op)
	case err != nil:
		return Deletion{}, t.mapError(op, err)
	}
	if verified {
		if err := s.checkDeleted(ctx, t, op, deleted); err != nil {
			return Deletion{}, err
		}
	}
	d := deletionOf(deleted)
	if !s.opts.PurgeOnDestroy || !d.RecoveryLevel.Recoverable() {
		return d, nil
	}
	if !d.RecoveryLevel.Purgeable() {
		d.PurgeRefused = true
		return d, nil
	}
	// Until Key Vault has finished the deletion, GET deletedsecrets answers
	// 404 or 409 ObjectIsBeingDeleted.
	err = s.poll(ctx, "waiting for Key Vault to finish deleting the secret before purging it", func() (bool, error) {
		_, err := s.kv.GetDeletedSecret(ctx, t.kvName)
		return err == nil || !(isTransient(err) || isStatus(err, http.StatusNotFound)), err
	})
	if err != nil {
		return d, t.mapError(op, err)
	}
	return s.purge(ctx, t, d)
}

// deletionOf is what Key Vault's answer to a DELETE says of the deleted secret.
func deletionOf(deleted azsecrets.DeletedSecret) Deletion {
	d := Deletion{ScheduledPurgeDate: copyTime(deleted.ScheduledPurgeDate)}
	if deleted.Attributes != nil && deleted.Attributes.RecoveryLevel != nil {
		d.RecoveryLevel = RecoveryLevel(*deleted.Attributes.RecoveryLevel)
	}
	return d
}

// purgeGone finishes the deletion of a secret that is gone already: with
// PurgeOnDestroy, what is left of it in the deleted secrets is purged, if its
// tags say it is ours. One look tells whether there is something to purge,
// without waiting for what may never come.
func (s *Store) purgeGone(ctx context.Context, t target, op string) (Deletion, error) {
	if !s.opts.PurgeOnDestroy {
		return Deletion{}, nil
	}
	deleted, err := s.getDeletedSecret(ctx, t.kvName)
	if isStatus(err, http.StatusNotFound) {
		return Deletion{}, nil
	}
	if err != nil {
		return Deletion{}, t.mapError(op, err)
	}
	if err := checkOwnership(t, op, deleted.Tags); err != nil {
		return Deletion{}, err
	}
	d := deletionOf(deleted)
	if !d.RecoveryLevel.Purgeable() {
		d.PurgeRefused = true
		return d, nil
	}
	return s.purge(ctx, t, d)
}

// purge purges a soft-deleted secret. A 404 means it is gone already. A
// refusal for purge protection (the recovery level did not show it, or the
// vault changed) is d with PurgeRefused, not an error.
func (s *Store) purge(ctx context.Context, t target, d Deletion) (Deletion, error) {
	const op = "purge"
	err := s.call(ctx, func() error { return s.kv.PurgeDeletedSecret(ctx, t.kvName) })
	switch {
	case err == nil, isStatus(err, http.StatusNotFound):
		d.Purged = true
		return d, nil
	case isStatus(err, http.StatusForbidden):
		se, _ := asServiceError(err)
		if strings.Contains(strings.ToLower(se.message), "purge protection") {
			d.PurgeRefused = true
			return d, nil
		}
		e := t.mapError(op, err)
		e.Detail = `the secret was deleted but could not be purged: the principal needs the purge permission (role "Key Vault Secrets Officer"); ` +
			"it stays recoverable until its scheduled purge date"
		return d, e
	default:
		return d, t.mapError(op, err)
	}
}

// recoverAndWait recovers a soft-deleted secret and waits until it is
// readable again: during the recovery Key Vault answers 404 or 409
// ObjectIsBeingRecovered.
func (s *Store) recoverAndWait(ctx context.Context, t target) error {
	const op = "create"
	err := s.call(ctx, func() error {
		_, err := s.kv.RecoverDeletedSecret(ctx, t.kvName)
		return err
	})
	// 404: no longer deleted, someone else recovered (or purged) it meanwhile,
	// or this request's own first try did; the wait below tells which.
	if err != nil && !isStatus(err, http.StatusNotFound) {
		return t.mapError(op, err)
	}
	err = s.poll(ctx, "waiting for Key Vault to finish recovering the soft-deleted secret", func() (bool, error) {
		_, err := s.kv.GetSecret(ctx, t.kvName, "")
		if err == nil || isDisabled(err) {
			return true, nil
		}
		return !(isTransient(err) || isStatus(err, http.StatusNotFound)), err
	})
	if err != nil {
		return t.mapError(op, err)
	}
	return nil
}

// checkDeleted checks ownership on the tags of a secret deleted without a GET first (see
// [AlreadyVerified]): one that is not the caller's is recovered, so that the deletion is
// undone, and the ownership error says what happened.
func (s *Store) checkDeleted(ctx context.Context, t target, op string, deleted azsecrets.DeletedSecret) error {
	err := checkOwnership(t, op, deleted.Tags)
	var e *Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	const untouched = "nothing was read, written or deleted"
	outcome := "it changed after this state last read it and was deleted before that showed; the deletion was undone (the secret was recovered)"
	if !deletionOf(deleted).RecoveryLevel.Recoverable() {
		outcome = "it changed after this state last read it and was deleted before that showed; the vault does not keep deleted secrets, so it is gone"
	} else if rerr := s.recoverAndWait(ctx, t); rerr != nil {
		outcome = fmt.Sprintf("it changed after this state last read it and was deleted before that showed; recovering it failed (%v), "+
			"so recover it with `az keyvault secret recover --name %s`", rerr, t.kvName)
	}
	c := *e
	c.Detail = strings.Replace(c.Detail, untouched, outcome, 1)
	return &c
}

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
