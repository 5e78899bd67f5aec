package emulator

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Faults are the failures injected into data-plane requests (never into the
// token or management endpoints), and the timings of Key Vault's own
// asynchronous behaviour and rate limit, which tests tune the same way.
//
// The zero value injects no failure and behaves as Key Vault does: each
// zero timing takes its default (DefaultDeleteDelay, DefaultRecoverDelay,
// DefaultPurgeDelay, DefaultRateLimit per DefaultRateWindow). A test that
// needs a transition to be instant sets its delay to NoDelay; one that needs
// no rate limit sets RateLimit to NoRateLimit.
type Faults struct {
	Latency          time.Duration // added to every data-plane request
	ThrottleShare    float64       // 0..1 share of data-plane requests answered 429 Throttled
	RetryAfter       time.Duration // Retry-After on 429 (whole seconds, min 1s; 0 => "1")
	ServerErrorShare float64       // 0..1 share answered 500/503 with a Key Vault error body
	DropShare        float64       // 0..1 share whose connection is closed with no response
	DeleteDelay      time.Duration // DELETE: the secret stays "being deleted" this long (0: DefaultDeleteDelay; NoDelay: instant)
	RecoverDelay     time.Duration // recover: the secret stays "being recovered" this long (0: DefaultRecoverDelay; NoDelay: instant)
	PurgeDelay       time.Duration // purge: the name stays "being purged" this long (0: DefaultPurgeDelay; NoDelay: instant)
	RateLimit        int           // transactions admitted per RateWindow, then 429 (0: DefaultRateLimit; NoRateLimit: none)
	RateWindow       time.Duration // the rate limit's sliding window (0: DefaultRateWindow)
}

// Key Vault's asynchronous operations take seconds (Microsoft's azsecrets
// recordings poll every 10 seconds and see a deleted secret, a recovered
// one and a purged name settle between two polls; Key Vault gives no SLA:
// "it will depend on number of versions"). The defaults keep the waits real
// but short enough for a test suite; kvemulator's flags set the seconds.
const (
	DefaultDeleteDelay  = 200 * time.Millisecond
	DefaultRecoverDelay = 200 * time.Millisecond
	DefaultPurgeDelay   = 200 * time.Millisecond
	// NoDelay, as DeleteDelay, RecoverDelay or PurgeDelay, makes that
	// transition instant (which Key Vault never is).
	NoDelay time.Duration = -1
)

// Key Vault's documented rate limit for secrets: 4,000 transactions per 10
// seconds per vault ("Azure Key Vault service limits",
// https://learn.microsoft.com/en-us/azure/key-vault/general/service-limits).
const (
	DefaultRateLimit  = 4000
	DefaultRateWindow = 10 * time.Second
	// NoRateLimit, as RateLimit, admits every request.
	NoRateLimit = -1
)

// withDefaults resolves the zero timings to their defaults and clamps the
// shares, so that the stored faults say what is in effect.
func (f Faults) withDefaults() Faults {
	f.ThrottleShare = min(max(f.ThrottleShare, 0), 1)
	f.ServerErrorShare = min(max(f.ServerErrorShare, 0), 1)
	f.DropShare = min(max(f.DropShare, 0), 1)
	delay := func(d *time.Duration, def time.Duration) {
		switch {
		case *d == 0:
			*d = def
		case *d < 0:
			*d = NoDelay
		}
	}
	delay(&f.DeleteDelay, DefaultDeleteDelay)
	delay(&f.RecoverDelay, DefaultRecoverDelay)
	delay(&f.PurgeDelay, DefaultPurgeDelay)
	switch {
	case f.RateLimit == 0:
		f.RateLimit = DefaultRateLimit
	case f.RateLimit < 0:
		f.RateLimit = NoRateLimit
	}
	if f.RateWindow <= 0 {
		f.RateWindow = DefaultRateWindow
	}
	return f
}

// transition is the length of a transition with delay d (NoDelay: none).
func transition(d time.Duration) time.Duration { return max(d, 0) }

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

// writeThrottled answers Key Vault's 429, asking the client to wait
// retryAfter (whole seconds, at least one, as the service sends it).
func writeThrottled(w http.ResponseWriter, retryAfter time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int((retryAfter+time.Second-1)/time.Second))))
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
// merge: absent fields keep their values. A delay of 0 is an instant
// transition and a rate_limit of 0 no limit, so that GET answers what is in
// effect and PUT of what GET answered changes nothing.
type faultsJSON struct {
	LatencyMS         *int64   `json:"latency_ms"`
	ThrottleShare     *float64 `json:"throttle_share"`
	RetryAfterSeconds *float64 `json:"retry_after_seconds"`
	ServerErrorShare  *float64 `json:"server_error_share"`
	DropShare         *float64 `json:"drop_share"`
	DeleteDelayMS     *int64   `json:"delete_delay_ms"`
	RecoverDelayMS    *int64   `json:"recover_delay_ms"`
	PurgeDelayMS      *int64   `json:"purge_delay_ms"`
	RateLimit         *int     `json:"rate_limit"`
	RateWindowMS      *int64   `json:"rate_window_ms"`
}

func faultsToJSON(f Faults) faultsJSON {
	ms := func(d time.Duration) *int64 { v := max(d, 0).Milliseconds(); return &v }
	ra := f.RetryAfter.Seconds()
	limit := max(f.RateLimit, 0)
	return faultsJSON{
		LatencyMS: ms(f.Latency), ThrottleShare: &f.ThrottleShare, RetryAfterSeconds: &ra,
		ServerErrorShare: &f.ServerErrorShare, DropShare: &f.DropShare,
		DeleteDelayMS: ms(f.DeleteDelay), RecoverDelayMS: ms(f.RecoverDelay), PurgeDelayMS: ms(f.PurgeDelay),
		RateLimit: &limit, RateWindowMS: ms(f.RateWindow),
	}
}

// mergeInto applies the fields present in j onto f.
func (j faultsJSON) mergeInto(f *Faults) {
	ms := func(p *int64, d *time.Duration) {
		if p != nil {
			*d = time.Duration(*p) * time.Millisecond
		}
	}
	delay := func(p *int64, d *time.Duration) {
		if p != nil {
			*d = time.Duration(*p) * time.Millisecond
			if *d <= 0 {
				*d = NoDelay
			}
		}
	}
	share := func(p *float64, s *float64) {
		if p != nil {
			*s = min(max(*p, 0), 1)
		}
	}
	ms(j.LatencyMS, &f.Latency)
	delay(j.DeleteDelayMS, &f.DeleteDelay)
	delay(j.RecoverDelayMS, &f.RecoverDelay)
	delay(j.PurgeDelayMS, &f.PurgeDelay)
	ms(j.RateWindowMS, &f.RateWindow)
	share(j.ThrottleShare, &f.ThrottleShare)
	share(j.ServerErrorShare, &f.ServerErrorShare)
	share(j.DropShare, &f.DropShare)
	if j.RetryAfterSeconds != nil {
		f.RetryAfter = time.Duration(*j.RetryAfterSeconds * float64(time.Second))
	}
	if j.RateLimit != nil {
		f.RateLimit = *j.RateLimit
		if f.RateLimit <= 0 {
			f.RateLimit = NoRateLimit
		}
	}
}
