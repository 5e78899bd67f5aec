package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The core that bifrost_secret and bifrost_config share: both manage one Key Vault entry, so
// planning, create, read, update, delete, import and identity are written once here, over a
// small interface each resource's model implements (what is particular to its kind: its name
// attribute, and how its own attributes map to and from the domain's Entry). A third kind is
// a schema plus that mapping.

// entryResourceInterfaces is every framework interface an entry resource implements.
type entryResourceInterfaces interface {
	resource.ResourceWithConfigure
	resource.ResourceWithImportState
	resource.ResourceWithIdentity
	resource.ResourceWithModifyPlan
	resource.ResourceWithValidateConfig
}

// entryModel holds the attributes every entry resource has; each resource's model embeds it.
type entryModel struct {
	ID                 types.String         `tfsdk:"id"`
	OrganizationID     canonicalStringValue `tfsdk:"organization_id"`
	Value              types.String         `tfsdk:"value"`
	ValueWO            types.String         `tfsdk:"value_wo"`
	ValueWOVersion     types.Int64          `tfsdk:"value_wo_version"`
	InitialValueWO     types.String         `tfsdk:"initial_value_wo"`
	Description        types.String         `tfsdk:"description"`
	NotBefore          timetypes.RFC3339    `tfsdk:"not_before"`
	ExpiresAt          timetypes.RFC3339    `tfsdk:"expires_at"`
	Version            types.String         `tfsdk:"version"`
	KeyVaultSecretName types.String         `tfsdk:"key_vault_secret_name"`
	KeyVaultSecretID   types.String         `tfsdk:"key_vault_secret_id"`
	CreatedAt          timetypes.RFC3339    `tfsdk:"created_at"`
	UpdatedAt          timetypes.RFC3339    `tfsdk:"updated_at"`
	Timeouts           timeouts.Value       `tfsdk:"timeouts"`
}

// entryResourceModel is what the core needs of a resource's model; the model's pointer type
// implements it.
type entryResourceModel interface {
	shared() *entryModel
	// entryName is the secret name or config key attribute.
	entryName() types.String
	// toEntry sets the kind's own fields of e (type, content type, dates, tags, ...) from the
	// model; the core has set the identity, value and description.
	toEntry(e *bifrost.Entry, diags *diag.Diagnostics)
	// fromEntry copies what Key Vault holds into the kind's own attributes and the value after
	// a read; importing says the state was just imported, so a value is taken as found.
	fromEntry(e *bifrost.Entry, importing bool, diags *diag.Diagnostics)
	// writesValue reports whether applying the model over prior writes a new version (a new
	// value) rather than only changing metadata, when the value is in the plan.
	writesValue(prior entryResourceModel) bool
	// rewritesEntry reports whether the kind's own attributes that a version carries changed
	// (a config's type or reference): a new version whatever the value's source.
	rewritesEntry(prior entryResourceModel) bool
	// checkPlan adds the kind's plan-time checks that need the resolved scope.
	checkPlan(scope bifrost.Scope, diags *diag.Diagnostics)
	// validateConfig checks, at plan time, what needs more than one attribute of the
	// configuration the model was decoded from.
	validateConfig(diags *diag.Diagnostics)
	// copySource is the attribute naming the Key Vault secret a write copies the value from
	// (bifrost_secret's value_from_key_vault_secret), nil for a kind that never copies.
	copySource() *types.String
}

// entryKind is what tells the entry resources apart in the core.
type entryKind struct {
	kind bifrost.Kind
	// nameAttr is the attribute that names the entry: "name" or "key".
	nameAttr string
	// adoptable: an import by Key Vault URL adopts a secret that predates the provider.
	adoptable bool
}

// entryResource implements resource.Resource for one entry kind; M is the resource's model.
type entryResource[M any, P interface {
	*M
	entryResourceModel
}] struct {
	client *providerClient
	entryKind
}

// defaultTimeout bounds each operation when the timeouts attribute does not say otherwise; it
// covers Key Vault's soft-delete and recovery transitions, which usually take seconds, and
// the retries of throttled or failed requests, which go on until this deadline.
const defaultTimeout = 5 * time.Minute

// timeoutsDescription documents the timeouts of every resource.
const timeoutsDescription = "How long each operation may take, as [durations](https://pkg.go.dev/time#ParseDuration) such as " +
	"`\"30s\"` or `\"10m\"`; default `\"5m\"` each. Within this time the provider waits out soft-delete and recovery " +
	"transitions and retries requests that Key Vault throttled (429, honouring Retry-After), failed (5xx) or dropped."

func (r *entryResource[M, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *entryResource[M, P]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg M
	p := P(&cfg)
	resp.Diagnostics.Append(getModel(ctx, req.Config.Raw, req.Config.Schema.Type(), p)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p.validateConfig(&resp.Diagnostics)
}

func (r *entryResource[M, P]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = entryIdentitySchema(r.nameAttr, fmt.Sprintf("The %s %s.", r.kind, r.nameAttr))
}

// ModifyPlan settles the scope (the resource's own or the provider's), replaces the entry when
// the scope changes, shows the id and the Key Vault name before apply, and keeps the version
// steady when only metadata changes.
func (r *entryResource[M, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		if !req.State.Raw.IsNull() {
			r.warnPurgeRefused(ctx, req.Private, &resp.Diagnostics)
		}
		return
	}
	var plan, prior M
	p, s := P(&plan), P(&prior)
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema.Type(), p)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema.Type(), s)...)
	}
	var cfgOrg canonicalStringValue
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("organization_id"), &cfgOrg)...)
	if resp.Diagnostics.HasError() || cfgOrg.IsUnknown() {
		return
	}
	scope, ok := r.planScope(cfgOrg, creating, &resp.Diagnostics)
	if !ok {
		return
	}
	respelled := r.planOrganization(p, s, cfgOrg, scope, creating, resp)
	p.checkPlan(scope, &resp.Diagnostics)
	configured := readConfiguredValues(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	writes := !creating && r.planWritesValue(ctx, configured, p, s, req.Private, &resp.Diagnostics)
	r.planComputed(p, s, scope, creating, writes)
	if respelled {
		r.keepIfUnchanged(ctx, p, s, req.Plan.Schema.Type())
	}
	r.warnExpiry(p, scope, &resp.Diagnostics)
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, resp.Plan.Schema.Type(), p)...)
}

// planOrganization plans organization_id: the provider's scope when the configuration leaves it
// out, a replacement when the scope changes, and the state's spelling when only the case
// changes (respelled).
func (r *entryResource[M, P]) planOrganization(p, prior P, cfgOrg canonicalStringValue, scope bifrost.Scope, creating bool,
	resp *resource.ModifyPlanResponse,
) (respelled bool) {
	pm := p.shared()
	if cfgOrg.IsNull() {
		pm.OrganizationID = scopeValueOf(string(scope))
	}
	org := prior.shared().OrganizationID
	switch {
	case creating || org.IsNull():
	case org.Canonical() != string(scope):
		resp.RequiresReplace.Append(path.Root("organization_id"))
	case !org.Equal(pm.OrganizationID):
		// The same scope spelled in another case is no change: keep the state's spelling.
		pm.OrganizationID = org
		return true
	}
	return false
}

// warnExpiry warns when the entry's planned expiry date has passed or falls within the
// provider's expiry_warning_days.
func (r *entryResource[M, P]) warnExpiry(p P, scope bifrost.Scope, diags *diag.Diagnostics) {
	name := p.entryName()
	if name.IsUnknown() {
		return
	}
	var ignored diag.Diagnostics
	what := bifrost.EntryDescription(scope, r.kind, name.ValueString())
	window := time.Duration(expiryWarningDaysAttr.value(&r.client.settings)) * 24 * time.Hour
	notice, expired, ok := bifrost.ExpiryNotice(what, timeOf(p.shared().ExpiresAt, &ignored), time.Now(), window)
	if !ok {
		return
	}
	summary := fmt.Sprintf("%s expires soon", titleCase(string(r.kind)))
	if expired {
		summary = fmt.Sprintf("%s has expired", titleCase(string(r.kind)))
	}
	diags.AddAttributeWarning(path.Root("expires_at"), summary, notice+
		". Rotate it (a new value_wo, or a new value wherever initial_value_wo's value is kept) and move expires_at; "+
		"expiry_warning_days in the provider block sets how early this warns (0 turns it off).")
}

// titleCase is s with its first letter in upper case.
func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// planWritesValue reports whether applying plan over prior writes a new value, for where the
// configuration takes the value from (valueSource): a value only written at creation is never
// written again, unless the kind's own attributes that a version carries change (a config's
// type or reference); a value_wo without version is compared with the vault's.
func (r *entryResource[M, P]) planWritesValue(ctx context.Context, configured configuredValues, plan, prior P, priv privateState, diags *diag.Diagnostics) bool {
	switch configured.source(plan) {
	case valueInitial:
		return plan.rewritesEntry(prior)
	case valueWOCompared:
		return plan.rewritesEntry(prior) || r.valueDiffers(ctx, prior, configured.valueWO, readPrivate(ctx, priv, diags).Disabled, diags)
	}
	return plan.writesValue(prior)
}

// keepIfUnchanged makes plan the prior state when they differ only in what Key Vault decides:
// the framework marks those computed attributes unknown whenever the configuration's text
// differs from the state, even where it means the same (an organization id in another case),
// and an update that writes nothing must not show as one.
func (r *entryResource[M, P]) keepIfUnchanged(ctx context.Context, plan, prior P, schemaType attr.Type) {
	candidate := *(*M)(plan)
	c, ps := P(&candidate).shared(), prior.shared()
	c.Version, c.CreatedAt, c.UpdatedAt = ps.Version, ps.CreatedAt, ps.UpdatedAt
	a, d1 := modelValue(ctx, schemaType, P(&candidate))
	b, d2 := modelValue(ctx, schemaType, prior)
	if !d1.HasError() && !d2.HasError() && a.Equal(b) {
		*(*M)(plan) = candidate
	}
}

// planScope is the scope the plan writes to: the resource's organization_id, else the
// provider's. ok is false when there is none to plan with: an error, or a create whose
// provider organization_id is known only after apply (it plans without a scope, and the
// apply plans again with it known).
func (r *entryResource[M, P]) planScope(cfgOrg canonicalStringValue, creating bool, diags *diag.Diagnostics) (bifrost.Scope, bool) {
	if cfgOrg.IsNull() && r.client.defaultScopeUnknown() {
		if !creating {
			diags.AddAttributeError(path.Root("organization_id"), "Scope not known until apply",
				fmt.Sprintf("This %s exists and takes its scope from the provider's organization_id, which depends on values known only after apply, "+
					"so the plan cannot tell whether the scope changes. Set organization_id on the resource, or set the provider's "+
					"organization_id from a variable or a value known before apply.", r.kind))
		}
		return "", false
	}
	scope, dd := r.client.resolveScope(cfgOrg.StringValue, path.Root("organization_id"))
	diags.Append(dd...)
	return scope, !dd.HasError()
}

// planComputed shows the id and the Key Vault name before apply, and the version: kept when
// only metadata changes, a new one when the update writes a value (writes), or clears what a
// PATCH cannot clear.
func (r *entryResource[M, P]) planComputed(p, prior P, scope bifrost.Scope, creating, writes bool) {
	pm := p.shared()
	if name := p.entryName(); !name.IsUnknown() {
		pm.ID = types.StringValue(bifrost.SecretID{Scope: scope, Name: name.ValueString()}.String())
		if creating {
			pm.KeyVaultSecretName = types.StringValue(bifrost.KeyVaultName(scope, r.kind, name.ValueString()))
		}
	}
	switch {
	case creating, prior.shared().Version.IsNull():
	case writes || rewritesVersion(p, prior):
		// Set here, not left to the framework: a value_wo compared with the vault's may change
		// while every attribute in the plan stays the same.
		pm.Version, pm.CreatedAt, pm.UpdatedAt = types.StringUnknown(), timetypes.NewRFC3339Unknown(), timetypes.NewRFC3339Unknown()
	default:
		// A metadata PATCH keeps the version (and its creation time).
		pm.Version, pm.CreatedAt = prior.shared().Version, prior.shared().CreatedAt
	}
}

func (r *entryResource[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	p := P(&plan)
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema.Type(), p)...)
	configured := readConfiguredValues(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, p.shared().Timeouts.Create, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	entry, ok := r.entryFrom(p, configured.value(p), "", &resp.Diagnostics)
	if !ok {
		return
	}
	store := r.store("Creating the "+string(r.kind)+" "+entry.Name, &resp.Diagnostics)
	if store == nil {
		return
	}
	if entry.Value, ok = copiedValue(ctx, r.client, store, p.copySource(), entry.Value, &resp.Diagnostics); !ok {
		return
	}
	ctx = maskValue(ctx, entry.Value)
	tflog.Debug(ctx, "creating entry", map[string]any{"kind": string(r.kind), "scope": string(entry.Scope), "name": entry.Name})
	created, err := store.Create(ctx, entry)
	// A data source read after this write (depending on the resource) must list it.
	r.client.forgetListings()
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("creating the "+string(r.kind), err))
		return
	}
	r.noteEntry(created, true)
	r.finishWrite(ctx, p, created, true, privateData{}, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *entryResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel, e, ok := r.openExisting(ctx, req.State, req.Private, "Refreshing", timeouts.Value.Read, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	m, private, ref := e.model, e.private, e.ref
	got, err := e.store.Read(ctx, ref)
	switch {
	case errors.Is(err, bifrost.ErrNotFound):
		// Deleted out of band (or soft-deleted): let the plan show it as to be created again.
		tflog.Warn(ctx, "entry not found in Key Vault; removing it from state", map[string]any{"key_vault_secret_name": ref.KeyVaultName})
		resp.State.RemoveResource(ctx)
		// The framework wants an identity even for an object that is gone (an import of a
		// missing entry must fail with the CLI's own "non-existent" message).
		resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, m)...)
		return
	case err != nil:
		resp.Diagnostics.Append(r.client.storeDiagnostic("reading the "+string(r.kind), err))
		return
	}
	ctx = maskValue(ctx, got.Value)
	r.refreshModel(ctx, m, &private, got, &resp.Diagnostics)
	r.noteEntry(got, true)
	if ref, ok := referenceOf(got); ok {
		r.client.refs.warnDanglingReference(ctx, e.store, configRef{scope: got.Scope, key: got.Name}, ref, &resp.Diagnostics)
	}
	private.Imported = false
	// The read checked ownership; a write right after it (this run's apply) need not again.
	private.Verified = verifiedRead{Version: got.Version, UpdatedAt: got.UpdatedAt, At: time.Now().UTC()}
	resp.Diagnostics.Append(private.save(ctx, resp.Private)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, resp.State.Schema.Type(), m)...)
	resp.Diagnostics.Append(r.setIdentity(ctx, resp.Identity, m)...)
}

// refreshModel takes into m and private what a refresh read of the entry found: its
// attributes, drift of a write-only or copied value, the owner token and what the provider
// keeps about the entry.
func (r *entryResource[M, P]) refreshModel(ctx context.Context, m P, private *privateData, got *bifrost.Entry, diags *diag.Diagnostics) {
	s := m.shared()
	stateVersion, stateValueNull := s.Version.ValueString(), s.Value.IsNull()
	s.fromEntry(got)
	m.fromEntry(got, private.Imported, diags)
	if valueOutOfState(m) {
		markValueDrift(ctx, m, private, stateVersion, got.Version)
	}
	s.setComputed(got)
	// A state without an owner token (imported, or its private state lost) takes the entry's,
	// to tell when another writer replaces it. An imported one writes a token of its own on its
	// next write: whoever it imported from holds the same one (internal/bifrost/ownership.go).
	// A token missing in Key Vault (rewritten out of band) keeps the state's.
	if private.Owner == "" {
		private.Owner, private.OwnerAdopted = got.Owner, private.Imported && got.Owner != ""
	}
	if stateValueNull && got.Value != "" {
		// For a plan that compares a value_wo with it (valueDiffers), in this process only.
		r.client.values.remember(got.KeyVaultName, got.Version, got.Value)
	}
	private.TagsIncomplete = !got.TagsComplete()
	private.RecoveryLevel = got.RecoveryLevel
	private.Disabled = !got.Enabled
}

// markValueDrift plans a write of a write-only or copied value that another writer replaced:
// its drift shows through the version, since anything but the version this provider wrote
// last (private.WrittenVersion) means someone else wrote. latest is the vault's version,
// stateVersion the one the state held before this refresh.
func markValueDrift(ctx context.Context, m entryResourceModel, private *privateData, stateVersion, latest string) {
	if private.WrittenVersion == "" && !private.Imported && stateVersion != "" {
		// The private state is gone (a state edited by hand, say). The state's version is the
		// one this provider last wrote or found without drift: a refresh that finds another
		// writer's version also clears value_wo_version or value_from_key_vault_secret below,
		// which plans a write whatever the version says. So it stands for the version written.
		tflog.Info(ctx, "no record of the version this provider wrote; taking the version in the state")
		private.WrittenVersion = stateVersion
	}
	if private.WrittenVersion == "" || private.WrittenVersion == latest {
		return
	}
	tflog.Info(ctx, "entry changed outside Terraform; planning to write the declared write-only or copied value again")
	m.shared().ValueWOVersion = types.Int64Null()
	if src := m.copySource(); src != nil {
		*src = types.StringNull()
	}
}

func (r *entryResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	p, s := P(&plan), P(&state)
	resp.Diagnostics.Append(getModel(ctx, req.Plan.Raw, req.Plan.Schema.Type(), p)...)
	resp.Diagnostics.Append(getModel(ctx, req.State.Raw, req.State.Schema.Type(), s)...)
	configured := readConfiguredValues(ctx, req.Config, &resp.Diagnostics)
	private := readPrivate(ctx, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withTimeout(ctx, p.shared().Timeouts.Update, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	entry, ok := r.entryFrom(p, configured.value(p), private.Owner, &resp.Diagnostics)
	if !ok {
		return
	}
	entry.KeyVaultName = s.shared().KeyVaultSecretName.ValueString()
	prior, ok := r.priorEntry(s, private.Owner, &resp.Diagnostics)
	if !ok {
		return
	}
	store := r.store("Updating the "+string(r.kind)+" "+entry.Name, &resp.Diagnostics)
	if store == nil {
		return
	}
	ctx = maskValue(ctx, entry.Value)

	// Every write goes against the entry as the plan saw it (the state), so that nothing
	// another writer did since is undone beyond what the plan shows or taken in as this state's
	// (internal/bifrost/changes.go). Not for the first apply of an adopted secret, which has no
	// identity yet: its GET checks that it is still the secret that was adopted.
	opts := private.writeOptions(prior, time.Now())
	if !prior.Managed {
		opts = []bifrost.WriteOption{bifrost.Against(prior)}
	}
	var updated *bifrost.Entry
	var untouched []string
	var err error
	wroteValue := r.appliesValue(configured, p, s)
	if wroteValue {
		if entry.Value, ok = copiedValue(ctx, r.client, store, p.copySource(), entry.Value, &resp.Diagnostics); !ok {
			return
		}
		ctx = maskValue(ctx, entry.Value)
		tflog.Debug(ctx, "writing a new version", map[string]any{"kind": string(r.kind), "scope": string(entry.Scope), "name": entry.Name})
		updated, err = store.Rotate(ctx, entry, opts...)
	} else {
		tflog.Debug(ctx, "updating metadata", map[string]any{"kind": string(r.kind), "scope": string(entry.Scope), "name": entry.Name})
		updated, untouched, err = store.UpdateMetadata(ctx, entry, opts...)
	}
	r.client.forgetListings()
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("updating the "+string(r.kind), err))
		return
	}
	if len(untouched) > 0 {
		resp.Diagnostics.AddWarning("Changed outside Terraform since the plan",
			fmt.Sprintf("Updating the %s %q changed only what the plan showed. Key Vault shows other changes made since the plan, which were left as they are: %s. "+
				"The next plan shows them as drift; apply it to restore what the configuration declares, or put them in the configuration to keep them.",
				r.kind, entry.Name, strings.Join(untouched, "; ")))
	}
	r.noteEntry(updated, true)
	r.finishWrite(ctx, p, updated, wroteValue, private, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *entryResource[M, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel, e, ok := r.openExisting(ctx, req.State, req.Private, "Deleting", timeouts.Value.Delete, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}
	verified := e.private.alreadyVerified(e.model.shared().Version.ValueString(), time.Now())
	tflog.Debug(ctx, "deleting entry", map[string]any{"kind": string(r.kind), "key_vault_secret_name": e.ref.KeyVaultName,
		"ownership_checked_by_refresh": len(verified) > 0})
	deletion, err := e.store.Delete(ctx, e.ref, verified...)
	r.client.forgetListings()
	if err != nil {
		resp.Diagnostics.Append(r.client.storeDiagnostic("deleting the "+string(r.kind), err))
		return
	}
	what := "purged"
	if !deletion.Purged {
		what = "soft-deleted"
		if d := deletion.ScheduledPurgeDate; d != nil {
			what += " (recoverable until Key Vault purges it on " + d.UTC().Format(time.RFC3339) + ")"
		}
	}
	if deletion.PurgeRefused {
		resp.Diagnostics.AddWarning("Secret soft-deleted, not purged: the vault has purge protection",
			fmt.Sprintf("The %s in Key Vault secret %q was deleted, but purge_on_destroy could not be honoured: the vault has purge protection "+
				"(recovery level %q), so Key Vault keeps the deleted secret%s and nobody can purge it sooner. A new entry of the same name "+
				"recovers it (recover_soft_deleted = true, the default). Set purge_on_destroy = false for this vault to make destroys say what they do.",
				r.kind, e.ref.KeyVaultName, deletion.RecoveryLevel, purgeDateWords(deletion.ScheduledPurgeDate)))
	}
	if e.ref.Name == "" {
		return // an adopted secret with no Bifrost name: nothing references it
	}
	r.noteEntry(&bifrost.Entry{Scope: e.ref.Scope, Kind: r.kind, Name: e.ref.Name}, false)
	if r.kind == bifrost.KindSecret {
		r.client.refs.warnReferencesToDeleted(ctx, e.store, bifrost.SecretID{Scope: e.ref.Scope, Name: e.ref.Name}, what, &resp.Diagnostics)
	}
}

// purgeDateWords is " until {date}" for a scheduled purge date, or "".
func purgeDateWords(t *time.Time) string {
	if t == nil {
		return ""
	}
	return " until " + t.UTC().Format(time.RFC3339)
}

// warnPurgeRefused warns, when a destroy is planned with purge_on_destroy, that the vault's
// recovery level (as the last refresh or write saw it) shows purge protection: the destroy will
// soft-delete without purging.
func (r *entryResource[M, P]) warnPurgeRefused(ctx context.Context, priv privateState, diags *diag.Diagnostics) {
	if !purgeOnDestroyAttr.value(&r.client.settings) {
		return
	}
	var d diag.Diagnostics
	private := readPrivate(ctx, priv, &d)
	if d.HasError() || !private.RecoveryLevel.PurgeProtected() {
		return
	}
	diags.AddWarning("purge_on_destroy cannot be honoured: the vault has purge protection",
		fmt.Sprintf("Key Vault reports recovery level %q for this %s: the vault has purge protection, so destroying it soft-deletes it and Key Vault "+
			"keeps the deleted secret until its scheduled purge date (the vault's retention, 7 to 90 days after the deletion); nobody can purge it sooner. "+
			"The destroy goes ahead and says so. A new entry of the same name recovers it (recover_soft_deleted = true, the default).",
			private.RecoveryLevel, r.kind))
}

// noteEntry tells the provider's reference watch what a read or write found of e (exists) or
// that a delete removed it.
func (r *entryResource[M, P]) noteEntry(e *bifrost.Entry, exists bool) {
	if e.Name == "" {
		return // an adopted secret with no Bifrost name yet
	}
	switch r.kind {
	case bifrost.KindSecret:
		r.client.refs.noteSecret(e.SecretID(), secretSeen{exists: exists, enabled: exists && e.Enabled})
	case bifrost.KindConfig:
		var ref *bifrost.SecretID
		if id, ok := referenceOf(e); ok && exists {
			ref = &id
		}
		r.client.refs.noteConfig(configRef{scope: e.Scope, key: e.Name}, ref)
	}
}

// referenceOf is the secret a secret_reference config references: its value when the entry
// holds one (a read), else its reference tag (a write's answer has no value).
func referenceOf(e *bifrost.Entry) (bifrost.SecretID, bool) {
	if e.Kind != bifrost.KindConfig || e.Type != bifrost.TypeSecretReference {
		return bifrost.SecretID{}, false
	}
	if id, err := bifrost.ParseSecretID(e.Value); err == nil {
		return id, true
	}
	return e.Reference, e.Reference != (bifrost.SecretID{})
}

// appliesValue reports whether the update of prior to plan writes a new value: as planned
// (planWritesValue), which for a value_wo compared with the vault's the plan says through the
// version it leaves unknown.
func (r *entryResource[M, P]) appliesValue(configured configuredValues, plan, prior P) bool {
	switch configured.source(plan) {
	case valueInitial:
		return plan.rewritesEntry(prior)
	case valueWOCompared:
		return plan.shared().Version.IsUnknown()
	}
	return plan.writesValue(prior)
}

// existingEntry is the entry in state that Read and Delete work on.
type existingEntry[P any] struct {
	model   P
	private privateData
	ref     bifrost.Ref
	store   *bifrost.Store
}

// openExisting is how Read and Delete start: decode the state and its private data, bound ctx
// by the operation's timeout (timeout picks it from the model's timeouts), and find the entry's
// Ref and the connected store; verb says what needs it. ok is false when diags say why not;
// cancel is always to be called.
func (r *entryResource[M, P]) openExisting(ctx context.Context, state tfsdk.State, priv privateState, verb string,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics,
) (context.Context, context.CancelFunc, existingEntry[P], bool) {
	e := existingEntry[P]{model: P(new(M))}
	diags.Append(getModel(ctx, state.Raw, state.Schema.Type(), e.model)...)
	e.private = readPrivate(ctx, priv, diags)
	if diags.HasError() {
		return ctx, func() {}, e, false
	}
	ctx, cancel := withTimeout(ctx, func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
		return timeout(e.model.shared().Timeouts, ctx, def)
	}, diags)
	if diags.HasError() {
		return ctx, cancel, e, false
	}
	var ok bool
	if e.ref, ok = r.refOf(e.model, e.private.Owner, diags); !ok {
		return ctx, cancel, e, false
	}
	e.store = r.store(verb+" the "+string(r.kind)+" "+e.ref.KeyVaultName, diags)
	return ctx, cancel, e, e.store != nil
}

// store is the provider's store, connected on first use; nil, with the reason in diags, when
// the provider's settings are not known yet. action says what needs it.
func (r *entryResource[M, P]) store(action string, diags *diag.Diagnostics) *bifrost.Store {
	store, d := r.client.connect(action)
	diags.Append(d...)
	return store
}

// entryFrom builds the domain entry the plan describes, with value (from value or, write-only,
// from the configuration: configuredValues.value); owner is the token the state holds.
func (r *entryResource[M, P]) entryFrom(m P, value, owner string, diags *diag.Diagnostics) (bifrost.Entry, bool) {
	s := m.shared()
	scope, d := r.client.resolveScope(s.OrganizationID.StringValue, path.Root("organization_id"))
	diags.Append(d...)
	if diags.HasError() {
		return bifrost.Entry{}, false
	}
	return r.entryOf(m, scope, value, owner, diags)
}

// entryOf is the domain entry m describes in scope, with value and the owner token.
func (r *entryResource[M, P]) entryOf(m P, scope bifrost.Scope, value, owner string, diags *diag.Diagnostics) (bifrost.Entry, bool) {
	e := bifrost.Entry{
		Scope:   scope,
		Kind:    r.kind,
		Name:    m.entryName().ValueString(),
		Value:   value,
		Enabled: true,
		Owner:   owner,
	}
	m.shared().toEntry(&e, diags)
	m.toEntry(&e, diags)
	return e, !diags.HasError()
}

// priorEntry is the entry as the state holds it, which is what the plan was made from, with
// the version and what Key Vault decided; owner is the token the state holds. An adopted
// secret not yet given its Bifrost name has no identity (and no scope) yet.
func (r *entryResource[M, P]) priorEntry(state P, owner string, diags *diag.Diagnostics) (bifrost.Entry, bool) {
	s := state.shared()
	var scope bifrost.Scope
	if !s.OrganizationID.IsNull() && !s.OrganizationID.IsUnknown() {
		scope = bifrost.Scope(s.OrganizationID.Canonical())
	}
	prior, ok := r.entryOf(state, scope, s.Value.ValueString(), owner, diags)
	if !ok {
		return prior, false
	}
	prior.Version = s.Version.ValueString()
	prior.KeyVaultName = s.KeyVaultSecretName.ValueString()
	prior.ID = s.KeyVaultSecretID.ValueString()
	prior.CreatedAt = timeOrZero(s.CreatedAt)
	prior.UpdatedAt = timeOrZero(s.UpdatedAt)
	prior.Managed = prior.Name != ""
	return prior, true
}

// refOf is the domain's reference to the entry in state: its identity (none yet for a Key
// Vault secret adopted by URL and not yet applied), physical name and owner token.
func (r *entryResource[M, P]) refOf(m P, owner string, diags *diag.Diagnostics) (bifrost.Ref, bool) {
	s := m.shared()
	ref := bifrost.Ref{Kind: r.kind, KeyVaultName: s.KeyVaultSecretName.ValueString(), Owner: owner, Version: s.Version.ValueString()}
	if name := m.entryName(); !name.IsNull() && name.ValueString() != "" {
		scope, err := bifrost.ParseScope(s.OrganizationID.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("organization_id"), "Invalid organization_id in state", err.Error()+
				". The state was edited or written by a broken version; fix organization_id with `terraform state rm` and an import.")
			return ref, false
		}
		ref.Scope, ref.Name = scope, name.ValueString()
	}
	return ref, true
}

// finishWrite records what a create or update wrote: the computed attributes, the private
// state, the state and the identity. The private state keeps the owner token written and,
// for a write-only or copied value, the version that holds it: the version written when
// wroteValue, else (a metadata update) the one recorded before, which the update went against.
func (r *entryResource[M, P]) finishWrite(ctx context.Context, m P, written *bifrost.Entry, wroteValue bool, before privateData,
	priv privateState, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics,
) {
	s := m.shared()
	s.setComputed(written)
	p := privateData{Owner: written.Owner, RecoveryLevel: written.RecoveryLevel, Disabled: !written.Enabled}
	switch {
	case !valueOutOfState(m):
	case wroteValue:
		p.WrittenVersion = written.Version
	default:
		p.WrittenVersion = before.WrittenVersion
	}
	diags.Append(p.save(ctx, priv)...)
	diags.Append(setModel(ctx, state, state.Schema.Type(), m)...)
	diags.Append(r.setIdentity(ctx, identity, m)...)
}

// setIdentity records the identity of the entry in m (empty attributes for an adopted Key
// Vault secret that has no Bifrost name yet).
func (r *entryResource[M, P]) setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m P) diag.Diagnostics {
	return setEntryIdentity(ctx, identity, r.nameAttr, m.shared().OrganizationID.Canonical(), m.entryName().ValueString())
}

// ImportState takes `{scope}/{name}` (or the identity in an import block); for an adoptable
// kind, the https URL of a Key Vault secret in this provider's vault adopts it.
func (r *entryResource[M, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importEntry(ctx, r.client, r.entryKind, req, resp)
}

// rewritesVersion reports whether the store writes a new version to apply plan's metadata over
// prior's (bifrost.RewritesVersion); a value unknown until apply counts as cleared, so the plan
// then leaves the version unknown. Parse errors were reported by validation already.
func rewritesVersion(plan, prior entryResourceModel) bool {
	var next, cur bifrost.Entry
	var ignored diag.Diagnostics
	plan.shared().toEntry(&next, &ignored)
	plan.toEntry(&next, &ignored)
	prior.shared().toEntry(&cur, &ignored)
	prior.toEntry(&cur, &ignored)
	return bifrost.RewritesVersion(cur, next)
}

// toEntry sets the fields of e that every entry has, other than its identity and value: the
// description and the dates.
func (s *entryModel) toEntry(e *bifrost.Entry, diags *diag.Diagnostics) {
	e.Description = s.Description.ValueString()
	e.NotBefore = timeOf(s.NotBefore, diags)
	e.ExpiresAt = timeOf(s.ExpiresAt, diags)
}

// fromEntry copies what Key Vault holds of the attributes every entry has: the description
// and the dates.
func (s *entryModel) fromEntry(e *bifrost.Entry) {
	s.Description = optionalString(e.Description)
	s.NotBefore = rfc3339Of(e.NotBefore)
	s.ExpiresAt = rfc3339Of(e.ExpiresAt)
}

// setComputed copies what Key Vault decided (names, version, times) into the model.
func (s *entryModel) setComputed(e *bifrost.Entry) {
	if e.Name != "" {
		s.ID = types.StringValue(e.SecretID().String())
	}
	s.Version = types.StringValue(e.Version)
	s.KeyVaultSecretName = types.StringValue(e.KeyVaultName)
	s.KeyVaultSecretID = types.StringValue(e.ID)
	s.CreatedAt = rfc3339Of(&e.CreatedAt)
	s.UpdatedAt = rfc3339Of(&e.UpdatedAt)
}

// withTimeout bounds ctx by the operation's timeout (timeouts.Value.Create, .Read, ...).
func withTimeout(ctx context.Context, timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, dd := timeout(ctx, defaultTimeout)
	diags.Append(dd...)
	return context.WithTimeout(ctx, d)
}
