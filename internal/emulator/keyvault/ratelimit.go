package keyvault

import (
	"sync"
	"time"
)

// rateLimiter is Key Vault's per-vault transaction limit: at most limit
// requests admitted in any window, a sliding window of exactly the
// documented size. It remembers the admission time of the last limit
// requests in a ring, so a decision is one comparison with the oldest of
// them: O(1) per request and limit * 8 bytes per emulator (32 KB at the
// default). Refused requests are not remembered: "Failed requests that
// return a 429 do not count towards the throttle limits tracked by Key
// Vault" (https://learn.microsoft.com/en-us/azure/key-vault/general/overview-throttling).
//
// It runs on the real monotonic clock: the emulator clock offset moves
// dates, not the pace of requests.
type rateLimiter struct {
	mu     sync.Mutex
	window time.Duration
	base   time.Time
	ring   []time.Duration // admission times since base; next is the oldest once full
	next   int
	full   bool
}

// newRateLimiter returns nil, admitting everything, for NoRateLimit.
func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	if limit <= 0 {
		return nil
	}
	return &rateLimiter{window: window, base: time.Now(), ring: make([]time.Duration, limit)}
}

// admit counts one request at now, or refuses it and says how long until
// the oldest admitted request leaves the window.
func (l *rateLimiter) admit(now time.Time) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	at := now.Sub(l.base)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.full {
		if wait := l.ring[l.next] + l.window - at; wait > 0 {
			return false, wait
		}
	}
	l.ring[l.next] = at
	l.next++
	if l.next == len(l.ring) {
		l.next, l.full = 0, true
	}
	return true, 0
}

// sameAs reports whether l already enforces limit per window, so that
// SetFaults keeps its count when the limit does not change.
func (l *rateLimiter) sameAs(limit int, window time.Duration) bool {
	if l == nil {
		return limit <= 0
	}
	return len(l.ring) == limit && l.window == window
}
