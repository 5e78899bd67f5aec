package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

func TestAccDataSourceSecrets_list(t *testing.T) {
	v := newAccVault(t)
	// 27 secrets in A cross Key Vault's page size of 25, so the list must follow nextLink.
	var entries []bifrost.Entry
	var values []string
	for i := 0; i < 27; i++ {
		e := dsSecretEntry(testOrg, fmt.Sprintf("svc-%02d", i), fmt.Sprintf("svc-test-value-%02d-6f1e", i))
		entries = append(entries, e)
		values = append(values, e.Value)
	}
	tagged := dsSecretEntry(bifrost.GlobalScope, "smtp-password", "smtp-test-global-2c4d")
	tagged.Tags = map[string]string{"team": "ops"}
	tagged.ContentType = "text/plain"
	tagged.Description = "SMTP relay"
	off := dsSecretEntry(bifrost.GlobalScope, "retired", "retired-test-value-8d8d")
	off.Enabled = false
	others := []bifrost.Entry{
		tagged,
		off,
		dsSecretEntry(bifrost.GlobalScope, "webhook-signing", "whsec-test-global-0b0b"),
		dsSecretEntry(otherOrg, "b-only", "b-test-value-4e4e"),
		// Configs of A are not secrets and must not be listed.
		dsConfigEntry(testOrg, "db_password", bifrost.TypeSecret, "cfg-test-value-a1a1"),
	}
	entries = append(entries, others...)
	for _, e := range others {
		values = append(values, e.Value)
	}
	dsSeed(t, v, entries...)

	// item is the path of attribute name of the i-th secret of a bifrost_secrets data source.
	item := func(i int, name string) tfjsonpath.Path {
		return tfjsonpath.New("secrets").AtSliceIndex(i).AtMapKey(name)
	}
	attr := func(ds string, i int, name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, item(i, name), knownvalue.StringExact(want))
	}
	secrets := func(ds string, n int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, tfjsonpath.New("secrets"), knownvalue.ListSizeExact(n))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_secrets" "a" {
  organization_id = %q
}
data "bifrost_secrets" "global" {
  organization_id = "global"
}
data "bifrost_secrets" "b" {}
data "bifrost_secrets" "empty" {
  organization_id = %q
}
`, testOrg, thirdOrg), fmt.Sprintf("organization_id = %q", otherOrg)),
				ConfigStateChecks: []statecheck.StateCheck{
					secrets("data.bifrost_secrets.a", 27),
					attr("data.bifrost_secrets.a", 0, "name", "svc-00"),
					attr("data.bifrost_secrets.a", 0, "id", testOrg+"/svc-00"),
					statecheck.ExpectKnownValue("data.bifrost_secrets.a", item(0, "enabled"), knownvalue.Bool(true)),
					attr("data.bifrost_secrets.a", 0, "key_vault_secret_name", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "svc-00")),
					statecheck.ExpectKnownValue("data.bifrost_secrets.a", item(0, "updated_at"), knownRFC3339),
					attr("data.bifrost_secrets.a", 26, "name", "svc-26"),
					// The list objects have no value attribute at all.
					attrAbsent{"data.bifrost_secrets.a", tfjsonpath.New("secrets").AtSliceIndex(0), "value"},

					secrets("data.bifrost_secrets.global", 3),
					attr("data.bifrost_secrets.global", 0, "name", "retired"),
					statecheck.ExpectKnownValue("data.bifrost_secrets.global", item(0, "enabled"), knownvalue.Bool(false)),
					attr("data.bifrost_secrets.global", 1, "name", "smtp-password"),
					attr("data.bifrost_secrets.global", 1, "id", "global/smtp-password"),
					attr("data.bifrost_secrets.global", 1, "content_type", "text/plain"),
					attr("data.bifrost_secrets.global", 1, "description", "SMTP relay"),
					statecheck.ExpectKnownValue("data.bifrost_secrets.global", item(1, "tags"), knownvalue.MapSizeExact(1)),
					statecheck.ExpectKnownValue("data.bifrost_secrets.global", item(1, "tags").AtMapKey("team"), knownvalue.StringExact("ops")),
					attr("data.bifrost_secrets.global", 2, "name", "webhook-signing"),
					statecheck.ExpectKnownValue("data.bifrost_secrets.global", item(2, "tags"), knownvalue.MapSizeExact(0)),
					statecheck.ExpectKnownValue("data.bifrost_secrets.global", item(2, "description"), knownvalue.Null()),

					secrets("data.bifrost_secrets.b", 1),
					attr("data.bifrost_secrets.b", 0, "id", otherOrg+"/b-only"),
					secrets("data.bifrost_secrets.empty", 0),

					// Not one seeded value anywhere in the state.
					dsStateLacks{values: values},
				},
			},
		},
	})
}
