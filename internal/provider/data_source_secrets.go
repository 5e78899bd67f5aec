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
	OrganizationID types.String     `tfsdk:"organization_id"`
	Secrets        []secretListItem `tfsdk:"secrets"`
	Timeouts       timeouts.Value   `tfsdk:"timeouts"`
}

// secretListItem is one secret's metadata; there is no value attribute, so no list can ever
// carry a secret into the state. There is no version either: Key Vault's list answers with
// versionless ids, and finding each version would cost one more request per secret.
type secretListItem struct {
	Name               types.String `tfsdk:"name"`
	ID                 types.String `tfsdk:"id"`
	ContentType        types.String `tfsdk:"content_type"`
	Description        types.String `tfsdk:"description"`
	Enabled            types.Bool   `tfsdk:"enabled"`
	Tags               types.Map    `tfsdk:"tags"`
	KeyVaultSecretName types.String `tfsdk:"key_vault_secret_name"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
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
				Optional: true,
				MarkdownDescription: "Scope to list: an organization UUID (any case) or `global`. " +
					"Defaults to the provider's `organization_id`; one of the two must be set.",
				Validators: []validator.String{scopeValidator},
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
					"tags":                  schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The user's tags (without the reserved `bifrost-` tags)."},
					"key_vault_secret_name": str("Name of the secret in Key Vault."),
					"updated_at":            str("When the secret was last written (RFC 3339, UTC)."),
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *secretsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *secretsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data secretsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		lookupNotConfigured(&resp.Diagnostics, "data source bifrost_secrets")
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

	entries, err := d.client.store.List(ctx, scope, bifrost.KindSecret)
	if err != nil {
		resp.Diagnostics.Append(d.client.storeDiagnostic("listing secrets in "+string(scope), err))
		return
	}
	data.Secrets = make([]secretListItem, 0, len(entries))
	for _, e := range entries {
		// An entry without bifrost tags has no known name; it is not a secret of this scope.
		if !e.Managed {
			continue
		}
		tags, diags := lookupTags(ctx, e.Tags)
		resp.Diagnostics.Append(diags...)
		data.Secrets = append(data.Secrets, secretListItem{
			Name:               types.StringValue(e.Name),
			ID:                 types.StringValue(e.SecretID().String()),
			ContentType:        optionalString(e.ContentType),
			Description:        optionalString(e.Description),
			Enabled:            types.BoolValue(e.Enabled),
			Tags:               tags,
			KeyVaultSecretName: types.StringValue(e.KeyVaultName),
			UpdatedAt:          lookupTime(&e.UpdatedAt),
		})
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Sorted, so that the list does not move when Key Vault's paging order changes.
	sort.Slice(data.Secrets, func(i, j int) bool {
		return data.Secrets[i].Name.ValueString() < data.Secrets[j].Name.ValueString()
	})
	tflog.Debug(ctx, "listed bifrost secrets", map[string]any{"scope": string(scope), "count": len(data.Secrets)})
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}
