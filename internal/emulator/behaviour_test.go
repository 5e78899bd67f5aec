package emulator_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The emulator's defaults are Key Vault's behaviour; these tests pin the
// parts the recorded conformance test (recordings_test.go) cannot reach:
// other retentions, purge protection, the rate limit, the backup key, PFX
// conversion, and the knobs that turn each behaviour down.

func TestRecoveryLevelFollowsRetention(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		days      int
		protected bool
		want      string
	}{
		{7, false, "CustomizedRecoverable+Purgeable"},
		{89, false, "CustomizedRecoverable+Purgeable"},
		{90, false, "Recoverable+Purgeable"},
		{0, false, "Recoverable+Purgeable"}, // default retention: 90 days
		{7, true, "CustomizedRecoverable"},
		{90, true, "Recoverable"},
	} {
		t.Run(fmt.Sprintf("%d_days_protected_%v", tc.days, tc.protected), func(t *testing.T) {
			t.Parallel()
			e := start(t, emulator.Options{RecoverableDays: tc.days, PurgeProtection: tc.protected})
			c := newClient(t, e, emulator.OfficerName)
			v := set(t, c, "leveled", "v", nil)
			days := tc.days
			if days == 0 {
				days = emulator.DefaultRecoverableDays
			}
			if *v.Attributes.RecoveryLevel != tc.want || int(*v.Attributes.RecoverableDays) != days {
				t.Errorf("recoveryLevel %q recoverableDays %d, want %q %d", *v.Attributes.RecoveryLevel, *v.Attributes.RecoverableDays, tc.want, days)
			}
			del, err := c.DeleteSecret(ctx(t), "leveled", nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := del.ScheduledPurgeDate.Sub(*del.DeletedDate); got != time.Duration(days)*24*time.Hour {
				t.Errorf("scheduledPurgeDate - deletedDate = %v, want %d days", got, days)
			}
		})
	}
	for _, days := range []int{-1, 6, 91} {
		if e, err := emulator.Start(emulator.Options{RecoverableDays: days}); err == nil {
			_ = e.Close()
			t.Errorf("RecoverableDays %d accepted; Key Vault keeps deleted secrets 7 to 90 days", days)
		}
	}
}

func TestVersionsListedByVersionID(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	var created []string
	for i := range 40 {
		created = append(created, set(t, c, "many", strconv.Itoa(i), nil).ID.Version())
	}
	var listed []string
	pages := 0
	pager := c.NewListSecretPropertiesVersionsPager("many", nil)
	for pager.More() {
		page, err := pager.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, item := range page.Value {
			listed = append(listed, item.ID.Version())
		}
	}
	want := slices.Clone(created)
	slices.Sort(want)
	if pages != 2 || !slices.Equal(listed, want) {
		t.Errorf("%d pages; listed %v\nwant (sorted by version id across pages) %v", pages, listed, want)
	}
}

func TestPurgeBeforeDeletionFinished(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{Faults: emulator.Faults{DeleteDelay: 2 * time.Second}})
	token := vaultToken(t, e, emulator.OfficerName)
	api := "?api-version=2025-07-01"
	raw(t, e, http.MethodPut, e.VaultURL()+"secrets/early"+api, token, []byte(`{"value":"v"}`))
	raw(t, e, http.MethodDelete, e.VaultURL()+"secrets/early"+api, token, nil)
	// Key Vault's words, without the name (Azure/azure-sdk-for-net#7199).
	resp, body := raw(t, e, http.MethodDelete, e.VaultURL()+"deletedsecrets/early"+api, token, nil)
	if resp.StatusCode != http.StatusConflict ||
		string(body) != `{"error":{"code":"Conflict","message":"Secret is currently being deleted.","innererror":{"code":"ObjectIsBeingDeleted"}}}` {
		t.Errorf("purge during the deletion: %d %s", resp.StatusCode, body)
	}
	// A create of the name: Azure/azure-sdk-for-net#34322.
	resp, body = raw(t, e, http.MethodPut, e.VaultURL()+"secrets/early"+api, token, []byte(`{"value":"v"}`))
	if resp.StatusCode != http.StatusConflict ||
		string(body) != `{"error":{"code":"Conflict","message":"Secret early is currently being deleted and cannot be re-created; retry later.","innererror":{"code":"ObjectIsBeingDeleted"}}}` {
		t.Errorf("create during the deletion: %d %s", resp.StatusCode, body)
	}
}

// TestInstantTransitions: NoDelay gives a test the instant transitions it
// may need (Key Vault never has them).
func TestInstantTransitions(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{Faults: emulator.Faults{DeleteDelay: emulator.NoDelay, RecoverDelay: emulator.NoDelay, PurgeDelay: emulator.NoDelay}})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "quick", "v", nil)
	if _, err := c.DeleteSecret(ctx(t), "quick", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDeletedSecret(ctx(t), "quick", nil); err != nil {
		t.Fatalf("deleted secret not there at once: %v", err)
	}
	if _, err := c.RecoverDeletedSecret(ctx(t), "quick", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSecret(ctx(t), "quick", "", nil); err != nil {
		t.Fatalf("recovered secret not there at once: %v", err)
	}
	if _, err := c.DeleteSecret(ctx(t), "quick", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PurgeDeletedSecret(ctx(t), "quick", nil); err != nil {
		t.Fatal(err)
	}
	set(t, c, "quick", "again", nil) // the name is free at once
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	const limit, window = 5, 2 * time.Second
	e := start(t, emulator.Options{Faults: emulator.Faults{RateLimit: limit, RateWindow: window}})
	token := vaultToken(t, e, emulator.OfficerName)
	url := e.VaultURL() + "secrets?api-version=2025-07-01"
	// A request without a token (the 401 challenge) is not a transaction.
	if resp, _ := raw(t, e, http.MethodGet, url, "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("challenge: %d", resp.StatusCode)
	}
	began := time.Now()
	for i := range limit {
		if resp, body := raw(t, e, http.MethodGet, url, token, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d within the limit: %d %s", i+1, resp.StatusCode, body)
		}
	}
	// Beyond the limit: 429 Throttled with Retry-After, and the 429s do not
	// count (Key Vault's throttling guidance), however many there are.
	for range 20 {
		resp, body := raw(t, e, http.MethodGet, url, token, nil)
		retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if time.Since(began) >= window {
			break
		}
		if resp.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 2 || !strings.Contains(string(body), `"code":"Throttled"`) {
			t.Fatalf("beyond the limit: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	time.Sleep(time.Until(began.Add(window + 50*time.Millisecond)))
	for i := range limit {
		if resp, body := raw(t, e, http.MethodGet, url, token, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d of the next window: %d %s (429s were counted)", i+1, resp.StatusCode, body)
		}
	}

	// The real client rides the limit out by honouring Retry-After.
	c := newClient(t, e, emulator.OfficerName)
	for i := range 2 * limit {
		if _, err := c.SetSecret(ctx(t), fmt.Sprintf("paced-%d", i), azsecrets.SetSecretParameters{Value: ptr("v")}, nil); err != nil {
			t.Fatalf("SetSecret through the rate limit: %v", err)
		}
	}

	// NoRateLimit turns it off at run time.
	e.SetFaults(emulator.Faults{RateLimit: emulator.NoRateLimit})
	for i := range 3 * limit {
		if resp, _ := raw(t, e, http.MethodGet, url, token, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d without a rate limit: %d", i, resp.StatusCode)
		}
	}
}

func TestBackupIsOpaqueAndKeyed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := emulator.Options{CACertFile: filepath.Join(dir, "ca.pem"), CAKeyFile: filepath.Join(dir, "ca-key.pem")}
	e := start(t, opts)
	c := newClient(t, e, emulator.OfficerName)
	const value = "plaintext-value-that-must-not-leak"
	set(t, c, "boxed", value, &azsecrets.SetSecretParameters{ContentType: ptr("text/plain"), Tags: map[string]*string{"owner": ptr("team-x")}})
	b, err := c.BackupSecret(ctx(t), "boxed", nil)
	if err != nil {
		t.Fatal(err)
	}
	blob := b.Value
	for _, leak := range []string{value, "boxed", "team-x", "text/plain", base64.StdEncoding.EncodeToString([]byte(value))} {
		if bytes.Contains(blob, []byte(leak)) {
			t.Errorf("the backup blob contains %q", leak)
		}
	}
	// Shape: a length-prefixed format name, then a compact JWE naming its key.
	if len(blob) < 2 || int(blob[0]) != len("BifrostKeyVaultEmulatorSecretBackupV1") || !bytes.HasPrefix(blob[1:], []byte("BifrostKeyVaultEmulatorSecretBackupV1")) {
		t.Fatalf("blob does not open with its format name: %q", blob[:min(len(blob), 48)])
	}
	parts := strings.Split(string(blob[1+blob[0]:]), ".")
	var header map[string]string
	h, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if len(parts) != 5 || json.Unmarshal(h, &header) != nil || header["alg"] != "dir" || header["enc"] != "A256GCM" || header["kid"] == "" {
		t.Fatalf("not a compact JWE: %d parts, header %s", len(parts), h)
	}

	// Another emulator with its own key files cannot restore it; one sharing
	// them can.
	other := start(t, emulator.Options{})
	_, err = newClient(t, other, emulator.OfficerName).RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: blob}, nil)
	responseError(t, err, http.StatusBadRequest, "BadParameter")
	sibling := start(t, opts)
	sc := newClient(t, sibling, emulator.OfficerName)
	if _, err := sc.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: blob}, nil); err != nil {
		t.Fatalf("restore into an emulator sharing the key files: %v", err)
	}
	got, err := sc.GetSecret(ctx(t), "boxed", "", nil)
	if err != nil || *got.Value != value || *got.Tags["owner"] != "team-x" {
		t.Fatalf("restored secret: %v %v", got.Value, err)
	}
	// A flipped byte is a corrupt blob.
	tampered := slices.Clone(blob)
	tampered[len(tampered)-5] ^= 1
	_, err = c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: tampered}, nil)
	responseError(t, err, http.StatusBadRequest, "BadParameter")
}

// testPFX is a throwaway self-signed P-256 certificate and its key, as Key
// Vault keeps a certificate's secret: PKCS#12 without a password. Made for
// this test with `openssl req -x509 -newkey ec -pkeyopt
// ec_paramgen_curve:P-256 -nodes` and `openssl pkcs12 -export -passout pass:
// -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1`.
const testPFX = "" +
	"MIIDkgIBAzCCA1gGCSqGSIb3DQEHAaCCA0kEggNFMIIDQTCCAjcGCSqGSIb3DQEHBqCCAigwggIk" +
	"AgEAMIICHQYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQMwDgQI0+vQJ87or2ECAggAgIIB8PWHwK0s" +
	"H4B9uniyw4K0hG57Sc9wMGMo8mJPmhUVSA/P45IIJEA2Tm03/aYPHbLpWXYehOypCaf2ugnjOJj/" +
	"v9fIXWBlpKpF8Nuw89GnmF9xHiU1KeFwX7TAgIwrHFSjDpj7Ljjw8IEo23YwMBe6WediSYqSulpm" +
	"2Pg65Qf8/XEozD+WGs3Y/k8ROVIEpe5QQeRraB5IHaL7e15GmlSEiklTOA9+8cFjDVQby4eA0G5a" +
	"WbJvqN5cxVFMWy2vgp9ASxFeo76CI9Il/t8/5wVrfn84NHLsu4+wQWbCh+SMAkcqTirOEh+YUsNr" +
	"sNlcgcjFhXF1lO5g1DF2tFmg0oXOpkCs1s+qdKKcNP/0AwyyhgkxLW0GcEDDbY9IcAuLv7APszzh" +
	"ej8FZK26UKVb7quXNAQ2SnlJykr+B3YDdHzmGEW3hOxB9o1FyXPCdB/LkQfhbTTwt3k6Y+2fGcOY" +
	"Q7+HEeqPf/yPLRTcMMr4g9xHD589O68yqkDJ0Wl3prnz/JYj+Ez34xYJcQey5jFxofCgayV0jMK0" +
	"Q2H9dtfUKenX50CdguAl3yDNWaqHhlj8zJKu1zLkJcdfR1JOW0353C93MDUDJ5J3gBL+BC0RXNdg" +
	"ikCkJzOSeOcw1wlo9ibeGTmu+jJKQOEEnMPUw9vIiGuxqKUwggECBgkqhkiG9w0BBwGggfQEgfEw" +
	"ge4wgesGCyqGSIb3DQEMCgECoIG0MIGxMBwGCiqGSIb3DQEMAQMwDgQIu4oP1eqhHgMCAggABIGQ" +
	"l7JytZp5zCZV16DcQflhTBlaeGOEq1/bN7VoGfS3phPwkGRvz+lQvHKnNuUSVYNgE1s3k3FHI29A" +
	"43Xlt1laKhgTt3e3y+GtokiTIPQpuyn4GbL10cJnF71iRGoDWQW+WqgU3Yd7J0F2K+cUq1+5nMQW" +
	"tFPBBzKuWcCGSoze3bXUHIHayExt1FIjCjgCUPEzMSUwIwYJKoZIhvcNAQkVMRYEFIPkKm3lVomr" +
	"+lHsLRWmJizuEn10MDEwITAJBgUrDgMCGgUABBSnm3vEnLuTN5YefrYyZj78CsH3XwQIFxJiBWrQ" +
	"ClcCAggA"

func TestOutContentType(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "plain", "text", &azsecrets.SetSecretParameters{ContentType: ptr("text/plain")})
	set(t, c, "cert", testPFX, &azsecrets.SetSecretParameters{ContentType: ptr("application/x-pkcs12")})
	set(t, c, "not-a-pfx", "bm90IGEgcGZ4", &azsecrets.SetSecretParameters{ContentType: ptr("application/x-pkcs12")})
	pem, pfx := azsecrets.ContentTypePEM, azsecrets.ContentTypePFX

	got, err := c.GetSecret(ctx(t), "cert", "", &azsecrets.GetSecretOptions{OutContentType: &pem})
	if err != nil {
		t.Fatal(err)
	}
	v := *got.Value
	if *got.ContentType != "application/x-pem-file" || !strings.HasPrefix(v, "-----BEGIN PRIVATE KEY-----\n") || !strings.Contains(v, "-----BEGIN CERTIFICATE-----\n") {
		t.Errorf("PFX to PEM: content type %q, value %.80q", *got.ContentType, v)
	}
	if plain, err := c.GetSecret(ctx(t), "cert", "", nil); err != nil || *plain.Value != testPFX {
		t.Errorf("without outContentType the value is the stored one: %v", err)
	}

	for _, tc := range []struct {
		name string
		out  azsecrets.ContentType
		msg  string
	}{
		{"plain", pem, "The 'Unsupported' to 'PEM' transformation is not supported. Only PFX to PEM transformation is supported."},
		{"plain", pfx, "The 'Unsupported' to 'PFX' transformation is not supported. Only PFX to PEM transformation is supported."},
		{"cert", pfx, "The 'PFX' to 'PFX' transformation is not supported. Only PFX to PEM transformation is supported."},
		{"not-a-pfx", pem, ""},
	} {
		out := tc.out
		_, err := c.GetSecret(ctx(t), tc.name, "", &azsecrets.GetSecretOptions{OutContentType: &out})
		responseError(t, err, http.StatusBadRequest, "BadParameter")
		if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s as %s: %v", tc.name, out, err)
		}
	}
}

// TestDatesAreInformational: as on Key Vault (Azure/AzureKeyVault#19), a
// secret is readable before its nbf and after its exp.
func TestDatesAreInformational(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	past, future := time.Now().Add(-48*time.Hour).Truncate(time.Second), time.Now().Add(48*time.Hour).Truncate(time.Second)
	set(t, c, "expired", "still-readable", &azsecrets.SetSecretParameters{SecretAttributes: &azsecrets.SecretAttributes{Expires: &past}})
	set(t, c, "not-yet", "readable-already", &azsecrets.SetSecretParameters{SecretAttributes: &azsecrets.SecretAttributes{NotBefore: &future}})
	for name, want := range map[string]string{"expired": "still-readable", "not-yet": "readable-already"} {
		got, err := c.GetSecret(ctx(t), name, "", nil)
		if err != nil || *got.Value != want {
			t.Errorf("GET %s: %v %v", name, got.Value, err)
		}
	}
}
