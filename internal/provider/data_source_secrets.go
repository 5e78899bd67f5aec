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
	_ datasource.DataSource              = (*secretsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*secretsDataSource)(nil)
)

// secretsDataSource lists the secrets of one scope, without values.
type secretsDataSource struct {
	client *providerClient
}

// NewSecretsDataSource is the constructor of the bifrost_secrets data source.
func NewSecretsDataSource() datasource.DataSource { return &secretsDataSource{} }

type secretsDataSourceModel struct {
	OrganizationID canonicalStringValue `tfsdk:"organization_id"`
	Secrets        []secretListItem     `tfsdk:"secrets"`
	dataSourceTimeouts
}

// secretListItem is one secret's metadata; there is no value attribute, so no list can ever
// carry a secret into the state. There is no version either: Key Vault's list answers with
// versionless ids, and finding each version would cost one more request per secret.
type secretListItem struct {
	Name               types.String      `tfsdk:"name"`
	ID                 types.String      `tfsdk:"id"`
	ContentType        types.String      `tfsdk:"content_type"`
	Description        types.String      `tfsdk:"description"`
	Enabled            types.Bool        `tfsdk:"enabled"`
	NotBefore          timetypes.RFC3339 `tfsdk:"not_before"`
	ExpiresAt          timetypes.RFC3339 `tfsdk:"expires_at"`
	Tags               types.Map         `tfsdk:"tags"`
	KeyVaultSecretName types.String      `tfsdk:"key_vault_secret_name"`
	UpdatedAt          timetypes.RFC3339 `tfsdk:"updated_at"`
}

func (d *secretsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secrets"
}

func (d *secretsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the secrets of one scope (an organization, or `global`) with their metadata, " +
			"sorted by name. Values are never listed; read one with the `bifrost_secret` data source or ephemeral resource, " +
			"which also report its current version (Key Vault's list does not).",
		Attributes: map[string]schema.Attribute{
			"organization_id": schema.StringAttribute{
				CustomType: scopeType,
				Optional:   true,
				MarkdownDescription: "Scope to list: an organization UUID (any case) or `global`. " +
					"Defaults to the provider's `organization_id`; one of the two must be set.",
			},
			"secrets": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The scope's secrets, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":                  str("Secret name."),
					"id":                    str("`{scope}/{name}`, the id a `secret_reference` config points at."),
					"content_type":          str("Content type, or null."),
					"description":           str("Description, or null."),
					"enabled":               schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the secret is enabled."},
					"not_before":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: "Time before which the secret is not valid (RFC 3339, UTC), or null. Informational: Key Vault does not enforce it."},
					"expires_at":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: "Time at which the secret expires (RFC 3339, UTC), or null. Informational: Key Vault does not enforce it."},
					"tags":                  schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The user's tags (without the reserved `bifrost-` tags)."},
					"key_vault_secret_name": str("Name of the secret in Key Vault."),
					"updated_at":            schema.StringAttribute{CustomType: timetypes.RFC3339Type{}, Computed: true, MarkdownDescription: "When the secret was last written (RFC 3339, UTC)."},
				}},
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *secretsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *secretsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data secretsDataSourceModel
	runLookup(ctx, d.client, "data source bifrost_secrets", req.Config, &data, &resp.State, &resp.Diagnostics)
}

// lookup lists the scope's secrets: Store.List (shared by the provider's data sources, see
// providerClient.list) has filtered them by scope and kind and sorted them by name, so that the
// list does not move when Key Vault's paging order changes.
func (m *secretsDataSourceModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID.StringValue, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	entries, err := c.list(ctx, scope, bifrost.KindSecret)
	if err != nil {
		diags.Append(c.storeDiagnostic("listing secrets in "+string(scope), err))
		return diags
	}
	m.Secrets = make([]secretListItem, 0, len(entries))
	for _, e := range entries {
		m.Secrets = append(m.Secrets, secretListItem{
			Name:               types.StringValue(e.Name),
			ID:                 types.StringValue(e.SecretID().String()),
			ContentType:        optionalString(e.ContentType),
			Description:        optionalString(e.Description),
			Enabled:            types.BoolValue(e.Enabled),
			NotBefore:          rfc3339Of(e.NotBefore),
			ExpiresAt:          rfc3339Of(e.ExpiresAt),
			Tags:               lookupTags(e.Tags),
			KeyVaultSecretName: types.StringValue(e.KeyVaultName),
			UpdatedAt:          rfc3339Of(&e.UpdatedAt),
		})
	}
	tflog.Debug(ctx, "listed bifrost secrets", map[string]any{"scope": string(scope), "count": len(m.Secrets)})
	return diags
}
