package identity

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// issuerJSON is the management form of an issuer: where its endpoints are
// and the bearer tokens they require, for shells and tests outside Go.
type issuerJSON struct {
	Name                 string           `json:"name"`
	URL                  string           `json:"url"`
	TokenLifetimeSeconds float64          `json:"token_lifetime_seconds"`
	GitHub               *githubJSON      `json:"github,omitempty"`
	AzureDevOps          *azureDevOpsJSON `json:"azure_devops,omitempty"`
}

type githubJSON struct {
	TokenURL     string `json:"token_url"`     // ACTIONS_ID_TOKEN_REQUEST_URL
	RequestToken string `json:"request_token"` // ACTIONS_ID_TOKEN_REQUEST_TOKEN
	Subject      string `json:"subject"`
}

type azureDevOpsJSON struct {
	OIDCRequestURI     string            `json:"oidc_request_uri"` // SYSTEM_OIDCREQUESTURI
	AccessToken        string            `json:"access_token"`     // SYSTEM_ACCESSTOKEN
	ServiceConnections map[string]string `json:"service_connections"`
}

// mintJSON is the body of POST /_emulator/issuers/{name}/tokens.
type mintJSON struct {
	Subject         string  `json:"subject"`
	Audience        string  `json:"audience,omitempty"`
	LifetimeSeconds float64 `json:"lifetime_seconds,omitempty"`
}

// The identity side's management endpoints, which internal/emulator's
// management API routes here (no token: the management API is the tests'
// back door):
//
//	GET  /_emulator/issuers                                   ServeIssuerList
//	POST /_emulator/issuers/{name}/tokens                     ServeIssuerToken
//	GET  /_emulator/principals/{name}/federated_credentials   ServeFederatedCredentials
//	PUT  /_emulator/principals/{name}/federated_credentials   ServeFederatedCredentials
//
// They read {name} with r.PathValue.

// ServeIssuerList answers GET /_emulator/issuers: the issuers, with their
// URLs and the bearer tokens their endpoints require.
func (a *Authority) ServeIssuerList(w http.ResponseWriter, _ *http.Request) {
	names := make([]string, 0, len(a.issuers))
	for name := range a.issuers {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]issuerJSON, 0, len(names))
	for _, name := range names {
		out = append(out, a.issuerToJSON(name))
	}
	httpjson.Write(w, http.StatusOK, out)
}

// ServeIssuerToken answers POST /_emulator/issuers/{name}/tokens,
// {"subject","audience","lifetime_seconds"} -> {"token"}: an ID token of
// the issuer, as MintIDToken makes it.
func (a *Authority) ServeIssuerToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	is, ok := a.issuers[name]
	if !ok {
		httpjson.ManagementError(w, http.StatusNotFound, "no issuer named "+name)
		return
	}
	var j mintJSON
	if !httpjson.DecodeManagement(w, r, &j) {
		return
	}
	if j.Subject == "" {
		httpjson.ManagementError(w, http.StatusBadRequest, `send {"subject": "...", "audience": "...", "lifetime_seconds": N}`)
		return
	}
	tok, err := a.mintIDToken(is, j.Subject, j.Audience, time.Duration(j.LifetimeSeconds*float64(time.Second)))
	if err != nil {
		httpjson.ManagementError(w, http.StatusInternalServerError, err.Error())
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]string{"token": tok})
}

// ServeFederatedCredentials answers GET and PUT
// /_emulator/principals/{name}/federated_credentials: the principal's
// federated credentials, which PUT replaces with a JSON array ("issuer_name"
// may stand for "issuer"). A principal that does not exist is a 404,
// whatever the method. For another method it writes nothing and reports
// false: that endpoint does not exist, which the management API answers.
func (a *Authority) ServeFederatedCredentials(w http.ResponseWriter, r *http.Request) bool {
	name := r.PathValue("name")
	p, ok := a.principals.byName[name]
	if !ok {
		httpjson.ManagementError(w, http.StatusNotFound, "no principal named "+name)
		return true
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut:
		var creds []FederatedCredential
		if !httpjson.DecodeManagement(w, r, &creds) {
			return true
		}
		if err := a.SetFederatedCredentials(p.Name, creds); err != nil {
			httpjson.ManagementError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "emulator: "))
			return true
		}
	default:
		return false
	}
	creds := p.federatedCredentials()
	if creds == nil {
		creds = []FederatedCredential{}
	}
	httpjson.Write(w, http.StatusOK, creds)
	return true
}

// issuerToJSON is the management form of the named issuer.
func (a *Authority) issuerToJSON(name string) issuerJSON {
	is := a.Issuer(name)
	j := issuerJSON{Name: name, URL: a.issuerURL(name), TokenLifetimeSeconds: is.TokenLifetime.Seconds()}
	if is.GitHub != nil {
		j.GitHub = &githubJSON{TokenURL: a.GitHubTokenURL(name), RequestToken: is.GitHub.RequestToken, Subject: is.GitHub.Subject}
	}
	if is.AzureDevOps != nil {
		j.AzureDevOps = &azureDevOpsJSON{OIDCRequestURI: a.AzureDevOpsOIDCRequestURI(name), AccessToken: is.AzureDevOps.AccessToken,
			ServiceConnections: is.AzureDevOps.ServiceConnections}
	}
	return j
}
