package bifrost

import (
	"errors"
	"strings"
	"testing"
)

func TestParseConfigType(t *testing.T) {
	for _, ct := range ConfigTypes() {
		got, err := ParseConfigType(string(ct))
		if err != nil || got != ct {
			t.Errorf("ParseConfigType(%q) = %q, %v", ct, got, err)
		}
	}
	for _, s := range []string{"", "Secret", "number", "secret-reference"} {
		if _, err := ParseConfigType(s); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"secret_reference"`) {
			t.Errorf("ParseConfigType(%q): err = %v, want ErrInvalid listing the types", s, err)
		}
	}
	if !TypeSecret.Sensitive() || TypeSecretReference.Sensitive() || TypeString.Sensitive() {
		t.Error("Sensitive: only secret is")
	}
}

func TestEncodeConfigValue(t *testing.T) {
	for _, c := range []struct {
		t  ConfigType
		v  string
		ok bool
	}{
		{TypeString, "", true},
		{TypeString, "anything at all\n", true},
		{TypeSecret, "s3cr3t", true},
		{TypeSecret, "", false},
		{TypeInt, "0", true},
		{TypeInt, "-7", true},
		{TypeInt, "-0", true},
		{TypeInt, "007", true},
		{TypeInt, "9223372036854775807", true},
		{TypeInt, "-9223372036854775808", true},
		{TypeInt, "9223372036854775808", false},
		{TypeInt, "-9223372036854775809", false},
		{TypeInt, "+1", false},
		{TypeInt, " 1", false},
		{TypeInt, "1 ", false},
		{TypeInt, "1.0", false},
		{TypeInt, "1e3", false},
		{TypeInt, "0x10", false},
		{TypeInt, "", false},
		{TypeInt, "-", false},
		{TypeInt, "--1", false},
		{TypeBool, "true", true},
		{TypeBool, "false", true},
		{TypeBool, "True", false},
		{TypeBool, "1", false},
		{TypeBool, "", false},
		{TypeJSON, `{"a":[1,2,{"b":null}]}`, true},
		{TypeJSON, `"str"`, true},
		{TypeJSON, ` 42 `, true},
		{TypeJSON, `{"a":1`, false},
		{TypeJSON, `{'a':1}`, false},
		{TypeJSON, ``, false},
		{TypeJSON, "\"\xff\"", false},
		{TypeSecretReference, "global/smtp-password", true},
		{TypeSecretReference, "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A/Stripe", true},
		{TypeSecretReference, "smtp-password", false},
		{TypeSecretReference, "org/smtp-password", false},
		{TypeSecretReference, "global/a/b", false},
		{TypeSecretReference, "global/", false},
		{"float", "1.5", false},
		{TypeString, strings.Repeat("x", MaxValueBytes), true},
		{TypeString, strings.Repeat("x", MaxValueBytes+1), false},
	} {
		got, err := EncodeConfigValue(c.t, c.v)
		if (err == nil) != c.ok {
			t.Errorf("EncodeConfigValue(%s, %.40q) = %v, want ok=%v", c.t, c.v, err, c.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("EncodeConfigValue(%s, %.40q): err = %v, want ErrInvalid", c.t, c.v, err)
		}
		want := c.v
		if c.t == TypeSecretReference {
			want = strings.Replace(want, "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A", "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", 1)
		}
		if err == nil && got != want {
			t.Errorf("EncodeConfigValue(%s, %q) = %q, want %q", c.t, c.v, got, want)
		}
	}
}

// Messages say what is wrong without quoting the value, whatever the type.
func TestEncodeConfigValueNeverEchoes(t *testing.T) {
	const value = "hunter2-Sup3rSecret"
	for _, ct := range []ConfigType{TypeInt, TypeBool, TypeJSON, TypeSecretReference} {
		for _, v := range []string{value, "{" + value, value + "/x", "global/" + value + "!"} {
			_, err := EncodeConfigValue(ct, v)
			if err == nil {
				continue
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("EncodeConfigValue(%s): message echoes the value: %v", ct, err)
			}
		}
	}
	if _, err := EncodeConfigValue(TypeInt, value); err == nil || !strings.Contains(err.Error(), "decimal integer") {
		t.Errorf("int message does not say what is expected: %v", err)
	}
}

func TestSecretID(t *testing.T) {
	id, err := ParseSecretID("3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A/Stripe_Key")
	if err != nil {
		t.Fatal(err)
	}
	if id.Scope != "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a" || id.Name != "Stripe_Key" {
		t.Errorf("ParseSecretID = %+v", id)
	}
	if got := id.String(); got != "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a/Stripe_Key" {
		t.Errorf("String() = %q", got)
	}
	if e := (Entry{Scope: GlobalScope, Name: "smtp"}); e.SecretID().String() != "global/smtp" {
		t.Errorf("Entry.SecretID = %v", e.SecretID())
	}
	for _, s := range []string{"", "/", "global", "global/", "/name", "GLOBAL/x", "org/x", "global/a b", "global/a/b"} {
		if _, err := ParseSecretID(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseSecretID(%q): err = %v, want ErrInvalid", s, err)
		}
	}
}

func TestCheckReference(t *testing.T) {
	const orgA, orgB Scope = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", "00000000-0000-0000-0000-000000000001"
	for _, c := range []struct {
		config Scope
		ref    SecretID
		ok     bool
	}{
		{orgA, SecretID{orgA, "s"}, true},
		{orgA, SecretID{GlobalScope, "s"}, true},
		{GlobalScope, SecretID{GlobalScope, "s"}, true},
		{orgA, SecretID{orgB, "s"}, false},
		{GlobalScope, SecretID{orgA, "s"}, false},
	} {
		err := CheckReference(c.config, c.ref)
		if (err == nil) != c.ok {
			t.Errorf("CheckReference(%s, %s) = %v, want ok=%v", c.config, c.ref, err, c.ok)
		}
		if err != nil && (!errors.Is(err, ErrCrossOrgReference) || !strings.Contains(err.Error(), c.ref.String())) {
			t.Errorf("CheckReference(%s, %s) = %v, want ErrCrossOrgReference naming the reference", c.config, c.ref, err)
		}
	}
}
