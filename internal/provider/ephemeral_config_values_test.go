package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestAccEphemeralConfigValues: the ephemeral twin resolves the same answer without storing a
// value: the echo resource keeps only hashes and the sources, and neither the state nor the
// plan holds a value.
func TestAccEphemeralConfigValues(t *testing.T) {
	v := newAccVault(t)
	cvSeed(t, v)
	echo := func(keys string) string {
		return dsEchoConfig(v, fmt.Sprintf(`
ephemeral "bifrost_config_values" "app" {
  organization_id = %q
  %s
}
provider "echo" {
  data = {
    hashes  = { for k, val in ephemeral.bifrost_config_values.app.values : k => sha256(val) }
    sources = ephemeral.bifrost_config_values.app.sources
  }
}
resource "echo" "test" {}
`, testOrg, keys))
	}
	absent := valuesAbsent{cvRegion, cvGlobalRegion, cvStripe, cvOtherOrg}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProvidersWithEcho,
		Steps: []resource.TestStep{
			{
				Config:      echo(`keys = ["missing_key"]`),
				ExpectError: expectDiagnostic("Entry not found", `config "missing_key" in organization `+testOrg, `key = "missing_key"`),
			},
			{
				Config: echo(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{absent},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("hashes"), knownvalue.MapExact(map[string]knownvalue.Check{
						"region":     knownvalue.StringExact(sha256Hex(cvRegion)),
						"retries":    knownvalue.StringExact(sha256Hex(cvRetries)),
						"stripe_key": knownvalue.StringExact(sha256Hex(cvStripe)),
					})),
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("sources").AtMapKey("retries").AtMapKey("resolved_scope"),
						knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("sources").AtMapKey("stripe_key").AtMapKey("secret_id"),
						knownvalue.StringExact("global/stripe")),
					absent,
					dsOnlyEchoHolds(cvRegion, cvStripe),
				},
			},
		},
	})
}
