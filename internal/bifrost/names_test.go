package bifrost

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// The test vectors of docs/guides/key-vault-layout.md (section "Test vectors").
var keyVaultNameVectors = []struct {
	scope Scope
	kind  Kind
	name  string
	want  string
}{
	{"3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", KindConfig, "stripe_api_key", "bifrost-3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a-config-stripe-api-key-7ae4f1dd8f95"},
	{"3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", KindConfig, "STRIPE_API_KEY", "bifrost-3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a-config-stripe-api-key-72489f944673"},
	{GlobalScope, KindSecret, "smtp-password", "bifrost-global-secret-smtp-password-8a6412d8f547"},
	{GlobalScope, KindSecret, "__", "bifrost-global-secret-x-6399cc89b2af"},
}

func TestKeyVaultNameVectors(t *testing.T) {
	for _, v := range keyVaultNameVectors {
		if got := KeyVaultName(v.scope, v.kind, v.name); got != v.want {
			t.Errorf("KeyVaultName(%q, %q, %q) = %q, want %q", v.scope, v.kind, v.name, got, v.want)
		}
	}
}

func TestKeyVaultNameScopeIsNormalized(t *testing.T) {
	upper, err := ParseScope("3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := KeyVaultName(upper, KindConfig, "stripe_api_key"), keyVaultNameVectors[0].want; got != want {
		t.Errorf("upper-case scope: got %q, want %q", got, want)
	}
}

func TestSlug(t *testing.T) {
	for name, want := range map[string]string{
		"smtp-password":                "smtp-password",
		"__":                           "x",
		"-":                            "x",
		"_a__b--c_":                    "a-b-c",
		"ABC":                          "abc",
		"a_-_b":                        "a-b",
		strings.Repeat("a", 100):       strings.Repeat("a", 48),
		strings.Repeat("a", 47) + "_b": strings.Repeat("a", 47), // the cut ends on "-": trimmed again
		strings.Repeat("a", 48) + "_b": strings.Repeat("a", 48),
		strings.Repeat("_", 60) + "z":  "z",
	} {
		if got := slug(name); got != want {
			t.Errorf("slug(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestKeyVaultNameLongest(t *testing.T) {
	got := KeyVaultName("3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", KindConfig, strings.Repeat("K", MaxNameLength))
	if len(got) != MaxKeyVaultNameLength {
		t.Errorf("len = %d, want %d (%q)", len(got), MaxKeyVaultNameLength, got)
	}
	if err := ValidateKeyVaultName(got); err != nil {
		t.Error(err)
	}
}

func TestParseScope(t *testing.T) {
	for in, want := range map[string]Scope{
		"global":                               "global",
		"3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a": "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a",
		"3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A": "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a",
		"3f1C9a52-7d2E-4c1b-9A0e-5b6f7c8D9e0a": "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a",
	} {
		got, err := ParseScope(in)
		if err != nil || got != want {
			t.Errorf("ParseScope(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "Global", "GLOBAL", " global", "org",
		"3f1c9a527d2e4c1b9a0e5b6f7c8d9e0a",       // no hyphens
		"{3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a}", // braces
		"urn:uuid:3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a",
		"3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0g",
		"3f1c9a52-7d2e-4c1b-9a0e_5b6f7c8d9e0a",
		"3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a ",
	} {
		_, err := ParseScope(in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseScope(%q): err = %v, want ErrInvalid", in, err)
			continue
		}
		wants := []string{`"global"`, "UUID"}
		if strings.EqualFold(in, GlobalScope) {
			wants = []string{`"global"`, "lower case"}
		}
		for _, want := range wants {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ParseScope(%q): message lacks %q: %v", in, want, err)
			}
		}
	}
}

func TestValidateNames(t *testing.T) {
	long := strings.Repeat("a", MaxNameLength)
	for _, c := range []struct {
		name           string
		secret, config bool
	}{
		{"a", true, true},
		{"stripe_api_key", true, true},
		{"STRIPE_API_KEY", true, true},
		{"smtp-password", true, false},
		{"__", true, true},
		{"-", true, false},
		{long, true, true},
		{long + "a", false, false},
		{"", false, false},
		{"a b", false, false},
		{"a.b", false, false},
		{"a/b", false, false},
		{"é", false, false},
		{"a\x00", false, false},
	} {
		if err := ValidateSecretName(c.name); (err == nil) != c.secret {
			t.Errorf("ValidateSecretName(%q) = %v, want ok=%v", c.name, err, c.secret)
		} else if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidateSecretName(%q) = %v, want ErrInvalid", c.name, err)
		}
		if err := ValidateConfigKey(c.name); (err == nil) != c.config {
			t.Errorf("ValidateConfigKey(%q) = %v, want ok=%v", c.name, err, c.config)
		}
	}
	err := ValidateConfigKey("api-key")
	if err == nil || !strings.Contains(err.Error(), `'-'`) || !strings.Contains(err.Error(), "position 4") {
		t.Errorf("ValidateConfigKey(api-key) = %v, want the offending character and position", err)
	}
}

func TestIsDerivedKeyVaultName(t *testing.T) {
	v := keyVaultNameVectors[2]
	if !IsDerivedKeyVaultName(strings.ToUpper(v.want), v.scope, v.kind, v.name) {
		t.Error("derived name not recognized (case-insensitively)")
	}
	if IsDerivedKeyVaultName("org1--smtp-password", v.scope, v.kind, v.name) {
		t.Error("legacy name taken for a derived one")
	}
}

var keyVaultNameRE = regexp.MustCompile(`^[0-9A-Za-z-]{1,127}$`)

// fuzzTriple turns fuzzer input into a valid (scope, kind, name) triple. Raw
// bytes are rarely valid names, so instead of discarding them (which would
// starve the search) they are mapped onto the allowed alphabet; inputs that
// are valid already are kept as they are, which is where the seeds and the
// case variants live.
func fuzzTriple(scope string, secret bool, name string) (Scope, Kind, string, bool) {
	sc, err := ParseScope(scope)
	if err != nil {
		sc = GlobalScope
	}
	kind, alphabet := KindConfig, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
	if secret {
		kind, alphabet = KindSecret, alphabet+"-"
	}
	if ValidateName(kind, name) != nil {
		b := []byte(name)
		if len(b) > MaxNameLength {
			b = b[:MaxNameLength]
		}
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		name = string(b)
	}
	return sc, kind, name, ValidateName(kind, name) == nil
}

func FuzzKeyVaultNameInjective(f *testing.F) {
	const org = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
	const orgUpper = "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A"
	// Case variants and punctuation variants that share a slug: only the
	// digest tells them apart.
	f.Add(org, false, "stripe_api_key", org, false, "STRIPE_API_KEY")
	f.Add(org, false, "stripe_api_key", orgUpper, false, "stripe_api_key")
	f.Add(orgUpper, false, "Stripe_Api_Key", org, false, "stripe_api_key")
	f.Add("global", true, "smtp-password", "global", true, "smtp_password")
	f.Add("global", true, "smtp-password", "global", true, "SMTP-PASSWORD")
	f.Add("global", true, "__", "global", true, "-")
	f.Add("global", true, "__", "global", true, "___")
	f.Add("global", true, "a", "global", false, "a")
	f.Add("global", true, "a", org, true, "a")
	f.Add("global", false, strings.Repeat("a", 48)+"_1", "global", false, strings.Repeat("a", 48)+"_2")
	f.Add(org, true, strings.Repeat("Z", 100), org, true, strings.Repeat("z", 100))
	f.Fuzz(func(t *testing.T, scopeA string, secretA bool, nameA string, scopeB string, secretB bool, nameB string) {
		sa, ka, na, okA := fuzzTriple(scopeA, secretA, nameA)
		sb, kb, nb, okB := fuzzTriple(scopeB, secretB, nameB)
		if !okA || !okB {
			return
		}
		a, b := KeyVaultName(sa, ka, na), KeyVaultName(sb, kb, nb)
		for _, kv := range []string{a, b} {
			if !keyVaultNameRE.MatchString(kv) || len(kv) > MaxKeyVaultNameLength {
				t.Fatalf("KeyVaultName gave %q (%d characters): not a valid Key Vault name within %d characters", kv, len(kv), MaxKeyVaultNameLength)
			}
		}
		same := sa == sb && ka == kb && na == nb
		if same && a != b {
			t.Fatalf("one triple (%s, %s, %q), two names: %q and %q", sa, ka, na, a, b)
		}
		if !same && strings.EqualFold(a, b) {
			t.Fatalf("collision: (%s, %s, %q) and (%s, %s, %q) both map to %q", sa, ka, na, sb, kb, nb, a)
		}
	})
}
