package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The schema attributes and the resource identity both entry resources have, and the
// conversions between Key Vault's and Terraform's types they share. Each resource starts from
// entryAttributes and adds its own.

// entryAttributes returns the attributes of entryModel for an entry of kind; valueDescription
// describes `value` for this kind.
func entryAttributes(ctx context.Context, kind bifrost.Kind, valueDescription string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: fmt.Sprintf("`{scope}/{%s}`, also the import id.", nameAttrOf(kind)),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"organization_id": schema.StringAttribute{
			CustomType: scopeType,
			Optional:   true,
			Computed:   true,
			MarkdownDescription: fmt.Sprintf("Scope of the %[1]s: an organization UUID (any case; Key Vault names use it lower-case) or "+
				"`global`. Defaults to the provider's `organization_id`; one of the two must be set. Changing the scope replaces the %[1]s.", kind),
		},
		"value": schema.StringAttribute{
			Optional:            true,
			Sensitive:           true,
			MarkdownDescription: valueDescription,
			Validators:          []validator.String{valueSizeValidator},
		},
		"value_wo": schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			WriteOnly: true,
			MarkdownDescription: "Write-only value: sent to Key Vault, never stored in plan or state (Terraform >= 1.11, OpenTofu >= 1.11). " +
				"Without `value_wo_version`, each plan compares it with the vault's value of the version in state and plans a new " +
				"version when they differ (nothing derived from the value is stored; see the [rotation](../guides/rotation.md) guide). " +
				"With `value_wo_version`, it is written when that number changes.",
			Validators: []validator.String{valueSizeValidator},
		},
		"value_wo_version": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Optional with `value_wo`: any number that changes whenever `value_wo` should be written again, for " +
				"writes decided by the configuration alone (no plan-time read of the value).",
			Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("value_wo"))},
		},
		"initial_value_wo": schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			WriteOnly: true,
			MarkdownDescription: fmt.Sprintf("Write-only value written when the %s is created, never again: the value is then owned "+
				"outside Terraform (rotated in the portal, with `az keyvault secret set`, or by a rotation function), and a version "+
				"written there is not drift. Terraform keeps managing the entry's existence, metadata and tags; `version` and "+
				"`updated_at` show what the vault holds. Moving to `value` or `value_wo` plans a write; moving here writes nothing. "+
				"Terraform >= 1.11, OpenTofu >= 1.11.", kind),
			Validators: []validator.String{valueSizeValidator},
		},
		"not_before": schema.StringAttribute{
			CustomType: timetypes.RFC3339Type{},
			Optional:   true,
			MarkdownDescription: fmt.Sprintf("RFC 3339 time (whole seconds) before which the %s is not valid. Informational: Key Vault "+
				"records it and still returns the value before it.", kind),
			Validators: []validator.String{wholeSecondsValidator},
		},
		"expires_at": schema.StringAttribute{
			CustomType: timetypes.RFC3339Type{},
			Optional:   true,
			MarkdownDescription: fmt.Sprintf("RFC 3339 time (whole seconds) at which the %s expires; not before `not_before`. Informational: "+
				"Key Vault records it and still returns the value after it, so the provider warns at plan when it is near or past "+
				"(`expiry_warning_days` in the provider block). Vaults whose Azure Policy requires an expiry date on every secret need it.", kind),
			Validators: []validator.String{wholeSecondsValidator},
		},
		"description": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("What the %s is for; kept in the `bifrost-description` tag (at most %d bytes).", kind, bifrost.MaxTagValueLength),
			Validators:          []validator.String{descriptionValidator},
		},
		"version": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The Key Vault version the provider last wrote or read (32 hex characters); changes on every new value.",
		},
		"key_vault_secret_name": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: fmt.Sprintf("The Key Vault secret name, `bifrost-{scope}-%s-{slug}-{digest}` (see the [Key Vault layout](../guides/key-vault-layout.md) guide).", kind),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"key_vault_secret_id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Versionless Key Vault URL of the secret, e.g. `https://my-vault.vault.azure.net/secrets/NAME`.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"created_at": schema.StringAttribute{
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
			MarkdownDescription: "RFC 3339 time Key Vault created the current version.",
		},
		"updated_at": schema.StringAttribute{
			CustomType:          timetypes.RFC3339Type{},
			Computed:            true,
			MarkdownDescription: "RFC 3339 time of the last change in Key Vault.",
		},
		"timeouts": timeouts.Attributes(ctx, timeouts.Opts{
			Create: true, Read: true, Update: true, Delete: true,
			CreateDescription: timeoutsDescription, ReadDescription: timeoutsDescription,
			UpdateDescription: timeoutsDescription, DeleteDescription: timeoutsDescription,
		}),
	}
}

// nameAttrOf is the attribute that names an entry of kind: "name" or "key".
func nameAttrOf(kind bifrost.Kind) string {
	if kind == bifrost.KindConfig {
		return "key"
	}
	return "name"
}

// nameAttribute is the attribute naming the entry, which replaces it when it changes.
func nameAttribute(description string, v validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: description,
		Validators:          []validator.String{v},
		PlanModifiers:       []planmodifier.String{requiresReplaceOnceKnown()},
	}
}

// requiresReplaceOnceKnown replaces the resource when the attribute changes, except when the
// prior state has no value: an adopted Key Vault secret gets its Bifrost name on its first apply.
func requiresReplaceOnceKnown() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull()
		},
		"Changing this replaces the entry, except on the first apply after adopting a Key Vault secret by URL.",
		"Changing this replaces the entry, except on the first apply after adopting a Key Vault secret by URL.",
	)
}

// validateShared checks, at plan time, what needs more than one of the attributes every entry
// has: not_before not after expires_at.
func (s *entryModel) validateShared(diags *diag.Diagnostics) {
	notBefore, expiresAt := timeOf(s.NotBefore, diags), timeOf(s.ExpiresAt, diags)
	if err := bifrost.ValidateValidity(notBefore, expiresAt); err != nil {
		diags.AddAttributeError(path.Root("not_before"), "not_before is after expires_at", err.Error())
	}
}

// valueChanged reports whether s writes another value than prior: a new value, or a new
// value_wo_version.
func (s *entryModel) valueChanged(prior *entryModel) bool {
	return !s.Value.Equal(prior.Value) || !s.ValueWOVersion.Equal(prior.ValueWOVersion)
}

// optionalString is null for "", the way Key Vault leaves out unset fields.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// rfc3339Of is a Key Vault time in RFC 3339, UTC; nil and the zero time are null.
func rfc3339Of(t *time.Time) timetypes.RFC3339 {
	if t == nil || t.IsZero() {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339TimeValue(t.UTC())
}

// timeOf is the time an optional RFC 3339 attribute holds, nil when null or unknown.
func timeOf(v timetypes.RFC3339, diags *diag.Diagnostics) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, d := v.ValueRFC3339Time()
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	return &t
}

// timeOrZero is the time an RFC 3339 attribute holds, the zero time when null, unknown or
// unreadable (for computed times the provider itself wrote).
func timeOrZero(v timetypes.RFC3339) time.Time {
	var ignored diag.Diagnostics
	if t := timeOf(v, &ignored); t != nil {
		return *t
	}
	return time.Time{}
}

// tagsOf is the user's tags in a known map; unknown values (possible only before apply) read
// as "", which passes every check that applies to a value.
func tagsOf(m types.Map) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			out[k] = s.ValueString()
		} else {
			out[k] = ""
		}
	}
	return out
}

// tagsValue is the user's tags read back; no tags reads as null when the configuration has
// none, and as an empty map when it says `tags = {}`.
func tagsValue(tags map[string]string, prior types.Map) types.Map {
	if len(tags) == 0 && (prior.IsNull() || len(prior.Elements()) == 0) {
		if prior.IsNull() {
			return types.MapNull(types.StringType)
		}
		return prior
	}
	elems := make(map[string]attr.Value, len(tags))
	for k, v := range tags {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// Resource identity (Terraform >= 1.12, OpenTofu >= 1.12): an entry is identified by its scope
// and its name (or key), the same pair as the `{scope}/{name}` import id. CLIs without identity
// support simply ignore it.

func entryIdentitySchema(nameAttr, nameDescription string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"organization_id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The scope: `global` or the organization UUID, lower-case.",
			},
			nameAttr: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       nameDescription,
			},
		},
	}
}

// setEntryIdentity records the identity of an entry. An adopted Key Vault secret that has no
// Bifrost name yet gets empty attributes until its first apply names it (the identity is
// declared mutable for that reason).
func setEntryIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, nameAttr string, scope string, name string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	var diags diag.Diagnostics
	diags.Append(identity.SetAttribute(ctx, path.Root("organization_id"), scope)...)
	diags.Append(identity.SetAttribute(ctx, path.Root(nameAttr), name)...)
	return diags
}
