package bifrost

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Every write stamps an owner token; a caller holding another token is refused on every path
// and nothing is written or deleted.
func TestStoreOwnerToken(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	created := mustCreate(t, s, secretEntry(orgA, "api", "v1"))
	if len(created.Owner) != 32 {
		t.Fatalf("created entry has owner token %q, want 32 hex characters", created.Owner)
	}
	read, err := s.Read(ctx, created.Ref())
	if err != nil || read.Owner != created.Owner || read.Value != "v1" {
		t.Fatalf("read with the creator's token: %+v, %v", read, err)
	}
	// A caller that holds no token (a fresh import) reads and learns the token.
	if got, err := s.Read(ctx, Ref{Scope: orgA, Kind: KindSecret, Name: "api"}); err != nil || got.Owner != created.Owner {
		t.Fatalf("read without a token: %+v, %v", got, err)
	}

	stale := created.Ref()
	stale.Owner = "0123456789abcdef0123456789abcdef"
	e := secretEntry(orgA, "api", "v2")
	e.Owner = stale.Owner
	v.em.ResetRequestCounts()
	for name, op := range map[string]func() error{
		"read":   func() error { _, err := s.Read(ctx, stale); return err },
		"rotate": func() error { _, err := s.Rotate(ctx, e); return err },
		"update": func() error { _, _, err := s.UpdateMetadata(ctx, e); return err },
		"delete": func() error { _, err := s.Delete(ctx, stale); return err },
	} {
		err := op()
		if !errors.Is(err, ErrOwnerConflict) || !strings.Contains(err.Error(), "another Terraform state") {
			t.Errorf("%s with another state's token: %v, want ErrOwnerConflict", name, err)
		}
	}
	counts := v.em.RequestCounts()
	for _, op := range []string{emulator.OpSetSecret, emulator.OpUpdateSecret, emulator.OpDeleteSecret} {
		if counts[op] != 0 {
			t.Errorf("%d %s requests despite the owner conflict", counts[op], op)
		}
	}
	if got := rawValue(t, raw, created.KeyVaultName); got != "v1" {
		t.Errorf("value %q after refused writes", got)
	}

	// The token's owner rotates, keeping its token.
	e.Owner = created.Owner
	rotated, err := s.Rotate(ctx, e)
	if err != nil || rotated.Owner != created.Owner {
		t.Fatalf("rotate by the owner: %+v, %v", rotated, err)
	}
	// An out-of-band write without tags drops the token: not a conflict (drift, restored by
	// the next write), and the owner's write puts the token back.
	if _, err := raw.SetSecret(ctx, created.KeyVaultName, azsecrets.SetSecretParameters{Value: to.Ptr("portal")}, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Read(ctx, created.Ref()); err != nil || got.Owner != "" || got.Value != "portal" {
		t.Fatalf("read after an untagged out-of-band write: %+v, %v", got, err)
	}
	e.Value = "v3"
	if got, err := s.Rotate(ctx, e); err != nil || got.Owner != created.Owner {
		t.Fatalf("rotate after the out-of-band write: %+v, %v", got, err)
	}
}

// A create that finds exactly what it would write (an interrupted run wrote it) takes it over
// without a new version and with a new owner token; anything else refuses and changes nothing.
func TestStoreCreateTakesOverOnlyIdenticalEntries(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	v.warm(t, s)

	exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	e := secretEntry(orgA, "half-done", "value")
	e.Description, e.ContentType, e.ExpiresAt, e.Tags = "crash test", "text/plain", &exp, map[string]string{"team": "a"}
	first := mustCreate(t, s, e)
	v.em.ResetRequestCounts()

	again, err := s.Create(ctx, e)
	if err != nil {
		t.Fatalf("create over an identical entry: %v", err)
	}
	v.assertCounts(t, "take over", map[string]int{emulator.OpGetSecret: 1, emulator.OpUpdateSecret: 1})
	if again.Version != first.Version || again.Owner == first.Owner || again.Owner == "" {
		t.Errorf("take-over: version %s (first %s), owner %q (first %q); want the same version and a new owner",
			again.Version, first.Version, again.Owner, first.Owner)
	}
	if n := rawVersions(t, raw, first.KeyVaultName); n != 1 {
		t.Errorf("%d versions after the take-over, want 1", n)
	}
	// The first writer (another state, or the crashed run) is now told at its next read.
	if _, err := s.Read(ctx, first.Ref()); !errors.Is(err, ErrOwnerConflict) {
		t.Errorf("read by the previous owner after the take-over: %v, want ErrOwnerConflict", err)
	}

	for name, change := range map[string]func(*Entry){
		"value":        func(x *Entry) { x.Value = "other" },
		"description":  func(x *Entry) { x.Description = "other" },
		"content type": func(x *Entry) { x.ContentType = "application/json" },
		"expiry":       func(x *Entry) { x.ExpiresAt = nil },
		"tags":         func(x *Entry) { x.Tags = map[string]string{"team": "b"} },
	} {
		other := e
		change(&other)
		if _, err := s.Create(ctx, other); !errors.Is(err, ErrAlreadyExists) || !strings.Contains(err.Error(), "with other content than planned") {
			t.Errorf("create with another %s over the entry: %v, want ErrAlreadyExists", name, err)
		}
	}
	// An untagged secret at the name is never taken over, even with the same value.
	plain := secretEntry(orgA, "plain", "same")
	if _, err := raw.SetSecret(ctx, KeyVaultName(orgA, KindSecret, "plain"), azsecrets.SetSecretParameters{Value: to.Ptr("same")}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, plain); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("create over an untagged secret with the same value: %v, want ErrAlreadyExists", err)
	}
	if got := rawValue(t, raw, first.KeyVaultName); got != "value" {
		t.Errorf("value %q after refused creates", got)
	}
}

// An adopted secret (no Bifrost identity yet) is deleted by its Key Vault name; one that turns
// out to carry Bifrost tags is refused.
func TestStoreDeleteAdopted(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	const legacy = "3f1c9a52--legacy"
	if _, err := raw.SetSecret(ctx, legacy, azsecrets.SetSecretParameters{Value: to.Ptr("old")}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Delete(ctx, Ref{Kind: KindSecret, KeyVaultName: legacy}); err != nil {
		t.Fatalf("delete of an adopted secret by its Key Vault name: %v", err)
	}
	if err := waitSoftDeleted(ctx, raw, legacy); err != nil {
		t.Errorf("the adopted secret is not soft-deleted: %v", err)
	}

	entry := mustCreate(t, s, secretEntry(orgA, "entry", "x"))
	if _, err := s.Delete(ctx, Ref{Kind: KindSecret, KeyVaultName: entry.KeyVaultName}); !errors.Is(err, ErrNameCollision) {
		t.Errorf("delete of a Bifrost entry as an adopted secret: %v, want ErrNameCollision", err)
	}
	if got := rawValue(t, raw, entry.KeyVaultName); got != "x" {
		t.Errorf("the Bifrost entry was changed: %q", got)
	}
}

// A secret_reference config is written only when the secret it references exists.
func TestStoreRefusesDanglingReference(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)

	ref := configEntry(orgA, "stripe_key", TypeSecretReference, string(orgA)+"/stripe")
	if _, err := s.Create(ctx, ref); !errors.Is(err, ErrDanglingReference) || !strings.Contains(err.Error(), "Create the secret first") {
		t.Fatalf("create of a dangling reference: %v, want ErrDanglingReference", err)
	}
	if _, err := s.GetMetadata(ctx, orgA, KindConfig, "stripe_key"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the dangling reference was written: %v", err)
	}
	mustCreate(t, s, secretEntry(orgA, "stripe", "sk"))
	created := mustCreate(t, s, ref)
	rotated := ref
	rotated.Value, rotated.Owner = "global/missing", created.Owner
	if _, err := s.Rotate(ctx, rotated); !errors.Is(err, ErrDanglingReference) {
		t.Errorf("rotate to a dangling reference: %v, want ErrDanglingReference", err)
	}
}

// A read of a disabled secret reads its metadata in the same pass: GET + versions list.
func TestStoreReadDisabled(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	e := secretEntry(orgA, "off", "hidden")
	e.Enabled = false
	created := mustCreate(t, s, e)
	v.em.ResetRequestCounts()
	got, err := s.Read(ctx, created.Ref())
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "read of a disabled secret", map[string]int{emulator.OpGetSecret: 1, emulator.OpListSecretVersions: 1})
	if got.Enabled || got.Value != "" || got.Version != created.Version || got.Owner != created.Owner {
		t.Errorf("read of a disabled secret: %+v", got)
	}
}

func TestValidateValidity(t *testing.T) {
	early, late := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := ValidateValidity(&early, &late); err != nil {
		t.Errorf("not-before before expiry refused: %v", err)
	}
	if err := ValidateValidity(&late, nil); err != nil {
		t.Errorf("not-before alone refused: %v", err)
	}
	if err := ValidateValidity(&late, &early); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "2031-01-01T00:00:00Z is after the expiry time 2030-01-01T00:00:00Z") {
		t.Errorf("not-before after expiry: %v", err)
	}
}

// Throttling, server errors and dropped connections are retried until the context's deadline,
// not a fixed number of times: every operation of a busy run succeeds, and a vault that never
// recovers fails with ErrTimeout when the deadline comes.
func TestStoreRetriesWithinDeadline(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	v.em.SetFaults(emulator.Faults{ServerErrorShare: 0.15, DropShare: 0.15})
	for i := range 12 {
		e := secretEntry(orgA, "busy-"+string(rune('a'+i)), "value")
		created, err := s.Create(ctx, e)
		if err != nil {
			t.Fatalf("create %d under faults: %v", i, err)
		}
		if got, err := s.Read(ctx, created.Ref()); err != nil || got.Value != "value" {
			t.Fatalf("read %d under faults: %v", i, err)
		}
	}
	statuses := v.em.StatusCounts()
	if statuses[500]+statuses[503] == 0 {
		t.Fatalf("no server error was injected (%v); the test proves nothing", statuses)
	}

	v.em.SetFaults(emulator.Faults{ServerErrorShare: 1})
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := s.Get(short, orgA, KindSecret, "busy-a")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("a vault that keeps failing: %v, want ErrTimeout at the deadline", err)
	}
}
