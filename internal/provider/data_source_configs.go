package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

var (
	_ datasource.DataSource              = (*configsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*configsDataSource)(nil)
)

// configsDataSource lists the configs of one scope, without values.
type configsDataSource struct {
	client *providerClient
}

// NewConfigsDataSource is the constructor of the bifrost_configs data source.
func NewConfigsDataSource() datasource.DataSource { return &configsDataSource{} }

type configsDataSourceModel struct {
	OrganizationID canonicalStringValue `tfsdk:"organization_id"`
	Configs        []configListItem     `tfsdk:"configs"`
	dataSourceTimeouts
}

// configListItem is one config's metadata. It has no value and no reference target on
// purpose: a list is for inventory (for_each, audits), and the value of a `secret` config is
// exactly what a list must never carry.
type configListItem struct {
	Key                types.String      `tfsdk:"key"`
	Type               types.String      `tfsdk:"type"`
	Description        types.String      `tfsdk:"description"`
	Enabled            types.Bool        `tfsdk:"enabled"`
	NotBefore          timetypes.RFC3339 `tfsdk:"not_before"`
	ExpiresAt          timetypes.RFC3339 `tfsdk:"expires_at"`
	KeyVaultSecretName types.String      `tfsdk:"key_vault_secret_name"`
	UpdatedAt          timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (d *configsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_configs"
}

func (d *configsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the configs of one scope (an organization, or `global`) with their metadata, " +
			"sorted by key. Values are never listed; read one with the `bifrost_config` data source or ephemeral resource. " +
			"Only the scope's own configs are listed: the `global` configs an organization falls back to are not included.",
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				CustomType: scopeType,
				Optional:   true,
				MarkdownDescription: "Scope to list: an organization UUID (any case) or `global`. " +
					"Defaults to the provider's `organization_id`; one of the two must be set.",
			},
			"configs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The scope's configs, sorted by key.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":                   str("Config key."),
					"type":                  str("Config type: `secret`, `secret_reference`, `string`, `int`, `bool` or `json`."),
					"description":           str("Description, or null."),
					"enabled":               schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the config is enabled: `config.get` fails for a disabled one (the provider writes configs enabled)."},
					"not_before":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: "Time before which the config is not valid (RFC 3339, UTC), or null. Informational: Key Vault does not enforce it."},
					"expires_at":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: "Time at which the config expires (RFC 3339, UTC), or null. Informational: Key Vault does not enforce it."},
					"key_vault_secret_name": str("Name of the config's secret in Key Vault."),
					"updated_at":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: "When the config was last written (RFC 3339, UTC)."},
				}},
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *configsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *configsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data configsDataSourceModel
	runLookup(ctx, d.client, "data source bifrost_configs", req.Config, &data, &resp.State, &resp.Diagnostics)
}

// lookup lists the scope's configs: Store.List (shared by the provider's data sources, see
// providerClient.list) has filtered them by scope and kind and sorted them by key, so that the
// list does not move when Key Vault's paging order changes.
func (m *configsDataSourceModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID.StringValue, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	entries, err := c.list(ctx, scope, bifrost.KindConfig)
	if err != nil {
		diags.Append(c.storeDiagnostic("listing configs in "+string(scope), err))
		return diags
	}
	m.Configs = make([]configListItem, 0, len(entries))
	for _, e := range entries {
		m.Configs = append(m.Configs, configListItem{
			Key:                types.StringValue(e.Name),
			Type:               types.StringValue(string(e.Type)),
			Description:        optionalString(e.Description),
			Enabled:            types.BoolValue(e.Enabled),
			NotBefore:          rfc3339Of(e.NotBefore),
			ExpiresAt:          rfc3339Of(e.ExpiresAt),
			KeyVaultSecretName: types.StringValue(e.KeyVaultName),
			UpdatedAt:          rfc3339Of(&e.UpdatedAt),
		})
	}
	tflog.Debug(ctx, "listed bifrost configs", map[string]any{"scope": string(scope), "count": len(m.Configs)})
	return diags
}
