package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

func TestAccDataSourceSecret_basic(t *testing.T) {
	v := newAccVault(t)
	notBefore := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	expires := time.Date(2030, 6, 30, 12, 0, 0, 0, time.UTC)
	full := dsSecretEntry(testOrg, "smtp-password", "smtp-test-f00d")
	full.ContentType = "text/plain"
	full.Description = "SMTP relay password"
	full.Tags = map[string]string{"team": "ops", "env": "prod"}
	full.NotBefore, full.ExpiresAt = &notBefore, &expires
	disabled := dsSecretEntry(testOrg, "old-key", "old-test-9a9a")
	disabled.Enabled = false
	written := dsSeed(t, v,
		full,
		dsSecretEntry(bifrost.GlobalScope, "bare", "bare-test-1234"),
		disabled,
	)[0]

	ds := "data.bifrost_secret.full"
	attr := func(ds, name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, attrPath(name), knownvalue.StringExact(want))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_secret" "x" {
  organization_id = %q
  name            = "nope"
}
`, testOrg)),
				ExpectError: expectDiagnostic("Entry not found", `secret "nope" in organization `+testOrg,
					"create it with a bifrost_secret resource"),
			},
			{
				// No fallback for secrets: "bare" lives in global only.
				Config: v.config(fmt.Sprintf(`
data "bifrost_secret" "x" {
  organization_id = %q
  name            = "bare"
}
`, otherOrg)),
				ExpectError: expectDiagnostic("Entry not found", `secret "bare" in organization `+otherOrg),
			},
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_secret" "x" {
  organization_id = %q
  name            = "old-key"
}
`, testOrg)),
				ExpectError: expectDiagnostic("Secret is disabled", `secret "old-key"`, "enable it"),
			},
			{
				Config: v.config(`
data "bifrost_secret" "x" {
  organization_id = "global"
  name            = "bare"
  timeouts = {
    read = "soon"
  }
}
`),
				ExpectError: expectDiagnostic("Invalid Attribute Value Time Duration", `"soon" must be a string containing a sequence of decimal numbers`),
			},
			{
				// The provider's default scope is global; "bare" relies on it.
				Config: v.config(fmt.Sprintf(`
data "bifrost_secret" "full" {
  organization_id = %q
  name            = "smtp-password"
  timeouts = {
    read = "1m"
  }
}
data "bifrost_secret" "bare" {
  name = "bare"
}
`, testOrg), `organization_id = "global"`),
				ConfigStateChecks: []statecheck.StateCheck{
					attr(ds, "id", testOrg+"/smtp-password"),
					attr(ds, "value", "smtp-test-f00d"),
					attr(ds, "content_type", "text/plain"),
					attr(ds, "description", "SMTP relay password"),
					statecheck.ExpectKnownValue(ds, attrPath("enabled"), knownvalue.Bool(true)),
					attr(ds, "not_before", "2025-01-01T00:00:00Z"),
					attr(ds, "expires_at", "2030-06-30T12:00:00Z"),
					statecheck.ExpectKnownValue(ds, attrPath("tags"), knownvalue.MapSizeExact(2)),
					statecheck.ExpectKnownValue(ds, attrPath("tags").AtMapKey("team"), knownvalue.StringExact("ops")),
					statecheck.ExpectKnownValue(ds, attrPath("tags").AtMapKey("env"), knownvalue.StringExact("prod")),
					attr(ds, "version", written.Version),
					attr(ds, "key_vault_secret_name", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "smtp-password")),
					attr(ds, "key_vault_secret_id", written.ID),
					attr(ds, "created_at", written.CreatedAt.UTC().Format(time.RFC3339)),
					statecheck.ExpectKnownValue(ds, attrPath("updated_at"), knownRFC3339),

					attr("data.bifrost_secret.bare", "id", "global/bare"),
					attr("data.bifrost_secret.bare", "value", "bare-test-1234"),
					statecheck.ExpectKnownValue("data.bifrost_secret.bare", attrPath("tags"), knownvalue.MapSizeExact(0)),
					statecheck.ExpectKnownValue("data.bifrost_secret.bare", attrPath("content_type"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.bifrost_secret.bare", attrPath("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.bifrost_secret.bare", attrPath("not_before"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.bifrost_secret.bare", attrPath("expires_at"), knownvalue.Null()),
				},
			},
		},
	})
}

// attrPath is the path of a top-level attribute, for state checks.
func attrPath(name string) tfjsonpath.Path { return tfjsonpath.New(name) }

// unknownVersionID is a well-formed Key Vault version id that no secret has.
const unknownVersionID = "0123456789abcdef0123456789abcdef"

// dsRotate writes a new latest version of a seeded entry, as another writer would.
func dsRotate(t *testing.T, v *accVault, e bifrost.Entry, value string) *bifrost.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e.Value = value
	written, err := v.store().Rotate(ctx, e)
	if err != nil {
		t.Fatalf("rotating %s %q in %s: %v", e.Kind, e.Name, e.Scope, err)
	}
	return written
}

// TestAccDataSourceSecret_pinnedVersion: a read with version returns that version's value,
// which later rotations leave alone, while a read without it follows the latest.
func TestAccDataSourceSecret_pinnedVersion(t *testing.T) {
	v := newAccVault(t)
	entry := dsSecretEntry(testOrg, "smtp-password", "smtp-test-v1-5e5e")
	first := dsSeed(t, v, entry)[0]
	second := dsRotate(t, v, entry, "smtp-test-v2-6f6f")
	latestVersion := statecheck.CompareValue(compare.ValuesDiffer())

	config := v.config(fmt.Sprintf(`
data "bifrost_secret" "pinned" {
  organization_id = %[1]q
  name            = "smtp-password"
  version         = %[2]q
}
data "bifrost_secret" "latest" {
  organization_id = %[1]q
  name            = "smtp-password"
}
`, testOrg, first.Version))
	pinned, latest := "data.bifrost_secret.pinned", "data.bifrost_secret.latest"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_secret" "x" {
  organization_id = %q
  name            = "smtp-password"
  version         = "latest"
}
`, testOrg)),
				ExpectError: expectDiagnostic("Invalid version", `version "latest" is not a Key Vault version id`),
			},
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_secret" "x" {
  organization_id = %q
  name            = "smtp-password"
  version         = %q
}
`, testOrg, unknownVersionID)),
				ExpectError: expectDiagnostic("Entry not found", `secret "smtp-password" in organization `+testOrg,
					fmt.Sprintf("it has no version %q", unknownVersionID), fmt.Sprintf("its latest version is %q", second.Version)),
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pinned, attrPath("value"), knownSecretValue("smtp-test-v1-5e5e")),
					statecheck.ExpectKnownValue(pinned, attrPath("version"), knownvalue.StringExact(first.Version)),
					statecheck.ExpectKnownValue(pinned, attrPath("id"), knownvalue.StringExact(testOrg+"/smtp-password")),
					statecheck.ExpectKnownValue(latest, attrPath("value"), knownSecretValue("smtp-test-v2-6f6f")),
					statecheck.ExpectKnownValue(latest, attrPath("version"), knownvalue.StringExact(second.Version)),
					latestVersion.AddStateValue(latest, attrPath("version")),
				},
			},
			{
				// A rotation behind Terraform's back moves the latest read only.
				PreConfig: func() { dsRotate(t, v, entry, "smtp-test-v3-7a7a") },
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pinned, attrPath("value"), knownSecretValue("smtp-test-v1-5e5e")),
					statecheck.ExpectKnownValue(pinned, attrPath("version"), knownvalue.StringExact(first.Version)),
					statecheck.ExpectKnownValue(latest, attrPath("value"), knownSecretValue("smtp-test-v3-7a7a")),
					latestVersion.AddStateValue(latest, attrPath("version")),
				},
			},
		},
	})
}
