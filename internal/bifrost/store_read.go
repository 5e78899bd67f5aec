package bifrost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// Read reads the latest version of the entry ref names, for a caller that
// manages it: after checking ownership (see ownership.go), with its value,
// or, when the secret is disabled and Key Vault hides the value, with its
// metadata only (Enabled false, Value empty), in the same pass. A missing
// secret is ErrNotFound.
func (s *Store) Read(ctx context.Context, ref Ref) (*Entry, error) {
	const op = "read"
	t, err := refTarget(op, ref)
	if err != nil {
		return nil, err
	}
	e, _, err := s.latest(ctx, t, op)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// Get reads the latest version of an entry, with its value. A disabled
// secret fails with ErrDisabled (see GetMetadata).
func (s *Store) Get(ctx context.Context, scope Scope, kind Kind, name string) (*Entry, error) {
	const op = "read"
	t, err := identify(op, scope, kind, name)
	if err != nil {
		return nil, err
	}
	return s.get(ctx, t, op, "")
}

// ErrVersionNotFound is the cause (errors.Is) of the ErrNotFound that
// GetVersion returns when the entry exists but has no such version, so that a
// caller can tell a wrong version from a missing entry.
var ErrVersionNotFound = errors.New("no such version")

// ValidateVersion checks a Key Vault version id: 32 hexadecimal characters.
// Key Vault writes them in lower case and matches them in any case.
func ValidateVersion(version string) error {
	if len(version) != 32 || strings.Trim(strings.ToLower(version), "0123456789abcdef") != "" {
		return invalidf("version %q is not a Key Vault version id (32 hexadecimal characters, "+
			"as in the version attribute of a read without version)", version)
	}
	return nil
}

// GetVersion reads one version of an entry, with its value: the version
// whose Key Vault version id is version, the latest or an older one. The
// ownership check is the one of a latest read, on that version's identity
// tags (Key Vault keeps tags per version). A missing entry is ErrNotFound as
// for Get; an entry without that version is ErrNotFound caused by
// ErrVersionNotFound, naming the version; a disabled version is ErrDisabled.
func (s *Store) GetVersion(ctx context.Context, scope Scope, kind Kind, name, version string) (*Entry, error) {
	const op = "read"
	t, err := identify(op, scope, kind, name)
	if err != nil {
		return nil, err
	}
	if err := ValidateVersion(version); err != nil {
		return nil, withTarget(err, t, op)
	}
	return s.get(ctx, t, op, version)
}

// get reads version ("" for the latest) of t's Key Vault secret with its
// value and checks ownership.
func (s *Store) get(ctx context.Context, t target, op, version string) (*Entry, error) {
	var sec azsecrets.Secret
	err := s.call(ctx, func() error {
		var err error
		sec, err = s.kv.GetSecret(ctx, t.kvName, version)
		return err
	})
	switch {
	case err == nil:
	case version != "" && isStatus(err, http.StatusNotFound):
		return nil, s.missingVersion(ctx, t, op, version, err)
	case isStatus(err, http.StatusNotFound):
		return nil, notFound(t, op)
	case version != "" && isDisabled(err):
		e := t.mapError(op, err)
		e.Detail = fmt.Sprintf("version %q is disabled, so Key Vault does not return its value; read another version, or enable this one "+
			"(the latest version with enabled = true on its resource, an older one with "+
			"`az keyvault secret set-attributes --vault-name VAULT --name %s --version %s --enabled true`)", version, t.kvName, version)
		return nil, e
	default:
		return nil, t.mapError(op, err)
	}
	if err := checkOwnership(t, op, sec.Tags); err != nil {
		return nil, err
	}
	e := entryFromSecret(sec)
	if sec.Value != nil {
		e.Value = *sec.Value
	}
	fillIdentity(&e, t)
	return &e, nil
}

// missingVersion is the error of a pinned read that Key Vault answered with
// 404: one more GET, of the latest version, tells a missing entry (the
// ordinary ErrNotFound) from a missing version of an existing one, and checks
// that the Key Vault secret is this entry's before saying anything about it.
func (s *Store) missingVersion(ctx context.Context, t target, op, version string, cause error) error {
	latest, _, err := s.latest(ctx, t, op)
	if err != nil {
		return err // ErrNotFound for a missing entry, ErrNameCollision for another's secret
	}
	e := t.mapError(op, cause)
	e.Detail = fmt.Sprintf("it has no version %q in Key Vault (its latest version is %q); check the version id, "+
		"or leave version unset to read the latest", version, latest.Version)
	e.Err = fmt.Errorf("%w: %w", ErrVersionNotFound, cause)
	return e
}

// ResolveConfigVersion is [Store.ResolveConfig] pinned to one version of
// the config: the same scopes are tried (the organization, then global when
// the config does not exist there and fallbackToGlobal is set), and the
// version is read where the config exists. An organization config without
// that version is ErrNotFound naming it, without a fallback: config.get
// would read the organization's config, so global's versions are not its.
//
// A secret_reference is refused with ErrInvalid. Its value is the referenced
// secret's, and the config's versions are versions of the reference, not of
// that secret: pinning the config would pin which secret is read but still
// return that secret's latest value, which is not what a pinned read
// promises. To pin the value, pin the secret itself.
//
// Requests: one GET where the config has the version; two in a scope where
// the config or the version is missing (see GetVersion).
func (s *Store) ResolveConfigVersion(ctx context.Context, scope Scope, key string, fallbackToGlobal bool, version string) (*Resolved, error) {
	const op = "resolve"
	t, err := identify(op, scope, KindConfig, key)
	if err != nil {
		return nil, err
	}
	if err := ValidateVersion(version); err != nil {
		return nil, withTarget(err, t, op)
	}
	entryMissing := func(err error) bool { return isCode(err, ErrNotFound) && !errors.Is(err, ErrVersionNotFound) }
	tried := []Scope{t.scope}
	cfg, err := s.GetVersion(ctx, t.scope, KindConfig, key, version)
	if entryMissing(err) && fallbackToGlobal && !t.scope.IsGlobal() {
		tried = append(tried, GlobalScope)
		cfg, err = s.GetVersion(ctx, GlobalScope, KindConfig, key, version)
	}
	if entryMissing(err) {
		return nil, missingConfig(t, tried, fallbackToGlobal, err)
	}
	if err != nil {
		return nil, withOp(err, op)
	}
	if cfg.Type == TypeSecretReference {
		ct := target{scope: cfg.Scope, kind: KindConfig, name: key, kvName: cfg.KeyVaultName}
		pin := "pin the secret itself: a bifrost_secret data source or ephemeral resource with the secret's organization_id and name and its version"
		if ref, err := ParseSecretID(cfg.Value); err == nil {
			pin = fmt.Sprintf("pin the secret itself: a bifrost_secret data source or ephemeral resource with organization_id = %q, name = %q and the secret's version",
				ref.Scope, ref.Name)
		}
		return nil, ct.errorf(ErrInvalid, op, "version %q of the config is a secret_reference, whose value is the referenced secret's: "+
			"a config version is not a version of that secret, so version is refused for secret_reference configs. "+
			"Remove version to read the secret's latest value (as config.get does), or %s", version, pin)
	}
	return &Resolved{Config: *cfg, ResolvedScope: cfg.Scope, Value: cfg.Value}, nil
}

// GetMetadata reads the latest version of an entry without its value. It
// works on disabled secrets too (Enabled false), which Get cannot read.
func (s *Store) GetMetadata(ctx context.Context, scope Scope, kind Kind, name string) (*Entry, error) {
	const op = "read"
	t, err := identify(op, scope, kind, name)
	if err != nil {
		return nil, err
	}
	e, _, err := s.latest(ctx, t, op)
	if err != nil {
		return nil, err
	}
	e.Value = ""
	return &e, nil
}

// latest reads the latest version of t's Key Vault secret and checks
// ownership. Its value is in the entry when hasValue: a disabled secret
// answers GET with 403 SecretDisabled, so its properties come from the
// versions list instead, without value. A missing secret is ErrNotFound;
// every error is mapped.
func (s *Store) latest(ctx context.Context, t target, op string) (e Entry, hasValue bool, err error) {
	var sec azsecrets.Secret
	err = s.call(ctx, func() error {
		var err error
		sec, err = s.kv.GetSecret(ctx, t.kvName, "")
		return err
	})
	var tags map[string]*string
	switch {
	case err == nil:
		tags = sec.Tags
		e = entryFromSecret(sec)
		if sec.Value != nil {
			e.Value, hasValue = *sec.Value, true
		}
	case isDisabled(err):
		var p *azsecrets.SecretProperties
		p, err = s.latestDisabledVersion(ctx, t.kvName, t.seen)
		if err != nil {
			return Entry{}, false, t.mapError(op, err)
		}
		tags = p.Tags
		e = entryFromBundle(p.ID, p.Attributes, p.ContentType, p.Tags)
	case isStatus(err, http.StatusNotFound):
		return Entry{}, false, notFound(t, op)
	default:
		return Entry{}, false, t.mapError(op, err)
	}
	if err := checkOwnership(t, op, tags); err != nil {
		return Entry{}, false, err
	}
	fillIdentity(&e, t)
	return e, hasValue, nil
}

// latestDisabledVersion finds, in the versions list, the latest version of a secret whose
// latest version is known to be disabled: the disabled version created last. Key Vault lists
// versions in version-id order, which says nothing of age, and keeps creation times in whole
// seconds, so versions created in the same second tie: limiting the search to disabled
// versions breaks most ties, and the version the caller last saw (seen, may be empty) breaks
// the rest in its favour; any remaining tie takes the highest version id, so that the answer
// at least does not change from one read to the next.
func (s *Store) latestDisabledVersion(ctx context.Context, kvName, seen string) (*azsecrets.SecretProperties, error) {
	var latest, latestDisabled *azsecrets.SecretProperties
	later := func(p, than *azsecrets.SecretProperties) bool {
		if than == nil {
			return true
		}
		pc, tc := p.Attributes.Created.Unix(), than.Attributes.Created.Unix()
		if pc != tc {
			return pc > tc
		}
		pv, tv := p.ID.Version(), than.ID.Version()
		if pv == seen || tv == seen {
			return pv == seen
		}
		return pv > tv
	}
	pager := s.kv.NewListSecretPropertiesVersionsPager(kvName)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range page.Value {
			if p == nil || p.ID == nil || p.Attributes == nil || p.Attributes.Created == nil {
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

func (s *Store) getDeletedSecret(ctx context.Context, kvName string) (azsecrets.DeletedSecret, error) {
	var d azsecrets.DeletedSecret
	err := s.call(ctx, func() error {
		var err error
		d, err = s.kv.GetDeletedSecret(ctx, kvName)
		return err
	})
	return d, err
}
