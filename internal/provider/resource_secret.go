package provider

import (
	"context"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

var _ entryResourceInterfaces = (*secretResource)(nil)

// NewSecretResource is the bifrost_secret resource: a named, organization-scoped secret that
// configs can share through secret_reference.
func NewSecretResource() resource.Resource {
	return &secretResource{entryResource[secretResourceModel, *secretResourceModel]{
		entryKind: entryKind{kind: bifrost.KindSecret, nameAttr: "name", adoptable: true},
	}}
}

type secretResource struct {
	entryResource[secretResourceModel, *secretResourceModel]
}

type secretResourceModel struct {
	entryModel
	Name        types.String `tfsdk:"name"`
	ContentType types.String `tfsdk:"content_type"`
	Enabled     types.Bool   `tfsdk:"enabled"`
	Tags        types.Map    `tfsdk:"tags"`
	// CopyFrom names the Key Vault secret the value is copied from (see copiedValue).
	CopyFrom types.String `tfsdk:"value_from_key_vault_secret"`
}

func (r *secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
	// An adopted Key Vault secret gets its Bifrost name, and so its identity, on its first apply.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *secretResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := entryAttributes(ctx, bifrost.KindSecret,
		"The secret value (at most 25 KB). It is kept in state; use `value_wo` to keep it out. Exactly one of `value`, `value_wo`, "+
			"`value_from_key_vault_secret` and `initial_value_wo` is required.")
	// An adopted secret keeps the name it had (see import.go).
	kvName := attrs["key_vault_secret_name"].(schema.StringAttribute) //nolint:forcetypeassert // entryAttributes builds it
	kvName.MarkdownDescription = "The Key Vault secret name: `bifrost-{scope}-secret-{slug}-{digest}` (see the " +
		"[Key Vault layout](../guides/key-vault-layout.md) guide), or, for a secret adopted by its URL, its original name."
	attrs["key_vault_secret_name"] = kvName
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "`{scope}/{name}`: the value `secret_id` of a `bifrost_config` takes, and the import id.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["name"] = nameAttribute("Secret name, case-sensitive, matching `^[A-Za-z0-9_-]{1,100}$`. Changing it replaces the secret.", secretNameValidator)
	attrs["content_type"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Key Vault content type, a hint for readers such as `text/plain` or `application/x-pem-file` (at most 255 bytes).",
		Validators:          []validator.String{contentTypeValidator},
	}
	attrs["enabled"] = schema.BoolAttribute{
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(true),
		MarkdownDescription: "Whether Key Vault returns the value. A disabled secret makes every config that references it fail to resolve. Default `true`.",
	}
	attrs["value_from_key_vault_secret"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Copy the value from another Key Vault secret of the provider's vault, such as a legacy `{org}--{key}` " +
			"secret: its name, or its URL (`https://my-vault.vault.azure.net/secrets/NAME`). The provider reads the source's latest " +
			"version and writes it to this secret, so the value is never in the configuration, the plan or the state; the source is " +
			"left untouched (delete it yourself once nothing reads it). Like `value_wo`, a change made to this secret outside " +
			"Terraform plans a new copy, and so does changing this attribute; switch to `value_wo` and `value_wo_version` for the " +
			"next rotation. The source must exist, be enabled and not be a Bifrost entry already (import that one instead). " +
			"See the [migration](../guides/migration.md) guide.",
		Validators: []validator.String{stringvalidator.RegexMatches(copySourcePattern,
			"must be a Key Vault secret name (1 to 127 letters, digits and dashes) or the https URL of a secret in the provider's vault")},
	}
	attrs["tags"] = schema.MapAttribute{
		ElementType: types.StringType,
		Optional:    true,
		MarkdownDescription: "Your own Key Vault tags. Keys starting with `bifrost-` are reserved; together with the provider's " +
			"reserved tags (four, five with a description) there may be at most 15. Keys of 1 to 512 bytes, values of at most 256 bytes.",
		Validators: []validator.Map{tagsValidator{}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Bifrost secret: a named value in an organization's scope (or `global`), stored in Azure Key Vault " +
			"under the layout contract v1. Configs of type `secret_reference` point at it by `id`, so rotating it once " +
			"rotates every config that references it.\n\n" +
			"Changing the value is an in-place update that writes a new Key Vault version; changing metadata is a PATCH. " +
			"Create never overwrites an entry it does not own, and destroy soft-deletes (see `purge_on_destroy`).",
		Attributes: attrs,
	}
}

// ModifyPlan adds to the core's plan the check a copy source's URL allows before apply: it
// must name a secret of the provider's vault.
func (r *secretResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.entryResource.ModifyPlan(ctx, req, resp)
	if req.Plan.Raw.IsNull() || r.client == nil || resp.Diagnostics.HasError() {
		return
	}
	var src types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("value_from_key_vault_secret"), &src)...)
	if !src.IsNull() && !src.IsUnknown() {
		copySourceName(src.ValueString(), r.client, &resp.Diagnostics)
	}
}

// validateConfig checks what needs more than one attribute: exactly one source of the value,
// the tag budget (which depends on whether a description takes a reserved tag), and the dates
// (see entryModel.validateShared).
func (cfg *secretResourceModel) validateConfig(diags *diag.Diagnostics) {
	checkValueSources([]namedValue{{"value", cfg.Value}, {"value_wo", cfg.ValueWO}, {"value_from_key_vault_secret", cfg.CopyFrom},
		{"initial_value_wo", cfg.InitialValueWO}}, true, diags)
	validateTagCount(cfg.Tags, bifrost.KindSecret, cfg.Description, diags)
	cfg.validateShared(diags)
}

func (m *secretResourceModel) shared() *entryModel     { return &m.entryModel }
func (m *secretResourceModel) entryName() types.String { return m.Name }

func (m *secretResourceModel) toEntry(e *bifrost.Entry, _ *diag.Diagnostics) {
	e.ContentType = m.ContentType.ValueString()
	e.Enabled = m.Enabled.ValueBool()
	e.Tags = tagsOf(m.Tags)
}

func (m *secretResourceModel) fromEntry(e *bifrost.Entry, importing bool, _ *diag.Diagnostics) {
	// Key Vault hides a disabled secret's value: keep the value last known, so only what can
	// be seen is compared.
	if (!m.Value.IsNull() || importing) && e.Enabled {
		m.Value = types.StringValue(e.Value)
	}
	m.ContentType = optionalString(e.ContentType)
	m.Enabled = types.BoolValue(e.Enabled)
	m.Tags = tagsValue(e.Tags, m.Tags)
}

// writesValue: a new value, or a copy from another source (or again after drift, which
// clears the source in state), is a new version.
func (m *secretResourceModel) writesValue(prior entryResourceModel) bool {
	p, ok := prior.(*secretResourceModel)
	if !ok {
		return true // never happens: the core compares two models of one resource
	}
	return m.valueChanged(prior.shared()) || !m.CopyFrom.Equal(p.CopyFrom)
}

func (m *secretResourceModel) checkPlan(bifrost.Scope, *diag.Diagnostics) {}

// rewritesEntry: a secret's version carries nothing of its own beyond its value and metadata.
func (m *secretResourceModel) rewritesEntry(entryResourceModel) bool { return false }

func (m *secretResourceModel) copySource() *types.String { return &m.CopyFrom }

// copySourcePattern is what value_from_key_vault_secret accepts: a Key Vault secret name, or
// a URL that copiedValue checks against the provider's vault.
var copySourcePattern = regexp.MustCompile(`^(https://\S+|[0-9A-Za-z-]{1,127})$`)

// copiedValue is the value a write sends: the latest value of the Key Vault secret src names
// when it is set, else planned (from value or value_wo). The copied value goes from the read
// straight into the write: never into the plan, the state or a log line.
func copiedValue(ctx context.Context, c *providerClient, store *bifrost.Store, src *types.String, planned string, diags *diag.Diagnostics) (string, bool) {
	if src == nil || src.IsNull() || src.IsUnknown() {
		return planned, true
	}
	kvName, ok := copySourceName(src.ValueString(), c, diags)
	if !ok {
		return "", false
	}
	value, err := store.ReadCopySource(ctx, kvName)
	if err != nil {
		diags.Append(c.storeDiagnostic("copying the value of value_from_key_vault_secret", err))
		return "", false
	}
	return value, true
}

// copySourceName is the Key Vault secret name value_from_key_vault_secret gives: the name
// itself, or the name in a secret URL of the provider's vault (another vault's is refused).
func copySourceName(source string, c *providerClient, diags *diag.Diagnostics) (string, bool) {
	if !strings.HasPrefix(source, "https://") {
		return source, true
	}
	name, err := adoptionTarget(source, c)
	if err != nil {
		diags.AddAttributeError(path.Root("value_from_key_vault_secret"), "Invalid value_from_key_vault_secret",
			"Cannot copy the value: "+err.Error()+".")
		return "", false
	}
	return name, true
}

// valueOutOfState reports whether m's value is kept out of state (write-only or copied), so
// drift shows only through the version the provider wrote last.
func valueOutOfState(m entryResourceModel) bool {
	src := m.copySource()
	return !m.shared().ValueWOVersion.IsNull() || (src != nil && !src.IsNull())
}

// validateTagCount checks that the user's tags and the reserved ones fit in Key Vault's
// limit; it counts what is known (a map's keys are known whenever the map is).
func validateTagCount(tags types.Map, kind bifrost.Kind, description types.String, diags *diag.Diagnostics) {
	if tags.IsNull() || tags.IsUnknown() || description.IsUnknown() {
		return
	}
	if err := bifrost.ValidateTagCount(len(tags.Elements()), bifrost.ReservedTagCount(kind, description.ValueString() != "")); err != nil {
		diags.AddAttributeError(path.Root("tags"), "Invalid tags", err.Error())
	}
}
