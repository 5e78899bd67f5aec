package bifrost

import (
	"context"
	"fmt"
	"net/http"

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
	var sec azsecrets.Secret
	err = s.call(ctx, func() error {
		var err error
		sec, err = s.kv.GetSecret(ctx, t.kvName, "")
		return err
	})
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return nil, notFound(t, op)
		}
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
		p, err = s.latestDisabledVersion(ctx, t.kvName)
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

func (s *Store) getDeletedSecret(ctx context.Context, kvName string) (azsecrets.DeletedSecret, error) {
	var d azsecrets.DeletedSecret
	err := s.call(ctx, func() error {
		var err error
		d, err = s.kv.GetDeletedSecret(ctx, kvName)
		return err
	})
	return d, err
}
