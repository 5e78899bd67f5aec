// Package provider is the Terraform surface of Bifrost: the provider block, resources,
// data sources and ephemeral resources. It maps schemas to internal/bifrost calls and
// domain errors to diagnostics; it knows nothing of the Key Vault layout itself.
package provider

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ provider.Provider                       = (*BifrostProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*BifrostProvider)(nil)
	_ provider.ProviderWithListResources      = (*BifrostProvider)(nil)
)

// Address is the provider's address in the registry, as configurations' required_providers
// name it and the release binary serves it.
const Address = "registry.terraform.io/bifrost-platform/bifrost"

// BifrostProvider manages Bifrost's organization-scoped secrets and configs in Azure Key Vault.
type BifrostProvider struct {
	// version is the release, reported to Terraform and sent to Key Vault in the User-Agent.
	version string
}

// New returns the provider factory that providerserver.Serve and the tests use.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &BifrostProvider{version: version}
	}
}

func (p *BifrostProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "bifrost"
	resp.Version = p.version
}

func (p *BifrostProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Bifrost provider manages Bifrost's organization-scoped secrets and configs " +
			"in Azure Key Vault, following the Key Vault layout contract v1 " +
			"(see the [Key Vault layout](guides/key-vault-layout.md) guide). Every attribute can also be set from the environment; " +
			"the variables are named in each attribute's description. Without explicit credentials the " +
			"provider uses Azure's default credential chain.\n\n" +
			"The provider block may use values known only after apply, such as " +
			"`vault_url = azurerm_key_vault.this.vault_uri` for a vault created in the same configuration: " +
			"planning to create secrets and configs makes no Key Vault request, and the apply creates them once the vault exists. " +
			"What must read the vault during that plan (data sources, ephemeral resources, refreshing entries that already exist) " +
			"fails with a diagnostic that names the unknown attributes and what to do.",
		Attributes: providerSchemaAttributes(),
	}
}

// providerSchemaAttributes is the provider block, read from the providerAttributes table so
// that each description names the attribute's environment variables.
func providerSchemaAttributes() map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(providerAttributes))
	for _, a := range providerAttributes {
		attrs[a.attributeName()] = a.schemaAttribute()
	}
	return attrs
}

func (p *BifrostProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var block types.Object
	resp.Diagnostics.Append(req.Config.Get(ctx, &block)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings, diags := resolveSettings(block.Attributes(), os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := newProviderClient(settings, p.version)
	if len(client.unknownToConnect()) == 0 {
		// Everything is known: build the credential now, so that one that cannot be built
		// is reported at plan, once, rather than by every resource that needs the vault.
		_, diags = client.connect("configuring the provider")
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	tflog.Debug(ctx, "bifrost provider configured", map[string]any{
		"vault_url":       vaultURLAttr.value(&settings),
		"organization_id": string(organizationIDAttr.value(&settings)),
		"credential":      settings.CredentialKind(),
		"unknown":         client.unknown,
	})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.EphemeralResourceData = client
	resp.ListResourceData = client
}

func (p *BifrostProvider) Resources(context.Context) []func() resource.Resource {
	return resources()
}

func (p *BifrostProvider) DataSources(context.Context) []func() datasource.DataSource {
	return dataSources()
}

func (p *BifrostProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return ephemeralResources()
}

// ListResources are found by `terraform query` (Terraform >= 1.14); other CLIs never ask.
func (p *BifrostProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewSecretListResource, NewConfigListResource}
}

// resources lists the provider's managed resources.
func resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewSecretResource,
		NewConfigResource,
	}
}

// dataSources lists the provider's data sources.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewConfigDataSource,
		NewConfigValuesDataSource,
		NewSecretDataSource,
		NewConfigsDataSource,
		NewSecretsDataSource,
	}
}

// ephemeralResources lists the provider's ephemeral resources.
func ephemeralResources() []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewConfigEphemeralResource,
		NewConfigValuesEphemeralResource,
		NewSecretEphemeralResource,
	}
}
