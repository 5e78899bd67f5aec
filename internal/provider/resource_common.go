package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// What the resources share: the scope attribute, plan-time checks, private state for
// write-only drift and imports, and conversions between Key Vault's and Terraform's types.

// organizationIDAttribute is the scope attribute of both resources.
func organizationIDAttribute(kind string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: fmt.Sprintf("Scope of the %s: an organization UUID (any case; Key Vault names use it lower-case) or "+
			"`global`. Defaults to the provider's `organization_id`; one of the two must be set. Changing the scope replaces the %s.", kind, kind),
		Validators: []validator.String{scopeValidator},
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

var valueSizeValidator = domainValidator{
	summary:     "Value too large",
	description: fmt.Sprintf("at most %d bytes", bifrost.MaxValueBytes),
	check: func(v string) error {
		// The message gives sizes only: the value itself must never appear in a diagnostic.
		if len(v) > bifrost.MaxValueBytes {
			return fmt.Errorf("the value is %d bytes long; Key Vault stores at most %d bytes (25 KB) per secret. Store large files elsewhere and keep a reference here", len(v), bifrost.MaxValueBytes)
		}
		return nil
	},
}

var contentTypeValidator = domainValidator{
	summary:     "Invalid content_type",
	description: fmt.Sprintf("at most %d characters", bifrost.MaxContentTypeLength),
	check:       bifrost.ValidateContentType,
}

var descriptionValidator = domainValidator{
	summary:     "Invalid description",
	description: fmt.Sprintf("at most %d characters (it is kept in a Key Vault tag)", bifrost.MaxTagValueLength),
	check:       bifrost.ValidateDescription,
}

var rfc3339Validator = domainValidator{
	summary:     "Invalid time",
	description: "an RFC 3339 time such as 2030-01-31T00:00:00Z",
	check: func(s string) error {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("%q is not an RFC 3339 time; write it like 2030-01-31T00:00:00Z", s)
		}
		return nil
	},
}

// validateTagBudget checks the user's tags against the reserved prefix and Key Vault's limit of
// 15 tags, counting the reserved tags the entry will carry.
func validateTagBudget(ctx context.Context, tags types.Map, kind bifrost.Kind, description types.String, diags *diag.Diagnostics) {
	if tags.IsNull() || tags.IsUnknown() || description.IsUnknown() {
		return
	}
	m, d := tagsFrom(ctx, tags)
	diags.Append(d...)
	if d.HasError() || m == nil {
		return
	}
	if err := bifrost.ValidateUserTags(m, bifrost.ReservedTagCount(kind, description.ValueString() != "")); err != nil {
		diags.AddAttributeError(path.Root("tags"), "Invalid tags", err.Error())
	}
}

// entryPlan is what planEntry reads from and writes into a resource's plan.
type entryPlan struct {
	orgID, id, kvName, version, createdAt *types.String
	name                                  types.String
	priorOrgID                            types.String
	priorKVName                           types.String
	priorVersion, priorCreatedAt          types.String
	valueChanged                          bool
}

// planEntry fills the plan of a secret or config: the scope (its own or the provider's),
// replacement when the scope changes, and the id and Key Vault name, known before apply.
// It returns false when the plan must not be set (an error was added).
func (c *providerClient) planEntry(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, kind bifrost.Kind, e entryPlan) bool {
	var cfgOrg types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("organization_id"), &cfgOrg)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	if cfgOrg.IsUnknown() {
		return true
	}
	scope, diags := c.resolveScope(cfgOrg, path.Root("organization_id"))
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return false
	}
	if cfgOrg.IsNull() {
		*e.orgID = types.StringValue(string(scope))
	}
	creating := req.State.Raw.IsNull()
	if !creating && !e.priorOrgID.IsNull() {
		if prior, err := bifrost.ParseScope(e.priorOrgID.ValueString()); err == nil && prior != scope {
			resp.RequiresReplace.Append(path.Root("organization_id"))
		}
	}
	if e.name.IsUnknown() {
		return true
	}
	*e.id = types.StringValue(bifrost.SecretID{Scope: scope, Name: e.name.ValueString()}.String())
	if creating {
		*e.kvName = types.StringValue(bifrost.KeyVaultName(scope, kind, e.name.ValueString()))
		return true
	}
	if !e.valueChanged && !e.priorVersion.IsNull() {
		// A metadata PATCH keeps the version (and its creation time); only a new value makes one.
		*e.version = e.priorVersion
		*e.createdAt = e.priorCreatedAt
	}
	return true
}

// privateState is the part of the framework's private state the resources use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

const (
	// privateWrittenVersion keeps the Key Vault version this provider last wrote for a
	// write-only value, the only way to see that someone else wrote since.
	privateWrittenVersion = "written_version"
	// privateImportKey marks state just imported, so Read fills the value once.
	privateImportKey = "imported"
)

func rememberWrittenVersion(ctx context.Context, p privateState, woVersion types.Int64, version string) diag.Diagnostics {
	if woVersion.IsNull() {
		return p.SetKey(ctx, privateWrittenVersion, nil)
	}
	b, _ := json.Marshal(version)
	return p.SetKey(ctx, privateWrittenVersion, b)
}

func writtenVersion(ctx context.Context, p privateState, diags *diag.Diagnostics) string {
	b, d := p.GetKey(ctx, privateWrittenVersion)
	diags.Append(d...)
	var v string
	if len(b) > 0 {
		_ = json.Unmarshal(b, &v)
	}
	return v
}

func readImportMark(ctx context.Context, p privateState, diags *diag.Diagnostics) bool {
	b, d := p.GetKey(ctx, privateImportKey)
	diags.Append(d...)
	return len(b) > 0
}

// importEntry sets the state an import starts from. `{scope}/{name}` names a Bifrost entry; for
// bifrost_secret, an https URL adopts any Key Vault secret, which keeps its physical name.
// An import block may give the identity instead of an id.
func importEntry(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, kind bifrost.Kind, nameAttr string) {
	importID := req.ID
	if importID == "" && req.Identity != nil {
		var diags diag.Diagnostics
		importID, diags = importIDFromIdentity(ctx, req.Identity, nameAttr)
		resp.Diagnostics.Append(diags...)
	}
	if strings.HasPrefix(importID, "https://") && kind == bifrost.KindSecret {
		kvName, err := adoptionTarget(importID)
		if err != nil {
			resp.Diagnostics.AddError("Invalid import id", err.Error()+". Import a Bifrost entry by `{scope}/{name}`, or adopt a Key Vault secret by its URL.")
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importID)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_vault_secret_name"), kvName)...)
	} else {
		id, err := bifrost.ParseSecretID(importID)
		if err == nil {
			err = bifrost.ValidateName(kind, id.Name)
		}
		if err != nil {
			example := "global/smtp-password"
			if kind == bifrost.KindConfig {
				example = "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a/stripe_api_key"
			}
			resp.Diagnostics.AddError("Invalid import id",
				fmt.Sprintf("%s. The import id is `{scope}/{%s}`, e.g. %q.", err, nameAttr, example))
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("organization_id"), string(id.Scope))...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(nameAttr), id.Name)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_vault_secret_name"), bifrost.KeyVaultName(id.Scope, kind, id.Name))...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportKey, []byte("true"))...)
}

// maskValue makes every later log line of ctx hide v, wherever a library might print it.
func maskValue(ctx context.Context, v string) context.Context {
	if v == "" {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, v)
	return tflog.MaskMessageStrings(ctx, v)
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// keepScopeSpelling keeps the organization_id as the user wrote it when it names the same scope.
func keepScopeSpelling(prior types.String, scope bifrost.Scope) types.String {
	if p, err := bifrost.ParseScope(prior.ValueString()); err == nil && p == scope {
		return prior
	}
	return types.StringValue(string(scope))
}

// keepTimeSpelling keeps a time as the user wrote it when Key Vault holds the same instant
// (Key Vault keeps whole seconds in UTC).
func keepTimeSpelling(prior types.String, t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	if p, err := time.Parse(time.RFC3339, prior.ValueString()); err == nil && p.Unix() == t.Unix() {
		return prior
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func timeFrom(v types.String, attr path.Path) (*time.Time, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return nil, diags
	}
	t, err := time.Parse(time.RFC3339, v.ValueString())
	if err != nil {
		diags.AddAttributeError(attr, "Invalid time", err.Error())
		return nil, diags
	}
	return &t, diags
}

func timeString(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func tagsFrom(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	if m.IsNull() || m.IsUnknown() {
		return nil, nil
	}
	out := map[string]string{}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
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
	v, _ := types.MapValueFrom(context.Background(), types.StringType, tags)
	return v
}
