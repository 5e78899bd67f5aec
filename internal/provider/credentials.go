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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	// principal, when set, names the identity the method signs in as, in logs and diagnostics.
	principal *stringAttribute[string]
	// check, when set, reports what is wrong with the method's own options: on says whether the
	// method is switched on, defaultChain whether no method is (so the default chain is used).
	check func(s *providerSettings, on, defaultChain bool) diag.Diagnostics
	// build makes the azidentity credential.
	build func(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error)
}

// credentialMethods is the one table of ways to authenticate, in the order CredentialKind and
// the conflict diagnostic name them; the default chain comes last. Conflict detection, the
// required settings, the credential kind and construction are all read from it.
var credentialMethods = []credentialMethod{
	{
		name: "client secret", chosenBy: clientSecretAttr,
		requires: []*stringAttribute[string]{tenantIDAttr, clientIDAttr}, principal: clientIDAttr,
		build: newClientSecretCredential,
	},
	{
		name: "client certificate", chosenBy: clientCertificatePathAttr,
		requires: []*stringAttribute[string]{tenantIDAttr, clientIDAttr}, principal: clientIDAttr,
		check: checkCertificateOptions, build: newClientCertificateCredential,
	},
	{
		name: "OIDC / workload identity", chosenBy: useOIDCAttr,
		requires: []*stringAttribute[string]{tenantIDAttr, clientIDAttr}, principal: clientIDAttr,
		check: checkOIDCOptions, build: newOIDCCredential,
	},
	{name: "managed identity", chosenBy: useMSIAttr, build: newManagedIdentityCredential},
	{name: "Azure CLI", chosenBy: useCLIAttr, build: newAzureCLICredential},
	{name: "Azure default credential chain", build: newDefaultCredential},
}

// chosenMethods are the methods whose switch is on, in table order.
func (s *providerSettings) chosenMethods() []*credentialMethod {
	var chosen []*credentialMethod
	for i := range credentialMethods {
		if m := &credentialMethods[i]; m.chosenBy != nil && m.chosenBy.on(s) {
			chosen = append(chosen, m)
		}
	}
	return chosen
}

// credential is the method the provider authenticates with: the first one switched on, else
// the default chain.
func (s *providerSettings) credential() *credentialMethod {
	if chosen := s.chosenMethods(); len(chosen) > 0 {
		return chosen[0]
	}
	return &credentialMethods[len(credentialMethods)-1]
}

// CredentialKind names the way the provider authenticates, for logs and 401 diagnostics.
func (s providerSettings) CredentialKind() string {
	m := s.credential()
	if m.principal == nil {
		return m.name
	}
	return fmt.Sprintf("%s (%s %s)", m.name, m.principal.name, *m.principal.field(&s))
}

// checkCredentials makes sure at most one method is chosen, that it has what it requires,
// and that no method's options are given in a way that shows a mistake.
func checkCredentials(s *providerSettings) diag.Diagnostics {
	var diags diag.Diagnostics
	chosen := s.chosenMethods()
	if len(chosen) > 1 {
		// Naming every switch that is on tells the user what to drop.
		names := make([]string, len(chosen))
		for i, m := range chosen {
			names[i] = m.chosenBy.attributeName()
		}
		diags.AddAttributeError(path.Root(names[1]), "Conflicting authentication settings",
			fmt.Sprintf("Choose one way to authenticate; these are all set (in the provider block or the environment): %s.", strings.Join(names, ", ")))
	}
	if len(chosen) > 0 {
		diags.Append(checkRequired(s, chosen[0])...)
	}
	for i := range credentialMethods {
		m := &credentialMethods[i]
		if m.check != nil {
			on := m.chosenBy != nil && m.chosenBy.on(s)
			diags.Append(m.check(s, on, len(chosen) == 0)...)
		}
	}
	return diags
}

func checkRequired(s *providerSettings, m *credentialMethod) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, r := range m.requires {
		if !r.on(s) {
			diags.AddAttributeError(path.Root(r.name), "Missing "+r.name,
				fmt.Sprintf("Authenticating with %s (%s) needs %s: set it in the provider block, or %s in the environment.",
					m.name, m.chosenBy.attributeName(), r.name, oneOf(r.env)))
		}
	}
	return diags
}

// checkCertificateOptions refuses a certificate password without a certificate.
func checkCertificateOptions(s *providerSettings, on, _ bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if !on && clientCertificatePasswordAttr.on(s) {
		diags.AddAttributeError(path.Root(clientCertificatePasswordAttr.name), "Certificate password without a certificate",
			fmt.Sprintf("%s is set but %s is not.", clientCertificatePasswordAttr.name, clientCertificatePathAttr.name))
	}
	return diags
}

// oidcTokenSources are the ways to hand the provider an OIDC ID token; use_oidc needs one.
var oidcTokenSources = []*stringAttribute[string]{oidcTokenAttr, oidcTokenFilePathAttr, oidcRequestURLAttr}

// checkOIDCOptions makes sure use_oidc has exactly one token source, and that a token source
// written in the provider block is not left without use_oidc.
func checkOIDCOptions(s *providerSettings, on, defaultChain bool) diag.Diagnostics {
	var diags diag.Diagnostics
	var given []string
	inBlock := false
	for _, a := range oidcTokenSources {
		if a.on(s) {
			given = append(given, a.name)
		}
		inBlock = inBlock || s.sourceOf(a).inBlock
	}
	switch {
	case !on && defaultChain && inBlock:
		// A token source written in the provider block without use_oidc is a forgotten
		// switch. The same variables in the environment are not: CI runners and AKS set them
		// whether or not this provider should use them.
		diags.AddAttributeError(path.Root(useOIDCAttr.name), "OIDC token given without use_oidc",
			"An OIDC token source is set in the provider block; set use_oidc = true (or ARM_USE_OIDC=true) to authenticate with it.")
	case !on:
	case len(given) == 0:
		diags.AddAttributeError(path.Root(useOIDCAttr.name), "Missing OIDC token source",
			"use_oidc needs one of oidc_token, oidc_token_file_path, or oidc_request_url with oidc_request_token (GitHub Actions sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN when the job has `permissions: id-token: write`).")
	case len(given) > 1:
		diags.AddAttributeError(path.Root(oidcTokenAttr.name), "Conflicting OIDC token sources",
			fmt.Sprintf("Set only one of oidc_token, oidc_token_file_path and oidc_request_url; these are all set (in the provider block or the environment): %s.", strings.Join(given, ", ")))
	case oidcRequestURLAttr.on(s) && !oidcRequestTokenAttr.on(s):
		diags.AddAttributeError(path.Root(oidcRequestTokenAttr.name), "Missing oidc_request_token",
			"oidc_request_url needs oidc_request_token (ACTIONS_ID_TOKEN_REQUEST_TOKEN in GitHub Actions).")
	}
	return diags
}

// credentialOptions are what every credential is built with: the cloud, or a custom authority.
type credentialOptions struct {
	client                   azcore.ClientOptions
	disableInstanceDiscovery bool
}

func credentialOptionsFor(s *providerSettings) credentialOptions {
	o := credentialOptions{client: azcore.ClientOptions{Cloud: cloudFor(s.Environment)}}
	if s.AuthorityHost != "" {
		o.client.Cloud.ActiveDirectoryAuthorityHost = s.AuthorityHost
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
	return azidentity.NewClientSecretCredential(s.TenantID, s.ClientID, s.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
}

func newClientCertificateCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	data, err := os.ReadFile(s.ClientCertificatePath)
	if err != nil {
		return nil, fmt.Errorf("reading client_certificate_path: %w", err)
	}
	var password []byte
	if s.ClientCertificatePassword != "" {
		password = []byte(s.ClientCertificatePassword)
	}
	certs, key, err := azidentity.ParseCertificates(data, password)
	if err != nil {
		return nil, fmt.Errorf("parsing %s (PEM or PKCS#12 with the private key; check client_certificate_password): %w", s.ClientCertificatePath, err)
	}
	return azidentity.NewClientCertificateCredential(s.TenantID, s.ClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
}

func newOIDCCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewClientAssertionCredential(s.TenantID, s.ClientID, oidcAssertion(*s),
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: o.client, DisableInstanceDiscovery: o.disableInstanceDiscovery})
}

func newManagedIdentityCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	msi := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: o.client}
	if s.ClientID != "" {
		msi.ID = azidentity.ClientID(s.ClientID)
	}
	return azidentity.NewManagedIdentityCredential(msi)
}

func newAzureCLICredential(s *providerSettings, _ credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: s.TenantID})
}

func newDefaultCredential(s *providerSettings, o credentialOptions) (azcore.TokenCredential, error) {
	return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: o.client, TenantID: s.TenantID, DisableInstanceDiscovery: o.disableInstanceDiscovery,
	})
}

// oidcAssertion returns the function that yields a fresh OIDC ID token for each token request:
// a fixed token, a file re-read every time (projected tokens rotate), or GitHub Actions' endpoint.
func oidcAssertion(s providerSettings) func(context.Context) (string, error) {
	switch {
	case s.OIDCToken != "":
		return func(context.Context) (string, error) { return s.OIDCToken, nil }
	case s.OIDCTokenFilePath != "":
		return func(context.Context) (string, error) {
			b, err := os.ReadFile(s.OIDCTokenFilePath)
			if err != nil {
				return "", fmt.Errorf("reading oidc_token_file_path: %w", err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	default:
		return func(ctx context.Context) (string, error) {
			return requestOIDCToken(ctx, s.OIDCRequestURL, s.OIDCRequestToken)
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
