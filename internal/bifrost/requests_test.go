package bifrost

import (
	"errors"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// verifiedBy is what a caller's refresh records: the version and update time that Read found.
func verifiedBy(t *testing.T, s *Store, ref Ref) Verified {
	t.Helper()
	got, err := s.Read(testContext(t), ref)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return Verified{Version: got.Version, UpdatedAt: got.UpdatedAt}
}

// A caller that checked ownership itself (a refresh) saves the GET before a rotation and a
// deletion; without that, each write makes it.
func TestStoreRequests_alreadyVerifiedSkipsTheGET(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	v.warm(t, s)

	e := mustCreate(t, s, secretEntry(orgA, "api", "v1"))
	v.em.ResetRequestCounts()

	rotate := secretEntry(orgA, "api", "v2")
	rotate.Owner = e.Owner
	if _, err := s.Rotate(ctx, rotate); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "rotate", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1})

	verified := verifiedBy(t, s, e.Ref())
	v.em.ResetRequestCounts()
	rotate.Value = "v3"
	if _, err := s.Rotate(ctx, rotate, AlreadyVerified(verified)); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "rotate, already verified", map[string]int{emulator.OpSetSecret: 1})
	if got := rawValue(t, raw, e.KeyVaultName); got != "v3" {
		t.Errorf("value after the verified rotation: %q", got)
	}

	// An empty Verified is no check at all: the GET stays.
	v.em.ResetRequestCounts()
	if _, err := s.Rotate(ctx, rotate, AlreadyVerified(Verified{})); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "rotate, empty verified", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1})

	other := mustCreate(t, s, secretEntry(orgA, "other", "x"))
	v.em.ResetRequestCounts()
	if _, err := s.Delete(ctx, other.Ref()); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "delete", map[string]int{emulator.OpGetSecret: 1, emulator.OpDeleteSecret: 1})

	verified = verifiedBy(t, s, e.Ref())
	v.em.ResetRequestCounts()
	if _, err := s.Delete(ctx, e.Ref(), AlreadyVerified(verified)); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "delete, already verified", map[string]int{emulator.OpDeleteSecret: 1})
	// Key Vault answers 409 ObjectIsBeingDeleted while the deletion runs, then 404.
	if _, err := raw.GetSecret(ctx, e.KeyVaultName, "", nil); !isStatus(err, 404) && !isTransient(err) {
		t.Errorf("secret still readable after the verified delete: %v", err)
	}

	// Gone already: the DELETE's 404 is the outcome asked for.
	if _, err := s.Delete(ctx, e.Ref(), AlreadyVerified(verified)); err != nil {
		t.Errorf("verified delete of a deleted secret: %v", err)
	}
}

// A write that trusted the caller's check and meets another writer's secret: the rotation
// cannot tell (Key Vault has no conditional writes; the next refresh does), but a deletion
// sees the tags Key Vault returns, undoes itself and says so.
func TestStoreDelete_alreadyVerifiedRecoversAnotherWritersSecret(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	e := mustCreate(t, s, secretEntry(orgA, "api", "v1"))
	verified := verifiedBy(t, s, e.Ref())

	// Another state takes the entry over after this caller's check.
	theirs := secretEntry(orgA, "api", "theirs")
	tags := toPtrMap(theirs.KeyVaultTags())
	tags[TagOwner] = to.Ptr("fedcba9876543210fedcba9876543210")
	if _, err := raw.SetSecret(ctx, e.KeyVaultName, azsecrets.SetSecretParameters{Value: to.Ptr("theirs"), Tags: tags}, nil); err != nil {
		t.Fatal(err)
	}

	_, err := s.Delete(ctx, e.Ref(), AlreadyVerified(verified))
	if !errors.Is(err, ErrOwnerConflict) || !strings.Contains(err.Error(), "the deletion was undone") {
		t.Fatalf("verified delete of another writer's secret: %v, want ErrOwnerConflict saying it was recovered", err)
	}
	if got := rawValue(t, raw, e.KeyVaultName); got != "theirs" {
		t.Errorf("value after the undone delete: %q, want the other writer's", got)
	}
}

// A metadata update given the entry the caller's check found is the PATCH alone, unless it
// clears a field a PATCH cannot clear: then the value is read and written again without it.
// An update that changes nothing Key Vault keeps makes no request.
func TestStoreRequests_updateMetadataAlreadyVerified(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	created := secretEntry(orgA, "api", "v1")
	created.ContentType = "text/plain"
	e := mustCreate(t, s, created)
	found, err := s.Read(ctx, e.Ref())
	if err != nil {
		t.Fatal(err)
	}
	verified := AlreadyVerified(Verified{Version: found.Version, UpdatedAt: found.UpdatedAt})

	described := created
	described.Owner, described.Description = e.Owner, "now described"
	v.em.ResetRequestCounts()
	updated, _, err := s.UpdateMetadata(ctx, described, verified, Against(*found))
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update, already verified", map[string]int{emulator.OpUpdateSecret: 1})
	if updated.Version != found.Version || updated.Description != "now described" {
		t.Errorf("after the update: version %s (want %s), description %q", updated.Version, found.Version, updated.Description)
	}

	// Without the entry the plan saw, the check is not enough to PATCH: the GET stays.
	v.em.ResetRequestCounts()
	if _, _, err := s.UpdateMetadata(ctx, described, verified); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update, verified without the entry", map[string]int{emulator.OpGetSecret: 1})

	// Nothing Key Vault keeps changes: no request at all.
	now, err := s.Read(ctx, e.Ref())
	if err != nil {
		t.Fatal(err)
	}
	v.em.ResetRequestCounts()
	if _, _, err := s.UpdateMetadata(ctx, described, verified, Against(*now)); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update changing nothing", map[string]int{})

	cleared := described
	cleared.ContentType = ""
	v.em.ResetRequestCounts()
	got, _, err := s.UpdateMetadata(ctx, cleared, verified, Against(*now))
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update clearing the content type", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1})
	after, err := s.Read(ctx, e.Ref())
	if err != nil {
		t.Fatal(err)
	}
	if after.ContentType != "" || after.Value != "v1" || after.Description != "now described" || after.Version != got.Version {
		t.Errorf("after clearing: content type %q, description %q, version %s (written %s); want none, the description, the value kept",
			after.ContentType, after.Description, after.Version, got.Version)
	}
}
