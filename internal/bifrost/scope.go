package bifrost

import (
	"fmt"
	"strings"
)

// GlobalScope is the platform-wide scope that every organization falls back to.
const GlobalScope = "global"

// Scope is where an entry lives: [GlobalScope] or an organization id, a UUID
// in lower case. Use [ParseScope] to get one from user input.
type Scope string

// ParseScope accepts the literal "global" or an organization id (a UUID in the
// 8-4-4-4-12 hex form, any case) and returns it as stored: UUIDs lower-cased.
func ParseScope(s string) (Scope, error) {
	if s == GlobalScope {
		return GlobalScope, nil
	}
	if isUUID(s) {
		return Scope(strings.ToLower(s)), nil
	}
	what := fmt.Sprintf("%q", s)
	if s == "" {
		what = "an empty string"
	} else if strings.EqualFold(s, GlobalScope) {
		return "", invalidf("organization id %s is not accepted: the global scope is spelled \"global\", in lower case", what)
	}
	return "", invalidf("organization id %s is not valid: use an organization UUID such as "+
		"\"3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a\", or \"global\" for the platform-wide scope", what)
}

// IsGlobal reports whether s is the global scope.
func (s Scope) IsGlobal() bool { return s == GlobalScope }

// String returns the scope as stored.
func (s Scope) String() string { return string(s) }

// Phrase names the scope in messages: "the global scope" or "organization {id}".
func (s Scope) Phrase() string {
	if s.IsGlobal() {
		return "the global scope"
	}
	return "organization " + string(s)
}

// isUUID reports whether s has the canonical 8-4-4-4-12 hex layout. The
// version and variant bits are not checked: Bifrost issues the ids, the
// provider only needs a stable, unambiguous spelling. uuid.Parse is not used
// because it also accepts braces, "urn:uuid:" and the 32-hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Kind is the kind of a Bifrost entry in Key Vault.
type Kind string

const (
	// KindSecret is a named secret that configs of type secret_reference may point at.
	KindSecret Kind = "secret"
	// KindConfig is an organization config (any [ConfigType]).
	KindConfig Kind = "config"
)

// ParseKind accepts "secret" or "config".
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindSecret, KindConfig:
		return k, nil
	}
	return "", invalidf("kind %q is not valid: use \"secret\" or \"config\"", s)
}

// String returns the kind as written in Key Vault names and tags.
func (k Kind) String() string { return string(k) }

// nameNoun is how messages refer to the name of an entry of this kind.
func (k Kind) nameNoun() string {
	if k == KindConfig {
		return "key"
	}
	return "name"
}
