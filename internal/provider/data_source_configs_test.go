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

	a := "data.bifrost_configs.a"
	// item is the path of attribute name of the i-th config of a bifrost_configs data source.
	item := func(i int, name string) tfjsonpath.Path {
		return tfjsonpath.New("configs").AtSliceIndex(i).AtMapKey(name)
	}
	attr := func(ds string, i int, name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, item(i, name), knownvalue.StringExact(want))
	}
	configs := func(ds string, n int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, tfjsonpath.New("configs"), knownvalue.ListSizeExact(n))
	}
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
				ConfigStateChecks: []statecheck.StateCheck{
					// Sorted by key; the secret "stripe" is not a config.
					configs(a, 6),
					attr(a, 0, "key", "db_password"),
					attr(a, 0, "type", "secret"),
					attr(a, 0, "key_vault_secret_name", bifrost.KeyVaultName(testOrg, bifrost.KindConfig, "db_password")),
					statecheck.ExpectKnownValue(a, item(0, "updated_at"), knownRFC3339),
					statecheck.ExpectKnownValue(a, item(0, "description"), knownvalue.Null()),
					// The list objects have no value attribute at all.
					attrAbsent{a, tfjsonpath.New("configs").AtSliceIndex(0), "value"},
					attr(a, 1, "key", "feature_on"),
					attr(a, 1, "type", "bool"),
					attr(a, 2, "key", "greeting"),
					attr(a, 2, "type", "string"),
					attr(a, 3, "key", "limits"),
					attr(a, 3, "type", "json"),
					attr(a, 4, "key", "retry_limit"),
					attr(a, 4, "type", "int"),
					attr(a, 4, "description", "Retries per call"),
					attr(a, 5, "key", "stripe_key"),
					attr(a, 5, "type", "secret_reference"),
					// The reference target is not listed either.
					attrAbsent{a, tfjsonpath.New("configs").AtSliceIndex(5), "secret_id"},

					configs("data.bifrost_configs.global", 2),
					attr("data.bifrost_configs.global", 0, "key", "api_key"),
					attr("data.bifrost_configs.global", 1, "key", "smtp_host"),
					configs("data.bifrost_configs.empty", 0),

					dsStateLacks{values: values},
				},
			},
		},
	})
}
