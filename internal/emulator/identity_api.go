package emulator

import (
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/identity"
)

// The identity side's types and constants, as the emulator's users know
// them; internal/emulator/identity documents them.
type (
	Principal           = identity.Principal
	Role                = identity.Role
	FederatedCredential = identity.FederatedCredential
	Issuer              = identity.Issuer
	GitHubActions       = identity.GitHubActions
	AzureDevOps         = identity.AzureDevOps
)

const (
	RoleOfficer = identity.RoleOfficer // read/write on secrets (Key Vault Secrets Officer)
	RoleUser    = identity.RoleUser    // read only (Key Vault Secrets User)
	RoleNone    = identity.RoleNone    // authenticates, but may do nothing (403)

	// DefaultTenantID is the tenant of an emulator started without
	// Options.TenantID: a fixed, made-up UUID, so that configurations and
	// logs are stable across runs.
	DefaultTenantID = identity.DefaultTenantID

	// Names of the principals returned by DefaultPrincipals.
	OfficerName = identity.OfficerName
	ReaderName  = identity.ReaderName
	NobodyName  = identity.NobodyName

	// TokenExchangeAudience is the audience Entra expects in federated
	// tokens by default, and the default of FederatedCredential.Audiences.
	TokenExchangeAudience = identity.TokenExchangeAudience
)

// DefaultPrincipals returns one principal per role, with fixed client ids and
// secrets: "officer" (RoleOfficer), "reader" (RoleUser), "nobody" (RoleNone).
func DefaultPrincipals() []Principal { return identity.DefaultPrincipals() }

// TenantID is the one tenant the authority serves.
func (e *Emulator) TenantID() string { return e.identity.TenantID() }

// Principal returns the configured principal with that Name, with its
// current federated credentials (issuers resolved to URLs); it panics when
// there is none, which is a bug in the calling test.
func (e *Emulator) Principal(name string) Principal { return e.identity.Principal(name) }

// SetFederatedCredentials replaces the federated credentials of the named
// principal; tokens already issued stay valid. It fails when the principal
// does not exist or a credential is invalid.
func (e *Emulator) SetFederatedCredentials(principal string, creds []FederatedCredential) error {
	return e.identity.SetFederatedCredentials(principal, creds)
}

// Issuer returns the configured issuer with that Name, defaults filled in
// (RequestToken, AccessToken, TokenLifetime); it panics when there is none.
func (e *Emulator) Issuer(name string) Issuer { return e.identity.Issuer(name) }

// IssuerURL is the issuer identifier of the named issuer, the "iss" of its
// tokens and what a FederatedCredential.Issuer names:
// "https://127.0.0.1:PORT/_issuers/{name}" (no trailing slash).
func (e *Emulator) IssuerURL(name string) string { return e.identity.IssuerURL(name) }

// GitHubTokenURL is the value for ACTIONS_ID_TOKEN_REQUEST_URL:
// "{IssuerURL}/token?api-version=2.0". Like GitHub's, it already carries a
// query, so clients may append "&audience=..." or set the parameter. It
// panics when the issuer has no GitHub endpoint.
func (e *Emulator) GitHubTokenURL(name string) string { return e.identity.GitHubTokenURL(name) }

// AzureDevOpsOIDCRequestURI is the value for SYSTEM_OIDCREQUESTURI:
// "{IssuerURL}/oidctoken". It panics when the issuer has no Azure DevOps
// endpoint.
func (e *Emulator) AzureDevOpsOIDCRequestURI(name string) string {
	return e.identity.AzureDevOpsOIDCRequestURI(name)
}

// MintIDToken returns an ID token of the named issuer, signed with its key,
// for subject and audience (empty: api://AzureADTokenExchange), valid from
// now (emulator clock) for lifetime (0: the issuer's TokenLifetime). A
// negative lifetime mints a token that expired -lifetime ago. It panics on
// an unknown issuer.
func (e *Emulator) MintIDToken(issuerName, subject, audience string, lifetime time.Duration) string {
	return e.identity.MintIDToken(issuerName, subject, audience, lifetime)
}
