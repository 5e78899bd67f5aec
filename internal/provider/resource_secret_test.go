package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/compare"
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

var versionPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkVaultValue asserts the value Key Vault holds for a secret, without printing it.
func (v *accVault) checkVaultValue(scope bifrost.Scope, name, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := v.store().Get(context.Background(), scope, bifrost.KindSecret, name)
		if err != nil {
			return err
		}
		if got.Value != want {
			return fmt.Errorf("Key Vault holds a different value for secret %q in %s than declared", name, scope)
		}
		return nil
	}
}

func secretConfig(name, value, extra string) string {
	return fmt.Sprintf(`
resource "bifrost_secret" "test" {
  organization_id = %q
  name            = %q
  value           = %q
  %s
}
`, testOrg, name, value, extra)
}

func TestAccSecret_lifecycle(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope(testOrg)
	kvName := bifrost.KeyVaultName(scope, bifrost.KindSecret, "smtp-password")
	sameVersion := statecheck.CompareValue(compare.ValuesSame())
	newVersion := statecheck.CompareValue(compare.ValuesDiffer())

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(secretConfig("smtp-password", "first-value", `content_type = "text/plain"`)),
				Check:  v.checkVaultValue(scope, "smtp-password", "first-value"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/smtp-password")),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("key_vault_secret_name"), knownvalue.StringExact(kvName)),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("key_vault_secret_id"), knownvalue.StringExact(v.VaultURL()+"secrets/"+kvName)),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("version"), knownvalue.StringRegexp(versionPattern)),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("created_at"), knownRFC3339),
					sameVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
					newVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
				},
			},
			{
				// Metadata only: a PATCH, the version stays.
				Config: v.config(secretConfig("smtp-password", "first-value", `
  content_type = "application/json"
  description  = "SMTP relay password"
  tags         = { owner = "platform" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"owner": knownvalue.StringExact("platform")})),
				},
			},
			{
				// Rotation: a new value is an in-place update that writes a new version.
				Config: v.config(secretConfig("smtp-password", "second-value", `
  content_type = "application/json"
  description  = "SMTP relay password"
  tags         = { owner = "platform" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
				},
				Check: v.checkVaultValue(scope, "smtp-password", "second-value"),
			},
			{
				ResourceName:            "bifrost_secret.test",
				ImportState:             true,
				ImportStateId:           testOrg + "/smtp-password",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func TestAccSecret_importBlock(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope("global")
	if _, err := v.store().Create(context.Background(), bifrost.Entry{Scope: scope, Kind: bifrost.KindSecret, Name: "smtp", Value: "existing", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	cfg := v.config(`
resource "bifrost_secret" "test" {
  organization_id = "global"
  name            = "smtp"
  value           = "existing"
}
`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ResourceName:    "bifrost_secret.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "global/smtp",
			},
			{
				// Adopt it for real: after the import the plan is empty.
				Config: cfg + `
import {
  to = bifrost_secret.test
  id = "global/smtp"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

func TestAccSecret_drift(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope(testOrg)
	kvName := bifrost.KeyVaultName(scope, bifrost.KindSecret, "api")
	cfg := v.config(secretConfig("api", "declared", `content_type = "text/plain"`))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Someone rotates the value and changes the content type in the portal.
				PreConfig: func() {
					got, err := v.store().Get(context.Background(), scope, bifrost.KindSecret, "api")
					if err != nil {
						t.Fatal(err)
					}
					tags := got.KeyVaultTags()
					ptrTags := map[string]*string{}
					for k, val := range tags {
						ptrTags[k] = to.Ptr(val)
					}
					_, err = v.kvClient().SetSecret(context.Background(), kvName, azsecrets.SetSecretParameters{
						Value: to.Ptr("changed-out-of-band"), ContentType: to.Ptr("application/octet-stream"), Tags: ptrTags,
					}, nil)
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionUpdate),
				}},
				Check: v.checkVaultValue(scope, "api", "declared"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("content_type"), knownvalue.StringExact("text/plain")),
				},
			},
			{
				// Deleted out of band: the plan creates it again (recovering the soft-deleted name).
				PreConfig: func() {
					if _, err := v.kvClient().DeleteSecret(context.Background(), kvName, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionCreate),
				}},
				Check: v.checkVaultValue(scope, "api", "declared"),
			},
		},
	})
}

func TestAccSecret_writeOnly(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope(testOrg)
	kvName := bifrost.KeyVaultName(scope, bifrost.KindSecret, "db")
	woConfig := func(value string, version int) string {
		return v.config(fmt.Sprintf(`
resource "bifrost_secret" "test" {
  organization_id  = %q
  name             = "db"
  value_wo         = %q
  value_wo_version = %d
}
`, testOrg, value, version))
	}
	newVersion := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: woConfig("wo-secret-one", 1),
				Check:  v.checkVaultValue(scope, "db", "wo-secret-one"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("value_wo"), knownvalue.Null()),
					valuesAbsent{"wo-secret-one"},
					newVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
				},
			},
			{
				// A changed value alone is invisible (nothing of it is stored): no change planned.
				Config:   woConfig("wo-secret-two", 1),
				PlanOnly: true,
			},
			{
				// Bumping the version rotates.
				Config: woConfig("wo-secret-two", 2),
				Check:  v.checkVaultValue(scope, "db", "wo-secret-two"),
				ConfigStateChecks: []statecheck.StateCheck{
					valuesAbsent{"wo-secret-two"},
					newVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
				},
			},
			{
				// An out-of-band write is drift even though the value is not in state.
				PreConfig: func() {
					got, err := v.store().GetMetadata(context.Background(), scope, bifrost.KindSecret, "db")
					if err != nil {
						t.Fatal(err)
					}
					tags := map[string]*string{}
					for k, val := range got.KeyVaultTags() {
						tags[k] = to.Ptr(val)
					}
					if _, err := v.kvClient().SetSecret(context.Background(), kvName, azsecrets.SetSecretParameters{Value: to.Ptr("intruder"), Tags: tags}, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: woConfig("wo-secret-two", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("bifrost_secret.test", plancheck.ResourceActionUpdate),
				}},
				Check: v.checkVaultValue(scope, "db", "wo-secret-two"),
			},
		},
	})
}

func TestAccSecret_existingIsNotOverwritten(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope(testOrg)
	if _, err := v.store().Create(context.Background(), bifrost.Entry{Scope: scope, Kind: bifrost.KindSecret, Name: "taken", Value: "theirs", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      v.config(secretConfig("taken", "mine", "")),
				ExpectError: regexp.MustCompile(`(?s)already exists.*import`),
			},
			{
				// Nothing was written by the failed create.
				Config:    v.config(`output "ok" { value = true }`),
				Check:     v.checkVaultValue(scope, "taken", "theirs"),
				PreConfig: func() {},
			},
		},
	})
}

func TestAccSecret_softDelete(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope(testOrg)
	kvName := bifrost.KeyVaultName(scope, bifrost.KindSecret, "recycled")
	// The first version, recorded at step 1, must differ from the one the re-creation writes.
	newVersion := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(secretConfig("recycled", "one", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					newVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
				},
			},
			{
				// Destroy soft-deletes: the secret is recoverable.
				Config: v.config(`output "ok" { value = true }`),
				Check:  func(*terraform.State) error { return v.softDeleted(kvName) },
			},
			{
				// Creating the same name again recovers it and writes a new version.
				Config: v.config(secretConfig("recycled", "two", "")),
				Check:  v.checkVaultValue(scope, "recycled", "two"),
				ConfigStateChecks: []statecheck.StateCheck{
					// The re-created secret does not keep its old version.
					newVersion.AddStateValue("bifrost_secret.test", tfjsonpath.New("version")),
				},
			},
			{
				// With recovery off, the soft-deleted name is a clear error.
				PreConfig: func() {
					if _, err := v.kvClient().DeleteSecret(context.Background(), kvName, nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:      v.config(secretConfig("recycled", "three", ""), "recover_soft_deleted = false"),
				ExpectError: regexp.MustCompile(`(?s)soft-deleted.*recover_soft_deleted`),
			},
		},
	})
}

func TestAccSecret_purgeOnDestroy(t *testing.T) {
	v := newAccVault(t, func(o *emulator.Options) { o.Faults.DeleteDelay = 300e6 })
	kvName := bifrost.KeyVaultName(bifrost.Scope(testOrg), bifrost.KindSecret, "short-lived")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: v.config(secretConfig("short-lived", "x", ""), "purge_on_destroy = true")},
		},
		CheckDestroy: func(*terraform.State) error {
			_, err := v.kvClient().GetDeletedSecret(context.Background(), kvName, nil)
			var re *azcore.ResponseError
			if errors.As(err, &re) && re.StatusCode == 404 {
				return nil
			}
			return fmt.Errorf("after destroy with purge_on_destroy the deleted secret should be gone, got %v", err)
		},
	})
}

func TestAccSecret_adoptByURL(t *testing.T) {
	v := newAccVault(t)
	legacy := testOrg + "--stripe-key"
	legacy = strings.ReplaceAll(legacy, "_", "-")
	if _, err := v.kvClient().SetSecret(context.Background(), legacy, azsecrets.SetSecretParameters{Value: to.Ptr("sk_live_legacy")}, nil); err != nil {
		t.Fatal(err)
	}
	cfg := v.config(secretConfig("stripe-key", "sk_live_legacy", ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       "bifrost_secret.test",
				ImportState:        true,
				ImportStateId:      v.VaultURL() + "secrets/" + legacy,
				ImportStatePersist: true,
			},
			{
				// The first apply names it and adds the provider's tags; the physical name stays.
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("key_vault_secret_name"), knownvalue.StringExact(legacy)),
					statecheck.ExpectKnownValue("bifrost_secret.test", tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/stripe-key")),
				},
				// The tags are in Key Vault, not in the state.
				Check: func(*terraform.State) error {
					got, err := v.kvClient().GetSecret(context.Background(), legacy, "", nil)
					if err != nil {
						return err
					}
					if got.Tags[bifrost.TagName] == nil || *got.Tags[bifrost.TagName] != "stripe-key" {
						return errors.New("the adopted secret did not get its bifrost-name tag")
					}
					return nil
				},
			},
		},
	})
}

func TestAccSecret_badInput(t *testing.T) {
	v := newAccVault(t)
	big := strings.Repeat("x", bifrost.MaxValueBytes+1)
	manyTags := "tags = {"
	for i := 0; i < 13; i++ {
		manyTags += fmt.Sprintf(" t%d = \"v\",", i)
	}
	manyTags += " }"
	cases := []struct {
		name, config, want string
	}{
		{"bad name", secretConfig("no spaces", "v", ""), `Invalid secret name`},
		{"bad org", `resource "bifrost_secret" "test" {
  organization_id = "acme"
  name = "n"
  value = "v"
}`, `Invalid organization_id`},
		{"no scope", `resource "bifrost_secret" "test" {
  name  = "n"
  value = "v"
}`, `Missing organization_id`},
		{"too big", secretConfig("n", big, ""), `Value too large`},
		{"reserved tag", secretConfig("n", "v", `tags = { "bifrost-name" = "x" }`), `(?s)Invalid tags.*bifrost-`},
		{"too many tags", secretConfig("n", "v", manyTags), `(?s)Invalid tags.*15`},
		{"both values", secretConfig("n", "v", `
  value_wo         = "w"
  value_wo_version = 1`), `(?s)Invalid Attribute Combination.*\[value,value_wo,value_from_key_vault_secret,initial_value_wo\]`},
		{"bad time", secretConfig("n", "v", `expires_at = "tomorrow"`), `(?s)Invalid RFC3339 String Value.*tomorrow`},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: v.config(c.config), PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	steps = append(steps, resource.TestStep{
		Config:   strings.Replace(v.config(secretConfig("n", "v", "")), "vault_url                            = \"https://", "vault_url = \"http://", 1),
		PlanOnly: true, ExpectError: regexp.MustCompile(`https://`),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
}

func TestAccProvider_authErrors(t *testing.T) {
	v := newAccVault(t)
	bad := strings.Replace(v.config(secretConfig("n", "v", "")), v.Principal("officer").ClientSecret, "wrong-secret", 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      v.providerBlock("reader") + secretConfig("n", "v", ""),
				ExpectError: regexp.MustCompile(`(?s)Permission denied.*Key\s+Vault\s+Secrets\s+Officer`),
			},
			{
				Config:      v.providerBlock("nobody") + secretConfig("n", "v", ""),
				ExpectError: regexp.MustCompile(`(?s)Permission denied.*Key\s+Vault\s+Secrets`),
			},
			{
				Config:      bad,
				ExpectError: regexp.MustCompile(`(?s)did not accept the provider's credentials.*client\s+secret`),
			},
		},
	})
}

// An ephemeral read of one secret feeds another's write-only value: the value crosses
// from Key Vault to Key Vault without touching plan or state.
func TestAccSecret_writeOnlyFromEphemeral(t *testing.T) {
	v := newAccVault(t)
	scope := bifrost.Scope(testOrg)
	if _, err := v.store().Create(context.Background(), bifrost.Entry{Scope: bifrost.GlobalScope, Kind: bifrost.KindSecret, Name: "source", Value: "copied-through-ephemeral", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{{
			Config: v.config(fmt.Sprintf(`
ephemeral "bifrost_secret" "source" {
  organization_id = "global"
  name            = "source"
}

resource "bifrost_secret" "copy" {
  organization_id  = %q
  name             = "copy"
  value_wo         = ephemeral.bifrost_secret.source.value
  value_wo_version = 1
}
`, testOrg)),
			Check:             v.checkVaultValue(scope, "copy", "copied-through-ephemeral"),
			ConfigStateChecks: []statecheck.StateCheck{valuesAbsent{"copied-through-ephemeral"}},
		}},
	})
}

// Import by resource identity (an import block with `identity = {...}`), on CLIs that have it.
func TestAccSecret_importByIdentity(t *testing.T) {
	v := newAccVault(t)
	cfg := v.config(secretConfig("by-identity", "v1", ""))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("bifrost_secret.test", map[string]knownvalue.Check{
						"organization_id": knownvalue.StringExact(testOrg),
						"name":            knownvalue.StringExact("by-identity"),
					}),
				},
			},
			{
				Config:          cfg,
				ResourceName:    "bifrost_secret.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}
