package bifrost

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

const (
	// MaxNameLength is the longest secret name or config key Bifrost accepts.
	MaxNameLength = 100

	// MaxKeyVaultNameLength is the longest name [KeyVaultName] returns:
	// "bifrost-" + 36 (UUID) + "-" + 6 ("config"/"secret") + "-" + 48 + "-" + 12.
	// Key Vault itself allows 127.
	MaxKeyVaultNameLength = 113

	keyVaultNamePrefix = "bifrost-"
	slugMaxLength      = 48
	digestHexLength    = 12
)

// ValidateSecretName checks a secret name: 1 to 100 characters from
// A-Z, a-z, 0-9, '_' and '-'. Names are case-sensitive.
func ValidateSecretName(name string) error {
	return validateName("secret name", name, true)
}

// ValidateConfigKey checks a config key: 1 to 100 characters from
// A-Z, a-z, 0-9 and '_'. Keys are case-sensitive.
func ValidateConfigKey(key string) error {
	return validateName("config key", key, false)
}

// ValidateName checks name with the rules of kind.
func ValidateName(kind Kind, name string) error {
	switch kind {
	case KindSecret:
		return ValidateSecretName(name)
	case KindConfig:
		return ValidateConfigKey(name)
	}
	_, err := ParseKind(string(kind))
	return err
}

func validateName(what, name string, dash bool) error {
	allowed := "A-Z, a-z, 0-9 and '_'"
	if dash {
		allowed = "A-Z, a-z, 0-9, '_' and '-'"
	}
	if name == "" {
		return invalidf("%s is empty: use 1 to %d characters from %s", what, MaxNameLength, allowed)
	}
	// Report the first offending character by position (runes, not bytes),
	// which is what a user can find in their configuration.
	pos := 0
	for _, r := range name {
		pos++
		if !isNameRune(r, dash) {
			return invalidf("%s %q is not valid: character %q at position %d is not allowed; use only %s",
				what, name, r, pos, allowed)
		}
	}
	if len(name) > MaxNameLength {
		return invalidf("%s %q is too long (%d characters): use at most %d", what, name, len(name), MaxNameLength)
	}
	return nil
}

func isNameRune(r rune, dash bool) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || dash && r == '-'
}

// KeyVaultName returns the Key Vault secret name of an entry (layout contract v1):
//
//	bifrost-{scope}-{kind}-{slug}-{digest}
//
// slug is the name lower-cased, every run of characters outside [a-z0-9]
// replaced by "-", trimmed of "-", cut to 48 characters and trimmed again
// ("x" when nothing is left); digest is the first 12 hex characters of
// SHA-256 over "{scope}/{kind}/{name}" with the name in its original case.
//
// The slug keeps the name readable in the portal; the digest keeps names that
// differ only in case or punctuation apart, since Key Vault names are
// case-insensitive. scope, kind and name are expected to be valid (see
// [ParseScope] and [ValidateName]); the function does not check them.
func KeyVaultName(scope Scope, kind Kind, name string) string {
	sum := sha256.Sum256([]byte(string(scope) + "/" + string(kind) + "/" + name))
	digest := hex.EncodeToString(sum[:])[:digestHexLength]
	return keyVaultNamePrefix + string(scope) + "-" + string(kind) + "-" + slug(name) + "-" + digest
}

// slug implements the readable part of [KeyVaultName].
func slug(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	pendingDash := false
	for _, r := range strings.ToLower(name) {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			if pendingDash && b.Len() > 0 {
				b.WriteByte('-')
				pendingDash = false
			}
			b.WriteRune(r)
			continue
		}
		pendingDash = true
	}
	// A dash is only written between alphanumerics, so the first trim is
	// implicit; the cut may end on a dash, hence the second trim.
	s := b.String()
	if len(s) > slugMaxLength {
		s = strings.TrimRight(s[:slugMaxLength], "-")
	}
	if s == "" {
		return "x"
	}
	return s
}

// IsDerivedKeyVaultName reports whether kvName is the name [KeyVaultName]
// gives the entry, compared as Key Vault does (case-insensitively). A false
// result marks an adopted secret whose physical name predates the provider.
func IsDerivedKeyVaultName(kvName string, scope Scope, kind Kind, name string) bool {
	return strings.EqualFold(kvName, KeyVaultName(scope, kind, name))
}

// ValidateKeyVaultName checks a Key Vault secret name: 1 to 127 characters
// from 0-9, A-Z, a-z and '-'.
func ValidateKeyVaultName(kvName string) error {
	if kvName == "" || len(kvName) > 127 {
		return invalidf("Key Vault secret name %q is not valid: use 1 to 127 characters from 0-9, a-z, A-Z and '-'", kvName)
	}
	for i := 0; i < len(kvName); i++ {
		c := kvName[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return invalidf("Key Vault secret name %q is not valid: character %q is not allowed; use only 0-9, a-z, A-Z and '-'", kvName, rune(c))
		}
	}
	return nil
}
