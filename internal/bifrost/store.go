package bifrost

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// DefaultPollInterval is how long the store waits between two looks at a
// secret that is being deleted or recovered.
const DefaultPollInterval = time.Second

// StoreOptions configures a [Store].
type StoreOptions struct {
	// RecoverSoftDeleted makes Create recover a soft-deleted secret that holds
	// the entry's Key Vault name and write the new value as a new version.
	// When false, such a Create fails with ErrSoftDeleted.
	RecoverSoftDeleted bool
	// PurgeOnDestroy makes Delete wait for the deletion and purge the secret,
	// so that it cannot be recovered.
	PurgeOnDestroy bool
	// PollInterval is the wait between two looks at a secret in transition
	// (being deleted or recovered). Default: DefaultPollInterval.
	PollInterval time.Duration
}

// Store reads and writes Bifrost entries in one Key Vault, following the
// layout contract. It never overwrites a secret it does not own: before
// every write on an existing Key Vault name it reads the name's tags.
//
// Every wait (a deletion or a recovery in progress) is bounded by the
// context; pass a context with the Terraform operation's deadline.
//
// Requests per operation, with the happy path first:
//
//	Create          GET + PUT = 2
//	                over a soft-deleted name, recovering: GET + PUT(409) + GET deleted + POST recover + GET (1 or more, until recovered) + PUT = 6+
//	                over a soft-deleted name, not recovering: GET + PUT(409) + GET deleted = 3
//	Get             GET = 1
//	GetMetadata     GET = 1; disabled secret: GET + versions list (1 per 25 versions)
//	Rotate          GET + PUT = 2
//	UpdateMetadata  GET + PATCH = 2
//	                clearing a date or the content type: GET + PUT (a new version) = 2
//	Delete          GET + DELETE = 2
//	                with PurgeOnDestroy: GET + DELETE + GET deleted (1 or more, until deleted) + purge = 4+
//	List            1 per 25 secrets in the vault (Key Vault cannot filter by tag)
//	ResolveConfig   1 GET per scope tried (1 or 2), + 1 GET for a secret_reference
//
// A disabled secret answers GET with 403, so reads of its tags for the
// ownership check (Rotate, UpdateMetadata, Delete) fall back to the versions
// list: one more request per 25 versions. A transient 409
// (ObjectIsBeingDeleted, ObjectIsBeingRecovered) adds one request per
// PollInterval until it clears or the context ends.
//
// A Store has no mutable state and is safe for concurrent use.
type Store struct {
	kv   KeyVault
	opts StoreOptions
}

// NewStore returns a Store over kv.
func NewStore(kv KeyVault, opts StoreOptions) *Store {
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	return &Store{kv: kv, opts: opts}
}

// Create writes a new entry. It never overwrites: when the Key Vault name
// exists it fails with ErrAlreadyExists (with the import block to use) or,
// when the name carries another entry's tags, ErrNameCollision. When the
// name is held by a soft-deleted secret, it recovers the secret and writes
// e.Value as a new version (RecoverSoftDeleted), or fails with ErrSoftDeleted.
//
// Key Vault has no create-if-absent, so a writer racing between the GET and
// the PUT cannot be detected; the PUT then adds a version.
func (s *Store) Create(ctx context.Context, e Entry) (*Entry, error) {
	const op = "create"
	t, err := prepare(op, &e, true)
	if err != nil {
		return nil, err
	}

	cur, err := s.getSecret(ctx, t.kvName)
	switch {
	case err == nil:
		if err := checkOwner(t, op, cur.Tags); err != nil {
			return nil, err
		}
		return nil, alreadyExists(t, e, false)
	case isDisabled(err):
		return nil, alreadyExists(t, e, true)
	case !isStatus(err, http.StatusNotFound):
		return nil, t.mapError(op, err)
	}

	written, err := s.setSecret(ctx, t.kvName, e)
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
		if err := checkOwner(t, op, deleted.Tags); err != nil {
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
	written, err = s.setSecret(ctx, t.kvName, e)
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return written, nil
}

// Get reads the latest version of an entry, with its value. A disabled
// secret fails with ErrDisabled (see GetMetadata).
func (s *Store) Get(ctx context.Context, scope Scope, kind Kind, name string) (*Entry, error) {
	const op = "read"
	t, err := identify(op, scope, kind, name)
	if err != nil {
		return nil, err
	}
	return s.read(ctx, t, true)
}

// GetMetadata reads the latest version of an entry without its value. It
// works on disabled secrets too (Enabled false), which Get cannot read.
func (s *Store) GetMetadata(ctx context.Context, scope Scope, kind Kind, name string) (*Entry, error) {
	const op = "read"
	t, err := identify(op, scope, kind, name)
	if err != nil {
		return nil, err
	}
	return s.read(ctx, t, false)
}

// GetByKeyVaultName reads any Key Vault secret by its physical name, with its
// value: the way to adopt a secret that predates the provider. Managed is
// false when it carries no bifrost tags. A disabled secret fails with ErrDisabled.
func (s *Store) GetByKeyVaultName(ctx context.Context, kvName string) (*Entry, error) {
	const op = "read"
	t := target{kvName: kvName}
	if err := ValidateKeyVaultName(kvName); err != nil {
		return nil, withTarget(err, t, op)
	}
	return s.read(ctx, t, true)
}

// GetMetadataByKeyVaultName is GetByKeyVaultName without the value; it
// works on disabled secrets.
func (s *Store) GetMetadataByKeyVaultName(ctx context.Context, kvName string) (*Entry, error) {
	const op = "read"
	t := target{kvName: kvName}
	if err := ValidateKeyVaultName(kvName); err != nil {
		return nil, withTarget(err, t, op)
	}
	return s.read(ctx, t, false)
}

// read implements the Get variants. When t names an entry, the secret's tags
// must not name another one.
func (s *Store) read(ctx context.Context, t target, withValue bool) (*Entry, error) {
	const op = "read"
	var (
		e   Entry
		err error
	)
	if withValue {
		var sec azsecrets.Secret
		sec, err = s.getSecret(ctx, t.kvName)
		if err == nil {
			if err := checkOwner(t, op, sec.Tags); err != nil {
				return nil, err
			}
			e = entryFromSecret(sec)
			if sec.Value != nil {
				e.Value = *sec.Value
			}
		}
	} else {
		e, _, err = s.latestProperties(ctx, t, op)
		e.Value = ""
	}
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return nil, notFound(t, op)
		}
		return nil, t.mapError(op, err)
	}
	fillIdentity(&e, t)
	return &e, nil
}

// Rotate writes e.Value as a new version of an existing entry, with e's
// tags, content type and attributes. It first checks that the Key Vault
// secret is the entry's (or untagged, for an adopted secret).
func (s *Store) Rotate(ctx context.Context, e Entry) (*Entry, error) {
	const op = "rotate"
	t, err := prepare(op, &e, true)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.ownedLatest(ctx, t, op); err != nil {
		return nil, err
	}
	written, err := s.setSecret(ctx, t.kvName, e)
	if err != nil {
		return nil, t.mapError(op, err)
	}
	return written, nil
}

// UpdateMetadata changes the latest version of an entry in place (PATCH):
// tags (reserved ones included, so an adopted secret gets them), description,
// content type, enabled, not-before and expiry. e.Value is ignored.
//
// Clearing a not-before or expiry date or the content type is the exception:
// Key Vault's PATCH leaves out what it is not given, and whether an explicit
// null clears a field is not something to rely on, so the store then writes a
// new version with the current value and the new metadata instead (same
// request count: GET + PUT). A disabled secret's value cannot be read, so for
// one the store PATCHes with explicit nulls and fails with ErrInvalid if Key
// Vault kept the field.
func (s *Store) UpdateMetadata(ctx context.Context, e Entry) (*Entry, error) {
	const op = "update"
	t, err := prepare(op, &e, false)
	if err != nil {
		return nil, err
	}
	cur, hasValue, err := s.ownedLatest(ctx, t, op)
	if err != nil {
		return nil, err
	}
	clears := clearedFields(cur, e)
	if len(clears) > 0 && hasValue {
		e.Value = cur.Value
		written, err := s.setSecret(ctx, t.kvName, e)
		if err != nil {
			return nil, t.mapError(op, err)
		}
		return written, nil
	}

	params := azsecrets.UpdateSecretPropertiesParameters{
		Tags: toPtrMap(e.KeyVaultTags()),
		SecretAttributes: &azsecrets.SecretAttributes{
			Enabled:   &e.Enabled,
			NotBefore: clearableTime(e.NotBefore, cur.NotBefore != nil),
			Expires:   clearableTime(e.ExpiresAt, cur.ExpiresAt != nil),
		},
	}
	if e.ContentType != cur.ContentType {
		if e.ContentType == "" {
			params.ContentType = azcore.NullValue[*string]()
		} else {
			params.ContentType = &e.ContentType
		}
	}
	var sec azsecrets.Secret
	err = s.retry(ctx, func() error {
		var err error
		sec, err = s.kv.UpdateSecretProperties(ctx, t.kvName, "", params)
		return err
	})
	if err != nil {
		return nil, t.mapError(op, err)
	}
	updated := entryFromSecret(sec)
	fillIdentity(&updated, t)
	if kept := clearedFields(updated, e); len(kept) > 0 {
		return nil, t.errorf(ErrInvalid, op,
			"Key Vault kept the %s of the disabled secret, and a disabled secret's value cannot be read to write a version without it: "+
				"enable the secret (enabled = true) in one apply, then remove the %s in the next", strings.Join(kept, " and "), strings.Join(kept, " and "))
	}
	return &updated, nil
}

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

// Delete soft-deletes an entry; with PurgeOnDestroy it then waits for the
// deletion to finish and purges the secret. An entry that is already gone is
// not an error (with PurgeOnDestroy, a soft-deleted one is still purged).
func (s *Store) Delete(ctx context.Context, e Entry) error {
	const op = "delete"
	t, err := prepare(op, &e, false)
	if err != nil {
		return err
	}
	if _, _, err := s.ownedLatest(ctx, t, op); err != nil {
		if !isCode(err, ErrNotFound) {
			return err
		}
		if !s.opts.PurgeOnDestroy {
			return nil
		}
		// Gone already; purge what may be left of it, if it is ours.
		deleted, derr := s.getDeletedSecret(ctx, t.kvName)
		if isStatus(derr, http.StatusNotFound) {
			return nil
		}
		if derr != nil {
			return t.mapError(op, derr)
		}
		if err := checkOwner(t, op, deleted.Tags); err != nil {
			return err
		}
		return s.purge(ctx, t)
	}

	var deleted azsecrets.DeletedSecret
	err = s.retry(ctx, func() error {
		var err error
		deleted, err = s.kv.DeleteSecret(ctx, t.kvName)
		return err
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		// Deleted by someone else meanwhile: the outcome is the one asked
		// for. Their deletion is complete or not: one look tells whether
		// there is something to purge, without waiting for what may never come.
		if !s.opts.PurgeOnDestroy {
			return nil
		}
		_, err := s.getDeletedSecret(ctx, t.kvName)
		if isStatus(err, http.StatusNotFound) {
			return nil
		}
		if err != nil {
			return t.mapError(op, err)
		}
		return s.purge(ctx, t)
	case err != nil:
		return t.mapError(op, err)
	}
	if !s.opts.PurgeOnDestroy || !recoverable(deleted.Attributes) {
		return nil
	}
	if err := s.waitDeleted(ctx, t); err != nil {
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

// waitDeleted polls the deleted secret until Key Vault has finished the
// deletion: until then GET deletedsecrets answers 404 or 409 ObjectIsBeingDeleted.
func (s *Store) waitDeleted(ctx context.Context, t target) error {
	const op = "delete"
	for {
		_, err := s.kv.GetDeletedSecret(ctx, t.kvName)
		if err == nil {
			return nil
		}
		if !isTransient(err) && !isStatus(err, http.StatusNotFound) {
			return t.mapError(op, err)
		}
		if werr := s.sleep(ctx); werr != nil {
			return t.mapError(op, timeout(werr, err, "waiting for Key Vault to finish deleting the secret before purging it"))
		}
	}
}

// purge purges a soft-deleted secret. A 404 means it is gone already.
func (s *Store) purge(ctx context.Context, t target) error {
	const op = "purge"
	err := s.retry(ctx, func() error { return s.kv.PurgeDeletedSecret(ctx, t.kvName) })
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

// recoverAndWait recovers a soft-deleted secret and polls until it is
// readable again: during the recovery Key Vault answers 404 or 409
// ObjectIsBeingRecovered.
func (s *Store) recoverAndWait(ctx context.Context, t target) error {
	const op = "create"
	err := s.retry(ctx, func() error {
		_, err := s.kv.RecoverDeletedSecret(ctx, t.kvName)
		return err
	})
	// 404: no longer deleted, someone else recovered (or purged) it meanwhile;
	// the poll below tells which.
	if err != nil && !isStatus(err, http.StatusNotFound) {
		return t.mapError(op, err)
	}
	for {
		_, err := s.kv.GetSecret(ctx, t.kvName, "")
		if err == nil || isDisabled(err) {
			return nil
		}
		if !isTransient(err) && !isStatus(err, http.StatusNotFound) {
			return t.mapError(op, err)
		}
		if werr := s.sleep(ctx); werr != nil {
			return t.mapError(op, timeout(werr, err, "waiting for Key Vault to finish recovering the soft-deleted secret"))
		}
	}
}

// List returns the entries of one kind in one scope, sorted by name, without
// values. It reads the whole secret list: Key Vault cannot filter by tag.
func (s *Store) List(ctx context.Context, scope Scope, kind Kind) ([]Entry, error) {
	const op = "list"
	sc, err := ParseScope(string(scope))
	if err != nil {
		return nil, withTarget(err, target{}, op)
	}
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, withTarget(err, target{scope: sc}, op)
	}
	t := target{scope: sc, kind: kind}
	var out []Entry
	pager := s.kv.NewListSecretPropertiesPager()
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, t.mapError(op, err)
		}
		for _, p := range page.Value {
			if p == nil {
				continue
			}
			e := entryFromBundle(p.ID, p.Attributes, p.ContentType, p.Tags)
			if e.Managed && e.Scope == sc && e.Kind == kind {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ownedLatest reads the latest version of t's Key Vault secret and checks
// that its tags do not name another entry. A missing secret is ErrNotFound.
// The value is in the entry when hasValue (the secret is enabled).
func (s *Store) ownedLatest(ctx context.Context, t target, op string) (Entry, bool, error) {
	e, hasValue, err := s.latestProperties(ctx, t, op)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return Entry{}, false, notFound(t, op)
		}
		return Entry{}, false, t.mapError(op, err)
	}
	return e, hasValue, nil
}

// latestProperties returns the latest version, after the ownership check,
// with its value when Key Vault returns it (hasValue). A disabled secret
// answers GET with 403 SecretDisabled, so its properties come from the
// versions list instead, without value. Errors are returned unmapped
// (except ownership).
func (s *Store) latestProperties(ctx context.Context, t target, op string) (e Entry, hasValue bool, err error) {
	sec, err := s.getSecret(ctx, t.kvName)
	if err == nil {
		if err := checkOwner(t, op, sec.Tags); err != nil {
			return Entry{}, false, err
		}
		e = entryFromSecret(sec)
		if sec.Value != nil {
			e.Value, hasValue = *sec.Value, true
		}
		return e, hasValue, nil
	}
	if !isDisabled(err) {
		return Entry{}, false, err
	}
	latest, err := s.latestDisabledVersion(ctx, t.kvName)
	if err != nil {
		return Entry{}, false, err
	}
	if err := checkOwner(t, op, latest.Tags); err != nil {
		return Entry{}, false, err
	}
	return entryFromBundle(latest.ID, latest.Attributes, latest.ContentType, latest.Tags), false, nil
}

// latestDisabledVersion finds, in the versions list, the latest version of
// a secret whose latest version is known to be disabled: the disabled
// version created last. Key Vault keeps no other order and timestamps are
// whole seconds, so limiting the search to disabled versions is what breaks
// most ties; remaining ties keep the one listed last.
func (s *Store) latestDisabledVersion(ctx context.Context, kvName string) (*azsecrets.SecretProperties, error) {
	var latest, latestDisabled *azsecrets.SecretProperties
	later := func(p, than *azsecrets.SecretProperties) bool {
		return than == nil || !p.Attributes.Created.Before(*than.Attributes.Created)
	}
	pager := s.kv.NewListSecretPropertiesVersionsPager(kvName)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Value {
			if p == nil || p.Attributes == nil || p.Attributes.Created == nil {
				continue
			}
			if later(p, latest) {
				latest = p
			}
			if p.Attributes.Enabled != nil && !*p.Attributes.Enabled && later(p, latestDisabled) {
				latestDisabled = p
			}
		}
	}
	switch {
	case latestDisabled != nil:
		return latestDisabled, nil
	case latest != nil: // enabled again since the GET
		return latest, nil
	}
	return nil, fmt.Errorf("key vault listed no versions for secret %q", kvName)
}

// getSecret reads the latest version, waiting out transient states.
func (s *Store) getSecret(ctx context.Context, kvName string) (azsecrets.Secret, error) {
	var sec azsecrets.Secret
	err := s.retry(ctx, func() error {
		var err error
		sec, err = s.kv.GetSecret(ctx, kvName, "")
		return err
	})
	return sec, err
}

func (s *Store) getDeletedSecret(ctx context.Context, kvName string) (azsecrets.DeletedSecret, error) {
	var d azsecrets.DeletedSecret
	err := s.retry(ctx, func() error {
		var err error
		d, err = s.kv.GetDeletedSecret(ctx, kvName)
		return err
	})
	return d, err
}

// setSecret writes e as a new version (PUT) and returns the written entry,
// without its value. Errors are returned unmapped.
func (s *Store) setSecret(ctx context.Context, kvName string, e Entry) (*Entry, error) {
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
	err := s.retry(ctx, func() error {
		var err error
		sec, err = s.kv.SetSecret(ctx, kvName, params)
		return err
	})
	if err != nil {
		return nil, err
	}
	written := entryFromSecret(sec)
	fillIdentity(&written, target{scope: e.Scope, kind: e.Kind, name: e.Name, kvName: kvName})
	return &written, nil
}

// retry runs call until it succeeds or fails with something other than a
// transient 409 (a deletion or recovery in progress), waiting PollInterval
// in between, for as long as ctx lasts.
func (s *Store) retry(ctx context.Context, call func() error) error {
	for {
		err := call()
		if err == nil || !isTransient(err) {
			return err
		}
		if werr := s.sleep(ctx); werr != nil {
			return timeout(werr, err, "waiting for a deletion or recovery in progress in Key Vault")
		}
	}
}

// sleep waits one PollInterval, or returns ctx's error when it ends first.
func (s *Store) sleep(ctx context.Context) error {
	timer := time.NewTimer(s.opts.PollInterval)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// timeout is the error of a wait cut short by the context: it matches the
// context's error and carries Key Vault's last answer.
func timeout(ctxErr, last error, waiting string) error {
	if se, ok := asServiceError(last); ok {
		return fmt.Errorf("%s: %w (last answer: %d %s)", waiting, ctxErr, se.status, se.codes())
	}
	return fmt.Errorf("%s: %w", waiting, ctxErr)
}

// prepare validates and normalizes an entry for a write and returns its
// target. With value false, the value is not checked (metadata updates,
// deletes).
func prepare(op string, e *Entry, value bool) (target, error) {
	t, err := identify(op, e.Scope, e.Kind, e.Name)
	if err != nil {
		return t, err
	}
	e.Scope = t.scope
	if e.KeyVaultName != "" {
		if err := ValidateKeyVaultName(e.KeyVaultName); err != nil {
			return t, withTarget(err, t, op)
		}
		t.kvName = e.KeyVaultName
	}
	if op == "delete" {
		return t, nil
	}
	if e.Kind == KindConfig {
		if _, err := ParseConfigType(string(e.Type)); err != nil {
			return t, withTarget(err, t, op)
		}
		if e.ContentType != "" {
			return t, t.errorf(ErrInvalid, op, "configs have no content type: leave it unset")
		}
	} else {
		e.Type = ""
		if err := ValidateContentType(e.ContentType); err != nil {
			return t, withTarget(err, t, op)
		}
	}
	if err := ValidateDescription(e.Description); err != nil {
		return t, withTarget(err, t, op)
	}
	if err := ValidateUserTags(e.Tags, ReservedTagCount(e.Kind, e.Description != "")); err != nil {
		return t, withTarget(err, t, op)
	}
	if !value {
		return t, nil
	}
	t.value = e.Value
	if e.Kind == KindConfig {
		v, err := EncodeConfigValue(e.Type, e.Value)
		if err != nil {
			return t, withTarget(err, t, op)
		}
		if e.Type == TypeSecretReference {
			ref, _ := ParseSecretID(v)
			if err := CheckReference(e.Scope, ref); err != nil {
				return t, withTarget(err, t, op)
			}
		}
		e.Value = v
	} else if len(e.Value) > MaxValueBytes {
		return t, t.errorf(ErrInvalid, op, "the value is %d bytes long: Key Vault stores at most %d bytes", len(e.Value), MaxValueBytes)
	}
	return t, nil
}

// identify validates an entry's identity and returns its target, with the
// derived Key Vault name.
func identify(op string, scope Scope, kind Kind, name string) (target, error) {
	t := target{kind: kind, name: name}
	sc, err := ParseScope(string(scope))
	if err != nil {
		// The message quotes the bad scope; the subject leaves it out.
		return t, withTarget(err, t, op)
	}
	t.scope = sc
	if err := ValidateName(kind, name); err != nil {
		return t, withTarget(err, t, op)
	}
	t.kvName = KeyVaultName(sc, kind, name)
	return t, nil
}

// fillIdentity sets the identity of an entry read for t: what the caller
// asked for wins over the tags (which it matched, or which are missing on an
// adopted secret). Managed still tells whether the tags were there.
func fillIdentity(e *Entry, t target) {
	if t.name == "" {
		return
	}
	e.Scope, e.Kind, e.Name = t.scope, t.kind, t.name
	if t.kind != KindConfig {
		e.Type = ""
	}
}

// withTarget adds the operation and entry to a validation *Error.
func withTarget(err error, t target, op string) error {
	var e *Error
	if !errors.As(err, &e) {
		return t.mapError(op, err)
	}
	c := *e
	c.Op = op
	if c.Scope == "" {
		c.Scope = t.scope
	}
	if c.Kind == "" {
		c.Kind = t.kind
	}
	if c.Name == "" {
		c.Name = t.name
	}
	if c.KeyVaultName == "" {
		c.KeyVaultName = t.kvName
	}
	return &c
}

// isCode reports whether err is an *Error with this exact Code (errors.Is
// would also look at the causes).
func isCode(err error, code error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// checkOwner fails with ErrNameCollision when the tags of the Key Vault
// secret at t.kvName name an entry other than t. Missing tags are fine: an
// adopted secret gets them on its first write.
func checkOwner(t target, op string, tags map[string]*string) error {
	if t.name == "" {
		return nil
	}
	reserved, _ := SplitTags(fromPtrMap(tags))
	kind, hasKind := reserved[TagKind]
	scope, hasScope := reserved[TagScope]
	name, hasName := reserved[TagName]
	if (!hasKind || kind == string(t.kind)) && (!hasScope || strings.EqualFold(scope, string(t.scope))) && (!hasName || name == t.name) {
		return nil
	}
	owner := describe(Scope(scope), Kind(kind), name)
	if owner == "" {
		owner = "another entry"
	}
	return t.errorf(ErrNameCollision, op,
		"the Key Vault secret is tagged as %s, not as this entry, so nothing was written. "+
			"Either two entries map to one Key Vault name or its bifrost-* tags were edited outside Terraform: "+
			"check the secret's tags in Key Vault, or use a different name", owner)
}

// notFound is ErrNotFound with the way to fix it.
func notFound(t target, op string) error {
	if t.name == "" {
		return t.errorf(ErrNotFound, op, "no Key Vault secret has this name; check the name or URL")
	}
	return t.errorf(ErrNotFound, op, "it does not exist in Key Vault; create it with a bifrost_%s resource, or check organization_id and the %s",
		t.kind, t.kind.nameNoun())
}

// alreadyExists is ErrAlreadyExists with the import block that adopts the entry.
func alreadyExists(t target, e Entry, disabled bool) error {
	const op = "create"
	state := "it already exists in Key Vault"
	if disabled {
		state = "it already exists in Key Vault (disabled)"
	}
	id := e.SecretID().String()
	return t.errorf(ErrAlreadyExists, op,
		"%s and is not managed here; the provider never overwrites an existing secret. "+
			"To manage it, import it with id %q, e.g. `import { to = bifrost_%s.NAME  id = %q }`, or choose another %s",
		state, id, e.Kind, id, e.Kind.nameNoun())
}

// softDeleted is ErrSoftDeleted naming both ways out.
func softDeleted(t target, d azsecrets.DeletedSecret) error {
	const op = "create"
	vault := "<vault name>"
	if v := vaultNameOf(d.RecoveryID); v != "" {
		vault = v
	} else if v := vaultNameOf((*string)(d.ID)); v != "" {
		vault = v
	}
	when := ""
	if d.ScheduledPurgeDate != nil {
		when = fmt.Sprintf(" (Key Vault purges it on %s)", d.ScheduledPurgeDate.UTC().Format(time.RFC3339))
	}
	return t.errorf(ErrSoftDeleted, op,
		"the Key Vault name is held by a soft-deleted secret%s. Either set recover_soft_deleted = true in the provider "+
			"to recover it and write the new value as a new version, or purge the deleted secret first, e.g. "+
			"`az keyvault secret purge --vault-name %s --name %s`", when, vault, t.kvName)
}

// vaultNameOf returns the vault name of a Key Vault URL: the first label of its host.
func vaultNameOf(u *string) string {
	if u == nil {
		return ""
	}
	p, err := url.Parse(*u)
	if err != nil || p.Hostname() == "" {
		return ""
	}
	host := p.Hostname()
	// An emulator at an IP address or localhost has no vault name.
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return ""
	}
	name, _, _ := strings.Cut(host, ".")
	return name
}

// clearableTime returns t, or an explicit JSON null when t is unset but the
// secret has a value to clear (a PATCH leaves out what it does not mention).
func clearableTime(t *time.Time, isSet bool) *time.Time {
	if t == nil && isSet {
		return azcore.NullValue[*time.Time]()
	}
	return t
}
