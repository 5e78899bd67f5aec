package bifrost

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

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
// layout contract (docs/guides/key-vault-layout.md). It never reads into a
// caller's hands, overwrites or deletes a secret that is not the entry the
// caller names (see ownership.go): before every write on an existing Key
// Vault name it reads the name's tags.
//
// Every wait (a deletion or a recovery in progress) is bounded by the
// context; pass a context with the Terraform operation's deadline. The
// client's pipeline retries throttling, 5xx and dropped connections within
// the same deadline (see [ClientOptions]).
//
// Requests per operation, with the happy path first:
//
//	Create          GET + PUT = 2 (a secret_reference config: + 1 GET of the secret it references)
//	                taking over an entry a crashed run wrote, identical to the plan: GET + PATCH = 2
//	                over a soft-deleted name, recovering: GET + PUT(409) + GET deleted + POST recover + GET (1 or more, until recovered) + PUT = 6+
//	                over a soft-deleted name, not recovering: GET + PUT(409) + GET deleted = 3
//	Read            GET = 1; a disabled secret: GET + versions list (1 per 25 versions)
//	Get             GET = 1
//	GetVersion      GET of the version = 1; a missing version: + 1 GET of the latest, to tell it from a missing entry = 2
//	GetMetadata     GET = 1; disabled secret: GET + versions list (1 per 25 versions)
//	Rotate          GET + PUT = 2 (a secret_reference config: + 1 GET of the secret it references)
//	                AlreadyVerified: PUT = 1
//	UpdateMetadata  GET + PATCH = 2 (the GET also gives the dates and content type a PATCH must clear)
//	                AlreadyVerified with the entry found: PATCH = 1
//	                clearing a date or the content type: GET + PUT (a new version) = 2, verified or not
//	Delete          GET + DELETE = 2
//	                AlreadyVerified: DELETE = 1 (the deleted secret's tags are checked)
//	                with PurgeOnDestroy: GET + DELETE + GET deleted (1 or more, until deleted) + purge = 4+
//	List            1 per 25 secrets in the vault (Key Vault cannot filter by tag)
//	ReadCopySource  GET of the source = 1 (the copy's write is a Create or Rotate)
//	ResolveConfig   1 GET per scope tried (1 or 2), + 1 GET for a secret_reference
//	ResolveConfigVersion  GetVersion in each scope tried: 1 where the config has the version, 2 where the config or the version is missing
//	ResolveConfigs  the listing (1 per 25 secrets in the vault) + 1 GET per key + 1 GET per distinct secret referenced,
//	                8 GETs at a time (40 keys, half referencing one secret, in a vault of 41 secrets: 2 + 40 + 1 = 43)
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
	var out []Entry
	err = s.eachListed(ctx, target{scope: sc, kind: kind}, op, func(e Entry) {
		if e.Scope == sc && e.Kind == kind {
			out = append(out, e)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ListAll returns the entries of one kind in every scope, sorted by scope and name, without
// values: one listing of the vault, as List.
func (s *Store) ListAll(ctx context.Context, kind Kind) ([]Entry, error) {
	const op = "list"
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, withTarget(err, target{}, op)
	}
	var out []Entry
	err := s.eachListed(ctx, target{kind: kind}, op, func(e Entry) {
		if e.Kind == kind {
			out = append(out, e)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(strings.Compare(string(a.Scope), string(b.Scope)), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// MayReference reports whether config e could be a reference to secret: a secret_reference
// config in the secret's scope, or in any scope when the secret is global (see CheckReference).
func (e Entry) MayReference(secret SecretID) bool {
	return e.Kind == KindConfig && e.Type == TypeSecretReference && (e.Scope == secret.Scope || secret.Scope.IsGlobal())
}

// eachListed pages through the whole secret list once and calls visit with
// every Bifrost entry on it (metadata only, no values).
func (s *Store) eachListed(ctx context.Context, t target, op string, visit func(Entry)) error {
	pager := s.kv.NewListSecretPropertiesPager()
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return t.mapError(op, err)
		}
		for _, p := range page.Value {
			if p == nil {
				continue
			}
			if e := entryFromBundle(p.ID, p.Attributes, p.ContentType, p.Tags); e.Managed {
				visit(e)
			}
		}
	}
	return nil
}

// prepare validates and normalizes an entry for a write and returns its
// target. With value false, the value is not checked (metadata updates).
func prepare(op string, e *Entry, value bool) (target, error) {
	t, err := identify(op, e.Scope, e.Kind, e.Name)
	if err != nil {
		return t, err
	}
	e.Scope = t.scope
	t.owner = e.Owner
	if e.KeyVaultName != "" {
		if err := ValidateKeyVaultName(e.KeyVaultName); err != nil {
			return t, withTarget(err, t, op)
		}
		t.kvName = e.KeyVaultName
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
	if err := ValidateValidity(e.NotBefore, e.ExpiresAt); err != nil {
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

// refTarget validates a Ref and returns its target. A Ref without a name is
// a Key Vault secret adopted by its physical name, which it must give.
func refTarget(op string, ref Ref) (target, error) {
	if ref.Name == "" {
		t := target{kind: ref.Kind, kvName: ref.KeyVaultName, owner: ref.Owner, seen: ref.Version}
		if err := ValidateKeyVaultName(ref.KeyVaultName); err != nil {
			return t, withTarget(err, t, op)
		}
		return t, nil
	}
	t, err := identify(op, ref.Scope, ref.Kind, ref.Name)
	if err != nil {
		return t, err
	}
	t.owner, t.seen = ref.Owner, ref.Version
	if ref.KeyVaultName != "" {
		if err := ValidateKeyVaultName(ref.KeyVaultName); err != nil {
			return t, withTarget(err, t, op)
		}
		t.kvName = ref.KeyVaultName
	}
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
