package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

var (
	_ resource.ResourceWithConfigure      = (*configResource)(nil)
	_ resource.ResourceWithImportState    = (*configResource)(nil)
	_ resource.ResourceWithIdentity       = (*configResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*configResource)(nil)
	_ resource.ResourceWithValidateConfig = (*configResource)(nil)
)

// NewConfigResource is the bifrost_config resource: one key of an organization's configuration,
// of any of the six Bifrost config types.
func NewConfigResource() resource.Resource { return &configResource{} }

type configResource struct{ client *providerClient }

type configResourceModel struct {
	ID                 types.String   `tfsdk:"id"`
	OrganizationID     types.String   `tfsdk:"organization_id"`
	Key                types.String   `tfsdk:"key"`
	Type               types.String   `tfsdk:"type"`
	Value              types.String   `tfsdk:"value"`
	ValueWO            types.String   `tfsdk:"value_wo"`
	ValueWOVersion     types.Int64    `tfsdk:"value_wo_version"`
	SecretID           types.String   `tfsdk:"secret_id"`
	Description        types.String   `tfsdk:"description"`
	Version            types.String   `tfsdk:"version"`
	KeyVaultSecretName types.String   `tfsdk:"key_vault_secret_name"`
	KeyVaultSecretID   types.String   `tfsdk:"key_vault_secret_id"`
	CreatedAt          types.String   `tfsdk:"created_at"`
	UpdatedAt          types.String   `tfsdk:"updated_at"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *configResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_config"
	// An adopted Key Vault secret gets its Bifrost name, and so its identity, on its first apply.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *configResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = entryIdentitySchema("key", "The config key.")
}

func configTypeNames() []string {
	var out []string
	for _, t := range bifrost.ConfigTypes() {
		out = append(out, string(t))
	}
	return out
}

func (r *configResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Bifrost config: one key of an organization's (or the `global`) configuration, as a workflow reads it " +
			"with `config.get(key)`. Configs of type `secret` hold their own secret; `secret_reference` configs point at a " +
			"`bifrost_secret` by `secret_id`, so many configs share one secret and one rotation; `string`, `int`, `bool` and " +
			"`json` hold plain values.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`{scope}/{key}`, also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"organization_id": organizationIDAttribute("config"),
			"key": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Config key, case-sensitive, matching `^[A-Za-z0-9_]{1,100}$`. Changing it replaces the config.",
				Validators:          []validator.String{configKeyValidator},
				PlanModifiers:       []planmodifier.String{requiresReplaceOnceKnown()},
			},
			"type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "One of `secret`, `secret_reference`, `string`, `int`, `bool`, `json`. `secret_reference` takes " +
					"`secret_id`; every other type takes `value` or `value_wo`.",
				Validators: []validator.String{stringvalidator.OneOf(configTypeNames()...)},
			},
			"value": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The value: any text for `string` and `secret`, a decimal integer for `int`, `true` or `false` for " +
					"`bool`, a JSON document for `json`. Kept in state (marked sensitive); use `value_wo` to keep a secret out of state.",
				Validators: []validator.String{valueSizeValidator},
			},
			"value_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "Write-only value: sent to Key Vault, never stored in plan or state (Terraform >= 1.11, OpenTofu >= 1.11). " +
					"Requires `value_wo_version`; change that number to write a new value.",
				Validators: []validator.String{valueSizeValidator, stringvalidator.AlsoRequires(path.MatchRoot("value_wo_version"))},
			},
			"value_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number that changes whenever `value_wo` should be written again.",
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("value_wo"))},
			},
			"secret_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "For `secret_reference`: the `id` of the secret, `{scope}/{name}`, e.g. `bifrost_secret.stripe.id`. " +
					"The secret must be in the config's own scope or in `global`; it must exist when the config is applied.",
				Validators: []validator.String{secretIDValidator},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "What the config is for; kept in the `bifrost-description` tag (at most 256 characters).",
				Validators:          []validator.String{descriptionValidator},
			},
			"version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Key Vault version the provider last wrote or read.",
			},
			"key_vault_secret_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Key Vault secret name, `bifrost-{scope}-config-{slug}-{digest}`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_vault_secret_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Versionless Key Vault URL of the config's secret.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "RFC 3339 time Key Vault created the current version.",
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "RFC 3339 time of the last change in Key Vault.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// ValidateConfig checks the type-specific attributes at plan time: which of value, value_wo
// and secret_id the type takes, and that a known value has the type's shape.
func (r *configResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg configResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Type.IsUnknown() || cfg.Type.IsNull() {
		return
	}
	t, err := bifrost.ParseConfigType(cfg.Type.ValueString())
	if err != nil {
		return // the OneOf validator on type has said so
	}
	if t == bifrost.TypeSecretReference {
		for _, a := range []struct {
			name string
			set  bool
		}{{"value", !cfg.Value.IsNull()}, {"value_wo", !cfg.ValueWO.IsNull()}, {"value_wo_version", !cfg.ValueWOVersion.IsNull()}} {
			if a.set {
				resp.Diagnostics.AddAttributeError(path.Root(a.name), "Attribute not allowed for secret_reference",
					fmt.Sprintf("A secret_reference config takes its value from the secret named by secret_id; remove %s, or use type = \"secret\" to give the config its own value.", a.name))
			}
		}
		if cfg.SecretID.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("secret_id"), "Missing secret_id",
				"A secret_reference config needs secret_id, the id of a bifrost_secret (e.g. secret_id = bifrost_secret.stripe.id).")
		}
		return
	}
	if !cfg.SecretID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("secret_id"), "Attribute only for secret_reference",
			fmt.Sprintf("secret_id is only used by configs of type secret_reference; this config is of type %q. Remove secret_id, or set type = \"secret_reference\".", t))
	}
	if cfg.Value.IsNull() && cfg.ValueWO.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("value"), "Missing value",
			fmt.Sprintf("A config of type %q needs value or value_wo.", t))
		return
	}
	if !cfg.Value.IsNull() && !cfg.ValueWO.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("value_wo"), "Conflicting values",
			"Set either value or value_wo (write-only), not both.")
		return
	}
	for _, v := range []struct {
		name  string
		value types.String
	}{{"value", cfg.Value}, {"value_wo", cfg.ValueWO}} {
		if v.value.IsNull() || v.value.IsUnknown() {
			continue
		}
		// EncodeConfigValue never repeats the value in its message, so it may be shown as is.
		if _, err := bifrost.EncodeConfigValue(t, v.value.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(v.name), fmt.Sprintf("Invalid %s value", t), err.Error())
		}
	}
}

func (r *configResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan settles the scope and names like bifrost_secret, and refuses a reference to
// another organization's secret before anything is written.
func (r *configResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	var plan, state configResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	e := entryPlan{
		orgID: &plan.OrganizationID, id: &plan.ID, kvName: &plan.KeyVaultSecretName, version: &plan.Version, createdAt: &plan.CreatedAt,
		name: plan.Key, priorOrgID: state.OrganizationID, priorKVName: state.KeyVaultSecretName, priorVersion: state.Version, priorCreatedAt: state.CreatedAt,
		valueChanged: !plan.Value.Equal(state.Value) || !plan.ValueWOVersion.Equal(state.ValueWOVersion) ||
			!plan.SecretID.Equal(state.SecretID) || !plan.Type.Equal(state.Type),
	}
	if !r.client.planEntry(ctx, req, resp, bifrost.KindConfig, e) {
		return
	}
	if !plan.SecretID.IsNull() && !plan.SecretID.IsUnknown() && !plan.OrganizationID.IsUnknown() {
		scope, _ := bifrost.ParseScope(plan.OrganizationID.ValueString())
		if ref, err := bifrost.ParseSecretID(plan.SecretID.ValueString()); err == nil {
			if err := bifrost.CheckReference(scope, ref); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("secret_id"), "Secret reference crosses organizations", err.Error())
				return
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *configResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan configResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var valueWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &valueWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	entry, ok := r.entryFrom(ctx, plan, valueWO, true, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx = maskValue(ctx, entry.Value)
	tflog.Debug(ctx, "creating config", map[string]any{"scope": string(entry.Scope), "key": entry.Name, "type": string(entry.Type)})
	created, err := r.client.store.Create(ctx, entry)
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("creating the config", err))
		return
	}
	setConfigComputed(&plan, created)
	resp.Diagnostics.Append(rememberWrittenVersion(ctx, resp.Private, plan.ValueWOVersion, created.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "key", bifrost.Scope(strings.ToLower(plan.OrganizationID.ValueString())), plan.Key.ValueString())...)
}

func (r *configResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state configResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	kvName := state.KeyVaultSecretName.ValueString()
	got, err := r.client.store.GetByKeyVaultName(ctx, kvName)
	disabled := errors.Is(err, bifrost.ErrDisabled)
	if disabled {
		// Configs are always written enabled; one disabled out of band hides its value, so
		// read the metadata and plan to write the declared value (enabled) again.
		got, err = r.client.store.GetMetadataByKeyVaultName(ctx, kvName)
	}
	switch {
	case errors.Is(err, bifrost.ErrNotFound):
		tflog.Warn(ctx, "config not found in Key Vault; removing it from state", map[string]any{"key_vault_secret_name": kvName})
		resp.State.RemoveResource(ctx)
		// The framework wants an identity even for an object that is gone (an import of a
		// missing entry must fail with the CLI's own "non-existent" message).
		resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "key", bifrost.Scope(strings.ToLower(state.OrganizationID.ValueString())), state.Key.ValueString())...)
		return
	case err != nil:
		resp.Diagnostics.Append(r.client.storeDiagnostic("reading the config", err))
		return
	}
	ctx = maskValue(ctx, got.Value)
	importing := readImportMark(ctx, req.Private, &resp.Diagnostics)

	if got.Managed {
		state.OrganizationID = keepScopeSpelling(state.OrganizationID, got.Scope)
		state.Key = types.StringValue(got.Name)
		state.Type = types.StringValue(string(got.Type))
		state.Description = optionalString(got.Description)
	}
	switch {
	case disabled:
		tflog.Warn(ctx, "config is disabled in Key Vault; planning to write it again, enabled")
		state.SecretID, state.Value, state.ValueWOVersion = types.StringNull(), types.StringNull(), types.Int64Null()
	case got.Type == bifrost.TypeSecretReference:
		state.SecretID = keepSecretIDSpelling(state.SecretID, got.Value)
		state.Value = types.StringNull()
	default:
		state.SecretID = types.StringNull()
		if !state.Value.IsNull() || (importing && state.ValueWOVersion.IsNull()) {
			state.Value = types.StringValue(got.Value)
		}
	}
	if !state.ValueWOVersion.IsNull() {
		if written := writtenVersion(ctx, req.Private, &resp.Diagnostics); written != "" && written != got.Version {
			tflog.Info(ctx, "config changed outside Terraform; planning to write the declared write-only value again")
			state.ValueWOVersion = types.Int64Null()
		}
	}
	setConfigComputed(&state, got)
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportKey, nil)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "key", bifrost.Scope(strings.ToLower(state.OrganizationID.ValueString())), state.Key.ValueString())...)
}

func (r *configResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state configResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	var valueWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &valueWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	newValue := !plan.Value.Equal(state.Value) || !plan.ValueWOVersion.Equal(state.ValueWOVersion) ||
		!plan.SecretID.Equal(state.SecretID) || !plan.Type.Equal(state.Type)
	entry, ok := r.entryFrom(ctx, plan, valueWO, newValue, &resp.Diagnostics)
	if !ok {
		return
	}
	entry.KeyVaultName = state.KeyVaultSecretName.ValueString()
	ctx = maskValue(ctx, entry.Value)

	var updated *bifrost.Entry
	var err error
	if newValue {
		tflog.Debug(ctx, "writing a new config version", map[string]any{"scope": string(entry.Scope), "key": entry.Name})
		updated, err = r.client.store.Rotate(ctx, entry)
	} else {
		tflog.Debug(ctx, "updating config metadata", map[string]any{"scope": string(entry.Scope), "key": entry.Name})
		updated, err = r.client.store.UpdateMetadata(ctx, entry)
	}
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("updating the config", err))
		return
	}
	setConfigComputed(&plan, updated)
	resp.Diagnostics.Append(rememberWrittenVersion(ctx, resp.Private, plan.ValueWOVersion, updated.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "key", bifrost.Scope(strings.ToLower(plan.OrganizationID.ValueString())), plan.Key.ValueString())...)
}

func (r *configResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state configResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	scope, _ := bifrost.ParseScope(state.OrganizationID.ValueString())
	err := r.client.store.Delete(ctx, bifrost.Entry{
		Scope: scope, Kind: bifrost.KindConfig, Name: state.Key.ValueString(),
		KeyVaultName: state.KeyVaultSecretName.ValueString(),
	})
	if err != nil && !errors.Is(err, bifrost.ErrNotFound) {
		resp.Diagnostics.Append(r.client.storeDiagnostic("deleting the config", err))
	}
}

// ImportState takes `{scope}/{key}`.
func (r *configResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEntry(ctx, req, resp, bifrost.KindConfig, "key")
}

// entryFrom builds the domain entry the plan describes. A secret_reference stores the
// secret's id, and when it is written (checkReference) the secret must exist: a dangling
// reference is refused here, at apply. A metadata-only update skips that request.
func (r *configResource) entryFrom(ctx context.Context, plan configResourceModel, valueWO types.String, checkReference bool, diags *diag.Diagnostics) (bifrost.Entry, bool) {
	scope, d := r.client.resolveScope(plan.OrganizationID, path.Root("organization_id"))
	diags.Append(d...)
	t, err := bifrost.ParseConfigType(plan.Type.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("type"), "Invalid config type", err.Error())
	}
	if diags.HasError() {
		return bifrost.Entry{}, false
	}
	value := plan.Value.ValueString()
	if !valueWO.IsNull() {
		value = valueWO.ValueString()
	}
	if t == bifrost.TypeSecretReference {
		ref, err := bifrost.ParseSecretID(plan.SecretID.ValueString())
		if err == nil {
			err = bifrost.CheckReference(scope, ref)
		}
		if err != nil {
			diags.AddAttributeError(path.Root("secret_id"), "Invalid secret reference", err.Error())
			return bifrost.Entry{}, false
		}
		if checkReference {
			if _, err := r.client.store.GetMetadata(ctx, ref.Scope, bifrost.KindSecret, ref.Name); err != nil {
				if errors.Is(err, bifrost.ErrNotFound) {
					diags.AddAttributeError(path.Root("secret_id"), "Secret reference points at a missing secret",
						fmt.Sprintf("The secret %q that config %q references does not exist. Create it first (a bifrost_secret with "+
							"organization_id = %q and name = %q, and secret_id = bifrost_secret.<name>.id so Terraform orders them), or fix secret_id.",
							ref.String(), plan.Key.ValueString(), string(ref.Scope), ref.Name))
				} else {
					diags.Append(r.client.storeDiagnostic("checking the referenced secret", err))
				}
				return bifrost.Entry{}, false
			}
		}
		value = ref.String()
	}
	return bifrost.Entry{
		Scope:       scope,
		Kind:        bifrost.KindConfig,
		Name:        plan.Key.ValueString(),
		Type:        t,
		Value:       value,
		Description: plan.Description.ValueString(),
		Enabled:     true,
	}, true
}

func setConfigComputed(m *configResourceModel, e *bifrost.Entry) {
	m.ID = types.StringValue(bifrost.SecretID{Scope: e.Scope, Name: e.Name}.String())
	m.Version = types.StringValue(e.Version)
	m.KeyVaultSecretName = types.StringValue(e.KeyVaultName)
	m.KeyVaultSecretID = types.StringValue(e.ID)
	m.CreatedAt = timeString(e.CreatedAt)
	m.UpdatedAt = timeString(e.UpdatedAt)
}

// keepSecretIDSpelling keeps secret_id as the user wrote it (an organization UUID in any case)
// when it names the secret Key Vault stores, in canonical form, for this reference.
func keepSecretIDSpelling(prior types.String, stored string) types.String {
	if p, err := bifrost.ParseSecretID(prior.ValueString()); err == nil && p.String() == stored {
		return prior
	}
	return types.StringValue(stored)
}
