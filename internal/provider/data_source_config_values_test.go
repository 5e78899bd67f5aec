package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// Values of the bulk resolve tests: one organization's own config that hides a global one, a
// global fallback, a reference to a global secret, and another organization's config.
const (
	cvRegion       = "eu-west-test-cv-1a1a"
	cvGlobalRegion = "us-east-test-cv-2b2b"
	cvRetries      = "7"
	cvStripe       = "sk-test-cv-stripe-3c3c"
	cvOtherOrg     = "other-org-test-cv-4d4d"
)

// cvSeed writes the bulk resolve tests' entries.
func cvSeed(t *testing.T, v *accVault) {
	t.Helper()
	dsSeed(t, v,
		dsConfigEntry(testOrg, "region", bifrost.TypeString, cvRegion),
		dsConfigEntry(bifrost.GlobalScope, "region", bifrost.TypeString, cvGlobalRegion),
		dsConfigEntry(bifrost.GlobalScope, "retries", bifrost.TypeInt, cvRetries),
		dsSecretEntry(bifrost.GlobalScope, "stripe", cvStripe),
		dsConfigEntry(testOrg, "stripe_key", bifrost.TypeSecretReference, "global/stripe"),
		dsConfigEntry(otherOrg, "other_only", bifrost.TypeString, cvOtherOrg),
	)
}

// cvSource is the expected sources element of one key.
func cvSource(scope, typ string, secretID *string) knownvalue.Check {
	var id knownvalue.Check = knownvalue.Null()
	if secretID != nil {
		id = knownvalue.StringExact(*secretID)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"resolved_scope": knownvalue.StringExact(scope),
		"type":           knownvalue.StringExact(typ),
		"secret_id":      id,
	})
}

func TestAccDataSourceConfigValues_basic(t *testing.T) {
	v := newAccVault(t)
	cvSeed(t, v)
	stripeID := "global/stripe"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// config.get fails on a missing key: so does the bulk read, naming every missing key.
				Config: v.config(fmt.Sprintf(`
data "bifrost_config_values" "app" {
  organization_id = %q
  keys            = ["region", "nope", "nada"]
}
`, testOrg)),
				ExpectError: expectDiagnostic("Entry not found", "2 keys not found in organization "+testOrg+" or in the global scope",
					`"nada", "nope"`, "bifrost_config", "or remove them from keys"),
			},
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_config_values" "app" {
  organization_id = %q
  keys            = ["region", "bad-key"]
}
`, testOrg)),
				ExpectError: expectDiagnostic("Invalid config key", "bad-key"),
			},
			{
				Config: v.config(fmt.Sprintf(`
# Every key config.get sees from the organization.
data "bifrost_config_values" "all" {
  organization_id = %q
}
# A given set, without fallback: the organization's own configs only.
data "bifrost_config_values" "own" {
  organization_id    = %q
  keys               = ["region", "stripe_key"]
  fallback_to_global = false
}
`, testOrg, testOrg)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.bifrost_config_values.all", tfjsonpath.New("values"), knownvalue.MapExact(map[string]knownvalue.Check{
						"region":     knownvalue.StringExact(cvRegion),
						"retries":    knownvalue.StringExact(cvRetries),
						"stripe_key": knownvalue.StringExact(cvStripe),
					})),
					statecheck.ExpectKnownValue("data.bifrost_config_values.all", tfjsonpath.New("sources"), knownvalue.MapExact(map[string]knownvalue.Check{
						"region":     cvSource(testOrg, "string", nil),
						"retries":    cvSource("global", "int", nil),
						"stripe_key": cvSource(testOrg, "secret_reference", &stripeID),
					})),
					statecheck.ExpectKnownValue("data.bifrost_config_values.own", tfjsonpath.New("values"), knownvalue.MapExact(map[string]knownvalue.Check{
						"region":     knownvalue.StringExact(cvRegion),
						"stripe_key": knownvalue.StringExact(cvStripe),
					})),
					// Neither global's hidden region nor another organization's config is read into the state.
					valuesAbsent{cvGlobalRegion, cvOtherOrg},
				},
			},
		},
	})
}

// sha256Hex is what Terraform's sha256() returns for s.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
