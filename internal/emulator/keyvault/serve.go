package keyvault

import (
	"net/http"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/uuid"
)

// ServeHTTP runs one data-plane request: latency, then the injected faults,
// then the bearer token (401 challenge), the vault's rate limit (429,
// counting authenticated requests that are not refused), the path (404 for
// what Key Vault does not serve, 400 for an invalid name), the api-version
// (400), the role (403), and the operation. Every request lands in the
// counts and the audit log.
func (v *Vault) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, refusal := v.resolve(r)
	f := v.faults.Load()
	sleep(r.Context(), f.Latency)
	who, authErr := v.auth.Authenticate(r)

	rec := &statusRecorder{ResponseWriter: w}
	entry := AuditEntry{Time: v.now(), Principal: who.Name, Operation: op.name, SecretName: r.PathValue("name")}
	defer func() {
		entry.Status = rec.status
		v.stats.record(entry)
	}()
	rec.Header().Set("x-ms-request-id", uuid.New())
	rec.Header().Set("x-ms-keyvault-service-version", "1.9.3347.1")
	rec.Header().Set("Cache-Control", "no-cache")

	if injectFault(w, rec, f) {
		return
	}
	if authErr != nil {
		v.challenge(rec, r, authErr.Error())
		return
	}
	if ok, retryAfter := v.limiter.Load().admit(time.Now()); !ok {
		writeThrottled(rec, retryAfter)
		return
	}
	switch {
	case refusal != nil:
		refusal.write(rec)
	case r.URL.Query().Get("api-version") == "":
		badParameter("The 'api-version' query parameter is required.").write(rec)
	case !allowed(who.Role, op):
		v.forbidden(r, who, op, r.PathValue("name")).write(rec)
	default:
		op.serve(v, rec, r)
	}
}

// injectFault answers the request with the fault f draws for it, if any,
// and reports whether it did. A dropped connection is the client's own
// connection (w), closed before anything is written.
func injectFault(w http.ResponseWriter, rec *statusRecorder, f *Faults) bool {
	switch f.draw() {
	case faultDrop:
		dropConnection(w)
	case faultThrottle:
		writeThrottled(rec, f.RetryAfter)
	case faultServerError:
		writeServerError(rec)
	default:
		return false
	}
	return true
}

// statusRecorder remembers the status written, for the audit log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}
