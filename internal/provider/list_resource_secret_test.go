package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// listBlock is a list block of the bifrost_<kind> list resource named name, in org ("": the
// provider's), with the resource objects, and extra lines.
func listBlock(name, kind, org string, extra ...string) string {
	orgLine := ""
	if org != "" {
		orgLine = fmt.Sprintf("organization_id = %q", org)
	}
	return fmt.Sprintf(`
list "bifrost_%s" %q {
  provider         = bifrost
  include_resource = true
  %s

  config {
    %s
  }
}
`, kind, name, strings.Join(extra, "\n  "), orgLine)
}

// listIdentity is the identity a list result must carry.
func listIdentity(nameAttr, name, org string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{nameAttr: knownvalue.StringExact(name), "organization_id": knownvalue.StringExact(org)}
}

// listResultHasNoValue is the check that a result carries no value.
var listResultHasNoValue = []querycheck.KnownValueCheck{
	{Path: tfjsonpath.New("value"), KnownValue: knownvalue.Null()},
	{Path: tfjsonpath.New("value_wo"), KnownValue: knownvalue.Null()},
}

// TestAccListResourceSecret_query runs the bifrost_secret list resource through
// terraform-plugin-testing's query mode: a secret created by Terraform and two seeded in another
// organization are each found by their organization's list, by identity, with no value in the
// result; a list block's limit takes the first by name; a list without a scope (the provider
// block has none) is refused with what to set.
func TestAccListResourceSecret_query(t *testing.T) {
	v := newAccVault(t)
	dsSeed(t, v,
		dsSecretEntry(otherOrg, "smtp-password", "list-secret-other"),
		dsSecretEntry(otherOrg, "api-key", "list-secret-other-2"),
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{
				Config: v.config(secretConfig("smtp-password", "list-secret-test", `description = "Outgoing mail"`)),
			},
			{
				Query:       true,
				Config:      listBlock("org", "secret", ""),
				ExpectError: expectDiagnostic("Missing organization_id", "organization_id in the provider block"),
			},
			{
				Query:  true,
				Config: listBlock("org", "secret", testOrg) + listBlock("other", "secret", otherOrg) + listBlock("other_first", "secret", otherOrg, "limit = 1"),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("bifrost_secret.org", 1),
					querycheck.ExpectIdentity("bifrost_secret.org", listIdentity("name", "smtp-password", testOrg)),
					querycheck.ExpectResourceKnownValues("bifrost_secret.org", queryfilter.ByDisplayName(knownvalue.StringExact("smtp-password")),
						append([]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("Outgoing mail")},
						}, listResultHasNoValue...)),
					querycheck.ExpectLength("bifrost_secret.other", 2),
					querycheck.ExpectIdentity("bifrost_secret.other", listIdentity("name", "api-key", otherOrg)),
					querycheck.ExpectIdentity("bifrost_secret.other", listIdentity("name", "smtp-password", otherOrg)),
					querycheck.ExpectResourceKnownValues("bifrost_secret.other", queryfilter.ByDisplayName(knownvalue.StringExact("smtp-password")), listResultHasNoValue),
					// limit takes the first entries by name.
					querycheck.ExpectLength("bifrost_secret.other_first", 1),
					querycheck.ExpectIdentity("bifrost_secret.other_first", listIdentity("name", "api-key", otherOrg)),
				},
			},
		},
	})
}
