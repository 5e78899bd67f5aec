package identity

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FederatedCredential is a federated identity credential of an application:
// Entra accepts an ID token of Issuer for Subject with one of Audiences as
// the application's client assertion (workload identity federation).
// Matching is exact and case-sensitive, as Entra's is.
type FederatedCredential struct {
	Name string `json:"name,omitempty"` // informational, as in Entra
	// Issuer is the issuer URL, compared exactly with the token's "iss"; its
	// OIDC discovery document must be reachable over HTTPS (the emulator
	// trusts its own CA and the system roots).
	Issuer string `json:"issuer,omitempty"`
	// IssuerName, instead of Issuer, names one of the issuers the emulator
	// plays (Config.Issuers, the emulator's Options.Issuers); it is resolved
	// to that issuer's URL (the port is only known once the emulator
	// listens). Principal() returns both, Issuer resolved.
	IssuerName string   `json:"issuer_name,omitempty"`
	Subject    string   `json:"subject"`
	Audiences  []string `json:"audiences,omitempty"` // default [api://AzureADTokenExchange]
}

// maxFederatedCredentials is Entra's limit per application (Microsoft Graph:
// "Maximum of 20 objects can be added to an application").
const maxFederatedCredentials = 20

// federatedSkew is the clock skew allowed on the "exp" and "nbf" of a
// federated token, as for other client assertions.
const federatedSkew = 5 * time.Minute

// checkFederated validates a principal's federated credentials against the
// configured issuers, without resolving them.
func (a *Authority) checkFederated(principal string, creds []FederatedCredential) error {
	if len(creds) > maxFederatedCredentials {
		return fmt.Errorf("emulator: principal %q: %d federated credentials, Entra allows %d", principal, len(creds), maxFederatedCredentials)
	}
	seen := map[string]bool{}
	for i, c := range creds {
		where := fmt.Sprintf("emulator: principal %q: federated credential %d", principal, i)
		switch {
		case c.Issuer != "" && c.IssuerName != "":
			// What Principal() returns may be passed back: both, consistent.
			if _, ok := a.issuers[c.IssuerName]; !ok || a.baseURL == "" || c.Issuer != a.issuerURL(c.IssuerName) {
				return fmt.Errorf("%s: set Issuer or IssuerName, not both", where)
			}
		case c.IssuerName != "":
			if _, ok := a.issuers[c.IssuerName]; !ok {
				return fmt.Errorf("%s: no issuer named %q in Options.Issuers", where, c.IssuerName)
			}
		case c.Issuer != "":
			u, err := url.Parse(c.Issuer)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				return fmt.Errorf("%s: issuer %q is not an https URL", where, c.Issuer)
			}
		default:
			return fmt.Errorf("%s: Issuer or IssuerName is required", where)
		}
		if c.Subject == "" {
			return fmt.Errorf("%s: Subject is required", where)
		}
		for _, audience := range c.Audiences {
			if audience == "" {
				return fmt.Errorf("%s: empty audience", where)
			}
		}
		key := c.Issuer + "\x00" + c.IssuerName + "\x00" + c.Subject
		if seen[key] {
			return fmt.Errorf("%s: another credential has the same issuer and subject", where)
		}
		seen[key] = true
	}
	return nil
}

// resolveFederated returns a copy of checked credentials with IssuerName
// turned into Issuer and the default audience filled in.
func (a *Authority) resolveFederated(creds []FederatedCredential) []FederatedCredential {
	out := make([]FederatedCredential, 0, len(creds))
	for _, c := range creds {
		if c.IssuerName != "" {
			c.Issuer = a.issuerURL(c.IssuerName)
		}
		if len(c.Audiences) == 0 {
			c.Audiences = []string{TokenExchangeAudience}
		} else {
			c.Audiences = slices.Clone(c.Audiences)
		}
		out = append(out, c)
	}
	return out
}

// SetFederatedCredentials replaces the federated credentials of the named
// principal; tokens already issued stay valid. It fails when the principal
// does not exist or a credential is invalid.
func (a *Authority) SetFederatedCredentials(principal string, creds []FederatedCredential) error {
	p, ok := a.principals.byName[principal]
	if !ok {
		return fmt.Errorf("emulator: no principal named %q", principal)
	}
	if err := a.checkFederated(principal, creds); err != nil {
		return err
	}
	resolved := a.resolveFederated(creds)
	p.federated.Store(&resolved)
	return nil
}

// fedFailure is Entra's answer to a federated client assertion it refuses.
type fedFailure struct {
	status int
	code   string // OAuth error
	aadsts int
	msg    string
}

// The errors Entra answers for federated client assertions. Confirmed by
// searching public issue threads and SDK troubleshooting guides (code,
// OAuth error and message shape):
//
//   - AADSTS700211, invalid_client: "No matching federated identity record found for
//     presented assertion issuer '{iss}'. Please check your federated identity
//     credential Subject, Audience and Issuer against the presented assertion. {link}"
//   - AADSTS700213, invalid_client: "... presented assertion subject '{sub}'. Check your
//     federated identity credential Subject, Audience and Issuer against the presented assertion. {link}"
//   - AADSTS7002138, invalid_client: the same subject miss when only the case differs
//     ("The subject matches with case-insensitive comparison, but not with case-sensitive comparison.")
//   - AADSTS700212: "No matching federated identity record found for presented assertion
//     audience '{aud}'." (azidentity's TROUBLESHOOTING.md); the rest of the message and the
//     OAuth error follow its siblings.
//   - AADSTS700024, invalid_client: "Client assertion is not within its valid time range.
//     Current time: {t}, assertion valid from {nbf}, expiry time of assertion {exp}. Review the
//     documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."
//     (1970-01-01 when the claim is absent; times with seven fractional digits).
//   - AADSTS7000272, invalid_client: "The certificate with identifier {kid} used to sign the
//     federated credential could not be found in the metadata of identity provider {iss}. Please
//     validate that your Identity Provider's metadata exposes the key used to sign the incoming token."
//   - AADSTS50166, invalid_request with status 400: "Request to External OIDC endpoint failed."
//     (the emulator appends what failed).
//
// invalid_client is status 401 and invalid_request 400, as Entra answers them.
// Not confirmed: AADSTS700027 for a signature that does not verify with the
// key the kid names (Entra's code for invalid assertion signatures, with
// the emulator's reason), and AADSTS50027 for a client assertion that is not
// a JWT.
const (
	wifLink       = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
	wifCheckHint  = "Check your federated identity credential Subject, Audience and Issuer against the presented assertion. " + wifLink
	assertionTime = "2006-01-02T15:04:05.0000000Z"
)

func invalidClient(aadsts int, format string, args ...any) *fedFailure {
	return &fedFailure{status: http.StatusUnauthorized, code: "invalid_client", aadsts: aadsts, msg: fmt.Sprintf(format, args...)}
}

// verifyFederated checks a client assertion against the principal's
// federated credentials: issuer, the issuer's signature (keys fetched from
// its discovery document), lifetime on the emulator clock, subject and
// audience, in that order.
func (a *Authority) verifyFederated(r *http.Request, p *principal, assertion string) *fedFailure {
	claims := jwt.MapClaims{}
	tok, _, err := jwt.NewParser().ParseUnverified(assertion, claims)
	if err != nil {
		return &fedFailure{status: http.StatusBadRequest, code: "invalid_request", aadsts: 50027, msg: "JWT token is invalid or malformed."}
	}
	iss, _ := claims.GetIssuer()
	var byIssuer []FederatedCredential
	for _, c := range p.federatedCredentials() {
		if c.Issuer == iss {
			byIssuer = append(byIssuer, c)
		}
	}
	if len(byIssuer) == 0 {
		return invalidClient(700211, "No matching federated identity record found for presented assertion issuer '%s'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. %s", iss, wifLink)
	}

	kid, _ := tok.Header["kid"].(string)
	key, err := a.oidc().signingKey(r.Context(), iss, kid)
	if errors.Is(err, errKeyNotFound) {
		return invalidClient(7000272, "The certificate with identifier %s used to sign the federated credential could not be found in the metadata of identity provider %s. Please validate that your Identity Provider's metadata exposes the key used to sign the incoming token.", kid, iss)
	}
	if err != nil {
		return &fedFailure{status: http.StatusBadRequest, code: "invalid_request", aadsts: 50166, msg: "Request to External OIDC endpoint failed. (" + err.Error() + ")"}
	}
	if _, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation()); err != nil {
		return invalidClient(700027, "Client assertion contains an invalid signature. [Reason - the signature does not verify with key '%s' of issuer '%s': %v]", kid, iss, err)
	}

	now := a.now()
	exp, _ := claims.GetExpirationTime()
	nbf, _ := claims.GetNotBefore()
	if exp == nil || now.After(exp.Add(federatedSkew)) || (nbf != nil && now.Add(federatedSkew).Before(nbf.Time)) {
		return invalidClient(700024, "Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
			now.UTC().Format(assertionTime), claimTime(nbf), claimTime(exp))
	}

	sub, _ := claims.GetSubject()
	var bySubject []FederatedCredential
	caseOnly := false
	for _, c := range byIssuer {
		switch {
		case c.Subject == sub:
			bySubject = append(bySubject, c)
		case strings.EqualFold(c.Subject, sub):
			caseOnly = true
		}
	}
	if len(bySubject) == 0 {
		if caseOnly {
			return invalidClient(7002138, "No matching federated identity record found for presented assertion subject '%s'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. %s", sub, wifCheckHint)
		}
		return invalidClient(700213, "No matching federated identity record found for presented assertion subject '%s'. %s", sub, wifCheckHint)
	}

	aud, _ := claims.GetAudience()
	for _, c := range bySubject {
		for _, audience := range aud {
			if slices.Contains(c.Audiences, audience) {
				return nil
			}
		}
	}
	return invalidClient(700212, "No matching federated identity record found for presented assertion audience '%s'. %s", strings.Join(aud, ","), wifCheckHint)
}

func claimTime(t *jwt.NumericDate) string {
	if t == nil {
		return time.Unix(0, 0).UTC().Format(assertionTime)
	}
	return t.UTC().Format(assertionTime)
}

// signedByCertificate reports whether the assertion's signature verifies
// with the principal's certificate key: such an assertion is a certificate
// credential, whatever federated credentials the principal also has.
func (p *principal) signedByCertificate(assertion string) bool {
	if p.certKey == nil {
		return false
	}
	_, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return p.certKey, nil },
		jwt.WithValidMethods(assertionMethods), jwt.WithoutClaimsValidation())
	return err == nil
}
