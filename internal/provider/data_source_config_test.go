package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// dsConfigEntry is an enabled config entry to seed.
func dsConfigEntry(scope, key string, typ bifrost.ConfigType, value string) bifrost.Entry {
	return bifrost.Entry{Scope: bifrost.Scope(scope), Kind: bifrost.KindConfig, Name: key, Type: typ, Value: value, Enabled: true}
}

// dsSecretEntry is an enabled secret entry to seed.
func dsSecretEntry(scope, name, value string) bifrost.Entry {
	return bifrost.Entry{Scope: bifrost.Scope(scope), Kind: bifrost.KindSecret, Name: name, Value: value, Enabled: true}
}

// dsSeed writes entries through the domain store, as the provider would lay them out, and
// returns what Key Vault answered (ids, versions, timestamps). Domain errors never carry
// values, so they may be printed.
func dsSeed(t *testing.T, v *accVault, entries ...bifrost.Entry) []*bifrost.Entry {
	t.Helper()
	st := v.store()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := make([]*bifrost.Entry, 0, len(entries))
	for _, e := range entries {
		written, err := st.Create(ctx, e)
		if err != nil {
			t.Fatalf("seeding %s %q in %s: %v", e.Kind, e.Name, e.Scope, err)
		}
		out = append(out, written)
	}
	return out
}

// dsRawConfig writes a config straight to Key Vault with the layout's name and tags,
// bypassing the store's checks: the way to seed what the store refuses to write (a cross-org
// reference) but another runtime or a hand edit could leave behind.
func dsRawConfig(t *testing.T, v *accVault, e bifrost.Entry) {
	t.Helper()
	tags := map[string]*string{}
	for k, val := range e.KeyVaultTags() {
		tags[k] = &val
	}
	enabled := true
	_, err := v.kvClient().SetSecret(context.Background(), bifrost.KeyVaultName(e.Scope, e.Kind, e.Name),
		azsecrets.SetSecretParameters{Value: &e.Value, Tags: tags, SecretAttributes: &azsecrets.SecretAttributes{Enabled: &enabled}}, nil)
	if err != nil {
		t.Fatalf("writing config %q in %s to Key Vault: %v", e.Name, e.Scope, err)
	}
}

// expectDiagnostic matches a diagnostic that contains the phrases in this order. Terraform wraps
// diagnostics at spaces, so every space in a phrase matches any run of white space.
//
// Tests put their ExpectError steps before a valid last step: the post-test destroy runs with
// the last step's configuration, and fails when that configuration does.
func expectDiagnostic(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = strings.Join(strings.Split(regexp.QuoteMeta(p), " "), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// dsStateLacks is a state check that fails when any attribute of any resource or data source
// in the state's root module equals one of values (or, for a value of 8 bytes or more, contains
// it), except in the resources named in allowed. The failure names the attribute, never the
// value.
type dsStateLacks struct {
	allowed []string
	values  []string
}

func (c dsStateLacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if dsContains(c.allowed, r.Address) {
			continue
		}
		if attr := c.holder(r.AttributeValues, ""); attr != "" {
			resp.Error = fmt.Errorf("%s.%s holds a seeded value; it must not be in the state", r.Address, attr)
			return
		}
	}
}

// holder returns the dotted path (as the flat state spells it: list.0.key) below prefix of the
// first string, number or bool in v that holds one of the values, or "".
func (c dsStateLacks) holder(v any, prefix string) string {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if p := c.holder(e, join(k)); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range t {
			if p := c.holder(e, join(strconv.Itoa(i))); p != "" {
				return p
			}
		}
	case nil:
	default:
		got := fmt.Sprint(t)
		for _, val := range c.values {
			if got == val || (len(val) >= 8 && strings.Contains(got, val)) {
				return prefix
			}
		}
	}
	return ""
}

func dsContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAccDataSourceConfig_isolation(t *testing.T) {
	v := newAccVault(t)
	dsSeed(t, v,
		dsConfigEntry(testOrg, "api_key", bifrost.TypeSecret, "sk-test-org-a-51f0"),
		dsConfigEntry(otherOrg, "api_key", bifrost.TypeSecret, "sk-test-org-b-93c2"),
		dsConfigEntry(bifrost.GlobalScope, "api_key", bifrost.TypeSecret, "sk-test-global-77aa"),
	)
	// The provider's default organization is B: data.bifrost_config.default sets none.
	providerOrg := fmt.Sprintf("organization_id = %q", otherOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_config" "c" {
  organization_id    = %q
  key                = "api_key"
  fallback_to_global = false
}
`, thirdOrg)),
				ExpectError: expectDiagnostic("Entry not found", `config "api_key" in organization `+thirdOrg,
					"fallback_to_global is off", `Add it with a bifrost_config resource: key = "api_key", organization_id = "`+thirdOrg+`"`),
			},
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_config" "a" {
  organization_id = %q
  key             = "api_key"
}
data "bifrost_config" "a_upper" {
  organization_id = upper(%q)
  key             = "api_key"
}
data "bifrost_config" "b" {
  organization_id = %q
  key             = "api_key"
}
data "bifrost_config" "c" {
  organization_id = %q
  key             = "api_key"
}
data "bifrost_config" "default" {
  key = "api_key"
}
`, testOrg, testOrg, otherOrg, thirdOrg), providerOrg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("value"), knownSecretValue("sk-test-org-a-51f0")),
					statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("resolved_scope"), knownvalue.StringExact(testOrg)),
					statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("id"), knownvalue.StringExact(testOrg+"/api_key")),
					statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("type"), knownvalue.StringExact("secret")),
					statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("secret_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("description"), knownvalue.Null()),
					// An upper-case organization id is the same organization.
					statecheck.ExpectKnownValue("data.bifrost_config.a_upper", attrPath("value"), knownSecretValue("sk-test-org-a-51f0")),
					statecheck.ExpectKnownValue("data.bifrost_config.a_upper", attrPath("resolved_scope"), knownvalue.StringExact(testOrg)),
					statecheck.ExpectKnownValue("data.bifrost_config.b", attrPath("value"), knownSecretValue("sk-test-org-b-93c2")),
					statecheck.ExpectKnownValue("data.bifrost_config.b", attrPath("resolved_scope"), knownvalue.StringExact(otherOrg)),
					// C has no api_key: config.get falls back to global.
					statecheck.ExpectKnownValue("data.bifrost_config.c", attrPath("value"), knownSecretValue("sk-test-global-77aa")),
					statecheck.ExpectKnownValue("data.bifrost_config.c", attrPath("resolved_scope"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue("data.bifrost_config.c", attrPath("id"), knownvalue.StringExact("global/api_key")),
					statecheck.ExpectKnownValue("data.bifrost_config.default", attrPath("value"), knownSecretValue("sk-test-org-b-93c2")),
					statecheck.ExpectKnownValue("data.bifrost_config.default", attrPath("resolved_scope"), knownvalue.StringExact(otherOrg)),
				},
			},
		},
	})
}

func TestAccDataSourceConfig_secretReference(t *testing.T) {
	v := newAccVault(t)
	const secretID = "global/payments-token"
	dsSeed(t, v,
		dsSecretEntry(bifrost.GlobalScope, "payments-token", "tok-test-v1-0c8e"),
		dsConfigEntry(testOrg, "payments_token", bifrost.TypeSecretReference, secretID),
		dsConfigEntry(otherOrg, "payments_token", bifrost.TypeSecretReference, secretID),
		dsConfigEntry(bifrost.GlobalScope, "payments_token", bifrost.TypeSecretReference, secretID),
	)
	st := v.store()
	ctx := context.Background()
	scopes := []bifrost.Scope{testOrg, otherOrg, bifrost.GlobalScope}
	// configVersions records each config's Key Vault version, to show that a rotation of the
	// secret leaves the configs that point at it untouched.
	configVersions := func() []string {
		var out []string
		for _, sc := range scopes {
			e, err := st.GetMetadata(ctx, sc, bifrost.KindConfig, "payments_token")
			if err != nil {
				t.Fatalf("reading config payments_token in %s: %v", sc, err)
			}
			out = append(out, e.Version)
		}
		return out
	}
	before := configVersions()

	config := v.config(fmt.Sprintf(`
data "bifrost_config" "a" {
  organization_id = %q
  key             = "payments_token"
}
data "bifrost_config" "b" {
  organization_id = %q
  key             = "payments_token"
}
data "bifrost_config" "global" {
  organization_id = "global"
  key             = "payments_token"
}
`, testOrg, otherOrg))
	checks := func(value string) []statecheck.StateCheck {
		var cs []statecheck.StateCheck
		for _, n := range []string{"a", "b", "global"} {
			ds := "data.bifrost_config." + n
			cs = append(cs,
				statecheck.ExpectKnownValue(ds, attrPath("value"), knownSecretValue(value)),
				statecheck.ExpectKnownValue(ds, attrPath("type"), knownvalue.StringExact("secret_reference")),
				statecheck.ExpectKnownValue(ds, attrPath("secret_id"), knownvalue.StringExact(secretID)),
			)
		}
		return append(cs, statecheck.ExpectKnownValue("data.bifrost_config.a", attrPath("resolved_scope"), knownvalue.StringExact(testOrg)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks("tok-test-v1-0c8e")},
			{
				// Rotate the shared secret behind Terraform's back: every config sees the new
				// value on the next read, and none of them is rewritten.
				PreConfig: func() {
					e, err := st.Get(ctx, bifrost.GlobalScope, bifrost.KindSecret, "payments-token")
					if err != nil {
						t.Fatalf("reading the secret: %v", err)
					}
					e.Value = "tok-test-v2-4d19"
					if _, err := st.Rotate(ctx, *e); err != nil {
						t.Fatalf("rotating the secret: %v", err)
					}
				},
				Config:            config,
				ConfigStateChecks: checks("tok-test-v2-4d19"),
				// The configs' versions are in Key Vault, not in the state.
				Check: func(*terraform.State) error {
					after := configVersions()
					for i := range before {
						if before[i] != after[i] {
							return fmt.Errorf("config payments_token in %s got a new version (%s -> %s) when only the secret was rotated",
								scopes[i], before[i], after[i])
						}
					}
					return nil
				},
			},
		},
	})
}

func TestAccDataSourceConfig_types(t *testing.T) {
	v := newAccVault(t)
	withDescription := dsConfigEntry(testOrg, "retry_limit", bifrost.TypeInt, "-42")
	withDescription.Description = "How often a workflow retries a failed call"
	disabled := dsSecretEntry(testOrg, "retired-key", "old-test-value-5e1d")
	disabled.Enabled = false
	dsSeed(t, v,
		dsConfigEntry(testOrg, "greeting", bifrost.TypeString, "hello world"),
		withDescription,
		dsConfigEntry(testOrg, "feature_on", bifrost.TypeBool, "true"),
		dsConfigEntry(testOrg, "limits", bifrost.TypeJSON, `{"daily":[1,2,3],"name":"x"}`),
		dsConfigEntry(testOrg, "db_password", bifrost.TypeSecret, "pw-test-a81c"),
		disabled,
		dsConfigEntry(testOrg, "disabled_ref", bifrost.TypeSecretReference, testOrg+"/retired-key"),
		dsSecretEntry(otherOrg, "b-only", "b-test-value-77f3"),
	)
	// The store refuses a cross-organization or a dangling reference, so these are written raw.
	dsRawConfig(t, v, dsConfigEntry(testOrg, "cross_ref", bifrost.TypeSecretReference, otherOrg+"/b-only"))
	dsRawConfig(t, v, dsConfigEntry(testOrg, "dangling", bifrost.TypeSecretReference, testOrg+"/missing-secret"))

	one := func(key string) string {
		return v.config(fmt.Sprintf(`
data "bifrost_config" "x" {
  organization_id = %q
  key             = %q
}
`, testOrg, key))
	}
	var all strings.Builder
	for _, k := range []string{"greeting", "retry_limit", "feature_on", "limits", "db_password"} {
		fmt.Fprintf(&all, "data \"bifrost_config\" %q {\n  organization_id = %q\n  key = %q\n}\n", k, testOrg, k)
	}
	attr := func(ds, name, want string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(ds, attrPath(name), knownvalue.StringExact(want))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: one("dangling"),
				ExpectError: expectDiagnostic("Secret reference points at a missing secret",
					`it references secret "`+testOrg+`/missing-secret", which does not exist`, "create it with a bifrost_secret resource"),
			},
			{
				Config:      one("disabled_ref"),
				ExpectError: expectDiagnostic("Secret is disabled", "enable it", `referenced by config "disabled_ref"`),
			},
			{
				Config: one("cross_ref"),
				ExpectError: expectDiagnostic("Secret reference crosses organizations",
					`may not reference secret "`+otherOrg+`/b-only"`, "point it at a secret in organization "+testOrg+" or in global"),
			},
			{
				Config: v.config(all.String()),
				ConfigStateChecks: []statecheck.StateCheck{
					attr("data.bifrost_config.greeting", "type", "string"),
					attr("data.bifrost_config.greeting", "value", "hello world"),
					attr("data.bifrost_config.retry_limit", "type", "int"),
					attr("data.bifrost_config.retry_limit", "value", "-42"),
					attr("data.bifrost_config.retry_limit", "description", "How often a workflow retries a failed call"),
					attr("data.bifrost_config.feature_on", "type", "bool"),
					attr("data.bifrost_config.feature_on", "value", "true"),
					attr("data.bifrost_config.limits", "type", "json"),
					attr("data.bifrost_config.limits", "value", `{"daily":[1,2,3],"name":"x"}`),
					attr("data.bifrost_config.db_password", "type", "secret"),
					attr("data.bifrost_config.db_password", "value", "pw-test-a81c"),
					statecheck.ExpectKnownValue("data.bifrost_config.db_password", attrPath("secret_id"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccDataSource_readOnlyPrincipal(t *testing.T) {
	v := newAccVault(t)
	dsSeed(t, v,
		dsSecretEntry(testOrg, "smtp-password", "smtp-test-3b7a"),
		dsConfigEntry(testOrg, "smtp_password", bifrost.TypeSecretReference, testOrg+"/smtp-password"),
	)
	body := fmt.Sprintf(`
data "bifrost_secret" "s" {
  organization_id = %q
  name            = "smtp-password"
}
data "bifrost_config" "c" {
  organization_id = %q
  key             = "smtp_password"
}
data "bifrost_secrets" "all" {
  organization_id = %q
}
`, testOrg, testOrg, testOrg)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      v.providerBlock("nobody") + body,
				ExpectError: expectDiagnostic("Permission denied by Key Vault", "Key Vault Secrets User"),
			},
			{
				// Key Vault Secrets User is all that reading needs.
				Config: v.providerBlock("reader") + body,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.bifrost_secret.s", attrPath("value"), knownSecretValue("smtp-test-3b7a")),
					statecheck.ExpectKnownValue("data.bifrost_config.c", attrPath("value"), knownSecretValue("smtp-test-3b7a")),
					statecheck.ExpectKnownValue("data.bifrost_secrets.all", attrPath("secrets"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

func TestAccDataSource_badInput(t *testing.T) {
	v := newAccVault(t)
	step := func(body string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: v.config(body), ExpectError: want, PlanOnly: true}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(`
data "bifrost_config" "x" {
  organization_id = "global"
  key             = "api-key"
}`, expectDiagnostic("Invalid config key", `config key "api-key" is not valid: character '-' at position 4`)),
			step(`
data "bifrost_config" "x" {
  organization_id = "acme"
  key             = "api_key"
}`, expectDiagnostic("Invalid organization_id", `organization id "acme" is not valid`)),
			step(`
data "bifrost_config" "x" {
  organization_id = "GLOBAL"
  key             = "api_key"
}`, expectDiagnostic("Invalid organization_id", `the global scope is spelled "global"`)),
			step(`
data "bifrost_secret" "x" {
  organization_id = "global"
  name            = "smtp.password"
}`, expectDiagnostic("Invalid secret name", `secret name "smtp.password" is not valid`)),
			step(`
data "bifrost_secrets" "x" {
  organization_id = "not-a-uuid"
}`, expectDiagnostic("Invalid organization_id", `organization id "not-a-uuid" is not valid`)),
			step(`
data "bifrost_configs" "x" {
  organization_id = ""
}`, expectDiagnostic("Invalid organization_id", "organization id an empty string is not valid")),
			// Neither the data source nor the provider names a scope: the provider never picks one.
			step(`
data "bifrost_config" "x" {
  key = "api_key"
}`, expectDiagnostic("Missing organization_id", "The provider never picks a scope on its own")),
			// The post-test destroy runs with the last step's configuration, so the last step is valid.
			{Config: v.config(`
data "bifrost_configs" "ok" {
  organization_id = "global"
}`)},
		},
	})
}

// TestAccDataSourceConfig_pinnedVersion: version pins a config that holds its own value, in
// the scope config.get would read it from, and is refused for a secret_reference.
func TestAccDataSourceConfig_pinnedVersion(t *testing.T) {
	v := newAccVault(t)
	limit := dsConfigEntry(testOrg, "rate_limit", bifrost.TypeInt, "100")
	region := dsConfigEntry(bifrost.GlobalScope, "region", bifrost.TypeString, "eu-west")
	seeded := dsSeed(t, v, limit, region,
		dsSecretEntry(testOrg, "smtp", "smtp-test-pin-3b3b"),
		dsConfigEntry(testOrg, "smtp_password", bifrost.TypeSecretReference, testOrg+"/smtp"),
	)
	limitV1, regionV1, reference := seeded[0], seeded[1], seeded[3]
	limitV2 := dsRotate(t, v, limit, "200")
	dsRotate(t, v, region, "us-east")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// The organization has rate_limit, but not in global's version: no fallback.
				Config: v.config(fmt.Sprintf(`
data "bifrost_config" "x" {
  organization_id = %q
  key             = "rate_limit"
  version         = %q
}
`, testOrg, regionV1.Version)),
				ExpectError: expectDiagnostic("Entry not found", `config "rate_limit" in organization `+testOrg,
					fmt.Sprintf("it has no version %q", regionV1.Version), fmt.Sprintf("its latest version is %q", limitV2.Version)),
			},
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_config" "x" {
  organization_id = %q
  key             = "smtp_password"
  version         = %q
}
`, testOrg, reference.Version)),
				ExpectError: expectDiagnostic("Invalid value", "is a secret_reference",
					"version is refused for secret_reference configs", fmt.Sprintf(`organization_id = %q, name = "smtp"`, testOrg)),
			},
			{
				Config: v.config(fmt.Sprintf(`
data "bifrost_config" "limit" {
  organization_id = %[1]q
  key             = "rate_limit"
  version         = %[2]q
}
data "bifrost_config" "region" {
  organization_id = %[1]q
  key             = "region"
  version         = %[3]q
}
data "bifrost_config" "limit_latest" {
  organization_id = %[1]q
  key             = "rate_limit"
}
`, testOrg, limitV1.Version, regionV1.Version)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.bifrost_config.limit", attrPath("value"), knownvalue.StringExact("100")),
					statecheck.ExpectKnownValue("data.bifrost_config.limit", attrPath("version"), knownvalue.StringExact(limitV1.Version)),
					statecheck.ExpectKnownValue("data.bifrost_config.limit", attrPath("resolved_scope"), knownvalue.StringExact(testOrg)),
					// Missing in the organization: the pinned version is read in global.
					statecheck.ExpectKnownValue("data.bifrost_config.region", attrPath("value"), knownvalue.StringExact("eu-west")),
					statecheck.ExpectKnownValue("data.bifrost_config.region", attrPath("resolved_scope"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue("data.bifrost_config.limit_latest", attrPath("value"), knownvalue.StringExact("200")),
					statecheck.ExpectKnownValue("data.bifrost_config.limit_latest", attrPath("version"), knownvalue.Null()),
				},
			},
		},
	})
}
