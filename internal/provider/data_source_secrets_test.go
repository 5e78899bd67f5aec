package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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

	attr := resource.TestCheckResourceAttr
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
				Check: resource.ComposeAggregateTestCheckFunc(
					attr("data.bifrost_secrets.a", "secrets.#", "27"),
					attr("data.bifrost_secrets.a", "secrets.0.name", "svc-00"),
					attr("data.bifrost_secrets.a", "secrets.0.id", testOrg+"/svc-00"),
					attr("data.bifrost_secrets.a", "secrets.0.enabled", "true"),
					attr("data.bifrost_secrets.a", "secrets.0.key_vault_secret_name", bifrost.KeyVaultName(testOrg, bifrost.KindSecret, "svc-00")),
					resource.TestCheckResourceAttrSet("data.bifrost_secrets.a", "secrets.0.updated_at"),
					attr("data.bifrost_secrets.a", "secrets.26.name", "svc-26"),
					// The list objects have no value attribute at all.
					resource.TestCheckNoResourceAttr("data.bifrost_secrets.a", "secrets.0.value"),

					attr("data.bifrost_secrets.global", "secrets.#", "3"),
					attr("data.bifrost_secrets.global", "secrets.0.name", "retired"),
					attr("data.bifrost_secrets.global", "secrets.0.enabled", "false"),
					attr("data.bifrost_secrets.global", "secrets.1.name", "smtp-password"),
					attr("data.bifrost_secrets.global", "secrets.1.id", "global/smtp-password"),
					attr("data.bifrost_secrets.global", "secrets.1.content_type", "text/plain"),
					attr("data.bifrost_secrets.global", "secrets.1.description", "SMTP relay"),
					attr("data.bifrost_secrets.global", "secrets.1.tags.%", "1"),
					attr("data.bifrost_secrets.global", "secrets.1.tags.team", "ops"),
					attr("data.bifrost_secrets.global", "secrets.2.name", "webhook-signing"),
					attr("data.bifrost_secrets.global", "secrets.2.tags.%", "0"),
					resource.TestCheckNoResourceAttr("data.bifrost_secrets.global", "secrets.2.description"),

					attr("data.bifrost_secrets.b", "secrets.#", "1"),
					attr("data.bifrost_secrets.b", "secrets.0.id", otherOrg+"/b-only"),
					attr("data.bifrost_secrets.empty", "secrets.#", "0"),

					// Not one seeded value anywhere in the state.
					dsStateLacks(nil, values...),
				),
			},
		},
	})
}
