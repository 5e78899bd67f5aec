package emulator

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/uuid"
)

// Key Vault's limits on secrets.
const (
	maxNameLen        = 127
	maxValueBytes     = 25 * 1024
	maxTags           = 15
	maxTagNameLen     = 512
	maxTagValueLen    = 256
	maxContentTypeLen = 255
	maxPageSize       = 25
	maxBodyBytes      = 1 << 20 // far above any valid request; stops a runaway client
)

// route is a data-plane request resolved from its method and path.
type route struct {
	op      string
	name    string // secret name as sent ("" for lists and restore)
	version string // "" for the latest
	handle  func(e *Emulator, w http.ResponseWriter, r *http.Request, rt route)
	err     *kvError // the request cannot be served (unknown path, bad name)
}

// serveSecrets runs one data-plane request: latency, then the injected
// faults, then the bearer token (401 challenge), the vault's rate limit
// (429, counting authenticated requests that are not refused), the role
// (403), and the operation. Every request lands in the counts and the audit
// log.
func (e *Emulator) serveSecrets(w http.ResponseWriter, r *http.Request, segs []string) {
	rt := routeSecrets(r.Method, segs)
	f := e.faults.Load()
	sleep(r.Context(), f.Latency)
	who, failure := e.authenticate(r)

	rec := &statusRecorder{ResponseWriter: w}
	entry := AuditEntry{Time: e.now(), Principal: who.name(), Operation: rt.op, SecretName: rt.name}
	defer func() {
		entry.Status = rec.status
		e.stats.record(entry)
	}()
	rec.Header().Set("x-ms-request-id", uuid.New())
	rec.Header().Set("x-ms-keyvault-service-version", "1.9.3347.1")
	rec.Header().Set("Cache-Control", "no-cache")

	switch f.draw() {
	case faultDrop:
		dropConnection(w)
		return
	case faultThrottle:
		writeThrottled(rec, f.RetryAfter)
		return
	case faultServerError:
		writeServerError(rec)
		return
	}
	if failure != "" {
		e.challenge(rec, r, failure)
		return
	}
	if ok, retryAfter := e.limiter.Load().admit(time.Now()); !ok {
		writeThrottled(rec, retryAfter)
		return
	}
	switch {
	case rt.err != nil:
		rt.err.write(rec)
	case r.URL.Query().Get("api-version") == "":
		badParameter("The 'api-version' query parameter is required.").write(rec)
	case !allowed(who.role(), rt.op):
		e.forbidden(r, who, rt.op, rt.name).write(rec)
	default:
		rt.handle(e, rec, r, rt)
	}
}

// routeSecrets maps a method and path (split on "/", first segment
// "secrets" or "deletedsecrets") to an operation.
func routeSecrets(method string, segs []string) route {
	n := len(segs)
	trailing := segs[n-1] == "" // "/secrets/{name}/" is the latest version
	if trailing {
		n--
	}
	var rt route
	if segs[0] == "secrets" {
		switch {
		case n == 1 && method == http.MethodGet:
			rt = route{op: OpListSecrets, handle: (*Emulator).listSecrets}
		case n == 2 && segs[1] == "restore" && method == http.MethodPost:
			rt = route{op: OpRestoreSecret, handle: (*Emulator).restoreSecret}
		case n == 2 && method == http.MethodPut:
			rt = route{op: OpSetSecret, handle: (*Emulator).setSecret}
		case n == 2 && method == http.MethodGet:
			rt = route{op: OpGetSecret, handle: (*Emulator).getSecret}
		case n == 2 && method == http.MethodPatch:
			rt = route{op: OpUpdateSecret, handle: (*Emulator).updateSecret}
		case n == 2 && method == http.MethodDelete:
			rt = route{op: OpDeleteSecret, handle: (*Emulator).deleteSecret}
		case n == 3 && segs[2] == "versions" && method == http.MethodGet:
			rt = route{op: OpListSecretVersions, handle: (*Emulator).listVersions}
		case n == 3 && segs[2] == "backup" && method == http.MethodPost:
			rt = route{op: OpBackupSecret, handle: (*Emulator).backupSecret}
		case n == 3 && method == http.MethodGet:
			rt = route{op: OpGetSecret, version: segs[2], handle: (*Emulator).getSecret}
		case n == 3 && method == http.MethodPatch:
			rt = route{op: OpUpdateSecret, version: segs[2], handle: (*Emulator).updateSecret}
		default:
			return unknownRoute(method)
		}
	} else {
		switch {
		case n == 1 && method == http.MethodGet:
			rt = route{op: OpListDeletedSecrets, handle: (*Emulator).listDeletedSecrets}
		case n == 2 && method == http.MethodGet:
			rt = route{op: OpGetDeletedSecret, handle: (*Emulator).getDeletedSecret}
		case n == 2 && method == http.MethodDelete:
			rt = route{op: OpPurgeDeletedSecret, handle: (*Emulator).purgeDeletedSecret}
		case n == 3 && segs[2] == "recover" && method == http.MethodPost:
			rt = route{op: OpRecoverDeletedSecret, handle: (*Emulator).recoverDeletedSecret}
		default:
			return unknownRoute(method)
		}
	}
	if n >= 2 && rt.op != OpRestoreSecret {
		rt.name = segs[1]
		if !validName(rt.name) {
			rt.err = badParameter("The request URI contains an invalid name: %s. Secret names may only contain alphanumeric characters and dashes and must be between 1 and %d characters long.", rt.name, maxNameLen)
		}
	}
	return rt
}

func unknownRoute(method string) route {
	return route{op: OpUnknown, err: &kvError{status: http.StatusNotFound, code: codeNotFound,
		message: fmt.Sprintf("The requested resource or method (%s) is not served by this Key Vault (secrets only).", method)}}
}

// validName is Key Vault's ^[0-9a-zA-Z-]{1,127}$.
func validName(name string) bool {
	if name == "" || len(name) > maxNameLen {
		return false
	}
	for _, c := range []byte(name) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// decodeBody reads a JSON request body; only operations that need one call it,
// after authentication.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) *kvError {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return badParameter("The request body is larger than %d bytes.", maxBodyBytes)
		}
		return badParameter("The request body could not be read.")
	}
	if len(data) == 0 {
		return badParameter("The request body is empty; a JSON object is required.")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return badParameter("The request body is not a valid JSON object for this operation: %v", err)
	}
	return nil
}

func checkContentType(ct *string) *kvError {
	if ct != nil && len(*ct) > maxContentTypeLen {
		return badParameter("The content type must be at most %d characters long; it is %d.", maxContentTypeLen, len(*ct))
	}
	return nil
}

func checkTags(tags map[string]string) *kvError {
	if len(tags) > maxTags {
		return badParameter("Too many tags: %d. A secret can have at most %d tags.", len(tags), maxTags)
	}
	for k, v := range tags {
		if k == "" || len(k) > maxTagNameLen {
			return badParameter("Tag names must be between 1 and %d characters long.", maxTagNameLen)
		}
		if len(v) > maxTagValueLen {
			return badParameter("The value of tag %s is longer than %d characters.", k, maxTagValueLen)
		}
	}
	return nil
}

func (e *Emulator) setSecret(w http.ResponseWriter, r *http.Request, rt route) {
	var req wireSetRequest
	if err := decodeBody(w, r, &req); err != nil {
		err.write(w)
		return
	}
	if req.Value == nil {
		badParameter("The request body must contain the secret's 'value'.").write(w)
		return
	}
	if len(*req.Value) > maxValueBytes {
		badParameter("The secret value is %d bytes; Key Vault accepts at most %d bytes.", len(*req.Value), maxValueBytes).write(w)
		return
	}
	if err := checkContentType(req.ContentType); err != nil {
		err.write(w)
		return
	}
	if err := checkTags(req.Tags); err != nil {
		err.write(w)
		return
	}
	v := secretVersion{Value: *req.Value, Tags: maps.Clone(req.Tags), Enabled: true}
	if req.ContentType != nil {
		v.ContentType = *req.ContentType
	}
	if a := req.Attributes; a != nil {
		if a.Enabled != nil {
			v.Enabled = *a.Enabled
		}
		v.NotBefore, v.Expires = a.NotBefore, a.Expires
	}
	vv, err := e.store.set(rt.name, v, e.now())
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{value: true}))
}

func (e *Emulator) getSecret(w http.ResponseWriter, r *http.Request, rt route) {
	vv, err := e.store.get(rt.name, rt.version, e.now())
	if err != nil {
		err.write(w)
		return
	}
	if !vv.v.Enabled {
		secretDisabled().write(w)
		return
	}
	if out := r.URL.Query().Get("outContentType"); out != "" {
		value, contentType, err := transform(vv.v, out)
		if err != nil {
			err.write(w)
			return
		}
		vv.v.Value, vv.v.ContentType = value, contentType
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{value: true}))
}

func (e *Emulator) updateSecret(w http.ResponseWriter, r *http.Request, rt route) {
	var req wireUpdateRequest
	if err := decodeBody(w, r, &req); err != nil {
		err.write(w)
		return
	}
	p := secretPatch{ContentType: req.ContentType}
	if err := checkContentType(req.ContentType); err != nil {
		err.write(w)
		return
	}
	if req.Tags != nil {
		if err := checkTags(*req.Tags); err != nil {
			err.write(w)
			return
		}
		p.Tags, p.TagsSet = maps.Clone(*req.Tags), true
	}
	if a := req.Attributes; a != nil {
		p.Enabled, p.NotBefore, p.Expires = a.Enabled, a.NotBefore, a.Expires
	}
	vv, err := e.store.update(rt.name, rt.version, p, e.now())
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{}))
}

func (e *Emulator) deleteSecret(w http.ResponseWriter, r *http.Request, rt route) {
	vv, err := e.store.delete(rt.name, e.now(), e.faults.Load().DeleteDelay)
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{}))
}

func (e *Emulator) getDeletedSecret(w http.ResponseWriter, r *http.Request, rt route) {
	vv, err := e.store.getDeleted(rt.name, e.now())
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{}))
}

func (e *Emulator) purgeDeletedSecret(w http.ResponseWriter, _ *http.Request, rt route) {
	if err := e.store.purge(rt.name, e.now(), e.faults.Load().PurgeDelay); err != nil {
		err.write(w)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) recoverDeletedSecret(w http.ResponseWriter, r *http.Request, rt route) {
	vv, err := e.store.recover(rt.name, e.now(), e.faults.Load().RecoverDelay)
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{}))
}

func (e *Emulator) backupSecret(w http.ResponseWriter, _ *http.Request, rt route) {
	blob, err := e.store.backup(rt.name, e.now())
	if err != nil {
		err.write(w)
		return
	}
	data, serr := e.backupKey.seal(blob)
	if serr != nil {
		(&kvError{status: http.StatusInternalServerError, code: codeInternal, message: "backup failed"}).write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, wireBackup{Value: base64.RawURLEncoding.EncodeToString(data)})
}

func (e *Emulator) restoreSecret(w http.ResponseWriter, r *http.Request, _ route) {
	var req wireBackup
	if err := decodeBody(w, r, &req); err != nil {
		err.write(w)
		return
	}
	blob, err := e.backupKey.open(req.Value)
	if err != nil {
		err.write(w)
		return
	}
	nameInUse := func() *kvError {
		return restoreConflict(baseURL(r) + "/secrets/" + blob.Name + "/" + blob.Versions[len(blob.Versions)-1].ID)
	}
	vv, err := e.store.restore(blob, e.now(), nameInUse)
	if err != nil {
		err.write(w)
		return
	}
	httpjson.Write(w, http.StatusOK, e.bundle(r, vv, bundleOptions{}))
}

// pageRequest is the paging part of a list request.
type pageRequest struct {
	max      int
	maxGiven bool
	after    string // the last key (lists by name) or version id (versions) of the previous page
}

// skipToken is the continuation carried in nextLink's $skiptoken, opaque to
// clients like the service's own.
type skipToken struct {
	After string `json:"k,omitempty"`
}

func parsePage(r *http.Request) (pageRequest, *kvError) {
	q := r.URL.Query()
	p := pageRequest{max: maxPageSize}
	if s := q.Get("maxresults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return p, badParameter("Invalid maxresults %q: it must be an integer between 1 and %d.", s, maxPageSize)
		}
		p.max, p.maxGiven = n, true
	}
	if s := q.Get("$skiptoken"); s != "" {
		var t skipToken
		data, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || json.Unmarshal(data, &t) != nil {
			return p, badParameter("The $skiptoken is invalid.")
		}
		p.after = t.After
	}
	return p, nil
}

// nextLink is the absolute URL of the next page; it carries the
// api-version, like the service's, so it can be followed as is.
func (e *Emulator) nextLink(r *http.Request, path string, p pageRequest, t skipToken) *string {
	data, _ := json.Marshal(t)
	link := baseURL(r) + path + "?api-version=" + url.QueryEscape(r.URL.Query().Get("api-version")) +
		"&$skiptoken=" + base64.RawURLEncoding.EncodeToString(data)
	if p.maxGiven {
		link += "&maxresults=" + strconv.Itoa(p.max)
	}
	return &link
}

func (e *Emulator) listSecrets(w http.ResponseWriter, r *http.Request, _ route) {
	e.listByName(w, r, listLive, "/secrets")
}

func (e *Emulator) listDeletedSecrets(w http.ResponseWriter, r *http.Request, _ route) {
	e.listByName(w, r, listDeleted, "/deletedsecrets")
}

func (e *Emulator) listByName(w http.ResponseWriter, r *http.Request, kind listKind, path string) {
	p, err := parsePage(r)
	if err != nil {
		err.write(w)
		return
	}
	views, last, more := e.store.list(kind, p.after, p.max, e.now())
	page := wirePage{Value: make([]wireBundle, 0, len(views))}
	for _, vv := range views {
		page.Value = append(page.Value, e.bundle(r, vv, bundleOptions{versionless: true}))
	}
	if more {
		page.NextLink = e.nextLink(r, path, p, skipToken{After: last})
	}
	httpjson.Write(w, http.StatusOK, page)
}

func (e *Emulator) listVersions(w http.ResponseWriter, r *http.Request, rt route) {
	p, err := parsePage(r)
	if err != nil {
		err.write(w)
		return
	}
	views, more, err := e.store.listVersions(rt.name, p.after, p.max, e.now())
	if err != nil {
		err.write(w)
		return
	}
	page := wirePage{Value: make([]wireBundle, 0, len(views))}
	for _, vv := range views {
		page.Value = append(page.Value, e.bundle(r, vv, bundleOptions{}))
	}
	if more {
		page.NextLink = e.nextLink(r, "/secrets/"+rt.name+"/versions", p, skipToken{After: views[len(views)-1].v.ID})
	}
	httpjson.Write(w, http.StatusOK, page)
}
