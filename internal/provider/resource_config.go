package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

var _ entryResourceInterfaces = (*configResource)(nil)

// NewConfigResource is the bifrost_config resource: one key of an organization's configuration,
// of any of the six Bifrost config types.
func NewConfigResource() resource.Resource {
	return &configResource{entryResource[configResourceModel, *configResourceModel]{
		entryKind: entryKind{kind: bifrost.KindConfig, nameAttr: "key"},
	}}
}

type configResource struct {
	entryResource[configResourceModel, *configResourceModel]
}

type configResourceModel struct {
	entryModel
	Key      types.String         `tfsdk:"key"`
	Type     types.String         `tfsdk:"type"`
	SecretID canonicalStringValue `tfsdk:"secret_id"`
}

func (r *configResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config"
	resp.ResourceBehavior.MutableIdentity = true
}

// configTypesText lists the config types for descriptions, from bifrost.ConfigTypes, so that no
// description retypes (or misses) one: "`secret`, `secret_reference`, ... or `json`".
func configTypesText() string {
	names := configTypeNames()
	for i, n := range names {
		names[i] = "`" + n + "`"
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// configTypeNames are the config types' names, from bifrost.ConfigTypes.
func configTypeNames() []string {
	var out []string
	for _, t := range bifrost.ConfigTypes() {
		out = append(out, string(t))
	}
	return out
}

func (r *configResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := entryAttributes(ctx, bifrost.KindConfig,
		"The value: any text for `string` and `secret`, a decimal integer for `int`, `true` or `false` for "+
			"`bool`, a JSON document for `json`. Kept in state (marked sensitive); use `value_wo` to keep a secret out of state.")
	attrs["key"] = nameAttribute("Config key, case-sensitive, matching `^[A-Za-z0-9_]{1,100}$`. Changing it replaces the config.", configKeyValidator)
	attrs["type"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "One of " + configTypesText() + ". `secret_reference` takes " +
			"`secret_id`; every other type takes `value` or `value_wo`.",
		Validators: []validator.String{stringvalidator.OneOf(configTypeNames()...)},
	}
	attrs["secret_id"] = schema.StringAttribute{
		CustomType: secretIDType,
		Optional:   true,
		MarkdownDescription: "For `secret_reference`: the `id` of the secret, `{scope}/{name}`, e.g. `bifrost_secret.stripe.id`. " +
			"The secret must be in the config's own scope or in `global`; it must exist when the config is applied.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Bifrost config: one key of an organization's (or the `global`) configuration, as a workflow reads it " +
			"with `config.get(key)`. Configs of type `secret` hold their own secret; `secret_reference` configs point at a " +
			"`bifrost_secret` by `secret_id`, so many configs share one secret and one rotation; `string`, `int`, `bool` and " +
			"`json` hold plain values.",
		Attributes: attrs,
	}
}

// validateConfig checks the type-specific attributes at plan time: which of value, value_wo,
// initial_value_wo and secret_id the type takes, that a known value has the type's shape, and
// the dates (see entryModel.validateShared).
func (cfg *configResourceModel) validateConfig(diags *diag.Diagnostics) {
	values := []namedValue{{"value", cfg.Value}, {"value_wo", cfg.ValueWO}, {"initial_value_wo", cfg.InitialValueWO}}
	checkValueSources(values, false, diags)
	cfg.validateShared(diags)
	if cfg.Type.IsUnknown() || cfg.Type.IsNull() {
		return
	}
	t, err := bifrost.ParseConfigType(cfg.Type.ValueString())
	if err != nil {
		return // the OneOf validator on type has said so
	}
	if t == bifrost.TypeSecretReference {
		cfg.validateReference(append(values, namedValue{"value_wo_version", cfg.ValueWOVersion}), diags)
		return
	}
	cfg.validateOwnValue(t, diags)
}

// validateReference checks a secret_reference config: secret_id, and none of the value
// attributes (values).
func (cfg *configResourceModel) validateReference(values []namedValue, diags *diag.Diagnostics) {
	for _, a := range values {
		if !a.value.IsNull() {
			diags.AddAttributeError(path.Root(a.name), "Attribute not allowed for secret_reference",
				fmt.Sprintf("A secret_reference config takes its value from the secret named by secret_id; remove %s, or use type = \"secret\" to give the config its own value.", a.name))
		}
	}
	if cfg.SecretID.IsNull() {
		diags.AddAttributeError(path.Root("secret_id"), "Missing secret_id",
			"A secret_reference config needs secret_id, the id of a bifrost_secret (e.g. secret_id = bifrost_secret.stripe.id).")
	}
}

// validateOwnValue checks a config of type t that holds its own value: no secret_id,
// initial_value_wo for secrets only, a value given, and a known value of the type's shape.
func (cfg *configResourceModel) validateOwnValue(t bifrost.ConfigType, diags *diag.Diagnostics) {
	if !cfg.SecretID.IsNull() {
		diags.AddAttributeError(path.Root("secret_id"), "Attribute only for secret_reference",
			fmt.Sprintf("secret_id is only used by configs of type secret_reference; this config is of type %q. Remove secret_id, or set type = \"secret_reference\".", t))
	}
	if t != bifrost.TypeSecret && !cfg.InitialValueWO.IsNull() {
		diags.AddAttributeError(path.Root("initial_value_wo"), "Attribute only for secret configs",
			fmt.Sprintf("initial_value_wo (a value owned outside Terraform after creation) is for configs of type \"secret\"; this config is of type %q, "+
				"whose value Terraform keeps: use value or value_wo.", t))
	}
	if cfg.Value.IsNull() && cfg.ValueWO.IsNull() && cfg.InitialValueWO.IsNull() {
		takes := "value or value_wo"
		if t == bifrost.TypeSecret {
			takes = "value, value_wo or initial_value_wo"
		}
		diags.AddAttributeError(path.Root("value"), "Missing value", fmt.Sprintf("A config of type %q needs %s.", t, takes))
		return
	}
	for _, v := range []struct {
		name  string
		value types.String
	}{{"value", cfg.Value}, {"value_wo", cfg.ValueWO}, {"initial_value_wo", cfg.InitialValueWO}} {
		if v.value.IsNull() || v.value.IsUnknown() {
			continue
		}
		// EncodeConfigValue never repeats the value in its message, so it may be shown as is.
		if _, err := bifrost.EncodeConfigValue(t, v.value.ValueString()); err != nil {
			diags.AddAttributeError(path.Root(v.name), fmt.Sprintf("Invalid %s value", t), err.Error())
		}
	}
}

func (m *configResourceModel) shared() *entryModel     { return &m.entryModel }
func (m *configResourceModel) entryName() types.String { return m.Key }

// toEntry sets the type and, for a secret_reference, the value it stores: the secret's id.
// Configs are always written enabled. The type is taken as it is: the configuration's is
// checked by its validator, and a state's may hold whatever another writer tagged the entry
// with (the plan then writes the declared type again); the store refuses to write a bad one.
func (m *configResourceModel) toEntry(e *bifrost.Entry, _ *diag.Diagnostics) {
	e.Type = bifrost.ConfigType(m.Type.ValueString())
	if e.Type == bifrost.TypeSecretReference {
		e.Value = m.SecretID.ValueString()
	}
}

func (m *configResourceModel) fromEntry(e *bifrost.Entry, importing bool, diags *diag.Diagnostics) {
	if e.Managed {
		m.Type = types.StringValue(string(e.Type))
	}
	switch {
	case !e.Enabled:
		// Configs are always written enabled; one disabled out of band hides its value, so
		// the plan writes the declared value (enabled) again.
		m.SecretID, m.Value, m.ValueWOVersion = secretIDValueOf(""), types.StringNull(), types.Int64Null()
	case e.Type == bifrost.TypeSecretReference:
		m.Value = types.StringNull()
		m.SecretID = referenceFromEntry(e, diags)
	default:
		m.SecretID = secretIDValueOf("")
		if !m.Value.IsNull() || (importing && m.ValueWOVersion.IsNull()) {
			m.Value = types.StringValue(e.Value)
		}
	}
}

// referenceFromEntry is the secret_id a secret_reference config read from Key Vault holds: its
// value as stored (so a spelling difference is no drift); null from a listing, which has no
// values (a list resource's result leaves it for the user to fill, as the generated
// configuration guide says). A value that is not a secret id (another writer replaced it) is
// a reference to nothing, which the plan writes again, rather than an invalid secret_id in state.
func referenceFromEntry(e *bifrost.Entry, diags *diag.Diagnostics) canonicalStringValue {
	if _, err := bifrost.ParseSecretID(e.Value); err == nil {
		return secretIDValueOf(e.Value)
	}
	if e.Value == "" {
		return secretIDValueOf("")
	}
	diags.AddWarning("Config holds no valid secret reference",
		fmt.Sprintf("Config %q in %s is a secret_reference, but Key Vault holds a value that is not a secret id (written outside Terraform), "+
			"so config.get fails for it. The plan writes the declared secret_id again.", e.Name, e.Scope.Phrase()))
	return secretIDValueOf("")
}

// writesValue: a new value, type or reference is a new version.
func (m *configResourceModel) writesValue(prior entryResourceModel) bool {
	p, ok := prior.(*configResourceModel)
	if !ok {
		return true // never happens: the core compares two models of one resource
	}
	return m.valueChanged(&p.entryModel) || !m.SecretID.Equal(p.SecretID) || !m.Type.Equal(p.Type)
}

// rewritesEntry: a new type or reference is a new version.
func (m *configResourceModel) rewritesEntry(prior entryResourceModel) bool {
	p, ok := prior.(*configResourceModel)
	return !ok || !m.SecretID.Equal(p.SecretID) || !m.Type.Equal(p.Type)
}

// copySource: a config's value is never copied from another Key Vault secret.
func (m *configResourceModel) copySource() *types.String { return nil }

// checkPlan refuses a reference to another organization's secret before anything is written.
func (m *configResourceModel) checkPlan(scope bifrost.Scope, diags *diag.Diagnostics) {
	if m.SecretID.IsNull() || m.SecretID.IsUnknown() {
		return
	}
	ref, err := bifrost.ParseSecretID(m.SecretID.ValueString())
	if err != nil {
		return // the attribute's type has said so
	}
	if err := bifrost.CheckReference(scope, ref); err != nil {
		diags.AddAttributeError(path.Root("secret_id"), "Secret reference crosses organizations", err.Error())
	}
}
