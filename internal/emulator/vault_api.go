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
