package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The ways the provider authenticates to Microsoft Entra, each declared once here: the
// attributes authentication reads, the table of methods (what switches each on, what it needs
// and reads), and how each builds its Azure SDK credential, renewed when Key Vault refuses its
// token. Which method is chosen, and whether its settings fit, is judged in credentials.go at
// Configure, before anything built here runs. A new method is a row, its constructor and the
// attributes it adds, all in this file.

// httpsURLPattern is authority_host's form: https, a host, anything after it.
var httpsURLPattern = regexp.MustCompile(`^https://[^/\s]+(/.*)?$`)

// authenticationAttributes are the attributes authentication reads, in the order the provider's
// table (provider_settings.go) and its diagnostics list them.
var authenticationAttributes = []providerAttribute{
	tenantIDAttr, clientIDAttr, clientIDFilePathAttr, clientSecretAttr, clientSecretFilePathAttr,
	clientCertificatePathAttr, clientCertificateAttr, clientCertificatePasswordAttr,
	useOIDCAttr, oidcTokenAttr, oidcTokenFilePathAttr, oidcRequestURLAttr, oidcRequestTokenAttr,
	adoPipelineServiceConnectionIDAttr, useAKSWorkloadIdentityAttr,
	useMSIAttr, useCLIAttr, environmentAttr, authorityHostAttr,
}

var (
	tenantIDAttr = &stringAttribute[string]{
		name: "tenant_id", env: []string{"BIFROST_TENANT_ID", "ARM_TENANT_ID", "AZURE_TENANT_ID"},
		description: "Microsoft Entra tenant id used to authenticate.",
	}
	clientIDAttr = &stringAttribute[string]{
		name: "client_id", env: []string{"BIFROST_CLIENT_ID", "ARM_CLIENT_ID", "AZURE_CLIENT_ID"},
		description: "Client (application) id of the service principal, or of a user-assigned managed identity with `use_msi`.",
	}
	clientSecretAttr = &stringAttribute[string]{
		name: "client_secret", sensitive: true, env: []string{"BIFROST_CLIENT_SECRET", "ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET"},
		description: "Client secret of the service principal.",
	}
	clientCertificatePathAttr = &stringAttribute[string]{
		name: "client_certificate_path", env: []string{"BIFROST_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PATH"},
		description: "Path to a PEM or PKCS#12 file with the service principal's certificate and private key.",
	}
	clientCertificatePasswordAttr = &stringAttribute[string]{
		name: "client_certificate_password", sensitive: true, env: []string{"BIFROST_CLIENT_CERTIFICATE_PASSWORD", "ARM_CLIENT_CERTIFICATE_PASSWORD", "AZURE_CLIENT_CERTIFICATE_PASSWORD"},
		description: "Password of the certificate file, when it has one.",
	}
	useOIDCAttr = &boolAttribute{
		name: "use_oidc", env: []string{"BIFROST_USE_OIDC", "ARM_USE_OIDC"},
		description: "Authenticate with an OIDC ID token (workload identity federation), e.g. from GitHub Actions, Azure DevOps, HCP Terraform or a Kubernetes service account. When several token sources are set, the first is used, in azurerm's order: `oidc_token`, `oidc_token_file_path`, `ado_pipeline_service_connection_id` (Azure DevOps), `oidc_request_url` (GitHub Actions), then `AZURE_FEDERATED_TOKEN_FILE`.",
	}
	oidcTokenAttr = &stringAttribute[string]{
		name: "oidc_token", sensitive: true, env: []string{"BIFROST_OIDC_TOKEN", "ARM_OIDC_TOKEN"},
		description: "An OIDC ID token to exchange for an access token (with `use_oidc`).",
	}
	oidcTokenFilePathAttr = &stringAttribute[string]{
		name: "oidc_token_file_path", env: []string{"BIFROST_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"},
		description: "Path to a file holding an OIDC ID token, re-read on every token request (with `use_oidc`; HCP Terraform's dynamic credentials, Kubernetes workload identity). Set in the provider block it beats an `oidc_token` from the environment; set at the same level as `oidc_token`, the file must hold the same token.",
	}
	oidcRequestURLAttr = &stringAttribute[string]{
		name: "oidc_request_url", env: []string{"BIFROST_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"},
		description: "URL to request an OIDC ID token from, as GitHub Actions and Azure DevOps provide (with `use_oidc` and `oidc_request_token`; Azure DevOps also needs `ado_pipeline_service_connection_id`).",
	}
	oidcRequestTokenAttr = &stringAttribute[string]{
		name: "oidc_request_token", sensitive: true, env: []string{"BIFROST_OIDC_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"},
		description: "Bearer token for `oidc_request_url` (in Azure DevOps, the job's `System.AccessToken`).",
	}
	useMSIAttr = &boolAttribute{
		name: "use_msi", env: []string{"BIFROST_USE_MSI", "ARM_USE_MSI"},
		description: "Authenticate with a managed identity (system-assigned, or user-assigned with `client_id`).",
	}
	useCLIAttr = &boolAttribute{
		name: "use_cli", env: []string{"BIFROST_USE_CLI", "ARM_USE_CLI"},
		description: "Authenticate as the user or principal logged in with the Azure CLI (`az login`).",
	}
	environmentAttr = &stringAttribute[string]{
		name: "environment", env: []string{"BIFROST_ENVIRONMENT", "ARM_ENVIRONMENT"},
		description: "Azure cloud: `public` (default), `usgovernment` or `china`, in any case (`USGovernment` as azurerm spells it).",
		validators:  []validator.String{stringvalidator.OneOfCaseInsensitive("public", "usgovernment", "china")},
		fallback:    "public",
	}
	authorityHostAttr = &stringAttribute[string]{
		name: "authority_host", env: []string{"BIFROST_AUTHORITY_HOST", "ARM_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST"},
		description: "Microsoft Entra authority to request tokens from, overriding the one of `environment` (sovereign clouds, or the emulator). Must be https; instance discovery is turned off when it is set.",
		validators: []validator.String{stringvalidator.RegexMatches(httpsURLPattern,
			"must be an https:// URL, e.g. https://login.microsoftonline.com/ (tokens are not requested over plain http)")},
	}
	clientIDFilePathAttr = &stringAttribute[string]{
		name: "client_id_file_path", env: []string{"BIFROST_CLIENT_ID_FILE_PATH", "ARM_CLIENT_ID_FILE_PATH"},
		description: "Path to a file holding `client_id`, as HCP Terraform's dynamic credentials write it for each configuration alias. Conflicts with `client_id`.",
	}
	clientSecretFilePathAttr = &stringAttribute[string]{
		name: "client_secret_file_path", env: []string{"BIFROST_CLIENT_SECRET_FILE_PATH", "ARM_CLIENT_SECRET_FILE_PATH"},
		description: "Path to a file holding `client_secret`, e.g. a mounted Kubernetes or Docker secret. Conflicts with `client_secret`.",
	}
	clientCertificateAttr = &stringAttribute[string]{
		name: "client_certificate", sensitive: true, env: []string{"BIFROST_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE"},
		description: "The service principal's certificate and private key, base64-encoded (a PKCS#12 bundle, or PEM), instead of a file. Conflicts with `client_certificate_path`.",
		validators:  []validator.String{base64Validator},
	}
	adoPipelineServiceConnectionIDAttr = &stringAttribute[string]{
		name: "ado_pipeline_service_connection_id", env: []string{"BIFROST_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"},
		description: "Id of the Azure DevOps service connection (workload identity federation) to request the pipeline's ID token for (with `use_oidc`; the token comes from `SYSTEM_OIDCREQUESTURI` with `SYSTEM_ACCESSTOKEN`).",
	}
	useAKSWorkloadIdentityAttr = &boolAttribute{
		name: "use_aks_workload_identity", env: []string{"BIFROST_USE_AKS_WORKLOAD_IDENTITY", "ARM_USE_AKS_WORKLOAD_IDENTITY"},
		description: "Authenticate with AKS workload identity: the token file, client id and tenant id the webhook injects (`AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`), unless set here.",
	}
)

// credentialMethod is one way the provider can authenticate to Microsoft Entra.
type credentialMethod struct {
	// name is how diagnostics and logs call the method.
	name string
	// chosenBy is the attribute that switches the method on (set, or true); nil for the
	// default chain, which is used when no other method is chosen.
	chosenBy credentialSwitch
	// requires are the attributes the method cannot work without.
	requires []*stringAttribute[string]
	// uses are the other attributes the method reads when they are given; a credential
	// variable of any other attribute is reported as unused.
	uses []providerAttribute
	// principal, when set, names the identity the method signs in as, in logs and diagnostics.
	principal *stringAttribute[string]
	// proof, when set, says where the method gets what proves the identity, for CredentialKind.
	proof func(s *providerSettings) string
	// check, when set, reports what is wrong with the method's own options.
	check func(s *providerSettings, c checkState) diag.Diagnostics
	// build makes the azidentity credential.
	build func(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error)
}

// checkState is what a method's check is told: whether the method is switched on, whether no
// method is (so the default chain is used), and the environment.
type checkState struct {
	on, defaultChain bool
	getenv           func(string) string
}

// servicePrincipal are the attributes every service-principal method needs.
var servicePrincipal = []*stringAttribute[string]{tenantIDAttr, clientIDAttr}

// credentialMethods is the one table of ways to authenticate, in the order CredentialKind and
// the conflict diagnostic name them; the default chain comes last. Conflict detection, the
// required settings, the unused-variable warning, the credential kind and construction are all
// read from it.
var credentialMethods = []credentialMethod{
	{
		name: "client secret", chosenBy: clientSecretAttr,
		requires: servicePrincipal, principal: clientIDAttr,
		build: newClientSecretCredential,
	},
	{
		name: "client certificate", chosenBy: clientCertificatePathAttr,
		requires: servicePrincipal, principal: clientIDAttr, uses: []providerAttribute{clientCertificatePasswordAttr},
		check: checkCertificateOptions, build: newClientCertificateCredential,
	},
	{
		name: "inline client certificate", chosenBy: clientCertificateAttr,
		requires: servicePrincipal, principal: clientIDAttr, uses: []providerAttribute{clientCertificatePasswordAttr},
		build: newInlineCertificateCredential,
	},
	{
		// One row for every OIDC token source, Azure DevOps' included: azurerm chooses them all
		// with use_oidc, and checkOIDCOptions makes sure exactly one source is given.
		name: "OIDC / workload identity", chosenBy: useOIDCAttr,
		requires: servicePrincipal, principal: clientIDAttr,
		uses:  []providerAttribute{oidcTokenAttr, oidcTokenFilePathAttr, oidcRequestURLAttr, oidcRequestTokenAttr, adoPipelineServiceConnectionIDAttr},
		proof: oidcTokenSource, check: checkOIDCOptions, build: newOIDCCredential,
	},
	{
		name: "AKS workload identity", chosenBy: useAKSWorkloadIdentityAttr,
		requires: []*stringAttribute[string]{tenantIDAttr, clientIDAttr, oidcTokenFilePathAttr}, principal: clientIDAttr,
		build: newAKSWorkloadIdentityCredential,
	},
	{name: "managed identity", chosenBy: useMSIAttr, uses: []providerAttribute{clientIDAttr}, build: newManagedIdentityCredential},
	{name: "Azure CLI", chosenBy: useCLIAttr, uses: []providerAttribute{tenantIDAttr}, build: newAzureCLICredential},
	{name: "Azure default credential chain", uses: []providerAttribute{tenantIDAttr}, build: newDefaultCredential},
}

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
