package emulator_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// raw sends one request without azsecrets, for what the client hides.
func raw(t *testing.T, e *emulator.Emulator, method, rawURL, token string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient(e).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func vaultToken(t *testing.T, e *emulator.Emulator, principal string) string {
	t.Helper()
	tk, err := credential(t, e, principal, httpClient(e)).GetToken(ctx(t), policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk.Token
}

func TestChallengeBeforeBody(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	want := `Bearer authorization="` + strings.TrimSuffix(e.AuthorityHost(), "/") + "/" + e.TenantID() + `", resource="https://vault.azure.net"`
	// No token, and a body that is not even JSON: the challenge comes first.
	resp, body := raw(t, e, http.MethodPut, e.VaultURL()+"secrets/x?api-version=2025-07-01", "", []byte("{not json"))
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != want {
		t.Fatalf("got %d %q, want 401 %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), want)
	}
	if !strings.Contains(string(body), `"code":"Unauthorized"`) {
		t.Errorf("body %s", body)
	}
}

func TestForgedToken(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	forged, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"aud": "https://vault.azure.net", "iss": e.AuthorityHost() + e.TenantID() + "/v2.0", "tid": e.TenantID(),
		"appid": e.Principal(emulator.OfficerName).ClientID, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}).SignedString(other)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := raw(t, e, http.MethodGet, e.VaultURL()+"secrets/x/?api-version=7.6", forged, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged token: %d %s", resp.StatusCode, body)
	}
	want := `Bearer authorization="` + strings.TrimSuffix(e.AuthorityHost(), "/") + "/" + e.TenantID() + `", resource="https://vault.azure.net"`
	if got := resp.Header.Get("WWW-Authenticate"); got != want {
		t.Errorf("WWW-Authenticate %q, want %q", got, want)
	}

	// A real token for another audience is refused too.
	good := vaultToken(t, e, emulator.OfficerName)
	if resp, _ := raw(t, e, http.MethodGet, e.VaultURL()+"secrets?api-version=7.6", good, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid token refused: %d", resp.StatusCode)
	}
	if resp, _ := raw(t, e, http.MethodGet, e.VaultURL()+"secrets?api-version=7.6", good+"x", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("tampered token: %d", resp.StatusCode)
	}
}

func TestBadClientSecret(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	hc := httpClient(e)
	p := e.Principal(emulator.OfficerName)
	cred, err := azidentity.NewClientSecretCredential(e.TenantID(), p.ClientID, "wrong-secret", &azidentity.ClientSecretCredentialOptions{
		DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := clientWith(t, e, cred, clientOptions(e, hc))
	_, err = c.GetSecret(ctx(t), "anything", "", nil)
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		t.Fatalf("error %v (%T) is not an AuthenticationFailedError", err, err)
	}
	if afe.RawResponse == nil || afe.RawResponse.StatusCode != http.StatusUnauthorized {
		t.Fatalf("raw response %v", afe.RawResponse)
	}
	if !strings.Contains(err.Error(), "invalid_client") || !strings.Contains(err.Error(), "AADSTS7000215") {
		t.Errorf("error does not carry Entra's code: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-secret") {
		t.Error("the error echoes the presented secret")
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	officer := newClient(t, e, emulator.OfficerName)
	set(t, officer, "shared", "visible", nil)

	reader := newClient(t, e, emulator.ReaderName)
	got, err := reader.GetSecret(ctx(t), "shared", "", nil)
	if err != nil || *got.Value != "visible" {
		t.Fatalf("reader get: %v", err)
	}
	if _, err := reader.NewListSecretPropertiesPager(nil).NextPage(ctx(t)); err != nil {
		t.Fatalf("reader list: %v", err)
	}
	if _, err := reader.BackupSecret(ctx(t), "shared", nil); err != nil {
		t.Fatalf("reader backup: %v", err)
	}
	_, err = reader.SetSecret(ctx(t), "shared", azsecrets.SetSecretParameters{Value: ptr("nope")}, nil)
	wantInner(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")
	for _, want := range []string{"Microsoft.KeyVault/vaults/secrets/setSecret/action", "name=reader", e.Principal(emulator.ReaderName).ClientID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("403 message lacks %q: %v", want, err)
		}
	}
	_, err = reader.DeleteSecret(ctx(t), "shared", nil)
	wantInner(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")

	nobody := newClient(t, e, emulator.NobodyName)
	_, err = nobody.GetSecret(ctx(t), "shared", "", nil)
	wantInner(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")
	if !strings.Contains(err.Error(), "secrets/getSecret/action") {
		t.Errorf("403 message lacks the action: %v", err)
	}
	_, err = nobody.NewListSecretPropertiesPager(nil).NextPage(ctx(t))
	wantInner(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")

	audit := e.AuditLog()
	denied := 0
	for _, a := range audit {
		if a.Status == http.StatusForbidden {
			denied++
			if a.Principal != emulator.ReaderName && a.Principal != emulator.NobodyName {
				t.Errorf("403 audited for %q", a.Principal)
			}
		}
	}
	if denied != 4 {
		t.Errorf("%d denials audited, want 4", denied)
	}
}

func TestClockOffsetExpiresToken(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "timed", "v", nil)
	e.SetClockOffset(2 * time.Hour)
	// The client's cached token is still valid by the real clock, so it
	// sends it again after the challenge and gets the 401.
	_, err := c.GetSecret(ctx(t), "timed", "", nil)
	responseError(t, err, http.StatusUnauthorized, "Unauthorized")
	e.SetClockOffset(0)
	if _, err := c.GetSecret(ctx(t), "timed", "", nil); err != nil {
		t.Fatalf("after resetting the clock: %v", err)
	}
}

func TestClientCertificateCredential(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaCert, rsaPEM := selfSigned(t, rsaKey)
	ecCert, ecPEM := selfSigned(t, ecKey)
	principals := append(emulator.DefaultPrincipals(),
		emulator.Principal{Name: "cert-app", ClientID: "0f1ce000-0000-4000-8000-0000000000c1", CertificatePEM: rsaPEM, Role: emulator.RoleOfficer},
		emulator.Principal{Name: "ec-app", ClientID: "0f1ce000-0000-4000-8000-0000000000c2", CertificatePEM: ecPEM, Role: emulator.RoleUser},
	)
	e := start(t, emulator.Options{Principals: principals})
	hc := httpClient(e)

	// ClientCertificateCredential: MSAL signs a PS256 assertion with x5t#S256.
	certCred, err := azidentity.NewClientCertificateCredential(e.TenantID(), e.Principal("cert-app").ClientID, []*x509.Certificate{rsaCert}, rsaKey,
		&azidentity.ClientCertificateCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc)})
	if err != nil {
		t.Fatal(err)
	}
	c := clientWith(t, e, certCred, clientOptions(e, hc))
	set(t, c, "by-cert", "v", nil)

	// ClientAssertionCredential with an ES256 assertion built by hand.
	ecID := e.Principal("ec-app").ClientID
	assertion := func(aud string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) {
			tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
				"aud": aud, "iss": ecID, "sub": ecID, "jti": "1",
				"nbf": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(),
			})
			sum := sha256.Sum256(ecCert.Raw)
			tok.Header["x5t#S256"] = base64.RawURLEncoding.EncodeToString(sum[:])
			return tok.SignedString(ecKey)
		}
	}
	tokenEndpoint := e.AuthorityHost() + e.TenantID() + "/oauth2/v2.0/token"
	ecCred, err := azidentity.NewClientAssertionCredential(e.TenantID(), ecID, assertion(tokenEndpoint),
		&azidentity.ClientAssertionCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := clientWith(t, e, ecCred, clientOptions(e, hc)).GetSecret(ctx(t), "by-cert", "", nil)
	if err != nil || *got.Value != "v" {
		t.Fatalf("assertion client: %v", err)
	}

	// Wrong audience, and a principal without a certificate: invalid_client.
	for _, tc := range []struct{ clientID, aud string }{
		{ecID, "https://login.microsoftonline.com/other/oauth2/v2.0/token"},
		{e.Principal(emulator.OfficerName).ClientID, tokenEndpoint},
	} {
		form := url.Values{
			"grant_type": {"client_credentials"}, "client_id": {tc.clientID}, "scope": {"https://vault.azure.net/.default"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		}
		a, _ := assertion(tc.aud)(context.Background())
		form.Set("client_assertion", a)
		resp, body := postForm(t, e, tokenEndpoint, form)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"invalid_client"`) {
			t.Errorf("assertion for %s aud %s: %d %s", tc.clientID, tc.aud, resp.StatusCode, body)
		}
	}
}

func selfSigned(t *testing.T, key crypto.Signer) (*x509.Certificate, []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func postForm(t *testing.T, e *emulator.Emulator, endpoint string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	resp, err := httpClient(e).PostForm(endpoint, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestAuthority(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	authority := e.AuthorityHost() + e.TenantID()

	resp, body := raw(t, e, http.MethodGet, authority+"/v2.0/.well-known/openid-configuration", "", nil)
	var doc map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &doc) != nil {
		t.Fatalf("openid-configuration: %d %s", resp.StatusCode, body)
	}
	for key, want := range map[string]string{
		"issuer": authority + "/v2.0", "token_endpoint": authority + "/oauth2/v2.0/token",
		"authorization_endpoint": authority + "/oauth2/v2.0/authorize", "jwks_uri": authority + "/discovery/v2.0/keys",
	} {
		if doc[key] != want {
			t.Errorf("%s = %v, want %s", key, doc[key], want)
		}
	}
	resp, body = raw(t, e, http.MethodGet, authority+"/discovery/v2.0/keys", "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"kty":"RSA"`) {
		t.Errorf("jwks: %d %s", resp.StatusCode, body)
	}

	// The issued token is an RS256 JWT with the claims Key Vault reads.
	parts := strings.Split(vaultToken(t, e, emulator.ReaderName), ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	reader := e.Principal(emulator.ReaderName)
	if claims["aud"] != "https://vault.azure.net" || claims["tid"] != e.TenantID() || claims["appid"] != reader.ClientID ||
		claims["iss"] != authority+"/v2.0" || claims["oid"] == nil || claims["sub"] != claims["oid"] {
		t.Errorf("claims %v", claims)
	}
	exp, expOK := claims["exp"].(float64)
	iat, iatOK := claims["iat"].(float64)
	if !expOK || !iatOK || exp-iat != 3600 {
		t.Errorf("exp %v, iat %v: want numbers 3600 s apart", claims["exp"], claims["iat"])
	}

	// Unknown tenant, unknown client, wrong scope.
	other := e.AuthorityHost() + "00000000-1111-2222-3333-444444444444"
	if resp, body := raw(t, e, http.MethodGet, other+"/v2.0/.well-known/openid-configuration", "", nil); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(string(body), "AADSTS90002") {
		t.Errorf("unknown tenant: %d %s", resp.StatusCode, body)
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {reader.ClientID}, "client_secret": {reader.ClientSecret}, "scope": {"https://vault.azure.net/.default"}}
	if resp, _ := postForm(t, e, other+"/oauth2/v2.0/token", form); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("token for an unknown tenant: %d", resp.StatusCode)
	}
	form.Set("scope", "https://graph.microsoft.com/.default")
	if resp, body := postForm(t, e, authority+"/oauth2/v2.0/token", form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "invalid_scope") {
		t.Errorf("graph scope: %d %s", resp.StatusCode, body)
	}
	form.Set("scope", "https://vault.azure.net/.default")
	form.Set("client_id", "99999999-0000-4000-8000-000000000000")
	if resp, body := postForm(t, e, authority+"/oauth2/v2.0/token", form); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "AADSTS700016") {
		t.Errorf("unknown client: %d %s", resp.StatusCode, body)
	}
}
