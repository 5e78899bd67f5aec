package identity

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/uuid"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// issuersSegment is the first path segment of the OIDC issuers the emulator
// plays. Like the management API it needs no token: the issuers stand in for
// CI systems and clusters, which authenticate their callers their own way.
const issuersSegment = "_issuers"

// TokenExchangeAudience is the audience Entra expects in federated tokens
// by default, and the default of FederatedCredential.Audiences.
const TokenExchangeAudience = "api://AzureADTokenExchange"

// defaultIDTokenLifetime is how long minted ID tokens are valid unless the
// issuer says otherwise: long enough for a test, short like CI tokens are.
const defaultIDTokenLifetime = 10 * time.Minute

// Issuer is an OIDC identity provider the emulator plays at
// {base URL}_issuers/{Name} (the emulator's VaultURL is its base URL): a
// discovery document, a JWKS with the issuer's own signing key, and
// optionally a CI system's token endpoint. Tokens of every issuer can also
// be minted with [Authority.MintIDToken] (Emulator.MintIDToken), for the
// file-based flows (AKS workload identity, HCP Terraform).
type Issuer struct {
	Name          string        // path segment: letters, digits, '.', '_' and '-'
	TokenLifetime time.Duration // of the ID tokens it hands out; default 10 minutes
	GitHub        *GitHubActions
	AzureDevOps   *AzureDevOps
}

// GitHubActions makes an issuer answer like the ID token endpoint a GitHub
// Actions job gets in ACTIONS_ID_TOKEN_REQUEST_URL:
// GET {issuer}/token?api-version=2.0&audience=... with
// "Authorization: Bearer {ACTIONS_ID_TOKEN_REQUEST_TOKEN}", answering
// {"count": N, "value": "<jwt>"}.
type GitHubActions struct {
	Subject      string // sub of the tokens, e.g. "repo:contoso/infra:ref:refs/heads/main"
	RequestToken string // the bearer it requires; default "emulator~{name}-request-token"
}

// AzureDevOps makes an issuer answer like the OIDC endpoint of an Azure
// Pipelines job (SYSTEM_OIDCREQUESTURI), as azidentity's
// AzurePipelinesCredential calls it: POST {issuer}/oidctoken?api-version=7.1&serviceConnectionId={id}
// with "Authorization: Bearer {System.AccessToken}", answering {"oidcToken": "<jwt>"}.
type AzureDevOps struct {
	// ServiceConnections maps a service connection id to the subject of its
	// tokens, e.g. "sc://contoso/infra/prod-vault".
	ServiceConnections map[string]string
	AccessToken        string // the System.AccessToken it requires; default "emulator~{name}-system-access-token"
}

// issuer is a configured Issuer with its signing key.
type issuer struct {
	Issuer
	key   *tokenIssuer
	count atomic.Int64 // GitHub's "count" field: tokens handed out so far
}

var issuerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// newIssuers checks the configured issuers, fills in defaults and gives each
// its own RSA key. No issuers configured: nil, and nothing is generated.
func newIssuers(list []Issuer) (map[string]*issuer, error) {
	if len(list) == 0 {
		return nil, nil
	}
	set := make(map[string]*issuer, len(list))
	for _, is := range list {
		if !issuerName.MatchString(is.Name) {
			return nil, fmt.Errorf("emulator: issuer name %q: want letters, digits, '.', '_' and '-'", is.Name)
		}
		if _, dup := set[is.Name]; dup {
			return nil, fmt.Errorf("emulator: issuer name %q is used twice", is.Name)
		}
		if is.TokenLifetime <= 0 {
			is.TokenLifetime = defaultIDTokenLifetime
		}
		// Copies, so the caller's Options stay as they were.
		if is.GitHub != nil {
			gh := *is.GitHub
			if gh.Subject == "" {
				return nil, fmt.Errorf("emulator: issuer %q: GitHub.Subject is required", is.Name)
			}
			if gh.RequestToken == "" {
				gh.RequestToken = "emulator~" + is.Name + "-request-token"
			}
			is.GitHub = &gh
		}
		if is.AzureDevOps != nil {
			ado := AzureDevOps{AccessToken: is.AzureDevOps.AccessToken, ServiceConnections: map[string]string{}}
			if ado.AccessToken == "" {
				ado.AccessToken = "emulator~" + is.Name + "-system-access-token"
			}
			for id, sub := range is.AzureDevOps.ServiceConnections {
				if id == "" || sub == "" {
					return nil, fmt.Errorf("emulator: issuer %q: service connection %q needs an id and a subject", is.Name, id)
				}
				ado.ServiceConnections[id] = sub
			}
			is.AzureDevOps = &ado
		}
		key, err := newTokenIssuer()
		if err != nil {
			return nil, err
		}
		set[is.Name] = &issuer{Issuer: is, key: key}
	}
	return set, nil
}

// lookupIssuer panics on an unknown name, like Principal: it is a bug in
// the calling test.
func (a *Authority) lookupIssuer(name string) *issuer {
	is, ok := a.issuers[name]
	if !ok {
		panic(fmt.Sprintf("emulator: no issuer named %q", name))
	}
	return is
}

// Issuer returns the configured issuer with that Name, defaults filled in
// (RequestToken, AccessToken, TokenLifetime); it panics when there is none.
func (a *Authority) Issuer(name string) Issuer {
	is := a.lookupIssuer(name).Issuer
	if is.GitHub != nil {
		gh := *is.GitHub
		is.GitHub = &gh
	}
	if is.AzureDevOps != nil {
		ado := *is.AzureDevOps
		ado.ServiceConnections = make(map[string]string, len(is.AzureDevOps.ServiceConnections))
		for id, sub := range is.AzureDevOps.ServiceConnections {
			ado.ServiceConnections[id] = sub
		}
		is.AzureDevOps = &ado
	}
	return is
}

// IssuerURL is the issuer identifier of the named issuer, the "iss" of its
// tokens and what a FederatedCredential.Issuer names:
// "https://127.0.0.1:PORT/_issuers/{name}" (no trailing slash).
func (a *Authority) IssuerURL(name string) string {
	a.lookupIssuer(name)
	return a.issuerURL(name)
}

func (a *Authority) issuerURL(name string) string {
	return strings.TrimSuffix(a.baseURL, "/") + "/" + issuersSegment + "/" + name
}

// GitHubTokenURL is the value for ACTIONS_ID_TOKEN_REQUEST_URL:
// "{IssuerURL}/token?api-version=2.0". Like GitHub's, it already carries a
// query, so clients may append "&audience=..." or set the parameter. It
// panics when the issuer has no GitHub endpoint.
func (a *Authority) GitHubTokenURL(name string) string {
	if a.lookupIssuer(name).GitHub == nil {
		panic(fmt.Sprintf("emulator: issuer %q has no GitHub token endpoint", name))
	}
	return a.issuerURL(name) + "/token?api-version=2.0"
}

// AzureDevOpsOIDCRequestURI is the value for SYSTEM_OIDCREQUESTURI:
// "{IssuerURL}/oidctoken". It panics when the issuer has no Azure DevOps
// endpoint.
func (a *Authority) AzureDevOpsOIDCRequestURI(name string) string {
	if a.lookupIssuer(name).AzureDevOps == nil {
		panic(fmt.Sprintf("emulator: issuer %q has no Azure DevOps OIDC endpoint", name))
	}
	return a.issuerURL(name) + "/oidctoken"
}

// MintIDToken returns an ID token of the named issuer, signed with its key,
// for subject and audience (empty: api://AzureADTokenExchange), valid from
// now (emulator clock) for lifetime (0: the issuer's TokenLifetime). A
// negative lifetime mints a token that expired -lifetime ago. It panics on
// an unknown issuer.
func (a *Authority) MintIDToken(issuerName, subject, audience string, lifetime time.Duration) string {
	tok, err := a.mintIDToken(a.lookupIssuer(issuerName), subject, audience, lifetime)
	if err != nil {
		panic(fmt.Sprintf("emulator: signing an ID token: %v", err))
	}
	return tok
}

func (a *Authority) mintIDToken(is *issuer, subject, audience string, lifetime time.Duration) (string, error) {
	if audience == "" {
		audience = TokenExchangeAudience
	}
	if lifetime == 0 {
		lifetime = is.TokenLifetime
	}
	issued := a.now()
	if lifetime < 0 {
		issued = issued.Add(lifetime - is.TokenLifetime)
		lifetime = is.TokenLifetime
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": a.issuerURL(is.Name),
		"sub": subject,
		"aud": audience,
		"iat": issued.Unix(),
		"nbf": issued.Unix(),
		"exp": issued.Add(lifetime).Unix(),
		"jti": uuid.New(),
	})
	t.Header["kid"] = is.key.kid
	return t.SignedString(is.key.key)
}

// serveIssuer answers /_issuers/{name}/... .
func (a *Authority) serveIssuer(w http.ResponseWriter, r *http.Request, segs []string) {
	w.Header().Set("Cache-Control", "no-store")
	var is *issuer
	if len(segs) >= 2 {
		is = a.issuers[segs[0]]
	}
	if is == nil {
		httpjson.Write(w, http.StatusNotFound, map[string]string{"message": "Not Found: no issuer at " + r.URL.Path})
		return
	}
	switch rest := strings.Join(segs[1:], "/"); {
	case rest == ".well-known/openid-configuration" && r.Method == http.MethodGet:
		a.serveIssuerDiscovery(w, is)
	case rest == ".well-known/jwks" && r.Method == http.MethodGet:
		httpjson.Write(w, http.StatusOK, jwks(is.key))
	case rest == "token" && is.GitHub != nil:
		a.serveGitHubToken(w, r, is)
	case rest == "oidctoken" && is.AzureDevOps != nil:
		a.serveAzureDevOpsToken(w, r, is)
	default:
		httpjson.Write(w, http.StatusNotFound, map[string]string{"message": "Not Found: " + r.Method + " " + r.URL.Path})
	}
}

// serveIssuerDiscovery is the OIDC discovery document Entra reads to find
// the issuer's keys. The issuer is fixed (the listen address), not the Host
// the request came with: it must equal the "iss" of tokens minted without a
// request.
func (a *Authority) serveIssuerDiscovery(w http.ResponseWriter, is *issuer) {
	iss := a.issuerURL(is.Name)
	httpjson.Write(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"jwks_uri":                              iss + "/.well-known/jwks",
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf"},
	})
}

func jwks(k *tokenIssuer) map[string]any {
	pub := k.key.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": k.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// serveGitHubToken is GitHub Actions' ID token endpoint. The audience
// defaults to Entra's token-exchange audience (GitHub's own default is the
// repository owner's URL, which no Entra credential would accept anyway).
func (a *Authority) serveGitHubToken(w http.ResponseWriter, r *http.Request, is *issuer) {
	if r.Method != http.MethodGet {
		httpjson.Write(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
		return
	}
	if !bearerIs(r, is.GitHub.RequestToken) {
		httpjson.Write(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized: the bearer token is not this job's ACTIONS_ID_TOKEN_REQUEST_TOKEN."})
		return
	}
	tok, err := a.mintIDToken(is, is.GitHub.Subject, r.URL.Query().Get("audience"), 0)
	if err != nil {
		httpjson.Write(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"count": is.count.Add(1), "value": tok})
}

// serveAzureDevOpsToken is the Azure Pipelines OIDC token endpoint. Errors
// are Azure DevOps' exception documents; its 401 is what azidentity's
// "X-TFS-FedAuthRedirect: Suppress" asks for instead of a sign-in redirect.
func (a *Authority) serveAzureDevOpsToken(w http.ResponseWriter, r *http.Request, is *issuer) {
	// azidentity adds these to its error messages; Azure DevOps support asks for them.
	w.Header().Set("X-VSS-E2EID", uuid.New())
	if !bearerIs(r, is.AzureDevOps.AccessToken) {
		// TF400813 is Azure DevOps' message for an unauthenticated API call
		// (not confirmed by a search; the status is what azidentity reports).
		writeVSSError(w, http.StatusUnauthorized, "UnauthorizedRequestException", "Microsoft.TeamFoundation.Framework.Server",
			"TF400813: The user '' is not authorized to access this resource.")
		return
	}
	if r.Method != http.MethodPost {
		writeVSSError(w, http.StatusMethodNotAllowed, "HttpMethodNotAllowedException", "Microsoft.VisualStudio.Services.WebApi",
			"The requested resource does not support http method '"+r.Method+"'.")
		return
	}
	q := r.URL.Query()
	if q.Get("api-version") == "" && !strings.Contains(r.Header.Get("Accept"), "api-version=") {
		writeVSSError(w, http.StatusBadRequest, "VssVersionNotSpecifiedException", "Microsoft.VisualStudio.Services.WebApi",
			`No api-version was supplied for the "POST" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`)
		return
	}
	id := q.Get("serviceConnectionId")
	subject := ""
	for scID, sub := range is.AzureDevOps.ServiceConnections {
		if strings.EqualFold(scID, id) { // ids are GUIDs, compared as such
			subject = sub
		}
	}
	if subject == "" {
		// The message is the one the Azure SDKs' troubleshooting guides quote
		// for a wrong service connection id, with status 400.
		writeVSSError(w, http.StatusBadRequest, "ServiceEndpointNotFoundException", "Microsoft.TeamFoundation.DistributedTask.WebApi",
			"No service connection found with identifier "+id+".")
		return
	}
	tok, err := a.mintIDToken(is, subject, "", 0)
	if err != nil {
		writeVSSError(w, http.StatusInternalServerError, "VssServiceException", "Microsoft.VisualStudio.Services.Common", err.Error())
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]string{"oidcToken": tok})
}

// writeVSSError writes Azure DevOps' error document.
func writeVSSError(w http.ResponseWriter, status int, typeKey, namespace, message string) {
	httpjson.Write(w, status, map[string]any{
		"$id":            "1",
		"innerException": nil,
		"message":        message,
		"typeName":       namespace + "." + typeKey + ", " + namespace,
		"typeKey":        typeKey,
		"errorCode":      0,
		"eventId":        3000,
	})
}

// bearerIs reports whether the request carries "Authorization: Bearer want".
func bearerIs(r *http.Request, want string) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}
