package bifrost

import "strings"

// RecoveryLevel is Key Vault's recoveryLevel attribute: what the vault does with a deleted
// secret. Key Vault reports it on every secret bundle, so the provider knows before a delete
// whether a purge will be allowed. The values (Key Vault's DeletionRecoveryLevel) are
// "Purgeable" (no soft delete), "Recoverable+Purgeable" and "CustomizedRecoverable+Purgeable"
// (soft delete, purge allowed; "Customized" for a retention under 90 days), and
// "Recoverable", "CustomizedRecoverable" and the "+ProtectedSubscription" variants (purge
// protection: a deleted secret stays until its scheduled purge date). Empty means unknown.
type RecoveryLevel string

// Recoverable reports whether a deleted secret is kept soft-deleted; unknown counts as yes.
func (l RecoveryLevel) Recoverable() bool {
	return l == "" || strings.Contains(string(l), "Recoverable")
}

// Purgeable reports whether a soft-deleted secret may be purged before its scheduled purge
// date: false under purge protection. Unknown counts as yes (a purge then finds out).
func (l RecoveryLevel) Purgeable() bool {
	return l == "" || strings.Contains(string(l), "Purgeable")
}

// PurgeProtected reports whether the vault keeps deleted secrets and refuses to purge them.
func (l RecoveryLevel) PurgeProtected() bool { return l.Recoverable() && !l.Purgeable() }
