package keyvault

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/rbac"
)

// callerAs is an Authenticator that lets every request through as one
// caller: the data plane on its own, without tokens.
type callerAs rbac.Caller

func (c callerAs) Authenticate(*http.Request) (rbac.Caller, error) { return rbac.Caller(c), nil }

func newTestVault(t *testing.T, who rbac.Caller) *Vault {
	t.Helper()
	v, err := New(Config{
		TenantID: "tenant", Authenticator: callerAs(who), Now: time.Now,
		RecoverableDays: DefaultRecoverableDays, Faults: Faults{DeleteDelay: NoDelay, RecoverDelay: NoDelay, PurgeDelay: NoDelay},
		BackupKeyFile: filepath.Join(t.TempDir(), "backup-key"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// serve sends one request (target as sent on the wire) and returns the
// status, the Key Vault error code if any, and the audit entry it left.
func serve(t *testing.T, v *Vault, method, target, body string) (int, string, AuditEntry) {
	t.Helper()
	rec := httptest.NewRecorder()
	v.ServeHTTP(rec, httptest.NewRequest(method, "https://vault.example"+target, strings.NewReader(body)))
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	log := v.AuditLog()
	return rec.Code, e.Error.Code, log[len(log)-1]
}

// TestRouteTable pins the route table's quirks, which are Key Vault's and
// its clients': one trailing slash ignored on every route, PATCH with or
// without a version, names as sent (the store compares them
// case-insensitively), odd segments kept as (invalid) names, and what Key
// Vault does not serve answered 404 in its error shape as OpUnknown.
func TestRouteTable(t *testing.T) {
	v := newTestVault(t, rbac.Caller{Name: "officer", Role: rbac.RoleOfficer})
	const api = "?api-version=7.6"
	if status, _, _ := serve(t, v, http.MethodPut, "/secrets/a"+api, `{"value":"v"}`); status != http.StatusOK {
		t.Fatalf("seed: %d", status)
	}
	version := v.store.secrets["a"].latest().ID
	for _, tc := range []struct {
		method, path string
		status       int
		code, op     string
		name         string
	}{
		{"GET", "/secrets", 200, "", OpListSecrets, ""},
		{"GET", "/secrets/", 200, "", OpListSecrets, ""},
		{"GET", "/secrets/a", 200, "", OpGetSecret, "a"},
		{"GET", "/secrets/a/", 200, "", OpGetSecret, "a"}, // the latest version, as azsecrets asks
		{"GET", "/secrets/A", 200, "", OpGetSecret, "A"},
		{"GET", "/secrets/a/" + version, 200, "", OpGetSecret, "a"},
		{"GET", "/secrets/a/" + strings.ToUpper(version) + "/", 200, "", OpGetSecret, "a"},
		{"GET", "/secrets/a//", 200, "", OpGetSecret, "a"}, // an empty version is the latest
		{"PATCH", "/secrets/a", 200, "", OpUpdateSecret, "a"},
		{"PATCH", "/secrets/a/" + version, 200, "", OpUpdateSecret, "a"},
		{"GET", "/secrets/a/versions", 200, "", OpListSecretVersions, "a"},
		{"GET", "/secrets/a%2Fversions", 200, "", OpListSecretVersions, "a"}, // the decoded path is split
		{"POST", "/secrets/a/backup/", 200, "", OpBackupSecret, "a"},
		{"GET", "/secrets/restore", 404, "SecretNotFound", OpGetSecret, "restore"}, // restore is POST only
		{"POST", "/secrets/restore", 400, "BadParameter", OpRestoreSecret, ""},
		{"GET", "/secrets/a/backup", 404, "SecretNotFound", OpGetSecret, "a"}, // a version named "backup"
		{"GET", "/deletedsecrets", 200, "", OpListDeletedSecrets, ""},
		{"GET", "/deletedsecrets/a", 404, "SecretNotFound", OpGetDeletedSecret, "a"},
		{"POST", "/deletedsecrets/a/recover", 404, "SecretNotFound", OpRecoverDeletedSecret, "a"},
		{"DELETE", "/deletedsecrets/a/", 404, "SecretNotFound", OpPurgeDeletedSecret, "a"},
		{"GET", "/secrets/a.b", 400, "BadParameter", OpGetSecret, "a.b"},
		{"GET", "/secrets/../", 400, "BadParameter", OpGetSecret, ".."}, // not cleaned, not redirected
		{"PUT", "/secrets//", 400, "BadParameter", OpSetSecret, ""},
		{"GET", "/secrets/" + strings.Repeat("a", 128), 400, "BadParameter", OpGetSecret, strings.Repeat("a", 128)},
		{"POST", "/secrets/a", 404, "NotFound", OpUnknown, ""},
		{"HEAD", "/secrets/a", 404, "NotFound", OpUnknown, ""}, // GET routes do not serve HEAD
		{"GET", "/secrets/a/b/c", 404, "NotFound", OpUnknown, ""},
		{"GET", "/deletedsecrets/a/recover", 404, "NotFound", OpUnknown, ""},
		{"DELETE", "/secrets/a/" + version, 404, "NotFound", OpUnknown, ""},
		{"GET", "/Secrets/a", 404, "NotFound", OpUnknown, ""}, // paths are case-sensitive; internal/emulator sends this one elsewhere
	} {
		status, code, entry := serve(t, v, tc.method, tc.path+api, `{"value":"v"}`)
		if status != tc.status || code != tc.code || entry.Operation != tc.op || entry.SecretName != tc.name || entry.Status != status {
			t.Errorf("%s %s: %d %q, audited %s %q %d; want %d %q, %s %q", tc.method, tc.path, status, code, entry.Operation, entry.SecretName, entry.Status,
				tc.status, tc.code, tc.op, tc.name)
		}
	}
	// Unknown paths and invalid names are refused before the api-version is checked.
	for path, code := range map[string]string{"/secrets/a/b/c": "NotFound", "/secrets/a.b": "BadParameter", "/secrets/a": "BadParameter"} {
		if _, got, _ := serve(t, v, http.MethodGet, path, ""); got != code {
			t.Errorf("GET %s without api-version: %q, want %q", path, got, code)
		}
	}
}

// TestRoleMatrix pins what each role may do and the RBAC action each
// operation names in its 403.
func TestRoleMatrix(t *testing.T) {
	want := map[string]struct {
		action string
		reader bool
	}{
		OpSetSecret:            {"secrets/setSecret/action", false},
		OpGetSecret:            {"secrets/getSecret/action", true},
		OpUpdateSecret:         {"secrets/update/action", false},
		OpDeleteSecret:         {"secrets/delete", false},
		OpListSecrets:          {"secrets/readMetadata/action", true},
		OpListSecretVersions:   {"secrets/readMetadata/action", true},
		OpBackupSecret:         {"secrets/backup/action", true},
		OpRestoreSecret:        {"secrets/restore/action", false},
		OpGetDeletedSecret:     {"deletedSecrets/read", true},
		OpListDeletedSecrets:   {"deletedSecrets/read", true},
		OpRecoverDeletedSecret: {"deletedSecrets/recover/action", false},
		OpPurgeDeletedSecret:   {"deletedSecrets/delete", false},
	}
	seen := map[string]bool{}
	for pattern, e := range routes().All() {
		w, ok := want[e.name]
		if !ok || e.action != "Microsoft.KeyVault/vaults/"+w.action || e.reader != w.reader {
			t.Errorf("%s: %s action %q reader %v", pattern, e.name, e.action, e.reader)
		}
		for role, may := range map[rbac.Role]bool{rbac.RoleOfficer: true, rbac.RoleUser: w.reader, rbac.RoleNone: false, "": false} {
			if allowed(role, e) != may {
				t.Errorf("%s: role %q allowed %v", e.name, role, !may)
			}
		}
		seen[e.name] = true
	}
	if len(seen) != len(want) {
		t.Errorf("operations routed %v, want %d", seen, len(want))
	}

	reader := newTestVault(t, rbac.Caller{Name: "reader", ClientID: "app", ObjectID: "oid", Role: rbac.RoleUser})
	status, code, entry := serve(t, reader, http.MethodPut, "/secrets/a?api-version=7.6", `{"value":"v"}`)
	if status != http.StatusForbidden || code != "Forbidden" || entry.Principal != "reader" {
		t.Errorf("reader PUT: %d %q by %q", status, code, entry.Principal)
	}
}
