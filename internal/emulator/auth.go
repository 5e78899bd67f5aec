package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/rbac"
)

// vaultAuthenticator is keyvault.Authenticator for the emulator's
// authority: it verifies the access tokens the authority issued.
type vaultAuthenticator struct{ e *Emulator }

// Authenticate implements keyvault.Authenticator.
func (a vaultAuthenticator) Authenticate(r *http.Request) (rbac.Caller, error) {
	return a.e.authenticate(r)
}

// authenticate checks the bearer token of a data-plane request from its
// headers alone: Key Vault answers the 401 challenge before reading a body,
// and azsecrets relies on that (its first request carries no body). An
// error's text is Key Vault's message for the 401 body.
func (e *Emulator) authenticate(r *http.Request) (rbac.Caller, error) {
	authz := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(authz, " ")
	if authz == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return rbac.Caller{}, errors.New("AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return &e.issuerKey.key.PublicKey, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(e.now),
	)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return rbac.Caller{}, errors.New("AKV10022: Invalid token: the token is expired.")
		}
		return rbac.Caller{}, fmt.Errorf("AKV10016: Token validation failed: %v", err)
	}
	aud, _ := claims.GetAudience()
	if !audienceOK(aud) {
		return rbac.Caller{}, fmt.Errorf("AKV10022: Invalid audience. Expected %s, found: %s.", vaultResource, strings.Join(aud, ","))
	}
	if tid, _ := claims["tid"].(string); !strings.EqualFold(tid, e.tenantID) {
		return rbac.Caller{}, fmt.Errorf("AKV10032: Invalid issuer. Expected one of tenant %s, found: %s.", e.tenantID, tid)
	}
	appid, _ := claims["appid"].(string)
	if appid == "" {
		appid, _ = claims["azp"].(string)
	}
	return e.principals.caller(appid), nil
}

func audienceOK(aud []string) bool {
	for _, a := range aud {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), vaultResource) {
			return true
		}
	}
	return false
}
