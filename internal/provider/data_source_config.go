package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ datasource.DataSource              = (*configDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*configDataSource)(nil)
)

// configDataSource reads a config the way a workflow's config.get does.
type configDataSource struct {
	client *providerClient
}

// NewConfigDataSource is the constructor of the bifrost_config data source.
func NewConfigDataSource() datasource.DataSource { return &configDataSource{} }

// configLookupModel is what the bifrost_config data source and ephemeral resource share:
// the question (organization_id, key, fallback_to_global) and the resolved answer.
type configLookupModel struct {
	OrganizationID   types.String `tfsdk:"organization_id"`
	Key              types.String `tfsdk:"key"`
	FallbackToGlobal types.Bool   `tfsdk:"fallback_to_global"`
	ID               types.String `tfsdk:"id"`
	Type             types.String `tfsdk:"type"`
	Value            types.String `tfsdk:"value"`
	ResolvedScope    types.String `tfsdk:"resolved_scope"`
	SecretID         types.String `tfsdk:"secret_id"`
	Description      types.String `tfsdk:"description"`
}

type configDataSourceModel struct {
	configLookupModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// Descriptions shared by the data source and the ephemeral resource, so the two documents agree.
const (
	configLookupOrgDescription = "Organization whose config to read: an organization UUID (any case) or `global`. " +
		"Defaults to the provider's `organization_id`; one of the two must be set."
	configLookupKeyDescription = "Config key, as a workflow passes it to `config.get`: 1 to 100 characters from " +
		"`A-Z`, `a-z`, `0-9` and `_`. Keys are case-sensitive."
	configLookupFallbackDescription = "When the key is missing in the organization, read it from the `global` scope, " +
		"as `config.get` does. Default `true`. Set `false` to require the organization's own config."
	configLookupIDDescription            = "`{resolved_scope}/{key}`: where the config was found."
	configLookupTypeDescription          = "Config type: `secret`, `secret_reference`, `string`, `int`, `bool` or `json`."
	configLookupValueDescription         = "The value `config.get` returns: for a `secret_reference`, the value of the referenced secret (its latest version); for every other type, the config's own value (`int` as decimal text, `bool` as `true`/`false`, `json` as the JSON text). Always sensitive."
	configLookupResolvedScopeDescription = "Scope the config was found in: the organization id (lower-case), or `global` after a fallback."
	configLookupSecretIDDescription      = "For a `secret_reference`, the id (`{scope}/{name}`) of the secret it points at; null for other types."
	configLookupDescriptionDescription   = "The config's description, or null."
)

func (d *configDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config"
}

func (d *configDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Bifrost config the way a workflow's `config.get` does: in the organization, " +
			"then (unless `fallback_to_global = false`) in `global`, following a `secret_reference` to its secret.\n\n" +
			"The value is stored in the Terraform state (marked sensitive). To use it without storing it, " +
			"use the `bifrost_config` ephemeral resource (Terraform >= 1.10, OpenTofu >= 1.11).",
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
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *configDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *configDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data configDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		lookupNotConfigured(&resp.Diagnostics, "data source bifrost_config")
		return
	}
	timeout, diags := data.Timeouts.Read(ctx, lookupTimeoutDefault)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(data.resolve(ctx, d.client)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// resolve answers m's question with store.ResolveConfig, the domain's config.get, and fills
// the computed attributes. The value never reaches a log line: it is masked on the context
// before anything else is logged, whatever the type. A short plain value (an int "5") may
// then mask unrelated characters of later lines; a garbled debug line is the price of never
// having to decide which values are secret.
func (m *configLookupModel) resolve(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	key := m.Key.ValueString()
	// Null means the default, true: the same as config.get.
	fallback := m.FallbackToGlobal.IsNull() || m.FallbackToGlobal.ValueBool()

	res, err := c.store.ResolveConfig(ctx, scope, key, fallback)
	if err != nil {
		diags.Append(c.storeDiagnostic(fmt.Sprintf("reading config %q", key), err))
		return diags
	}
	ctx = maskValue(ctx, res.Value)

	m.ID = types.StringValue(fmt.Sprintf("%s/%s", res.ResolvedScope, key))
	m.Type = types.StringValue(string(res.Config.Type))
	m.Value = types.StringValue(res.Value)
	m.ResolvedScope = types.StringValue(string(res.ResolvedScope))
	m.Description = optionalString(res.Config.Description)
	m.SecretID = types.StringNull()
	if res.Secret != nil {
		m.SecretID = types.StringValue(res.Secret.SecretID().String())
	}
	tflog.Debug(ctx, "resolved bifrost config", map[string]any{
		"key":            key,
		"scope":          string(scope),
		"resolved_scope": string(res.ResolvedScope),
		"type":           string(res.Config.Type),
		"secret_id":      m.SecretID.ValueString(),
	})
	return diags
}
