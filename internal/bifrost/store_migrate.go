package bifrost

import (
	"context"
	"net/http"
)

// ReadCopySource returns the latest value of the Key Vault secret kvName, a
// secret outside the layout (such as a legacy {org}--{key} name) whose value
// a caller copies into a contract entry. The source is only read, never
// written: its deletion stays its owner's act. One GET; Key Vault has no
// server-side copy, so the value passes through the caller's memory only.
//
// A missing (or soft-deleted) source is ErrNotFound, a disabled one
// ErrDisabled, and a source that carries Bifrost tags is ErrInvalid: it is
// already an entry of the layout, to be used or imported as it is.
func (s *Store) ReadCopySource(ctx context.Context, kvName string) (string, error) {
	const op = "copy"
	t := target{kvName: kvName}
	if err := ValidateKeyVaultName(kvName); err != nil {
		return "", withTarget(err, t, op)
	}
	var e Entry
	var value *string
	err := s.call(ctx, func() error {
		sec, err := s.kv.GetSecret(ctx, kvName, "")
		e, value = entryFromSecret(sec), sec.Value
		return err
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		return "", t.errorf(ErrNotFound, op, "the source secret does not exist in this vault (or is soft-deleted); "+
			"check the source's name, or recover the secret first")
	case isDisabled(err):
		return "", t.errorf(ErrDisabled, op, "the source secret is disabled, so Key Vault does not return its value; "+
			"enable it in Key Vault for the copy, or write the value another way")
	case err != nil:
		return "", t.mapError(op, err)
	case e.Managed:
		return "", t.errorf(ErrInvalid, op, "the source secret is already a Bifrost entry (%s); "+
			"use it as it is, or take it over with an import, instead of copying it", describe(e.Scope, e.Kind, e.Name))
	case value == nil:
		return "", t.errorf(ErrKeyVault, op, "Key Vault returned the source secret without a value; retry")
	}
	return *value, nil
}
