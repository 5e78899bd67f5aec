package emulator

import "github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/keyvault"

// The Key Vault data plane's types and constants, as the emulator's users
// know them; internal/emulator/keyvault documents them.
type (
	Faults     = keyvault.Faults
	AuditEntry = keyvault.AuditEntry
)

// Operation names, as counted by RequestCounts and written to the audit log.
const (
	OpSetSecret            = keyvault.OpSetSecret
	OpGetSecret            = keyvault.OpGetSecret
	OpUpdateSecret         = keyvault.OpUpdateSecret
	OpDeleteSecret         = keyvault.OpDeleteSecret
	OpGetDeletedSecret     = keyvault.OpGetDeletedSecret
	OpPurgeDeletedSecret   = keyvault.OpPurgeDeletedSecret
	OpRecoverDeletedSecret = keyvault.OpRecoverDeletedSecret
	OpListSecrets          = keyvault.OpListSecrets
	OpListSecretVersions   = keyvault.OpListSecretVersions
	OpListDeletedSecrets   = keyvault.OpListDeletedSecrets
	OpBackupSecret         = keyvault.OpBackupSecret
	OpRestoreSecret        = keyvault.OpRestoreSecret
	OpUnknown              = keyvault.OpUnknown // a path or method Key Vault does not serve
)

// Key Vault's timings and limits, and the values that turn them off (see
// Faults).
const (
	DefaultDeleteDelay  = keyvault.DefaultDeleteDelay
	DefaultRecoverDelay = keyvault.DefaultRecoverDelay
	DefaultPurgeDelay   = keyvault.DefaultPurgeDelay
	NoDelay             = keyvault.NoDelay // a transition that is instant, which Key Vault's never is
	DefaultRateLimit    = keyvault.DefaultRateLimit
	DefaultRateWindow   = keyvault.DefaultRateWindow
	NoRateLimit         = keyvault.NoRateLimit // admits every request

	MinRecoverableDays     = keyvault.MinRecoverableDays
	MaxRecoverableDays     = keyvault.MaxRecoverableDays
	DefaultRecoverableDays = keyvault.DefaultRecoverableDays
)

// SetFaults replaces the injected faults and timings (zero timings take
// their defaults, see [Faults]); requests already waiting keep the latency
// they drew, and transitions already under way keep their end. A change of
// the rate limit or its window starts a fresh count.
func (e *Emulator) SetFaults(f Faults) { e.vault.SetFaults(f) }

// Faults returns the faults in effect, defaults resolved: a transition that
// is instant shows NoDelay, no rate limit NoRateLimit.
func (e *Emulator) Faults() Faults { return e.vault.Faults() }

// Reset drops all secrets, deleted secrets, request counts and the audit
// log. Faults and the clock offset stay.
func (e *Emulator) Reset() { e.vault.Reset() }

// RequestCounts returns the number of data-plane requests per operation
// (see the Op constants), counting every attempt: 401 challenges, injected
// faults and errors included.
func (e *Emulator) RequestCounts() map[string]int { return e.vault.RequestCounts() }

// StatusCounts returns the number of data-plane requests per HTTP status
// (0 for dropped connections).
func (e *Emulator) StatusCounts() map[int]int { return e.vault.StatusCounts() }

// ResetRequestCounts zeroes RequestCounts and StatusCounts.
func (e *Emulator) ResetRequestCounts() { e.vault.ResetRequestCounts() }

// AuditLog returns the data-plane requests seen so far, oldest first (the
// last 100,000). Entries never contain secret values.
func (e *Emulator) AuditLog() []AuditEntry { return e.vault.AuditLog() }
