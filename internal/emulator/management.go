package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/route"
)

// managementSegment is the first path segment of the management API; Key
// Vault paths never start with an underscore.
const managementSegment = "_emulator"

// managementRoutes is the management API (no token: it is the tests' back
// door, reachable only by whoever can reach the emulator); the package
// documentation describes each endpoint. Paths match as the data plane's
// do (internal/emulator/internal/route): one trailing slash is ignored.
func (e *Emulator) managementRoutes() *route.Table[http.HandlerFunc] {
	t := route.New[http.HandlerFunc](e.serveUnknownEndpoint)
	for pattern, serve := range map[string]http.HandlerFunc{
		"POST /_emulator/reset":                              e.serveReset,
		"GET /_emulator/counts":                              e.serveCounts,
		"DELETE /_emulator/counts":                           e.serveResetCounts,
		"GET /_emulator/audit":                               e.serveAudit,
		"GET /_emulator/faults":                              e.serveFaults,
		"PUT /_emulator/faults":                              e.serveSetFaults,
		"GET /_emulator/clock":                               e.serveClock,
		"PUT /_emulator/clock":                               e.serveSetClock,
		"GET /_emulator/issuers":                             e.identity.ServeIssuerList,
		"POST /_emulator/issuers/{name}/tokens":              e.identity.ServeIssuerToken,
		"/_emulator/principals/{name}/federated_credentials": e.serveFederatedCredentials,
	} {
		t.Add(pattern, serve)
	}
	return t
}

func (e *Emulator) serveUnknownEndpoint(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/"+managementSegment), "/")
	httpjson.ManagementError(w, http.StatusNotFound, "unknown management endpoint "+r.Method+" /"+managementSegment+"/"+endpoint+
		"; see the package documentation of internal/emulator")
}

func (e *Emulator) serveReset(w http.ResponseWriter, _ *http.Request) {
	e.Reset()
	w.WriteHeader(http.StatusNoContent)
}

// serveCounts answers the counts per operation, or per HTTP status with
// ?by=status.
func (e *Emulator) serveCounts(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("by") != "status" {
		httpjson.Write(w, http.StatusOK, e.RequestCounts())
		return
	}
	byStatus := map[string]int{}
	for status, n := range e.StatusCounts() {
		byStatus[strconv.Itoa(status)] = n
	}
	httpjson.Write(w, http.StatusOK, byStatus)
}

func (e *Emulator) serveResetCounts(w http.ResponseWriter, _ *http.Request) {
	e.ResetRequestCounts()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) serveAudit(w http.ResponseWriter, _ *http.Request) {
	httpjson.Write(w, http.StatusOK, e.AuditLog())
}

func (e *Emulator) serveFaults(w http.ResponseWriter, _ *http.Request) {
	httpjson.Write(w, http.StatusOK, faultsToJSON(e.Faults()))
}

// serveSetFaults merges: the fields present replace the current values.
func (e *Emulator) serveSetFaults(w http.ResponseWriter, r *http.Request) {
	var j faultsJSON
	if !httpjson.DecodeManagement(w, r, &j) {
		return
	}
	f := e.Faults()
	j.mergeInto(&f)
	e.SetFaults(f)
	httpjson.Write(w, http.StatusOK, faultsToJSON(e.Faults()))
}

// clockJSON is the management form of the clock offset. PUT accepts either
// field; GET answers both offset_seconds and now.
type clockJSON struct {
	OffsetSeconds *float64 `json:"offset_seconds,omitempty"`
	Offset        string   `json:"offset,omitempty"` // Go duration, e.g. "1h30m"
	Now           string   `json:"now,omitempty"`
}

func (e *Emulator) serveClock(w http.ResponseWriter, _ *http.Request) {
	secs := e.ClockOffset().Seconds()
	httpjson.Write(w, http.StatusOK, clockJSON{OffsetSeconds: &secs, Offset: e.ClockOffset().String(), Now: e.now().UTC().Format(time.RFC3339)})
}

func (e *Emulator) serveSetClock(w http.ResponseWriter, r *http.Request) {
	var j clockJSON
	if !httpjson.DecodeManagement(w, r, &j) {
		return
	}
	switch {
	case j.OffsetSeconds != nil:
		e.SetClockOffset(time.Duration(*j.OffsetSeconds * float64(time.Second)))
	case j.Offset != "":
		d, err := time.ParseDuration(j.Offset)
		if err != nil {
			httpjson.ManagementError(w, http.StatusBadRequest, "offset: "+err.Error())
			return
		}
		e.SetClockOffset(d)
	default:
		httpjson.ManagementError(w, http.StatusBadRequest, `send {"offset_seconds": N} or {"offset": "1h"}`)
		return
	}
	e.serveClock(w, r)
}

// serveFederatedCredentials is the identity side's endpoint; a method it
// does not serve is an unknown endpoint.
func (e *Emulator) serveFederatedCredentials(w http.ResponseWriter, r *http.Request) {
	if !e.identity.ServeFederatedCredentials(w, r) {
		e.serveUnknownEndpoint(w, r)
	}
}
