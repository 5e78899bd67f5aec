package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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

// Emulator is a running Key Vault + Entra ID emulator. Its methods are safe
// for concurrent use.
type Emulator struct {
	opts       Options
	tenantID   string
	principals *principalSet
	issuers    map[string]*issuer // by name; nil without Options.Issuers
	oidcOnce   sync.Once
	oidcMeta   *oidcMetadata // fetches federated issuers' keys; made on first use
	ca         *certAuthority
	issuerKey  *tokenIssuer
	vault      *keyvault.Vault
	clock      atomic.Int64 // offset from the real clock, in nanoseconds

	baseURL    string // "https://host:port/"
	srv        *http.Server
	served     chan struct{}
	cancelBase context.CancelFunc
	closeOnce  sync.Once
	closeErr   error
}

// Start starts an emulator; it is listening and ready when Start returns.
func Start(opts Options) (*Emulator, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.TenantID == "" {
		opts.TenantID = DefaultTenantID
	}
	if strings.ContainsAny(opts.TenantID, "/?#% ") {
		return nil, fmt.Errorf("emulator: invalid tenant id %q", opts.TenantID)
	}
	if opts.RecoverableDays == 0 {
		opts.RecoverableDays = DefaultRecoverableDays
	}
	if err := keyvault.CheckRecoverableDays(opts.RecoverableDays); err != nil {
		return nil, err
	}
	principals, err := newPrincipalSet(opts.Principals)
	if err != nil {
		return nil, err
	}
	issuers, err := newIssuers(opts.Issuers)
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		opts:       opts,
		tenantID:   strings.ToLower(opts.TenantID),
		principals: principals,
		issuers:    issuers,
		served:     make(chan struct{}),
	}
	for _, p := range principals.byName {
		if err := e.checkFederated(p.Name, p.FederatedCredentials); err != nil {
			return nil, err
		}
	}
	if e.issuerKey, err = newTokenIssuer(); err != nil {
		return nil, err
	}
	if e.ca, err = loadOrCreateCA(opts.CACertFile, opts.CAKeyFile); err != nil {
		return nil, err
	}
	backupKeyFile := opts.BackupKeyFile
	if backupKeyFile == "" {
		backupKeyFile = e.ca.keyFile + ".backup-key"
	}
	e.vault, err = keyvault.New(keyvault.Config{
		TenantID: e.tenantID, Authenticator: vaultAuthenticator{e}, Now: e.now,
		RecoverableDays: opts.RecoverableDays, PurgeProtection: opts.PurgeProtection, Faults: opts.Faults,
		BackupKeyFile: backupKeyFile, DataFile: opts.DataFile,
	})
	if err != nil {
		_ = e.ca.close()
		return nil, err
	}
	if err := e.listen(); err != nil {
		_ = e.ca.close()
		return nil, err
	}
	// Issuer URLs contain the port, known only now.
	for _, p := range principals.byName {
		if len(p.FederatedCredentials) > 0 {
			resolved := e.resolveFederated(p.FederatedCredentials)
			p.federated.Store(&resolved)
		}
	}
	return e, nil
}

// listen binds the address and serves TLS (HTTP/1.1 only: dropped-connection
// faults hijack the connection, which HTTP/2 does not allow).
func (e *Emulator) listen() error {
	host, _, err := net.SplitHostPort(e.opts.Addr)
	if err != nil {
		return fmt.Errorf("emulator: address %q: %w", e.opts.Addr, err)
	}
	cert, err := e.ca.serverCertificate(host)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", e.opts.Addr)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close()
		return fmt.Errorf("emulator: listening on %s gave a %T address, not TCP", e.opts.Addr, ln.Addr())
	}
	e.baseURL = "https://" + urlHost(host, addr) + "/"
	baseCtx, cancel := context.WithCancel(context.Background())
	e.cancelBase = cancel
	e.srv = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// TLS handshake errors from clients that do not trust the CA are
		// the client's to report; the emulator stays quiet.
		ErrorLog:    log.New(io.Discard, "", 0),
		BaseContext: func(net.Listener) context.Context { return baseCtx },
	}
	tlsLn := tls.NewListener(ln, &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	})
	go func() {
		defer close(e.served)
		_ = e.srv.Serve(tlsLn)
	}()
	return nil
}

// urlHost is the host[:port] clients should use: the configured name when it
// is one, loopback for a wildcard address.
func urlHost(host string, addr *net.TCPAddr) string {
	port := strconv.Itoa(addr.Port)
	ip := net.ParseIP(host)
	switch {
	case host != "" && ip == nil:
		return net.JoinHostPort(host, port)
	case ip != nil && !ip.IsUnspecified():
		return net.JoinHostPort(ip.String(), port)
	case addr.IP.To4() == nil && !addr.IP.IsUnspecified():
		return net.JoinHostPort("::1", port)
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// VaultURL is the vault's base URL, "https://127.0.0.1:PORT/" (with the
// trailing slash azsecrets expects).
func (e *Emulator) VaultURL() string { return e.baseURL }

// AuthorityHost is the Entra authority host to put in
// cloud.Configuration.ActiveDirectoryAuthorityHost (same server).
func (e *Emulator) AuthorityHost() string { return e.baseURL }

// TenantID is the one tenant the authority serves.
func (e *Emulator) TenantID() string { return e.tenantID }

// Principal returns the configured principal with that Name, with its
// current federated credentials (issuers resolved to URLs); it panics when
// there is none, which is a bug in the calling test.
func (e *Emulator) Principal(name string) Principal {
	p, ok := e.principals.byName[name]
	if !ok {
		panic(fmt.Sprintf("emulator: no principal named %q", name))
	}
	out := p.Principal
	out.FederatedCredentials = nil
	for _, c := range p.federatedCredentials() {
		c.Audiences = slices.Clone(c.Audiences)
		out.FederatedCredentials = append(out.FederatedCredentials, c)
	}
	return out
}

// CACertFile is the PEM file of the CA that issued the server certificate.
func (e *Emulator) CACertFile() string { return e.ca.certFile }

// CertPool holds the emulator's CA, for a client transport's RootCAs.
func (e *Emulator) CertPool() *x509.CertPool { return e.ca.pool.Clone() }

// ManagementURL is the base of the management endpoints, VaultURL + "_emulator".
func (e *Emulator) ManagementURL() string { return e.baseURL + managementSegment }

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

// SetClockOffset moves the emulator's clock by d from the real clock (see
// the package documentation for what it affects).
func (e *Emulator) SetClockOffset(d time.Duration) { e.clock.Store(int64(d)) }

// ClockOffset returns the current clock offset.
func (e *Emulator) ClockOffset() time.Duration { return time.Duration(e.clock.Load()) }

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
		e.closeOIDC()
		var errs []error
		errs = append(errs, e.vault.Close(), e.ca.close())
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

// ServeHTTP routes a request to the data plane, management, the OIDC
// issuers or the authority.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch segs[0] {
	case "secrets", "deletedsecrets":
		e.vault.ServeHTTP(w, r)
	case managementSegment:
		e.serveManagement(w, r, segs[1:])
	case issuersSegment:
		if e.issuers != nil { // without issuers, the path is what it always was: an unknown tenant
			e.serveIssuer(w, r, segs[1:])
			return
		}
		e.serveEntra(w, r, segs)
	default:
		e.serveEntra(w, r, segs)
	}
}
