package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// legacyName is the Key Vault name Bifrost used before the layout contract, {org}--{key}, of
// a key of testOrg.
func legacyName(key string) string { return testOrg + "--" + key }

// seedLegacy writes a legacy secret the way older Bifrost versions did (no tags) and returns
// its version.
func (v *accVault) seedLegacy(ctx context.Context, name, value string, enabled bool) string {
	v.t.Helper()
	got, err := v.kvClient().SetSecret(ctx, name, azsecrets.SetSecretParameters{
		Value:            to.Ptr(value),
		SecretAttributes: &azsecrets.SecretAttributes{Enabled: to.Ptr(enabled)},
	}, nil)
	if err != nil {
		v.t.Fatalf("seeding legacy secret %q: %v", name, err)
	}
	return got.ID.Version()
}

// checkLegacyUntouched asserts that the legacy secret still has the version and value it
// was seeded with: the migration only reads it.
func (v *accVault) checkLegacyUntouched(name, version, value string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := v.kvClient().GetSecret(context.Background(), name, "", nil)
		if err != nil {
			return fmt.Errorf("the legacy secret %q is gone: %w", name, err)
		}
		if got.ID.Version() != version {
			return fmt.Errorf("the legacy secret %q has version %s, want %s: the migration wrote to it", name, got.ID.Version(), version)
		}
		if got.Value == nil || *got.Value != value {
			return fmt.Errorf("the legacy secret %q holds another value than it was seeded with", name)
		}
		return nil
	}
}

// outOfBandWrite writes value as a new version of a contract entry with its tags, as another
// tool would.
func (v *accVault) outOfBandWrite(scope bifrost.Scope, name, value string) {
	v.t.Helper()
	got, err := v.store().GetMetadata(context.Background(), scope, bifrost.KindSecret, name)
	if err != nil {
		v.t.Fatal(err)
	}
	tags := map[string]*string{}
	for k, val := range got.KeyVaultTags() {
		tags[k] = to.Ptr(val)
	}
	if _, err := v.kvClient().SetSecret(context.Background(), got.KeyVaultName, azsecrets.SetSecretParameters{Value: to.Ptr(value), Tags: tags}, nil); err != nil {
		v.t.Fatal(err)
	}
}

const migrationSecret = `
resource "bifrost_secret" "stripe" {
  organization_id             = %[1]q
  name                        = "stripe-key"
  value_from_key_vault_secret = %[2]q
}

resource "bifrost_config" "stripe" {
  organization_id = %[1]q
  key             = "stripe_key"
  type            = "secret_reference"
  secret_id       = bifrost_secret.stripe.id
}
`

// TestAccMigration_fromLegacyName moves a legacy {org}--{key} secret into the layout: the
// contract entry gets the value, the legacy secret is untouched, the value is in no plan or
// state, a reference to the new entry resolves, a change made outside Terraform is copied
// over again, and another source is copied from.
func TestAccMigration_fromLegacyName(t *testing.T) {
	const value = "sk-live-legacy-4242"
	v := newAccVault(t)
	ctx := context.Background()
	scope := bifrost.Scope(testOrg)
	legacy := legacyName("stripe-key")
	legacyVersion := v.seedLegacy(ctx, legacy, value, true)
	otherLegacy := legacyName("stripe-key-2")
	v.seedLegacy(ctx, otherLegacy, "sk-live-other-4343", true)
	cfg := v.config(fmt.Sprintf(migrationSecret, testOrg, legacy))
	resolve := fmt.Sprintf(`
data "bifrost_config" "stripe" {
  organization_id = %q
  key             = "stripe_key"
  depends_on      = [bifrost_config.stripe]
}
`, testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.stripe", plancheck.ResourceActionCreate),
					valuesAbsent{value},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					v.checkVaultValue(scope, "stripe-key", value),
					v.checkLegacyUntouched(legacy, legacyVersion, value),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					valuesAbsent{value},
					statecheck.ExpectKnownValue("bifrost_secret.stripe", tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue("bifrost_secret.stripe", tfjsonpath.New("key_vault_secret_name"),
						knownvalue.StringExact(bifrost.KeyVaultName(scope, bifrost.KindSecret, "stripe-key"))),
					statecheck.ExpectKnownValue("bifrost_secret.stripe", tfjsonpath.New("value_from_key_vault_secret"), knownvalue.StringExact(legacy)),
				},
			},
			{
				// The entry is an ordinary contract entry: a reference to it resolves.
				Config: cfg + resolve,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.bifrost_config.stripe", tfjsonpath.New("value"), knownSecretValue(value)),
				},
			},
			{
				// A write outside Terraform shows as an update, which copies the source again.
				PreConfig: func() { v.outOfBandWrite(scope, "stripe-key", "written-by-hand") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.stripe", plancheck.ResourceActionUpdate),
					valuesAbsent{value},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					v.checkVaultValue(scope, "stripe-key", value),
					v.checkLegacyUntouched(legacy, legacyVersion, value),
				),
				ConfigStateChecks: []statecheck.StateCheck{valuesAbsent{value}},
			},
			{
				Config:   cfg,
				PlanOnly: true,
			},
			{
				// Another source is an update that copies from it.
				Config: v.config(fmt.Sprintf(migrationSecret, testOrg, otherLegacy)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.stripe", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					v.checkVaultValue(scope, "stripe-key", "sk-live-other-4343"),
					v.checkLegacyUntouched(legacy, legacyVersion, value),
				),
				ConfigStateChecks: []statecheck.StateCheck{valuesAbsent{value, "sk-live-other-4343"}},
			},
		},
	})
}

// TestAccMigration_thenWriteOnly: after the copy, the next rotation switches to value_wo; the
// plan is one in-place update and the legacy secret stays as it was.
func TestAccMigration_thenWriteOnly(t *testing.T) {
	const value = "sk-live-legacy-5151"
	v := newAccVault(t)
	ctx := context.Background()
	scope := bifrost.Scope(testOrg)
	legacy := legacyName("stripe-key")
	legacyVersion := v.seedLegacy(ctx, legacy, value, true)
	migrated := v.config(fmt.Sprintf(migrationSecret, testOrg, legacy))
	rotated := strings.Replace(migrated, fmt.Sprintf("value_from_key_vault_secret = %q", legacy),
		"value_wo = \"sk-live-rotated-6262\"\n  value_wo_version = 1", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: migrated,
				Check:  v.checkVaultValue(scope, "stripe-key", value),
			},
			{
				Config: rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.stripe", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("bifrost_config.stripe", plancheck.ResourceActionNoop),
					valuesAbsent{value, "sk-live-rotated-6262"},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					v.checkVaultValue(scope, "stripe-key", "sk-live-rotated-6262"),
					v.checkLegacyUntouched(legacy, legacyVersion, value),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					valuesAbsent{value, "sk-live-rotated-6262"},
					statecheck.ExpectKnownValue("bifrost_secret.stripe", tfjsonpath.New("value_from_key_vault_secret"), knownvalue.Null()),
				},
			},
			{
				// Drift is still seen through the version value_wo wrote.
				PreConfig: func() { v.outOfBandWrite(scope, "stripe-key", "written-by-hand") },
				Config:    rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.stripe", plancheck.ResourceActionUpdate),
				}},
				Check: v.checkVaultValue(scope, "stripe-key", "sk-live-rotated-6262"),
			},
		},
	})
}

// TestAccMigration_badSource: a source that is missing, disabled, in another vault or already
// a Bifrost entry is refused with a diagnostic that names it, and nothing is written.
func TestAccMigration_badSource(t *testing.T) {
	v := newAccVault(t)
	ctx := context.Background()
	scope := bifrost.Scope(testOrg)
	disabled := legacyName("disabled-key")
	v.seedLegacy(ctx, disabled, "sk-disabled-7373", false)
	contract, err := v.store().Create(ctx, bifrost.Entry{Scope: scope, Kind: bifrost.KindSecret, Name: "already", Value: "sk-contract-8484", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	good := legacyName("good-key")
	v.seedLegacy(ctx, good, "sk-good-9595", true)
	missing := legacyName("missing-key")
	otherVault := "https://other-vault.vault.azure.net/secrets/" + legacyName("stripe-key")
	copyFrom := func(source string) string {
		return v.config(fmt.Sprintf(`
resource "bifrost_secret" "test" {
  organization_id             = %q
  name                        = "copied"
  value_from_key_vault_secret = %q
}
`, testOrg, source))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: copyFrom(missing), ExpectError: expectDiagnostic("Entry not found", fmt.Sprintf("Key Vault secret %q", missing), "does not exist")},
			{Config: copyFrom(disabled), ExpectError: expectDiagnostic("Secret is disabled", fmt.Sprintf("Key Vault secret %q", disabled), "enable it")},
			{Config: copyFrom(otherVault), PlanOnly: true, ExpectError: expectDiagnostic("Invalid value_from_key_vault_secret", "another vault", "other-vault.vault.azure.net")},
			{Config: copyFrom(contract.KeyVaultName), ExpectError: expectDiagnostic(contract.KeyVaultName, "already a Bifrost entry", `secret "already"`, "import")},
			{Config: copyFrom(good) + `
resource "bifrost_secret" "both" {
  organization_id             = "global"
  name                        = "both"
  value                       = "v"
  value_from_key_vault_secret = "legacy"
}
`, PlanOnly: true, ExpectError: expectDiagnostic("Invalid Attribute Combination", "value_from_key_vault_secret")},
			{Config: copyFrom("not a name"), PlanOnly: true, ExpectError: expectDiagnostic("value_from_key_vault_secret", "Key Vault secret name")},
			{
				// After the refusals, nothing was written; a good source, given by its URL in the
				// provider's vault, then copies.
				PreConfig: func() {
					if _, err := v.store().Get(ctx, scope, bifrost.KindSecret, "copied"); err == nil {
						t.Error("a refused copy wrote the contract entry")
					}
				},
				Config: copyFrom(strings.TrimSuffix(v.VaultURL(), "/") + "/secrets/" + good),
				Check:  v.checkVaultValue(scope, "copied", "sk-good-9595"),
			},
		},
	})
}

// TestAccMigration_forEach moves a whole organization from its legacy names with one
// resource and for_each over the legacy keys, through the CLI (terraform-plugin-testing's
// state view rejects for_each addresses), then checks one plan with no changes.
func TestAccMigration_forEach(t *testing.T) {
	v := newAccVault(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	keys := []string{"stripe-key", "smtp-password", "sentry-dsn"}
	versions := map[string]string{}
	for _, k := range keys {
		versions[k] = v.seedLegacy(ctx, legacyName(k), "legacy-value-of-"+k, true)
	}
	w := newCLIWorkdir(t, v.config(fmt.Sprintf(`
locals {
  organization_id = %q
  legacy_keys     = toset(%s)
}

resource "bifrost_secret" "migrated" {
  for_each                    = local.legacy_keys
  organization_id             = local.organization_id
  name                        = each.key
  value_from_key_vault_secret = "${local.organization_id}--${each.key}"
}
`, testOrg, hclList(keys))))
	v.ResetRequestCounts()
	if out, err := w.apply(ctx, 1); err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	// The migration guide gives these numbers: per secret, the GET of the source and the
	// create's GET and PUT, plus the one unauthenticated request the Azure client sends first
	// to learn the token's audience.
	counts := nonZero(v.RequestCounts())
	t.Logf("requests for the migration of %d secrets: %v", len(keys), counts)
	if want := map[string]int{emulator.OpGetSecret: 2*len(keys) + 1, emulator.OpSetSecret: len(keys)}; !maps.Equal(counts, want) {
		t.Errorf("requests: %v, want %v", counts, want)
	}
	for _, k := range keys {
		if err := v.checkVaultValue(bifrost.Scope(testOrg), k, "legacy-value-of-"+k)(nil); err != nil {
			t.Error(err)
		}
		if err := v.checkLegacyUntouched(legacyName(k), versions[k], "legacy-value-of-"+k)(nil); err != nil {
			t.Error(err)
		}
	}
	state, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(string(state), "legacy-value-of-"+k) {
			t.Errorf("the state holds the value copied from %q", legacyName(k))
		}
	}
	if code, out := w.planExitCode(ctx); code != 0 {
		t.Fatalf("plan after the migration exited %d, want 0 (no changes)\n%s", code, out)
	}
}

// hclList is an HCL list of strings.
func hclList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
