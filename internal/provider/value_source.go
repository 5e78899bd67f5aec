package provider

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// Where an entry resource's value comes from decides how a plan sees a new value and what an
// apply writes. The write-only attributes are only in the configuration (never in the plan or
// the state), so the source is read from there.

// valueSource is where an entry's value comes from.
type valueSource int

const (
	// valueInState: `value` (or a config's secret_id), compared in the plan like any attribute.
	valueInState valueSource = iota
	// valueWOVersioned: `value_wo` with `value_wo_version`, written when the number changes.
	valueWOVersioned
	// valueWOCompared: `value_wo` alone, compared at plan time with the vault's value of the
	// version the state names (see valueDiffers).
	valueWOCompared
	// valueCopied: `value_from_key_vault_secret`, copied when the source changes or drifts.
	valueCopied
	// valueInitial: `initial_value_wo`, written when the entry is created and never again: the
	// value is owned outside Terraform.
	valueInitial
)

// configuredValues are the write-only value attributes of a resource's configuration.
type configuredValues struct {
	valueWO, initialWO types.String
}

// readConfiguredValues reads value_wo and initial_value_wo from the configuration.
func readConfiguredValues(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) configuredValues {
	var c configuredValues
	diags.Append(cfg.GetAttribute(ctx, path.Root("value_wo"), &c.valueWO)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("initial_value_wo"), &c.initialWO)...)
	return c
}

// source is where the value of the resource planned as m comes from.
func (c configuredValues) source(m entryResourceModel) valueSource {
	s := m.shared()
	switch src := m.copySource(); {
	case !c.initialWO.IsNull():
		return valueInitial
	case !c.valueWO.IsNull() && s.ValueWOVersion.IsNull():
		return valueWOCompared
	case !c.valueWO.IsNull():
		return valueWOVersioned
	case src != nil && !src.IsNull():
		return valueCopied
	}
	return valueInState
}

// value is what a write of the resource planned as m sends: initial_value_wo, value_wo or
// value (a copied value is read at apply, see copiedValue).
func (c configuredValues) value(m entryResourceModel) string {
	switch {
	case !c.initialWO.IsNull():
		return c.initialWO.ValueString()
	case !c.valueWO.IsNull():
		return c.valueWO.ValueString()
	}
	return m.shared().Value.ValueString()
}

// valueDigests remembers, for one provider process (one plan or one apply), a keyed digest of
// the value of each Key Vault version a refresh read, so that the plan right after can compare a
// value_wo with it without reading it again. The key is random per process, so a digest is
// worthless outside it; nothing of it is ever written to the state, the plan, private state or
// a log.
type valueDigests struct {
	once    sync.Once
	key     []byte
	mu      sync.Mutex
	digests map[versionKey][sha256.Size]byte
}

// versionKey names one version of one Key Vault secret.
type versionKey struct{ kvName, version string }

func (d *valueDigests) digest(value string) [sha256.Size]byte {
	d.once.Do(func() {
		d.key = make([]byte, 32)
		_, _ = rand.Read(d.key) // crypto/rand.Read never fails (Go >= 1.24)
	})
	mac := hmac.New(sha256.New, d.key)
	mac.Write([]byte(value))
	var out [sha256.Size]byte
	copy(out[:], mac.Sum(nil))
	return out
}

// remember records the value of a version a read returned.
func (d *valueDigests) remember(kvName, version, value string) {
	sum := d.digest(value)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.digests == nil {
		d.digests = map[versionKey][sha256.Size]byte{}
	}
	d.digests[versionKey{kvName, version}] = sum
}

// equal reports whether value is the remembered value of the version; known is false when
// this process has not read that version.
func (d *valueDigests) equal(kvName, version, value string) (equal, known bool) {
	d.mu.Lock()
	sum, known := d.digests[versionKey{kvName, version}]
	d.mu.Unlock()
	if !known {
		return false, false
	}
	got := d.digest(value)
	return hmac.Equal(sum[:], got[:]), true
}

// valueDiffers reports whether the configured value_wo differs from the value of the version the
// prior state names, which is what the plan was made from (see valueWOCompared). The refresh of
// this plan read that version, so usually the answer is in memory; otherwise (a plan with
// -refresh=false, or the apply's own plan) that version is read: one GET. The answer depends on
// nothing else, and versions never change their value, so the plan and the apply's own plan
// agree (a planned version that changed from known to unknown would be an inconsistent final
// plan). An unknown value or an adopted secret not yet named counts as different: the apply
// writes. disabled is what the refresh found: Key Vault hides a disabled entry's value, so a
// disabled config is written again (enabled, as every config is), and a disabled secret is not
// compared (a plan that enables it does that, and the next plan compares).
func (r *entryResource[M, P]) valueDiffers(ctx context.Context, prior P, configured types.String, disabled bool, diags *diag.Diagnostics) bool {
	switch {
	case configured.IsUnknown():
		return true
	case disabled:
		return r.kind == bifrost.KindConfig
	}
	s := prior.shared()
	if !s.Value.IsNull() {
		return s.Value.ValueString() != configured.ValueString() // moving from value: the state has it
	}
	kvName, version := s.KeyVaultSecretName.ValueString(), s.Version.ValueString()
	if equal, known := r.client.values.equal(kvName, version, configured.ValueString()); known {
		return !equal
	}
	name := prior.entryName()
	if name.IsNull() || version == "" || s.OrganizationID.IsNull() {
		return true
	}
	store, d := r.client.connect("Comparing value_wo with the vault's value")
	if d.HasError() {
		return true // not connected at plan (a vault created by this apply): the apply's plan compares
	}
	got, err := store.GetVersion(ctx, bifrost.Scope(s.OrganizationID.Canonical()), r.kind, name.ValueString(), version)
	switch {
	case err == nil:
		differs := got.Value != configured.ValueString()
		got.Value = ""
		return differs
	case errors.Is(err, bifrost.ErrNotFound), errors.Is(err, bifrost.ErrDisabled):
		// Deleted or disabled since the refresh this plan is made from: the apply's write finds
		// out (it goes against that version, see internal/bifrost/changes.go); deciding
		// otherwise here could contradict the plan.
		tflog.Debug(ctx, "the version in state could not be read to compare value_wo", map[string]any{"key_vault_secret_name": kvName})
		return false
	}
	diags.Append(r.client.storeDiagnostic("comparing value_wo with the vault's value", err))
	return true
}
