package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Building the Azure SDK credential of the method credentials.go chooses, and renewing it when
// Key Vault refuses its token. Which method is chosen, and whether its settings fit, is judged in
// credentials.go at Configure, before anything here runs.

// credentialOptions are what every credential is built with: the cloud, or a custom authority.
type credentialOptions struct {
	client                   azcore.ClientOptions
	disableInstanceDiscovery bool
}

func credentialOptionsFor(s *providerSettings) credentialOptions {
	o := credentialOptions{client: azcore.ClientOptions{Cloud: cloudFor(environmentAttr.value(s))}}
	if authority := authorityHostAttr.value(s); authority != "" {
		o.client.Cloud.ActiveDirectoryAuthorityHost = authority
		// A custom authority (sovereign, private or emulated) is not in Microsoft's instance
		// discovery list, so MSAL must not ask for it.
		o.disableInstanceDiscovery = true
	}
	return o
}

// cloudFor maps environment, in any case as azurerm accepts it ("USGovernment"), to its cloud.
func cloudFor(environment string) cloud.Configuration {
	switch strings.ToLower(environment) {
	case "usgovernment":
		return cloud.AzureGovernment
	case "china":
		return cloud.AzureChina
	default:
		return cloud.AzurePublic
	}
}

// newCredential builds the credential of the method the settings choose; resolveSettings has
// already made sure at most one is.
func newCredential(s providerSettings) (azcore.TokenCredential, error) {
	return s.credential().build(&s, credentialOptionsFor(&s))
}

func newClientSecretCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewClientSecretCredential(tenantIDAttr.value(s), clientIDAttr.value(s), clientSecretAttr.value(s),
		&azidentity.ClientSecretCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
}

func newClientCertificateCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	file := clientCertificatePathAttr.value(s)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading client_certificate_path: %w", err)
	}
	return certificateCredential(s, o, data, file)
}

// certificateCredential parses a PEM or PKCS#12 certificate with its key; what names where it
// came from in the error.
func certificateCredential(s *providerSettings, o credentialOptions, data []byte, what string) (azcore.TokenCredential, error) {
	var password []byte
	if p := clientCertificatePasswordAttr.value(s); p != "" {
		password = []byte(p)
	}
	certs, key, err := azidentity.ParseCertificates(data, password)
	if err != nil {
		return nil, fmt.Errorf("parsing %s (PEM or PKCS#12 with the private key; check client_certificate_password): %w", what, err)
	}
	return azidentity.NewClientCertificateCredential(tenantIDAttr.value(s), clientIDAttr.value(s), certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
}

// newInlineCertificateCredential builds the certificate credential from client_certificate,
// base64 as azurerm takes it.
func newInlineCertificateCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	data, err := decodeBase64(clientCertificateAttr.value(s))
	if err != nil {
		return nil, fmt.Errorf("client_certificate is not base64: %w", err)
	}
	return certificateCredential(s, o, data, "client_certificate")
}

// newOIDCCredential builds the credential of the OIDC token source use_oidc takes: Azure DevOps'
// through the Azure SDK's own credential, the others as a client assertion.
func newOIDCCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	given := oidcTokenSourcesGiven(s)
	if len(given) == 0 {
		return nil, fmt.Errorf("use_oidc has no ID token source")
	}
	if given[0] == adoPipelineServiceConnectionIDAttr {
		return azidentity.NewAzurePipelinesCredential(tenantIDAttr.value(s), clientIDAttr.value(s),
			adoPipelineServiceConnectionIDAttr.value(s), oidcRequestTokenAttr.value(s),
			&azidentity.AzurePipelinesCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
	}
	return azidentity.NewClientAssertionCredential(tenantIDAttr.value(s), clientIDAttr.value(s), oidcAssertion(s, given[0]),
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
}

// newAKSWorkloadIdentityCredential builds the Azure SDK's workload identity credential from the
// values AKS's webhook injects, which the settings have already read.
func newAKSWorkloadIdentityCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
		ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery,
		TenantID: tenantIDAttr.value(s), ClientID: clientIDAttr.value(s), TokenFilePath: oidcTokenFilePathAttr.value(s),
	})
}

func newManagedIdentityCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	msi := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: o.client}
	if clientID := clientIDAttr.value(s); clientID != "" {
		msi.ID = azidentity.ClientID(clientID)
	}
	return azidentity.NewManagedIdentityCredential(msi)
}

func newAzureCLICredential(s *providerSettings, _ credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: tenantIDAttr.value(s)})
}

func newDefaultCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: o.client, TenantID: tenantIDAttr.value(s), DisableInstanceDiscovery: o.disableInstanceDiscovery,
	})
}

// oidcAssertion returns the function that yields a fresh OIDC ID token from source for each
// token request: a fixed token, a file re-read every time (projected tokens rotate), or a token
// endpoint such as GitHub Actions'.
func oidcAssertion(s *providerSettings, source *stringAttribute[string]) func(context.Context) (string, error) {
	switch source {
	case oidcTokenAttr:
		return func(context.Context) (string, error) { return oidcTokenAttr.value(s), nil }
	case oidcTokenFilePathAttr:
		return func(context.Context) (string, error) {
			b, err := os.ReadFile(oidcTokenFilePathAttr.value(s))
			if err != nil {
				return "", fmt.Errorf("reading oidc_token_file_path: %w", err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	default:
		return func(ctx context.Context) (string, error) {
			return requestOIDCToken(ctx, oidcRequestURLAttr.value(s), oidcRequestTokenAttr.value(s))
		}
	}
}

// requestOIDCToken asks a CI system's token endpoint (GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL)
// for an ID token with Entra's workload-identity audience.
func requestOIDCToken(ctx context.Context, requestURL, bearer string) (string, error) {
	u, err := url.Parse(requestURL)
	if err != nil {
		return "", fmt.Errorf("oidc_request_url is not a URL: %w", err)
	}
	q := u.Query()
	if q.Get("audience") == "" {
		q.Set("audience", "api://AzureADTokenExchange")
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting an OIDC token from oidc_request_url: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		// The body of a failed request may echo the request; report only the status.
		return "", fmt.Errorf("oidc_request_url answered %s; check oidc_request_token and that the job may request ID tokens", resp.Status)
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Value == "" {
		return "", fmt.Errorf("oidc_request_url did not answer with a JSON object holding a token in \"value\"")
	}
	return out.Value, nil
}

// renewingCredential hands out the tokens of a credential that it can build anew. Key Vault may
// refuse a token the credential still holds as valid (it expired early by the vault's clock, or
// it was revoked): the Azure SDK then asks for a token again (azcore's BearerTokenPolicy on the
// 401 challenge) but the credential answers from its cache, so every later request fails too.
// After such a refusal the next token comes from a new credential, whose cache is empty, so it
// is fetched from Entra ID; a fresh token that is refused in turn is not renewed again, and the
// request fails with Key Vault's answer.
type renewingCredential struct {
	build func() (azcore.TokenCredential, error)

	mu      sync.Mutex
	current azcore.TokenCredential
	last    string // the token handed out last; compared, never logged
	// renewed is set while the current credential was built after a refusal and none of its
	// tokens has been accepted yet.
	renewed bool
}

// newRenewingCredential builds the first credential at once, so that a setting it cannot use is
// reported before any request.
func newRenewingCredential(build func() (azcore.TokenCredential, error)) (*renewingCredential, error) {
	cred, err := build()
	if err != nil {
		return nil, err
	}
	return &renewingCredential{build: build, current: cred}, nil
}

// GetToken implements azcore.TokenCredential.
func (c *renewingCredential) GetToken(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	cred := c.current
	c.mu.Unlock()
	tk, err := cred.GetToken(ctx, tro)
	if err == nil {
		c.mu.Lock()
		if cred == c.current {
			c.last = tk.Token
		}
		c.mu.Unlock()
	}
	return tk, err
}

// refused is told that Key Vault answered 401 to a request that carried token. Only a refusal of
// the latest token renews the credential: requests that were sent with an older one get the
// renewed credential's token when the SDK asks again.
func (c *renewingCredential) refused(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if token != c.last || c.renewed {
		return
	}
	cred, err := c.build()
	if err != nil {
		// Keep the old credential: the request then fails with Key Vault's answer.
		return
	}
	c.current, c.last, c.renewed = cred, "", true
}

// accepted is told that Key Vault answered a request that carried token with anything but 401.
func (c *renewingCredential) accepted(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if token == c.last {
		c.renewed = false
	}
}

// refusalPolicy reports to the credential how Key Vault answered each request that carried one
// of its tokens. It runs after the SDK's authentication policy in the pipeline (a per-retry
// policy of the client's options), so it sees the token that was sent and the answer before
// that policy handles a 401.
type refusalPolicy struct{ cred *renewingCredential }

// Do implements policy.Policy.
func (p refusalPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil {
		return resp, err
	}
	// Without a token the request was the SDK's probe for Key Vault's challenge.
	token, ok := strings.CutPrefix(req.Raw().Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return resp, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		p.cred.refused(token)
	} else {
		p.cred.accepted(token)
	}
	return resp, err
}
