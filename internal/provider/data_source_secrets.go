package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The bifrost_secrets data source: the plural data source core (entry_list_data_source.go)
// over secrets.

// NewSecretsDataSource is the constructor of the bifrost_secrets data source.
func NewSecretsDataSource() datasource.DataSource {
	return &entryListDataSource[secretsDataSourceModel, *secretsDataSourceModel]{spec: entryListSpec{
		kind: bifrost.KindSecret,
		description: "Lists the secrets of one scope (an organization, or `global`) with their metadata, " +
			"sorted by name. Values are never listed; read one with the `bifrost_secret` data source or ephemeral resource, " +
			"which also report its current version (Key Vault's list does not).",
		items: "The scope's secrets, sorted by name.",
		itemAttributes: map[string]schema.Attribute{
			"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Secret name."},
			"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "`{scope}/{name}`, the id a `secret_reference` config points at."},
			"content_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Content type, or null."},
			"tags": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The user's tags (without the reserved `bifrost-` tags)."},
		},
	}}
}

type secretsDataSourceModel struct {
	OrganizationID canonicalStringValue `tfsdk:"organization_id"`
	Secrets        []secretListItem     `tfsdk:"secrets"`
	dataSourceTimeouts
}

// secretListItem is one secret's metadata.
type secretListItem struct {
	Name        types.String `tfsdk:"name"`
	ID          types.String `tfsdk:"id"`
	ContentType types.String `tfsdk:"content_type"`
	Tags        types.Map    `tfsdk:"tags"`
	entryListItem
}

// lookup lists the scope's secrets (listEntries).
func (m *secretsDataSourceModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	entries, diags := listEntries(ctx, c, bifrost.KindSecret, m.OrganizationID)
	m.Secrets = make([]secretListItem, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		m.Secrets = append(m.Secrets, secretListItem{
			Name:          types.StringValue(e.Name),
			ID:            types.StringValue(e.SecretID().String()),
			ContentType:   optionalString(e.ContentType),
			Tags:          lookupTags(e.Tags),
			entryListItem: entryListItemOf(e),
		})
	}
	return diags
}
