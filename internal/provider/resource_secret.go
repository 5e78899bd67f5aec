package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
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
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

var (
	_ resource.ResourceWithConfigure        = (*secretResource)(nil)
	_ resource.ResourceWithImportState      = (*secretResource)(nil)
	_ resource.ResourceWithIdentity         = (*secretResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*secretResource)(nil)
	_ resource.ResourceWithConfigValidators = (*secretResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*secretResource)(nil)
)

// NewSecretResource is the bifrost_secret resource: a named, organization-scoped secret that
// configs can share through secret_reference.
func NewSecretResource() resource.Resource { return &secretResource{} }

type secretResource struct{ client *providerClient }

type secretResourceModel struct {
	ID                 types.String   `tfsdk:"id"`
	OrganizationID     types.String   `tfsdk:"organization_id"`
	Name               types.String   `tfsdk:"name"`
	Value              types.String   `tfsdk:"value"`
	ValueWO            types.String   `tfsdk:"value_wo"`
	ValueWOVersion     types.Int64    `tfsdk:"value_wo_version"`
	ContentType        types.String   `tfsdk:"content_type"`
	Description        types.String   `tfsdk:"description"`
	Enabled            types.Bool     `tfsdk:"enabled"`
	NotBefore          types.String   `tfsdk:"not_before"`
	ExpiresAt          types.String   `tfsdk:"expires_at"`
	Tags               types.Map      `tfsdk:"tags"`
	Version            types.String   `tfsdk:"version"`
	KeyVaultSecretName types.String   `tfsdk:"key_vault_secret_name"`
	KeyVaultSecretID   types.String   `tfsdk:"key_vault_secret_id"`
	CreatedAt          types.String   `tfsdk:"created_at"`
	UpdatedAt          types.String   `tfsdk:"updated_at"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
	// An adopted Key Vault secret gets its Bifrost name, and so its identity, on its first apply.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *secretResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = entryIdentitySchema("name", "The secret name.")
}

func (r *secretResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Bifrost secret: a named value in an organization's scope (or `global`), stored in Azure Key Vault " +
			"under the layout contract v1. Configs of type `secret_reference` point at it by `id`, so rotating it once " +
			"rotates every config that references it.\n\n" +
			"Changing the value is an in-place update that writes a new Key Vault version; changing metadata is a PATCH. " +
			"Create never overwrites an entry it does not own, and destroy soft-deletes (see `purge_on_destroy`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`{scope}/{name}`: the value `secret_id` of a `bifrost_config` takes, and the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"organization_id": organizationIDAttribute("secret"),
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Secret name, case-sensitive, matching `^[A-Za-z0-9_-]{1,100}$`. Changing it replaces the secret.",
				Validators:          []validator.String{secretNameValidator},
				PlanModifiers:       []planmodifier.String{requiresReplaceOnceKnown()},
			},
			"value": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The secret value (at most 25 KB). It is kept in state; use `value_wo` to keep it out. Exactly one of `value` and `value_wo` is required.",
				Validators:          []validator.String{valueSizeValidator},
			},
			"value_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "Write-only secret value: sent to Key Vault, never stored in plan or state (Terraform >= 1.11, OpenTofu >= 1.11). " +
					"Requires `value_wo_version`; change that number to write a new value.",
				Validators: []validator.String{valueSizeValidator, stringvalidator.AlsoRequires(path.MatchRoot("value_wo_version"))},
			},
			"value_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number that changes whenever `value_wo` should be written again (rotation).",
				Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("value_wo"))},
			},
			"content_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Key Vault content type, a hint for readers such as `text/plain` or `application/x-pem-file` (at most 255 characters).",
				Validators:          []validator.String{contentTypeValidator},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "What the secret is for; kept in the `bifrost-description` tag (at most 256 characters).",
				Validators:          []validator.String{descriptionValidator},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Whether Key Vault returns the value. A disabled secret makes every config that references it fail to resolve. Default `true`.",
			},
			"not_before": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "RFC 3339 time before which Key Vault refuses to return the value.",
				Validators:          []validator.String{rfc3339Validator},
			},
			"expires_at": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "RFC 3339 time after which Key Vault refuses to return the value.",
				Validators:          []validator.String{rfc3339Validator},
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Your own Key Vault tags. Keys starting with `bifrost-` are reserved; together with the provider's " +
					"reserved tags there may be at most 15.",
				Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 512)), mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(256))},
			},
			"version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Key Vault version the provider last wrote or read (32 hex characters); changes on every rotation.",
			},
			"key_vault_secret_name": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The Key Vault secret name: `bifrost-{scope}-secret-{slug}-{digest}`, or, for an adopted secret, " +
					"its original name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_vault_secret_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Versionless Key Vault URL of the secret, e.g. `https://my-vault.vault.azure.net/secrets/NAME`.",
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

func (r *secretResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("value"), path.MatchRoot("value_wo")),
	}
}

// ValidateConfig checks what needs more than one attribute: the tag budget depends on
// whether a description takes a reserved tag.
func (r *secretResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg secretResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateTagBudget(ctx, cfg.Tags, bifrost.KindSecret, cfg.Description, &resp.Diagnostics)
}

func (r *secretResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan settles the scope (the resource's own or the provider's), shows the id and the
// Key Vault name before apply, and keeps version steady when only metadata changes.
func (r *secretResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	var plan, state secretResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	e := entryPlan{
		orgID: &plan.OrganizationID, id: &plan.ID, kvName: &plan.KeyVaultSecretName, version: &plan.Version, createdAt: &plan.CreatedAt,
		name: plan.Name, priorOrgID: state.OrganizationID, priorKVName: state.KeyVaultSecretName, priorVersion: state.Version, priorCreatedAt: state.CreatedAt,
		valueChanged: !plan.Value.Equal(state.Value) || !plan.ValueWOVersion.Equal(state.ValueWOVersion),
	}
	if !r.client.planEntry(ctx, req, resp, bifrost.KindSecret, e) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *secretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan secretResourceModel
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

	entry, ok := r.entryFrom(ctx, plan, valueWO, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx = maskValue(ctx, entry.Value)
	tflog.Debug(ctx, "creating secret", map[string]any{"scope": string(entry.Scope), "name": entry.Name})
	created, err := r.client.store.Create(ctx, entry)
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("creating the secret", err))
		return
	}
	r.setComputed(&plan, created)
	resp.Diagnostics.Append(rememberWrittenVersion(ctx, resp.Private, plan.ValueWOVersion, created.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "name", bifrost.Scope(strings.ToLower(plan.OrganizationID.ValueString())), plan.Name.ValueString())...)
}

func (r *secretResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state secretResourceModel
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
		// Key Vault hides a disabled secret's value: read the metadata and keep the value
		// last known, so only what can be seen is compared.
		got, err = r.client.store.GetMetadataByKeyVaultName(ctx, kvName)
	}
	switch {
	case errors.Is(err, bifrost.ErrNotFound):
		// Deleted out of band (or soft-deleted): let the plan show it as to be created again.
		tflog.Warn(ctx, "secret not found in Key Vault; removing it from state", map[string]any{"key_vault_secret_name": kvName})
		resp.State.RemoveResource(ctx)
		// The framework wants an identity even for an object that is gone (an import of a
		// missing entry must fail with the CLI's own "non-existent" message).
		resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "name", bifrost.Scope(strings.ToLower(state.OrganizationID.ValueString())), state.Name.ValueString())...)
		return
	case err != nil:
		resp.Diagnostics.Append(r.client.storeDiagnostic("reading the secret", err))
		return
	}
	ctx = maskValue(ctx, got.Value)

	importing := readImportMark(ctx, req.Private, &resp.Diagnostics)
	if got.Managed {
		state.OrganizationID = keepScopeSpelling(state.OrganizationID, got.Scope)
		state.Name = types.StringValue(got.Name)
		state.Description = optionalString(got.Description)
	}
	if (!state.Value.IsNull() || importing) && !disabled {
		state.Value = types.StringValue(got.Value)
	}
	if !state.ValueWOVersion.IsNull() {
		// The value is write-only, so drift shows through the version: anything but the version
		// this provider wrote last means someone else wrote, and the next apply writes again.
		if written := writtenVersion(ctx, req.Private, &resp.Diagnostics); written != "" && written != got.Version {
			tflog.Info(ctx, "secret changed outside Terraform; planning to write the declared write-only value again")
			state.ValueWOVersion = types.Int64Null()
		}
	}
	state.ContentType = optionalString(got.ContentType)
	state.Enabled = types.BoolValue(got.Enabled)
	state.NotBefore = keepTimeSpelling(state.NotBefore, got.NotBefore)
	state.ExpiresAt = keepTimeSpelling(state.ExpiresAt, got.ExpiresAt)
	state.Tags = tagsValue(got.Tags, state.Tags)
	r.setComputed(&state, got)
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImportKey, nil)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "name", bifrost.Scope(strings.ToLower(state.OrganizationID.ValueString())), state.Name.ValueString())...)
}

func (r *secretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state secretResourceModel
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

	entry, ok := r.entryFrom(ctx, plan, valueWO, &resp.Diagnostics)
	if !ok {
		return
	}
	entry.KeyVaultName = state.KeyVaultSecretName.ValueString()
	ctx = maskValue(ctx, entry.Value)

	var updated *bifrost.Entry
	var err error
	if !plan.Value.Equal(state.Value) || !plan.ValueWOVersion.Equal(state.ValueWOVersion) {
		tflog.Debug(ctx, "rotating secret: writing a new version", map[string]any{"scope": string(entry.Scope), "name": entry.Name})
		updated, err = r.client.store.Rotate(ctx, entry)
	} else {
		tflog.Debug(ctx, "updating secret metadata", map[string]any{"scope": string(entry.Scope), "name": entry.Name})
		updated, err = r.client.store.UpdateMetadata(ctx, entry)
	}
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("updating the secret", err))
		return
	}
	r.setComputed(&plan, updated)
	resp.Diagnostics.Append(rememberWrittenVersion(ctx, resp.Private, plan.ValueWOVersion, updated.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setEntryIdentity(ctx, resp.Identity, "name", bifrost.Scope(strings.ToLower(plan.OrganizationID.ValueString())), plan.Name.ValueString())...)
}

func (r *secretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state secretResourceModel
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
		Scope: scope, Kind: bifrost.KindSecret, Name: state.Name.ValueString(),
		KeyVaultName: state.KeyVaultSecretName.ValueString(),
	})
	if err != nil && !errors.Is(err, bifrost.ErrNotFound) {
		resp.Diagnostics.Append(r.client.storeDiagnostic("deleting the secret", err))
	}
}

// ImportState takes `{scope}/{name}`, or the URL of any Key Vault secret to adopt it.
func (r *secretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEntry(ctx, req, resp, bifrost.KindSecret, "name")
}

// entryFrom builds the domain entry the plan describes; the value comes from value or,
// write-only, from the configuration.
func (r *secretResource) entryFrom(ctx context.Context, plan secretResourceModel, valueWO types.String, diags *diag.Diagnostics) (bifrost.Entry, bool) {
	scope, d := r.client.resolveScope(plan.OrganizationID, path.Root("organization_id"))
	diags.Append(d...)
	tags, d := tagsFrom(ctx, plan.Tags)
	diags.Append(d...)
	notBefore, d := timeFrom(plan.NotBefore, path.Root("not_before"))
	diags.Append(d...)
	expiresAt, d := timeFrom(plan.ExpiresAt, path.Root("expires_at"))
	diags.Append(d...)
	if diags.HasError() {
		return bifrost.Entry{}, false
	}
	value := plan.Value.ValueString()
	if !valueWO.IsNull() {
		value = valueWO.ValueString()
	}
	return bifrost.Entry{
		Scope:       scope,
		Kind:        bifrost.KindSecret,
		Name:        plan.Name.ValueString(),
		Value:       value,
		ContentType: plan.ContentType.ValueString(),
		Description: plan.Description.ValueString(),
		Enabled:     plan.Enabled.ValueBool(),
		NotBefore:   notBefore,
		ExpiresAt:   expiresAt,
		Tags:        tags,
	}, true
}

// setComputed copies what Key Vault decided (names, version, times) into the model.
func (r *secretResource) setComputed(m *secretResourceModel, e *bifrost.Entry) {
	if e.Managed || e.Name != "" {
		m.ID = types.StringValue(bifrost.SecretID{Scope: e.Scope, Name: e.Name}.String())
	}
	m.Version = types.StringValue(e.Version)
	m.KeyVaultSecretName = types.StringValue(e.KeyVaultName)
	m.KeyVaultSecretID = types.StringValue(e.ID)
	m.CreatedAt = timeString(e.CreatedAt)
	m.UpdatedAt = timeString(e.UpdatedAt)
}

// adoptionTarget returns the Key Vault secret name in an adoption import id (a secret URL).
func adoptionTarget(id string) (string, error) {
	u, err := url.Parse(id)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%q is not an https URL", id)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "secrets" || parts[1] == "" {
		return "", fmt.Errorf("%q is not a Key Vault secret URL like https://my-vault.vault.azure.net/secrets/NAME", id)
	}
	if err := bifrost.ValidateKeyVaultName(parts[1]); err != nil {
		return "", err
	}
	return parts[1], nil
}

// defaultTimeout bounds each operation when the timeouts block does not say otherwise; it
// covers Key Vault's soft-delete and recovery transitions, which usually take seconds.
const defaultTimeout = 5 * time.Minute
