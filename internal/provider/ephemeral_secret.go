package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ ephemeral.EphemeralResource              = (*secretEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*secretEphemeralResource)(nil)
)

// secretEphemeralResource reads a secret like the bifrost_secret data source, but the
// answer lives only for the run: Terraform never writes it to the plan or the state.
type secretEphemeralResource struct {
	client *providerClient
}

// NewSecretEphemeralResource is the constructor of the bifrost_secret ephemeral resource.
func NewSecretEphemeralResource() ephemeral.EphemeralResource { return &secretEphemeralResource{} }

type secretEphemeralModel struct {
	secretLookupModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *secretEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (r *secretEphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Bifrost secret with its value and metadata without storing anything: the value " +
			"exists only while Terraform runs and never enters the plan or the state. Use it to feed write-only " +
			"arguments or provider blocks. Needs Terraform >= 1.10 or OpenTofu >= 1.11.",
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: secretLookupOrgDescription,
				Validators: []validator.String{scopeValidator},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: secretLookupNameDescription,
				Validators: []validator.String{secretNameValidator},
			},
			"id":                    computed(secretLookupIDDescription),
			"value":                 schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: secretLookupValueDescription},
			"content_type":          computed(secretLookupContentTypeDescription),
			"description":           computed(secretLookupDescriptionDescription),
			"enabled":               schema.BoolAttribute{Computed: true, MarkdownDescription: secretLookupEnabledDescription},
			"not_before":            computed(secretLookupNotBeforeDescription),
			"expires_at":            computed(secretLookupExpiresAtDescription),
			"tags":                  schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: secretLookupTagsDescription},
			"version":               computed(secretLookupVersionDescription),
			"key_vault_secret_name": computed(secretLookupKVNameDescription),
			"key_vault_secret_id":   computed(secretLookupKVIDDescription),
			"created_at":            computed(secretLookupCreatedAtDescription),
			"updated_at":            computed(secretLookupUpdatedAtDescription),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{OpenDescription: lookupTimeoutDescription}),
		},
	}
}

func (r *secretEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *secretEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var data secretEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.client == nil {
		lookupNotConfigured(&resp.Diagnostics, "ephemeral resource bifrost_secret")
		return
	}
	timeout, diags := data.Timeouts.Open(ctx, lookupTimeoutDefault)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(data.read(ctx, r.client)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &data)...)
}
