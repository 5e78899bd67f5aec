package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// dsEchoConfig is v.config(body) with the echo provider added to the terraform block's
// required_providers. providerBlock pins bifrost to the address terraform-plugin-testing
// serves it at (OpenTofu's default registry differs); a configuration with a terraform block
// gets no required_providers from the test framework, and a module may have only one such
// block, so echo is pinned in the same one.
func dsEchoConfig(v *accVault, body string) string {
	cfg := v.config(body)
	loc := dsRequiredProviders.FindStringIndex(cfg)
	if loc == nil {
		// No terraform block: the test framework pins every provider itself.
		return cfg
	}
	return cfg[:loc[1]] + "\n    echo = { source = \"registry.terraform.io/hashicorp/echo\" }" + cfg[loc[1]:]
}

var dsRequiredProviders = regexp.MustCompile(`required_providers\s*\{`)

// dsOnlyEchoHolds is a state check of what an ephemeral test may find in the state: the echo
// resource (which exists to show the ephemeral value to the test, so it holds it by design) and
// nothing else that holds any of values, and no bifrost object at all, since ephemeral
// resources are never stored.
func dsOnlyEchoHolds(values ...string) statecheck.StateCheck {
	return dsOnlyEcho{dsStateLacks{allowed: []string{"echo.test"}, values: values}}
}

type dsOnlyEcho struct{ lacks dsStateLacks }

func (c dsOnlyEcho) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	c.lacks.CheckState(ctx, req, resp)
	var stored error
	if req.State != nil && req.State.Values != nil && req.State.Values.RootModule != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			if strings.Contains(r.Address, "bifrost_") {
				stored = fmt.Errorf("%s is in the state; an ephemeral resource must never be stored", r.Address)
				break
			}
		}
	}
	resp.Error = errors.Join(resp.Error, stored)
}

func TestAccEphemeralSecret_echo(t *testing.T) {
	v := newAccVault(t)
	written := dsSeed(t, v, dsSecretEntry(testOrg, "smtp-password", "smtp-test-eph-7c7c"))[0]
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProvidersWithEcho,
		Steps: []resource.TestStep{
			{
				Config: dsEchoConfig(v, fmt.Sprintf(`
ephemeral "bifrost_secret" "x" {
  organization_id = %q
  name            = "smtp-password"
}
provider "echo" {
  data = {
    value                 = ephemeral.bifrost_secret.x.value
    id                    = ephemeral.bifrost_secret.x.id
    version               = ephemeral.bifrost_secret.x.version
    key_vault_secret_name = ephemeral.bifrost_secret.x.key_vault_secret_name
  }
}
resource "echo" "test" {}
`, testOrg)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", echoed("value"), knownSecretValue("smtp-test-eph-7c7c")),
					statecheck.ExpectKnownValue("echo.test", echoed("id"), knownvalue.StringExact(testOrg+"/smtp-password")),
					statecheck.ExpectKnownValue("echo.test", echoed("version"), knownvalue.StringExact(written.Version)),
					statecheck.ExpectKnownValue("echo.test", echoed("key_vault_secret_name"),
						knownvalue.StringExact(bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "smtp-password"))),
					dsOnlyEchoHolds("smtp-test-eph-7c7c"),
				},
			},
		},
	})
}

func TestAccEphemeral_errors(t *testing.T) {
	v := newAccVault(t)
	step := func(body string, want string, more ...string) resource.TestStep {
		return resource.TestStep{Config: dsEchoConfig(v, body), ExpectError: expectDiagnostic(append([]string{want}, more...)...)}
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProvidersWithEcho,
		Steps: []resource.TestStep{
			step(`
ephemeral "bifrost_secret" "x" {
  organization_id = "global"
  name            = "smtp password"
}`, "Invalid secret name", `secret name "smtp password" is not valid`),
			step(`
ephemeral "bifrost_config" "x" {
  organization_id = "global"
  key             = "smtp-host"
}`, "Invalid config key", `config key "smtp-host" is not valid`),
			step(`
ephemeral "bifrost_config" "x" {
  organization_id = "org-1"
  key             = "smtp_host"
}`, "Invalid organization_id", `organization id "org-1" is not valid`),
			step(fmt.Sprintf(`
ephemeral "bifrost_config" "x" {
  organization_id = %q
  key             = "smtp_host"
}
provider "echo" {
  data = ephemeral.bifrost_config.x.value
}
resource "echo" "test" {}
`, testOrg), "Entry not found", `config "smtp_host" in organization `+testOrg, "or in the global scope", "Add it with a bifrost_config resource"),
			step(`
ephemeral "bifrost_secret" "x" {
  organization_id = "global"
  name            = "nope"
}
provider "echo" {
  data = ephemeral.bifrost_secret.x.value
}
resource "echo" "test" {}
`, "Entry not found", `secret "nope" in the global scope`),
			// The post-test destroy runs with the last step's configuration, so the last step is valid.
			{Config: v.config(`
data "bifrost_secrets" "ok" {
  organization_id = "global"
}`)},
		},
	})
}

// echoed is the path of one key of what the echo provider shows, for state checks.
func echoed(key string) tfjsonpath.Path { return tfjsonpath.New("data").AtMapKey(key) }

// TestAccEphemeralSecret_pinnedVersion: the ephemeral twin reads a pinned version as the data
// source does, without storing it, and names a version the secret does not have.
func TestAccEphemeralSecret_pinnedVersion(t *testing.T) {
	v := newAccVault(t)
	entry := dsSecretEntry(testOrg, "smtp-password", "smtp-test-eph-v1-8b8b")
	first := dsSeed(t, v, entry)[0]
	second := dsRotate(t, v, entry, "smtp-test-eph-v2-9c9c")
	echo := func(version string) string {
		return dsEchoConfig(v, fmt.Sprintf(`
ephemeral "bifrost_secret" "x" {
  organization_id = %q
  name            = "smtp-password"
  version         = %q
}
provider "echo" {
  data = {
    value   = ephemeral.bifrost_secret.x.value
    version = ephemeral.bifrost_secret.x.version
  }
}
resource "echo" "test" {}
`, testOrg, version))
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: testAccProvidersWithEcho,
		Steps: []resource.TestStep{
			{
				Config: echo(unknownVersionID),
				ExpectError: expectDiagnostic("Entry not found", `secret "smtp-password" in organization `+testOrg,
					fmt.Sprintf("it has no version %q", unknownVersionID), fmt.Sprintf("its latest version is %q", second.Version)),
			},
			{
				Config: echo(first.Version),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.test", echoed("value"), knownSecretValue("smtp-test-eph-v1-8b8b")),
					statecheck.ExpectKnownValue("echo.test", echoed("version"), knownvalue.StringExact(first.Version)),
					dsOnlyEchoHolds("smtp-test-eph-v1-8b8b", "smtp-test-eph-v2-9c9c"),
				},
			},
		},
	})
}
