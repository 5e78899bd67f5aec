package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// configValuesLookupModel is what the bifrost_config_values data source and ephemeral
// resource share: the question (organization_id, keys, fallback_to_global) and the answer.
type configValuesLookupModel struct {
	OrganizationID   canonicalStringValue `tfsdk:"organization_id"`
	Keys             types.Set            `tfsdk:"keys"`
	FallbackToGlobal types.Bool           `tfsdk:"fallback_to_global"`
	Values           types.Map            `tfsdk:"values"`
	Sources          types.Map            `tfsdk:"sources"`
}

// configSourceType is an element of sources: where one key was found.
var configSourceType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"resolved_scope": types.StringType,
	"type":           types.StringType,
	"secret_id":      types.StringType,
}}

// configValuesLookupAttrs are the attributes of the bifrost_config_values data source and
// ephemeral resource.
var configValuesLookupAttrs = lookupAttrs{
	"organization_id": {optional: true, customType: scopeType, description: "Organization whose configuration to read: an organization UUID " +
		"(any case) or `global`. Defaults to the provider's `organization_id`; one of the two must be set."},
	"keys": {kind: lookupStringSet, optional: true, setValidators: []validator.Set{setvalidator.ValueStringsAre(configKeyValidator)},
		description: "Config keys to resolve, as a workflow passes them to `config.get`. Leave it unset to resolve every key " +
			"`config.get` can see from the organization: its own configs and, with `fallback_to_global`, every global one " +
			"it has no config of its own for. A key found nowhere is an error naming every such key."},
	"fallback_to_global": {kind: lookupBool, optional: true, description: "When a key is missing in the organization, read it from the " +
		"`global` scope, as `config.get` does. Default `true`. Set `false` to read only the organization's own configs."},
	"values": {kind: lookupStringMap, sensitive: true, description: "Key -> the value `config.get` returns: for a `secret_reference`, " +
		"the value of the referenced secret (its latest version); for every other type, the config's own value (`int` as decimal " +
		"text, `bool` as `true`/`false`, `json` as the JSON text). Always sensitive."},
	"sources": {kind: lookupMap, elementType: configSourceType, description: "Key -> where its value came from: `resolved_scope` " +
		"(the organization id, lower-case, or `global` after a fallback), `type` (the config type) and `secret_id` " +
		"(for a `secret_reference`, the `{scope}/{name}` of the secret it points at; null for other types). Not sensitive."},
}

// configValuesLookup describes the bifrost_config_values data source and ephemeral resource.
var configValuesLookup = lookupSpec{
	typeName: "_config_values",
	attrs:    configValuesLookupAttrs,
	dataSourceDescription: "Resolves many configs of one organization at once, each exactly as a workflow's `config.get` would " +
		"(the organization, then `global` unless `fallback_to_global = false`, following a `secret_reference` to its secret): " +
		"every key the organization can see, or the set in `keys`. An application's whole configuration is one block.\n\n" +
		"Cost: one listing of the vault (one request per 25 secrets in it), one GET per key and one per distinct secret " +
		"referenced (however many configs point at it), at most 8 at a time. 40 keys, half referencing one secret, in a vault " +
		"of 41 secrets: 43 requests. A single `bifrost_config` costs 1 to 3 GETs, so for a handful of keys in a large vault " +
		"separate `bifrost_config` blocks can be cheaper.\n\n" +
		"The values are stored in the Terraform state (marked sensitive). To use them without storing them, use the " +
		"`bifrost_config_values` ephemeral resource (Terraform >= 1.10, OpenTofu >= 1.11).",
	ephemeralDescription: "Resolves many configs of one organization at once, each exactly as a workflow's `config.get` would " +
		"(the organization, then `global` unless `fallback_to_global = false`, following a `secret_reference` to its secret), " +
		"without storing anything: the values exist only while Terraform runs and never enter the plan or the state. " +
		"Cost as for the `bifrost_config_values` data source: one vault listing (one request per 25 secrets), one GET per key " +
		"and one per distinct referenced secret, at most 8 at a time. Needs Terraform >= 1.10 or OpenTofu >= 1.11.",
}

type configValuesDataSourceModel struct {
	configValuesLookupModel
	dataSourceTimeouts
}

// NewConfigValuesDataSource is the constructor of the bifrost_config_values data source.
func NewConfigValuesDataSource() datasource.DataSource {
	return &lookupDataSource[configValuesDataSourceModel, *configValuesDataSourceModel]{spec: configValuesLookup}
}

// lookup answers m's question with store.ResolveConfigs, the domain's config.get for many
// keys, and fills values and sources. Every value is masked on the context before anything
// is logged, as the single config lookup does.
func (m *configValuesLookupModel) lookup(ctx context.Context, c *providerClient) diag.Diagnostics {
	scope, diags := c.resolveScope(m.OrganizationID.StringValue, path.Root("organization_id"))
	if diags.HasError() {
		return diags
	}
	var keys []string // nil: every key
	if !m.Keys.IsNull() {
		keys = []string{}
		diags.Append(m.Keys.ElementsAs(ctx, &keys, false)...)
		if diags.HasError() {
			return diags
		}
	}
	// Null means the default, true: the same as config.get.
	fallback := m.FallbackToGlobal.IsNull() || m.FallbackToGlobal.ValueBool()

	resolved, err := c.store.ResolveConfigs(ctx, scope, keys, fallback)
	if err != nil {
		diags.Append(c.storeDiagnostic(fmt.Sprintf("reading the configs of %s", scope), err))
		return diags
	}
	values := make(map[string]attr.Value, len(resolved))
	sources := make(map[string]attr.Value, len(resolved))
	for _, r := range resolved {
		ctx = maskValue(ctx, r.Value)
		warnExpired(&diags, &r.Config, r.Secret)
		key := r.Config.Name
		values[key] = types.StringValue(r.Value)
		secretID := types.StringNull()
		if r.Secret != nil {
			secretID = types.StringValue(r.Secret.SecretID().String())
		}
		source, d := types.ObjectValue(configSourceType.AttrTypes, map[string]attr.Value{
			"resolved_scope": types.StringValue(string(r.ResolvedScope)),
			"type":           types.StringValue(string(r.Config.Type)),
			"secret_id":      secretID,
		})
		diags.Append(d...)
		sources[key] = source
	}
	var d diag.Diagnostics
	m.Values, d = types.MapValue(types.StringType, values)
	diags.Append(d...)
	m.Sources, d = types.MapValue(configSourceType, sources)
	diags.Append(d...)
	tflog.Debug(ctx, "resolved bifrost configs", map[string]any{
		"scope": string(scope),
		"keys":  len(resolved),
	})
	return diags
}
