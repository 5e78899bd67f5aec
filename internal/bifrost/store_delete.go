package bifrost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Delete soft-deletes the entry ref names, after checking ownership (a ref
// without a name deletes an adopted Key Vault secret by its physical name,
// refusing one that turns out to be a Bifrost entry). With PurgeOnDestroy it
// then waits for the deletion to finish and purges the secret. An entry that
// is already gone is not an error (with PurgeOnDestroy, a soft-deleted one
// that is ours is still purged).
//
// With [AlreadyVerified], the caller's own recent check stands in for the
// GET: the deletion is the DELETE alone, and ownership is checked again on
// the tags of the deleted secret that Key Vault returns. A secret that turns
// out not to be the caller's (another writer came since the caller's check)
// is recovered, when the vault keeps deleted secrets, and the error says so.
func (s *Store) Delete(ctx context.Context, ref Ref, opts ...WriteOption) error {
	const op = "delete"
	t, err := refTarget(op, ref)
	if err != nil {
		return err
	}
	// Verified, a missing secret shows as the DELETE's 404, handled below.
	verified := writeOptionsOf(opts).verified != nil
	if !verified {
		if _, _, err := s.latest(ctx, t, op); err != nil {
			if !isCode(err, ErrNotFound) {
				return err
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
		return t.mapError(op, err)
	}
	if verified {
		if err := s.checkDeleted(ctx, t, op, deleted); err != nil {
			return err
		}
	}
	if !s.opts.PurgeOnDestroy || !recoverable(deleted.Attributes) {
		return nil
	}
	// Until Key Vault has finished the deletion, GET deletedsecrets answers
	// 404 or 409 ObjectIsBeingDeleted.
	err = s.poll(ctx, "waiting for Key Vault to finish deleting the secret before purging it", func() (bool, error) {
		_, err := s.kv.GetDeletedSecret(ctx, t.kvName)
		return err == nil || !(isTransient(err) || isStatus(err, http.StatusNotFound)), err
	})
	if err != nil {
		return t.mapError(op, err)
	}
	return s.purge(ctx, t)
}

// purgeGone finishes the deletion of a secret that is gone already: with
// PurgeOnDestroy, what is left of it in the deleted secrets is purged, if its
// tags say it is ours. One look tells whether there is something to purge,
// without waiting for what may never come.
func (s *Store) purgeGone(ctx context.Context, t target, op string) error {
	if !s.opts.PurgeOnDestroy {
		return nil
	}
	deleted, err := s.getDeletedSecret(ctx, t.kvName)
	if isStatus(err, http.StatusNotFound) {
		return nil
	}
	if err != nil {
		return t.mapError(op, err)
	}
	if err := checkOwnership(t, op, deleted.Tags); err != nil {
		return err
	}
	return s.purge(ctx, t)
}

// recoverable reports whether a deleted secret is kept soft-deleted (and so
// can be purged). Key Vault reports it in recoveryLevel; without soft delete
// ("Purgeable") the secret is gone at once. Unknown means yes.
func recoverable(attrs *azsecrets.SecretAttributes) bool {
	if attrs == nil || attrs.RecoveryLevel == nil || *attrs.RecoveryLevel == "" {
		return true
	}
	return strings.Contains(*attrs.RecoveryLevel, "Recoverable")
}

// purge purges a soft-deleted secret. A 404 means it is gone already.
func (s *Store) purge(ctx context.Context, t target) error {
	const op = "purge"
	err := s.call(ctx, func() error { return s.kv.PurgeDeletedSecret(ctx, t.kvName) })
	switch {
	case err == nil, isStatus(err, http.StatusNotFound):
		return nil
	case isStatus(err, http.StatusForbidden):
		e := t.mapError(op, err)
		se, _ := asServiceError(err)
		if strings.Contains(strings.ToLower(se.message), "purge protection") {
			e.Detail = "the vault has purge protection enabled, so the deleted secret cannot be purged; it stays recoverable until its scheduled purge date. " +
				"Set purge_on_destroy = false for this vault"
		} else {
			e.Detail = `the secret was deleted but could not be purged: the principal needs the purge permission (role "Key Vault Secrets Officer"), ` +
				"or the vault has purge protection enabled, in which case set purge_on_destroy = false"
		}
		return e
	default:
		return t.mapError(op, err)
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
	if !recoverable(deleted.Attributes) {
		outcome = "it changed after this state last read it and was deleted before that showed; the vault does not keep deleted secrets, so it is gone"
	} else if rerr := s.recoverAndWait(ctx, t); rerr != nil {
		outcome = fmt.Sprintf("it changed after this state last read it and was deleted before that showed; recovering it failed (%v), "+
			"so recover it with `az keyvault secret recover --name %s`", rerr, t.kvName)
	}
	c := *e
	c.Detail = strings.Replace(c.Detail, untouched, outcome, 1)
	return &c
}
