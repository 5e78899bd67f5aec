package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	_ ephemeral.EphemeralResource              = (*configEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*configEphemeralResource)(nil)
)

// configEphemeralResource resolves a config like the bifrost_config data source, but the
// answer lives only for the run: Terraform never writes it to the plan or the state.
type configEphemeralResource struct {
	client *providerClient
}

// NewConfigEphemeralResource is the constructor of the bifrost_config ephemeral resource.
func NewConfigEphemeralResource() ephemeral.EphemeralResource { return &configEphemeralResource{} }

type configEphemeralModel struct {
	configLookupModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *configEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config"
}

func (r *configEphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Resolves one Bifrost config the way a workflow's `config.get` does (organization, then " +
			"`global` unless `fallback_to_global = false`, following a `secret_reference` to its secret), without " +
			"storing anything: the value exists only while Terraform runs and never enters the plan or the state. " +
			"Use it to feed write-only arguments or provider blocks. Needs Terraform >= 1.10 or OpenTofu >= 1.11.",
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: configLookupOrgDescription,
				Validators: []validator.String{scopeValidator},
			},
			"key": schema.StringAttribute{
				Required: true, MarkdownDescription: configLookupKeyDescription,
				Validators: []validator.String{configKeyValidator},
			},
			"fallback_to_global": schema.BoolAttribute{Optional: true, MarkdownDescription: configLookupFallbackDescription},
			"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: configLookupIDDescription},
			"type":               schema.StringAttribute{Computed: true, MarkdownDescription: configLookupTypeDescription},
			"value":              schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: configLookupValueDescription},
			"resolved_scope":     schema.StringAttribute{Computed: true, MarkdownDescription: configLookupResolvedScopeDescription},
			"secret_id":          schema.StringAttribute{Computed: true, MarkdownDescription: configLookupSecretIDDescription},
			"description":        schema.StringAttribute{Computed: true, MarkdownDescription: configLookupDescriptionDescription},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{OpenDescription: lookupTimeoutDescription}),
		},
	}
}

func (r *configEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *configEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var data configEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.client == nil {
		lookupNotConfigured(&resp.Diagnostics, "ephemeral resource bifrost_config")
		return
	}
	timeout, diags := data.Timeouts.Open(ctx, lookupTimeoutDefault)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(data.resolve(ctx, r.client)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &data)...)
}
