package keyvault

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/route"
)

// Config is what a vault is made of. internal/emulator fills it from its
// Options; every field but DataFile is required.
type Config struct {
	// TenantID is the tenant whose authority the 401 challenge sends
	// clients to (the emulator serves the authority on the vault's host).
	TenantID string
	// Authenticator tells who sent a request, from its bearer token.
	Authenticator Authenticator
	// Now is the emulator clock: timestamps in bundles, transition ends,
	// scheduled purges.
	Now             func() time.Time
	RecoverableDays int    // soft-delete retention, MinRecoverableDays..MaxRecoverableDays
	PurgeProtection bool   // purge answers 403; recoveryLevel loses "+Purgeable"
	Faults          Faults // failures to inject, and Key Vault's timings (zero: Key Vault's)
	BackupKeyFile   string // the key backups are encrypted with, reused or created
	DataFile        string // optional persistence: loaded by New, written shortly after changes and by Close
}

// Vault is the secrets data plane of one Key Vault: an http.Handler for
// /secrets/... and /deletedsecrets/..., with the counts and the audit log
// of the requests it served. Its methods are safe for concurrent use.
type Vault struct {
	tenantID  string
	auth      Authenticator
	now       func() time.Time
	routes    *route.Table[operation]
	store     *store
	backupKey *backupKey
	persist   *persister // nil without a data file
	stats     *stats
	faultsMu  sync.Mutex // serializes SetFaults, which replaces faults and limiter together
	faults    atomic.Pointer[Faults]
	limiter   atomic.Pointer[rateLimiter] // nil: no rate limit
}

// CheckRecoverableDays refuses a retention no Key Vault has.
func CheckRecoverableDays(days int) error {
	if days < MinRecoverableDays || days > MaxRecoverableDays {
		return fmt.Errorf("emulator: RecoverableDays %d: Key Vault keeps deleted secrets %d to %d days", days, MinRecoverableDays, MaxRecoverableDays)
	}
	return nil
}

// New makes a vault: it loads the data file, then the backup key. It
// writes the data file only once a secret changes, or on Close.
func New(cfg Config) (*Vault, error) {
	if err := CheckRecoverableDays(cfg.RecoverableDays); err != nil {
		return nil, err
	}
	v := &Vault{
		tenantID: cfg.TenantID,
		auth:     cfg.Authenticator,
		now:      cfg.Now,
		routes:   routes(),
		store:    newStore(cfg.RecoverableDays, cfg.PurgeProtection),
		stats:    newStats(),
	}
	v.SetFaults(cfg.Faults)
	if cfg.DataFile != "" {
		if err := v.store.load(cfg.DataFile); err != nil {
			return nil, err
		}
	}
	key, err := loadOrCreateBackupKey(cfg.BackupKeyFile)
	if err != nil {
		return nil, err
	}
	v.backupKey = key
	if cfg.DataFile != "" {
		v.persist = newPersister(cfg.DataFile, v.store)
		v.store.onChange = v.persist.changed
	}
	return v, nil
}

// Close writes the data file, if there is one, and stops writing it.
func (v *Vault) Close() error {
	if v.persist == nil {
		return nil
	}
	return v.persist.close()
}

// SetFaults replaces the injected faults and timings (zero timings take
// their defaults, see [Faults]); requests already waiting keep the latency
// they drew, and transitions already under way keep their end. A change of
// the rate limit or its window starts a fresh count.
func (v *Vault) SetFaults(f Faults) {
	f = f.withDefaults()
	v.faultsMu.Lock()
	defer v.faultsMu.Unlock()
	if l := v.limiter.Load(); v.faults.Load() == nil || !l.sameAs(f.RateLimit, f.RateWindow) {
		v.limiter.Store(newRateLimiter(f.RateLimit, f.RateWindow))
	}
	v.faults.Store(&f)
}

// Faults returns the faults in effect, defaults resolved: a transition that
// is instant shows NoDelay, no rate limit NoRateLimit.
func (v *Vault) Faults() Faults { return *v.faults.Load() }

// Reset drops all secrets, deleted secrets, request counts and the audit
// log. Faults stay.
func (v *Vault) Reset() {
	v.store.reset()
	v.stats.resetAll()
}

// RequestCounts returns the number of requests per operation (see the Op
// constants), counting every attempt: 401 challenges, injected faults and
// errors included.
func (v *Vault) RequestCounts() map[string]int { return v.stats.counts() }

// StatusCounts returns the number of requests per HTTP status (0 for
// dropped connections).
func (v *Vault) StatusCounts() map[int]int { return v.stats.statusCounts() }

// ResetRequestCounts zeroes RequestCounts and StatusCounts.
func (v *Vault) ResetRequestCounts() { v.stats.resetCounts() }

// AuditLog returns the requests seen so far, oldest first (the last
// 100,000). Entries never contain secret values.
func (v *Vault) AuditLog() []AuditEntry { return v.stats.auditLog() }
