package provider

import (
	"context"
	"fmt"
	"time"

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

// The plural data sources, bifrost_secrets and bifrost_configs, list the entries of one kind in
// one scope with their metadata, never their values: one core over a small spec per kind, as
// the entry resources and the lookups have. A kind brings its own item attributes and model.

// entryListItem is what every listed entry has; each kind's item embeds it. There is no value
// attribute, so no list can ever carry a secret into the state, and no version either: Key
// Vault's list answers with versionless ids, and finding each version would cost one more
// request per entry.
type entryListItem struct {
	Description        types.String      `tfsdk:"description"`
	Enabled            types.Bool        `tfsdk:"enabled"`
	NotBefore          timetypes.RFC3339 `tfsdk:"not_before"`
	ExpiresAt          timetypes.RFC3339 `tfsdk:"expires_at"`
	KeyVaultSecretName types.String      `tfsdk:"key_vault_secret_name"`
	UpdatedAt          timetypes.RFC3339 `tfsdk:"updated_at"`
}

// entryListItemOf is the shared part of e's item.
func entryListItemOf(e *bifrost.Entry) entryListItem {
	return entryListItem{
		Description:        optionalString(e.Description),
		Enabled:            types.BoolValue(e.Enabled),
		NotBefore:          rfc3339Of(e.NotBefore),
		ExpiresAt:          rfc3339Of(e.ExpiresAt),
		KeyVaultSecretName: types.StringValue(e.KeyVaultName),
		UpdatedAt:          rfc3339Of(&e.UpdatedAt),
	}
}

// entryListItemAttributes are the schema of entryListItem for entries of kind.
func entryListItemAttributes(kind bifrost.Kind) map[string]schema.Attribute {
	date := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: desc}
	}
	enabled, secretName := "Whether the secret is enabled.", "Name of the secret in Key Vault."
	if kind == bifrost.KindConfig {
		enabled = "Whether the config is enabled: `config.get` fails for a disabled one (the provider writes configs enabled)."
		secretName = "Name of the config's secret in Key Vault."
	}
	return map[string]schema.Attribute{
		"description":           schema.StringAttribute{Computed: true, MarkdownDescription: "Description, or null."},
		"enabled":               schema.BoolAttribute{Computed: true, MarkdownDescription: enabled},
		"not_before":            date(fmt.Sprintf("Time before which the %s is not valid (RFC 3339, UTC), or null. Informational: Key Vault does not enforce it.", kind)),
		"expires_at":            date(fmt.Sprintf("Time at which the %s expires (RFC 3339, UTC), or null. Informational: Key Vault does not enforce it.", kind)),
		"key_vault_secret_name": schema.StringAttribute{Computed: true, MarkdownDescription: secretName},
		"updated_at":            date(fmt.Sprintf("When the %s was last written (RFC 3339, UTC).", kind)),
	}
}

// entryListSpec is what a plural data source says about itself.
type entryListSpec struct {
	kind bifrost.Kind
	// description is the data source's; items describes the list attribute.
	description, items string
	// itemAttributes are the kind's own item attributes, beside entryListItemAttributes.
	itemAttributes map[string]schema.Attribute
}

// entryListDataSource is the data source of spec; M is its model, which lists with listEntries.
type entryListDataSource[M any, P interface {
	*M
	lookupModel
	timeout(context.Context, time.Duration) (time.Duration, diag.Diagnostics)
}] struct {
	spec   entryListSpec
	client *providerClient
}

var (
	_ datasource.DataSourceWithConfigure = (*entryListDataSource[secretsDataSourceModel, *secretsDataSourceModel])(nil)
	_ datasource.DataSourceWithConfigure = (*entryListDataSource[configsDataSourceModel, *configsDataSourceModel])(nil)
)

// typeSuffix is the data source's type name after the provider's: "_secrets", "_configs".
func (s entryListSpec) typeSuffix() string { return "_" + string(s.kind) + "s" }

func (d *entryListDataSource[M, P]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.spec.typeSuffix()
}

func (d *entryListDataSource[M, P]) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	items := entryListItemAttributes(d.spec.kind)
	for name, a := range d.spec.itemAttributes {
		items[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: d.spec.description,
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				CustomType: scopeType,
				Optional:   true,
				MarkdownDescription: "Scope to list: an organization UUID (any case) or `global`. " +
					"Defaults to the provider's `organization_id`; one of the two must be set.",
			},
			string(d.spec.kind) + "s": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: d.spec.items,
				NestedObject:        schema.NestedAttributeObject{Attributes: items},
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *entryListDataSource[M, P]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *entryListDataSource[M, P]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data M
	runLookup(ctx, d.client, "data source bifrost"+d.spec.typeSuffix(), req.Config, P(&data), &resp.State, &resp.Diagnostics)
}

// listEntries is the lookup of a plural data source: the entries of kind in the scope org names
// (or the provider's), as Store.List gives them (shared by the provider's data sources, see
// providerClient.list), filtered by scope and kind and sorted by name, so that the list does not
// move when Key Vault's paging order changes.
func listEntries(ctx context.Context, c *providerClient, kind bifrost.Kind, org canonicalStringValue) ([]bifrost.Entry, diag.Diagnostics) {
	scope, diags := c.resolveScope(org.StringValue, path.Root("organization_id"))
	if diags.HasError() {
		return nil, diags
	}
	entries, err := c.list(ctx, scope, kind)
	if err != nil {
		diags.Append(c.storeDiagnostic(fmt.Sprintf("listing %ss in %s", kind, scope), err))
		return nil, diags
	}
	tflog.Debug(ctx, "listed bifrost entries", map[string]any{"scope": string(scope), "kind": string(kind), "count": len(entries)})
	return entries, diags
}
