package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

func TestAccEphemeralConfig_echo(t *testing.T) {
	v := newAccVault(t)
	dsSeed(t, v,
		dsSecretEntry(bifrost.GlobalScope, "stripe", "sk-test-eph-stripe-1d1d"),
		dsConfigEntry(testOrg, "stripe_key", bifrost.TypeSecretReference, "global/stripe"),
		dsConfigEntry(bifrost.GlobalScope, "db_password", bifrost.TypeSecret, "pw-test-eph-global-2e2e"),
	)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProvidersWithEcho,
		Steps: []resource.TestStep{
			{
				// fallback_to_global = false: A has no db_password of its own, so this fails, naming the
				// key and the scope.
				Config: dsEchoConfig(v, fmt.Sprintf(`
ephemeral "bifrost_config" "x" {
  organization_id    = %q
  key                = "db_password"
  fallback_to_global = false
}
provider "echo" {
  data = ephemeral.bifrost_config.x.value
}
resource "echo" "test" {}
`, testOrg)),
				ExpectError: expectDiagnostic("Entry not found", `config "db_password" in organization `+testOrg, "fallback_to_global is off", "Add it with a bifrost_config resource"),
			},
			{
				Config: dsEchoConfig(v, fmt.Sprintf(`
ephemeral "bifrost_config" "ref" {
  organization_id = %q
  key             = "stripe_key"
}
# A has no db_password: the global one answers, as config.get would.
ephemeral "bifrost_config" "fallback" {
  organization_id = %q
  key             = "db_password"
  timeouts = {
    open = "2m"
  }
}
provider "echo" {
  data = {
    ref_value            = ephemeral.bifrost_config.ref.value
    ref_type             = ephemeral.bifrost_config.ref.type
    ref_secret_id        = ephemeral.bifrost_config.ref.secret_id
    ref_resolved_scope   = ephemeral.bifrost_config.ref.resolved_scope
    ref_id               = ephemeral.bifrost_config.ref.id
    fallback_value       = ephemeral.bifrost_config.fallback.value
    fallback_type        = ephemeral.bifrost_config.fallback.type
    fallback_scope       = ephemeral.bifrost_config.fallback.resolved_scope
    fallback_has_secret  = ephemeral.bifrost_config.fallback.secret_id != null
  }
}
resource "echo" "test" {}
`, testOrg, testOrg)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", echoed("ref_value"), knownSecretValue("sk-test-eph-stripe-1d1d")),
					statecheck.ExpectKnownValue("echo.test", echoed("ref_type"), knownvalue.StringExact("secret_reference")),
					statecheck.ExpectKnownValue("echo.test", echoed("ref_secret_id"), knownvalue.StringExact("global/stripe")),
					statecheck.ExpectKnownValue("echo.test", echoed("ref_resolved_scope"), knownvalue.StringExact(testOrg)),
					statecheck.ExpectKnownValue("echo.test", echoed("ref_id"), knownvalue.StringExact(testOrg+"/stripe_key")),
					statecheck.ExpectKnownValue("echo.test", echoed("fallback_value"), knownSecretValue("pw-test-eph-global-2e2e")),
					statecheck.ExpectKnownValue("echo.test", echoed("fallback_type"), knownvalue.StringExact("secret")),
					statecheck.ExpectKnownValue("echo.test", echoed("fallback_scope"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue("echo.test", echoed("fallback_has_secret"), knownvalue.Bool(false)),
					dsOnlyEchoHolds("sk-test-eph-stripe-1d1d", "pw-test-eph-global-2e2e"),
				},
			},
		},
	})
}

// TestAccEphemeralConfig_pinnedVersion: the ephemeral twin pins a config version as the data
// source does, without storing it, and refuses version for a secret_reference.
func TestAccEphemeralConfig_pinnedVersion(t *testing.T) {
	v := newAccVault(t)
	password := dsConfigEntry(bifrost.GlobalScope, "db_password", bifrost.TypeSecret, "pw-test-eph-pin-v1-4f4f")
	seeded := dsSeed(t, v, password,
		dsSecretEntry(bifrost.GlobalScope, "stripe", "sk-test-eph-pin-5a5a"),
		dsConfigEntry(testOrg, "stripe_key", bifrost.TypeSecretReference, "global/stripe"),
	)
	first, reference := seeded[0], seeded[2]
	dsRotate(t, v, password, "pw-test-eph-pin-v2-6b6b")
	echo := func(key, version string) string {
		return dsEchoConfig(v, fmt.Sprintf(`
ephemeral "bifrost_config" "x" {
  organization_id = %q
  key             = %q
  version         = %q
}
provider "echo" {
  data = {
    value          = ephemeral.bifrost_config.x.value
    resolved_scope = ephemeral.bifrost_config.x.resolved_scope
  }
}
resource "echo" "test" {}
`, testOrg, key, version))
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProvidersWithEcho,
		Steps: []resource.TestStep{
			{
				Config: echo("stripe_key", reference.Version),
				ExpectError: expectDiagnostic("Invalid value", "is a secret_reference",
					"version is refused for secret_reference configs", `organization_id = "global", name = "stripe"`),
			},
			{
				// The organization has no db_password: the pinned version is read in global.
				Config: echo("db_password", first.Version),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", echoed("value"), knownSecretValue("pw-test-eph-pin-v1-4f4f")),
					statecheck.ExpectKnownValue("echo.test", echoed("resolved_scope"), knownvalue.StringExact("global")),
					dsOnlyEchoHolds("pw-test-eph-pin-v1-4f4f", "pw-test-eph-pin-v2-6b6b", "sk-test-eph-pin-5a5a"),
				},
			},
		},
	})
}
