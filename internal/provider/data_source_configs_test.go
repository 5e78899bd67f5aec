package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

func TestAccDataSourceConfigs_list(t *testing.T) {
	v := newAccVault(t)
	described := dsConfigEntry(testOrg, "retry_limit", bifrost.TypeInt, "5")
	described.Description = "Retries per call"
	entries := []bifrost.Entry{
		dsSecretEntry(testOrg, "stripe", "sk-test-stripe-3a3a"),
		dsConfigEntry(testOrg, "stripe_key", bifrost.TypeSecretReference, testOrg+"/stripe"),
		dsConfigEntry(testOrg, "db_password", bifrost.TypeSecret, "pw-test-list-9c9c"),
		described,
		dsConfigEntry(testOrg, "greeting", bifrost.TypeString, "hello-test-list"),
		dsConfigEntry(testOrg, "feature_on", bifrost.TypeBool, "false"),
		dsConfigEntry(testOrg, "limits", bifrost.TypeJSON, `{"daily":100}`),
		dsConfigEntry(bifrost.GlobalScope, "smtp_host", bifrost.TypeString, "smtp.test.invalid"),
		dsConfigEntry(bifrost.GlobalScope, "api_key", bifrost.TypeSecret, "sk-test-global-list-5b5b"),
	}
	var values []string
	for _, e := range entries {
		if e.Type != bifrost.TypeBool && e.Type != bifrost.TypeInt {
			values = append(values, e.Value)
		}
	}
	dsSeed(t, v, entries...)

	attr := resource.TestCheckResourceAttr
	a := "data.bifrost_configs.a"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_configs" "a" {
  organization_id = %q
}
data "bifrost_configs" "global" {
  organization_id = "global"
}
data "bifrost_configs" "empty" {
  organization_id = %q
}
`, testOrg, otherOrg)),
				Check: resource.ComposeAggregateTestCheckFunc(
					// Sorted by key; the secret "stripe" is not a config.
					attr(a, "configs.#", "6"),
					attr(a, "configs.0.key", "db_password"),
					attr(a, "configs.0.type", "secret"),
					attr(a, "configs.0.key_vault_secret_name", bifrost.KeyVaultName(testOrg, bifrost.KindConfig, "db_password")),
					resource.TestCheckResourceAttrSet(a, "configs.0.updated_at"),
					resource.TestCheckNoResourceAttr(a, "configs.0.description"),
					resource.TestCheckNoResourceAttr(a, "configs.0.value"),
					attr(a, "configs.1.key", "feature_on"),
					attr(a, "configs.1.type", "bool"),
					attr(a, "configs.2.key", "greeting"),
					attr(a, "configs.2.type", "string"),
					attr(a, "configs.3.key", "limits"),
					attr(a, "configs.3.type", "json"),
					attr(a, "configs.4.key", "retry_limit"),
					attr(a, "configs.4.type", "int"),
					attr(a, "configs.4.description", "Retries per call"),
					attr(a, "configs.5.key", "stripe_key"),
					attr(a, "configs.5.type", "secret_reference"),
					// The reference target is not listed either.
					resource.TestCheckNoResourceAttr(a, "configs.5.secret_id"),

					attr("data.bifrost_configs.global", "configs.#", "2"),
					attr("data.bifrost_configs.global", "configs.0.key", "api_key"),
					attr("data.bifrost_configs.global", "configs.1.key", "smtp_host"),
					attr("data.bifrost_configs.empty", "configs.#", "0"),

					dsStateLacks(nil, values...),
				),
			},
		},
	})
}
