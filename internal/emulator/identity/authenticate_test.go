package identity

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/rbac"
)

// bearer is a data-plane request carrying authorization (none when empty).
func bearer(authorization string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "https://vault.example/secrets?api-version=7.6", nil)
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	return r
}

// TestAuthenticate is the data plane's side of the authority: the tokens
// it issued name their principal and its role; others get Key Vault's 401
// message.
func TestAuthenticate(t *testing.T) {
	clock := time.Now()
	a, err := New(Config{TenantID: "Tenant-A", Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	a.Bind("https://127.0.0.1:1/", nil)
	tokenRequest := httptest.NewRequest(http.MethodPost, "https://127.0.0.1:1/tenant-a/oauth2/v2.0/token", nil)
	issue := func(p *principal) string {
		t.Helper()
		tok, err := a.issueToken(tokenRequest, p, "1")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	sign := func(claims jwt.MapClaims) string {
		t.Helper()
		tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(a.issuerKey.key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	for _, name := range []string{OfficerName, ReaderName, NobodyName} {
		p := a.principals.byName[name]
		got, err := a.Authenticate(bearer("Bearer " + issue(p)))
		want := rbac.Caller{Name: name, ClientID: p.ClientID, ObjectID: p.objectID, Role: p.Role}
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", name, got, err, want)
		}
	}
	stranger := &principal{Principal: Principal{Name: "not configured", ClientID: "99999999-0000-4000-8000-000000000000"}}
	if got, err := a.Authenticate(bearer("bearer " + issue(stranger))); err != nil ||
		got != (rbac.Caller{Name: stranger.ClientID, ClientID: stranger.ClientID, Role: rbac.RoleNone}) {
		t.Errorf("unknown application: %+v %v", got, err)
	}

	other, err := New(Config{TenantID: "tenant-a", Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	officer := a.principals.byName[OfficerName]
	valid := func(claims jwt.MapClaims) jwt.MapClaims {
		base := jwt.MapClaims{"aud": "https://vault.azure.net", "tid": "tenant-a", "appid": officer.ClientID, "exp": clock.Add(time.Hour).Unix()}
		for k, v := range claims {
			base[k] = v
		}
		return base
	}
	otherToken, err := other.issueToken(tokenRequest, other.principals.byName[OfficerName], "1")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ authorization, refusal string }{
		"no header":           {"", "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."},
		"another scheme":      {"Basic b2ZmaWNlcjpzZWNyZXQ=", "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."},
		"no token":            {"Bearer ", "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."},
		"another authority's": {"Bearer " + otherToken, "AKV10016: Token validation failed: "},
		"not a JWT":           {"Bearer x.y.z", "AKV10016: Token validation failed: "},
		"no expiry":           {"Bearer " + sign(valid(jwt.MapClaims{"exp": nil})), "AKV10016: Token validation failed: "},
		"expired":             {"Bearer " + sign(valid(jwt.MapClaims{"exp": clock.Add(-time.Minute).Unix()})), "AKV10022: Invalid token: the token is expired."},
		"another audience":    {"Bearer " + sign(valid(jwt.MapClaims{"aud": "https://graph.microsoft.com"})), "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://graph.microsoft.com."},
		"another tenant":      {"Bearer " + sign(valid(jwt.MapClaims{"tid": "tenant-b"})), "AKV10032: Invalid issuer. Expected one of tenant tenant-a, found: tenant-b."},
	} {
		got, err := a.Authenticate(bearer(tc.authorization))
		if err == nil || !strings.HasPrefix(err.Error(), tc.refusal) || got != (rbac.Caller{}) {
			t.Errorf("%s: %+v %v, want the refusal %q", name, got, err, tc.refusal)
		}
	}

	// Token lifetimes run on the emulator clock.
	tok := issue(officer)
	clock = clock.Add(2 * time.Hour)
	if _, err := a.Authenticate(bearer("Bearer " + tok)); err == nil || err.Error() != "AKV10022: Invalid token: the token is expired." {
		t.Errorf("two hours later: %v", err)
	}
}
