package emulator_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Workload identity federation: the real azidentity credentials get ID
// tokens from the issuers the emulator plays and exchange them at its
// authority for vault tokens.

const (
	ghSubject     = "repo:contoso/infra:ref:refs/heads/main"
	adoConnection = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
	adoSubject    = "sc://contoso/infra/prod-vault"
	adoOther      = "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d" // a service connection no credential trusts
	aksSubject    = "system:serviceaccount:apps:api"
)

// startFederated runs an emulator with three issuers (GitHub Actions-style,
// Azure DevOps-style, and a bare one for token files) and one principal
// federated with each, besides the default principals.
func startFederated(t *testing.T) *emulator.Emulator {
	t.Helper()
	principals := append(emulator.DefaultPrincipals(),
		emulator.Principal{Name: "gha", ClientID: "0f1ce000-0000-4000-8000-0000000000f1", Role: emulator.RoleOfficer,
			FederatedCredentials: []emulator.FederatedCredential{{Name: "main-branch", IssuerName: "github", Subject: ghSubject}}},
		emulator.Principal{Name: "pipeline", ClientID: "0f1ce000-0000-4000-8000-0000000000f2", Role: emulator.RoleOfficer,
			FederatedCredentials: []emulator.FederatedCredential{{IssuerName: "ado", Subject: adoSubject}}},
		emulator.Principal{Name: "workload", ClientID: "0f1ce000-0000-4000-8000-0000000000f3", Role: emulator.RoleUser,
			FederatedCredentials: []emulator.FederatedCredential{{IssuerName: "aks", Subject: aksSubject}}},
	)
	return start(t, emulator.Options{Principals: principals, Issuers: []emulator.Issuer{
		{Name: "github", GitHub: &emulator.GitHubActions{Subject: ghSubject}},
		{Name: "ado", AzureDevOps: &emulator.AzureDevOps{ServiceConnections: map[string]string{
			adoConnection: adoSubject,
			adoOther:      "sc://contoso/infra/dev-vault",
		}}},
		{Name: "aks"},
	}})
}

// githubAssertion does what a GitHub Actions job does for an ID token: GET
// ACTIONS_ID_TOKEN_REQUEST_URL + "&audience=..." with the request token.
func githubAssertion(hc *http.Client, requestURL, requestToken string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, requestURL+"&audience=api://AzureADTokenExchange", nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+requestToken)
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var out struct {
			Count int    `json:"count"`
			Value string `json:"value"`
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("ID token request: %s", resp.Status)
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Value == "" || out.Count < 1 {
			return "", fmt.Errorf("ID token response: %+v %v", out, err)
		}
		return out.Value, nil
	}
}

func fixedAssertion(token string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return token, nil }
}

func assertionCredential(t *testing.T, e *emulator.Emulator, hc *http.Client, principal string, get func(context.Context) (string, error)) *azidentity.ClientAssertionCredential {
	t.Helper()
	cred, err := azidentity.NewClientAssertionCredential(e.TenantID(), e.Principal(principal).ClientID, get,
		&azidentity.ClientAssertionCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc)})
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func vaultScope() policy.TokenRequestOptions {
	return policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}}
}

// wantAADSTS asserts err is the authority's refusal with that HTTP status,
// OAuth error and AADSTS code, and returns the error text.
func wantAADSTS(t *testing.T, err error, status int, oauthError string, code int) string {
	t.Helper()
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		t.Fatalf("error %v (%T) is not an AuthenticationFailedError", err, err)
	}
	if afe.RawResponse == nil || afe.RawResponse.StatusCode != status {
		t.Fatalf("status %v, want %d: %v", afe.RawResponse, status, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprintf("AADSTS%d:", code)) || !strings.Contains(msg, oauthError) {
		t.Fatalf("want %s AADSTS%d, got: %v", oauthError, code, err)
	}
	return msg
}

func TestFederatedGitHubActions(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	hc := httpClient(e)
	cred := assertionCredential(t, e, hc, "gha", githubAssertion(hc, e.GitHubTokenURL("github"), e.Issuer("github").GitHub.RequestToken))
	c := clientWith(t, e, cred, clientOptions(e, hc))
	set(t, c, "from-ci", "deployed", nil)
	got, err := c.GetSecret(ctx(t), "from-ci", "", nil)
	if err != nil || *got.Value != "deployed" {
		t.Fatalf("GetSecret: %v", err)
	}
	for _, a := range e.AuditLog() {
		if a.Status == http.StatusOK && a.Principal != "gha" {
			t.Errorf("audited as %q, want gha", a.Principal)
		}
	}

	// The principal's credential as Principal() reports it: resolved issuer, default audience.
	fc := e.Principal("gha").FederatedCredentials
	if len(fc) != 1 || fc[0].Issuer != e.IssuerURL("github") || fc[0].Subject != ghSubject ||
		len(fc[0].Audiences) != 1 || fc[0].Audiences[0] != emulator.TokenExchangeAudience {
		t.Errorf("federated credentials %+v", fc)
	}
}

// Not parallel: AzurePipelinesCredential reads SYSTEM_OIDCREQUESTURI.
func TestFederatedAzurePipelines(t *testing.T) {
	e := startFederated(t)
	hc := httpClient(e)
	t.Setenv("SYSTEM_OIDCREQUESTURI", e.AzureDevOpsOIDCRequestURI("ado"))
	accessToken := e.Issuer("ado").AzureDevOps.AccessToken
	pipeline := func(connection, token string) *azidentity.AzurePipelinesCredential {
		cred, err := azidentity.NewAzurePipelinesCredential(e.TenantID(), e.Principal("pipeline").ClientID, connection, token,
			&azidentity.AzurePipelinesCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc)})
		if err != nil {
			t.Fatal(err)
		}
		return cred
	}

	c := clientWith(t, e, pipeline(adoConnection, accessToken), clientOptions(e, hc))
	set(t, c, "from-pipeline", "released", nil)
	if got, err := c.GetSecret(ctx(t), "from-pipeline", "", nil); err != nil || *got.Value != "released" {
		t.Fatalf("GetSecret: %v", err)
	}

	// Azure DevOps' own refusals, as the credential reports them.
	_, err := pipeline("11111111-2222-4333-8444-555555555555", accessToken).GetToken(ctx(t), vaultScope())
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) || afe.RawResponse == nil || afe.RawResponse.StatusCode != http.StatusBadRequest ||
		!strings.Contains(err.Error(), "No service connection found with identifier 11111111-2222-4333-8444-555555555555") {
		t.Errorf("unknown service connection: %v", err)
	}
	_, err = pipeline(adoConnection, "not-the-system-access-token").GetToken(ctx(t), vaultScope())
	if !errors.As(err, &afe) || afe.RawResponse == nil || afe.RawResponse.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(err.Error(), "401 Unauthorized response from the OIDC endpoint") {
		t.Errorf("wrong system access token: %v", err)
	}
	// A service connection of the same project whose subject no credential trusts.
	_, err = pipeline(adoOther, accessToken).GetToken(ctx(t), vaultScope())
	if msg := wantAADSTS(t, err, http.StatusUnauthorized, "invalid_client", 700213); !strings.Contains(msg, "'sc://contoso/infra/dev-vault'") {
		t.Errorf("message does not name the subject: %v", msg)
	}
}

func TestFederatedWorkloadIdentityTokenFile(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	hc := httpClient(e)
	set(t, newClient(t, e, emulator.OfficerName), "app-config", "v1", nil)

	// What AKS projects into the pod (AZURE_FEDERATED_TOKEN_FILE), or HCP
	// Terraform writes for a run: a signed ID token in a file.
	file := filepath.Join(t.TempDir(), "azure-identity-token")
	if err := os.WriteFile(file, []byte(e.MintIDToken("aks", aksSubject, "", time.Hour)), 0o600); err != nil {
		t.Fatal(err)
	}
	cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
		ClientID: e.Principal("workload").ClientID, TenantID: e.TenantID(), TokenFilePath: file,
		DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := clientWith(t, e, cred, clientOptions(e, hc))
	if got, err := c.GetSecret(ctx(t), "app-config", "", nil); err != nil || *got.Value != "v1" {
		t.Fatalf("GetSecret: %v", err)
	}
	// The federated login carries the principal's role: readers do not write.
	_, err = c.SetSecret(ctx(t), "app-config", azsecrets.SetSecretParameters{Value: ptr("v2")}, nil)
	wantInner(t, err, http.StatusForbidden, "Forbidden", "ForbiddenByRbac")
}

// signWith builds an ID token by hand, for what no honest issuer mints.
func signWith(t *testing.T, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFederatedFailures(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	hc := httpClient(e)
	if err := e.SetFederatedCredentials(emulator.NobodyName, []emulator.FederatedCredential{
		{Issuer: "https://127.0.0.1:1/oidc", Subject: "nowhere"}, // nothing listens on port 1
	}); err != nil {
		t.Fatal(err)
	}
	foreign, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims := func(iss, sub string) jwt.MapClaims {
		return jwt.MapClaims{"iss": iss, "sub": sub, "aud": emulator.TokenExchangeAudience,
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	}
	realKid := githubKid(t, e)

	for _, tc := range []struct {
		name, principal, token string
		status                 int
		oauthError             string
		code                   int
		mentions               string
	}{
		{"wrong subject", "gha", e.MintIDToken("github", "repo:contoso/infra:ref:refs/heads/feature", "", 0),
			401, "invalid_client", 700213, "presented assertion subject 'repo:contoso/infra:ref:refs/heads/feature'"},
		{"subject differs in case only", "gha", e.MintIDToken("github", "repo:Contoso/infra:ref:refs/heads/main", "", 0),
			401, "invalid_client", 7002138, "case-insensitive comparison"},
		{"wrong audience", "gha", e.MintIDToken("github", ghSubject, "api://SomethingElse", 0),
			401, "invalid_client", 700212, "presented assertion audience 'api://SomethingElse'"},
		{"expired", "gha", e.MintIDToken("github", ghSubject, "", -10*time.Minute),
			401, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: "},
		{"issuer not federated", "gha", e.MintIDToken("aks", ghSubject, "", 0),
			401, "invalid_client", 700211, "presented assertion issuer '" + e.IssuerURL("aks") + "'"},
		{"signed by a key not in the JWKS", "gha", signWith(t, foreign, "rotated-away", claims(e.IssuerURL("github"), ghSubject)),
			401, "invalid_client", 7000272, "The certificate with identifier rotated-away used to sign the federated credential could not be found in the metadata of identity provider " + e.IssuerURL("github")},
		{"forged with the issuer's kid", "gha", signWith(t, foreign, realKid, claims(e.IssuerURL("github"), ghSubject)),
			401, "invalid_client", 700027, "invalid signature"},
		{"issuer metadata unreachable", emulator.NobodyName, signWith(t, foreign, "k", claims("https://127.0.0.1:1/oidc", "nowhere")),
			400, "invalid_request", 50166, "Request to External OIDC endpoint failed."},
		{"not a JWT", "gha", "not-a-jwt", 400, "invalid_request", 50027, "JWT token is invalid or malformed."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := assertionCredential(t, e, hc, tc.principal, fixedAssertion(tc.token)).GetToken(ctx(t), vaultScope())
			if msg := wantAADSTS(t, err, tc.status, tc.oauthError, tc.code); !strings.Contains(msg, tc.mentions) {
				t.Errorf("message lacks %q: %s", tc.mentions, msg)
			}
		})
	}
}

// githubKid is the kid the github issuer publishes.
func githubKid(t *testing.T, e *emulator.Emulator) string {
	t.Helper()
	resp, body := raw(t, e, http.MethodGet, e.IssuerURL("github")+"/.well-known/jwks", "", nil)
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &set) != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks: %d %s", resp.StatusCode, body)
	}
	return set.Keys[0].Kid
}

// The check that matters: a genuine, well-signed, unexpired token of a
// trusted issuer still gets nothing unless a credential of this very
// application names its issuer and subject. An authority that skipped the
// federated-credential match would hand out vault tokens here.
func TestFederatedCredentialIsRequired(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	hc := httpClient(e)
	fromGitHub := githubAssertion(hc, e.GitHubTokenURL("github"), e.Issuer("github").GitHub.RequestToken)

	// The pipeline's application trusts Azure DevOps, not GitHub.
	c := clientWith(t, e, assertionCredential(t, e, hc, "pipeline", fromGitHub), clientOptions(e, hc))
	_, err := c.GetSecret(ctx(t), "anything", "", nil)
	wantAADSTS(t, err, http.StatusUnauthorized, "invalid_client", 700211)

	// Another repository of the same GitHub issuer.
	other := e.MintIDToken("github", "repo:mallory/fork:ref:refs/heads/main", "", 0)
	c = clientWith(t, e, assertionCredential(t, e, hc, "gha", fixedAssertion(other)), clientOptions(e, hc))
	_, err = c.SetSecret(ctx(t), "planted", azsecrets.SetSecretParameters{Value: ptr("x")}, nil)
	wantAADSTS(t, err, http.StatusUnauthorized, "invalid_client", 700213)

	// Default principals have no federated credentials: an ID token is a
	// client assertion signed by no registered certificate, as before.
	_, err = assertionCredential(t, e, hc, emulator.OfficerName, fromGitHub).GetToken(ctx(t), vaultScope())
	wantAADSTS(t, err, http.StatusUnauthorized, "invalid_client", 700027)

	// Only the 401 challenges reached the vault.
	for status, n := range e.StatusCounts() {
		if status != http.StatusUnauthorized {
			t.Errorf("%d data-plane requests answered %d", n, status)
		}
	}
}

// A principal may have a certificate and federated credentials; an
// assertion signed by the certificate is a certificate credential.
func TestFederatedAndCertificateCredentials(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert, certPEM := selfSigned(t, key)
	e := start(t, emulator.Options{
		Issuers: []emulator.Issuer{{Name: "hcp"}},
		Principals: []emulator.Principal{{Name: "both", ClientID: "0f1ce000-0000-4000-8000-0000000000b1", CertificatePEM: certPEM, Role: emulator.RoleOfficer,
			FederatedCredentials: []emulator.FederatedCredential{{IssuerName: "hcp",
				Subject: "organization:contoso:project:Default Project:workspace:vault:run_phase:apply"}}}},
	})
	hc := httpClient(e)
	certCred, err := azidentity.NewClientCertificateCredential(e.TenantID(), e.Principal("both").ClientID, []*x509.Certificate{cert}, key,
		&azidentity.ClientCertificateCredentialOptions{DisableInstanceDiscovery: true, ClientOptions: clientOptions(e, hc)})
	if err != nil {
		t.Fatal(err)
	}
	set(t, clientWith(t, e, certCred, clientOptions(e, hc)), "by-cert", "v", nil)

	hcpToken := e.MintIDToken("hcp", "organization:contoso:project:Default Project:workspace:vault:run_phase:apply", "", 0)
	got, err := clientWith(t, e, assertionCredential(t, e, hc, "both", fixedAssertion(hcpToken)), clientOptions(e, hc)).GetSecret(ctx(t), "by-cert", "", nil)
	if err != nil || *got.Value != "v" {
		t.Fatalf("federated GetSecret: %v", err)
	}
}

// The issuers' time checks use the emulator's clock, like the tokens they mint.
func TestFederatedClockOffset(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	hc := httpClient(e)
	tok := e.MintIDToken("aks", aksSubject, "", 10*time.Minute)
	e.SetClockOffset(time.Hour)
	_, err := assertionCredential(t, e, hc, "workload", fixedAssertion(tok)).GetToken(ctx(t), vaultScope())
	wantAADSTS(t, err, http.StatusUnauthorized, "invalid_client", 700024)
	e.SetClockOffset(0)
	if _, err := assertionCredential(t, e, hc, "workload", fixedAssertion(tok)).GetToken(ctx(t), vaultScope()); err != nil {
		t.Fatalf("after resetting the clock: %v", err)
	}
}

func TestIssuerEndpoints(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	iss := e.IssuerURL("github")
	if want := strings.TrimSuffix(e.VaultURL(), "/") + "/_issuers/github"; iss != want {
		t.Fatalf("IssuerURL %s, want %s", iss, want)
	}
	resp, body := raw(t, e, http.MethodGet, iss+"/.well-known/openid-configuration", "", nil)
	var doc map[string]any
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &doc) != nil || doc["issuer"] != iss || doc["jwks_uri"] != iss+"/.well-known/jwks" {
		t.Fatalf("discovery: %d %s", resp.StatusCode, body)
	}
	githubKid(t, e)

	// GitHub-style endpoint: bearer required, audience from the query.
	tokenURL := e.GitHubTokenURL("github")
	if tokenURL != iss+"/token?api-version=2.0" {
		t.Errorf("GitHubTokenURL %s", tokenURL)
	}
	requestToken := e.Issuer("github").GitHub.RequestToken
	for _, bearer := range []string{"", "wrong"} {
		if resp, body := raw(t, e, http.MethodGet, tokenURL, bearer, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("bearer %q: %d %s", bearer, resp.StatusCode, body)
		}
	}
	idToken := func(u string) map[string]any {
		t.Helper()
		resp, body := raw(t, e, http.MethodGet, u, requestToken, nil)
		var out struct {
			Count int    `json:"count"`
			Value string `json:"value"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil || out.Count < 1 {
			t.Fatalf("%s: %d %s", u, resp.StatusCode, body)
		}
		return jwtClaims(t, out.Value)
	}
	c := idToken(tokenURL)
	if c["iss"] != iss || c["sub"] != ghSubject || c["aud"] != emulator.TokenExchangeAudience {
		t.Errorf("default claims %v", c)
	}
	if c := idToken(tokenURL + "&audience=api://custom"); c["aud"] != "api://custom" {
		t.Errorf("audience from the query: %v", c["aud"])
	}
	if resp, _ := raw(t, e, http.MethodPost, tokenURL, requestToken, nil); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST to the GitHub endpoint: %d", resp.StatusCode)
	}

	// Azure DevOps-style endpoint.
	oidcURI := e.AzureDevOpsOIDCRequestURI("ado")
	accessToken := e.Issuer("ado").AzureDevOps.AccessToken
	resp, body = raw(t, e, http.MethodPost, oidcURI+"?api-version=7.1&serviceConnectionId="+adoConnection, accessToken, nil)
	var ado struct {
		OIDCToken string `json:"oidcToken"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &ado) != nil || resp.Header.Get("X-VSS-E2EID") == "" {
		t.Fatalf("oidctoken: %d %s", resp.StatusCode, body)
	}
	if c := jwtClaims(t, ado.OIDCToken); c["iss"] != e.IssuerURL("ado") || c["sub"] != adoSubject {
		t.Errorf("oidctoken claims %v", c)
	}
	if resp, body := raw(t, e, http.MethodPost, oidcURI+"?serviceConnectionId="+adoConnection, accessToken, nil); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(string(body), "No api-version was supplied") {
		t.Errorf("without api-version: %d %s", resp.StatusCode, body)
	}
	if resp, body := raw(t, e, http.MethodPost, oidcURI+"?api-version=7.1&serviceConnectionId="+adoConnection, "", nil); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(string(body), `"typeKey":"UnauthorizedRequestException"`) {
		t.Errorf("without a bearer: %d %s", resp.StatusCode, body)
	}

	// Endpoints an issuer does not have, issuers that do not exist.
	for _, u := range []string{e.IssuerURL("aks") + "/token", e.IssuerURL("github") + "/oidctoken", e.VaultURL() + "_issuers/nope/.well-known/openid-configuration", e.VaultURL() + "_issuers"} {
		if resp, _ := raw(t, e, http.MethodGet, u, requestToken, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", u, resp.StatusCode)
		}
	}
	// An emulator started without options plays no issuer: the path is an
	// unknown tenant to its authority, as it always was.
	plain := start(t, emulator.Options{})
	if resp, body := raw(t, plain, http.MethodGet, plain.VaultURL()+"_issuers/github/.well-known/openid-configuration", "", nil); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(string(body), "AADSTS90002") {
		t.Errorf("zero-option emulator: %d %s", resp.StatusCode, body)
	}
}

func jwtClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestFederationManagement(t *testing.T) {
	t.Parallel()
	e := startFederated(t)
	hc := httpClient(e)
	m := e.ManagementURL() + "/"

	resp, body := raw(t, e, http.MethodGet, m+"issuers", "", nil)
	var issuers []struct {
		Name   string `json:"name"`
		URL    string `json:"url"`
		GitHub *struct {
			TokenURL     string `json:"token_url"`
			RequestToken string `json:"request_token"`
		} `json:"github"`
		AzureDevOps *struct {
			OIDCRequestURI string `json:"oidc_request_uri"`
			AccessToken    string `json:"access_token"`
		} `json:"azure_devops"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &issuers) != nil || len(issuers) != 3 {
		t.Fatalf("issuers: %d %s", resp.StatusCode, body)
	}
	for _, is := range issuers {
		if is.URL != e.IssuerURL(is.Name) {
			t.Errorf("%s: url %s", is.Name, is.URL)
		}
		switch is.Name {
		case "github":
			if is.GitHub == nil || is.GitHub.TokenURL != e.GitHubTokenURL("github") || is.GitHub.RequestToken != e.Issuer("github").GitHub.RequestToken {
				t.Errorf("github: %s", body)
			}
		case "ado":
			if is.AzureDevOps == nil || is.AzureDevOps.OIDCRequestURI != e.AzureDevOpsOIDCRequestURI("ado") || is.AzureDevOps.AccessToken == "" {
				t.Errorf("ado: %s", body)
			}
		}
	}

	// Federate the reader with a new service account at run time, mint its token, log in.
	const batch = "system:serviceaccount:apps:batch"
	put := []byte(`[{"issuer_name": "aks", "subject": "` + batch + `"}]`)
	resp, body = raw(t, e, http.MethodPut, m+"principals/reader/federated_credentials", "", put)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"issuer":"`+e.IssuerURL("aks")+`"`) {
		t.Fatalf("PUT federated_credentials: %d %s", resp.StatusCode, body)
	}
	resp, body = raw(t, e, http.MethodPost, m+"issuers/aks/tokens", "", []byte(`{"subject": "`+batch+`", "lifetime_seconds": 600}`))
	var minted struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &minted) != nil || minted.Token == "" {
		t.Fatalf("mint: %d %s", resp.StatusCode, body)
	}
	if _, err := assertionCredential(t, e, hc, emulator.ReaderName, fixedAssertion(minted.Token)).GetToken(ctx(t), vaultScope()); err != nil {
		t.Fatalf("reader with a minted token: %v", err)
	}
	fc := e.Principal(emulator.ReaderName).FederatedCredentials
	if len(fc) != 1 || fc[0].Subject != batch || fc[0].Issuer != e.IssuerURL("aks") || fc[0].IssuerName != "aks" {
		t.Fatalf("Principal() after PUT: %+v", fc)
	}
	// What Principal() reports can be set again as it is.
	if err := e.SetFederatedCredentials(emulator.ReaderName, fc); err != nil {
		t.Errorf("SetFederatedCredentials(Principal().FederatedCredentials): %v", err)
	}

	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodPut, "principals/reader/federated_credentials", `[{"issuer_name": "nope", "subject": "x"}]`, http.StatusBadRequest},
		{http.MethodPut, "principals/reader/federated_credentials", `[{"issuer": "http://insecure.example", "subject": "x"}]`, http.StatusBadRequest},
		{http.MethodGet, "principals/ghost/federated_credentials", "", http.StatusNotFound},
		{http.MethodPost, "issuers/ghost/tokens", `{"subject": "x"}`, http.StatusNotFound},
		{http.MethodPost, "issuers/aks/tokens", `{}`, http.StatusBadRequest},
	} {
		var b []byte
		if tc.body != "" {
			b = []byte(tc.body)
		}
		if resp, body := raw(t, e, tc.method, m+tc.path, "", b); resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, resp.StatusCode, body, tc.status)
		}
	}
	// A refused PUT changes nothing.
	resp, body = raw(t, e, http.MethodGet, m+"principals/reader/federated_credentials", "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), batch) {
		t.Errorf("GET federated_credentials: %d %s", resp.StatusCode, body)
	}
}

func TestStartRejectsBadFederation(t *testing.T) {
	t.Parallel()
	fic := func(c emulator.FederatedCredential) []emulator.Principal {
		return []emulator.Principal{{Name: "p", ClientID: "c", Role: emulator.RoleUser, FederatedCredentials: []emulator.FederatedCredential{c}}}
	}
	many := make([]emulator.FederatedCredential, 21)
	for i := range many {
		many[i] = emulator.FederatedCredential{Issuer: "https://issuer.example", Subject: fmt.Sprint(i)}
	}
	for name, opts := range map[string]emulator.Options{
		"unknown issuer name":  {Principals: fic(emulator.FederatedCredential{IssuerName: "gh", Subject: "s"})},
		"issuer and name":      {Issuers: []emulator.Issuer{{Name: "gh"}}, Principals: fic(emulator.FederatedCredential{Issuer: "https://x.example", IssuerName: "gh", Subject: "s"})},
		"http issuer":          {Principals: fic(emulator.FederatedCredential{Issuer: "http://x.example", Subject: "s"})},
		"no subject":           {Principals: fic(emulator.FederatedCredential{Issuer: "https://x.example"})},
		"bad issuer name":      {Issuers: []emulator.Issuer{{Name: "a/b"}}},
		"duplicate issuer":     {Issuers: []emulator.Issuer{{Name: "a"}, {Name: "a"}}},
		"github no subject":    {Issuers: []emulator.Issuer{{Name: "a", GitHub: &emulator.GitHubActions{}}}},
		"more than Entra's 20": {Principals: []emulator.Principal{{Name: "p", ClientID: "c", Role: emulator.RoleUser, FederatedCredentials: many}}},
	} {
		if e, err := emulator.Start(opts); err == nil {
			_ = e.Close()
			t.Errorf("%s: Start accepted it", name)
		}
	}
}
