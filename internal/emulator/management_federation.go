package emulator

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

// serveFederationManagement answers the issuer and principal endpoints:
//
//	GET  /_emulator/issuers                                   the issuers, with URLs and bearer tokens
//	POST /_emulator/issuers/{name}/tokens                     {"subject","audience","lifetime_seconds"} -> {"token"}
//	GET  /_emulator/principals/{name}/federated_credentials   the principal's federated credentials
//	PUT  /_emulator/principals/{name}/federated_credentials   replace them (a JSON array)
//
// It reports false for paths it does not know, left to the caller's 404.
func (e *Emulator) serveFederationManagement(w http.ResponseWriter, r *http.Request, segs []string) bool {
	if n := len(segs); n > 1 && segs[n-1] == "" {
		segs = segs[:n-1]
	}
	switch {
	case len(segs) == 1 && segs[0] == "issuers" && r.Method == http.MethodGet:
		names := make([]string, 0, len(e.issuers))
		for name := range e.issuers {
			names = append(names, name)
		}
		sort.Strings(names)
		out := make([]issuerJSON, 0, len(names))
		for _, name := range names {
			out = append(out, e.issuerToJSON(name))
		}
		httpjson.Write(w, http.StatusOK, out)
	case len(segs) == 3 && segs[0] == "issuers" && segs[2] == "tokens" && r.Method == http.MethodPost:
		is, ok := e.issuers[segs[1]]
		if !ok {
			httpjson.ManagementError(w, http.StatusNotFound, "no issuer named "+segs[1])
			return true
		}
		var j mintJSON
		if !httpjson.DecodeManagement(w, r, &j) {
			return true
		}
		if j.Subject == "" {
			httpjson.ManagementError(w, http.StatusBadRequest, `send {"subject": "...", "audience": "...", "lifetime_seconds": N}`)
			return true
		}
		tok, err := e.mintIDToken(is, j.Subject, j.Audience, time.Duration(j.LifetimeSeconds*float64(time.Second)))
		if err != nil {
			httpjson.ManagementError(w, http.StatusInternalServerError, err.Error())
			return true
		}
		httpjson.Write(w, http.StatusOK, map[string]string{"token": tok})
	case len(segs) == 3 && segs[0] == "principals" && segs[2] == "federated_credentials":
		p, ok := e.principals.byName[segs[1]]
		if !ok {
			httpjson.ManagementError(w, http.StatusNotFound, "no principal named "+segs[1])
			return true
		}
		switch r.Method {
		case http.MethodGet:
		case http.MethodPut:
			var creds []FederatedCredential
			if !httpjson.DecodeManagement(w, r, &creds) {
				return true
			}
			if err := e.SetFederatedCredentials(p.Name, creds); err != nil {
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
	default:
		return false
	}
	return true
}

func (e *Emulator) issuerToJSON(name string) issuerJSON {
	is := e.Issuer(name)
	j := issuerJSON{Name: name, URL: e.issuerURL(name), TokenLifetimeSeconds: is.TokenLifetime.Seconds()}
	if is.GitHub != nil {
		j.GitHub = &githubJSON{TokenURL: e.GitHubTokenURL(name), RequestToken: is.GitHub.RequestToken, Subject: is.GitHub.Subject}
	}
	if is.AzureDevOps != nil {
		j.AzureDevOps = &azureDevOpsJSON{OIDCRequestURI: e.AzureDevOpsOIDCRequestURI(name), AccessToken: is.AzureDevOps.AccessToken,
			ServiceConnections: is.AzureDevOps.ServiceConnections}
	}
	return j
}
