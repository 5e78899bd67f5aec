package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 thumbprint
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/uuid"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// The resource of Key Vault access tokens, and what the 401 challenge names.
const vaultResource = "https://vault.azure.net"

// tokenLifetime is how long issued access tokens are valid, as Entra's
// default for client credentials.
const tokenLifetime = time.Hour

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionMethods are the algorithms of certificate-signed client assertions.
var assertionMethods = []string{"RS256", "PS256", "ES256", "ES384", "ES512"}

// tokenIssuer signs access tokens; the data plane verifies them with the
// same key, and the JWKS endpoint publishes its public half.
type tokenIssuer struct {
	key *rsa.PrivateKey
	kid string
}

func newTokenIssuer() (*tokenIssuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("emulator: token signing key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return &tokenIssuer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:15])}, nil
}

// baseURL is the scheme and host the client used to reach the emulator, so
// issuer and endpoints match the authority the client configured (MSAL
// requires the issuer's host to equal the authority's).
func baseURL(r *http.Request) string { return "https://" + r.Host }

func (e *Emulator) issuer(r *http.Request) string { return baseURL(r) + "/" + e.tenantID + "/v2.0" }

// serveEntra answers {authority}/{tenant}/... .
func (e *Emulator) serveEntra(w http.ResponseWriter, r *http.Request, segs []string) {
	w.Header().Set("Cache-Control", "no-store, no-cache")
	if len(segs) < 2 {
		writeEntraError(w, r, http.StatusNotFound, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a "+r.Method+" request to an unknown path.")
		return
	}
	tenant, rest := segs[0], strings.Join(segs[1:], "/")
	if !strings.EqualFold(tenant, e.tenantID) {
		writeEntraError(w, r, http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf(
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. This emulator serves tenant %s only.", tenant, e.tenantID))
		return
	}
	switch rest {
	case "v2.0/.well-known/openid-configuration":
		e.serveOpenIDConfiguration(w, r)
	case "discovery/v2.0/keys":
		e.serveJWKS(w)
	case "oauth2/v2.0/token":
		if r.Method != http.MethodPost {
			writeEntraError(w, r, http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a "+r.Method+" request.")
			return
		}
		e.serveToken(w, r)
	case "oauth2/v2.0/authorize", "oauth2/v2.0/devicecode", "oauth2/v2.0/logout":
		writeEntraError(w, r, http.StatusBadRequest, "unsupported_response_type", 70003, "The emulator supports the client credentials grant only.")
	default:
		writeEntraError(w, r, http.StatusNotFound, "invalid_request", 900561, "Unknown endpoint "+r.URL.Path+".")
	}
}

// serveOpenIDConfiguration is the tenant discovery document MSAL reads
// before its first token request (with instance discovery disabled).
func (e *Emulator) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	tenantBase := baseURL(r) + "/" + e.tenantID
	httpjson.Write(w, http.StatusOK, map[string]any{
		"issuer":                                e.issuer(r),
		"token_endpoint":                        tenantBase + "/oauth2/v2.0/token",
		"authorization_endpoint":                tenantBase + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         tenantBase + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  tenantBase + "/oauth2/v2.0/logout",
		"jwks_uri":                              tenantBase + "/discovery/v2.0/keys",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"grant_types_supported":                 []string{"client_credentials"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "appid", "azp"},
		"request_uri_parameter_supported":       false,
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
	})
}

func (e *Emulator) serveJWKS(w http.ResponseWriter) {
	httpjson.Write(w, http.StatusOK, jwks(e.issuerKey))
}

// serveToken is the client-credentials grant, authenticated by a client
// secret, by a client assertion signed with the principal's certificate key,
// or by an ID token of one of the principal's federated credentials.
func (e *Emulator) serveToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		writeEntraError(w, r, http.StatusBadRequest, "invalid_request", 900144, "The request body must be application/x-www-form-urlencoded.")
		return
	}
	form := r.PostForm
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if id, s, ok := r.BasicAuth(); ok { // client_secret_basic
		clientID, secret = id, s
	}
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		writeEntraError(w, r, http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf(
			"The app requested an unsupported grant type '%s'. The emulator supports client_credentials only.", gt))
		return
	}
	if clientID == "" {
		writeEntraError(w, r, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	p := e.principals.lookup(clientID)
	if p == nil {
		writeEntraError(w, r, http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf(
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", clientID, e.tenantID))
		return
	}
	if code, msg := checkVaultScope(form.Get("scope")); code != 0 {
		writeEntraError(w, r, http.StatusBadRequest, "invalid_scope", code, msg)
		return
	}
	assertion := form.Get("client_assertion")
	var appidacr string
	switch {
	case assertion != "":
		if form.Get("client_assertion_type") != clientAssertionType {
			writeEntraError(w, r, http.StatusBadRequest, "invalid_request", 70002, "The 'client_assertion_type' must be '"+clientAssertionType+"'.")
			return
		}
		if len(p.federatedCredentials()) > 0 && !p.signedByCertificate(assertion) {
			if f := e.verifyFederated(r, p, assertion); f != nil {
				writeEntraError(w, r, f.status, f.code, f.aadsts, f.msg)
				return
			}
		} else if code, msg := e.verifyAssertion(r, p, assertion); code != 0 {
			writeEntraError(w, r, http.StatusUnauthorized, "invalid_client", code, msg)
			return
		}
		appidacr = "2"
	case secret != "":
		if p.ClientSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
			// Never echo the presented secret.
			writeEntraError(w, r, http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf(
				"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", p.ClientID))
			return
		}
		appidacr = "1"
	default:
		writeEntraError(w, r, http.StatusUnauthorized, "invalid_client", 7000216,
			"'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.")
		return
	}
	token, err := e.issueToken(r, p, appidacr)
	if err != nil {
		writeEntraError(w, r, http.StatusInternalServerError, "server_error", 50000, "There was an error issuing a token.")
		return
	}
	w.Header().Set("Pragma", "no-cache")
	lifetime := int(tokenLifetime/time.Second) - 1
	httpjson.Write(w, http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"expires_in":     lifetime,
		"ext_expires_in": lifetime,
		"access_token":   token,
	})
}

// checkVaultScope accepts the Key Vault resource's .default scope, alone or
// with the OIDC scopes some clients add. It returns an AADSTS code and
// message when the scope is not acceptable, 0 otherwise.
func checkVaultScope(scope string) (int, string) {
	for s := range strings.FieldsSeq(scope) {
		resource, ok := strings.CutSuffix(s, "/.default")
		if ok && strings.EqualFold(strings.TrimSuffix(resource, "/"), vaultResource) {
			return 0, ""
		}
	}
	if scope == "" {
		return 900144, "The request body must contain the following parameter: 'scope'."
	}
	return 1002012, fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI); this emulator serves %s/.default only.", scope, vaultResource)
}

func (e *Emulator) issueToken(r *http.Request, p *principal, appidacr string) (string, error) {
	now := e.now()
	iss := e.issuer(r)
	claims := jwt.MapClaims{
		"aud":      vaultResource,
		"iss":      iss,
		"iat":      now.Unix(),
		"nbf":      now.Unix(),
		"exp":      now.Add(tokenLifetime).Unix(),
		"appid":    p.ClientID,
		"azp":      p.ClientID,
		"appidacr": appidacr,
		"idp":      iss,
		"oid":      p.objectID,
		"sub":      p.objectID,
		"tid":      e.tenantID,
		"uti":      randomID(),
		"ver":      "1.0",
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = e.issuerKey.kid
	return t.SignedString(e.issuerKey.key)
}

// verifyAssertion checks a client assertion (RFC 7523) signed by the key of
// the principal's certificate. It returns an AADSTS code and message on
// failure, 0 on success.
func (e *Emulator) verifyAssertion(r *http.Request, p *principal, assertion string) (int, string) {
	if p.certKey == nil {
		return 700027, fmt.Sprintf("Client assertion failed signature validation: no certificate is registered on application '%s'.", p.ClientID)
	}
	tokenEndpoint := baseURL(r) + "/" + e.tenantID + "/oauth2/v2.0/token"
	var header map[string]any
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, func(t *jwt.Token) (any, error) {
		header = t.Header
		return p.certKey, nil
	},
		jwt.WithValidMethods(assertionMethods),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5*time.Minute), // Entra's clock-skew allowance; assertions use the real clock
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired) || errors.Is(err, jwt.ErrTokenNotValidYet):
		return 700024, "Client assertion is not within its valid time range."
	case err != nil:
		return 700027, "Client assertion failed signature validation."
	}
	if !thumbprintMatches(header, p.certRaw) {
		return 700027, "The certificate with the thumbprint in the client assertion is not registered on application '" + p.ClientID + "'."
	}
	iss, _ := claims.GetIssuer()
	sub, _ := claims.GetSubject()
	if !strings.EqualFold(iss, p.ClientID) || !strings.EqualFold(sub, p.ClientID) {
		return 700021, "Client assertion application identifier doesn't match 'client_id' parameter."
	}
	aud, _ := claims.GetAudience()
	for _, a := range aud {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), tokenEndpoint) || strings.EqualFold(strings.TrimSuffix(a, "/"), e.issuer(r)) {
			return 0, ""
		}
	}
	return 700027, fmt.Sprintf("Client assertion audience claim does not match the token endpoint %s.", tokenEndpoint)
}

// thumbprintMatches checks the x5t#S256 or x5t header, when present,
// against the registered certificate.
func thumbprintMatches(header map[string]any, certDER []byte) bool {
	if v, ok := header["x5t#S256"].(string); ok {
		sum := sha256.Sum256(certDER)
		return thumbprintEqual(v, sum[:])
	}
	if v, ok := header["x5t"].(string); ok {
		sum := sha1.Sum(certDER) //nolint:gosec // x5t is SHA-1 by definition
		return thumbprintEqual(v, sum[:])
	}
	return true
}

// thumbprintEqual accepts the base64 flavours clients use (MSAL Go sends
// standard base64, the RFC says base64url).
func thumbprintEqual(encoded string, sum []byte) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(encoded); err == nil {
			return subtle.ConstantTimeCompare(b, sum) == 1
		}
	}
	return false
}

// writeEntraError writes an Entra ID OAuth error with an AADSTS code.
func writeEntraError(w http.ResponseWriter, r *http.Request, status int, code string, aadsts int, message string) {
	now := time.Now().UTC()
	trace, corr := uuid.New(), r.Header.Get("client-request-id")
	if corr == "" {
		corr = uuid.New()
	}
	ts := now.Format("2006-01-02 15:04:05Z")
	httpjson.Write(w, status, map[string]any{
		"error":             code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", aadsts, message, trace, corr, ts),
		"error_codes":       []int{aadsts},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	})
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
