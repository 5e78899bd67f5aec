package emulator_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Conformance: the real azsecrets client drives every operation of the data
// plane (the route table in keyvault/routes.go) and its errors against the
// emulator.

func TestSetAndGet(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)

	versionedID := regexp.MustCompile(`^https://127\.0\.0\.1:\d+/secrets/([0-9A-Za-z-]+)/([0-9a-f]{32})$`)
	before := time.Now().Add(-time.Second)
	v1 := set(t, c, "db-password", "s3cret-1", &azsecrets.SetSecretParameters{
		ContentType: ptr("text/plain"),
		Tags:        map[string]*string{"team": ptr("platform")},
	})
	m := versionedID.FindStringSubmatch(string(*v1.ID))
	if m == nil || m[1] != "db-password" {
		t.Fatalf("id %q is not {vault}/secrets/db-password/{32 hex}", *v1.ID)
	}
	if !strings.HasPrefix(string(*v1.ID), e.VaultURL()+"secrets/") {
		t.Errorf("id %q does not start with the vault URL %s", *v1.ID, e.VaultURL())
	}
	if *v1.Value != "s3cret-1" || *v1.ContentType != "text/plain" || *v1.Tags["team"] != "platform" {
		t.Errorf("set response: value/contentType/tags = %q %q %v", *v1.Value, *v1.ContentType, v1.Tags)
	}
	a := v1.Attributes
	if !*a.Enabled || a.Created.Before(before) || !a.Created.Equal(*a.Updated) || a.NotBefore != nil || a.Expires != nil {
		t.Errorf("attributes: %+v", a)
	}
	if *a.RecoveryLevel != "Recoverable+Purgeable" || *a.RecoverableDays != 90 {
		t.Errorf("recovery level %q, days %d", *a.RecoveryLevel, *a.RecoverableDays)
	}
	if v1.KID != nil || v1.Managed != nil {
		t.Errorf("kid/managed should be omitted: %v %v", v1.KID, v1.Managed)
	}

	v2 := set(t, c, "db-password", "s3cret-2", nil)
	if v2.ID.Version() == v1.ID.Version() {
		t.Fatal("second set did not make a new version")
	}
	if v2.ContentType != nil || v2.Tags != nil {
		t.Errorf("a new version does not inherit content type or tags: %v %v", v2.ContentType, v2.Tags)
	}

	latest, err := c.GetSecret(ctx(t), "db-password", "", nil) // GET /secrets/db-password/
	if err != nil {
		t.Fatal(err)
	}
	if *latest.Value != "s3cret-2" || latest.ID.Version() != v2.ID.Version() {
		t.Errorf("latest = %q %s, want s3cret-2 %s", *latest.Value, latest.ID.Version(), v2.ID.Version())
	}
	old, err := c.GetSecret(ctx(t), "db-password", v1.ID.Version(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *old.Value != "s3cret-1" || *old.ContentType != "text/plain" {
		t.Errorf("version 1 = %q %v", *old.Value, old.ContentType)
	}

	nbf, exp := time.Unix(time.Now().Unix(), 0), time.Unix(time.Now().Add(48*time.Hour).Unix(), 0)
	v3 := set(t, c, "dated", "x", &azsecrets.SetSecretParameters{SecretAttributes: &azsecrets.SecretAttributes{NotBefore: &nbf, Expires: &exp}})
	if !v3.Attributes.NotBefore.Equal(nbf) || !v3.Attributes.Expires.Equal(exp) {
		t.Errorf("nbf/exp = %v %v, want %v %v", v3.Attributes.NotBefore, v3.Attributes.Expires, nbf, exp)
	}

	_, err = c.GetSecret(ctx(t), "db-password", strings.Repeat("0", 32), nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	_, err = c.GetSecret(ctx(t), "never-set", "", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
}

func TestUpdateSecretProperties(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	v1 := set(t, c, "api-key", "one", &azsecrets.SetSecretParameters{Tags: map[string]*string{"a": ptr("1")}})
	v2 := set(t, c, "api-key", "two", nil)

	time.Sleep(1100 * time.Millisecond) // "updated" has a one-second resolution
	upd, err := c.UpdateSecretProperties(ctx(t), "api-key", "", azsecrets.UpdateSecretPropertiesParameters{
		ContentType: ptr("application/json"),
		Tags:        map[string]*string{"b": ptr("2")},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Value != nil {
		t.Error("PATCH returned the value")
	}
	if upd.ID.Version() != v2.ID.Version() || *upd.ContentType != "application/json" || len(upd.Tags) != 1 || *upd.Tags["b"] != "2" {
		t.Errorf("PATCH latest: %s %v %v", upd.ID.Version(), upd.ContentType, upd.Tags)
	}
	if !upd.Attributes.Updated.After(*upd.Attributes.Created) {
		t.Errorf("updated %v not after created %v", upd.Attributes.Updated, upd.Attributes.Created)
	}

	// A PATCH of an older version touches only that version.
	old, err := c.UpdateSecretProperties(ctx(t), "api-key", v1.ID.Version(), azsecrets.UpdateSecretPropertiesParameters{
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: ptr(false)},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *old.Attributes.Enabled || *old.Tags["a"] != "1" || old.Value != nil {
		t.Errorf("PATCH v1: enabled %v tags %v", *old.Attributes.Enabled, old.Tags)
	}
	got, err := c.GetSecret(ctx(t), "api-key", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Value != "two" || *got.ContentType != "application/json" || !*got.Attributes.Enabled {
		t.Errorf("latest after PATCHes: %q %v %v", *got.Value, got.ContentType, *got.Attributes.Enabled)
	}

	_, err = c.UpdateSecretProperties(ctx(t), "missing", "", azsecrets.UpdateSecretPropertiesParameters{}, nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
}

func TestDeleteGetDeletedPurge(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	v := set(t, c, "to-delete", "value", &azsecrets.SetSecretParameters{ContentType: ptr("text/plain")})

	del, err := c.DeleteSecret(ctx(t), "to-delete", nil)
	if err != nil {
		t.Fatal(err)
	}
	if del.Value != nil {
		t.Error("DELETE returned the value")
	}
	if *del.ID != *v.ID || *del.RecoveryID != e.VaultURL()+"deletedsecrets/to-delete" {
		t.Errorf("deleted bundle id %s recoveryId %s", *del.ID, *del.RecoveryID)
	}
	if del.DeletedDate == nil || del.ScheduledPurgeDate == nil ||
		del.ScheduledPurgeDate.Sub(*del.DeletedDate) != 90*24*time.Hour {
		t.Errorf("deletedDate %v scheduledPurgeDate %v", del.DeletedDate, del.ScheduledPurgeDate)
	}

	// Deletion is asynchronous: not yet a deleted secret.
	_, err = c.GetDeletedSecret(ctx(t), "to-delete", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	waitDeleted(t, c, "to-delete")
	_, err = c.GetSecret(ctx(t), "to-delete", "", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	_, err = c.DeleteSecret(ctx(t), "to-delete", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")

	got, err := c.GetDeletedSecret(ctx(t), "to-delete", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != nil || *got.RecoveryID != *del.RecoveryID || *got.ContentType != "text/plain" {
		t.Errorf("deleted secret: %+v", got.DeletedSecret)
	}

	if _, err := c.PurgeDeletedSecret(ctx(t), "to-delete", nil); err != nil { // azsecrets accepts only 204
		t.Fatal(err)
	}
	_, err = c.GetDeletedSecret(ctx(t), "to-delete", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	_, err = c.PurgeDeletedSecret(ctx(t), "to-delete", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")

	// The purge is asynchronous too: the name is not free at once, then it is.
	_, err = c.SetSecret(ctx(t), "to-delete", azsecrets.SetSecretParameters{Value: ptr("again")}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingDeleted")
	eventually(t, 3*time.Second, func() error {
		_, err := c.SetSecret(ctx(t), "to-delete", azsecrets.SetSecretParameters{Value: ptr("again")}, nil)
		return err
	})
}

func TestRecoverDeletedSecret(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	v := set(t, c, "comeback", "kept", nil)
	if _, err := c.DeleteSecret(ctx(t), "comeback", nil); err != nil {
		t.Fatal(err)
	}
	waitDeleted(t, c, "comeback")
	rec, err := c.RecoverDeletedSecret(ctx(t), "comeback", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Value != nil || *rec.ID != *v.ID {
		t.Errorf("recover response: value %v id %s", rec.Value, *rec.ID)
	}
	// Recovery is asynchronous: 404 until it completes.
	_, err = c.GetSecret(ctx(t), "comeback", "", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	waitRecovered(t, c, "comeback")
	got, err := c.GetSecret(ctx(t), "comeback", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Value != "kept" {
		t.Errorf("value after recover %q", *got.Value)
	}
	_, err = c.RecoverDeletedSecret(ctx(t), "comeback", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
}

func TestListSecretsPaging(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	const n = 63
	parallel(t, n, 10, func(i int) error {
		_, err := c.SetSecret(ctx(t), fmt.Sprintf("Paged-%02d", i), azsecrets.SetSecretParameters{Value: ptr("v")}, nil)
		return err
	})
	// A deleted secret is not listed by /secrets.
	set(t, c, "gone", "v", nil)
	if _, err := c.DeleteSecret(ctx(t), "gone", nil); err != nil {
		t.Fatal(err)
	}

	seen := map[string]int{}
	pages := 0
	pager := c.NewListSecretPropertiesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Value) > 25 {
			t.Errorf("page %d has %d items", pages, len(page.Value))
		}
		for _, item := range page.Value {
			if item.ID.Version() != "" {
				t.Errorf("list item id %s carries a version", *item.ID)
			}
			if item.Attributes == nil || item.Attributes.Created == nil {
				t.Errorf("list item %s has no attributes", *item.ID)
			}
			seen[item.ID.Name()]++
		}
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3", pages)
	}
	if len(seen) != n {
		t.Errorf("saw %d names, want %d", len(seen), n)
	}
	for i := range n {
		name := fmt.Sprintf("Paged-%02d", i)
		if seen[name] != 1 {
			t.Errorf("%s seen %d times", name, seen[name])
		}
	}
}

func TestListSecretVersions(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	want := map[string]bool{}
	for i := range 30 {
		v := set(t, c, "rotated", fmt.Sprint(i), nil)
		want[v.ID.Version()] = true
	}
	set(t, c, "other", "x", nil)

	got := map[string]bool{}
	pager := c.NewListSecretPropertiesVersionsPager("rotated", nil)
	pages := 0
	for pager.More() {
		page, err := pager.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, item := range page.Value {
			if item.ID.Name() != "rotated" || item.ID.Version() == "" || got[item.ID.Version()] {
				t.Errorf("unexpected version item %s", *item.ID)
			}
			got[item.ID.Version()] = true
		}
	}
	if pages != 2 || len(got) != len(want) {
		t.Errorf("%d pages, %d versions; want 2 pages, %d versions", pages, len(got), len(want))
	}
	for v := range want {
		if !got[v] {
			t.Errorf("version %s not listed", v)
		}
	}

	pager = c.NewListSecretPropertiesVersionsPager("nope", nil)
	_, err := pager.NextPage(ctx(t))
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
}

func TestListDeletedSecrets(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	for i := range 30 {
		name := fmt.Sprintf("del-%02d", i)
		set(t, c, name, "v", nil)
		if i%2 == 0 {
			if _, err := c.DeleteSecret(ctx(t), name, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 30; i += 2 {
		waitDeleted(t, c, fmt.Sprintf("del-%02d", i))
	}
	seen := map[string]bool{}
	pager := c.NewListDeletedSecretPropertiesPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Value {
			if item.RecoveryID == nil || item.DeletedDate == nil || item.ScheduledPurgeDate == nil {
				t.Errorf("deleted item %s lacks recovery fields", *item.ID)
			}
			seen[item.ID.Name()] = true
		}
	}
	if len(seen) != 15 {
		t.Errorf("%d deleted secrets listed, want 15: %v", len(seen), seen)
	}
	for i := 0; i < 30; i += 2 {
		if !seen[fmt.Sprintf("del-%02d", i)] {
			t.Errorf("del-%02d not listed", i)
		}
	}
}

func TestBackupRestore(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	v1 := set(t, c, "Backed-Up", "first", &azsecrets.SetSecretParameters{Tags: map[string]*string{"k": ptr("v")}})
	v2 := set(t, c, "backed-up", "second", nil)

	b, err := c.BackupSecret(ctx(t), "backed-up", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Value) == 0 {
		t.Fatal("empty backup")
	}
	_, err = c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: b.Value}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "")

	if _, err := c.DeleteSecret(ctx(t), "backed-up", nil); err != nil {
		t.Fatal(err)
	}
	waitDeleted(t, c, "backed-up")
	_, err = c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: b.Value}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsDeletedButRecoverable")
	if _, err := c.PurgeDeletedSecret(ctx(t), "backed-up", nil); err != nil {
		t.Fatal(err)
	}
	// While the purge runs, the name is not free: 409 Conflict, no inner error.
	_, err = c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: b.Value}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "")

	var r azsecrets.RestoreSecretResponse
	eventually(t, 3*time.Second, func() error {
		var err error
		r, err = c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: b.Value}, nil)
		return err
	})
	if r.Value != nil || *r.ID != *v2.ID {
		t.Errorf("restore response id %s (want %s), value %v", *r.ID, *v2.ID, r.Value)
	}
	for _, v := range []azsecrets.SetSecretResponse{v1, v2} {
		got, err := c.GetSecret(ctx(t), "backed-up", v.ID.Version(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if *got.Value != *v.Value || *got.ID != *v.ID {
			t.Errorf("restored %s = %q, want %q", *got.ID, *got.Value, *v.Value)
		}
	}

	_, err = c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: []byte("not a backup")}, nil)
	responseError(t, err, http.StatusBadRequest, "BadParameter")
	_, err = c.BackupSecret(ctx(t), "missing", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
}

func TestNamesAreCaseInsensitive(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	v1 := set(t, c, "MixedCase-Name", "one", nil)
	v2 := set(t, c, "MIXEDCASE-NAME", "two", nil)
	if v2.ID.Name() != "MixedCase-Name" {
		t.Errorf("id name %q, want the name as first created", v2.ID.Name())
	}
	got, err := c.GetSecret(ctx(t), "mixedcase-name", v1.ID.Version(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Value != "one" || got.ID.Name() != "MixedCase-Name" {
		t.Errorf("got %q %s", *got.Value, *got.ID)
	}
	if _, err := c.DeleteSecret(ctx(t), "mixedcase-NAME", nil); err != nil {
		t.Fatal(err)
	}
	waitDeleted(t, c, "MIXEDCASE-name")
	_, err = c.SetSecret(ctx(t), "mixedcase-name", azsecrets.SetSecretParameters{Value: ptr("x")}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsDeletedButRecoverable")
}

func TestSetOnSoftDeletedName(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "soft", "v", nil)
	if _, err := c.DeleteSecret(ctx(t), "soft", nil); err != nil {
		t.Fatal(err)
	}
	// While the deletion runs, the name cannot be re-created; after, it is
	// soft-deleted and can only be recovered or purged.
	_, err := c.SetSecret(ctx(t), "soft", azsecrets.SetSecretParameters{Value: ptr("new")}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingDeleted")
	waitDeleted(t, c, "soft")
	_, err = c.SetSecret(ctx(t), "soft", azsecrets.SetSecretParameters{Value: ptr("new")}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsDeletedButRecoverable")
}

func TestTransitionDelays(t *testing.T) {
	t.Parallel()
	const delay = 400 * time.Millisecond
	e := start(t, emulator.Options{Faults: emulator.Faults{DeleteDelay: delay, RecoverDelay: delay}})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "slow", "v", nil)

	if _, err := c.DeleteSecret(ctx(t), "slow", nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetSecret(ctx(t), "slow", "", nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingDeleted")
	_, err = c.SetSecret(ctx(t), "slow", azsecrets.SetSecretParameters{Value: ptr("x")}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingDeleted")
	_, err = c.GetDeletedSecret(ctx(t), "slow", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	_, err = c.RecoverDeletedSecret(ctx(t), "slow", nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingDeleted")

	eventually(t, 3*time.Second, func() error { _, err := c.GetDeletedSecret(ctx(t), "slow", nil); return err })

	if _, err := c.RecoverDeletedSecret(ctx(t), "slow", nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.SetSecret(ctx(t), "slow", azsecrets.SetSecretParameters{Value: ptr("x")}, nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingRecovered")
	_, err = c.DeleteSecret(ctx(t), "slow", nil)
	wantInner(t, err, http.StatusConflict, "Conflict", "ObjectIsBeingRecovered")
	_, err = c.GetSecret(ctx(t), "slow", "", nil) // Key Vault: 404 until recovered
	responseError(t, err, http.StatusNotFound, "SecretNotFound")

	eventually(t, 3*time.Second, func() error { _, err := c.GetSecret(ctx(t), "slow", "", nil); return err })
	set(t, c, "slow", "after", nil)
}

func TestGetDisabledSecret(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	v := set(t, c, "off", "hidden", &azsecrets.SetSecretParameters{SecretAttributes: &azsecrets.SecretAttributes{Enabled: ptr(false)}})
	if *v.Attributes.Enabled {
		t.Fatal("created enabled")
	}
	_, err := c.GetSecret(ctx(t), "off", "", nil)
	wantInner(t, err, http.StatusForbidden, "Forbidden", "SecretDisabled")
	_, err = c.GetSecret(ctx(t), "off", v.ID.Version(), nil)
	wantInner(t, err, http.StatusForbidden, "Forbidden", "SecretDisabled")

	// Metadata stays readable, and enabling it again makes the value readable.
	pager := c.NewListSecretPropertiesPager(nil)
	page, err := pager.NextPage(ctx(t))
	if err != nil || len(page.Value) != 1 || *page.Value[0].Attributes.Enabled {
		t.Fatalf("list of a disabled secret: %v %v", page.Value, err)
	}
	if _, err := c.UpdateSecretProperties(ctx(t), "off", "", azsecrets.UpdateSecretPropertiesParameters{
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: ptr(true)},
	}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSecret(ctx(t), "off", "", nil)
	if err != nil || *got.Value != "hidden" {
		t.Fatalf("after enabling: %v %v", got.Value, err)
	}
}

func TestPurgeProtection(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{PurgeProtection: true, RecoverableDays: 7})
	c := newClient(t, e, emulator.OfficerName)
	v := set(t, c, "protected", "v", nil)
	if *v.Attributes.RecoveryLevel != "CustomizedRecoverable" || *v.Attributes.RecoverableDays != 7 {
		t.Errorf("recovery level %s days %d", *v.Attributes.RecoveryLevel, *v.Attributes.RecoverableDays)
	}
	if _, err := c.DeleteSecret(ctx(t), "protected", nil); err != nil {
		t.Fatal(err)
	}
	waitDeleted(t, c, "protected")
	_, err := c.PurgeDeletedSecret(ctx(t), "protected", nil)
	responseError(t, err, http.StatusForbidden, "Forbidden")
	if _, err := c.GetDeletedSecret(ctx(t), "protected", nil); err != nil {
		t.Fatalf("secret gone after a refused purge: %v", err)
	}
}

func TestScheduledPurge(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{RecoverableDays: 7})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "expiring", "v", nil)
	if _, err := c.DeleteSecret(ctx(t), "expiring", nil); err != nil {
		t.Fatal(err)
	}
	// Move the clock past the purge date but keep the token valid: the
	// offset is applied to token expiry too, so get a fresh client.
	e.SetClockOffset(8 * 24 * time.Hour)
	c = newClient(t, e, emulator.OfficerName)
	_, err := c.GetDeletedSecret(ctx(t), "expiring", nil)
	responseError(t, err, http.StatusNotFound, "SecretNotFound")
	set(t, c, "expiring", "reborn", nil)
}

func TestValidation(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	cases := []struct {
		name   string
		secret string
		params azsecrets.SetSecretParameters
	}{
		{"invalid name", "under_score", azsecrets.SetSecretParameters{Value: ptr("v")}},
		{"name too long", strings.Repeat("a", 128), azsecrets.SetSecretParameters{Value: ptr("v")}},
		{"value over 25 KB", "big", azsecrets.SetSecretParameters{Value: ptr(strings.Repeat("x", 25*1024+1))}},
		{"16 tags", "tagged", azsecrets.SetSecretParameters{Value: ptr("v"), Tags: tags(16)}},
		{"content type over 255", "typed", azsecrets.SetSecretParameters{Value: ptr("v"), ContentType: ptr(strings.Repeat("t", 256))}},
	}
	for _, tc := range cases {
		_, err := c.SetSecret(ctx(t), tc.secret, tc.params, nil)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		responseError(t, err, http.StatusBadRequest, "BadParameter")
	}
	// The limits themselves are fine.
	set(t, c, strings.Repeat("a", 127), strings.Repeat("x", 25*1024), &azsecrets.SetSecretParameters{Tags: tags(15), ContentType: ptr(strings.Repeat("t", 255))})

	_, err := c.GetSecret(ctx(t), "bad.name", "", nil)
	responseError(t, err, http.StatusBadRequest, "BadParameter")
	_, err = c.UpdateSecretProperties(ctx(t), strings.Repeat("a", 127), "", azsecrets.UpdateSecretPropertiesParameters{Tags: tags(16)}, nil)
	responseError(t, err, http.StatusBadRequest, "BadParameter")
}

func tags(n int) map[string]*string {
	m := map[string]*string{}
	for i := range n {
		m[fmt.Sprintf("tag%d", i)] = ptr("v")
	}
	return m
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	const secrets, perSecret = 100, 5
	// 1,000 requests at parallelism 50: 500 writes, 500 reads.
	parallel(t, secrets*perSecret, 50, func(i int) error {
		name := fmt.Sprintf("busy-%03d", i%secrets)
		if _, err := c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr(fmt.Sprint(i))}, nil); err != nil {
			return err
		}
		_, err := c.GetSecret(ctx(t), name, "", nil)
		return err
	})
	counts := e.RequestCounts()
	if counts[emulator.OpSetSecret] < secrets*perSecret || counts[emulator.OpGetSecret] != secrets*perSecret {
		t.Errorf("counts %v", counts)
	}
	for i := range secrets {
		pager := c.NewListSecretPropertiesVersionsPager(fmt.Sprintf("busy-%03d", i), nil)
		n := 0
		for pager.More() {
			page, err := pager.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			n += len(page.Value)
		}
		if n != perSecret {
			t.Fatalf("busy-%03d has %d versions, want %d", i, n, perSecret)
		}
	}
}

// parallel runs f(0..n-1) on at most width goroutines and fails on the first error.
func parallel(t *testing.T, n, width int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, width)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := f(i); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// waitDeleted waits, as a client must, until Key Vault has finished
// deleting name (GET /deletedsecrets answers 404 until then).
func waitDeleted(t *testing.T, c *azsecrets.Client, name string) {
	t.Helper()
	eventually(t, 5*time.Second, func() error { _, err := c.GetDeletedSecret(ctx(t), name, nil); return err })
}

// waitRecovered waits until a recovery has finished (GET answers 404 until then).
func waitRecovered(t *testing.T, c *azsecrets.Client, name string) {
	t.Helper()
	eventually(t, 5*time.Second, func() error { _, err := c.GetSecret(ctx(t), name, "", nil); return err })
}

// eventually retries f until it succeeds or the time is up.
func eventually(t *testing.T, within time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after %v: %v", within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
