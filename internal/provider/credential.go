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
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// providerClient is what Configure hands to every resource, data source and ephemeral resource.
type providerClient struct {
	store          *bifrost.Store
	defaultScope   bifrost.Scope // empty when the provider block sets no organization_id
	credentialKind string
}

func cloudFor(environment string) cloud.Configuration {
	switch environment {
	case "usgovernment":
		return cloud.AzureGovernment
	case "china":
		return cloud.AzureChina
	default:
		return cloud.AzurePublic
	}
}

// newProviderClient builds the credential and the Key Vault client; nothing is requested yet,
// so a plan with no resources makes no call to Azure.
func newProviderClient(_ context.Context, s providerSettingsResolved) (*providerClient, diag.Diagnostics) {
	var diags diag.Diagnostics
	cred, err := newCredential(s)
	if err != nil {
		diags.AddError("Cannot set up Azure authentication",
			fmt.Sprintf("The provider could not build its %s credential: %s", s.CredentialKind(), err))
		return nil, diags
	}
	client, err := azsecrets.NewClient(s.VaultURL, cred, &azsecrets.ClientOptions{
		DisableChallengeResourceVerification: s.SkipChallengeResourceVerification,
	})
	if err != nil {
		diags.AddAttributeError(path.Root("vault_url"), "Invalid Key Vault URL", err.Error())
		return nil, diags
	}
	store := bifrost.NewStore(bifrost.NewAzureKeyVault(client), bifrost.StoreOptions{
		RecoverSoftDeleted: s.RecoverSoftDeleted,
		PurgeOnDestroy:     s.PurgeOnDestroy,
	})
	return &providerClient{store: store, defaultScope: s.OrganizationID, credentialKind: s.CredentialKind()}, diags
}

// newCredential picks the azidentity credential the settings ask for; resolveSettings has
// already made sure at most one method is chosen.
func newCredential(s providerSettingsResolved) (azcore.TokenCredential, error) {
	cfg := cloudFor(s.Environment)
	disableDiscovery := false
	if s.AuthorityHost != "" {
		cfg.ActiveDirectoryAuthorityHost = s.AuthorityHost
		// A custom authority (sovereign, private or emulated) is not in Microsoft's instance
		// discovery list, so MSAL must not ask for it.
		disableDiscovery = true
	}
	opts := azcore.ClientOptions{Cloud: cfg}

	switch {
	case s.ClientSecret != "":
		return azidentity.NewClientSecretCredential(s.TenantID, s.ClientID, s.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
	case s.ClientCertificatePath != "":
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
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
	case s.UseOIDC:
		return azidentity.NewClientAssertionCredential(s.TenantID, s.ClientID, oidcAssertion(s),
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
	case s.UseMSI:
		msi := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts}
		if s.ClientID != "" {
			msi.ID = azidentity.ClientID(s.ClientID)
		}
		return azidentity.NewManagedIdentityCredential(msi)
	case s.UseCLI:
		return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: s.TenantID})
	default:
		return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
			ClientOptions: opts, TenantID: s.TenantID, DisableInstanceDiscovery: disableDiscovery,
		})
	}
}

// oidcAssertion returns the function that yields a fresh OIDC ID token for each token request:
// a fixed token, a file re-read every time (projected tokens rotate), or GitHub Actions' endpoint.
func oidcAssertion(s providerSettingsResolved) func(context.Context) (string, error) {
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
