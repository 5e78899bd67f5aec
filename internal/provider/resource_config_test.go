package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// Acceptance tests of the bifrost_config resource. Every test starts its own Key Vault
// emulator; values are checked in Key Vault through the domain store, and no failure message
// ever repeats a value (only lengths), even though these are test fixtures.

// cfgAccVersionRe is the shape of a Key Vault version id.
var cfgAccVersionRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

// cfgAccCtx bounds one out-of-band call to the emulator.
func cfgAccCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// cfgAccStored checks, in Key Vault, that the config scope/key holds want with type typ.
func cfgAccStored(t *testing.T, v *accVault, scope, key string, typ bifrost.ConfigType, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := v.store().Get(cfgAccCtx(t), bifrost.Scope(scope), bifrost.KindConfig, key)
		if err != nil {
			return fmt.Errorf("reading config %s/%s from Key Vault: %w", scope, key, err)
		}
		if got.Type != typ {
			return fmt.Errorf("config %s/%s: Key Vault type tag is %q, want %q", scope, key, got.Type, typ)
		}
		if got.Value != want {
			return fmt.Errorf("config %s/%s: Key Vault holds a different value than declared (%d bytes, want %d bytes)", scope, key, len(got.Value), len(want))
		}
		return nil
	}
}

// cfgAccStoredDescription checks the description of testOrg's default_region config as Key
// Vault keeps it (a tag).
func cfgAccStoredDescription(t *testing.T, v *accVault, want string) resource.TestCheckFunc {
	const scope, key = testOrg, "default_region"
	return func(*terraform.State) error {
		got, err := v.store().GetMetadata(cfgAccCtx(t), scope, bifrost.KindConfig, key)
		if err != nil {
			return fmt.Errorf("reading config %s/%s from Key Vault: %w", scope, key, err)
		}
		if got.Description != want {
			return fmt.Errorf("config %s/%s: Key Vault description is %q, want %q", scope, key, got.Description, want)
		}
		return nil
	}
}

// cfgAccAttrIs checks a (possibly sensitive) attribute without printing either value.
func cfgAccAttrIs(name, attr, want string) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(name, tfjsonpath.New(attr), knownSecretValue(want))
}

// cfgAccCheckSoftDeleted is a CheckDestroy: each named config is gone from the live list but
// recoverable (destroy soft-deletes unless purge_on_destroy is set).
func cfgAccCheckSoftDeleted(t *testing.T, v *accVault, scope string, keys ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := cfgAccCtx(t)
		for _, key := range keys {
			_, err := v.store().GetMetadata(ctx, bifrost.Scope(scope), bifrost.KindConfig, key)
			if !errors.Is(err, bifrost.ErrNotFound) {
				return fmt.Errorf("config %s/%s: after destroy, want not found, got %v", scope, key, err)
			}
			kvName := bifrost.KeyVaultName(bifrost.Scope(scope), bifrost.KindConfig, key)
			if err := v.softDeleted(kvName); err != nil {
				return fmt.Errorf("config %s/%s: after destroy, want a soft-deleted (recoverable) Key Vault secret %s: %w", scope, key, kvName, err)
			}
		}
		return nil
	}
}

// cfgAccRotate writes value as a new version of scope/key behind Terraform's back, keeping the
// entry's tags (type and description), as another tool following the layout would.
func cfgAccRotate(t *testing.T, v *accVault, scope, key, value string) {
	t.Helper()
	ctx := cfgAccCtx(t)
	cur, err := v.store().GetMetadata(ctx, bifrost.Scope(scope), bifrost.KindConfig, key)
	if err != nil {
		t.Fatalf("reading config %s/%s before the out-of-band change: %v", scope, key, err)
	}
	cur.Value = value
	if _, err := v.store().Rotate(ctx, *cur); err != nil {
		t.Fatalf("out-of-band change of config %s/%s: %v", scope, key, err)
	}
}

func cfgAccKVName(scope, key string) string {
	return bifrost.KeyVaultName(bifrost.Scope(scope), bifrost.KindConfig, key)
}

// cfgAccComputed checks the computed attributes every config has after apply.
func cfgAccComputed(name, scope, key string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringExact(scope+"/"+key)),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("organization_id"), knownvalue.StringExact(scope)),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("key"), knownvalue.StringExact(key)),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("key_vault_secret_name"), knownvalue.StringExact(cfgAccKVName(scope, key))),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("key_vault_secret_id"),
			knownvalue.StringRegexp(regexp.MustCompile(`^https://.+/secrets/`+regexp.QuoteMeta(cfgAccKVName(scope, key))+`$`))),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("version"), knownvalue.StringRegexp(cfgAccVersionRe)),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("created_at"), knownRFC3339),
		statecheck.ExpectKnownValue(name, tfjsonpath.New("updated_at"), knownRFC3339),
	}
}

func cfgAccTypesConfig(v *accVault, region, regionDescription string) string {
	desc := ""
	if regionDescription != "" {
		desc = fmt.Sprintf("description     = %q", regionDescription)
	}
	return v.config(fmt.Sprintf(`
resource "bifrost_config" "string" {
  organization_id = %[1]q
  key             = "default_region"
  type            = "string"
  value           = %[2]q
  %[3]s
}

resource "bifrost_config" "int" {
  organization_id = %[1]q
  key             = "max_retries"
  type            = "int"
  value           = "42"
}

resource "bifrost_config" "bool" {
  organization_id = %[1]q
  key             = "tickets_enabled"
  type            = "bool"
  value           = "true"
}

resource "bifrost_config" "json" {
  organization_id = %[1]q
  key             = "escalation_policy"
  type            = "json"
  value           = jsonencode({ retries = 3, regions = ["eu", "us"] })
}

resource "bifrost_config" "secret" {
  organization_id = %[1]q
  key             = "Stripe_API_Key"
  type            = "secret"
  value           = "sk-test-types-0001"
}
`, testOrg, region, desc))
}

func TestAccConfig_types(t *testing.T) {
	v := newAccVault(t)
	versionChanges := statecheck.CompareValue(compare.ValuesDiffer())
	versionKept := statecheck.CompareValue(compare.ValuesSame())
	str := "bifrost_config.string"

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: cfgAccCheckSoftDeleted(t, v, testOrg,
			"default_region", "max_retries", "tickets_enabled", "escalation_policy", "Stripe_API_Key"),
		Steps: []resource.TestStep{
			{
				Config: cfgAccTypesConfig(v, "westeurope", "Region for new tenants"),
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
					cfgAccStored(t, v, testOrg, "max_retries", bifrost.TypeInt, "42"),
					cfgAccStored(t, v, testOrg, "tickets_enabled", bifrost.TypeBool, "true"),
					cfgAccStored(t, v, testOrg, "escalation_policy", bifrost.TypeJSON, `{"regions":["eu","us"],"retries":3}`),
					cfgAccStored(t, v, testOrg, "Stripe_API_Key", bifrost.TypeSecret, "sk-test-types-0001"),
					cfgAccStoredDescription(t, v, "Region for new tenants"),
				),
				ConfigStateChecks: slices.Concat(
					cfgAccComputed(str, testOrg, "default_region"),
					cfgAccComputed("bifrost_config.int", testOrg, "max_retries"),
					cfgAccComputed("bifrost_config.bool", testOrg, "tickets_enabled"),
					cfgAccComputed("bifrost_config.json", testOrg, "escalation_policy"),
					cfgAccComputed("bifrost_config.secret", testOrg, "Stripe_API_Key"),
					[]statecheck.StateCheck{
						statecheck.ExpectKnownValue(str, tfjsonpath.New("type"), knownvalue.StringExact("string")),
						statecheck.ExpectKnownValue(str, tfjsonpath.New("value"), knownvalue.StringExact("westeurope")),
						statecheck.ExpectKnownValue(str, tfjsonpath.New("description"), knownvalue.StringExact("Region for new tenants")),
						statecheck.ExpectKnownValue(str, tfjsonpath.New("secret_id"), knownvalue.Null()),
						statecheck.ExpectKnownValue("bifrost_config.secret", tfjsonpath.New("type"), knownvalue.StringExact("secret")),
						versionChanges.AddStateValue(str, tfjsonpath.New("version")),
					},
				),
			},
			{
				// A new value is a new Key Vault version, written in place.
				Config: cfgAccTypesConfig(v, "northeurope", "Region for new tenants"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(str, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(str, tfjsonpath.New("version")),
						// What does not change with a new version stays known.
						plancheck.ExpectKnownValue(str, tfjsonpath.New("key_vault_secret_name"), knownvalue.StringExact(cfgAccKVName(testOrg, "default_region"))),
						plancheck.ExpectKnownValue(str, tfjsonpath.New("key_vault_secret_id"), knownvalue.NotNull()),
						plancheck.ExpectKnownValue(str, tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/default_region")),
						plancheck.ExpectResourceAction("bifrost_config.int", plancheck.ResourceActionNoop),
					},
				},
				Check: cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "northeurope"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(str, tfjsonpath.New("value"), knownvalue.StringExact("northeurope")),
					statecheck.ExpectKnownValue(str, tfjsonpath.New("version"), knownvalue.StringRegexp(cfgAccVersionRe)),
					versionChanges.AddStateValue(str, tfjsonpath.New("version")),
					versionKept.AddStateValue(str, tfjsonpath.New("version")),
				},
			},
			{
				// Only the description: a metadata PATCH, same version, known at plan time.
				Config: cfgAccTypesConfig(v, "northeurope", "Region for tenants created from now on"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(str, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(str, tfjsonpath.New("version"), knownvalue.StringRegexp(cfgAccVersionRe)),
						// created_at is the current version's creation time: unchanged by a PATCH.
						plancheck.ExpectKnownValue(str, tfjsonpath.New("created_at"), knownvalue.NotNull()),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "northeurope"),
					cfgAccStoredDescription(t, v, "Region for tenants created from now on"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(str, tfjsonpath.New("description"), knownvalue.StringExact("Region for tenants created from now on")),
					versionKept.AddStateValue(str, tfjsonpath.New("version")),
				},
			},
			{
				// Removing the description clears the tag, still without a new version.
				Config: cfgAccTypesConfig(v, "northeurope", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStoredDescription(t, v, ""),
					cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "northeurope"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(str, tfjsonpath.New("description"), knownvalue.Null()),
					versionKept.AddStateValue(str, tfjsonpath.New("version")),
				},
			},
		},
	})
}

func cfgAccImportConfig(v *accVault) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "psa" {
  organization_id = %[1]q
  name            = "psa-api-token"
  value           = "psa-token-import-0001"
}

resource "bifrost_config" "region" {
  organization_id = %[1]q
  key             = "default_region"
  type            = "string"
  value           = "westeurope"
  description     = "Region for new tenants"
}

resource "bifrost_config" "webhook" {
  organization_id = %[1]q
  key             = "webhook_signing_key"
  type            = "secret"
  value           = "whsec-import-0001"
}

resource "bifrost_config" "psa" {
  organization_id = %[1]q
  key             = "psa_api_token"
  type            = "secret_reference"
  secret_id       = bifrost_secret.psa.id
}

resource "bifrost_config" "global_flag" {
  organization_id = "global"
  key             = "maintenance_mode"
  type            = "bool"
  value           = "false"
}
`, testOrg))
}

func TestAccConfig_import(t *testing.T) {
	v := newAccVault(t)
	cfg := cfgAccImportConfig(v)
	importStep := func(name, id string) resource.TestStep {
		return resource.TestStep{
			Config:            cfg,
			ResourceName:      name,
			ImportState:       true,
			ImportStateId:     id,
			ImportStateVerify: true,
		}
	}
	importBlockStep := func(name, id string) resource.TestStep {
		return resource.TestStep{
			Config:          cfg,
			ResourceName:    name,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   id,
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: slices.Concat(
					cfgAccComputed("bifrost_config.region", testOrg, "default_region"),
					cfgAccComputed("bifrost_config.psa", testOrg, "psa_api_token"),
					cfgAccComputed("bifrost_config.global_flag", "global", "maintenance_mode"),
				),
			},
			importStep("bifrost_config.region", testOrg+"/default_region"),
			importStep("bifrost_config.webhook", testOrg+"/webhook_signing_key"),
			importStep("bifrost_config.psa", testOrg+"/psa_api_token"),
			importStep("bifrost_config.global_flag", "global/maintenance_mode"),
			importBlockStep("bifrost_config.region", testOrg+"/default_region"),
			importBlockStep("bifrost_config.webhook", testOrg+"/webhook_signing_key"),
			importBlockStep("bifrost_config.psa", testOrg+"/psa_api_token"),
			{
				// A key that does not exist in the scope cannot be imported.
				Config:        cfg,
				ResourceName:  "bifrost_config.region",
				ImportState:   true,
				ImportStateId: otherOrg + "/default_region",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				Config:        cfg,
				ResourceName:  "bifrost_config.region",
				ImportState:   true,
				ImportStateId: "default_region",
				ExpectError:   regexp.MustCompile(`Invalid import id`),
			},
			{
				// A key with a dash is a secret name, not a config key.
				Config:        cfg,
				ResourceName:  "bifrost_config.region",
				ImportState:   true,
				ImportStateId: testOrg + "/default-region",
				ExpectError:   regexp.MustCompile(`Invalid import id`),
			},
		},
	})
}

func cfgAccDriftConfig(v *accVault) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %[1]q
  key             = "default_region"
  type            = "string"
  value           = "westeurope"
  description     = "Region for new tenants"
}

resource "bifrost_config" "webhook" {
  organization_id = %[1]q
  key             = "webhook_signing_key"
  type            = "secret"
  value           = "whsec-drift-0001"

  timeouts = {
    create = "2m"
    read   = "1m"
    update = "2m"
    delete = "2m"
  }
}
`, testOrg))
}

func TestAccConfig_drift(t *testing.T) {
	v := newAccVault(t)
	cfg := cfgAccDriftConfig(v)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
					cfgAccStored(t, v, testOrg, "webhook_signing_key", bifrost.TypeSecret, "whsec-drift-0001"),
				),
			},
			{
				// Someone changes both values in Key Vault: the plan shows it, apply restores them.
				PreConfig: func() {
					cfgAccRotate(t, v, testOrg, "default_region", "eastus")
					cfgAccRotate(t, v, testOrg, "webhook_signing_key", "whsec-changed-by-hand")
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("bifrost_config.region", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("bifrost_config.webhook", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
					cfgAccStored(t, v, testOrg, "webhook_signing_key", bifrost.TypeSecret, "whsec-drift-0001"),
					cfgAccStoredDescription(t, v, "Region for new tenants"),
				),
			},
			{
				// Someone deletes a config: the plan creates it again (recovering the
				// soft-deleted Key Vault secret), and apply writes the declared value.
				PreConfig: func() {
					ctx := cfgAccCtx(t)
					if _, err := v.kvClient().DeleteSecret(ctx, cfgAccKVName(testOrg, "default_region"), nil); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("bifrost_config.region", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("bifrost_config.webhook", plancheck.ResourceActionNoop),
					},
				},
				Check:             cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
				ConfigStateChecks: cfgAccComputed("bifrost_config.region", testOrg, "default_region"),
			},
		},
	})
}

func cfgAccWriteOnlyConfig(v *accVault, value string, version int) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_config" "wo" {
  organization_id  = %q
  key              = "psa_client_secret"
  type             = "secret"
  value_wo         = %q
  value_wo_version = %d
}
`, testOrg, value, version))
}

func TestAccConfig_writeOnly(t *testing.T) {
	v := newAccVault(t)
	const (
		first  = "wo-first-value-5f2c"
		second = "wo-second-value-81ab"
		name   = "bifrost_config.wo"
		key    = "psa_client_secret"
	)
	free := valuesAbsent{first, second}
	versionChanges := statecheck.CompareValue(compare.ValuesDiffer())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		CheckDestroy:             cfgAccCheckSoftDeleted(t, v, testOrg, key),
		Steps: []resource.TestStep{
			{
				Config: cfgAccWriteOnlyConfig(v, first, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{free},
				},
				Check: cfgAccStored(t, v, testOrg, key, bifrost.TypeSecret, first),
				ConfigStateChecks: append(cfgAccComputed(name, testOrg, key),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value_wo_version"), knownvalue.Int64Exact(1)),
					free,
					versionChanges.AddStateValue(name, tfjsonpath.New("version")),
				),
			},
			{
				// Rotation: a new value_wo and a new value_wo_version write a new version.
				Config: cfgAccWriteOnlyConfig(v, second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						free,
						plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
					},
				},
				Check: cfgAccStored(t, v, testOrg, key, bifrost.TypeSecret, second),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value_wo_version"), knownvalue.Int64Exact(2)),
					free,
					versionChanges.AddStateValue(name, tfjsonpath.New("version")),
				},
			},
			{
				// A write-only value cannot be compared, but its version can: an out-of-band
				// change shows as an update, and apply writes the declared value again.
				PreConfig: func() { cfgAccRotate(t, v, testOrg, key, "changed-by-hand") },
				Config:    cfgAccWriteOnlyConfig(v, second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						free,
						plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
					},
				},
				Check: cfgAccStored(t, v, testOrg, key, bifrost.TypeSecret, second),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(name, tfjsonpath.New("value_wo_version"), knownvalue.Int64Exact(2)),
					free,
					versionChanges.AddStateValue(name, tfjsonpath.New("version")),
				},
			},
		},
	})
}

func cfgAccReferenceConfig(v *accVault, sharedValue string) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_secret" "shared" {
  organization_id = %[1]q
  name            = "psa-api-token"
  value           = %[2]q
}

resource "bifrost_secret" "smtp" {
  organization_id = "global"
  name            = "smtp-password"
  value           = "smtp-global-0001"
}

resource "bifrost_config" "ticketing" {
  organization_id = %[1]q
  key             = "ticketing_token"
  type            = "secret_reference"
  secret_id       = bifrost_secret.shared.id
}

resource "bifrost_config" "billing" {
  organization_id = %[1]q
  key             = "billing_token"
  type            = "secret_reference"
  secret_id       = bifrost_secret.shared.id
  description     = "PSA token for the billing sync"
}

resource "bifrost_config" "monitoring" {
  organization_id = %[1]q
  key             = "monitoring_token"
  type            = "secret_reference"
  secret_id       = bifrost_secret.shared.id
}

resource "bifrost_config" "smtp" {
  organization_id = %[1]q
  key             = "smtp_password"
  type            = "secret_reference"
  secret_id       = bifrost_secret.smtp.id
}

data "bifrost_config" "ticketing" {
  organization_id = %[1]q
  key             = bifrost_config.ticketing.key
  depends_on      = [bifrost_secret.shared]
}

data "bifrost_config" "billing" {
  organization_id = %[1]q
  key             = bifrost_config.billing.key
  depends_on      = [bifrost_secret.shared]
}

data "bifrost_config" "monitoring" {
  organization_id = %[1]q
  key             = bifrost_config.monitoring.key
  depends_on      = [bifrost_secret.shared]
}

data "bifrost_config" "smtp" {
  organization_id = %[1]q
  key             = bifrost_config.smtp.key
  depends_on      = [bifrost_secret.smtp]
}
`, testOrg, sharedValue))
}

func TestAccConfig_secretReference(t *testing.T) {
	v := newAccVault(t)
	const (
		v1 = "psa-token-ref-v1-7d1e"
		v2 = "psa-token-ref-v2-c93a"
	)
	sharedID := testOrg + "/psa-api-token"
	configs := []struct{ name, key string }{
		{"ticketing", "ticketing_token"}, {"billing", "billing_token"}, {"monitoring", "monitoring_token"},
	}
	// resolves checks the state: every config points at its secret and resolves value.
	resolves := func(value string) []statecheck.StateCheck {
		var checks []statecheck.StateCheck
		for _, c := range configs {
			r, d := "bifrost_config."+c.name, "data.bifrost_config."+c.name
			checks = append(checks,
				statecheck.ExpectKnownValue(r, tfjsonpath.New("secret_id"), knownvalue.StringExact(sharedID)),
				statecheck.ExpectKnownValue(r, tfjsonpath.New("value"), knownvalue.Null()),
				cfgAccAttrIs(d, "value", value),
				statecheck.ExpectKnownValue(d, tfjsonpath.New("type"), knownvalue.StringExact("secret_reference")),
				statecheck.ExpectKnownValue(d, tfjsonpath.New("resolved_scope"), knownvalue.StringExact(testOrg)),
				statecheck.ExpectKnownValue(d, tfjsonpath.New("secret_id"), knownvalue.StringExact(sharedID)),
			)
		}
		// The org config that points at a global secret.
		return append(checks,
			statecheck.ExpectKnownValue("bifrost_config.smtp", tfjsonpath.New("secret_id"), knownvalue.StringExact("global/smtp-password")),
			cfgAccAttrIs("data.bifrost_config.smtp", "value", "smtp-global-0001"),
			statecheck.ExpectKnownValue("data.bifrost_config.smtp", tfjsonpath.New("resolved_scope"), knownvalue.StringExact(testOrg)),
			statecheck.ExpectKnownValue("data.bifrost_config.smtp", tfjsonpath.New("secret_id"), knownvalue.StringExact("global/smtp-password")),
		)
	}
	// stored checks Key Vault: every config is stored as a reference to its secret.
	var storedChecks []resource.TestCheckFunc
	for _, c := range configs {
		storedChecks = append(storedChecks, cfgAccStored(t, v, testOrg, c.key, bifrost.TypeSecretReference, sharedID))
	}
	stored := resource.ComposeAggregateTestCheckFunc(append(storedChecks,
		cfgAccStored(t, v, testOrg, "smtp_password", bifrost.TypeSecretReference, "global/smtp-password"))...)

	var rotation []plancheck.PlanCheck
	for _, c := range configs {
		rotation = append(rotation, plancheck.ExpectResourceAction("bifrost_config."+c.name, plancheck.ResourceActionNoop))
	}
	rotation = append(rotation,
		plancheck.ExpectResourceAction("bifrost_config.smtp", plancheck.ResourceActionNoop),
		plancheck.ExpectResourceAction("bifrost_secret.shared", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("bifrost_secret.smtp", plancheck.ResourceActionNoop),
	)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:            cfgAccReferenceConfig(v, v1),
				Check:             stored,
				ConfigStateChecks: resolves(v1),
			},
			{
				// Rotate the shared secret once: no config changes, every one resolves the new value.
				Config:            cfgAccReferenceConfig(v, v2),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: rotation},
				Check:             stored,
				ConfigStateChecks: resolves(v2),
			},
		},
	})
}

func TestAccConfig_crossOrgReference(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "psa" {
  organization_id = %q
  key             = "psa_api_token"
  type            = "secret_reference"
  secret_id       = "%s/psa-api-token"
}
`, testOrg, otherOrg)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Secret reference crosses organizations.*may\s+not\s+reference\s+secret`),
			},
			{
				// A global config may only point at global secrets.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "psa" {
  organization_id = "global"
  key             = "psa_api_token"
  type            = "secret_reference"
  secret_id       = "%s/psa-api-token"
}
`, otherOrg)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Secret reference crosses organizations`),
			},
			{
				// Same check when the scope comes from the provider block.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "psa" {
  key       = "psa_api_token"
  type      = "secret_reference"
  secret_id = "%s/psa-api-token"
}
`, otherOrg), fmt.Sprintf("organization_id = %q", testOrg)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Secret reference crosses organizations`),
			},
		},
	})
}

func TestAccConfig_danglingReference(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "psa" {
  organization_id = %[1]q
  key             = "psa_api_token"
  type            = "secret_reference"
  secret_id       = "%[1]s/missing"
}
`, testOrg)),
				ExpectError: regexp.MustCompile(`(?s)Secret reference points at a missing secret.*` + regexp.QuoteMeta(testOrg+"/missing") + `.*does\s+not\s+exist`),
			},
		},
	})
	// Nothing was written.
	if _, err := v.store().GetMetadata(cfgAccCtx(t), testOrg, bifrost.KindConfig, "psa_api_token"); !errors.Is(err, bifrost.ErrNotFound) {
		t.Errorf("after the failed apply, want no config psa_api_token in Key Vault, got %v", err)
	}
}

func TestAccConfig_existingNotOverwritten(t *testing.T) {
	v := newAccVault(t)
	const (
		key    = "stripe_api_key"
		seeded = "sk-seeded-by-bifrost-ui"
	)
	seed, err := v.store().Create(cfgAccCtx(t), bifrost.Entry{
		Scope: testOrg, Kind: bifrost.KindConfig, Name: key, Type: bifrost.TypeSecret, Value: seeded, Enabled: true,
	})
	if err != nil {
		t.Fatalf("seeding the config: %v", err)
	}
	body := fmt.Sprintf(`
resource "bifrost_config" "stripe" {
  organization_id = %q
  key             = %q
  type            = "secret"
  value           = "sk-from-terraform"
}
`, testOrg, key)
	unchanged := func() {
		got, err := v.store().Get(cfgAccCtx(t), testOrg, bifrost.KindConfig, key)
		switch {
		case err != nil:
			t.Fatalf("reading the seeded config: %v", err)
		case got.Value != seeded:
			t.Fatalf("the seeded config was overwritten (value of %d bytes, want %d bytes)", len(got.Value), len(seeded))
		case got.Version != seed.Version:
			t.Fatalf("the seeded config got a new version %s (seeded %s)", got.Version, seed.Version)
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config: v.config(body),
				ExpectError: regexp.MustCompile(`(?s)Entry already exists.*import.*` +
					`id\s+=\s+` + regexp.QuoteMeta(`"`+testOrg+"/"+key+`"`)),
			},
			{
				// The way out the error names: an import block adopts it, then apply
				// writes the declared value as a new version.
				PreConfig: unchanged,
				Config: v.config(body + fmt.Sprintf(`
import {
  to = bifrost_config.stripe
  id = "%s/%s"
}
`, testOrg, key)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("bifrost_config.stripe", plancheck.ResourceActionUpdate),
					},
				},
				Check:             cfgAccStored(t, v, testOrg, key, bifrost.TypeSecret, "sk-from-terraform"),
				ConfigStateChecks: cfgAccComputed("bifrost_config.stripe", testOrg, key),
			},
		},
	})
}

func TestAccConfig_badInput(t *testing.T) {
	v := newAccVault(t)
	step := func(body, expect string, providerExtra ...string) resource.TestStep {
		return resource.TestStep{
			Config:      v.config(body, providerExtra...),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(expect),
		}
	}
	plain := func(typ, value string) string {
		return fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %q
  key             = "bad_input"
  type            = %q
  value           = %q
}
`, testOrg, typ, value)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(plain("int", "12a"), `(?s)Invalid int value.*decimal\s+integer`),
			step(plain("bool", "yes"), `(?s)Invalid bool value.*"true"\s+or\s+"false"`),
			step(plain("json", "{bad"), `(?s)Invalid json value.*not\s+valid\s+JSON`),
			step(plain("number", "1"), `(?s)Attribute type value must be one of`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %q
  key             = "api-key"
  type            = "string"
  value           = "x"
}
`, testOrg), `(?s)Invalid config key.*character\s+'-'`),
			step(`
resource "bifrost_config" "bad" {
  organization_id = "not-a-uuid"
  key             = "api_key"
  type            = "string"
  value           = "x"
}
`, `(?s)Invalid organization_id.*organization\s+UUID`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %[1]q
  key             = "api_key"
  type            = "secret_reference"
  secret_id       = "%[1]s/psa-api-token"
  value           = "x"
}
`, testOrg), `Attribute not allowed for secret_reference`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %[1]q
  key             = "api_key"
  type            = "secret_reference"
}
`, testOrg), `Missing secret_id`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %[1]q
  key             = "api_key"
  type            = "string"
  value           = "x"
  secret_id       = "%[1]s/psa-api-token"
}
`, testOrg), `Attribute only for secret_reference`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %q
  key             = "api_key"
  type            = "string"
}
`, testOrg), `(?s)Missing value.*needs\s+value\s+or\s+value_wo`),
			step(`
resource "bifrost_config" "bad" {
  key   = "api_key"
  type  = "string"
  value = "x"
}
`, `(?s)Missing organization_id.*never\s+picks\s+a\s+scope`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %q
  key             = "api_key"
  type            = "string"
  value           = "x"
  description     = %q
}
`, testOrg, strings.Repeat("d", 257)), `Invalid description`),
			step(fmt.Sprintf(`
resource "bifrost_config" "bad" {
  organization_id = %q
  key             = "api_key"
  type            = "secret"
  value           = ""
}
`, testOrg), `Invalid secret value`),
		},
	})
	// Nothing at all was written by the failed plans.
	if list, err := v.store().List(cfgAccCtx(t), testOrg, bifrost.KindConfig); err != nil || len(list) != 0 {
		t.Errorf("after plan-time errors, want no configs in Key Vault, got %d (err %v)", len(list), err)
	}
}

func TestAccConfig_providerDefaultScope(t *testing.T) {
	v := newAccVault(t)
	scopeLine := fmt.Sprintf("organization_id = %q", testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(`
resource "bifrost_config" "region" {
  key   = "default_region"
  type  = "string"
  value = "westeurope"
}
`, scopeLine),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// The scope, id and Key Vault name are known before apply.
						plancheck.ExpectKnownValue("bifrost_config.region", tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/default_region")),
						plancheck.ExpectKnownValue("bifrost_config.region", tfjsonpath.New("key_vault_secret_name"), knownvalue.StringExact(cfgAccKVName(testOrg, "default_region"))),
					},
				},
				Check:             cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
				ConfigStateChecks: cfgAccComputed("bifrost_config.region", testOrg, "default_region"),
			},
			{
				// Saying the same scope on the resource instead changes nothing.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %q
  key             = "default_region"
  type            = "string"
  value           = "westeurope"
}
`, testOrg), scopeLine),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("bifrost_config.region", plancheck.ResourceActionNoop),
					},
				},
			},
		},
	})
}

func TestAccConfig_readOnlyPrincipal(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.providerBlock("reader") + fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %q
  key             = "default_region"
  type            = "string"
  value           = "westeurope"
}
`, testOrg),
				ExpectError: regexp.MustCompile(`(?s)Permission denied by Key Vault.*Key\s+Vault\s+Secrets\s+Officer`),
			},
		},
	})
	if _, err := v.store().GetMetadata(cfgAccCtx(t), testOrg, bifrost.KindConfig, "default_region"); !errors.Is(err, bifrost.ErrNotFound) {
		t.Errorf("after the refused create, want no config in Key Vault, got %v", err)
	}
}

func TestAccConfig_emptyString(t *testing.T) {
	v := newAccVault(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// An empty string is a valid string config (config.get returns "").
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "suffix" {
  organization_id = %q
  key             = "ticket_suffix"
  type            = "string"
  value           = ""
}
`, testOrg)),
				Check: cfgAccStored(t, v, testOrg, "ticket_suffix", bifrost.TypeString, ""),
				ConfigStateChecks: append(cfgAccComputed("bifrost_config.suffix", testOrg, "ticket_suffix"),
					statecheck.ExpectKnownValue("bifrost_config.suffix", tfjsonpath.New("value"), knownvalue.StringExact(""))),
			},
		},
	})
}

func TestAccConfig_scopeSpelling(t *testing.T) {
	v := newAccVault(t)
	upper := strings.ToUpper(testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// An organization id in upper case names the same scope: stored lower-case,
				// kept as written in organization_id, and no diff afterwards.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %[1]q
  key             = "default_region"
  type            = "string"
  value           = "westeurope"
}
`, upper)),
				Check: cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_config.region", tfjsonpath.New("organization_id"), knownvalue.StringExact(upper)),
					statecheck.ExpectKnownValue("bifrost_config.region", tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/default_region")),
					statecheck.ExpectKnownValue("bifrost_config.region", tfjsonpath.New("key_vault_secret_name"), knownvalue.StringExact(cfgAccKVName(testOrg, "default_region"))),
				},
			},
		},
	})
}

func TestAccConfig_secretIDSpelling(t *testing.T) {
	v := newAccVault(t)
	upper := strings.ToUpper(testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// secret_id accepts the organization UUID in any case (like organization_id);
				// written as a literal in upper case, the plan must be empty after apply.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_secret" "psa" {
  organization_id = %[1]q
  name            = "psa-api-token"
  value           = "psa-token-spelling-0001"
}

resource "bifrost_config" "psa" {
  organization_id = %[1]q
  key             = "psa_api_token"
  type            = "secret_reference"
  secret_id       = "%[2]s/psa-api-token"
  depends_on      = [bifrost_secret.psa]
}
`, testOrg, upper)),
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "psa_api_token", bifrost.TypeSecretReference, testOrg+"/psa-api-token"),
				),
			},
		},
	})
}

func cfgAccReplaceConfig(v *accVault, scope, key string) string {
	return v.config(fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %q
  key             = %q
  type            = "string"
  value           = "westeurope"
}
`, scope, key))
}

func TestAccConfig_replace(t *testing.T) {
	v := newAccVault(t)
	name := "bifrost_config.region"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             cfgAccCheckSoftDeleted(t, v, otherOrg, "region"),
		Steps: []resource.TestStep{
			{
				Config:            cfgAccReplaceConfig(v, testOrg, "default_region"),
				ConfigStateChecks: cfgAccComputed(name, testOrg, "default_region"),
			},
			{
				// A new key is a new config: the old one is soft-deleted.
				Config: cfgAccReplaceConfig(v, testOrg, "region"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(name, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/region")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "region", bifrost.TypeString, "westeurope"),
					cfgAccCheckSoftDeleted(t, v, testOrg, "default_region"),
				),
				ConfigStateChecks: cfgAccComputed(name, testOrg, "region"),
			},
			{
				// Another organization is another config too.
				Config: cfgAccReplaceConfig(v, otherOrg, "region"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(name, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, otherOrg, "region", bifrost.TypeString, "westeurope"),
					cfgAccCheckSoftDeleted(t, v, testOrg, "region"),
				),
				ConfigStateChecks: cfgAccComputed(name, otherOrg, "region"),
			},
			{
				// Changing the type rewrites the value in place with the new type tag.
				Config: v.config(fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %q
  key             = "region"
  type            = "json"
  value           = jsonencode(["westeurope", "northeurope"])
}
`, otherOrg)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
					},
				},
				Check: cfgAccStored(t, v, otherOrg, "region", bifrost.TypeJSON, `["westeurope","northeurope"]`),
			},
		},
	})
}

func TestAccConfig_softDeleted(t *testing.T) {
	v := newAccVault(t)
	const key = "default_region"
	ctx := cfgAccCtx(t)
	if _, err := v.store().Create(ctx, bifrost.Entry{
		Scope: testOrg, Kind: bifrost.KindConfig, Name: key, Type: bifrost.TypeString, Value: "eastus", Enabled: true,
	}); err != nil {
		t.Fatalf("seeding the config: %v", err)
	}
	if _, err := v.store().Delete(ctx, bifrost.Ref{Scope: testOrg, Kind: bifrost.KindConfig, Name: key}); err != nil {
		t.Fatalf("soft-deleting the config: %v", err)
	}
	body := fmt.Sprintf(`
resource "bifrost_config" "region" {
  organization_id = %q
  key             = %q
  type            = "string"
  value           = "westeurope"
}
`, testOrg, key)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      v.config(body, "recover_soft_deleted = false"),
				ExpectError: regexp.MustCompile(`(?s)Entry is soft-deleted.*recover_soft_deleted\s+=\s+true.*purge`),
			},
			{
				// By default the soft-deleted secret is recovered and gets the declared value.
				Config:            v.config(body),
				Check:             cfgAccStored(t, v, testOrg, key, bifrost.TypeString, "westeurope"),
				ConfigStateChecks: cfgAccComputed("bifrost_config.region", testOrg, key),
			},
		},
	})
}

func TestAccConfig_disabledOutOfBand(t *testing.T) {
	v := newAccVault(t)
	cfg := cfgAccDriftConfig(v)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Someone disables the config's Key Vault secret (config.get then fails). A config
				// has no enabled attribute; the next plan must not fail on refresh but plan to
				// write the declared value again, which re-enables it.
				PreConfig: func() {
					enabled := false
					_, err := v.kvClient().UpdateSecretProperties(cfgAccCtx(t), cfgAccKVName(testOrg, "default_region"), "",
						cfgAccDisable(&enabled), nil)
					if err != nil {
						t.Fatalf("disabling out of band: %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("bifrost_config.region", plancheck.ResourceActionUpdate),
					},
				},
				Check: cfgAccStored(t, v, testOrg, "default_region", bifrost.TypeString, "westeurope"),
			},
		},
	})
}

func cfgAccDisable(enabled *bool) azsecrets.UpdateSecretPropertiesParameters {
	return azsecrets.UpdateSecretPropertiesParameters{SecretAttributes: &azsecrets.SecretAttributes{Enabled: enabled}}
}

// TestAccConfig_example applies the documented example, so that it stays valid and true.
func TestAccConfig_example(t *testing.T) {
	v := newAccVault(t)
	example, err := os.ReadFile("../../examples/resources/bifrost_config/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.store().Create(cfgAccCtx(t), bifrost.Entry{
		Scope: bifrost.GlobalScope, Kind: bifrost.KindSecret, Name: "smtp-password", Value: "smtp-example-0001", Enabled: true,
	}); err != nil {
		t.Fatalf("seeding global/smtp-password: %v", err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: v.config(strings.ReplaceAll(string(example), exampleOrg, testOrg)),
				ConfigVariables: config.Variables{
					"psa_token":              config.StringVariable("psa-example-0001"),
					"stripe_api_key":         config.StringVariable("sk-example-0001"),
					"webhook_initial_secret": config.StringVariable("whsec-example-0001"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					cfgAccStored(t, v, testOrg, "billing_api_token", bifrost.TypeSecretReference, testOrg+"/psa-api-token"),
					cfgAccStored(t, v, testOrg, "smtp_password", bifrost.TypeSecretReference, "global/smtp-password"),
					cfgAccStored(t, v, testOrg, "stripe_api_key", bifrost.TypeSecret, "sk-example-0001"),
					cfgAccStored(t, v, testOrg, "webhook_signing_secret", bifrost.TypeSecret, "whsec-example-0001"),
					cfgAccStored(t, v, testOrg, "escalation_policy", bifrost.TypeJSON, `{"after_minutes":30,"levels":["tier1","tier2","on-call"]}`),
					cfgAccStored(t, v, bifrost.GlobalScope, "support_email", bifrost.TypeString, "support@example.com"),
				),
			},
		},
	})
}
