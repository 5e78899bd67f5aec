package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// secretLookupModel is what the bifrost_secret data source and ephemeral resource share.
// There is deliberately no fallback to global: a secret is addressed by its exact id
// (`{scope}/{name}`), the same id a secret_reference holds, so a global secret is read
// with organization_id = "global".
type secretLookupModel struct {
	OrganizationID     canonicalStringValue `tfsdk:"organization_id"`
	Name               types.String         `tfsdk:"name"`
	ID                 types.String         `tfsdk:"id"`
	Value              types.String         `tfsdk:"value"`
	ContentType        types.String         `tfsdk:"content_type"`
	Description        types.String         `tfsdk:"description"`
	Enabled            types.Bool           `tfsdk:"enabled"`
	NotBefore          timetypes.RFC3339    `tfsdk:"not_before"`
	ExpiresAt          timetypes.RFC3339    `tfsdk:"expires_at"`
	Tags               types.Map            `tfsdk:"tags"`
	Version            types.String         `tfsdk:"version"`
	KeyVaultSecretName types.String         `tfsdk:"key_vault_secret_name"`
	KeyVaultSecretID   types.String         `tfsdk:"key_vault_secret_id"`
	CreatedAt          timetypes.RFC3339    `tfsdk:"created_at"`
	UpdatedAt          timetypes.RFC3339    `tfsdk:"updated_at"`
}

// secretLookupAttrs are the attributes of the bifrost_secret data source and ephemeral resource.
var secretLookupAttrs = lookupAttrs{
	"organization_id": {optional: true, customType: scopeType, description: "Scope of the secret: an organization UUID (any case) or `global`. " +
		"Defaults to the provider's `organization_id`; one of the two must be set. " +
		"There is no fallback to `global`: say `organization_id = \"global\"` to read a global secret."},
	"name": {required: true, validators: []validator.String{secretNameValidator},
		description: "Secret name: 1 to 100 characters from `A-Z`, `a-z`, `0-9`, `_` and `-`. Names are case-sensitive."},
	"id":           {description: "`{scope}/{name}`, the id a `secret_reference` config points at (and the `id` of the `bifrost_secret` resource)."},
	"value":        {sensitive: true, description: "The secret's value: of `version` when it is set, else of the latest version. Always sensitive."},
	"content_type": {description: "The content type of the version read, or null."},
	"description":  {description: "The secret's description, or null."},
	"enabled": {kind: lookupBool, description: "Whether the secret is enabled. Key Vault returns no value for a disabled secret, " +
		"so a successful read is always of an enabled one."},
	"not_before": computedTime("Time before which the secret is not valid (RFC 3339, UTC), or null. Informational: Key Vault still returns the value."),
	"expires_at": computedTime("Time at which the secret expires (RFC 3339, UTC), or null. Informational: Key Vault still returns the value; " +
		"a read past it warns."),
	"tags": {kind: lookupStringMap, description: "The user's tags (the reserved `bifrost-` tags are not included); an empty map when there are none."},
	"version": {optional: true, computed: true, validators: []validator.String{versionValidator},
		description: "Key Vault version id (32 hexadecimal characters) of the version to read, for a read pinned to one value " +
			"that a rotation does not change; an older version is read as long as Key Vault keeps it and it is enabled. " +
			"A version this secret does not have is an error naming it. When unset, the latest version is read and this is its id."},
	"key_vault_secret_name": {description: "Name of the secret in Key Vault (see the [Key Vault layout](../guides/key-vault-layout.md) guide)."},
	"key_vault_secret_id":   {description: "Versionless Key Vault URL of the secret, e.g. `https://my-vault.vault.azure.net/secrets/{key_vault_secret_name}`."},
	"created_at":            computedTime("When the Key Vault secret was created (RFC 3339, UTC)."),
	"updated_at":            computedTime("When the version read was written or its metadata last changed (RFC 3339, UTC)."),
}

// secretLookup describes the bifrost_secret data source and ephemeral resource.
var secretLookup = lookupSpec{
	typeName: "_secret",
	attrs:    secretLookupAttrs,
	dataSourceDescription: "Reads one Bifrost secret (a named secret that `secret_reference` configs can point at) " +
		"with its value and metadata.\n\n" +
		"The value is stored in the Terraform state (marked sensitive). To use it without storing it, " +
		"use the `bifrost_secret` ephemeral resource (Terraform >= 1.10, OpenTofu >= 1.11).",
	ephemeralDescription: "Reads one Bifrost secret with its value and metadata without storing anything: the value " +
		"exists only while Terraform runs and never enters the plan or the state. Use it to feed write-only " +
		"arguments or provider blocks. Needs Terraform >= 1.10 or OpenTofu >= 1.11.",
}

type secretDataSourceModel struct {
	secretLookupModel
	dataSourceTimeouts
}

// NewSecretDataSource is the constructor of the bifrost_secret data source.
func NewSecretDataSource() datasource.DataSource {
	return &lookupDataSource[secretDataSourceModel, *secretDataSourceModel]{spec: secretLookup}
}

// versionValidator refuses at plan time a version that is not a Key Vault version id.
var versionValidator = domainValidator{
	summary:     "Invalid version",
	description: "must be a Key Vault version id: 32 hexadecimal characters",
	check:       bifrost.ValidateVersion,
}

// lookup reads the version of the secret m names (the latest when version is unset) and
// fills the computed attributes. The value is masked on the context before anything is logged.
func (m *secretLookupModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID.StringValue, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	name := m.Name.ValueString()
	var e *bifrost.Entry
	var err error
	pinned := !m.Version.IsNull() && !m.Version.IsUnknown()
	if pinned {
		e, err = c.store.GetVersion(ctx, scope, bifrost.KindSecret, name, m.Version.ValueString())
	} else {
		e, err = c.store.Get(ctx, scope, bifrost.KindSecret, name)
	}
	if err != nil {
		diags.Append(c.storeDiagnostic(fmt.Sprintf("reading secret %q", name), err))
		return diags
	}
	ctx = maskValue(ctx, e.Value)
	warnExpired(&diags, e)

	m.ID = types.StringValue(e.SecretID().String())
	m.Value = types.StringValue(e.Value)
	m.ContentType = optionalString(e.ContentType)
	m.Description = optionalString(e.Description)
	m.Enabled = types.BoolValue(e.Enabled)
	m.NotBefore = rfc3339Of(e.NotBefore)
	m.ExpiresAt = rfc3339Of(e.ExpiresAt)
	m.Tags = lookupTags(e.Tags)
	if !pinned {
		// A pinned version stays as configured (Key Vault matches version ids in any case).
		m.Version = optionalString(e.Version)
	}
	m.KeyVaultSecretName = optionalString(e.KeyVaultName)
	m.KeyVaultSecretID = optionalString(e.ID)
	m.CreatedAt = rfc3339Of(&e.CreatedAt)
	m.UpdatedAt = rfc3339Of(&e.UpdatedAt)
	tflog.Debug(ctx, "read bifrost secret", map[string]any{
		"id":                    m.ID.ValueString(),
		"version":               e.Version,
		"key_vault_secret_name": e.KeyVaultName,
	})
	return diags
}
