package identity

import (
	"crypto/rand" //nolint:gosec // x5t is defined as a SHA-1 thumbprint
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/uuid"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// baseURL is the scheme and host the client used to reach the emulator, so
// issuer and endpoints match the authority the client configured (MSAL
// requires the issuer's host to equal the authority's).
func baseURL(r *http.Request) string { return "https://" + r.Host }

func (a *Authority) issuer(r *http.Request) string { return baseURL(r) + "/" + a.tenantID + "/v2.0" }

// serveEntra answers {authority}/{tenant}/... .
func (a *Authority) serveEntra(w http.ResponseWriter, r *http.Request, segs []string) {
	w.Header().Set("Cache-Control", "no-store, no-cache")
	if len(segs) < 2 {
		writeEntraError(w, r, http.StatusNotFound, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a "+r.Method+" request to an unknown path.")
		return
	}
	tenant, rest := segs[0], strings.Join(segs[1:], "/")
	if !strings.EqualFold(tenant, a.tenantID) {
		writeEntraError(w, r, http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf(
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. This emulator serves tenant %s only.", tenant, a.tenantID))
		return
	}
	switch rest {
	case "v2.0/.well-known/openid-configuration":
		a.serveOpenIDConfiguration(w, r)
	case "discovery/v2.0/keys":
		a.serveJWKS(w)
	case "oauth2/v2.0/token":
		if r.Method != http.MethodPost {
			writeEntraError(w, r, http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a "+r.Method+" request.")
			return
		}
		a.serveToken(w, r)
	case "oauth2/v2.0/authorize", "oauth2/v2.0/devicecode", "oauth2/v2.0/logout":
		writeEntraError(w, r, http.StatusBadRequest, "unsupported_response_type", 70003, "The emulator supports the client credentials grant only.")
	default:
		writeEntraError(w, r, http.StatusNotFound, "invalid_request", 900561, "Unknown endpoint "+r.URL.Path+".")
	}
}

// serveOpenIDConfiguration is the tenant discovery document MSAL reads
// before its first token request (with instance discovery disabled).
func (a *Authority) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	tenantBase := baseURL(r) + "/" + a.tenantID
	httpjson.Write(w, http.StatusOK, map[string]any{
		"issuer":                                a.issuer(r),
		"token_endpoint":                        tenantBase + "/oauth2/v2.0/token",
		"authorization_endpoint":                tenantBase + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         tenantBase + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  tenantBase + "/oauth2/v2.0/logout",
		"jwks_uri":                              tenantBase + "/discovery/v2.0/keys",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"grant_types_supported":                 []string{"client_credentials"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "appid", "azp"},
		"request_uri_parameter_supported":       false,
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
	})
}

func (a *Authority) serveJWKS(w http.ResponseWriter) {
	httpjson.Write(w, http.StatusOK, jwks(a.issuerKey))
}

// writeEntraError writes an Entra ID OAuth error with an AADSTS code.
func writeEntraError(w http.ResponseWriter, r *http.Request, status int, code string, aadsts int, message string) {
	now := time.Now().UTC()
	trace, corr := uuid.New(), r.Header.Get("client-request-id")
	if corr == "" {
		corr = uuid.New()
	}
	ts := now.Format("2006-01-02 15:04:05Z")
	httpjson.Write(w, status, map[string]any{
		"error":             code,
		"error_description": fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", aadsts, message, trace, corr, ts),
		"error_codes":       []int{aadsts},
		"timestamp":         ts,
		"trace_id":          trace,
		"correlation_id":    corr,
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	})
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
