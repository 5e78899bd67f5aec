package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// configLookupModel is what the bifrost_config data source and ephemeral resource share:
// the question (organization_id, key, fallback_to_global) and the resolved answer.
type configLookupModel struct {
	OrganizationID   canonicalStringValue `tfsdk:"organization_id"`
	Key              types.String         `tfsdk:"key"`
	FallbackToGlobal types.Bool           `tfsdk:"fallback_to_global"`
	ID               types.String         `tfsdk:"id"`
	Type             types.String         `tfsdk:"type"`
	Value            types.String         `tfsdk:"value"`
	ResolvedScope    types.String         `tfsdk:"resolved_scope"`
	SecretID         types.String         `tfsdk:"secret_id"`
	Description      types.String         `tfsdk:"description"`
	Version          types.String         `tfsdk:"version"`
}

// configLookupAttrs are the attributes of the bifrost_config data source and ephemeral resource.
var configLookupAttrs = lookupAttrs{
	"organization_id": {optional: true, customType: scopeType, description: "Organization whose config to read: an organization UUID (any case) or `global`. " +
		"Defaults to the provider's `organization_id`; one of the two must be set."},
	"key": {required: true, validators: []validator.String{configKeyValidator},
		description: "Config key, as a workflow passes it to `config.get`: 1 to 100 characters from `A-Z`, `a-z`, `0-9` and `_`. Keys are case-sensitive."},
	"fallback_to_global": {kind: lookupBool, optional: true, description: "When the key is missing in the organization, read it from the `global` scope, " +
		"as `config.get` does. Default `true`. Set `false` to require the organization's own config."},
	"id":   {description: "`{resolved_scope}/{key}`: where the config was found."},
	"type": {description: "Config type: " + configTypesText() + "."},
	"value": {sensitive: true, description: "The value `config.get` returns: for a `secret_reference`, the value of the referenced secret " +
		"(its latest version); for every other type, the config's own value (`int` as decimal text, `bool` as `true`/`false`, " +
		"`json` as the JSON text). Always sensitive."},
	"resolved_scope": {description: "Scope the config was found in: the organization id (lower-case), or `global` after a fallback."},
	"secret_id":      {description: "For a `secret_reference`, the id (`{scope}/{name}`) of the secret it points at; null for other types."},
	"description":    {description: "The config's description, or null."},
	"version": {optional: true, validators: []validator.String{versionValidator},
		description: "Key Vault version id (32 hexadecimal characters) of the config version to read, for a read pinned to one value " +
			"that a later change of the config does not change. The version is read where the config is found (the organization, " +
			"or `global` when the organization has no such config and `fallback_to_global` allows it); an organization config " +
			"without that version is an error naming it, not a fallback. Only for configs that hold their own value: for a " +
			"`secret_reference` it is an error, because a config's versions are versions of the reference, not of the referenced " +
			"secret, so pinning one would still return that secret's latest value. To pin a referenced secret, read it with " +
			"the `bifrost_secret` data source or ephemeral resource and its `version` (`secret_id` says which secret)."},
}

// configLookup describes the bifrost_config data source and ephemeral resource.
var configLookup = lookupSpec{
	typeName: "_config",
	attrs:    configLookupAttrs,
	dataSourceDescription: "Reads one Bifrost config the way a workflow's `config.get` does: in the organization, " +
		"then (unless `fallback_to_global = false`) in `global`, following a `secret_reference` to its secret.\n\n" +
		"The value is stored in the Terraform state (marked sensitive). To use it without storing it, " +
		"use the `bifrost_config` ephemeral resource (Terraform >= 1.10, OpenTofu >= 1.11).",
	ephemeralDescription: "Resolves one Bifrost config the way a workflow's `config.get` does (organization, then " +
		"`global` unless `fallback_to_global = false`, following a `secret_reference` to its secret), without " +
		"storing anything: the value exists only while Terraform runs and never enters the plan or the state. " +
		"Use it to feed write-only arguments or provider blocks. Needs Terraform >= 1.10 or OpenTofu >= 1.11.",
}

type configDataSourceModel struct {
	configLookupModel
	dataSourceTimeouts
}

// NewConfigDataSource is the constructor of the bifrost_config data source.
func NewConfigDataSource() datasource.DataSource {
	return &lookupDataSource[configDataSourceModel, *configDataSourceModel]{spec: configLookup}
}

// lookup answers m's question with store.ResolveConfig, the domain's config.get, and fills
// the computed attributes. The value never reaches a log line: it is masked on the context
// before anything else is logged, whatever the type. A short plain value (an int "5") may
// then mask unrelated characters of later lines; a garbled debug line is the price of never
// having to decide which values are secret.
func (m *configLookupModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID.StringValue, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	key := m.Key.ValueString()
	// Null means the default, true: the same as config.get.
	fallback := m.FallbackToGlobal.IsNull() || m.FallbackToGlobal.ValueBool()

	var res *bifrost.Resolved
	var err error
	if m.Version.IsNull() || m.Version.IsUnknown() {
		res, err = c.store.ResolveConfig(ctx, scope, key, fallback)
	} else {
		res, err = c.store.ResolveConfigVersion(ctx, scope, key, fallback, m.Version.ValueString())
	}
	if err != nil {
		diags.Append(c.storeDiagnostic(fmt.Sprintf("reading config %q", key), err))
		return diags
	}
	ctx = maskValue(ctx, res.Value)
	warnExpired(&diags, &res.Config, res.Secret)

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
