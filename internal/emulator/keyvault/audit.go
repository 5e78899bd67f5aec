package keyvault

import (
	"maps"
	"sync"
	"time"
)

// AuditEntry is one data-plane request as Key Vault's audit log would show
// it. It never holds a secret value.
type AuditEntry struct {
	Time       time.Time `json:"time"`        // emulator clock
	Principal  string    `json:"principal"`   // principal name; the client id for an unknown application; "" when unauthenticated
	Operation  string    `json:"operation"`   // e.g. "SetSecret", see RequestCounts
	SecretName string    `json:"secret_name"` // as sent by the client; "" for lists and restore
	Status     int       `json:"status"`      // HTTP status; 0 when the connection was dropped
}

// Operation names, as counted by RequestCounts and written to the audit log.
const (
	OpSetSecret            = "SetSecret"
	OpGetSecret            = "GetSecret"
	OpUpdateSecret         = "UpdateSecret"
	OpDeleteSecret         = "DeleteSecret"
	OpGetDeletedSecret     = "GetDeletedSecret"
	OpPurgeDeletedSecret   = "PurgeDeletedSecret"
	OpRecoverDeletedSecret = "RecoverDeletedSecret"
	OpListSecrets          = "ListSecrets"
	OpListSecretVersions   = "ListSecretVersions"
	OpListDeletedSecrets   = "ListDeletedSecrets"
	OpBackupSecret         = "BackupSecret"
	OpRestoreSecret        = "RestoreSecret"
	OpUnknown              = "Unknown" // a path or method Key Vault does not serve
)

// maxAudit bounds the audit log (oldest entries go first) so a long
// `make demo` or benchmark cannot grow it without limit.
const maxAudit = 100_000

// stats counts data-plane requests and keeps the audit log.
type stats struct {
	mu       sync.Mutex
	byOp     map[string]int
	byStatus map[int]int
	audit    []AuditEntry // ring once full: start is the oldest entry
	start    int
}

func newStats() *stats {
	return &stats{byOp: map[string]int{}, byStatus: map[int]int{}}
}

func (s *stats) record(e AuditEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byOp[e.Operation]++
	s.byStatus[e.Status]++
	if len(s.audit) < maxAudit {
		s.audit = append(s.audit, e)
		return
	}
	s.audit[s.start] = e
	s.start = (s.start + 1) % maxAudit
}

func (s *stats) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.byOp)
}

func (s *stats) statusCounts() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.byStatus)
}

func (s *stats) resetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byOp, s.byStatus = map[string]int{}, map[int]int{}
}

func (s *stats) resetAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byOp, s.byStatus = map[string]int{}, map[int]int{}
	s.audit, s.start = nil, 0
}

func (s *stats) auditLog() []AuditEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AuditEntry, 0, len(s.audit))
	out = append(out, s.audit[s.start:]...)
	return append(out, s.audit[:s.start]...)
}
