package keyvault

import (
	"testing"
	"time"
)

// TestRateLimiterAtKeyVaultsFigure drives the limiter on a fake clock at
// the default: 4,000 admitted in any 10 seconds, the refused ones not
// counted, and room again as the oldest leave the window.
func TestRateLimiterAtKeyVaultsFigure(t *testing.T) {
	l := newRateLimiter(DefaultRateLimit, DefaultRateWindow)
	t0 := l.base.Add(time.Second)
	for i := range DefaultRateLimit {
		// Spread over the first second.
		if ok, _ := l.admit(t0.Add(time.Duration(i) * time.Millisecond / 4)); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	for i := range 100 {
		ok, wait := l.admit(t0.Add(time.Second + time.Duration(i)*time.Millisecond))
		if ok || wait <= 0 || wait > DefaultRateWindow {
			t.Fatalf("request %d beyond the limit: admitted %v, Retry-After %v", DefaultRateLimit+i+1, ok, wait)
		}
	}
	// At t0+10s the first admitted request leaves the window; the 100
	// refusals took no room.
	if ok, _ := l.admit(t0.Add(DefaultRateWindow)); !ok {
		t.Fatal("refused once the oldest request left the window")
	}
	if ok, _ := l.admit(t0.Add(DefaultRateWindow)); ok {
		t.Fatal("admitted a second request where only one left the window")
	}
	if ok, _ := l.admit(t0.Add(DefaultRateWindow + time.Second)); !ok {
		t.Fatal("refused a second after: a thousand more left the window")
	}
	none := newRateLimiter(NoRateLimit, DefaultRateWindow)
	if ok, _ := none.admit(t0); !ok || none != nil {
		t.Fatal("NoRateLimit limits")
	}
}
