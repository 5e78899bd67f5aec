package identity

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// verifyAssertion checks a client assertion (RFC 7523) signed by the key of
// the principal's certificate. It returns an AADSTS code and message on
// failure, 0 on success.
func (a *Authority) verifyAssertion(r *http.Request, p *principal, assertion string) (int, string) {
	if p.certKey == nil {
		return 700027, fmt.Sprintf("Client assertion failed signature validation: no certificate is registered on application '%s'.", p.ClientID)
	}
	tokenEndpoint := baseURL(r) + "/" + a.tenantID + "/oauth2/v2.0/token"
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
	for _, audience := range aud {
		if strings.EqualFold(strings.TrimSuffix(audience, "/"), tokenEndpoint) || strings.EqualFold(strings.TrimSuffix(audience, "/"), a.issuer(r)) {
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
