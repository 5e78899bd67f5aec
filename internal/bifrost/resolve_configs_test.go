package bifrost

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// resolvedValues is key -> value and key -> resolved scope of a ResolveConfigs answer.
func resolvedValues(rs []Resolved) (values map[string]string, scopes map[string]Scope) {
	values, scopes = map[string]string{}, map[string]Scope{}
	for _, r := range rs {
		values[r.Config.Name] = r.Value
		scopes[r.Config.Name] = r.ResolvedScope
	}
	return values, scopes
}

func TestResolveConfigs(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	for _, e := range []Entry{
		configEntry(orgA, "region", TypeString, "eu-west"),
		configEntry(GlobalScope, "region", TypeString, "us-east"),
		configEntry(GlobalScope, "retries", TypeInt, "3"),
		secretEntry(orgA, "stripe", "sk_org"),
		secretEntry(GlobalScope, "smtp", "smtp_global"),
		configEntry(orgA, "stripe_key", TypeSecretReference, string(orgA)+"/stripe"),
		configEntry(orgA, "smtp_password", TypeSecretReference, "global/smtp"),
		configEntry(orgA, "smtp_again", TypeSecretReference, "global/smtp"),
		configEntry(GlobalScope, "shared_smtp", TypeSecretReference, "global/smtp"),
		configEntry(orgB, "other_org_only", TypeString, "not orgA's"),
		secretEntry(GlobalScope, "gone", "deleted below"),
		configEntry(orgB, "dangling", TypeSecretReference, "global/gone"),
	} {
		mustCreate(t, s, e)
	}
	if _, err := s.Delete(ctx, secretEntry(GlobalScope, "gone", "").Ref()); err != nil {
		t.Fatal(err)
	}

	t.Run("every key with fallback", func(t *testing.T) {
		v.em.ResetRequestCounts()
		rs, err := s.ResolveConfigs(ctx, orgA, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		values, scopes := resolvedValues(rs)
		want := map[string]string{
			"region": "eu-west", "retries": "3", "stripe_key": "sk_org",
			"smtp_password": "smtp_global", "smtp_again": "smtp_global", "shared_smtp": "smtp_global",
		}
		if len(values) != len(want) {
			t.Errorf("keys %v, want those of %v", keysOf(values), keysOf(want))
		}
		for k, w := range want {
			if values[k] != w {
				t.Errorf("key %q: wrong value (%d characters, want %d)", k, len(values[k]), len(w))
			}
		}
		if scopes["region"] != orgA || scopes["retries"] != GlobalScope || scopes["shared_smtp"] != GlobalScope {
			t.Errorf("resolved scopes %v", scopes)
		}
		for i := 1; i < len(rs); i++ {
			if rs[i-1].Config.Name >= rs[i].Config.Name {
				t.Errorf("not sorted by key: %q before %q", rs[i-1].Config.Name, rs[i].Config.Name)
			}
		}
		// One listing; 6 configs; the 2 distinct secrets, global/smtp once for its three configs.
		v.assertCounts(t, "resolve every key", map[string]int{emulator.OpListSecrets: 1, emulator.OpGetSecret: 6 + 2})
	})
	t.Run("every key without fallback", func(t *testing.T) {
		rs, err := s.ResolveConfigs(ctx, orgA, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		values, _ := resolvedValues(rs)
		if got := strings.Join(keysOf(values), ","); got != "region,smtp_again,smtp_password,stripe_key" {
			t.Errorf("keys %s", got)
		}
	})
	t.Run("given keys", func(t *testing.T) {
		v.em.ResetRequestCounts()
		rs, err := s.ResolveConfigs(ctx, orgA, []string{"retries", "region"}, true)
		if err != nil {
			t.Fatal(err)
		}
		values, scopes := resolvedValues(rs)
		if len(values) != 2 || values["region"] != "eu-west" || values["retries"] != "3" || scopes["retries"] != GlobalScope {
			t.Errorf("values of %v, scopes %v", keysOf(values), scopes)
		}
		v.assertCounts(t, "resolve two keys", map[string]int{emulator.OpListSecrets: 1, emulator.OpGetSecret: 2})
	})
	t.Run("missing keys are named, nothing read", func(t *testing.T) {
		v.em.ResetRequestCounts()
		_, err := s.ResolveConfigs(ctx, orgA, []string{"region", "nope", "nada"}, true)
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("%v, want ErrNotFound", err)
		}
		for _, want := range []string{`"nope"`, `"nada"`, string(orgA), "global", "bifrost_config"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message lacks %q: %v", want, err)
			}
		}
		if strings.Contains(err.Error(), `"region"`) {
			t.Errorf("message names a key that exists: %v", err)
		}
		v.assertCounts(t, "missing keys", map[string]int{emulator.OpListSecrets: 1})
	})
	t.Run("one missing key reads as config.get's error", func(t *testing.T) {
		_, err := s.ResolveConfigs(ctx, orgA, []string{"retries"}, false)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `key = "retries"`) ||
			!strings.Contains(err.Error(), "fallback_to_global") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a failing key fails the whole read as config.get fails", func(t *testing.T) {
		_, err := s.ResolveConfigs(ctx, orgB, nil, true)
		if !errors.Is(err, ErrDanglingReference) || !strings.Contains(err.Error(), `"dangling"`) ||
			!strings.Contains(err.Error(), `"global/gone"`) {
			t.Fatalf("%v, want ErrDanglingReference naming the config and the secret", err)
		}
	})
	t.Run("invalid key", func(t *testing.T) {
		v.em.ResetRequestCounts()
		_, err := s.ResolveConfigs(ctx, orgA, []string{"bad-key"}, true)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "bad-key") {
			t.Fatalf("%v, want ErrInvalid naming the key", err)
		}
		v.assertCounts(t, "invalid key", map[string]int{})
	})
	t.Run("no read rights", func(t *testing.T) {
		nobody := v.store(t, emulator.NobodyName, StoreOptions{})
		if _, err := nobody.ResolveConfigs(ctx, orgA, nil, true); !errors.Is(err, ErrForbidden) {
			t.Fatalf("%v, want ErrForbidden", err)
		}
	})
}

// The request count of a whole configuration: N configs, half of them references to one
// secret, cost the listing, N GETs and one GET for the shared secret.
func TestResolveConfigs_requestCount(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	const n = 40
	mustCreate(t, s, secretEntry(orgA, "shared", "s3cret"))
	for i := range n {
		e := configEntry(orgA, fmt.Sprintf("key_%02d", i), TypeString, fmt.Sprint(i))
		if i%2 == 1 {
			e = configEntry(orgA, e.Name, TypeSecretReference, string(orgA)+"/shared")
		}
		mustCreate(t, s, e)
	}
	v.em.ResetRequestCounts()
	rs, err := s.ResolveConfigs(ctx, orgA, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != n {
		t.Fatalf("%d keys resolved, want %d", len(rs), n)
	}
	for i, r := range rs {
		want := fmt.Sprint(i)
		if i%2 == 1 {
			want = "s3cret"
		}
		if r.Value != want {
			t.Errorf("key %q: wrong value", r.Config.Name)
		}
	}
	// 41 secrets in the vault: two pages of the listing.
	v.assertCounts(t, "resolve 40 keys", map[string]int{emulator.OpListSecrets: 2, emulator.OpGetSecret: n + 1})
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
