package provider

import (
	"testing"
	"time"
)

// A write trusts the refresh's ownership check only for the version the state holds and only
// while it is recent.
func TestPrivateDataAlreadyVerified(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	const version = "0123456789abcdef0123456789abcdef"
	check := func(at time.Time) privateData {
		return privateData{Verified: verifiedRead{Version: version, UpdatedAt: now.Add(-time.Hour), At: at}}
	}
	cases := []struct {
		name         string
		private      privateData
		stateVersion string
		trusted      bool
	}{
		{"fresh check of the state's version", check(now.Add(-time.Minute)), version, true},
		{"no check (a write, an import or a create came last)", privateData{}, version, false},
		{"check of another version", check(now.Add(-time.Minute)), "fedcba9876543210fedcba9876543210", false},
		{"check older than the lifetime", check(now.Add(-verifiedReadLifetime - time.Second)), version, false},
		{"check from the future (a clock that jumped)", check(now.Add(time.Minute)), version, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := len(c.private.alreadyVerified(c.stateVersion, now)) > 0; got != c.trusted {
				t.Errorf("trusted = %v, want %v", got, c.trusted)
			}
		})
	}
}
