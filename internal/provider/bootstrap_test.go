package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// bootstrapConfig is the officer's provider block with vault_url taken from a terraform_data
// resource of the same configuration, whose output is only known once it is applied: what
// `vault_url = azurerm_key_vault.x.vault_uri` is on a first apply. replaced is its
// triggers_replace, to make the output unknown again for a vault that exists. body follows.
func (v *accVault) bootstrapConfig(replaced int, body string) string {
	provider := regexp.MustCompile(`vault_url\s*=\s*"[^"]*"`).ReplaceAllLiteralString(v.config(""), "vault_url = terraform_data.vault.output")
	return provider + fmt.Sprintf(`
resource "terraform_data" "vault" {
  input            = %q
  triggers_replace = %d
}
`, v.VaultURL(), replaced) + body
}

const bootstrapSecrets = `
resource "bifrost_secret" "app" {
  count           = 2
  organization_id = %q
  name            = "bootstrap-${count.index}"
  value           = "bootstrap-test-value-${count.index}-5e2a"
}
`

// A vault and its secrets in one apply: vault_url is unknown at plan, the plan creates the
// secrets without reaching the vault, the apply writes them once the vault URL is known, and
// the next plan has nothing to do. Reading the vault while its URL is unknown (a data source,
// the refresh of an existing secret) fails with a diagnostic that names the attribute and
// what to do.
func TestAccBootstrap_vaultURLUnknownAtPlan(t *testing.T) {
	v := newAccVault(t)
	secrets := fmt.Sprintf(bootstrapSecrets, testOrg)
	app0 := "bifrost_secret.app[0]"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// A data source must read during plan: it cannot wait for the vault.
				Config: v.bootstrapConfig(0, secrets+fmt.Sprintf(`
data "bifrost_secret" "existing" {
  organization_id = %q
  name            = "smtp-password"
}
`, testOrg)),
				ExpectError: expectDiagnostic("Provider settings not known until apply",
					"Reading data source bifrost_secret needs Key Vault", "vault_url", "known only after apply", "-target"),
			},
			{
				Config: v.bootstrapConfig(0, secrets),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("terraform_data.vault", tfjsonpath.New("output")),
						plancheck.ExpectResourceAction(app0, plancheck.ResourceActionCreate),
						// The scope is known, so the plan shows the Key Vault name before the vault exists.
						plancheck.ExpectKnownValue(app0, tfjsonpath.New("key_vault_secret_name"),
							knownvalue.StringExact(bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "bootstrap-0"))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(app0, tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/bootstrap-0")),
					statecheck.ExpectKnownValue("bifrost_secret.app[1]", tfjsonpath.New("version"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
					bootstrapInVault{v, []string{"bootstrap-0", "bootstrap-1"}},
				},
			},
			{
				// The vault is replaced: its URL is unknown again, and the secrets that exist
				// cannot be refreshed against a vault nobody knows yet.
				Config: v.bootstrapConfig(1, secrets),
				ExpectError: expectDiagnostic("Provider settings not known until apply",
					"Refreshing the secret", "needs Key Vault", "vault_url", "-target", "-refresh=false"),
			},
			{
				Config:            v.bootstrapConfig(0, secrets),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{bootstrapInVault{v, []string{"bootstrap-0", "bootstrap-1"}}},
			},
		},
	})
}

// bootstrapInVault checks that the secrets of testOrg exist in the vault with their values.
type bootstrapInVault struct {
	v     *accVault
	names []string
}

func (c bootstrapInVault) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, name := range c.names {
		got, err := c.v.store().Get(ctx, testOrg, bifrost.KindSecret, name)
		if err != nil {
			resp.Error = fmt.Errorf("secret %s in the vault: %w", name, err)
			return
		}
		if got.Value != fmt.Sprintf("bootstrap-test-value-%d-5e2a", i) {
			resp.Error = fmt.Errorf("secret %s in the vault does not hold the configured value", name)
			return
		}
	}
}

// The provider's organization_id known only after apply: a secret that takes its scope from
// the provider plans without one and is created in the scope the apply knows, and a data
// source that says its own scope reads during that plan; one that needs the provider's scope
// gets a diagnostic. Once the secret exists, a plan that cannot know its scope (the
// organization_id is unknown again) fails with a diagnostic instead of guessing whether the
// scope changes.
func TestAccBootstrap_organizationUnknownAtPlan(t *testing.T) {
	v := newAccVault(t)
	config := func(replaced int, body string) string {
		return v.config(fmt.Sprintf(`
resource "terraform_data" "org" {
  input            = %q
  triggers_replace = %d
}
`, testOrg, replaced)+body, "organization_id = terraform_data.org.output")
	}
	secret := `
resource "bifrost_secret" "app" {
  name  = "bootstrap-org"
  value = "bootstrap-test-value-0-5e2a"
}
`
	ownScope := fmt.Sprintf(`
data "bifrost_secrets" "own_scope" {
  organization_id = %q
}
`, testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config(0, `
data "bifrost_secrets" "provider_scope" {}
`),
				ExpectError: expectDiagnostic("Scope not known until apply",
					"data source bifrost_secrets takes its scope from the provider's organization_id", "known only after apply", "Set organization_id on it"),
			},
			{
				Config: config(0, secret+ownScope),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("bifrost_secret.app", tfjsonpath.New("organization_id")),
						plancheck.ExpectUnknownValue("bifrost_secret.app", tfjsonpath.New("key_vault_secret_name")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("bifrost_secret.app", tfjsonpath.New("id"), knownvalue.StringExact(testOrg+"/bootstrap-org")),
					bootstrapInVault{v, []string{"bootstrap-org"}},
				},
			},
			{
				Config:      config(1, secret),
				ExpectError: expectDiagnostic("Scope not known until apply", "organization_id", "known only after apply", "Set organization_id on the resource"),
			},
			{
				Config:           config(0, secret),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
