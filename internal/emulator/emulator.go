package emulator

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/identity"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/route"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/keyvault"
)

// Emulator is a running Key Vault + Entra ID emulator: one HTTPS server in
// front of the identity side (internal/emulator/identity), the Key Vault
// data plane (internal/emulator/keyvault) and the management API. Its
// methods are safe for concurrent use.
type Emulator struct {
	identity   *identity.Authority
	vault      *keyvault.Vault
	management *route.Table[http.HandlerFunc]
	ca         *certAuthority
	clock      atomic.Int64 // offset from the real clock, in nanoseconds

	baseURL    string // "https://host:port/"
	srv        *http.Server
	served     chan struct{}
	cancelBase context.CancelFunc
	closeOnce  sync.Once
	closeErr   error
}

// Start starts an emulator; it is listening and ready when Start returns.
// It makes the identity side, the CA, then the vault (whose backup key is
// beside the CA key by default), and listens.
func Start(opts Options) (*Emulator, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Emulator{served: make(chan struct{})}
	e.identity, err = identity.New(identity.Config{
		TenantID: opts.TenantID, Principals: opts.Principals, Issuers: opts.Issuers, Now: e.now,
	})
	if err != nil {
		return nil, err
	}
	if e.ca, err = loadOrCreateCA(opts.CACertFile, opts.CAKeyFile); err != nil {
		return nil, err
	}
	if e.vault, err = e.newVault(opts); err != nil {
		_ = e.ca.close()
		return nil, err
	}
	e.management = e.managementRoutes()
	if err := e.listen(opts.Addr); err != nil {
		_ = e.ca.close()
		return nil, err
	}
	return e, nil
}

// newVault makes the data plane, which asks the identity side who sent
// each request.
func (e *Emulator) newVault(opts Options) (*keyvault.Vault, error) {
	backupKeyFile := opts.BackupKeyFile
	if backupKeyFile == "" {
		backupKeyFile = e.ca.keyFile + ".backup-key"
	}
	return keyvault.New(keyvault.Config{
		TenantID:        e.identity.TenantID(),
		Authenticator:   e.identity,
		Now:             e.now,
		RecoverableDays: opts.RecoverableDays,
		PurgeProtection: opts.PurgeProtection,
		Faults:          opts.Faults,
		BackupKeyFile:   backupKeyFile,
		DataFile:        opts.DataFile,
	})
}

// ServeHTTP routes a request by its first path segment: the data plane,
// the management API, or the identity side (the authority and the OIDC
// issuers), which answers every other path.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch first {
	case "secrets", "deletedsecrets":
		e.vault.ServeHTTP(w, r)
	case managementSegment:
		e.management.Match(r)(w, r)
	default:
		e.identity.ServeHTTP(w, r)
	}
}

// VaultURL is the vault's base URL, "https://127.0.0.1:PORT/" (with the
// trailing slash azsecrets expects).
func (e *Emulator) VaultURL() string { return e.baseURL }

// AuthorityHost is the Entra authority host to put in
// cloud.Configuration.ActiveDirectoryAuthorityHost (same server).
func (e *Emulator) AuthorityHost() string { return e.baseURL }

// CACertFile is the PEM file of the CA that issued the server certificate.
func (e *Emulator) CACertFile() string { return e.ca.certFile }

// CertPool holds the emulator's CA, for a client transport's RootCAs.
func (e *Emulator) CertPool() *x509.CertPool { return e.ca.pool.Clone() }

// ManagementURL is the base of the management endpoints, VaultURL + "_emulator".
func (e *Emulator) ManagementURL() string { return e.baseURL + managementSegment }

// SetClockOffset moves the emulator's clock by d from the real clock (see
// the package documentation for what it affects).
func (e *Emulator) SetClockOffset(d time.Duration) { e.clock.Store(int64(d)) }

// ClockOffset returns the current clock offset.
func (e *Emulator) ClockOffset() time.Duration { return time.Duration(e.clock.Load()) }

// now is the emulator clock, which both services are given.
func (e *Emulator) now() time.Time { return time.Now().Add(time.Duration(e.clock.Load())) }

// Close stops the server, waiting briefly for requests in flight, writes the
// data file and removes a CA it generated in a temporary directory.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			// Requests still sleeping on injected latency: cut them short.
			e.cancelBase()
			_ = e.srv.Close()
		}
		e.cancelBase()
		<-e.served
		e.identity.Close()
		e.closeErr = errors.Join(e.vault.Close(), e.ca.close())
	})
	return e.closeErr
}
