package keyvault

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
