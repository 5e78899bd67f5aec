// Package provider is the Terraform surface of Bifrost: the provider block, resources,
// data sources and ephemeral resources. It maps schemas to internal/bifrost calls and
// domain errors to diagnostics; it knows nothing of the Key Vault layout itself.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ provider.Provider                       = (*BifrostProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*BifrostProvider)(nil)
)

// BifrostProvider manages Bifrost's organization-scoped secrets and configs in Azure Key Vault.
type BifrostProvider struct {
	version string
	// getenv reads the environment; tests replace it to check environment fallbacks
	// without touching the process environment.
	getenv func(string) string
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
			"(see the *Key Vault layout* guide). Every attribute can also be set from the environment; " +
			"the variables are named in each attribute's description. Without explicit credentials the " +
			"provider uses Azure's default credential chain.",
		Attributes: providerAttributes(),
	}
}

// providerAttributes is the provider block; each description names its environment variables,
// taken from providerSettings so the two cannot disagree.
func providerAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for _, s := range providerSettings {
		desc := s.description + " " + envDescription(s.env)
		switch s.kind {
		case settingBool:
			attrs[s.name] = schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
		default:
			var validators []validator.String
			if s.validators != nil {
				validators = s.validators()
			}
			attrs[s.name] = schema.StringAttribute{
				Optional:            true,
				Sensitive:           s.sensitive,
				MarkdownDescription: desc,
				Validators:          validators,
			}
		}
	}
	return attrs
}

func (p *BifrostProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	getenv := p.getenv
	if getenv == nil {
		getenv = lookupEnv
	}
	settings, diags := resolveSettings(cfg, getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := newProviderClient(ctx, settings)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Debug(ctx, "bifrost provider configured", map[string]any{
		"vault_url":       settings.VaultURL,
		"organization_id": string(settings.OrganizationID),
		"credential":      settings.CredentialKind(),
	})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.EphemeralResourceData = client
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

// httpsURL is the validator for vault_url and authority_host.
func httpsURL() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(httpsURLPattern,
		"must be an https:// URL, e.g. https://my-vault.vault.azure.net/ (Key Vault refuses tokens over plain http)")}
}
