package bifrost

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxValueBytes is Key Vault's limit on a secret value (25 KB).
const MaxValueBytes = 25 * 1024

// ConfigType is the type of a config.
type ConfigType string

const (
	// TypeSecret: the config holds its own secret value.
	TypeSecret ConfigType = "secret"
	// TypeSecretReference: the config holds the [SecretID] of a shared secret.
	TypeSecretReference ConfigType = "secret_reference"
	// TypeString: a plain string.
	TypeString ConfigType = "string"
	// TypeInt: a decimal integer that fits in 64 bits.
	TypeInt ConfigType = "int"
	// TypeBool: "true" or "false".
	TypeBool ConfigType = "bool"
	// TypeJSON: a JSON document, stored as given.
	TypeJSON ConfigType = "json"
)

// ConfigTypes returns every config type, in documentation order.
func ConfigTypes() []ConfigType {
	return []ConfigType{TypeSecret, TypeSecretReference, TypeString, TypeInt, TypeBool, TypeJSON}
}

// ParseConfigType accepts the name of a config type.
func ParseConfigType(s string) (ConfigType, error) {
	for _, t := range ConfigTypes() {
		if string(t) == s {
			return t, nil
		}
	}
	names := make([]string, 0, 6)
	for _, t := range ConfigTypes() {
		names = append(names, strconv.Quote(string(t)))
	}
	return "", invalidf("config type %q is not valid: use one of %s", s, strings.Join(names, ", "))
}

// String returns the type's name.
func (t ConfigType) String() string { return string(t) }

// Sensitive reports whether configs of this type hold a secret value
// (a secret_reference holds only the id of one).
func (t ConfigType) Sensitive() bool { return t == TypeSecret }

// EncodeConfigValue checks v against the rules of t and returns the text
// stored in Key Vault. That is v itself, except for a secret_reference,
// whose id is returned canonical (organization id in lower case): int, bool
// and json values are checked, not reformatted, so that what the user wrote
// is what config.get returns and Terraform sees no diff. Messages never
// include the value.
func EncodeConfigValue(t ConfigType, v string) (string, error) {
	if len(v) > MaxValueBytes {
		return "", invalidf("the %s value is %d bytes long: Key Vault stores at most %d bytes", t, len(v), MaxValueBytes)
	}
	switch t {
	case TypeSecret:
		if v == "" {
			return "", invalidf("the secret value is empty: set a non-empty value")
		}
	case TypeString:
	case TypeInt:
		if err := checkInt(v); err != nil {
			return "", err
		}
	case TypeBool:
		if v != "true" && v != "false" {
			return "", invalidf(`the bool value is not valid: it must be exactly "true" or "false" (lower case)`)
		}
	case TypeJSON:
		if err := checkJSON(v); err != nil {
			return "", err
		}
	case TypeSecretReference:
		// ParseSecretID quotes what it was given, which is right for an id
		// but not here: a value put in the wrong type may be a secret.
		id, err := ParseSecretID(v)
		if err != nil {
			return "", invalidf(`the secret_reference value is not a valid secret id: it must be "{organization id or global}/{secret name}", ` +
				`with an organization UUID or "global" before the "/" and a secret name of 1 to 100 characters from A-Z, a-z, 0-9, '_' and '-' after it, ` +
				`e.g. "global/smtp-password" (the id of a bifrost_secret)`)
		}
		// Stored in canonical form (lower-case scope), the way the layout
		// contract spells a secret's id, so that other runtimes compare ids
		// as strings.
		return id.String(), nil
	default:
		_, err := ParseConfigType(string(t))
		return "", err
	}
	return v, nil
}

func checkInt(v string) error {
	digits := strings.TrimPrefix(v, "-")
	if digits == "" {
		return invalidf("the int value is empty: it must be a decimal integer such as 42 or -7")
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return invalidf("the int value is not valid: it must be a decimal integer (digits 0-9 with an optional leading '-'), such as 42 or -7")
		}
	}
	if _, err := strconv.ParseInt(v, 10, 64); err != nil {
		return invalidf("the int value is out of range: it must fit in a signed 64-bit integer (-9223372036854775808 to 9223372036854775807)")
	}
	return nil
}

func checkJSON(v string) error {
	if !utf8.ValidString(v) {
		return invalidf("the json value is not valid UTF-8: JSON text must be UTF-8")
	}
	var x any
	err := json.Unmarshal([]byte(v), &x)
	if err == nil {
		return nil
	}
	// The position is enough to find the mistake; json's own message quotes
	// characters of the value, which may be sensitive.
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return invalidf("the json value is not valid JSON (syntax error at byte %d): check the JSON text, e.g. with jsonencode()", syn.Offset)
	}
	return invalidf("the json value is not valid JSON: check the JSON text, e.g. with jsonencode()")
}

// SecretID names a secret across scopes: "{scope}/{name}". It is the id of a
// bifrost_secret and the value of a secret_reference config.
type SecretID struct {
	Scope Scope
	Name  string
}

// ParseSecretID parses "{scope}/{name}"; the scope may be a UUID in any case
// and is lower-cased.
func ParseSecretID(s string) (SecretID, error) {
	scope, name, ok := strings.Cut(s, "/")
	if !ok {
		return SecretID{}, invalidf("secret id %q is not valid: use \"{organization id or global}/{secret name}\", e.g. \"global/smtp-password\" (the id of a bifrost_secret)", s)
	}
	sc, err := ParseScope(scope)
	if err != nil {
		return SecretID{}, invalidf("secret id %q is not valid: %s", s, detailOf(err))
	}
	if err := ValidateSecretName(name); err != nil {
		return SecretID{}, invalidf("secret id %q is not valid: %s", s, detailOf(err))
	}
	return SecretID{Scope: sc, Name: name}, nil
}

// String returns "{scope}/{name}".
func (id SecretID) String() string { return string(id.Scope) + "/" + id.Name }

// CheckReference checks that a config in configScope may point at ref: the
// secret must live in the config's own scope or in global. A global config
// may only point at global secrets.
func CheckReference(configScope Scope, ref SecretID) error {
	if ref.Scope == configScope || ref.Scope.IsGlobal() {
		return nil
	}
	return &Error{
		Code: ErrCrossOrgReference, Scope: configScope, Kind: KindConfig,
		Detail: "a config in " + configScope.Phrase() + " may not reference secret " + strconv.Quote(ref.String()) +
			" of " + ref.Scope.Phrase() + ": point it at a secret in " + configScope.Phrase() + " or in global",
	}
}

// detailOf returns the Detail of an *Error, or the error text.
func detailOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Detail != "" {
		return e.Detail
	}
	return err.Error()
}
