package identity

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config is what an authority is made of. internal/emulator fills it from
// its Options.
type Config struct {
	TenantID   string      // the one tenant served (CheckTenantID); compared case-insensitively
	Principals []Principal // default: DefaultPrincipals()
	Issuers    []Issuer    // OIDC issuers to play under /_issuers/{name}/; default none
	// Now is the emulator clock: token issue and expiry, validation of
	// presented access tokens and federated ID tokens.
	Now func() time.Time
}

// Authority is the emulated Entra ID tenant (its token endpoint, the
// principals that may ask it for tokens, and their roles) and the OIDC
// issuers it federates with. It is an http.Handler for every path that is
// neither Key Vault's nor the management API's, and the
// keyvault.Authenticator of the data plane. Its methods are safe for
// concurrent use once Bind has run.
type Authority struct {
	tenantID   string // lower case
	now        func() time.Time
	principals *principalSet
	issuers    map[string]*issuer // by name; nil without Config.Issuers
	issuerKey  *tokenIssuer       // signs access tokens

	// Set by Bind, before the emulator serves.
	baseURL string            // "https://host:port/"
	caCert  *x509.Certificate // the emulator's CA, trusted when fetching issuers' keys

	oidcOnce sync.Once
	oidcMeta *oidcMetadata // fetches federated issuers' keys; made on first use
}

// CheckTenantID refuses a tenant id that cannot stand in a URL path.
func CheckTenantID(tenantID string) error {
	if strings.ContainsAny(tenantID, "/?#% ") {
		return fmt.Errorf("emulator: invalid tenant id %q", tenantID)
	}
	return nil
}

// New checks the principals, the issuers and the principals' federated
// credentials, and makes the keys that sign tokens. The authority serves
// once Bind has told it where.
func New(cfg Config) (*Authority, error) {
	if err := CheckTenantID(cfg.TenantID); err != nil {
		return nil, err
	}
	principals, err := newPrincipalSet(cfg.Principals)
	if err != nil {
		return nil, err
	}
	issuers, err := newIssuers(cfg.Issuers)
	if err != nil {
		return nil, err
	}
	a := &Authority{tenantID: strings.ToLower(cfg.TenantID), now: cfg.Now, principals: principals, issuers: issuers}
	for _, p := range principals.byName {
		if err := a.checkFederated(p.Name, p.FederatedCredentials); err != nil {
			return nil, err
		}
	}
	if a.issuerKey, err = newTokenIssuer(); err != nil {
		return nil, err
	}
	return a, nil
}

// Bind tells the authority where the emulator listens, baseURL
// ("https://host:port/"), and the CA its certificate comes from. Issuer
// URLs contain the port, known only now: the federated credentials that
// name an issuer by name are resolved to its URL here.
func (a *Authority) Bind(baseURL string, ca *x509.Certificate) {
	a.baseURL, a.caCert = baseURL, ca
	for _, p := range a.principals.byName {
		if len(p.FederatedCredentials) > 0 {
			resolved := a.resolveFederated(p.FederatedCredentials)
			p.federated.Store(&resolved)
		}
	}
}

// Close drops the idle connections of the fetcher of issuers' keys.
func (a *Authority) Close() { a.closeOIDC() }

// TenantID is the one tenant the authority serves, in lower case.
func (a *Authority) TenantID() string { return a.tenantID }

// ServeHTTP answers the authority, {authority}/{tenant}/..., and the
// issuers, /_issuers/{name}/... .
func (a *Authority) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if segs[0] == issuersSegment && a.issuers != nil { // without issuers, the path is what it always was: an unknown tenant
		a.serveIssuer(w, r, segs[1:])
		return
	}
	a.serveEntra(w, r, segs)
}

// Principal returns the configured principal with that Name, with its
// current federated credentials (issuers resolved to URLs); it panics when
// there is none, which is a bug in the calling test.
func (a *Authority) Principal(name string) Principal {
	p, ok := a.principals.byName[name]
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
