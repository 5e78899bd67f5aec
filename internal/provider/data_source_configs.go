package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The bifrost_configs data source: the plural data source core (entry_list_data_source.go)
// over configs. An item has no value and no reference target on purpose: a list is for
// inventory (for_each, audits), and the value of a `secret` config is exactly what a list must
// never carry.

// NewConfigsDataSource is the constructor of the bifrost_configs data source.
func NewConfigsDataSource() datasource.DataSource {
	return &entryListDataSource[configsDataSourceModel, *configsDataSourceModel]{spec: entryListSpec{
		kind: bifrost.KindConfig,
		description: "Lists the configs of one scope (an organization, or `global`) with their metadata, " +
			"sorted by key. Values are never listed; read one with the `bifrost_config` data source or ephemeral resource. " +
			"Only the scope's own configs are listed: the `global` configs an organization falls back to are not included.",
		items: "The scope's configs, sorted by key.",
		itemAttributes: map[string]schema.Attribute{
			"key":  schema.StringAttribute{Computed: true, MarkdownDescription: "Config key."},
			"type": schema.StringAttribute{Computed: true, MarkdownDescription: "Config type: " + configTypesText() + "."},
		},
	}}
}

type configsDataSourceModel struct {
	OrganizationID canonicalStringValue `tfsdk:"organization_id"`
	Configs        []configListItem     `tfsdk:"configs"`
	dataSourceTimeouts
}

// configListItem is one config's metadata.
type configListItem struct {
	Key  types.String `tfsdk:"key"`
	Type types.String `tfsdk:"type"`
	entryListItem
}

// lookup lists the scope's configs (listEntries).
func (m *configsDataSourceModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	entries, diags := listEntries(ctx, c, bifrost.KindConfig, m.OrganizationID)
	m.Configs = make([]configListItem, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		m.Configs = append(m.Configs, configListItem{
			Key:           types.StringValue(e.Name),
			Type:          types.StringValue(string(e.Type)),
			entryListItem: entryListItemOf(e),
		})
	}
	return diags
}
