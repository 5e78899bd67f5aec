package emulator

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Faults are the failures injected into data-plane requests (never into the
// token or management endpoints). The zero value injects nothing.
type Faults struct {
	Latency          time.Duration // added to every data-plane request
	ThrottleShare    float64       // 0..1 share of data-plane requests answered 429 Throttled
	RetryAfter       time.Duration // Retry-After on 429 (whole seconds, min 1s; 0 => "1")
	ServerErrorShare float64       // 0..1 share answered 500/503 with a Key Vault error body
	DropShare        float64       // 0..1 share whose connection is closed with no response
	DeleteDelay      time.Duration // DELETE: the secret stays "being deleted" (409 ObjectIsBeingDeleted) this long
	RecoverDelay     time.Duration // recover: "being recovered" (409 ObjectIsBeingRecovered) this long
}

type faultKind int

const (
	faultNone faultKind = iota
	faultDrop
	faultThrottle
	faultServerError
)

// draw decides the fate of one request. Each share is an independent draw,
// so the configured share is what a client observes for each kind.
func (f *Faults) draw() faultKind {
	switch {
	case hit(f.DropShare):
		return faultDrop
	case hit(f.ThrottleShare):
		return faultThrottle
	case hit(f.ServerErrorShare):
		return faultServerError
	}
	return faultNone
}

func hit(share float64) bool { return share > 0 && rand.Float64() < share }

// retryAfterSeconds is the Retry-After header value: Key Vault sends whole
// seconds, and azcore waits that long before retrying.
func (f *Faults) retryAfterSeconds() int {
	return max(1, int((f.RetryAfter+time.Second-1)/time.Second))
}

// sleep waits d unless the client goes away first.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func writeThrottled(w http.ResponseWriter, f *Faults) {
	w.Header().Set("Retry-After", strconv.Itoa(f.retryAfterSeconds()))
	(&kvError{status: http.StatusTooManyRequests, code: codeThrottled,
		message: "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}).write(w)
}

func writeServerError(w http.ResponseWriter) {
	if rand.IntN(2) == 0 {
		(&kvError{status: http.StatusInternalServerError, code: codeInternal,
			message: "An unexpected error occurred while processing the request (injected by the emulator)."}).write(w)
		return
	}
	(&kvError{status: http.StatusServiceUnavailable, code: codeUnavailable,
		message: "The service is temporarily unavailable (injected by the emulator). Please retry."}).write(w)
}

// dropConnection closes the client's connection without answering, as a
// network failure or a crashed front end would.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): abort the handler, which resets the stream.
	panic(http.ErrAbortHandler)
}

// faultsJSON is the management form of Faults: durations in milliseconds
// (Retry-After in seconds, as the header carries it). Pointers let PUT
// merge: absent fields keep their values.
type faultsJSON struct {
	LatencyMS         *int64   `json:"latency_ms"`
	ThrottleShare     *float64 `json:"throttle_share"`
	RetryAfterSeconds *float64 `json:"retry_after_seconds"`
	ServerErrorShare  *float64 `json:"server_error_share"`
	DropShare         *float64 `json:"drop_share"`
	DeleteDelayMS     *int64   `json:"delete_delay_ms"`
	RecoverDelayMS    *int64   `json:"recover_delay_ms"`
}

func faultsToJSON(f Faults) faultsJSON {
	ms := func(d time.Duration) *int64 { v := d.Milliseconds(); return &v }
	ra := f.RetryAfter.Seconds()
	return faultsJSON{
		LatencyMS: ms(f.Latency), ThrottleShare: &f.ThrottleShare, RetryAfterSeconds: &ra,
		ServerErrorShare: &f.ServerErrorShare, DropShare: &f.DropShare,
		DeleteDelayMS: ms(f.DeleteDelay), RecoverDelayMS: ms(f.RecoverDelay),
	}
}

// mergeInto applies the fields present in j onto f.
func (j faultsJSON) mergeInto(f *Faults) {
	ms := func(p *int64, d *time.Duration) {
		if p != nil {
			*d = time.Duration(*p) * time.Millisecond
		}
	}
	share := func(p *float64, s *float64) {
		if p != nil {
			*s = min(max(*p, 0), 1)
		}
	}
	ms(j.LatencyMS, &f.Latency)
	ms(j.DeleteDelayMS, &f.DeleteDelay)
	ms(j.RecoverDelayMS, &f.RecoverDelay)
	share(j.ThrottleShare, &f.ThrottleShare)
	share(j.ServerErrorShare, &f.ServerErrorShare)
	share(j.DropShare, &f.DropShare)
	if j.RetryAfterSeconds != nil {
		f.RetryAfter = time.Duration(*j.RetryAfterSeconds * float64(time.Second))
	}
}
