package emulator_test

// Microsoft's recordings of the real Key Vault, replayed against the
// emulator.
//
// The azsecrets module's tests run against a real vault and record every
// request and answer; the recordings live in the repository
// Azure/azure-sdk-assets under go/sdk/security/keyvault/azsecrets/testdata/recordings/.
// The facts below were read from these files (they are not copied here):
//
//   - commit 1c09c9b0f3d6715aa9826b22f21269daac0c56e6 (azsecrets v1.5.0-beta.2,
//     api-version 2026-03-01-preview, recorded 21 May 2026 against a vault
//     with 7-day retention): TestCRUD.json, TestBackupRestore.json,
//     TestListSecrets.json, TestListSecretVersions.json,
//     TestListDeletedSecrets.json, TestRecover.json;
//   - commit 60dc4ef23d5a2aad5bee9e9638e12a161821910d (api-version 2025-07-01):
//     TestGetSecretWithOutContentType.json, TestDeletedSecretPreviousVersion.json;
//   - commit 3c71650d8be7e1b2d7ed122f8ae7128c6af389f4 (api-version 2025-07-01):
//     TestSecretPreviousVersion.json.
//
// Each test below is the recorded test's request sequence, driven by the
// real azsecrets client (as the recorded tests were) through a transport
// that keeps every data-plane exchange, so that the wire itself is checked:
// statuses, the keys each body has and has not, value types, error codes
// and messages, id formats, paging, and the asynchronous transitions. Where
// the recorded test polled every 10 seconds (Key Vault's deletes, recovers
// and purges complete between two polls), these poll every 20 ms for at
// most 5 seconds, and an answer that came before the emulator's transition
// could have ended must be the recorded "not yet" answer.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The recorded vault: 7-day retention, no purge protection.
const (
	recordedDays  = 7
	recordedLevel = "CustomizedRecoverable+Purgeable"
)

// exchange is one data-plane request and its answer, as the wire carried them.
type exchange struct {
	method, path, rawQuery string
	status                 int
	header                 http.Header
	body                   []byte
	sent, done             time.Time
}

// wireLog is an azcore transport that keeps the data-plane exchanges.
type wireLog struct {
	next *http.Client
	mu   sync.Mutex
	log  []exchange
}

func (w *wireLog) Do(req *http.Request) (*http.Response, error) {
	sent := time.Now()
	resp, err := w.next.Do(req)
	if err != nil {
		return resp, err
	}
	p := req.URL.Path
	if !strings.HasPrefix(p, "/secrets") && !strings.HasPrefix(p, "/deletedsecrets") {
		return resp, nil // the token endpoint
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	w.mu.Lock()
	w.log = append(w.log, exchange{method: req.Method, path: p, rawQuery: req.URL.RawQuery, status: resp.StatusCode,
		header: resp.Header.Clone(), body: body, sent: sent, done: time.Now()})
	w.mu.Unlock()
	return resp, nil
}

// replay is one recorded test against its own emulator with the default
// (Key Vault's) behaviour and the recorded vault's retention.
type replay struct {
	t      *testing.T
	e      *emulator.Emulator
	c      *azsecrets.Client
	wire   *wireLog
	api    string
	idBase string // "https://127.0.0.1:PORT/secrets/"
	faults emulator.Faults
}

func newReplay(t *testing.T, apiVersion string) *replay {
	t.Helper()
	e := start(t, emulator.Options{RecoverableDays: recordedDays})
	hc := httpClient(e)
	wire := &wireLog{next: hc}
	o := clientOptions(e, hc)
	o.Transport = wire
	o.APIVersion = apiVersion
	c, err := azsecrets.NewClient(e.VaultURL(), credential(t, e, emulator.OfficerName, hc), &azsecrets.ClientOptions{
		ClientOptions: o, DisableChallengeResourceVerification: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	f := e.Faults()
	if f.DeleteDelay <= 0 || f.RecoverDelay <= 0 || f.PurgeDelay <= 0 {
		t.Fatalf("default transitions %+v: Key Vault's deletes, recovers and purges are never instant", f)
	}
	return &replay{t: t, e: e, c: c, wire: wire, api: apiVersion, idBase: e.VaultURL() + "secrets/", faults: f}
}

// untilNot calls f until it stops failing with status, as the recorded
// tests' pollStatus does (every 10 s there, 20 ms here, for at most 5 s),
// and fails the test if f then fails.
func (r *replay) untilNot(status int, f func() error) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := f()
		var re *azcore.ResponseError
		if !errors.As(err, &re) || re.StatusCode != status {
			if err != nil {
				r.t.Fatalf("after polling past %d: %v", status, err)
			}
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("still %d after 5 s: %v", status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *replay) must(err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

// step is one recorded exchange: what was asked, what was answered, and
// what the answer holds. A step with while != 0 is a recorded poll: answers
// with status while, then one with status; started names the step whose
// request started the transition, and window its length.
type step struct {
	method, path, query string
	status              int
	while               int
	started             int
	window              time.Duration
	check               func(where string, o obj)
}

type obj = map[string]any

// verify matches the exchanges kept so far against the recorded steps.
func (r *replay) verify(steps []step) {
	t := r.t
	t.Helper()
	log := r.wire.log
	i := 0
	matched := make([]exchange, len(steps))
	for n, s := range steps {
		where := fmt.Sprintf("step %d (%s %s)", n+1, s.method, s.path)
		polls := 0
		for {
			if i == len(log) {
				t.Fatalf("%s: no such request; the wire had %s", where, summary(log))
			}
			ex := log[i]
			i++
			if ex.method != s.method || ex.path != s.path || (s.query != "" && !strings.Contains(ex.rawQuery, s.query)) {
				t.Fatalf("%s: the wire had %s %s?%s instead (all: %s)", where, ex.method, ex.path, ex.rawQuery, summary(log))
			}
			if !strings.Contains(ex.rawQuery, "api-version="+r.api) {
				t.Errorf("%s: api-version not %s: %s", where, r.api, ex.rawQuery)
			}
			if s.while != 0 {
				began := matched[s.started]
				switch {
				case ex.done.Before(began.sent.Add(s.window)) && ex.status != s.while:
					t.Fatalf("%s: answered %d %s before the transition could end; Key Vault answers %d", where, ex.status, ex.body, s.while)
				case ex.sent.After(began.done.Add(s.window)) && ex.status == s.while:
					t.Fatalf("%s: still %d after the transition's %v", where, ex.status, s.window)
				case ex.status == s.while:
					polls++
					if polls == 1 && s.check != nil {
						// The "not yet" answer is checked once, as recorded.
						s.check(where+" (while waiting)", decodeWire(t, where, ex))
					}
					continue
				}
			}
			if ex.status != s.status {
				t.Fatalf("%s: status %d, recorded %d: %s", where, ex.status, s.status, ex.body)
			}
			matched[n] = ex
			if s.check != nil && s.while == 0 {
				s.check(where, decodeWire(t, where, ex))
			}
			break
		}
	}
	if i != len(log) {
		t.Errorf("requests after the recorded ones: %s", summary(log[i:]))
	}
}

func summary(log []exchange) string {
	var b strings.Builder
	for _, ex := range log {
		fmt.Fprintf(&b, "\n  %s %s -> %d", ex.method, ex.path, ex.status)
	}
	return b.String()
}

// decodeWire decodes a JSON answer keeping numbers as written; an empty
// body (204) is nil.
func decodeWire(t *testing.T, where string, ex exchange) obj {
	t.Helper()
	if len(ex.body) == 0 {
		return nil
	}
	if ct := ex.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", where, ct)
	}
	d := json.NewDecoder(bytes.NewReader(ex.body))
	d.UseNumber()
	var o obj
	if err := d.Decode(&o); err != nil {
		t.Fatalf("%s: body %s: %v", where, ex.body, err)
	}
	return o
}

// keys asserts the object has exactly these keys: the recordings show which
// ones Key Vault sends and which it omits.
func keys(t *testing.T, where string, o obj, want ...string) {
	t.Helper()
	var got []string
	for k := range o {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: keys %v, recorded %v", where, got, want)
	}
}

func object(t *testing.T, where string, v any) obj {
	t.Helper()
	o, ok := v.(obj)
	if !ok {
		t.Fatalf("%s: %v is not an object", where, v)
	}
	return o
}

func str(t *testing.T, where string, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s: %v (%T) is not a string", where, v, v)
	}
	return s
}

// unix asserts an integer number of seconds (Key Vault's times).
func unix(t *testing.T, where string, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%s: %v (%T) is not a number", where, v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("%s: %v is not an integer", where, n)
	}
	return i
}

// bundle is what a secret bundle holds in the recordings.
type bundle struct {
	name        string
	version     string            // "": any 32 hex digits
	value       *string           // nil: no value key (PATCH, DELETE, recover, restore, lists)
	contentType string            // "": absent
	tags        map[string]string // nil: absent
	nbf, exp    int64             // 0: absent
	deleted     bool              // recoveryId, deletedDate, scheduledPurgeDate
	versionless bool              // list items
}

var versionRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// check asserts o is the bundle b.
func (r *replay) check(where string, o obj, b bundle) {
	t := r.t
	t.Helper()
	want := []string{"id", "attributes"}
	if b.value != nil {
		want = append(want, "value")
		if got := str(t, where+".value", o["value"]); got != *b.value {
			t.Errorf("%s: value %q, recorded %q", where, got, *b.value)
		}
	}
	if b.contentType != "" {
		want = append(want, "contentType")
		if got := str(t, where+".contentType", o["contentType"]); got != b.contentType {
			t.Errorf("%s: contentType %q, recorded %q", where, got, b.contentType)
		}
	}
	if b.tags != nil {
		want = append(want, "tags")
		tags := object(t, where+".tags", o["tags"])
		if len(tags) != len(b.tags) {
			t.Errorf("%s: tags %v, recorded %v", where, tags, b.tags)
		}
		for k, v := range b.tags {
			if tags[k] != v {
				t.Errorf("%s: tag %s = %v, recorded %q", where, k, tags[k], v)
			}
		}
	}
	id := str(t, where+".id", o["id"])
	if b.versionless {
		if id != r.idBase+b.name {
			t.Errorf("%s: id %q, recorded {vault}/secrets/%s", where, id, b.name)
		}
	} else {
		rest, ok := strings.CutPrefix(id, r.idBase+b.name+"/")
		if !ok || !versionRE.MatchString(rest) || (b.version != "" && rest != b.version) {
			t.Errorf("%s: id %q, recorded {vault}/secrets/%s/{32 hex digits} (version %q)", where, id, b.name, b.version)
		}
	}
	var deletedDate int64
	if b.deleted {
		want = append(want, "recoveryId", "deletedDate", "scheduledPurgeDate")
		if rid := str(t, where+".recoveryId", o["recoveryId"]); rid != r.e.VaultURL()+"deletedsecrets/"+b.name {
			t.Errorf("%s: recoveryId %q, recorded {vault}/deletedsecrets/%s", where, rid, b.name)
		}
		deletedDate = unix(t, where+".deletedDate", o["deletedDate"])
		if purge := unix(t, where+".scheduledPurgeDate", o["scheduledPurgeDate"]); purge-deletedDate != recordedDays*86400 {
			t.Errorf("%s: scheduledPurgeDate - deletedDate = %d s, recorded %d days", where, purge-deletedDate, recordedDays)
		}
	}
	keys(t, where, o, want...)

	a := object(t, where+".attributes", o["attributes"])
	wantAttrs := []string{"enabled", "created", "updated", "recoveryLevel", "recoverableDays"}
	if a["enabled"] != true {
		t.Errorf("%s: attributes.enabled %v", where, a["enabled"])
	}
	created, updated := unix(t, where+".created", a["created"]), unix(t, where+".updated", a["updated"])
	if now := time.Now().Unix(); created > now+1 || created < now-60 || updated != created {
		t.Errorf("%s: created %d updated %d (now %d): recorded equal, now", where, created, updated, now)
	}
	if b.deleted && deletedDate < created {
		t.Errorf("%s: deletedDate %d before created %d", where, deletedDate, created)
	}
	if got := str(t, where+".recoveryLevel", a["recoveryLevel"]); got != recordedLevel {
		t.Errorf("%s: recoveryLevel %q, recorded %q", where, got, recordedLevel)
	}
	if got := unix(t, where+".recoverableDays", a["recoverableDays"]); got != recordedDays {
		t.Errorf("%s: recoverableDays %d, recorded %d", where, got, recordedDays)
	}
	for name, want := range map[string]int64{"nbf": b.nbf, "exp": b.exp} {
		if want == 0 {
			continue
		}
		wantAttrs = append(wantAttrs, name)
		if got := unix(t, where+"."+name, a[name]); got != want {
			t.Errorf("%s: %s %d, recorded %d", where, name, got, want)
		}
	}
	keys(t, where+".attributes", a, wantAttrs...)
}

// kvErr asserts Key Vault's error body: code and message, no inner error.
func (r *replay) kvErr(where string, o obj, code, message string) {
	t := r.t
	t.Helper()
	keys(t, where, o, "error")
	e := object(t, where+".error", o["error"])
	keys(t, where+".error", e, "code", "message")
	if e["code"] != code || e["message"] != message {
		t.Errorf("%s: %v %q, recorded %s %q", where, e["code"], e["message"], code, message)
	}
}

// challenge is the first request of every recorded test, a PUT: sent
// without a token (azsecrets learns the authority from the answer),
// answered 401.
func (r *replay) challenge(path string) step {
	return step{method: http.MethodPut, path: path, status: http.StatusUnauthorized, check: func(where string, o obj) {
		r.kvErr(where, o, "Unauthorized", "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.")
		ex := r.wire.log[0]
		want := `Bearer authorization="` + strings.TrimSuffix(r.e.AuthorityHost(), "/") + "/" + r.e.TenantID() + `", resource="https://vault.azure.net"`
		if got := ex.header.Get("WWW-Authenticate"); got != want {
			r.t.Errorf("%s: WWW-Authenticate %q, want %q", where, got, want)
		}
	}}
}

func (r *replay) deletedNotFound(name string) func(string, obj) {
	return func(where string, o obj) { r.kvErr(where, o, "SecretNotFound", "Deleted Secret not found: "+name) }
}

func (r *replay) noBody(where string, o obj) {
	if o != nil {
		r.t.Errorf("%s: a 204 with a body: %v", where, o)
	}
}

const api2026 = "2026-03-01-preview"

func TestRecordedCRUD(t *testing.T) {
	t.Parallel()
	r := newReplay(t, api2026)
	const name, value = "secret518723441", "value518723441"
	nbf, exp := time.Date(2030, 1, 1, 1, 1, 1, 0, time.UTC), time.Date(2040, 1, 1, 1, 1, 1, 0, time.UTC)
	tags := map[string]string{"tag": "value"}

	set, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{
		Value: ptr(value), ContentType: ptr("big secret"), Tags: map[string]*string{"tag": ptr("value")},
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: ptr(true), NotBefore: &nbf},
	}, nil)
	r.must(err)
	_, err = r.c.GetSecret(ctx(t), name, "", nil)
	r.must(err)
	_, err = r.c.UpdateSecretProperties(ctx(t), name, set.ID.Version(), azsecrets.UpdateSecretPropertiesParameters{
		SecretAttributes: &azsecrets.SecretAttributes{Expires: &exp},
	}, nil)
	r.must(err)
	_, err = r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)
	r.untilNot(http.StatusNotFound, func() error { _, err := r.c.GetDeletedSecret(ctx(t), name, nil); return err })
	_, err = r.c.GetDeletedSecret(ctx(t), name, nil)
	r.must(err)
	_, err = r.c.PurgeDeletedSecret(ctx(t), name, nil)
	r.must(err)

	v := set.ID.Version()
	full := bundle{name: name, version: v, contentType: "big secret", tags: tags, nbf: nbf.Unix()}
	withValue, patched, deleted := full, full, full
	withValue.value = ptr(value)
	patched.exp = exp.Unix()
	deleted.exp, deleted.deleted = exp.Unix(), true
	r.verify([]step{
		r.challenge("/secrets/" + name),
		{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, withValue) }},
		{method: http.MethodGet, path: "/secrets/" + name + "/", status: 200, check: func(w string, o obj) { r.check(w, o, withValue) }},
		{method: http.MethodPatch, path: "/secrets/" + name + "/" + v, status: 200, check: func(w string, o obj) { r.check(w, o, patched) }},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
		{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, while: 404, started: 4, window: r.faults.DeleteDelay, check: r.deletedNotFound(name)},
		{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
		{method: http.MethodDelete, path: "/deletedsecrets/" + name, status: 204, check: r.noBody},
	})
	// The poll's final answer is the deleted bundle too.
	last := r.wire.log[len(r.wire.log)-3]
	r.check("final poll", decodeWire(t, "final poll", last), deleted)
}

func TestRecordedBackupRestore(t *testing.T) {
	t.Parallel()
	r := newReplay(t, api2026)
	const name, value = "testbackupsecret1387819847", "value1387819847"
	set, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr(value)}, nil)
	r.must(err)
	backup, err := r.c.BackupSecret(ctx(t), name, nil)
	r.must(err)
	_, err = r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)
	r.untilNot(http.StatusNotFound, func() error { _, err := r.c.GetDeletedSecret(ctx(t), name, nil); return err })
	_, err = r.c.PurgeDeletedSecret(ctx(t), name, nil)
	r.must(err)
	// The purge is asynchronous: the restore conflicts until it is done.
	var restored azsecrets.RestoreSecretResponse
	r.untilNot(http.StatusConflict, func() error {
		var err error
		restored, err = r.c.RestoreSecret(ctx(t), azsecrets.RestoreSecretParameters{SecretBackup: backup.Value}, nil)
		return err
	})
	if *restored.ID != *set.ID || restored.Value != nil {
		t.Errorf("restored %s (value %v), recorded the backed-up id %s and no value", *restored.ID, restored.Value, *set.ID)
	}
	_, err = r.c.DeleteSecret(ctx(t), name, nil) // the recorded test's clean-up
	r.must(err)

	v := set.ID.Version()
	plain := bundle{name: name, version: v}
	withValue, deleted := plain, plain
	withValue.value, deleted.deleted = ptr(value), true
	r.verify([]step{
		r.challenge("/secrets/" + name),
		{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, withValue) }},
		{method: http.MethodPost, path: "/secrets/" + name + "/backup", status: 200, check: func(w string, o obj) {
			keys(t, w, o, "value")
			// base64url without padding, opaque: neither name nor value readable.
			blob := str(t, w+".value", o["value"])
			if !regexp.MustCompile(`^[A-Za-z0-9_-]{100,}$`).MatchString(blob) || strings.Contains(blob, "=") {
				t.Errorf("%s: backup value is not unpadded base64url: %.40q", w, blob)
			}
		}},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
		{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, while: 404, started: 3, window: r.faults.DeleteDelay, check: r.deletedNotFound(name)},
		{method: http.MethodDelete, path: "/deletedsecrets/" + name, status: 204, check: r.noBody},
		{method: http.MethodPost, path: "/secrets/restore", status: 200, while: 409, started: 5, window: r.faults.PurgeDelay, check: func(w string, o obj) {
			r.kvErr(w, o, "Conflict", "There was a conflict restoring the secret '"+r.idBase+name+"/"+v+"'. This can happen if either: a second secret with the same name was created after the first secret was deleted; thus trying to restore a secret whose name is already in use. To fix this, rename the second secret to something else so that the restore works. The second probable cause of this exception is when multiple operations are performed in parallel against the secret. To avoid this error, perform operations against a secret in a sequential manner.")
		}},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
	})
	restoreAnswer := r.wire.log[len(r.wire.log)-2]
	r.check("restore", decodeWire(t, "restore", restoreAnswer), plain)
}

func TestRecordedListSecrets(t *testing.T) {
	t.Parallel()
	r := newReplay(t, api2026)
	var names []string
	for i := range 4 {
		name := fmt.Sprintf("listsecrets%d2663316706", i)
		names = append(names, name)
		_, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr(fmt.Sprintf("value%d2663316706", i))}, nil)
		r.must(err)
	}
	pager := r.c.NewListSecretPropertiesPager(nil)
	for pager.More() {
		_, err := pager.NextPage(ctx(t))
		r.must(err)
	}
	for i := len(names) - 1; i >= 0; i-- { // the recorded test's deferred clean-ups
		_, err := r.c.DeleteSecret(ctx(t), names[i], nil)
		r.must(err)
	}

	steps := []step{r.challenge("/secrets/" + names[0])}
	for i, name := range names {
		value := fmt.Sprintf("value%d2663316706", i)
		steps = append(steps, step{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) {
			r.check(w, o, bundle{name: name, value: ptr(value)})
		}})
	}
	steps = append(steps, step{method: http.MethodGet, path: "/secrets", status: 200, check: func(w string, o obj) {
		keys(t, w, o, "value", "nextLink")
		if o["nextLink"] != nil {
			t.Errorf("%s: nextLink %v, recorded null", w, o["nextLink"])
		}
		items, _ := o["value"].([]any)
		if len(items) != len(names) {
			t.Fatalf("%s: %d items, want %d", w, len(items), len(names))
		}
		for i, item := range items { // by name, versionless, no value
			r.check(fmt.Sprintf("%s.value[%d]", w, i), object(t, w, item), bundle{name: names[i], versionless: true})
		}
	}})
	for i := len(names) - 1; i >= 0; i-- {
		name := names[i]
		steps = append(steps, step{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) {
			r.check(w, o, bundle{name: name, deleted: true})
		}})
	}
	r.verify(steps)
}

func TestRecordedListSecretVersions(t *testing.T) {
	t.Parallel()
	r := newReplay(t, api2026)
	const name = "listversions2628844972"
	nbf, exp := time.Date(2040, 1, 1, 1, 1, 1, 0, time.UTC), time.Date(2050, 1, 1, 1, 1, 1, 0, time.UTC)
	var created []string
	for i := range 3 {
		s, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{
			Value: ptr(fmt.Sprintf("value%d", i)), ContentType: ptr("content-type"), Tags: map[string]*string{"tag": ptr("value")},
			SecretAttributes: &azsecrets.SecretAttributes{Expires: &exp, NotBefore: &nbf},
		}, nil)
		r.must(err)
		created = append(created, s.ID.Version())
	}
	pager := r.c.NewListSecretPropertiesVersionsPager(name, nil)
	for pager.More() {
		_, err := pager.NextPage(ctx(t))
		r.must(err)
	}
	_, err := r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)

	common := bundle{name: name, contentType: "content-type", tags: map[string]string{"tag": "value"}, nbf: nbf.Unix(), exp: exp.Unix()}
	steps := []step{r.challenge("/secrets/" + name)}
	for i := range 3 {
		b := common
		b.value, b.version = ptr(fmt.Sprintf("value%d", i)), created[i]
		steps = append(steps, step{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, b) }})
	}
	// Listed by version id, not in creation order (the recording's three
	// versions came back sorted: 2485..., 2d8d..., 5d77...).
	byID := slices.Clone(created)
	slices.Sort(byID)
	steps = append(steps, step{method: http.MethodGet, path: "/secrets/" + name + "/versions", status: 200, check: func(w string, o obj) {
		keys(t, w, o, "value", "nextLink")
		if o["nextLink"] != nil {
			t.Errorf("%s: nextLink %v, recorded null", w, o["nextLink"])
		}
		items, _ := o["value"].([]any)
		if len(items) != 3 {
			t.Fatalf("%s: %d versions", w, len(items))
		}
		for i, item := range items {
			b := common
			b.version = byID[i]
			r.check(fmt.Sprintf("%s.value[%d]", w, i), object(t, w, item), b)
		}
	}})
	latest := common
	latest.version, latest.deleted = created[2], true
	steps = append(steps, step{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, latest) }})
	r.verify(steps)
}

func TestRecordedListDeletedSecrets(t *testing.T) {
	t.Parallel()
	r := newReplay(t, api2026)
	names := []string{"secret13245351623", "secret23245351623"}
	for i, name := range names {
		_, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr(fmt.Sprintf("value%d3245351623", i+1))}, nil)
		r.must(err)
		_, err = r.c.DeleteSecret(ctx(t), name, nil)
		r.must(err)
	}
	for _, name := range names {
		r.untilNot(http.StatusNotFound, func() error { _, err := r.c.GetDeletedSecret(ctx(t), name, nil); return err })
	}
	pager := r.c.NewListDeletedSecretPropertiesPager(nil)
	for pager.More() {
		_, err := pager.NextPage(ctx(t))
		r.must(err)
	}
	for _, name := range names {
		_, err := r.c.PurgeDeletedSecret(ctx(t), name, nil)
		r.must(err)
	}

	steps := []step{r.challenge("/secrets/" + names[0])}
	for i, name := range names {
		value := fmt.Sprintf("value%d3245351623", i+1)
		steps = append(steps,
			step{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, bundle{name: name, value: ptr(value)}) }},
			step{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, bundle{name: name, deleted: true}) }})
	}
	for i, name := range names {
		steps = append(steps, step{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, while: 404, started: 2 + 2*i,
			window: r.faults.DeleteDelay, check: r.deletedNotFound(name)})
	}
	steps = append(steps, step{method: http.MethodGet, path: "/deletedsecrets", status: 200, check: func(w string, o obj) {
		keys(t, w, o, "value", "nextLink")
		if o["nextLink"] != nil {
			t.Errorf("%s: nextLink %v, recorded null", w, o["nextLink"])
		}
		items, _ := o["value"].([]any)
		if len(items) != len(names) {
			t.Fatalf("%s: %d items", w, len(items))
		}
		for i, item := range items {
			r.check(fmt.Sprintf("%s.value[%d]", w, i), object(t, w, item), bundle{name: names[i], deleted: true, versionless: true})
		}
	}})
	for _, name := range names {
		steps = append(steps, step{method: http.MethodDelete, path: "/deletedsecrets/" + name, status: 204, check: r.noBody})
	}
	r.verify(steps)
}

func TestRecordedRecover(t *testing.T) {
	t.Parallel()
	r := newReplay(t, api2026)
	const name, value = "secret422508987", "value422508987"
	set, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr(value)}, nil)
	r.must(err)
	_, err = r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)
	r.untilNot(http.StatusNotFound, func() error { _, err := r.c.GetDeletedSecret(ctx(t), name, nil); return err })
	recovered, err := r.c.RecoverDeletedSecret(ctx(t), name, nil)
	r.must(err)
	var got azsecrets.GetSecretResponse
	r.untilNot(http.StatusNotFound, func() error {
		var err error
		got, err = r.c.GetSecret(ctx(t), name, "", nil)
		return err
	})
	if *recovered.ID != *set.ID || *got.Value != value || *got.ID != *set.ID || !got.Attributes.Updated.Equal(*set.Attributes.Updated) {
		t.Errorf("recovered %s, then read %s %q: recorded the original id, value and attributes", *recovered.ID, *got.ID, *got.Value)
	}
	_, err = r.c.DeleteSecret(ctx(t), name, nil) // clean-up
	r.must(err)

	v := set.ID.Version()
	plain := bundle{name: name, version: v}
	withValue, deleted := plain, plain
	withValue.value, deleted.deleted = ptr(value), true
	r.verify([]step{
		r.challenge("/secrets/" + name),
		{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, withValue) }},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
		{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, while: 404, started: 2, window: r.faults.DeleteDelay, check: r.deletedNotFound(name)},
		{method: http.MethodPost, path: "/deletedsecrets/" + name + "/recover", status: 200, check: func(w string, o obj) { r.check(w, o, plain) }},
		{method: http.MethodGet, path: "/secrets/" + name + "/", status: 200, while: 404, started: 4, window: r.faults.RecoverDelay, check: func(w string, o obj) {
			r.kvErr(w, o, "SecretNotFound", "A secret with (name/id) "+name+" was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")
		}},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
	})
	final := r.wire.log[len(r.wire.log)-2]
	r.check("read after recovery", decodeWire(t, "read after recovery", final), withValue)
}

// previousVersion is a certificate's; a plain secret has none (checked by
// the exact key sets above, and here by name).
func TestRecordedSecretPreviousVersion(t *testing.T) {
	t.Parallel()
	r := newReplay(t, "2025-07-01")
	const name = "secretversion3941084264"
	v1, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr("value13941084264")}, nil)
	r.must(err)
	v2, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr("value23941084264")}, nil)
	r.must(err)
	for _, version := range []string{v2.ID.Version(), v2.ID.Version(), v1.ID.Version(), ""} {
		got, err := r.c.GetSecret(ctx(t), name, version, nil)
		r.must(err)
		if got.PreviousVersion != nil {
			t.Errorf("previousVersion %q on a plain secret", *got.PreviousVersion)
		}
	}
	_, err = r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)

	b1 := bundle{name: name, version: v1.ID.Version(), value: ptr("value13941084264")}
	b2 := bundle{name: name, version: v2.ID.Version(), value: ptr("value23941084264")}
	get := func(path string, b bundle) step {
		return step{method: http.MethodGet, path: path, status: 200, check: func(w string, o obj) { r.check(w, o, b) }}
	}
	r.verify([]step{
		r.challenge("/secrets/" + name),
		{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, b1) }},
		{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, b2) }},
		get("/secrets/"+name+"/"+b2.version, b2),
		get("/secrets/"+name+"/"+b2.version, b2),
		get("/secrets/"+name+"/"+b1.version, b1),
		get("/secrets/"+name+"/", b2),
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) {
			r.check(w, o, bundle{name: name, version: b2.version, deleted: true})
		}},
	})
}

func TestRecordedDeletedSecretPreviousVersion(t *testing.T) {
	t.Parallel()
	r := newReplay(t, "2025-07-01")
	const name = "deletedsecretversion1921896113"
	_, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr("value11921896113")}, nil)
	r.must(err)
	v2, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr("value21921896113")}, nil)
	r.must(err)
	_, err = r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)
	r.untilNot(http.StatusNotFound, func() error { _, err := r.c.GetDeletedSecret(ctx(t), name, nil); return err })
	got, err := r.c.GetDeletedSecret(ctx(t), name, nil)
	r.must(err)
	if got.PreviousVersion != nil {
		t.Errorf("previousVersion %q on a plain deleted secret", *got.PreviousVersion)
	}
	_, err = r.c.PurgeDeletedSecret(ctx(t), name, nil)
	r.must(err)

	deleted := bundle{name: name, version: v2.ID.Version(), deleted: true}
	r.verify([]step{
		r.challenge("/secrets/" + name),
		{method: http.MethodPut, path: "/secrets/" + name, status: 200},
		{method: http.MethodPut, path: "/secrets/" + name, status: 200},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
		{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, while: 404, started: 3, window: r.faults.DeleteDelay, check: r.deletedNotFound(name)},
		{method: http.MethodGet, path: "/deletedsecrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, deleted) }},
		{method: http.MethodDelete, path: "/deletedsecrets/" + name, status: 204, check: r.noBody},
	})
}

func TestRecordedGetSecretWithOutContentType(t *testing.T) {
	t.Parallel()
	r := newReplay(t, "2025-07-01")
	const name, value = "secretcontenttype2250812526", "value2250812526"
	_, err := r.c.SetSecret(ctx(t), name, azsecrets.SetSecretParameters{Value: ptr(value), ContentType: ptr("text/plain")}, nil)
	r.must(err)
	_, err = r.c.GetSecret(ctx(t), name, "", nil)
	r.must(err)
	pem := azsecrets.ContentTypePEM
	_, err = r.c.GetSecret(ctx(t), name, "", &azsecrets.GetSecretOptions{OutContentType: &pem})
	responseError(t, err, http.StatusBadRequest, "BadParameter")
	_, err = r.c.DeleteSecret(ctx(t), name, nil)
	r.must(err)

	b := bundle{name: name, value: ptr(value), contentType: "text/plain"}
	r.verify([]step{
		r.challenge("/secrets/" + name),
		{method: http.MethodPut, path: "/secrets/" + name, status: 200, check: func(w string, o obj) { r.check(w, o, b) }},
		{method: http.MethodGet, path: "/secrets/" + name + "/", status: 200, check: func(w string, o obj) { r.check(w, o, b) }},
		{method: http.MethodGet, path: "/secrets/" + name + "/", query: "outContentType=application%2Fx-pem-file", status: 400, check: func(w string, o obj) {
			r.kvErr(w, o, "BadParameter", "The 'Unsupported' to 'PEM' transformation is not supported. Only PFX to PEM transformation is supported.")
		}},
		{method: http.MethodDelete, path: "/secrets/" + name, status: 200, check: func(w string, o obj) {
			r.check(w, o, bundle{name: name, contentType: "text/plain", deleted: true})
		}},
	})
}

var _ policy.Transporter = (*wireLog)(nil) // the client's transport
