package bifrost

import (
	"errors"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// unknownVersion is a well-formed version id that no secret has.
const unknownVersion = "0123456789abcdef0123456789abcdef"

func TestStoreGetVersion(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	v.warm(t, s)

	e := secretEntry(orgA, "smtp", "v1")
	e.Tags = map[string]string{"team": "mail"}
	first := mustCreate(t, s, e)
	e.Value = "v2"
	second, err := s.Rotate(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	v.em.ResetRequestCounts()

	// An older version is read with its own value, in one request.
	got, err := s.GetVersion(ctx, orgA, KindSecret, "smtp", first.Version)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "get version", map[string]int{emulator.OpGetSecret: 1})
	if got.Value != "v1" || got.Version != first.Version || got.Name != "smtp" || got.Scope != orgA || got.Tags["team"] != "mail" {
		t.Errorf("older version: version %q name %q scope %q tags %v, value matches %v", got.Version, got.Name, got.Scope, got.Tags, got.Value == "v1")
	}
	// The latest version by its id is the latest read; version ids match in any case.
	got, err = s.GetVersion(ctx, orgA, KindSecret, "smtp", strings.ToUpper(second.Version))
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != "v2" || got.Version != second.Version {
		t.Errorf("latest by id: version %q, want %q (value matches: %v)", got.Version, second.Version, got.Value == "v2")
	}
	v.em.ResetRequestCounts()

	// A version the entry does not have: not found, naming the version and the latest one.
	_, err = s.GetVersion(ctx, orgA, KindSecret, "smtp", unknownVersion)
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrVersionNotFound) {
		t.Fatalf("unknown version: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, unknownVersion) || !strings.Contains(msg, second.Version) || !strings.Contains(msg, `secret "smtp"`) {
		t.Errorf("unknown version message: %s", msg)
	}
	v.assertCounts(t, "unknown version", map[string]int{emulator.OpGetSecret: 2})

	// A missing entry is the ordinary not found, not a missing version.
	_, err = s.GetVersion(ctx, orgA, KindSecret, "gone", unknownVersion)
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrVersionNotFound) {
		t.Errorf("missing entry: %v", err)
	}
	v.em.ResetRequestCounts()

	// A malformed version is refused before any request.
	for _, bad := range []string{"", "latest", unknownVersion + "0", strings.Repeat("g", 32), "../" + unknownVersion[3:]} {
		if _, err := s.GetVersion(ctx, orgA, KindSecret, "smtp", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("version %q: %v", bad, err)
		}
	}
	v.assertCounts(t, "malformed versions", map[string]int{})

	// A disabled older version is ErrDisabled naming the version; the latest still reads.
	if _, err := raw.UpdateSecretProperties(ctx, first.KeyVaultName, first.Version, azsecrets.UpdateSecretPropertiesParameters{
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)},
	}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetVersion(ctx, orgA, KindSecret, "smtp", first.Version)
	if !errors.Is(err, ErrDisabled) || !strings.Contains(err.Error(), first.Version) {
		t.Errorf("disabled version: %v", err)
	}
	if _, err := s.Get(ctx, orgA, KindSecret, "smtp"); err != nil {
		t.Errorf("latest after disabling an older version: %v", err)
	}
}

// TestStoreGetVersionOwnership: a pinned read checks the identity tags of the version it
// reads, as a latest read does, and says nothing about a secret that is another entry's.
func TestStoreGetVersionOwnership(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	// Another entry's secret sits at smtp's derived name (as if the digests collided).
	kvName := KeyVaultName(GlobalScope, KindSecret, "smtp")
	foreign := secretEntry(GlobalScope, "SMTP", "theirs")
	resp, err := raw.SetSecret(ctx, kvName, azsecrets.SetSecretParameters{Value: to.Ptr("theirs"), Tags: toPtrMap(foreign.KeyVaultTags())}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.GetVersion(ctx, GlobalScope, KindSecret, "smtp", resp.ID.Version())
	if !errors.Is(err, ErrNameCollision) || strings.Contains(err.Error(), "theirs") {
		t.Errorf("pinned read of another entry's secret: %v", err)
	}
	_, err = s.GetVersion(ctx, GlobalScope, KindSecret, "smtp", unknownVersion)
	if !errors.Is(err, ErrNameCollision) {
		t.Errorf("missing version of another entry's secret: %v", err)
	}
}

func TestResolveConfigVersion(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	limit := configEntry(orgA, "rate_limit", TypeInt, "100")
	first := mustCreate(t, s, limit)
	limit.Value = "200"
	if _, err := s.Rotate(ctx, limit); err != nil {
		t.Fatal(err)
	}
	region := configEntry(GlobalScope, "region", TypeString, "eu-west")
	globalFirst := mustCreate(t, s, region)
	region.Value = "us-east"
	if _, err := s.Rotate(ctx, region); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, secretEntry(orgA, "smtp", "pw"))
	mustCreate(t, s, configEntry(orgA, "smtp_password", TypeSecretReference, string(orgA)+"/smtp"))
	v.em.ResetRequestCounts()

	// The organization's own config, pinned: one request.
	r, err := s.ResolveConfigVersion(ctx, orgA, "rate_limit", true, first.Version)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "pinned org config", map[string]int{emulator.OpGetSecret: 1})
	if r.Value != "100" || r.ResolvedScope != orgA || r.Config.Version != first.Version || r.Secret != nil {
		t.Errorf("pinned org config: value %q scope %q version %q", r.Value, r.ResolvedScope, r.Config.Version)
	}

	// Missing in the organization: the version is read in global, as config.get falls back.
	r, err = s.ResolveConfigVersion(ctx, orgA, "region", true, globalFirst.Version)
	if err != nil {
		t.Fatal(err)
	}
	// The organization costs two: the pinned GET, then the latest GET that tells a missing
	// config from a missing version.
	v.assertCounts(t, "pinned global fallback", map[string]int{emulator.OpGetSecret: 3})
	if r.Value != "eu-west" || r.ResolvedScope != GlobalScope {
		t.Errorf("pinned fallback: value %q scope %q", r.Value, r.ResolvedScope)
	}
	if _, err := s.ResolveConfigVersion(ctx, orgA, "region", false, globalFirst.Version); !errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), "fallback_to_global is off") {
		t.Errorf("pinned, no fallback: %v", err)
	}

	// The organization has the config but not that version: not found naming the version,
	// and global is not tried (config.get would read the organization's config).
	v.em.ResetRequestCounts()
	_, err = s.ResolveConfigVersion(ctx, orgA, "rate_limit", true, globalFirst.Version)
	if !errors.Is(err, ErrVersionNotFound) || !strings.Contains(err.Error(), globalFirst.Version) {
		t.Errorf("org config without the version: %v", err)
	}
	v.assertCounts(t, "missing version", map[string]int{emulator.OpGetSecret: 2})

	// Missing everywhere: the scopes tried, as for a latest read.
	if _, err := s.ResolveConfigVersion(ctx, orgA, "nowhere", true, unknownVersion); !errors.Is(err, ErrNotFound) ||
		errors.Is(err, ErrVersionNotFound) || !strings.Contains(err.Error(), "or in the global scope") {
		t.Errorf("missing everywhere: %v", err)
	}

	// A secret_reference is refused, pointing at the secret to pin instead.
	ref, err := s.Get(ctx, orgA, KindConfig, "smtp_password")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ResolveConfigVersion(ctx, orgA, "smtp_password", true, ref.Version)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "secret_reference") || !strings.Contains(err.Error(), `name = "smtp"`) {
		t.Errorf("pinned secret_reference: %v", err)
	}
}
