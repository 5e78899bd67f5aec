package provider

import (
	"context"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// providerClient is what Configure hands to every resource, data source and ephemeral resource.
type providerClient struct {
	store          *bifrost.Store
	defaultScope   bifrost.Scope // empty when the provider block sets no organization_id
	credentialKind string        // how the provider authenticates, for 401 diagnostics
	vaultURL       string        // the configured vault URL, to check that an import URL names the same vault
}

// applicationID is what Key Vault's logs show as the writer of each request: the provider and
// its version. The Azure SDK keeps only the first 24 characters of an application id, so the
// product is "tf-bifrost" ("terraform-provider-bifrost/" alone would be cut before the version).
func applicationID(version string) string { return "tf-bifrost/" + version }

// secretsClientOptions are the azsecrets client options for the settings: the store's retries
// within the operation's deadline, the provider's application id in the User-Agent, and the
// challenge check the settings ask for.
func secretsClientOptions(s providerSettings, version string) azsecrets.ClientOptions {
	opts := bifrost.ClientOptions(applicationID(version))
	opts.DisableChallengeResourceVerification = s.SkipChallengeResourceVerification
	return opts
}

// newProviderClient builds the credential and the Key Vault client; nothing is requested yet,
// so a plan with no resources makes no call to Azure.
func newProviderClient(_ context.Context, s providerSettings, version string) (*providerClient, diag.Diagnostics) {
	var diags diag.Diagnostics
	cred, err := newCredential(s)
	if err != nil {
		diags.AddError("Cannot set up Azure authentication",
			fmt.Sprintf("The provider could not build its %s credential: %s", s.CredentialKind(), err))
		return nil, diags
	}
	opts := secretsClientOptions(s, version)
	client, err := azsecrets.NewClient(s.VaultURL, cred, &opts)
	if err != nil {
		diags.AddAttributeError(path.Root(vaultURLAttr.name), "Invalid Key Vault URL", err.Error())
		return nil, diags
	}
	store := bifrost.NewStore(bifrost.NewAzureKeyVault(client), bifrost.StoreOptions{
		RecoverSoftDeleted: s.RecoverSoftDeleted,
		PurgeOnDestroy:     s.PurgeOnDestroy,
	})
	return &providerClient{
		store:          store,
		defaultScope:   s.OrganizationID,
		credentialKind: s.CredentialKind(),
		vaultURL:       s.VaultURL,
	}, diags
}
