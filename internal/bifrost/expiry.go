package bifrost

import (
	"fmt"
	"time"
)

// Key Vault does not enforce a secret's expiry date: a read after it still returns the value
// (Azure/AzureKeyVault#19), so a date protects nobody unless something shows it coming.

// ExpiryNotice says how the expiry date of an entry named by what (e.g. `secret "smtp" in the
// global scope`) stands at now, when it has passed or falls within the window: a sentence for a
// warning, and whether the date has passed. ok is false when there is nothing to say: no
// expiry date, a window of zero, or a date further away than the window.
func ExpiryNotice(what string, expiresAt *time.Time, now time.Time, window time.Duration) (notice string, expired, ok bool) {
	if expiresAt == nil || window <= 0 || expiresAt.Sub(now) > window {
		return "", false, false
	}
	date := expiresAt.UTC().Format(time.RFC3339)
	if !expiresAt.After(now) {
		return fmt.Sprintf("%s expired on %s (%s ago). Key Vault does not enforce expiry dates: it still returns the value, "+
			"so readers keep working with a value that should have been replaced", what, date, days(now.Sub(*expiresAt))), true, true
	}
	return fmt.Sprintf("%s expires on %s (in %s). Key Vault does not enforce expiry dates: it will keep returning the value "+
		"after that, so nothing stops working, but the value should be replaced by then", what, date, days(expiresAt.Sub(now))), false, true
}

// EntryDescription names an entry in messages: `secret "smtp" in the global scope`.
func EntryDescription(scope Scope, kind Kind, name string) string { return describe(scope, kind, name) }

// days is a duration in whole days, for people: "less than a day", "1 day", "12 days".
func days(d time.Duration) string {
	switch n := int(d.Hours() / 24); n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	default:
		return fmt.Sprintf("%d days", n)
	}
}
