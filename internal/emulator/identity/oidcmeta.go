package identity

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// errKeyNotFound: the issuer's JWKS has no key with the token's kid.
var errKeyNotFound = errors.New("signing key not found in the issuer's JWKS")

// metadataTTL is how long an issuer's keys are reused. A kid missing from
// cached keys triggers one refetch, as key rotation needs.
const metadataTTL = time.Minute

// oidcMetadata fetches and caches issuers' signing keys the way Entra does
// for federated credentials: {issuer}/.well-known/openid-configuration, then
// its jwks_uri, both over HTTPS. The issuers the emulator plays are fetched
// from itself, over the network like any other.
type oidcMetadata struct {
	client   *http.Client
	mu       sync.Mutex
	byIssuer map[string]issuerKeys
}

type issuerKeys struct {
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

// oidc returns the metadata fetcher, made on first use: reading the system
// roots early would freeze them before a test process sets SSL_CERT_FILE
// (Go reads it once), and the provider's tests start an emulator first.
func (a *Authority) oidc() *oidcMetadata {
	a.oidcOnce.Do(func() {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AddCert(a.caCert)
		a.oidcMeta = &oidcMetadata{
			client: &http.Client{
				Timeout: 10 * time.Second,
				Transport: &http.Transport{
					Proxy:           http.ProxyFromEnvironment,
					TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
					IdleConnTimeout: 30 * time.Second,
				},
			},
			byIssuer: map[string]issuerKeys{},
		}
	})
	return a.oidcMeta
}

// closeOIDC drops the fetcher's idle connections (to this emulator among
// others). After it, no fetcher is made any more.
func (a *Authority) closeOIDC() {
	a.oidcOnce.Do(func() {}) // waits for a fetcher being made
	if a.oidcMeta != nil {
		a.oidcMeta.client.CloseIdleConnections()
	}
}

// signingKey returns the issuer's key with that kid (the only key when the
// token names none), errKeyNotFound when the JWKS lacks it, or why the
// metadata could not be read.
func (m *oidcMetadata) signingKey(ctx context.Context, iss, kid string) (*rsa.PublicKey, error) {
	keys, cached, err := m.keys(ctx, iss, false)
	if err != nil {
		return nil, err
	}
	if k := pickKey(keys, kid); k != nil {
		return k, nil
	}
	if cached {
		if keys, _, err = m.keys(ctx, iss, true); err != nil {
			return nil, err
		}
		if k := pickKey(keys, kid); k != nil {
			return k, nil
		}
	}
	return nil, errKeyNotFound
}

func pickKey(keys map[string]*rsa.PublicKey, kid string) *rsa.PublicKey {
	if kid == "" && len(keys) == 1 {
		for _, k := range keys {
			return k
		}
	}
	return keys[kid]
}

func (m *oidcMetadata) keys(ctx context.Context, iss string, refresh bool) (map[string]*rsa.PublicKey, bool, error) {
	m.mu.Lock()
	entry, ok := m.byIssuer[iss]
	m.mu.Unlock()
	if ok && !refresh && time.Since(entry.fetched) < metadataTTL {
		return entry.keys, true, nil
	}
	keys, err := m.fetch(ctx, iss)
	if err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	m.byIssuer[iss] = issuerKeys{keys: keys, fetched: time.Now()}
	m.mu.Unlock()
	return keys, false, nil
}

func (m *oidcMetadata) fetch(ctx context.Context, iss string) (map[string]*rsa.PublicKey, error) {
	if u, err := url.Parse(iss); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("issuer %q is not an https URL", iss)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	discovery := strings.TrimSuffix(iss, "/") + "/.well-known/openid-configuration"
	if err := m.getJSON(ctx, discovery, &doc); err != nil {
		return nil, err
	}
	if doc.Issuer != iss {
		return nil, fmt.Errorf("%s names issuer %q, not %q", discovery, doc.Issuer, iss)
	}
	if u, err := url.Parse(doc.JWKSURI); err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s: jwks_uri %q is not an https URL", discovery, doc.JWKSURI)
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := m.getJSON(ctx, doc.JWKSURI, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") {
			continue // the only kind of key Entra accepts for federated tokens
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		eb, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil || len(n) == 0 || len(eb) == 0 || len(eb) > 4 {
			return nil, fmt.Errorf("%s: key %q is not a valid RSA JWK", doc.JWKSURI, k.Kid)
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(eb).Int64())}
	}
	return keys, nil
}

func (m *oidcMetadata) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: not JSON: %w", u, err)
	}
	return nil
}
