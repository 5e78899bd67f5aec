package emulator

import (
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/identity"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/keyvault"
)

// Options configure an emulator. The zero value is a working emulator on a
// free loopback port with the default tenant and principals, behaving as a
// Key Vault with the default 90-day retention and no purge protection.
type Options struct {
	Addr            string      // listen address; default "127.0.0.1:0"
	TenantID        string      // default DefaultTenantID
	Principals      []Principal // default: DefaultPrincipals()
	CACertFile      string      // where the CA cert PEM is; with CAKeyFile: reused when both files exist, else generated and written there
	CAKeyFile       string      // empty CACertFile: a fresh CA in a temp dir (CACertFile() tells where); empty with CACertFile set: CACertFile + ".key"
	BackupKeyFile   string      // the key backups are encrypted with, reused or created; default: the CA key file + ".backup-key"
	DataFile        string      // optional persistence (JSON); loaded at start, written on Close and after changes
	PurgeProtection bool        // purge answers 403; recoveryLevel loses "+Purgeable"
	RecoverableDays int         // soft-delete retention, MinRecoverableDays..MaxRecoverableDays; default DefaultRecoverableDays (90)
	Faults          Faults      // failures to inject, and the timings of deletes, recovers, purges and the rate limit (zero: Key Vault's)
	// Issuers are OIDC issuers the emulator plays under /_issuers/{name}/
	// (CI token endpoints, keys for file-based tokens); default none.
	Issuers []Issuer
}

// withDefaults fills in the defaults and refuses what neither service
// would take, before Start touches any file.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.TenantID == "" {
		o.TenantID = DefaultTenantID
	}
	if err := identity.CheckTenantID(o.TenantID); err != nil {
		return o, err
	}
	if o.RecoverableDays == 0 {
		o.RecoverableDays = DefaultRecoverableDays
	}
	return o, keyvault.CheckRecoverableDays(o.RecoverableDays)
}
