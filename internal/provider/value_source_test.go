package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The sources of an entry's value other than `value` (value_sources.go): initial_value_wo, a
// value owned outside Terraform after creation, and value_wo without value_wo_version,
// compared with the vault's value at plan time. Nothing of either value is ever in the state
// or the plan.

// ownedOutside declares a secret and a config of type secret whose values are set once, then
// owned outside Terraform; source is the value attribute lines of both (initial_value_wo by
// default), description their description.
func ownedOutside(v *accVault, source, description string) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "owned" {
  organization_id = %[1]q
  name            = "owned-elsewhere"
  description     = %[3]q
  %[2]s
}

resource "bifrost_config" "owned" {
  organization_id = %[1]q
  key             = "owned_elsewhere"
  type            = "secret"
  description     = %[3]q
  %[2]s
}
`, testOrg, source, description))
}

var ownedOutsideEntries = []struct{ address, kvName string }{
	{"bifrost_secret.owned", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "owned-elsewhere")},
	{"bifrost_config.owned", bifrost.KeyVaultName(testOrg, bifrost.KindConfig, "owned_elsewhere")},
}

// initial_value_wo: the value is written when the entry is created and never again. A version
// written outside Terraform is no drift; a description change leaves the value alone (one
// PATCH each); version and updated_at follow the vault; moving to value_wo plans a write the
// plan shows, moving back writes nothing.
func TestAccInitialValue_ownedOutside(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("the audit log (request counts)")
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	w := newCLIWorkdir(t, ownedOutside(v, `initial_value_wo = "initial-value-3e9a"`, "one"))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); *got.Value != "initial-value-3e9a" {
			t.Errorf("%s: the created entry does not hold the initial value", e.address)
		}
	}
	w.assertStateLacks(ctx, "initial-value-3e9a")

	// Rotated outside: no drift, and the state follows the vault's version.
	rotated := map[string]string{}
	for _, e := range ownedOutsideEntries {
		rotated[e.address] = v.foreignVersionKeepingTags(e.kvName, "rotated-in-the-portal")
	}
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("after a version written outside Terraform the plan changes %v, want nothing", changes)
	}
	w.mustRun(ctx, "apply", "-refresh-only", "-auto-approve")
	state := w.showState(ctx)
	for _, e := range ownedOutsideEntries {
		if got := state[e.address]["version"]; got != rotated[e.address] {
			t.Errorf("%s: the state's version is %v, want the vault's %s", e.address, got, rotated[e.address])
		}
	}

	// Metadata: one PATCH each, the value untouched.
	w.setConfig(ownedOutside(v, `initial_value_wo = "initial-value-3e9a"`, "two"))
	meter := &requestMeter{v: v}
	w.mustRun(ctx, "plan", "-out=metadata.tfplan")
	meter.reset()
	w.mustRun(ctx, "apply", "metadata.tfplan")
	if got, want := meter.requests(), map[string]int{emulator.OpUpdateSecret: 2}; !maps.Equal(got, want) {
		t.Errorf("the description change made requests %v, want %v", got, want)
	}
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); *got.Value != "rotated-in-the-portal" || got.ID.Version() != rotated[e.address] || *got.Tags[bifrost.TagDescription] != "two" {
			t.Errorf("%s: after the description change the vault holds version %s (want %s, untouched), description %v",
				e.address, got.ID.Version(), rotated[e.address], got.Tags[bifrost.TagDescription])
		}
	}

	// To value_wo: the plan shows a write; back to initial_value_wo: nothing to do.
	w.setConfig(ownedOutside(v, `value_wo = "taken-back-7c1d"`, "two"))
	want := []string{"bifrost_config.owned update", "bifrost_secret.owned update"}
	if changes := w.changes(ctx); !slices.Equal(changes, want) {
		t.Errorf("moving to value_wo, the plan changes %v, want %v", changes, want)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); *got.Value != "taken-back-7c1d" {
			t.Errorf("%s: after moving to value_wo the vault does not hold the configured value", e.address)
		}
	}
	w.setConfig(ownedOutside(v, `initial_value_wo = "initial-value-3e9a"`, "two"))
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("moving back to initial_value_wo, the plan changes %v, want nothing", changes)
	}
	w.assertStateLacks(ctx, "initial-value-3e9a", "taken-back-7c1d")
}

// assertStateLacks fails when the state or a plan of the working directory holds any of values,
// apart from the plan's copy of the configuration, which holds the test's literals as written
// (a real configuration takes them from ephemeral variables).
func (w *cliWorkdir) assertStateLacks(ctx context.Context, values ...string) {
	w.t.Helper()
	state := w.mustRun(ctx, "state", "pull")
	w.mustRun(ctx, "plan", "-out=lacks.tfplan")
	out := w.mustRun(ctx, "show", "-json", "lacks.tfplan")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var plan map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &plan); err != nil {
		w.t.Fatalf("show -json: %v", err)
	}
	if err := valuesAbsent(values).scan("state", json.RawMessage(state)); err != nil {
		w.t.Error(err)
	}
	delete(plan, "configuration")
	if err := valuesAbsent(values).scan("plan", plan); err != nil {
		w.t.Error(err)
	}
}

// foreignVersionKeepingTags writes value as a new version of kvName with the latest version's
// tags, as a careful rotation outside Terraform does (a version written without them shows as
// drift of the description and tags, which the next apply writes back).
func (v *accVault) foreignVersionKeepingTags(kvName, value string) string {
	v.t.Helper()
	resp, err := v.kvClient().SetSecret(context.Background(), kvName, azsecrets.SetSecretParameters{Value: to.Ptr(value), Tags: v.latest(kvName).Tags}, nil)
	if err != nil {
		v.t.Fatalf("writing a version out of band: %v", err)
	}
	return resp.ID.Version()
}

// From value to initial_value_wo: the value leaves the state and nothing is written.
func TestAccInitialValue_fromValue(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("the audit log (request counts)")
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	w := newCLIWorkdir(t, ownedOutside(v, `value = "kept-in-state-51b0"`, "d"))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")
	versions := map[string]string{}
	for _, e := range ownedOutsideEntries {
		versions[e.address] = v.latest(e.kvName).ID.Version()
	}
	w.setConfig(ownedOutside(v, `initial_value_wo = "ignored-now-2d77"`, "d"))
	meter := &requestMeter{v: v}
	w.mustRun(ctx, "plan", "-out=move.tfplan")
	meter.reset()
	w.mustRun(ctx, "apply", "move.tfplan")
	if got := meter.requests(); len(got) != 0 {
		t.Errorf("moving to initial_value_wo made requests %v, want none", got)
	}
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); got.ID.Version() != versions[e.address] {
			t.Errorf("%s: moving to initial_value_wo wrote version %s", e.address, got.ID.Version())
		}
	}
	w.assertStateLacks(ctx, "kept-in-state-51b0", "ignored-now-2d77")
}

// initial_value_wo is for secrets and for configs of type secret; with another value source
// it is refused at plan.
func TestAccInitialValue_badInput(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id  = %q
  key              = "default_region"
  type             = "string"
  initial_value_wo = "westeurope"
}
`, testOrg)),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("Attribute only for secret configs", `this config is of type "string"`),
			},
			{
				Config:      v.config(secretConfig("both", "v", `initial_value_wo = "w"`)),
				PlanOnly:    true,
				ExpectError: expectDiagnostic("Invalid Attribute Combination", "[value,value_wo,value_from_key_vault_secret,initial_value_wo]"),
			},
			{Config: v.config(secretConfig("both", "v", ""))},
		},
	})
}

// compared declares a secret and a config of type secret with value_wo and no
// value_wo_version.
func compared(v *accVault, value string) string {
	return ownedOutside(v, fmt.Sprintf("value_wo = %q", value), "d")
}

// value_wo without value_wo_version: a new value in the configuration plans a write on its own,
// a version written outside Terraform is drift, and nothing derived from the value is in the
// state or the plan. The requests: a refreshing plan reads each entry once (the comparison
// uses that read); a plan without refresh reads the version the state names; the apply's own
// plan reads it again before the write.
func TestAccWriteOnly_withoutVersion(t *testing.T) {
	v := newAccVault(t)
	v.requireEmulator("the audit log (request counts)")
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	w := newCLIWorkdir(t, compared(v, "first-4a1f"))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")
	meter := &requestMeter{v: v}
	both := []string{"bifrost_config.owned update", "bifrost_secret.owned update"}

	meter.reset()
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("the plan with the written value changes %v", changes)
	}
	if got, want := meter.requests(), map[string]int{emulator.OpGetSecret: 2}; !maps.Equal(got, want) {
		t.Errorf("the refreshing plan made requests %v, want %v (one read per entry)", got, want)
	}

	w.setConfig(compared(v, "second-8b2e"))
	meter.reset()
	if changes := w.changes(ctx); !slices.Equal(changes, both) {
		t.Errorf("after a new value_wo the plan changes %v, want %v", changes, both)
	}
	if got, want := meter.requests(), map[string]int{emulator.OpGetSecret: 2}; !maps.Equal(got, want) {
		t.Errorf("the refreshing plan made requests %v, want %v (one read per entry)", got, want)
	}
	meter.reset()
	w.mustRun(ctx, "plan", "-refresh=false")
	if got, want := meter.requests(), map[string]int{emulator.OpGetSecret: 2}; !maps.Equal(got, want) {
		t.Errorf("the plan without refresh made requests %v, want %v (one read of each version in state)", got, want)
	}
	w.mustRun(ctx, "plan", "-out=write.tfplan")
	meter.reset()
	w.mustRun(ctx, "apply", "write.tfplan")
	if got, want := meter.requests(), map[string]int{emulator.OpGetSecret: 2, emulator.OpSetSecret: 2}; !maps.Equal(got, want) {
		t.Errorf("the apply made requests %v, want %v (the apply's plan reads each version in state, then each write)", got, want)
	}
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); *got.Value != "second-8b2e" {
			t.Errorf("%s: the vault does not hold the new value_wo", e.address)
		}
	}
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("after the apply the plan changes %v", changes)
	}

	// A version written outside Terraform is drift the next apply corrects.
	for _, e := range ownedOutsideEntries {
		v.foreignVersion(e.kvName, "rotated-outside")
	}
	if changes := w.changes(ctx); !slices.Equal(changes, both) {
		t.Errorf("after versions written outside Terraform the plan changes %v, want %v", changes, both)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); *got.Value != "second-8b2e" {
			t.Errorf("%s: the apply did not restore the declared value", e.address)
		}
	}
	w.assertStateLacks(ctx, "first-4a1f", "second-8b2e")
}

// From value to value_wo with the same value: no new version, and the value leaves the state.
func TestAccWriteOnly_fromValueSameValue(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	w := newCLIWorkdir(t, ownedOutside(v, `value = "same-value-0c4d"`, "d"))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")
	versions := map[string]string{}
	for _, e := range ownedOutsideEntries {
		versions[e.address] = v.latest(e.kvName).ID.Version()
	}
	w.setConfig(compared(v, "same-value-0c4d"))
	w.mustRun(ctx, "apply", "-auto-approve")
	for _, e := range ownedOutsideEntries {
		if got := v.latest(e.kvName); got.ID.Version() != versions[e.address] {
			t.Errorf("%s: moving to value_wo with the same value wrote version %s", e.address, got.ID.Version())
		}
	}
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("after the move the plan changes %v", changes)
	}
	w.assertStateLacks(ctx, "same-value-0c4d")
}

// expiring declares entries with expiry dates relative to now: a secret in 10 days, a config
// (of type string: any type takes dates) past by a day, and a secret in 60 days.
func expiring(v *accVault, now time.Time, extra ...string) string {
	date := func(d time.Duration) string { return now.Add(d).UTC().Truncate(time.Second).Format(time.RFC3339) }
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "soon" {
  organization_id = %[1]q
  name            = "expires-soon"
  value           = "v"
  expires_at      = %[2]q
}

resource "bifrost_config" "past" {
  organization_id = %[1]q
  key             = "expired_region"
  type            = "string"
  value           = "westeurope"
  not_before      = %[5]q
  expires_at      = %[3]q
}

resource "bifrost_secret" "later" {
  organization_id = %[1]q
  name            = "expires-later"
  value           = "v"
  expires_at      = %[4]q
}
`, testOrg, date(10*24*time.Hour), date(-24*time.Hour), date(60*24*time.Hour), date(-48*time.Hour)), extra...)
}

// Expiry dates are shown coming: a plan warns for entries whose expires_at is within
// expiry_warning_days (30 by default) or past, naming each and its date, and not for others;
// 0 turns the warning off. Configs take expires_at and not_before like secrets, and Key Vault
// keeps them. Reading an expired entry through a data source warns.
func TestAccExpiry_warnings(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	now := time.Now()
	w := newCLIWorkdir(t, expiring(v, now))
	out := w.mustRun(ctx, "apply", "-auto-approve")
	soon := now.Add(10 * 24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	past := now.Add(-24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	assertSays(t, out, "Secret expires soon", fmt.Sprintf(`secret "expires-soon" in organization %s expires on %s`, testOrg, soon),
		"Config has expired", fmt.Sprintf(`config "expired_region" in organization %s expired on %s`, testOrg, past),
		"Key Vault does not enforce expiry dates")
	if strings.Contains(diagnosticText(out), `secret "expires-later"`) {
		t.Errorf("a secret expiring in 60 days was warned about:\n%s", out)
	}
	out = w.mustRun(ctx, "plan")
	assertSays(t, out, "No changes", "Secret expires soon", "Config has expired")
	got, err := v.store().GetMetadata(ctx, testOrg, bifrost.KindConfig, "expired_region")
	if err != nil || got.ExpiresAt == nil || got.ExpiresAt.UTC().Format(time.RFC3339) != past || got.NotBefore == nil {
		t.Errorf("the config's dates in Key Vault: %+v, %v", got, err)
	}

	w.setConfig(expiring(v, now, "expiry_warning_days = 0") + fmt.Sprintf(`
data "bifrost_config" "past" {
  organization_id = %q
  key             = "expired_region"
  depends_on      = [bifrost_config.past]
}
`, testOrg))
	out = w.mustRun(ctx, "apply", "-auto-approve")
	if strings.Contains(out, "expires soon") || strings.Contains(out, "has expired") {
		t.Errorf("with expiry_warning_days = 0 the plan still warned:\n%s", out)
	}
	assertSays(t, out, "Read a config past its expiry date", `config "expired_region"`)
}

// The list data sources give each entry's dates, whether it is enabled, and when it was last
// written.
func TestAccExpiry_listsShowDates(t *testing.T) {
	v := newAccVault(t)
	now := time.Now()
	past := now.Add(-24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	soon := now.Add(10 * 24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	lists := fmt.Sprintf(`
data "bifrost_secrets" "org" {
  organization_id = %[1]q
  depends_on      = [bifrost_secret.soon, bifrost_secret.later]
}

data "bifrost_configs" "org" {
  organization_id = %[1]q
  depends_on      = [bifrost_config.past]
}
`, testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: expiring(v, now) + lists,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.bifrost_secrets.org", tfjsonpath.New("secrets"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("expires-later"), "enabled": knownvalue.Bool(true),
							"not_before": knownvalue.Null(), "updated_at": knownvalue.NotNull(),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("expires-soon"), "enabled": knownvalue.Bool(true),
							"expires_at": knownvalue.StringExact(soon), "updated_at": knownvalue.NotNull(),
						}),
					})),
					statecheck.ExpectKnownValue("data.bifrost_configs.org", tfjsonpath.New("configs"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"key": knownvalue.StringExact("expired_region"), "enabled": knownvalue.Bool(true),
							"expires_at": knownvalue.StringExact(past), "not_before": knownvalue.NotNull(), "updated_at": knownvalue.NotNull(),
						}),
					})),
				},
			},
		},
	})
}

// value_wo without value_wo_version on disabled entries, whose value Key Vault hides: a secret
// kept disabled is not compared (no write on every plan); a config disabled outside Terraform is
// written again, enabled, and the plan after is empty.
func TestAccWriteOnly_withoutVersionDisabled(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), outsideTimeout)
	defer cancel()
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
resource "bifrost_secret" "off" {
  organization_id = %[1]q
  name            = "kept-disabled"
  value_wo        = "hidden-value-9e2c"
  enabled         = false
}

resource "bifrost_config" "cfg" {
  organization_id = %[1]q
  key             = "disabled_outside"
  type            = "secret"
  value_wo        = "config-value-5f7a"
}
`, testOrg)))
	w.requireWriteOnly(ctx)
	w.mustRun(ctx, "apply", "-auto-approve")
	for i := range 2 {
		if changes := w.changes(ctx); len(changes) != 0 {
			t.Fatalf("plan %d with a disabled secret changes %v, want nothing", i+1, changes)
		}
	}
	kvName := bifrost.KeyVaultName(testOrg, bifrost.KindConfig, "disabled_outside")
	v.foreignPatch(kvName, azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(false)}})
	if changes := w.changes(ctx); !slices.Equal(changes, []string{"bifrost_config.cfg update"}) {
		t.Errorf("after the config was disabled outside Terraform the plan changes %v, want it written again", changes)
	}
	w.mustRun(ctx, "apply", "-auto-approve")
	if got := v.latest(kvName); !*got.Attributes.Enabled || *got.Value != "config-value-5f7a" {
		t.Error("the config is not enabled with its value after the apply")
	}
	if changes := w.changes(ctx); len(changes) != 0 {
		t.Errorf("after the apply the plan changes %v", changes)
	}
}
