package emulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// managementSegment is the first path segment of the management API; Key
// Vault paths never start with an underscore.
const managementSegment = "_emulator"

// clockJSON is the management form of the clock offset. PUT accepts either
// field; GET answers both offset_seconds and now.
type clockJSON struct {
	OffsetSeconds *float64 `json:"offset_seconds,omitempty"`
	Offset        string   `json:"offset,omitempty"` // Go duration, e.g. "1h30m"
	Now           string   `json:"now,omitempty"`
}

// serveManagement answers /_emulator/... (no token: it is the test's
// back door, reachable only by whoever can reach the emulator).
func (e *Emulator) serveManagement(w http.ResponseWriter, r *http.Request, segs []string) {
	endpoint := strings.Join(segs, "/")
	if len(segs) > 0 && (segs[0] == "issuers" || segs[0] == "principals") && e.serveFederationManagement(w, r, segs) {
		return
	}
	switch r.Method + " " + strings.TrimSuffix(endpoint, "/") {
	case "POST reset":
		e.Reset()
		w.WriteHeader(http.StatusNoContent)
	case "GET counts":
		if r.URL.Query().Get("by") == "status" {
			byStatus := map[string]int{}
			for status, n := range e.StatusCounts() {
				byStatus[strconv.Itoa(status)] = n
			}
			httpjson.Write(w, http.StatusOK, byStatus)
			return
		}
		httpjson.Write(w, http.StatusOK, e.RequestCounts())
	case "DELETE counts":
		e.ResetRequestCounts()
		w.WriteHeader(http.StatusNoContent)
	case "GET audit":
		httpjson.Write(w, http.StatusOK, e.AuditLog())
	case "GET faults":
		httpjson.Write(w, http.StatusOK, faultsToJSON(e.Faults()))
	case "PUT faults":
		var j faultsJSON
		if !httpjson.DecodeManagement(w, r, &j) {
			return
		}
		f := e.Faults()
		j.mergeInto(&f)
		e.SetFaults(f)
		httpjson.Write(w, http.StatusOK, faultsToJSON(e.Faults()))
	case "GET clock":
		e.writeClock(w)
	case "PUT clock":
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
		e.writeClock(w)
	default:
		httpjson.ManagementError(w, http.StatusNotFound, "unknown management endpoint "+r.Method+" /"+managementSegment+"/"+endpoint+
			"; see the package documentation of internal/emulator")
	}
}

func (e *Emulator) writeClock(w http.ResponseWriter) {
	secs := e.ClockOffset().Seconds()
	httpjson.Write(w, http.StatusOK, clockJSON{OffsetSeconds: &secs, Offset: e.ClockOffset().String(), Now: e.now().UTC().Format(time.RFC3339)})
}
