package identity

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/rbac"
)

// Authenticate is keyvault.Authenticator: it checks the access token a
// data-plane request carries, from its headers alone (Key Vault answers the
// 401 challenge before reading a body, and azsecrets relies on that: its
// first request carries no body), and names the principal it was issued to
// with its role. The checks and the errors are Key Vault's, the only
// resource the authority issues tokens for: an error's text is Key Vault's
// message for the 401 body.
func (a *Authority) Authenticate(r *http.Request) (rbac.Caller, error) {
	authz := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(authz, " ")
	if authz == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return rbac.Caller{}, refusal("AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return &a.issuerKey.key.PublicKey, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(a.now),
	)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return rbac.Caller{}, refusal("AKV10022: Invalid token: the token is expired.")
		}
		return rbac.Caller{}, refusal(fmt.Sprintf("AKV10016: Token validation failed: %v", err))
	}
	aud, _ := claims.GetAudience()
	if !audienceOK(aud) {
		return rbac.Caller{}, refusal(fmt.Sprintf("AKV10022: Invalid audience. Expected %s, found: %s.", vaultResource, strings.Join(aud, ",")))
	}
	if tid, _ := claims["tid"].(string); !strings.EqualFold(tid, a.tenantID) {
		return rbac.Caller{}, refusal(fmt.Sprintf("AKV10032: Invalid issuer. Expected one of tenant %s, found: %s.", a.tenantID, tid))
	}
	appid, _ := claims["appid"].(string)
	if appid == "" {
		appid, _ = claims["azp"].(string)
	}
	return a.principals.caller(appid), nil
}

func audienceOK(aud []string) bool {
	for _, a := range aud {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), vaultResource) {
			return true
		}
	}
	return false
}

// refusal is why Key Vault refuses an access token, in its own words: the
// message of its 401 body.
type refusal string

func (r refusal) Error() string { return string(r) }
