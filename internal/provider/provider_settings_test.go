package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// blockValues are what a test's provider block gives, by attribute: a string, bool or int64 of the
// attribute's type, or an attr.Value such as types.StringUnknown(). Every other attribute is null.
type blockValues map[providerAttribute]any

// blockOf is the provider block that gives values, as Configure reads it from Terraform.
func blockOf(values blockValues) providerBlock {
	block := providerBlock{}
	for a, v := range values {
		var value attr.Value
		switch v := v.(type) {
		case attr.Value:
			value = v
		case string:
			value = types.StringValue(v)
		case bool:
			value = types.BoolValue(v)
		case int64:
			value = types.Int64Value(v)
		}
		if value == nil || !value.Type(context.Background()).Equal(a.schemaAttribute().GetType()) {
			panic(fmt.Sprintf("%#v is not a value of %s", v, a.attributeName()))
		}
		block[a.attributeName()] = value
	}
	return block
}

// with is values and more: more wins where both give an attribute.
func (values blockValues) with(more blockValues) blockValues {
	out := maps.Clone(values)
	if out == nil {
		out = blockValues{}
	}
	maps.Copy(out, more)
	return out
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const testVault = "https://v.vault.azure.net/"

func TestResolveSettings_valuesAndPrecedence(t *testing.T) {
	cases := []struct {
		name  string
		block blockValues // over a block that gives vault_url
		env   map[string]string
		got   func(*providerSettings) any
		want  any
	}{
		{"the provider block wins over the environment",
			blockValues{tenantIDAttr: "from-block"},
			map[string]string{"BIFROST_TENANT_ID": "from-bifrost", "ARM_TENANT_ID": "from-arm"},
			func(s *providerSettings) any { return tenantIDAttr.value(s) }, "from-block"},
		{"BIFROST_ wins over ARM_",
			nil, map[string]string{"BIFROST_CLIENT_ID": "bifrost-client", "ARM_CLIENT_ID": "arm-client", "AZURE_CLIENT_ID": "azure-client"},
			func(s *providerSettings) any { return clientIDAttr.value(s) }, "bifrost-client"},
		{"ARM_ wins over AZURE_",
			nil, map[string]string{"ARM_CLIENT_ID": "arm-client", "AZURE_CLIENT_ID": "azure-client"},
			func(s *providerSettings) any { return clientIDAttr.value(s) }, "arm-client"},
		{"an empty variable is not set",
			nil, map[string]string{"ARM_CLIENT_ID": "", "AZURE_CLIENT_ID": "azure-client"},
			func(s *providerSettings) any { return clientIDAttr.value(s) }, "azure-client"},
		{"a secret from the environment",
			nil, map[string]string{"AZURE_CLIENT_SECRET": "s3cret", "ARM_TENANT_ID": "t", "ARM_CLIENT_ID": "c"},
			func(s *providerSettings) any { return clientSecretAttr.value(s) }, "s3cret"},
		{"vault_url from the environment",
			blockValues{vaultURLAttr: types.StringNull()}, map[string]string{"AZURE_KEYVAULT_URL": "https://other.vault.azure.net"},
			func(s *providerSettings) any { return vaultURLAttr.value(s) }, "https://other.vault.azure.net"},
		{"organization_id is stored lower-case",
			nil, map[string]string{"BIFROST_ORGANIZATION_ID": "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A"},
			func(s *providerSettings) any { return organizationIDAttr.value(s) }, bifrost.Scope("3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a")},
		{"organization_id from the block",
			blockValues{organizationIDAttr: "global"}, nil,
			func(s *providerSettings) any { return organizationIDAttr.value(s) }, bifrost.Scope(bifrost.GlobalScope)},
		{"no organization_id leaves the scope to each resource",
			nil, nil, func(s *providerSettings) any { return organizationIDAttr.value(s) }, bifrost.Scope("")},
		{"a boolean from the environment",
			nil, map[string]string{"BIFROST_PURGE_ON_DESTROY": "true"},
			func(s *providerSettings) any { return purgeOnDestroyAttr.value(s) }, true},
		{"purge_on_destroy defaults to false",
			nil, nil, func(s *providerSettings) any { return purgeOnDestroyAttr.value(s) }, false},
		{"recover_soft_deleted defaults to true",
			nil, nil, func(s *providerSettings) any { return recoverSoftDeletedAttr.value(s) }, true},
		{"recover_soft_deleted turned off from the environment",
			nil, map[string]string{"BIFROST_RECOVER_SOFT_DELETED": "false"},
			func(s *providerSettings) any { return recoverSoftDeletedAttr.value(s) }, false},
		{"recover_soft_deleted turned off in the block",
			blockValues{recoverSoftDeletedAttr: false}, map[string]string{"BIFROST_RECOVER_SOFT_DELETED": "true"},
			func(s *providerSettings) any { return recoverSoftDeletedAttr.value(s) }, false},
		{"environment defaults to public",
			nil, nil, func(s *providerSettings) any { return environmentAttr.value(s) }, "public"},
		{"an empty environment in the block is the default",
			blockValues{environmentAttr: ""}, map[string]string{"ARM_ENVIRONMENT": "china"},
			func(s *providerSettings) any { return environmentAttr.value(s) }, "public"},
		{"environment from ARM_ENVIRONMENT",
			nil, map[string]string{"ARM_ENVIRONMENT": "usgovernment"},
			func(s *providerSettings) any { return environmentAttr.value(s) }, "usgovernment"},
		{"environment in azurerm's spelling selects its cloud",
			nil, map[string]string{"ARM_ENVIRONMENT": "USGovernment"},
			func(s *providerSettings) any { return cloudFor(environmentAttr.value(s)).ActiveDirectoryAuthorityHost }, cloud.AzureGovernment.ActiveDirectoryAuthorityHost},
		{"authority_host from AZURE_AUTHORITY_HOST",
			nil, map[string]string{"AZURE_AUTHORITY_HOST": "https://login.example/"},
			func(s *providerSettings) any { return authorityHostAttr.value(s) }, "https://login.example/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, diags := resolveSettings(blockOf(blockValues{vaultURLAttr: testVault}.with(c.block)), envOf(c.env))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got := c.got(&s); got != c.want {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

// wantDiag is a diagnostic as the user sees it: on an attribute, with a summary, and a detail
// that says these things.
type wantDiag struct {
	attr    string
	summary string
	detail  []string
}

// requireDiag fails unless diags holds an error on want.attr with want.summary whose detail
// contains every want.detail, and unless no diagnostic repeats a value in secrets.
func requireDiag(t *testing.T, diags diag.Diagnostics, want wantDiag, secrets []string) {
	t.Helper()
	var text strings.Builder
	found := false
	for _, d := range diags {
		text.WriteString(d.Severity().String() + " " + pathOf(d) + ": " + d.Summary() + ": " + d.Detail() + "\n")
		for _, s := range secrets {
			if strings.Contains(d.Summary()+d.Detail(), s) {
				t.Errorf("a diagnostic repeats the credential %q", s)
			}
		}
		if d.Severity() != diag.SeverityError || pathOf(d) != want.attr || d.Summary() != want.summary {
			continue
		}
		found = true
		for _, w := range want.detail {
			if !strings.Contains(d.Detail(), w) {
				t.Errorf("the detail of %q on %s should say %q:\n%s", want.summary, want.attr, w, d.Detail())
			}
		}
	}
	if !found {
		t.Errorf("want an error %q on %s, got:\n%s", want.summary, want.attr, text.String())
	}
}

func pathOf(d diag.Diagnostic) string {
	if dp, ok := d.(diag.DiagnosticWithPath); ok {
		return dp.Path().String()
	}
	return "(no attribute)"
}

// sensitiveValues are the values of sensitive attributes a test gives, in the block or the
// environment: no diagnostic may repeat them.
func sensitiveValues(block providerBlock, env map[string]string) []string {
	var out []string
	for _, a := range providerAttributes {
		sa, ok := a.(*stringAttribute[string])
		if !ok || !sa.sensitive {
			continue
		}
		if v := valueIn(block, sa.name, types.StringNull()); !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			out = append(out, v.ValueString())
		}
		for _, e := range sa.env {
			if env[e] != "" {
				out = append(out, env[e])
			}
		}
	}
	return out
}

func TestResolveSettings_errorsNameTheAttribute(t *testing.T) {
	vaultInBlock := blockValues{vaultURLAttr: testVault} // for cases about something else
	cases := []struct {
		name  string
		block blockValues
		env   map[string]string
		want  wantDiag
	}{
		{"missing vault", nil, nil,
			wantDiag{"vault_url", "Missing Key Vault URL", []string{"BIFROST_VAULT_URL", "ARM_KEY_VAULT_URL", "AZURE_KEYVAULT_URL", exampleVaultURL}}},
		{"http vault from the environment", nil, map[string]string{"BIFROST_VAULT_URL": "http://v.vault.azure.net/"},
			wantDiag{"vault_url", "Invalid provider setting from the environment", []string{"BIFROST_VAULT_URL", "https://", exampleVaultURL}}},
		{"a secret's URL from the environment", nil, map[string]string{"ARM_KEY_VAULT_URL": "https://v.vault.azure.net/secrets/x"},
			wantDiag{"vault_url", "Invalid provider setting from the environment", []string{"ARM_KEY_VAULT_URL", "has a path (/secrets/x)", exampleVaultURL}}},
		{"a vault URL with a query from the environment", nil, map[string]string{"AZURE_KEYVAULT_URL": "https://v.vault.azure.net/?api-version=7.4"},
			wantDiag{"vault_url", "Invalid provider setting from the environment", []string{"AZURE_KEYVAULT_URL", "has a query (?api-version=7.4)", exampleVaultURL}}},
		{"a vault URL with a fragment from the environment", nil, map[string]string{"BIFROST_VAULT_URL": "https://v.vault.azure.net/#top"},
			wantDiag{"vault_url", "Invalid provider setting from the environment", []string{"BIFROST_VAULT_URL", "has a fragment (#top)", exampleVaultURL}}},
		{"http authority from the environment", vaultInBlock, map[string]string{"AZURE_AUTHORITY_HOST": "http://login.example/"},
			wantDiag{"authority_host", "Invalid provider setting from the environment", []string{"AZURE_AUTHORITY_HOST", "https://"}}},
		{"unknown cloud from the environment", vaultInBlock, map[string]string{"ARM_ENVIRONMENT": "mars"},
			wantDiag{"environment", "Invalid provider setting from the environment", []string{"ARM_ENVIRONMENT", "public", "usgovernment", "china"}}},
		{"not a boolean", vaultInBlock, map[string]string{"ARM_USE_MSI": "yes please"},
			wantDiag{"use_msi", "Invalid provider setting from the environment", []string{"ARM_USE_MSI must be true or false"}}},
		{"not a whole number", vaultInBlock, map[string]string{"BIFROST_EXPIRY_WARNING_DAYS": "forever"},
			wantDiag{"expiry_warning_days", "Invalid provider setting from the environment", []string{"BIFROST_EXPIRY_WARNING_DAYS must be a whole number from 0 to 3650 to set expiry_warning_days."}}},
		{"a whole number out of range", vaultInBlock, map[string]string{"BIFROST_EXPIRY_WARNING_DAYS": "3651"},
			wantDiag{"expiry_warning_days", "Invalid provider setting from the environment", []string{"BIFROST_EXPIRY_WARNING_DAYS must be a whole number from 0 to 3650"}}},
		{"bad organization from the environment", vaultInBlock, map[string]string{"BIFROST_ORGANIZATION_ID": "acme"},
			wantDiag{"organization_id", "Invalid provider setting from the environment", []string{"BIFROST_ORGANIZATION_ID", `"acme"`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			block := blockOf(c.block)
			_, diags := resolveSettings(block, envOf(c.env))
			requireDiag(t, diags, c.want, sensitiveValues(block, c.env))
		})
	}
}

// An invalid value from the environment is reported as such, and nothing is judged on it.
func TestResolveSettings_invalidEnvironmentStopsBeforeTheCredentialChecks(t *testing.T) {
	_, diags := resolveSettings(providerBlock{}, envOf(map[string]string{
		"BIFROST_VAULT_URL": "http://v.vault.azure.net/", "ARM_CLIENT_SECRET": "s3cret",
	}))
	if len(diags) != 1 || diags[0].Summary() != "Invalid provider setting from the environment" {
		t.Errorf("want only the invalid vault_url, got %v", diags)
	}
}

func TestProviderSchema_everyAttributeDocumentedWithEnvironment(t *testing.T) {
	resp := &provider.SchemaResponse{}
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if len(resp.Schema.Attributes) != len(providerAttributes) {
		t.Errorf("the schema has %d attributes, the table %d", len(resp.Schema.Attributes), len(providerAttributes))
	}
	for _, a := range providerAttributes {
		name := a.attributeName()
		attr, ok := resp.Schema.Attributes[name]
		if !ok {
			t.Errorf("attribute %s is in the table but not in the schema", name)
			continue
		}
		if !strings.Contains(attr.GetMarkdownDescription(), "Environment: `BIFROST_") {
			t.Errorf("attribute %s does not name its BIFROST_* environment variable: %s", name, attr.GetMarkdownDescription())
		}
		for _, e := range a.environmentVariables() {
			if !strings.Contains(attr.GetMarkdownDescription(), "`"+e+"`") {
				t.Errorf("attribute %s does not name its environment variable %s", name, e)
			}
		}
	}
	for _, secret := range []string{"client_secret", "client_certificate_password", "oidc_token", "oidc_request_token", "client_certificate"} {
		if !resp.Schema.Attributes[secret].IsSensitive() {
			t.Errorf("%s must be sensitive", secret)
		}
	}
}

// The validators Terraform runs at plan refuse a vault_url that is not the vault's base URL, and
// say what is wrong and what is expected.
func TestProviderSchema_vaultURLRefusedAtPlan(t *testing.T) {
	resp := &provider.SchemaResponse{}
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, resp)
	cases := []struct {
		attr, value string
		want        *wantDiag // nil: accepted
	}{
		{"vault_url", "https://my-vault.vault.azure.net/", nil},
		{"vault_url", "https://my-vault.vault.azure.net", nil},
		{"vault_url", "https://localhost:8443/", nil},
		{"vault_url", "http://my-vault.vault.azure.net/",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"not an https:// URL", exampleVaultURL}}},
		{"vault_url", "my-vault.vault.azure.net",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"not an https:// URL", exampleVaultURL}}},
		{"vault_url", "https://my-vault.vault.azure.net/secrets/x",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"has a path (/secrets/x)", exampleVaultURL}}},
		{"vault_url", "https://my-vault.vault.azure.net/secrets/x/0123456789abcdef",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"has a path (/secrets/x/0123456789abcdef)", exampleVaultURL}}},
		{"vault_url", "https://my-vault.vault.azure.net/?x=1",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"has a query (?x=1)", exampleVaultURL}}},
		{"vault_url", "https://my-vault.vault.azure.net/?",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"has a query", exampleVaultURL}}},
		{"vault_url", "https://my-vault.vault.azure.net/#x",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"has a fragment (#x)", exampleVaultURL}}},
		{"vault_url", "https://my-vault.vault.azure.net/#",
			&wantDiag{"vault_url", "Invalid Key Vault URL", []string{"has a fragment", exampleVaultURL}}},
		{"authority_host", "https://login.microsoftonline.com/", nil},
		{"authority_host", "https://127.0.0.1:8443/tenant/path", nil},
		{"authority_host", "http://login.microsoftonline.com/",
			&wantDiag{"authority_host", "Invalid Attribute Value Match", []string{"must be an https:// URL"}}},
		{"organization_id", "global", nil},
		{"organization_id", "acme",
			&wantDiag{"organization_id", "Invalid organization_id", []string{`"acme"`}}},
	}
	for _, c := range cases {
		t.Run(c.attr+" "+c.value, func(t *testing.T) {
			attr, ok := resp.Schema.Attributes[c.attr].(schema.StringAttribute)
			if !ok {
				t.Fatalf("%s is not a string attribute", c.attr)
			}
			var diags diag.Diagnostics
			for _, v := range attr.Validators {
				r := &validator.StringResponse{}
				v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root(c.attr), ConfigValue: types.StringValue(c.value)}, r)
				diags.Append(r.Diagnostics...)
			}
			if c.want == nil {
				if diags.HasError() {
					t.Errorf("want %q accepted, got %v", c.value, diags)
				}
				return
			}
			requireDiag(t, diags, *c.want, nil)
		})
	}
}

// Every attribute of the table resolves into a value of its own, from the block or from each of
// its environment variables, and reads it back with its value method; and no two attributes share
// a name or a variable. An attribute that read another's name, variable or value fails here.
func TestProviderAttributes_eachResolvesIntoItsOwnValue(t *testing.T) {
	names, variables := map[string]bool{}, map[string]string{}
	for _, a := range providerAttributes {
		if names[a.attributeName()] {
			t.Errorf("two attributes are called %s", a.attributeName())
		}
		names[a.attributeName()] = true
		for _, e := range a.environmentVariables() {
			if other, ok := variables[e]; ok {
				t.Errorf("%s sets both %s and %s", e, other, a.attributeName())
			}
			variables[e] = a.attributeName()
		}
	}
	for _, a := range providerAttributes {
		name := a.attributeName()
		one, other := twoValuesOf(t, a)
		t.Run(name+" in the block", func(t *testing.T) {
			s1 := resolveOnly(t, blockOf(blockValues{a: one}), nil)
			s2 := resolveOnly(t, blockOf(blockValues{a: other}), nil)
			requireOwnValue(t, a, s1, s2, one)
			if src := s1.sourceOf(a); !src.inBlock {
				t.Errorf("%s from the block is recorded as %+v", name, src)
			}
		})
		for _, e := range a.environmentVariables() {
			t.Run(name+" by "+e, func(t *testing.T) {
				s1 := resolveOnly(t, providerBlock{}, map[string]string{e: fmt.Sprint(one)})
				s2 := resolveOnly(t, providerBlock{}, map[string]string{e: fmt.Sprint(other)})
				requireOwnValue(t, a, s1, s2, one)
				if src := s1.sourceOf(a); src.env != e {
					t.Errorf("%s from %s is recorded as %+v", name, e, src)
				}
			})
		}
	}
}

// twoValuesOf returns two different values a accepts, from the block and from the environment.
func twoValuesOf(t *testing.T, a providerAttribute) (one, other any) {
	t.Helper()
	switch a := a.(type) {
	case *boolAttribute:
		return true, false
	case *int64Attribute:
		return int64(7), int64(8)
	case interface {
		providerAttribute
		validateFromEnv(variable, value string) diag.Diagnostics
	}:
		// Each string attribute takes the first two of these its validators accept.
		var accepted []any
		for _, v := range []string{"global", testOrg, testVault, "https://other.vault.azure.net/", "public", "china", "cGVt", "cGZ4"} {
			if !a.validateFromEnv("TEST", v).HasError() {
				accepted = append(accepted, v)
			}
		}
		if len(accepted) < 2 {
			t.Fatalf("%s accepts fewer than two of the test's values: %v", a.attributeName(), accepted)
		}
		return accepted[0], accepted[1]
	}
	t.Fatalf("%s is an attribute of a type this test does not know", a.attributeName())
	return nil, nil
}

// requireOwnValue fails unless a reads want from s1, and s1 and s2, resolved from two values of
// a, differ in a's value only.
func requireOwnValue(t *testing.T, a providerAttribute, s1, s2 providerSettings, want any) {
	t.Helper()
	var got any
	switch a := a.(type) {
	case *stringAttribute[string]:
		got = a.value(&s1)
	case *stringAttribute[bifrost.Scope]:
		got = string(a.value(&s1))
	case *boolAttribute:
		got = a.value(&s1)
	case *int64Attribute:
		got = a.value(&s1)
	}
	if got != want {
		t.Errorf("%s reads %#v, want %#v", a.attributeName(), got, want)
	}
	var changed []string
	for _, b := range providerAttributes {
		if s1.values[b] != s2.values[b] {
			changed = append(changed, b.attributeName())
		}
	}
	if len(changed) != 1 || changed[0] != a.attributeName() {
		t.Errorf("%s should set its own value only; it changes %v", a.attributeName(), changed)
	}
}

// resolveOnly resolves the attributes of block and env without the checks that need more than
// one of them.
func resolveOnly(t *testing.T, block providerBlock, env map[string]string) providerSettings {
	t.Helper()
	var s providerSettings
	for _, a := range providerAttributes {
		if diags := a.resolve(block, &s, envOf(env)); diags.HasError() {
			t.Fatalf("%s: %v", a.attributeName(), diags)
		}
	}
	return s
}
