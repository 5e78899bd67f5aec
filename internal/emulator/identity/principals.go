package identity

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/rbac"
)

// Role is what a principal may do on the vault's secrets, after the two
// built-in Azure RBAC roles that matter for secrets.
type Role = rbac.Role

const (
	RoleOfficer = rbac.RoleOfficer // read/write on secrets (Key Vault Secrets Officer)
	RoleUser    = rbac.RoleUser    // read only (Key Vault Secrets User)
	RoleNone    = rbac.RoleNone    // authenticates, but may do nothing (403)
)

// DefaultTenantID is the tenant of an emulator started without
// Options.TenantID. It is a fixed, made-up UUID so that configurations and
// logs are stable across runs; no real Entra tenant has it.
const DefaultTenantID = "6c1b0a4e-2f5d-4e8a-9b3c-7d1e0f2a3b4c"

// Names of the principals returned by DefaultPrincipals.
const (
	OfficerName = "officer"
	ReaderName  = "reader"
	NobodyName  = "nobody"
)

// Principal is an application (service principal) that may ask the emulated
// authority for tokens.
type Principal struct {
	Name         string // display name, used in the audit log
	ClientID     string
	ClientSecret string // for the client-secret grant
	// CertificatePEM, optional: PEM of a certificate whose key signs client assertions
	// (client_assertion grant). Empty: assertions for this client are refused.
	CertificatePEM []byte
	// FederatedCredentials, optional: workload identity federation. A client
	// assertion that is not signed by CertificatePEM's key is checked as an
	// ID token of one of these issuers (see FederatedCredential).
	FederatedCredentials []FederatedCredential
	Role                 Role
}

// DefaultPrincipals returns one principal per role, with fixed client ids and
// secrets: "officer" (RoleOfficer), "reader" (RoleUser), "nobody" (RoleNone).
func DefaultPrincipals() []Principal {
	return []Principal{
		{Name: OfficerName, ClientID: "0f1ce000-0000-4000-8000-000000000001", ClientSecret: "emulator~officer-secret-0001", Role: RoleOfficer},
		{Name: ReaderName, ClientID: "0f1ce000-0000-4000-8000-000000000002", ClientSecret: "emulator~reader-secret-0002", Role: RoleUser},
		{Name: NobodyName, ClientID: "0f1ce000-0000-4000-8000-000000000003", ClientSecret: "emulator~nobody-secret-0003", Role: RoleNone},
	}
}

// principal is a configured Principal with what the authority derives from it.
type principal struct {
	Principal
	objectID string           // stable "oid" claim
	certKey  crypto.PublicKey // verifies client assertions; nil: none accepted
	certRaw  []byte           // DER, for the x5t / x5t#S256 thumbprints
	// federated holds the resolved federated credentials; replaced whole by
	// SetFederatedCredentials while tokens are being requested.
	federated atomic.Pointer[[]FederatedCredential]
}

func (p *principal) federatedCredentials() []FederatedCredential {
	if f := p.federated.Load(); f != nil {
		return *f
	}
	return nil
}

// principalSet indexes principals by client id (case-insensitive, as Entra
// compares application ids) and by name.
type principalSet struct {
	byClientID map[string]*principal
	byName     map[string]*principal
}

func newPrincipalSet(ps []Principal) (*principalSet, error) {
	if len(ps) == 0 {
		ps = DefaultPrincipals()
	}
	set := &principalSet{byClientID: map[string]*principal{}, byName: map[string]*principal{}}
	for _, p := range ps {
		if p.Name == "" || p.ClientID == "" {
			return nil, fmt.Errorf("emulator: principal %q: name and client id are required", p.Name)
		}
		switch p.Role {
		case RoleOfficer, RoleUser, RoleNone:
		default:
			return nil, fmt.Errorf("emulator: principal %q: unknown role %q (want %q, %q or %q)", p.Name, p.Role, RoleOfficer, RoleUser, RoleNone)
		}
		key := strings.ToLower(p.ClientID)
		if _, dup := set.byClientID[key]; dup {
			return nil, fmt.Errorf("emulator: principal %q: client id %s is used twice", p.Name, p.ClientID)
		}
		if _, dup := set.byName[p.Name]; dup {
			return nil, fmt.Errorf("emulator: principal name %q is used twice", p.Name)
		}
		pp := &principal{Principal: p, objectID: objectID(p.ClientID)}
		if len(p.CertificatePEM) > 0 {
			cert, err := firstCertificate(p.CertificatePEM)
			if err != nil {
				return nil, fmt.Errorf("emulator: principal %q: %w", p.Name, err)
			}
			pp.certKey, pp.certRaw = cert.PublicKey, cert.Raw
		}
		set.byClientID[key] = pp
		set.byName[p.Name] = pp
	}
	return set, nil
}

func (s *principalSet) lookup(clientID string) *principal {
	return s.byClientID[strings.ToLower(clientID)]
}

// caller is the data plane's view of the application with that client id:
// a principal with its role, or an application the emulator does not know,
// which may do nothing.
func (s *principalSet) caller(clientID string) rbac.Caller {
	p := s.lookup(clientID)
	if p == nil {
		return rbac.Caller{Name: clientID, ClientID: clientID, Role: rbac.RoleNone}
	}
	return rbac.Caller{Name: p.Name, ClientID: clientID, ObjectID: p.objectID, Role: p.Role}
}

func firstCertificate(pemData []byte) (*x509.Certificate, error) {
	for rest := pemData; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("CertificatePEM holds no CERTIFICATE block")
		}
		if block.Type == "CERTIFICATE" {
			return x509.ParseCertificate(block.Bytes)
		}
	}
}

// objectID derives a stable, UUID-shaped object id from a client id, so the
// "oid" claim of a principal is the same on every run.
func objectID(clientID string) string {
	h := sha256.Sum256([]byte("emulator-oid/" + strings.ToLower(clientID)))
	h[6] = h[6]&0x0f | 0x50 // version 5 shape
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
