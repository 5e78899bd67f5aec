package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	OrganizationID types.String     `tfsdk:"organization_id"`
	Configs        []configListItem `tfsdk:"configs"`
	Timeouts       timeouts.Value   `tfsdk:"timeouts"`
}

// configListItem is one config's metadata. It has no value and no reference target on
// purpose: a list is for inventory (for_each, audits), and the value of a `secret` config is
// exactly what a list must never carry.
type configListItem struct {
	Key                types.String `tfsdk:"key"`
	Type               types.String `tfsdk:"type"`
	Description        types.String `tfsdk:"description"`
	KeyVaultSecretName types.String `tfsdk:"key_vault_secret_name"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
}

func (d *configsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_configs"
}

func (d *configsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the configs of one scope (an organization, or `global`) with their metadata, " +
			"sorted by key. Values are never listed; read one with the `bifrost_config` data source or ephemeral resource. " +
			"Only the scope's own configs are listed: the `global` configs an organization falls back to are not included.",
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Scope to list: an organization UUID (any case) or `global`. " +
					"Defaults to the provider's `organization_id`; one of the two must be set.",
				Validators: []validator.String{scopeValidator},
			},
			"configs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The scope's configs, sorted by key.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":                   schema.StringAttribute{Computed: true, MarkdownDescription: "Config key."},
					"type":                  schema.StringAttribute{Computed: true, MarkdownDescription: "Config type: `secret`, `secret_reference`, `string`, `int`, `bool` or `json`."},
					"description":           schema.StringAttribute{Computed: true, MarkdownDescription: "Description, or null."},
					"key_vault_secret_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the config's secret in Key Vault."},
					"updated_at":            schema.StringAttribute{Computed: true, MarkdownDescription: "When the config was last written (RFC 3339, UTC)."},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *configsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *configsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data configsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		lookupNotConfigured(&resp.Diagnostics, "data source bifrost_configs")
		return
	}
	scope, diags := d.client.resolveScope(data.OrganizationID, path.Root("organization_id"))
	resp.Diagnostics.Append(diags...)
	timeout, diags := data.Timeouts.Read(ctx, lookupTimeoutDefault)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	entries, err := d.client.store.List(ctx, scope, bifrost.KindConfig)
	if err != nil {
		resp.Diagnostics.Append(d.client.storeDiagnostic("listing configs in "+string(scope), err))
		return
	}
	data.Configs = make([]configListItem, 0, len(entries))
	for _, e := range entries {
		// An entry without bifrost tags has no known key; it is not a config of this scope.
		if !e.Managed {
			continue
		}
		data.Configs = append(data.Configs, configListItem{
			Key:                types.StringValue(e.Name),
			Type:               types.StringValue(string(e.Type)),
			Description:        optionalString(e.Description),
			KeyVaultSecretName: types.StringValue(e.KeyVaultName),
			UpdatedAt:          lookupTime(&e.UpdatedAt),
		})
	}
	// Sorted, so that the list (and anything indexed by it) does not move when Key Vault's
	// paging order changes.
	sort.Slice(data.Configs, func(i, j int) bool {
		return data.Configs[i].Key.ValueString() < data.Configs[j].Key.ValueString()
	})
	tflog.Debug(ctx, "listed bifrost configs", map[string]any{"scope": string(scope), "count": len(data.Configs)})
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
