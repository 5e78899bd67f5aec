package bifrost

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Writes given Against act on the entry as the caller's plan saw it: another writer's change
// made since is refused when the store reads before writing, and neither undone nor taken in
// when it does not (changes.go). Each case starts from a fresh entry that the caller read (its
// plan), then another writer changes it through the REST API, then the caller writes.
func TestStoreWritesAgainstThePlan(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	v.warm(t, s)

	// planned creates the entry and returns what the caller's plan saw of it and the options
	// of a write right after that read.
	planned := func(name string) (Entry, *Entry, []WriteOption) {
		t.Helper()
		e := mustCreate(t, s, secretEntry(orgA, name, "declared"))
		seen, err := s.Read(ctx, e.Ref())
		if err != nil {
			t.Fatal(err)
		}
		want := secretEntry(orgA, name, "declared")
		want.Owner = e.Owner
		return want, seen, []WriteOption{Against(*seen), AlreadyVerified(Verified{Version: seen.Version, UpdatedAt: seen.UpdatedAt})}
	}
	// foreignVersion writes a new version as a person in the portal would: value only.
	foreignVersion := func(kvName string) string {
		t.Helper()
		resp, err := raw.SetSecret(ctx, kvName, azsecrets.SetSecretParameters{Value: to.Ptr("rotated-in-the-portal")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return resp.ID.Version()
	}
	// foreignPatch changes the latest version's attributes as an incident responder would.
	foreignPatch := func(kvName string, attrs azsecrets.SecretAttributes) {
		t.Helper()
		if _, err := raw.UpdateSecretProperties(ctx, kvName, "", azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &attrs}, nil); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("metadata after a new version, with the refresh's check: the version the plan saw", func(t *testing.T) {
		want, seen, opts := planned("new-version-verified")
		theirs := foreignVersion(seen.KeyVaultName)
		want.Description = "described"
		v.em.ResetRequestCounts()
		got, _, err := s.UpdateMetadata(ctx, want, opts...)
		if err != nil {
			t.Fatal(err)
		}
		v.assertCounts(t, "update", map[string]int{emulator.OpUpdateSecret: 1})
		if got.Version != seen.Version || !got.CreatedAt.Equal(seen.CreatedAt) || got.Description != "described" {
			t.Errorf("update answered version %s created %s, description %q; want the planned version %s created %s, described",
				got.Version, got.CreatedAt, got.Description, seen.Version, seen.CreatedAt)
		}
		latest, err := raw.GetSecret(ctx, seen.KeyVaultName, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if latest.ID.Version() != theirs || *latest.Value != "rotated-in-the-portal" || latest.Tags[TagDescription] != nil {
			t.Errorf("the other writer's version was touched: latest %s (theirs %s), description tag %v", latest.ID.Version(), theirs, latest.Tags[TagDescription])
		}
	})

	t.Run("metadata after a new version, reading first: refused, nothing written", func(t *testing.T) {
		want, seen, _ := planned("new-version-read")
		theirs := foreignVersion(seen.KeyVaultName)
		want.Description = "described"
		v.em.ResetRequestCounts()
		_, _, err := s.UpdateMetadata(ctx, want, Against(*seen))
		if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), `a new version "`+theirs+`" was written`) ||
			!strings.Contains(err.Error(), "Nothing was written") {
			t.Fatalf("update after another writer's version: %v, want ErrChanged naming version %s", err, theirs)
		}
		v.assertCounts(t, "refused update", map[string]int{emulator.OpGetSecret: 1})
	})

	t.Run("metadata after a disable, with the refresh's check: stays disabled, reported", func(t *testing.T) {
		want, seen, opts := planned("disabled-verified")
		foreignPatch(seen.KeyVaultName, azsecrets.SecretAttributes{Enabled: to.Ptr(false)})
		want.Description = "described"
		got, untouched, err := s.UpdateMetadata(ctx, want, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got.Enabled || strings.Join(untouched, "; ") != "it was disabled" {
			t.Errorf("after the update: enabled %v, reported %q; want still disabled, reported", got.Enabled, untouched)
		}
	})

	t.Run("metadata after an expiry was set, with the refresh's check: kept, reported", func(t *testing.T) {
		want, seen, opts := planned("expiry-verified")
		exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
		foreignPatch(seen.KeyVaultName, azsecrets.SecretAttributes{Expires: &exp})
		want.Description = "described"
		got, untouched, err := s.UpdateMetadata(ctx, want, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) || !strings.Contains(strings.Join(untouched, "; "), "its expiry date was set to 2031-01-02T03:04:05Z") {
			t.Errorf("after the update: expiry %v, reported %q; want the other writer's expiry kept and reported", got.ExpiresAt, untouched)
		}
	})

	t.Run("metadata after a disable, reading first: refused", func(t *testing.T) {
		want, seen, _ := planned("disabled-read")
		foreignPatch(seen.KeyVaultName, azsecrets.SecretAttributes{Enabled: to.Ptr(false)})
		want.Description = "described"
		if _, _, err := s.UpdateMetadata(ctx, want, Against(*seen)); !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "it was disabled") {
			t.Errorf("update of a secret disabled since the plan: %v, want ErrChanged saying it was disabled", err)
		}
	})

	t.Run("a new value after a new version, reading first: refused", func(t *testing.T) {
		want, seen, _ := planned("rotate-read")
		foreignVersion(seen.KeyVaultName)
		want.Value = "declared-v2"
		v.em.ResetRequestCounts()
		if _, err := s.Rotate(ctx, want, Against(*seen)); !errors.Is(err, ErrChanged) {
			t.Errorf("rotation after another writer's version: %v, want ErrChanged", err)
		}
		v.assertCounts(t, "refused rotation", map[string]int{emulator.OpGetSecret: 1})
		if got := rawValue(t, raw, seen.KeyVaultName); got != "rotated-in-the-portal" {
			t.Errorf("value after a refused rotation: %q", got)
		}
	})

	t.Run("a new value with the refresh's check: exactly what the plan declares", func(t *testing.T) {
		want, seen, opts := planned("rotate-verified")
		foreignPatch(seen.KeyVaultName, azsecrets.SecretAttributes{Enabled: to.Ptr(false)})
		want.Value = "declared-v2"
		got, err := s.Rotate(ctx, want, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version == seen.Version || !got.Enabled || rawValue(t, raw, seen.KeyVaultName) != "declared-v2" {
			t.Errorf("rotation: version %s (was %s), enabled %v", got.Version, seen.Version, got.Enabled)
		}
	})
}

// A caller whose owner token came from Key Vault (an import) writes one of its own, so the
// writer it took the token from finds out at its next read; Retag writes missing tags back.
func TestStoreNewOwnerAndRetag(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	first := mustCreate(t, s, secretEntry(orgA, "shared", "x"))
	imported, err := s.Read(ctx, Ref{Scope: orgA, Kind: KindSecret, Name: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	want := secretEntry(orgA, "shared", "x")
	want.Owner, want.Description = imported.Owner, "the importer's"
	written, _, err := s.UpdateMetadata(ctx, want, Against(*imported), NewOwner())
	if err != nil {
		t.Fatal(err)
	}
	if written.Owner == first.Owner || written.Owner == "" {
		t.Fatalf("the importer's write kept the token it adopted (%q)", written.Owner)
	}
	if _, err := s.Read(ctx, first.Ref()); !errors.Is(err, ErrOwnerConflict) {
		t.Errorf("the first writer's read after the importer's write: %v, want ErrOwnerConflict", err)
	}

	// Tags removed outside: a write of the same metadata with Retag puts them back.
	if _, err := raw.UpdateSecretProperties(ctx, first.KeyVaultName, "", azsecrets.UpdateSecretPropertiesParameters{Tags: map[string]*string{}}, nil); err != nil {
		t.Fatal(err)
	}
	stripped, err := s.Read(ctx, written.Ref())
	if err != nil {
		t.Fatal(err)
	}
	if stripped.TagsComplete() {
		t.Fatal("an entry without its tags reads as complete")
	}
	want.Owner = written.Owner
	seen := *written
	if _, _, err := s.UpdateMetadata(ctx, want, Against(seen), AlreadyVerified(Verified{Version: seen.Version}), Retag()); err != nil {
		t.Fatal(err)
	}
	back, err := s.Read(ctx, written.Ref())
	if err != nil || !back.TagsComplete() || back.Description != "the importer's" {
		t.Errorf("after retagging: %+v, %v", back, err)
	}
}
