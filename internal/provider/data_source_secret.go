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

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

var (
	_ datasource.DataSource              = (*secretDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*secretDataSource)(nil)
)

// secretDataSource reads one named secret with its value.
type secretDataSource struct {
	client *providerClient
}

// NewSecretDataSource is the constructor of the bifrost_secret data source.
func NewSecretDataSource() datasource.DataSource { return &secretDataSource{} }

// secretLookupModel is what the bifrost_secret data source and ephemeral resource share.
// There is deliberately no fallback to global: a secret is addressed by its exact id
// (`{scope}/{name}`), the same id a secret_reference holds, so a global secret is read
// with organization_id = "global".
type secretLookupModel struct {
	OrganizationID     types.String `tfsdk:"organization_id"`
	Name               types.String `tfsdk:"name"`
	ID                 types.String `tfsdk:"id"`
	Value              types.String `tfsdk:"value"`
	ContentType        types.String `tfsdk:"content_type"`
	Description        types.String `tfsdk:"description"`
	Enabled            types.Bool   `tfsdk:"enabled"`
	NotBefore          types.String `tfsdk:"not_before"`
	ExpiresAt          types.String `tfsdk:"expires_at"`
	Tags               types.Map    `tfsdk:"tags"`
	Version            types.String `tfsdk:"version"`
	KeyVaultSecretName types.String `tfsdk:"key_vault_secret_name"`
	KeyVaultSecretID   types.String `tfsdk:"key_vault_secret_id"`
	CreatedAt          types.String `tfsdk:"created_at"`
	UpdatedAt          types.String `tfsdk:"updated_at"`
}

type secretDataSourceModel struct {
	secretLookupModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// Descriptions shared by the data source and the ephemeral resource.
const (
	secretLookupOrgDescription = "Scope of the secret: an organization UUID (any case) or `global`. " +
		"Defaults to the provider's `organization_id`; one of the two must be set. " +
		"There is no fallback to `global`: say `organization_id = \"global\"` to read a global secret."
	secretLookupNameDescription        = "Secret name: 1 to 100 characters from `A-Z`, `a-z`, `0-9`, `_` and `-`. Names are case-sensitive."
	secretLookupIDDescription          = "`{scope}/{name}`, the id a `secret_reference` config points at (and the `id` of the `bifrost_secret` resource)."
	secretLookupValueDescription       = "The secret's value (latest version). Always sensitive."
	secretLookupContentTypeDescription = "The secret's content type, or null."
	secretLookupDescriptionDescription = "The secret's description, or null."
	secretLookupEnabledDescription     = "Whether the secret is enabled. Key Vault returns no value for a disabled secret, so a successful read is always of an enabled one."
	secretLookupNotBeforeDescription   = "Time before which the secret is not valid (RFC 3339, UTC), or null."
	secretLookupExpiresAtDescription   = "Time after which the secret is not valid (RFC 3339, UTC), or null."
	secretLookupTagsDescription        = "The user's tags (the reserved `bifrost-` tags are not included); an empty map when there are none."
	secretLookupVersionDescription     = "Key Vault version id of the latest version."
	secretLookupKVNameDescription      = "Name of the secret in Key Vault (see the *Key Vault layout* guide)."
	secretLookupKVIDDescription        = "Versionless Key Vault URL of the secret, e.g. `https://my-vault.vault.azure.net/secrets/{key_vault_secret_name}`."
	secretLookupCreatedAtDescription   = "When the Key Vault secret was created (RFC 3339, UTC)."
	secretLookupUpdatedAtDescription   = "When the latest version was written or the metadata last changed (RFC 3339, UTC)."
)

func (d *secretDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (d *secretDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Bifrost secret (a named secret that `secret_reference` configs can point at) " +
			"with its value and metadata.\n\n" +
			"The value is stored in the Terraform state (marked sensitive). To use it without storing it, " +
			"use the `bifrost_secret` ephemeral resource (Terraform >= 1.10, OpenTofu >= 1.11).",
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
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{ReadDescription: lookupTimeoutDescription}),
		},
	}
}

func (d *secretDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *secretDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var data secretDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &data)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.client == nil {
		lookupNotConfigured(&resp.Diagnostics, "data source bifrost_secret")
		return
	}
	timeout, diags := data.Timeouts.Read(ctx, lookupTimeoutDefault)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(data.read(ctx, d.client)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &data)...)
}

// read fetches the latest version of the secret m names and fills the computed attributes.
// The value is masked on the context before anything is logged.
func (m *secretLookupModel) read(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	name := m.Name.ValueString()
	e, err := c.store.Get(ctx, scope, bifrost.KindSecret, name)
	if err != nil {
		diags.Append(c.storeDiagnostic(fmt.Sprintf("reading secret %q", name), err))
		return diags
	}
	ctx = maskValue(ctx, e.Value)

	tags, d := lookupTags(ctx, e.Tags)
	diags.Append(d...)
	m.ID = types.StringValue(bifrost.SecretID{Scope: scope, Name: name}.String())
	m.Value = types.StringValue(e.Value)
	m.ContentType = optionalString(e.ContentType)
	m.Description = optionalString(e.Description)
	m.Enabled = types.BoolValue(e.Enabled)
	m.NotBefore = lookupTime(e.NotBefore)
	m.ExpiresAt = lookupTime(e.ExpiresAt)
	m.Tags = tags
	m.Version = optionalString(e.Version)
	m.KeyVaultSecretName = optionalString(e.KeyVaultName)
	m.KeyVaultSecretID = optionalString(e.ID)
	m.CreatedAt = lookupTime(&e.CreatedAt)
	m.UpdatedAt = lookupTime(&e.UpdatedAt)
	tflog.Debug(ctx, "read bifrost secret", map[string]any{
		"id":                    m.ID.ValueString(),
		"version":               e.Version,
		"key_vault_secret_name": e.KeyVaultName,
	})
	return diags
}
