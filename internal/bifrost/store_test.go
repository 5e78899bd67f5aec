package bifrost

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

const (
	orgA Scope = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a"
	orgB Scope = "9b2d4e6f-1a3c-4e5f-8a7b-0c1d2e3f4a5b"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func secretEntry(scope Scope, name, value string) Entry {
	return Entry{Scope: scope, Kind: KindSecret, Name: name, Value: value, Enabled: true}
}

func configEntry(scope Scope, key string, typ ConfigType, value string) Entry {
	return Entry{Scope: scope, Kind: KindConfig, Name: key, Type: typ, Value: value, Enabled: true}
}

// warm makes the client's first request (which azsecrets sends without a
// token to learn the challenge, so it counts twice) and zeroes the counts.
func (v *testVault) warm(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.Read(testContext(t), Ref{Kind: KindSecret, KeyVaultName: "warm-up"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("warm-up: %v", err)
	}
	v.em.ResetRequestCounts()
}

// assertCounts checks the requests per operation since the last reset
// (operations not in want must be zero) and resets the counts.
func (v *testVault) assertCounts(t *testing.T, what string, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for op, n := range v.em.RequestCounts() {
		if n != 0 {
			got[op] = n
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: requests %v, want %v", what, got, want)
	}
	v.em.ResetRequestCounts()
}

func mustCreate(t *testing.T, s *Store, e Entry) *Entry {
	t.Helper()
	got, err := s.Create(testContext(t), e)
	if err != nil {
		t.Fatalf("create %s/%s: %v", e.Scope, e.Name, err)
	}
	return got
}

func rawValue(t *testing.T, c *azsecrets.Client, kvName string) string {
	t.Helper()
	resp, err := c.GetSecret(testContext(t), kvName, "", nil)
	if err != nil {
		t.Fatalf("raw read of %s: %v", kvName, err)
	}
	return *resp.Value
}

// waitSoftDeleted waits until Key Vault has finished deleting name: its deletion is
// asynchronous, and GET deletedsecrets answers 404 until then.
func waitSoftDeleted(ctx context.Context, raw *azsecrets.Client, name string) error {
	for {
		_, err := raw.GetDeletedSecret(ctx, name, nil)
		if err == nil || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func rawVersions(t *testing.T, c *azsecrets.Client, kvName string) int {
	t.Helper()
	n := 0
	pager := c.NewListSecretPropertiesVersionsPager(kvName, nil)
	for pager.More() {
		page, err := pager.NextPage(testContext(t))
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Value)
	}
	return n
}

func TestStoreCreateAndGet(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	nbf := time.Now().Add(-time.Hour).Truncate(time.Second).UTC()
	exp := time.Now().Add(48 * time.Hour).Truncate(time.Second).UTC()
	e := Entry{
		Scope: orgA, Kind: KindSecret, Name: "Stripe_Key", Value: "sk_live_1", ContentType: "text/plain",
		Description: "Stripe live key", Enabled: true, NotBefore: &nbf, ExpiresAt: &exp,
		Tags: map[string]string{"team": "payments"},
	}
	created := mustCreate(t, s, e)
	v.assertCounts(t, "create", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1})

	kvName := KeyVaultName(orgA, KindSecret, "Stripe_Key")
	wantID := strings.TrimSuffix(v.em.VaultURL(), "/") + "/secrets/" + kvName
	if created.KeyVaultName != kvName || created.ID != wantID || len(created.Version) != 32 || !created.Managed {
		t.Errorf("created: KeyVaultName %q ID %q Version %q Managed %v; want %q, %q", created.KeyVaultName, created.ID, created.Version, created.Managed, kvName, wantID)
	}
	if created.Value != "" {
		t.Error("a write returned the value")
	}
	if created.CreatedAt.IsZero() || created.UpdatedAt.IsZero() {
		t.Error("timestamps missing")
	}

	// Upper-case organization ids name the same entry.
	got, err := s.Get(ctx, Scope(strings.ToUpper(string(orgA))), KindSecret, "Stripe_Key")
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "get", map[string]int{emulator.OpGetSecret: 1})
	if got.Value != "sk_live_1" || got.Scope != orgA || got.Name != "Stripe_Key" || got.Kind != KindSecret || got.Version != created.Version {
		t.Errorf("get: %+v", got)
	}
	if got.ContentType != "text/plain" || got.Description != "Stripe live key" || !got.Enabled ||
		!maps.Equal(got.Tags, map[string]string{"team": "payments"}) {
		t.Errorf("get metadata: %+v", got)
	}
	if got.NotBefore == nil || !got.NotBefore.Equal(nbf) || got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) {
		t.Errorf("dates: nbf %v exp %v, want %v %v", got.NotBefore, got.ExpiresAt, nbf, exp)
	}

	// The case of a name matters: STRIPE_KEY is another entry.
	if _, err := s.Get(ctx, orgA, KindSecret, "STRIPE_KEY"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get of another case: %v, want ErrNotFound", err)
	} else if !strings.Contains(err.Error(), "bifrost_secret") {
		t.Errorf("not-found message says nothing of how to create it: %v", err)
	}

	// Every config type round-trips, with its type tag and no content type.
	for _, c := range []Entry{
		configEntry(orgA, "api_key", TypeSecret, "k3y"),
		configEntry(orgA, "ref", TypeSecretReference, "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A/Stripe_Key"),
		configEntry(orgA, "greeting", TypeString, ""),
		configEntry(orgA, "retries", TypeInt, "-3"),
		configEntry(orgA, "enabled", TypeBool, "false"),
		configEntry(orgA, "limits", TypeJSON, `{"max": 5}`),
	} {
		if c.Type == TypeString {
			c.Value = "hello"
		}
		mustCreate(t, s, c)
		got, err := s.Get(ctx, orgA, KindConfig, c.Name)
		if err != nil {
			t.Fatal(err)
		}
		want := c.Value
		if c.Type == TypeSecretReference {
			want = strings.ToLower(string(orgA)) + "/Stripe_Key"
		}
		if got.Type != c.Type || got.Value != want || got.ContentType != "" {
			t.Errorf("config %s: type %q value %q content type %q; want %q %q", c.Name, got.Type, got.Value, got.ContentType, c.Type, want)
		}
	}
}

func TestStoreCreateNeverOverwrites(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{RecoverSoftDeleted: true})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	mustCreate(t, s, secretEntry(GlobalScope, "smtp", "first"))
	_, err := s.Create(ctx, secretEntry(GlobalScope, "smtp", "second"))
	if !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("second create: %v, want ErrAlreadyExists", err)
	}
	for _, want := range []string{"import {", "bifrost_secret.", `id = "global/smtp"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "first") || strings.Contains(err.Error(), "second") {
		t.Errorf("message carries a value: %v", err)
	}
	kvName := KeyVaultName(GlobalScope, KindSecret, "smtp")
	if got := rawValue(t, raw, kvName); got != "first" {
		t.Errorf("value = %q after a refused create", got)
	}

	// A config says bifrost_config; an untagged secret at the name is refused too.
	_, err = raw.SetSecret(ctx, KeyVaultName(orgA, KindConfig, "region"), azsecrets.SetSecretParameters{Value: to.Ptr("eu")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Create(ctx, configEntry(orgA, "region", TypeString, "us"))
	if !errors.Is(err, ErrAlreadyExists) || !strings.Contains(err.Error(), "bifrost_config.") || !strings.Contains(err.Error(), string(orgA)+"/region") {
		t.Errorf("create over an untagged secret: %v", err)
	}

	// A disabled secret exists too, though it cannot be read.
	mustCreate(t, s, Entry{Scope: GlobalScope, Kind: KindSecret, Name: "off", Value: "x", Enabled: false})
	if _, err := s.Create(ctx, secretEntry(GlobalScope, "off", "y")); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("create over a disabled secret: %v", err)
	}
}

func TestStoreNameCollision(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{RecoverSoftDeleted: true, PurgeOnDestroy: true})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	// Another entry's secret sits at smtp's derived name (as if the digests collided).
	kvName := KeyVaultName(GlobalScope, KindSecret, "smtp")
	foreign := secretEntry(GlobalScope, "SMTP", "theirs")
	if _, err := raw.SetSecret(ctx, kvName, azsecrets.SetSecretParameters{Value: to.Ptr("theirs"), Tags: toPtrMap(foreign.KeyVaultTags())}, nil); err != nil {
		t.Fatal(err)
	}
	v.em.ResetRequestCounts()

	mine := secretEntry(GlobalScope, "smtp", "mine")
	ops := map[string]func() error{
		"create": func() error { _, err := s.Create(ctx, mine); return err },
		"rotate": func() error { _, err := s.Rotate(ctx, mine); return err },
		"update": func() error { _, _, err := s.UpdateMetadata(ctx, mine); return err },
		"delete": func() error { _, err := s.Delete(ctx, mine.Ref()); return err },
		"get":    func() error { _, err := s.Get(ctx, GlobalScope, KindSecret, "smtp"); return err },
	}
	for name, op := range ops {
		err := op()
		if !errors.Is(err, ErrNameCollision) {
			t.Errorf("%s: %v, want ErrNameCollision", name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, `"SMTP"`) || !strings.Contains(msg, `"smtp"`) || !strings.Contains(msg, kvName) {
			t.Errorf("%s: message does not name both entries and the Key Vault name: %s", name, msg)
		}
	}
	counts := v.em.RequestCounts()
	for _, op := range []string{emulator.OpSetSecret, emulator.OpUpdateSecret, emulator.OpDeleteSecret, emulator.OpPurgeDeletedSecret} {
		if counts[op] != 0 {
			t.Errorf("%d %s requests after a collision", counts[op], op)
		}
	}
	if got := rawValue(t, raw, kvName); got != "theirs" {
		t.Errorf("value = %q after refused writes", got)
	}
	if n := rawVersions(t, raw, kvName); n != 1 {
		t.Errorf("%d versions after refused writes, want 1", n)
	}

	// A soft-deleted foreign secret is not recovered for us either.
	if _, err := raw.DeleteSecret(ctx, kvName, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, mine); !errors.Is(err, ErrNameCollision) {
		t.Errorf("create over a foreign soft-deleted secret: %v", err)
	}
	if _, err := raw.GetDeletedSecret(ctx, kvName, nil); err != nil {
		t.Errorf("the foreign deleted secret is gone: %v", err)
	}
}

func TestStoreRotate(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	e := secretEntry(orgA, "smtp", "v1")
	e.Tags = map[string]string{"team": "mail"}
	e.ContentType = "password"
	first := mustCreate(t, s, e)
	v.em.ResetRequestCounts()

	e.Value = "v2"
	second, err := s.Rotate(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "rotate", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1})
	if second.Version == first.Version || second.ID != first.ID {
		t.Errorf("rotate: version %s -> %s, id %s -> %s", first.Version, second.Version, first.ID, second.ID)
	}
	got, err := s.Get(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != "v2" || got.Version != second.Version || got.ContentType != "password" || got.Tags["team"] != "mail" {
		t.Errorf("after rotate: %+v", got)
	}
	if n := rawVersions(t, v.client(t, emulator.OfficerName), first.KeyVaultName); n != 2 {
		t.Errorf("%d versions, want 2", n)
	}

	// Rotating what is gone says so.
	if _, err := s.Rotate(ctx, secretEntry(orgA, "gone", "x")); !errors.Is(err, ErrNotFound) {
		t.Errorf("rotate of a missing secret: %v", err)
	}
}

func TestStoreUpdateMetadata(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	exp := time.Now().Add(24 * time.Hour).Truncate(time.Second).UTC()
	e := secretEntry(orgA, "smtp", "s3cret")
	e.ContentType = "password"
	e.ExpiresAt = &exp
	e.Description = "old"
	created := mustCreate(t, s, e)
	v.em.ResetRequestCounts()

	// Changes in place: tags, description, content type, not-before, disabled.
	nbf := time.Now().Add(-time.Minute).Truncate(time.Second).UTC()
	later := exp.Add(time.Hour)
	e.Value = ""
	e.Tags = map[string]string{"owner": "ops"}
	e.Description = "new"
	e.ContentType = "text/plain"
	e.NotBefore = &nbf
	e.ExpiresAt = &later
	e.Enabled = false
	updated, _, err := s.UpdateMetadata(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update", map[string]int{emulator.OpGetSecret: 1, emulator.OpUpdateSecret: 1})
	if updated.Version != created.Version {
		t.Errorf("a metadata update made a new version")
	}
	if updated.Enabled || updated.ContentType != "text/plain" || updated.NotBefore == nil || !updated.NotBefore.Equal(nbf) ||
		updated.ExpiresAt == nil || !updated.ExpiresAt.Equal(later) ||
		updated.Description != "new" || !maps.Equal(updated.Tags, map[string]string{"owner": "ops"}) || !updated.Managed {
		t.Errorf("updated: %+v", updated)
	}

	// Disabled: the value is out of reach, the metadata is not.
	if _, err := s.Get(ctx, orgA, KindSecret, "smtp"); !errors.Is(err, ErrDisabled) {
		t.Errorf("get of a disabled secret: %v, want ErrDisabled", err)
	}
	v.em.ResetRequestCounts()
	meta, err := s.GetMetadata(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "get metadata of a disabled secret", map[string]int{emulator.OpGetSecret: 1, emulator.OpListSecretVersions: 1})
	if meta.Enabled || meta.Version != created.Version || meta.Description != "new" || meta.Value != "" || meta.Name != "smtp" {
		t.Errorf("metadata of the disabled secret: %+v", meta)
	}

	// Clearing a date of a disabled secret: PATCH with explicit nulls. The
	// emulator keeps the field (as Key Vault may), which must be reported.
	e.NotBefore = nil
	if got, _, err := s.UpdateMetadata(ctx, e); err != nil {
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "enabled = true") {
			t.Errorf("clearing a date of a disabled secret: %v", err)
		}
	} else if got.NotBefore != nil {
		t.Errorf("no error, yet the not-before date is still set: %+v", got)
	}
	e.NotBefore = &nbf

	// Enable it again (the ownership check reads the versions list).
	e.Enabled = true
	v.em.ResetRequestCounts()
	if _, _, err := s.UpdateMetadata(ctx, e); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update of a disabled secret", map[string]int{emulator.OpGetSecret: 1, emulator.OpListSecretVersions: 1, emulator.OpUpdateSecret: 1})
	got, err := s.Get(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != "s3cret" || got.Version != created.Version {
		t.Errorf("after enabling: value changed or new version")
	}

	// Clearing the dates and the content type writes a new version with the
	// same value and without them.
	e.NotBefore, e.ExpiresAt, e.ContentType = nil, nil, ""
	v.em.ResetRequestCounts()
	cleared, _, err := s.UpdateMetadata(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "update clearing fields", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1})
	if cleared.Version == created.Version || cleared.NotBefore != nil || cleared.ExpiresAt != nil || cleared.ContentType != "" || cleared.Value != "" {
		t.Errorf("cleared: %+v", cleared)
	}
	got, err = s.Get(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != "s3cret" || got.Version != cleared.Version || got.Description != "new" || got.Tags["owner"] != "ops" {
		t.Errorf("after clearing: %+v", got)
	}
}

func TestStoreDeleteAndRecreate(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	recovering := v.store(t, emulator.OfficerName, StoreOptions{RecoverSoftDeleted: true})
	strict := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	v.warm(t, recovering)
	v.warm(t, strict)

	e := secretEntry(orgA, "smtp", "old-value")
	first := mustCreate(t, recovering, e)
	v.em.ResetRequestCounts()
	if _, err := recovering.Delete(ctx, e.Ref()); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "delete", map[string]int{emulator.OpGetSecret: 1, emulator.OpDeleteSecret: 1})
	if err := waitSoftDeleted(ctx, raw, first.KeyVaultName); err != nil {
		t.Fatalf("not soft-deleted: %v", err)
	}
	// Deleting again is not an error: the outcome is the one asked for.
	if _, err := recovering.Delete(ctx, e.Ref()); err != nil {
		t.Errorf("second delete: %v", err)
	}

	// Without recovery: a clear refusal naming both ways out.
	v.em.ResetRequestCounts()
	e.Value = "new-value"
	_, err := strict.Create(ctx, e)
	if !errors.Is(err, ErrSoftDeleted) {
		t.Fatalf("create over a soft-deleted secret: %v, want ErrSoftDeleted", err)
	}
	v.assertCounts(t, "create refused over a soft-deleted secret", map[string]int{emulator.OpGetSecret: 1, emulator.OpSetSecret: 1, emulator.OpGetDeletedSecret: 1})
	for _, want := range []string{"recover_soft_deleted = true", "az keyvault secret purge", "--name " + first.KeyVaultName} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}

	// With recovery: the secret comes back and the new value is a new version.
	second, err := recovering.Create(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	counts := v.em.RequestCounts()
	t.Logf("create with recovery: %v", counts)
	if counts[emulator.OpRecoverDeletedSecret] != 1 || counts[emulator.OpSetSecret] != 2 || counts[emulator.OpGetDeletedSecret] != 1 {
		t.Errorf("create with recovery: requests %v", counts)
	}
	if second.Version == first.Version {
		t.Error("recovered without a new version")
	}
	if got := rawValue(t, raw, first.KeyVaultName); got != "new-value" {
		t.Errorf("value after recovery = %q", got)
	}
	if n := rawVersions(t, raw, first.KeyVaultName); n != 2 {
		t.Errorf("%d versions after recovery, want 2 (the recovered one and the new one)", n)
	}
}

// Delete and create again right away, with Key Vault's transitions slowed
// down: every step waits out the 409s and 404s of the transition.
func TestStoreTransitions(t *testing.T) {
	v := newTestVault(t, emulator.Options{Faults: emulator.Faults{DeleteDelay: 400 * time.Millisecond, RecoverDelay: 400 * time.Millisecond}})
	s := v.store(t, emulator.OfficerName, StoreOptions{RecoverSoftDeleted: true})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	e := secretEntry(GlobalScope, "smtp", "one")
	first := mustCreate(t, s, e)
	if _, err := s.Delete(ctx, e.Ref()); err != nil {
		t.Fatal(err)
	}
	e.Value = "two"
	start := time.Now()
	second, err := s.Create(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 700*time.Millisecond {
		t.Errorf("create took %v: it cannot have waited out both transitions", d)
	}
	if second.Version == first.Version || rawValue(t, raw, first.KeyVaultName) != "two" {
		t.Error("recovery under delays did not write the new version")
	}

	// A deadline shorter than the transition ends the wait with ErrTimeout.
	if _, err := s.Delete(ctx, e.Ref()); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 150*time.Millisecond)
	defer cancel()
	_, err = s.Create(short, e)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("create during a deletion with a short deadline: %v, want ErrTimeout", err)
	}
}

func TestStorePurgeOnDestroy(t *testing.T) {
	v := newTestVault(t, emulator.Options{Faults: emulator.Faults{DeleteDelay: 300 * time.Millisecond}})
	s := v.store(t, emulator.OfficerName, StoreOptions{PurgeOnDestroy: true})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)
	v.warm(t, s)

	e := secretEntry(orgA, "smtp", "x")
	created := mustCreate(t, s, e)
	v.em.ResetRequestCounts()
	if _, err := s.Delete(ctx, e.Ref()); err != nil {
		t.Fatal(err)
	}
	counts := v.em.RequestCounts()
	t.Logf("delete with purge, 300ms deletion: %v", counts)
	if counts[emulator.OpGetSecret] != 1 || counts[emulator.OpDeleteSecret] != 1 || counts[emulator.OpGetDeletedSecret] < 2 || counts[emulator.OpPurgeDeletedSecret] != 1 {
		t.Errorf("delete with purge: requests %v", counts)
	}
	if _, err := raw.GetDeletedSecret(ctx, created.KeyVaultName, nil); err == nil {
		t.Error("still soft-deleted after a purge")
	}
	// The name is free: a create needs no recovery.
	if _, err := v.store(t, emulator.OfficerName, StoreOptions{}).Create(ctx, e); err != nil {
		t.Errorf("create after purge: %v", err)
	}

	// A secret already soft-deleted is still purged on destroy.
	if _, err := raw.DeleteSecret(ctx, created.KeyVaultName, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if _, err := s.Delete(ctx, e.Ref()); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.GetDeletedSecret(ctx, created.KeyVaultName, nil); err == nil {
		t.Error("an already soft-deleted secret was not purged")
	}
}

// Under purge protection, purge_on_destroy cannot be honoured: Key Vault's recovery level
// says so, so the store does not try; the deletion is reported as not purged, with the date
// Key Vault will purge, and a create of the name then recovers it or says why it cannot purge.
func TestStorePurgeProtection(t *testing.T) {
	v := newTestVault(t, emulator.Options{PurgeProtection: true})
	s := v.store(t, emulator.OfficerName, StoreOptions{PurgeOnDestroy: true})
	ctx := testContext(t)
	v.warm(t, s)
	e := secretEntry(orgA, "smtp", "x")
	created := mustCreate(t, s, e)
	if !created.RecoveryLevel.PurgeProtected() {
		t.Errorf("recovery level of a secret in a purge-protected vault: %q", created.RecoveryLevel)
	}
	v.em.ResetRequestCounts()
	d, err := s.Delete(ctx, e.Ref())
	if err != nil {
		t.Fatalf("delete under purge protection: %v", err)
	}
	if !d.PurgeRefused || d.Purged || d.ScheduledPurgeDate == nil || d.RecoveryLevel.Purgeable() {
		t.Errorf("deletion under purge protection: %+v, want purge refused with a scheduled purge date", d)
	}
	v.assertCounts(t, "delete under purge protection", map[string]int{emulator.OpGetSecret: 1, emulator.OpDeleteSecret: 1})

	_, err = v.store(t, emulator.OfficerName, StoreOptions{}).Create(ctx, e)
	if !errors.Is(err, ErrSoftDeleted) || !strings.Contains(err.Error(), "purge protection") || !strings.Contains(err.Error(), "recover_soft_deleted = true") {
		t.Errorf("create over a purge-protected deleted secret without recovery: %v", err)
	}
	if _, err := v.store(t, emulator.OfficerName, StoreOptions{RecoverSoftDeleted: true}).Create(ctx, e); err != nil {
		t.Errorf("create over a purge-protected deleted secret, recovering: %v", err)
	}
}

func TestStorePermissions(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	officer := v.store(t, emulator.OfficerName, StoreOptions{})
	reader := v.store(t, emulator.ReaderName, StoreOptions{})
	nobody := v.store(t, emulator.NobodyName, StoreOptions{})
	ctx := testContext(t)
	mustCreate(t, officer, secretEntry(orgA, "smtp", "x"))

	for name, write := range map[string]func() error{
		"create": func() error { _, err := reader.Create(ctx, secretEntry(orgA, "new", "y")); return err },
		"rotate": func() error { _, err := reader.Rotate(ctx, secretEntry(orgA, "smtp", "y")); return err },
		"update": func() error { _, _, err := reader.UpdateMetadata(ctx, secretEntry(orgA, "smtp", "")); return err },
		"delete": func() error { _, err := reader.Delete(ctx, secretEntry(orgA, "smtp", "").Ref()); return err },
	} {
		err := write()
		if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), `"Key Vault Secrets Officer"`) {
			t.Errorf("reader %s: %v, want ErrForbidden naming the role", name, err)
		}
	}
	if got, err := reader.Get(ctx, orgA, KindSecret, "smtp"); err != nil || got.Value != "x" {
		t.Errorf("reader get: %v", err)
	}
	_, err := nobody.Get(ctx, orgA, KindSecret, "smtp")
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), `"Key Vault Secrets User"`) {
		t.Errorf("nobody get: %v, want ErrForbidden naming the read role", err)
	}
	if _, err := nobody.ResolveConfig(ctx, orgA, "k", true); !errors.Is(err, ErrForbidden) {
		t.Errorf("nobody resolve: %v, want ErrForbidden", err)
	}

	p := v.em.Principal(emulator.OfficerName)
	wrong := NewStore(NewAzureKeyVault(v.clientWithSecret(t, p.ClientID, "not-the-secret")), StoreOptions{})
	_, err = wrong.Get(ctx, orgA, KindSecret, "smtp")
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "client_id") {
		t.Errorf("wrong client secret: %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("the client secret is in the message: %v", err)
	}
}

func TestResolveConfig(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
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
		configEntry(GlobalScope, "shared_smtp", TypeSecretReference, "global/smtp"),
		secretEntry(GlobalScope, "missing", "deleted below"),
		configEntry(orgA, "dangling", TypeSecretReference, "global/missing"),
		{Scope: GlobalScope, Kind: KindSecret, Name: "off", Value: "x", Enabled: false},
		configEntry(orgA, "uses_off", TypeSecretReference, "global/off"),
		{Scope: orgA, Kind: KindConfig, Name: "off_config", Type: TypeString, Value: "x", Enabled: false},
	} {
		mustCreate(t, s, e)
	}
	// The store refuses to write a dangling reference, so the secret is deleted after its
	// config was written, as happens when a secret is destroyed behind its configs' back.
	if _, err := s.Delete(ctx, secretEntry(GlobalScope, "missing", "").Ref()); err != nil {
		t.Fatal(err)
	}
	// A cross-organization reference cannot be written through the store;
	// write one by hand, as another tool might.
	cross := configEntry(orgA, "cross", TypeSecretReference, string(orgB)+"/stripe")
	if _, err := raw.SetSecret(ctx, KeyVaultName(orgA, KindConfig, "cross"), azsecrets.SetSecretParameters{
		Value: to.Ptr(cross.Value), Tags: toPtrMap(cross.KeyVaultTags()),
	}, nil); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, secretEntry(orgB, "stripe", "sk_other_org"))
	v.em.ResetRequestCounts()

	resolve := func(scope Scope, key string, fallback bool) (*Resolved, error) {
		return s.ResolveConfig(ctx, scope, key, fallback)
	}

	t.Run("org hit", func(t *testing.T) {
		r, err := resolve(orgA, "region", true)
		if err != nil || r.Value != "eu-west" || r.ResolvedScope != orgA || r.Secret != nil {
			t.Fatalf("%+v, %v", r, err)
		}
		v.assertCounts(t, "resolve in org", map[string]int{emulator.OpGetSecret: 1})
	})
	t.Run("global fallback", func(t *testing.T) {
		r, err := resolve(orgA, "retries", true)
		if err != nil || r.Value != "3" || r.ResolvedScope != GlobalScope || r.Config.Type != TypeInt {
			t.Fatalf("%+v, %v", r, err)
		}
		v.assertCounts(t, "resolve with fallback", map[string]int{emulator.OpGetSecret: 2})
	})
	t.Run("fallback off", func(t *testing.T) {
		_, err := resolve(orgA, "retries", false)
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("%v, want ErrNotFound", err)
		}
		for _, want := range []string{`"retries"`, string(orgA), "bifrost_config", "fallback_to_global"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message lacks %q: %v", want, err)
			}
		}
	})
	t.Run("missing everywhere", func(t *testing.T) {
		_, err := resolve(orgA, "nope", true)
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), string(orgA)) || !strings.Contains(err.Error(), "global") ||
			!strings.Contains(err.Error(), `key = "nope"`) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("reference to own org", func(t *testing.T) {
		v.em.ResetRequestCounts()
		r, err := resolve(orgA, "stripe_key", true)
		if err != nil || r.Value != "sk_org" || r.Secret == nil || r.Secret.Name != "stripe" || r.Secret.Scope != orgA || r.Config.Value != string(orgA)+"/stripe" {
			t.Fatalf("%+v, %v", r, err)
		}
		v.assertCounts(t, "resolve a reference", map[string]int{emulator.OpGetSecret: 2})
	})
	t.Run("reference to global", func(t *testing.T) {
		r, err := resolve(orgA, "smtp_password", true)
		if err != nil || r.Value != "smtp_global" || r.Secret.Scope != GlobalScope {
			t.Fatalf("%+v, %v", r, err)
		}
	})
	t.Run("global config found by fallback references global", func(t *testing.T) {
		r, err := resolve(orgB, "shared_smtp", true)
		if err != nil || r.Value != "smtp_global" || r.ResolvedScope != GlobalScope {
			t.Fatalf("%+v, %v", r, err)
		}
	})
	t.Run("dangling", func(t *testing.T) {
		_, err := resolve(orgA, "dangling", true)
		if !errors.Is(err, ErrDanglingReference) || errors.Is(err, ErrNotFound) {
			t.Fatalf("%v, want ErrDanglingReference only", err)
		}
		for _, want := range []string{`"global/missing"`, `"dangling"`, "bifrost_secret"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message lacks %q: %v", want, err)
			}
		}
	})
	t.Run("cross org", func(t *testing.T) {
		_, err := resolve(orgA, "cross", true)
		if !errors.Is(err, ErrCrossOrgReference) || !strings.Contains(err.Error(), string(orgB)+"/stripe") {
			t.Fatalf("%v, want ErrCrossOrgReference", err)
		}
		if strings.Contains(err.Error(), "sk_other_org") {
			t.Error("the other org's value is in the message")
		}
	})
	t.Run("disabled secret", func(t *testing.T) {
		_, err := resolve(orgA, "uses_off", true)
		if !errors.Is(err, ErrDisabled) || !strings.Contains(err.Error(), `"off"`) || !strings.Contains(err.Error(), `"uses_off"`) {
			t.Fatalf("%v, want ErrDisabled naming the secret and the config", err)
		}
	})
	t.Run("disabled config", func(t *testing.T) {
		if _, err := resolve(orgA, "off_config", true); !errors.Is(err, ErrDisabled) {
			t.Fatalf("%v, want ErrDisabled", err)
		}
	})
}

func TestStoreList(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	var entries []Entry
	for i := range 30 {
		entries = append(entries, secretEntry(orgA, fmt.Sprintf("secret_%02d", 29-i), "v"))
	}
	for i := range 3 {
		entries = append(entries, configEntry(orgA, fmt.Sprintf("config_%d", i), TypeInt, fmt.Sprint(i)))
		entries = append(entries, secretEntry(orgB, fmt.Sprintf("secret_%02d", i), "v"))
	}
	entries = append(entries, secretEntry(GlobalScope, "b", "v"), secretEntry(GlobalScope, "A", "v"))
	entries = append(entries, Entry{Scope: GlobalScope, Kind: KindSecret, Name: "disabled", Value: "v", Enabled: false})

	// Written four at a time: the store is safe for concurrent use.
	var wg sync.WaitGroup
	errs := make(chan error, len(entries))
	sem := make(chan struct{}, 4)
	for _, e := range entries {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := s.Create(ctx, e); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Someone else's secret, untagged, is not listed.
	if _, err := raw.SetSecret(ctx, "legacy-secret", azsecrets.SetSecretParameters{Value: to.Ptr("x")}, nil); err != nil {
		t.Fatal(err)
	}
	v.em.ResetRequestCounts()

	list, err := s.List(ctx, orgA, KindSecret)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "list over 40 secrets", map[string]int{emulator.OpListSecrets: 2})
	if len(list) != 30 {
		t.Fatalf("listed %d secrets in org A, want 30", len(list))
	}
	for i, e := range list {
		if want := fmt.Sprintf("secret_%02d", i); e.Name != want || e.Scope != orgA || e.Kind != KindSecret || e.Value != "" || !e.Managed || e.ID == "" {
			t.Errorf("list[%d] = %+v, want %s", i, e, want)
		}
	}

	configs, err := s.List(ctx, Scope(strings.ToUpper(string(orgA))), KindConfig)
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) != 3 || configs[0].Name != "config_0" || configs[0].Type != TypeInt {
		t.Errorf("configs of org A: %+v", configs)
	}

	global, err := s.List(ctx, GlobalScope, KindSecret)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range global {
		names = append(names, e.Name)
	}
	if strings.Join(names, ",") != "A,b,disabled" {
		t.Errorf("global secrets: %v, want A,b,disabled (sorted by name, disabled ones included)", names)
	}
	if global[2].Enabled {
		t.Error("disabled secret listed as enabled")
	}
}

// A secret that predates the provider is adopted by its Key Vault name: it
// keeps its physical name and gets the bifrost tags on the first write.
func TestStoreAdoptByKeyVaultName(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	raw := v.client(t, emulator.OfficerName)
	ctx := testContext(t)

	legacy := string(orgA) + "--stripe"
	if _, err := raw.SetSecret(ctx, legacy, azsecrets.SetSecretParameters{Value: to.Ptr("sk_legacy"), Tags: map[string]*string{"owner": to.Ptr("bifrost-api")}}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Read(ctx, Ref{Kind: KindSecret, KeyVaultName: legacy})
	if err != nil {
		t.Fatal(err)
	}
	if got.Managed || got.Value != "sk_legacy" || got.KeyVaultName != legacy || got.Name != "" || got.Tags["owner"] != "bifrost-api" {
		t.Errorf("adopted secret read: %+v", got)
	}

	e := secretEntry(orgA, "stripe", "")
	e.KeyVaultName = legacy
	e.Tags = got.Tags
	updated, _, err := s.UpdateMetadata(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if !updated.Managed || updated.KeyVaultName != legacy || updated.Name != "stripe" {
		t.Errorf("after tagging: %+v", updated)
	}
	e.Value = "sk_rotated"
	if _, err := s.Rotate(ctx, e); err != nil {
		t.Fatal(err)
	}
	if rawValue(t, raw, legacy) != "sk_rotated" {
		t.Error("rotation did not go to the adopted name")
	}
	if _, err := raw.GetSecret(ctx, KeyVaultName(orgA, KindSecret, "stripe"), "", nil); err == nil {
		t.Error("a write to an adopted secret created the derived name")
	}
	read, err := s.Read(ctx, Ref{Scope: orgA, Kind: KindSecret, Name: "stripe", KeyVaultName: legacy})
	if err != nil || !read.Managed || read.Scope != orgA || read.Name != "stripe" || read.Value != "sk_rotated" {
		t.Errorf("read of the adopted secret by its identity and Key Vault name: %+v, %v", read, err)
	}
	// Now that it is a Bifrost entry, it can no longer be adopted by its Key Vault name.
	if _, err := s.Read(ctx, Ref{Kind: KindSecret, KeyVaultName: legacy}); !errors.Is(err, ErrNameCollision) ||
		!strings.Contains(err.Error(), `import it by id "`+string(orgA)+`/stripe"`) {
		t.Errorf("adopting a Bifrost entry by its Key Vault name: %v", err)
	}

	// Now tagged, the adopted secret refuses another entry.
	other := secretEntry(orgA, "paypal", "x")
	other.KeyVaultName = legacy
	if _, err := s.Rotate(ctx, other); !errors.Is(err, ErrNameCollision) {
		t.Errorf("rotate of another entry onto the adopted name: %v", err)
	}
	if _, err := s.Read(ctx, Ref{Kind: KindSecret, KeyVaultName: "no-such-secret"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing Key Vault name: %v", err)
	}
	if _, err := s.Read(ctx, Ref{Kind: KindSecret, KeyVaultName: "bad_name"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid Key Vault name: %v", err)
	}
}

// A disabled secret cannot be read, yet it can be found, rotated, described
// and deleted: the ownership check reads its tags from the versions list.
func TestStoreDisabledSecret(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	v.warm(t, s)

	// Key Vault keeps creation times in whole seconds: each version a second later than the
	// last, so that the latest disabled version is not a tie (see latestDisabledVersion).
	e := secretEntry(orgA, "smtp", "v1")
	first := mustCreate(t, s, e)
	v.em.SetClockOffset(v.em.ClockOffset() + time.Second)
	e.Value, e.Enabled = "v2", false
	second, err := s.Rotate(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	v.em.SetClockOffset(v.em.ClockOffset() + time.Second)
	e.Value = "v3"
	v.em.ResetRequestCounts()
	third, err := s.Rotate(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "rotate a disabled secret", map[string]int{emulator.OpGetSecret: 1, emulator.OpListSecretVersions: 1, emulator.OpSetSecret: 1})
	if first.Version == second.Version || second.Version == third.Version || third.Enabled {
		t.Fatalf("versions %s %s %s, enabled %v", first.Version, second.Version, third.Version, third.Enabled)
	}
	meta, err := s.GetMetadata(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	if meta.Version != third.Version || meta.Enabled {
		t.Errorf("metadata: version %s enabled %v, want %s (the latest, disabled)", meta.Version, meta.Enabled, third.Version)
	}
	// Two disabled versions of the same second: the one the caller last saw wins the tie.
	v.em.SetClockOffset(v.em.ClockOffset() + time.Second)
	e.Value = "v4"
	fourth, err := s.Rotate(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	e.Value = "v5"
	fifth, err := s.Rotate(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if fourth.CreatedAt.Equal(fifth.CreatedAt) {
		for _, seen := range []*Entry{fourth, fifth} {
			ref := seen.Ref()
			if got, err := s.Read(ctx, ref); err != nil || got.Version != seen.Version {
				t.Errorf("read of a tie having seen %s: %v, %v", seen.Version, got, err)
			}
		}
	}
	if _, err := s.Create(ctx, e); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("create over a disabled secret: %v", err)
	}
	v.em.ResetRequestCounts()
	if _, err := s.Delete(ctx, e.Ref()); err != nil {
		t.Fatal(err)
	}
	v.assertCounts(t, "delete a disabled secret", map[string]int{emulator.OpGetSecret: 1, emulator.OpListSecretVersions: 1, emulator.OpDeleteSecret: 1})
}

// A disabled secret with an expiry date, updated to enabled and without the date in one go:
// Key Vault hides its value, so the store enables it first, then writes the value again
// without the date.
func TestStoreUpdateMetadata_enableAndClear(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	s := v.store(t, emulator.OfficerName, StoreOptions{})
	ctx := testContext(t)
	e := secretEntry(orgA, "smtp", "kept-value")
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	e.Enabled, e.ExpiresAt = false, &exp
	created := mustCreate(t, s, e)
	e.Enabled, e.ExpiresAt, e.Owner = true, nil, created.Owner
	updated, _, err := s.UpdateMetadata(ctx, e)
	if err != nil {
		t.Fatalf("enabling and clearing the expiry date: %v", err)
	}
	got, err := s.Get(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Enabled || got.ExpiresAt != nil || got.Value != "kept-value" || got.Version != updated.Version || got.Version == created.Version {
		t.Errorf("after the update: enabled %v, expiry %v, version %s (written %s, created %s)", got.Enabled, got.ExpiresAt, got.Version, updated.Version, created.Version)
	}
}

// patchThenWriteKV lets another writer write a version right after the store's first PATCH.
type patchThenWriteKV struct {
	KeyVault
	otherWriter func()
}

func (k *patchThenWriteKV) UpdateSecretProperties(ctx context.Context, name, version string, params azsecrets.UpdateSecretPropertiesParameters) (azsecrets.Secret, error) {
	sec, err := k.KeyVault.UpdateSecretProperties(ctx, name, version, params)
	if w := k.otherWriter; w != nil {
		k.otherWriter = nil
		w()
	}
	return sec, err
}

// An update that enables a disabled secret to write it again without its expiry date refuses,
// rather than writing another writer's version (from between its PATCH and its read) as its own.
func TestStoreUpdateMetadata_enableAndClearAfterAnotherWriter(t *testing.T) {
	v := newTestVault(t, emulator.Options{})
	ctx := testContext(t)
	e := secretEntry(orgA, "smtp", "kept-value")
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	e.Enabled, e.ExpiresAt = false, &exp
	created := mustCreate(t, v.store(t, emulator.OfficerName, StoreOptions{}), e)

	other := v.client(t, emulator.OfficerName)
	var theirs string
	kv := &patchThenWriteKV{KeyVault: NewAzureKeyVault(v.client(t, emulator.OfficerName))}
	kv.otherWriter = func() {
		sec, err := other.SetSecret(ctx, created.KeyVaultName, azsecrets.SetSecretParameters{Value: to.Ptr("their-value"), Tags: toPtrMap(created.KeyVaultTags())}, nil)
		if err != nil {
			t.Fatalf("the other writer: %v", err)
		}
		theirs = sec.ID.Version()
	}
	s := NewStore(kv, StoreOptions{PollInterval: testPollInterval})
	e.Enabled, e.ExpiresAt, e.Owner = true, nil, created.Owner
	_, _, err := s.UpdateMetadata(ctx, e)
	if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), `another writer wrote version "`+theirs+`"`) {
		t.Fatalf("update with another writer between its PATCH and its read: %v, want ErrChanged naming version %s", err, theirs)
	}
	got, err := v.store(t, emulator.OfficerName, StoreOptions{}).Get(ctx, orgA, KindSecret, "smtp")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != theirs || got.Value != "their-value" {
		t.Errorf("the vault's latest is version %s (%d bytes), want the other writer's %s untouched", got.Version, len(got.Value), theirs)
	}
}
