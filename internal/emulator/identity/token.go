package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

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

// serveToken is the client-credentials grant, authenticated by a client
// secret, by a client assertion signed with the principal's certificate key,
// or by an ID token of one of the principal's federated credentials.
func (a *Authority) serveToken(w http.ResponseWriter, r *http.Request) {
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
	p := a.principals.lookup(clientID)
	if p == nil {
		writeEntraError(w, r, http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf(
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", clientID, a.tenantID))
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
			if f := a.verifyFederated(r, p, assertion); f != nil {
				writeEntraError(w, r, f.status, f.code, f.aadsts, f.msg)
				return
			}
		} else if code, msg := a.verifyAssertion(r, p, assertion); code != 0 {
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
	token, err := a.issueToken(r, p, appidacr)
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

func (a *Authority) issueToken(r *http.Request, p *principal, appidacr string) (string, error) {
	now := a.now()
	iss := a.issuer(r)
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
		"tid":      a.tenantID,
		"uti":      randomID(),
		"ver":      "1.0",
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = a.issuerKey.kid
	return t.SignedString(a.issuerKey.key)
}
