package bifrost

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Resolved is the answer of [Store.ResolveConfig].
type Resolved struct {
	// Config is the config found, with its value (for a secret_reference,
	// the id of the secret).
	Config Entry
	// ResolvedScope is where the config was found: the scope asked for, or
	// global after a fallback.
	ResolvedScope Scope
	// Secret is the secret a secret_reference points at, with its value.
	Secret *Entry
	// Value is what config.get returns: the config's value, or the
	// referenced secret's.
	Value string
}

// ResolveConfig does what a workflow's config.get(key) does in scope: read
// the config there; when it is missing and fallbackToGlobal is set, read it
// in global; follow a secret_reference to its secret, which must live in the
// config's own scope or in global.
//
// Each failure has its own Code: ErrNotFound (no config; the message names
// the key, the scopes tried and how to add it), ErrDanglingReference,
// ErrCrossOrgReference, ErrDisabled, ErrForbidden, ErrUnauthorized.
//
// Requests: one GET per scope tried, one more for a secret_reference.
func (s *Store) ResolveConfig(ctx context.Context, scope Scope, key string, fallbackToGlobal bool) (*Resolved, error) {
	const op = "resolve"
	t, err := identify(op, scope, KindConfig, key)
	if err != nil {
		return nil, err
	}
	tried := []Scope{t.scope}
	cfg, err := s.Get(ctx, t.scope, KindConfig, key)
	if isCode(err, ErrNotFound) && fallbackToGlobal && !t.scope.IsGlobal() {
		tried = append(tried, GlobalScope)
		cfg, err = s.Get(ctx, GlobalScope, KindConfig, key)
	}
	if isCode(err, ErrNotFound) {
		return nil, missingConfig(t, tried, fallbackToGlobal, err)
	}
	if err != nil {
		return nil, withOp(err, op)
	}

	return resolveValue(op, key, cfg, func(ref SecretID) (*Entry, error) {
		return s.Get(ctx, ref.Scope, KindSecret, ref.Name)
	})
}

// resolveValue is the last step of config.get for cfg, the config found
// under key: its own value, or the value of the secret its secret_reference
// points at, read with readSecret once the reference is checked
// (ResolveConfigs reads each referenced secret once for every config that
// points at it).
func resolveValue(op, key string, cfg *Entry, readSecret func(SecretID) (*Entry, error)) (*Resolved, error) {
	r := &Resolved{Config: *cfg, ResolvedScope: cfg.Scope}
	if cfg.Type != TypeSecretReference {
		r.Value = cfg.Value
		return r, nil
	}

	ct := target{scope: cfg.Scope, kind: KindConfig, name: key, kvName: cfg.KeyVaultName}
	ref, err := ParseSecretID(cfg.Value)
	if err != nil {
		// The stored text is not echoed: a value of the wrong type may be a secret.
		return nil, ct.errorf(ErrInvalid, op, "the config is a secret_reference but does not hold a valid secret id "+
			"(\"{organization id or global}/{secret name}\"); set its secret_id again")
	}
	if err := CheckReference(cfg.Scope, ref); err != nil {
		return nil, withTarget(err, ct, op)
	}
	sec, err := readSecret(ref)
	switch {
	case isCode(err, ErrNotFound):
		// Not ErrNotFound: the config exists, what it points at does not.
		return nil, &Error{
			Code: ErrDanglingReference, Op: op, Scope: cfg.Scope, Kind: KindConfig, Name: key, KeyVaultName: cfg.KeyVaultName,
			Detail: fmt.Sprintf("it references secret %q, which does not exist (Key Vault secret %q): "+
				"create it with a bifrost_secret resource (organization_id = %q, name = %q), or point the config's secret_id at an existing secret",
				ref.String(), KeyVaultName(ref.Scope, KindSecret, ref.Name), ref.Scope, ref.Name),
			Err: causeOf(err),
		}
	case err != nil:
		// ErrDisabled, ErrForbidden, ...: the error names the secret; say
		// which config led there.
		var e *Error
		if !errors.As(err, &e) {
			return nil, err
		}
		c := *e
		c.Op = op
		c.Detail += fmt.Sprintf(" (referenced by config %q in %s)", key, cfg.Scope.Phrase())
		return nil, &c
	}
	r.Secret = sec
	r.Value = sec.Value
	return r, nil
}

// missingConfig is the ErrNotFound of ResolveConfig: it names the key, the
// scopes tried and how to add the config.
func missingConfig(t target, tried []Scope, fallback bool, cause error) *Error {
	where := make([]string, len(tried))
	for i, sc := range tried {
		where[i] = sc.Phrase()
	}
	detail := "not found in " + strings.Join(where, " or in ")
	if !fallback && !t.scope.IsGlobal() {
		detail += " (fallback_to_global is off, so global was not tried)"
	}
	detail += fmt.Sprintf(`. Add it with a bifrost_config resource: key = %q, organization_id = %q, and its type and value`, t.name, t.scope)
	if len(tried) > 1 {
		detail += ` (or organization_id = "global" to set it for every organization)`
	}
	return &Error{Code: ErrNotFound, Op: "resolve", Scope: t.scope, Kind: KindConfig, Name: t.name, Detail: detail, Err: causeOf(cause)}
}

// withOp returns err with Op set, copying an *Error rather than changing it.
func withOp(err error, op string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Op = op
	return &c
}

// causeOf returns the cause inside an *Error (e.g. Key Vault's answer), so
// that a new *Error can carry it without also matching the old Code.
func causeOf(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}
