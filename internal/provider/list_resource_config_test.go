package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// TestAccListResourceConfig_query runs the bifrost_config list resource through
// terraform-plugin-testing's query mode: an organization id in any case lists the same scope,
// and results carry its canonical form, the config's type and no value. (Filtering by type is
// in TestAccListResources_generateConfig, generated_configuration_test.go.)
func TestAccListResourceConfig_query(t *testing.T) {
	v := newAccVault(t)
	dsSeed(t, v, dsConfigEntry(testOrg, "greeting", bifrost.TypeString, "list-config-a"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: v.config("")},
			{
				Query:  true,
				Config: listBlock("org", "config", strings.ToUpper(testOrg)),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("bifrost_config.org", 1),
					querycheck.ExpectIdentity("bifrost_config.org", listIdentity("key", "greeting", testOrg)),
					querycheck.ExpectResourceKnownValues("bifrost_config.org", queryfilter.ByDisplayName(knownvalue.StringExact("greeting")),
						append([]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("type"), KnownValue: knownvalue.StringExact("string")},
						}, listResultHasNoValue...)),
				},
			},
		},
	})
}
