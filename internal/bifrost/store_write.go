package bifrost

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Create writes a new entry, with a fresh owner token (returned in the
// entry). It never overwrites: when the Key Vault name exists it fails with
// ErrAlreadyExists (with the import block to use) or, when the name carries
// another entry's tags, ErrNameCollision; a secret_reference config whose
// secret does not exist fails with ErrDanglingReference.
//
// The one exception is what an interrupted run leaves behind: an entry with
// exactly this entry's identity tags holding exactly the value and metadata
// to be written. Create takes it over without writing a version, only
// stamping its own owner token, so that a re-apply after a crash converges
// and any other state that believed it owned the entry finds out at its next
// refresh.
//
// When the name is held by a soft-deleted secret, Create recovers it and
// writes e.Value as a new version (RecoverSoftDeleted), or fails with
// ErrSoftDeleted.
//
// Key Vault has no create-if-absent, so a writer racing between the GET and
// the PUT cannot be stopped; the PUT then adds a version, and the owner
// token tells the writer that lost at its next refresh.
func (s *Store) Create(ctx context.Context, e Entry) (*Entry, error) {
	const op = "create"
	e.Owner = ""
	t, err := prepare(op, &e, true)
	if err != nil {
		return nil, err
	}
	if err := s.requireReferencedSecret(ctx, t, e, op); err != nil {
		return nil, err
	}
	e.Owner = newOwnerToken()

	cur, hasValue, err := s.latest(ctx, t, op)
	switch {
	case err == nil && hasValue && sameContent(cur, e):
		return s.takeOver(ctx, t, e)
	case err == nil:
		why := ""
		if !hasValue {
			why = " (disabled)"
		} else if cur.Managed {
			why = " with other content than planned"
		}
		return nil, alreadyExists(t, e, why)
	case !isCode(err, ErrNotFound):
		return nil, err
	}

	written, err := s.setSecret(ctx, t, e)
	if err == nil {
		return written, nil
	}
	if !isDeletedButRecoverable(err) {
		return nil, t.mapError(op, err)
	}
	// The deleted secret's tags say whose it was: someone else's is not
	// brought back. A 404 means it was purged since the PUT: the name is
	// free again and the next PUT simply creates.
	deleted, err := s.getDeletedSecret(ctx, t.kvName)
	switch {
	case err == nil:
		if err := checkOwnership(t, op, deleted.Tags); err != nil {
			return nil, err
		}
		if !s.opts.RecoverSoftDeleted {
			return nil, softDeleted(t, deleted)
		}
		if err := s.recoverAndWait(ctx, t); err != nil {
			return nil, err
		}
	case !isStatus(err, http.StatusNotFound):
		return nil, t.mapError(op, err)
	}
	written, err = s.setSecret(ctx, t, e)
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return written, nil
}

// takeOver stamps e's owner token on the latest version of an entry that
// already holds exactly e (a PATCH of the tags: no new version).
func (s *Store) takeOver(ctx context.Context, t target, e Entry) (*Entry, error) {
	const op = "create"
	var sec azsecrets.Secret
	err := s.call(ctx, func() error {
		var err error
		sec, err = s.kv.UpdateSecretProperties(ctx, t.kvName, "", azsecrets.UpdateSecretPropertiesParameters{Tags: toPtrMap(e.KeyVaultTags())})
		return err
	})
	if err != nil {
		return nil, t.mapError(op, err)
	}
	taken := entryFromSecret(sec)
	fillIdentity(&taken, t)
	return &taken, nil
}

// Rotate writes e.Value as a new version of an existing entry, with e's tags, content type and
// attributes, after checking ownership (e.Owner is the token the caller holds; a fresh one is
// written when it holds none, or with [NewOwner]). With [AlreadyVerified], the caller's own
// recent check stands in for the GET that checks ownership: the rotation is then the PUT alone.
// Without it, the GET also compares the entry with the one given by [Against] and refuses
// with ErrChanged, writing nothing, when another writer changed it since (see changes.go).
func (s *Store) Rotate(ctx context.Context, e Entry, opts ...WriteOption) (*Entry, error) {
	const op = "rotate"
	t, err := prepare(op, &e, true)
	if err != nil {
		return nil, err
	}
	if err := s.requireReferencedSecret(ctx, t, e, op); err != nil {
		return nil, err
	}
	o := writeOptionsOf(opts)
	if o.prior != nil {
		t.seen = o.prior.Version
	}
	if o.verified == nil {
		cur, _, err := s.latest(ctx, t, op)
		if err != nil {
			return nil, err
		}
		if o.prior != nil {
			if changes := changesSince(*o.prior, cur); len(changes) > 0 {
				return nil, changed(t, op, changes)
			}
		}
	}
	e.Owner = o.ownerToWrite(e.Owner)
	written, err := s.setSecret(ctx, t, e)
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return written, nil
}

// UpdateMetadata changes an entry's metadata in place (PATCH): tags (reserved ones included,
// so an adopted secret gets them), description, content type, enabled, not-before and
// expiry. e.Value is ignored, except that a secret_reference config's value names the secret
// its reference tag records; e.Owner is checked and written as by Rotate.
//
// Given [Against] (the entry as the caller's plan saw it), the PATCH goes to the version the
// plan saw and sends only the fields that differ from it, so that a change another writer
// made since is neither undone nor taken in; the second result lists such changes as Key
// Vault's answer shows them (for the caller to report; the next read shows them as drift).
// With [AlreadyVerified] too, the update is that PATCH alone; otherwise the store reads the
// entry first and refuses with ErrChanged, writing nothing, if it differs from what the plan
// saw. Without Against, the entry read is what the update goes against. An update that
// changes nothing Key Vault keeps (only the caller's own settings changed) makes no request.
//
// Clearing a not-before or expiry date or the content type is the exception: Key Vault's
// PATCH leaves out what it is not given, and whether an explicit null clears a field is not
// something to rely on, so the store then reads the value and writes a new version with it
// and the new metadata (GET + PUT). A disabled secret's value cannot be read: one the update
// enables is enabled first and then read (GET + PATCH + GET + PUT); for one that stays
// disabled the store PATCHes with explicit nulls and fails with ErrInvalid if Key Vault kept
// the field.
func (s *Store) UpdateMetadata(ctx context.Context, e Entry, opts ...WriteOption) (*Entry, []string, error) {
	const op = "update"
	t, err := prepare(op, &e, false)
	if err != nil {
		return nil, nil, err
	}
	o := writeOptionsOf(opts)
	if o.prior != nil {
		t.seen = o.prior.Version
	}
	var cur Entry
	var hasValue bool
	if o.verified != nil && o.prior != nil && !RewritesVersion(*o.prior, e) {
		cur = *o.prior
	} else {
		if cur, hasValue, err = s.latest(ctx, t, op); err != nil {
			return nil, nil, err
		}
		if o.prior != nil {
			if changes := changesSince(*o.prior, cur); len(changes) > 0 {
				return nil, nil, changed(t, op, changes)
			}
		}
	}
	e.Owner = o.ownerToWrite(e.Owner)
	clears := clearedFields(cur, e)
	if len(clears) > 0 && !hasValue && !cur.Enabled && e.Enabled {
		// Disabled, so its value is hidden, but the update enables it: enable it first, and its
		// value can then be read to write it again without what a PATCH cannot clear.
		if cur, hasValue, err = s.enableForRewrite(ctx, t, op, cur); err != nil {
			return nil, nil, err
		}
	}
	if len(clears) > 0 && hasValue {
		e.Value = cur.Value
		written, err := s.setSecret(ctx, t, e)
		if err != nil {
			return nil, nil, t.mapError(op, err)
		}
		return written, nil, nil
	}

	fields := fieldsToPatch(cur, e, o.retag)
	if !fields.any() {
		fillIdentity(&cur, t)
		return &cur, nil, nil
	}
	params := azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{}}
	if fields.enabled {
		params.SecretAttributes.Enabled = &e.Enabled
	}
	if fields.notBefore {
		params.SecretAttributes.NotBefore = clearableTime(e.NotBefore)
	}
	if fields.expires {
		params.SecretAttributes.Expires = clearableTime(e.ExpiresAt)
	}
	if fields.contentType {
		params.ContentType = clearableString(e.ContentType)
	}
	if fields.tags {
		params.Tags = toPtrMap(e.KeyVaultTags())
	}
	var sec azsecrets.Secret
	err = s.call(ctx, func() error {
		var err error
		sec, err = s.kv.UpdateSecretProperties(ctx, t.kvName, cur.Version, params)
		return err
	})
	if err != nil {
		return nil, nil, t.mapError(op, err)
	}
	updated := entryFromSecret(sec)
	fillIdentity(&updated, t)
	if kept := slices.DeleteFunc(clearedFields(updated, e), func(f string) bool { return !slices.Contains(clears, f) }); len(kept) > 0 {
		return nil, nil, t.errorf(ErrInvalid, op,
			"Key Vault kept the %s of the disabled secret, and a disabled secret's value cannot be read to write a version without it: "+
				"enable the secret (enabled = true) in one apply, then remove the %s in the next", strings.Join(kept, " and "), strings.Join(kept, " and "))
	}
	return &updated, untouchedChanges(cur, e, updated, fields), nil
}

// enableForRewrite enables the version cur (a PATCH of enabled alone) and reads the entry again,
// now with its value: two requests more than an update that can read the value at once. A
// version another writer wrote between the two is not rewritten as this update's own.
func (s *Store) enableForRewrite(ctx context.Context, t target, op string, cur Entry) (Entry, bool, error) {
	enabled := true
	params := azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{Enabled: &enabled}}
	err := s.call(ctx, func() error {
		_, err := s.kv.UpdateSecretProperties(ctx, t.kvName, cur.Version, params)
		return err
	})
	if err != nil {
		return cur, false, t.mapError(op, err)
	}
	got, hasValue, err := s.latest(ctx, t, op)
	if err == nil && got.Version != cur.Version {
		return got, false, t.errorf(ErrChanged, op, "the update enabled version %q to write it again without the fields it clears, "+
			"but meanwhile another writer wrote version %q%s; nothing more was written. Plan again: the new plan shows the change",
			cur.Version, got.Version, at(got.CreatedAt))
	}
	return got, hasValue, err
}

// requireReferencedSecret checks, before a secret_reference config is
// written, that the secret it references exists: a config that points
// nowhere would fail every config.get.
func (s *Store) requireReferencedSecret(ctx context.Context, t target, e Entry, op string) error {
	if e.Kind != KindConfig || e.Type != TypeSecretReference {
		return nil
	}
	ref, err := ParseSecretID(e.Value)
	if err != nil {
		return withTarget(err, t, op)
	}
	_, err = s.GetMetadata(ctx, ref.Scope, KindSecret, ref.Name)
	switch {
	case err == nil:
		return nil
	case isCode(err, ErrNotFound):
		return &Error{
			Code: ErrDanglingReference, Op: op, Scope: t.scope, Kind: t.kind, Name: t.name, KeyVaultName: t.kvName,
			Detail: fmt.Sprintf("it would reference secret %q, which does not exist (Key Vault secret %q), so nothing was written. "+
				"Create the secret first (a bifrost_secret resource with organization_id = %q and name = %q; "+
				"setting secret_id = bifrost_secret.NAME.id makes Terraform create it first), or point secret_id at an existing secret",
				ref.String(), KeyVaultName(ref.Scope, KindSecret, ref.Name), ref.Scope, ref.Name),
			Err: causeOf(err),
		}
	default:
		return withOp(err, op)
	}
}

// RewritesVersion reports whether UpdateMetadata from cur to e writes a new version rather
// than PATCHing the latest one: it clears a not-before or expiry date or the content type of
// a secret whose value can be read (see UpdateMetadata).
func RewritesVersion(cur, e Entry) bool { return len(clearedFields(cur, e)) > 0 }

// clearedFields lists the optional fields cur has and e no longer sets.
func clearedFields(cur, e Entry) []string {
	var fields []string
	if cur.NotBefore != nil && e.NotBefore == nil {
		fields = append(fields, "not-before date")
	}
	if cur.ExpiresAt != nil && e.ExpiresAt == nil {
		fields = append(fields, "expiry date")
	}
	if cur.ContentType != "" && e.ContentType == "" {
		fields = append(fields, "content type")
	}
	return fields
}

// setSecret writes e as a new version (PUT) at t's Key Vault name and
// returns the written entry, without its value. Errors are returned unmapped.
func (s *Store) setSecret(ctx context.Context, t target, e Entry) (*Entry, error) {
	params := azsecrets.SetSecretParameters{
		Value: &e.Value,
		Tags:  toPtrMap(e.KeyVaultTags()),
		SecretAttributes: &azsecrets.SecretAttributes{
			Enabled:   &e.Enabled,
			NotBefore: e.NotBefore,
			Expires:   e.ExpiresAt,
		},
	}
	if e.ContentType != "" {
		params.ContentType = &e.ContentType
	}
	var sec azsecrets.Secret
	err := s.call(ctx, func() error {
		var err error
		sec, err = s.kv.SetSecret(ctx, t.kvName, params)
		return err
	})
	if err != nil {
		return nil, err
	}
	written := entryFromSecret(sec)
	fillIdentity(&written, t)
	return &written, nil
}

// clearableTime returns t, or an explicit JSON null that clears the field when t is unset (a
// PATCH leaves out what it does not mention).
func clearableTime(t *time.Time) *time.Time {
	if t == nil {
		return azcore.NullValue[*time.Time]()
	}
	return t
}

// clearableString is clearableTime for a string field: "" clears it.
func clearableString(s string) *string {
	if s == "" {
		return azcore.NullValue[*string]()
	}
	return &s
}
