package provider

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// The zero providerModel is a provider block with every attribute null.

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const testVault = "https://v.vault.azure.net/"

func TestResolveSettings_valuesAndPrecedence(t *testing.T) {
	cases := []struct {
		name string
		cfg  func(*providerModel)
		env  map[string]string
		got  func(providerSettings) any
		want any
	}{
		{"the provider block wins over the environment",
			func(m *providerModel) { m.TenantID = types.StringValue("from-block") },
			map[string]string{"BIFROST_TENANT_ID": "from-bifrost", "ARM_TENANT_ID": "from-arm"},
			func(s providerSettings) any { return s.TenantID }, "from-block"},
		{"BIFROST_ wins over ARM_",
			nil, map[string]string{"BIFROST_CLIENT_ID": "bifrost-client", "ARM_CLIENT_ID": "arm-client", "AZURE_CLIENT_ID": "azure-client"},
			func(s providerSettings) any { return s.ClientID }, "bifrost-client"},
		{"ARM_ wins over AZURE_",
			nil, map[string]string{"ARM_CLIENT_ID": "arm-client", "AZURE_CLIENT_ID": "azure-client"},
			func(s providerSettings) any { return s.ClientID }, "arm-client"},
		{"an empty variable is not set",
			nil, map[string]string{"ARM_CLIENT_ID": "", "AZURE_CLIENT_ID": "azure-client"},
			func(s providerSettings) any { return s.ClientID }, "azure-client"},
		{"a secret from the environment",
			nil, map[string]string{"AZURE_CLIENT_SECRET": "s3cret", "ARM_TENANT_ID": "t", "ARM_CLIENT_ID": "c"},
			func(s providerSettings) any { return s.ClientSecret }, "s3cret"},
		{"vault_url from the environment",
			func(m *providerModel) { m.VaultURL = types.StringNull() }, map[string]string{"AZURE_KEYVAULT_URL": "https://other.vault.azure.net"},
			func(s providerSettings) any { return s.VaultURL }, "https://other.vault.azure.net"},
		{"organization_id is stored lower-case",
			nil, map[string]string{"BIFROST_ORGANIZATION_ID": "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A"},
			func(s providerSettings) any { return s.OrganizationID }, bifrost.Scope("3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a")},
		{"organization_id from the block",
			func(m *providerModel) { m.OrganizationID = types.StringValue("global") }, nil,
			func(s providerSettings) any { return s.OrganizationID }, bifrost.Scope(bifrost.GlobalScope)},
		{"no organization_id leaves the scope to each resource",
			nil, nil, func(s providerSettings) any { return s.OrganizationID }, bifrost.Scope("")},
		{"a boolean from the environment",
			nil, map[string]string{"BIFROST_PURGE_ON_DESTROY": "true"},
			func(s providerSettings) any { return s.PurgeOnDestroy }, true},
		{"purge_on_destroy defaults to false",
			nil, nil, func(s providerSettings) any { return s.PurgeOnDestroy }, false},
		{"recover_soft_deleted defaults to true",
			nil, nil, func(s providerSettings) any { return s.RecoverSoftDeleted }, true},
		{"recover_soft_deleted turned off from the environment",
			nil, map[string]string{"BIFROST_RECOVER_SOFT_DELETED": "false"},
			func(s providerSettings) any { return s.RecoverSoftDeleted }, false},
		{"recover_soft_deleted turned off in the block",
			func(m *providerModel) { m.RecoverSoftDeleted = types.BoolValue(false) }, map[string]string{"BIFROST_RECOVER_SOFT_DELETED": "true"},
			func(s providerSettings) any { return s.RecoverSoftDeleted }, false},
		{"environment defaults to public",
			nil, nil, func(s providerSettings) any { return s.Environment }, "public"},
		{"an empty environment in the block is the default",
			func(m *providerModel) { m.Environment = types.StringValue("") }, map[string]string{"ARM_ENVIRONMENT": "china"},
			func(s providerSettings) any { return s.Environment }, "public"},
		{"environment from ARM_ENVIRONMENT",
			nil, map[string]string{"ARM_ENVIRONMENT": "usgovernment"},
			func(s providerSettings) any { return s.Environment }, "usgovernment"},
		{"environment in azurerm's spelling selects its cloud",
			nil, map[string]string{"ARM_ENVIRONMENT": "USGovernment"},
			func(s providerSettings) any { return cloudFor(s.Environment).ActiveDirectoryAuthorityHost }, cloud.AzureGovernment.ActiveDirectoryAuthorityHost},
		{"authority_host from AZURE_AUTHORITY_HOST",
			nil, map[string]string{"AZURE_AUTHORITY_HOST": "https://login.example/"},
			func(s providerSettings) any { return s.AuthorityHost }, "https://login.example/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := providerModel{VaultURL: types.StringValue(testVault)}
			if c.cfg != nil {
				c.cfg(&cfg)
			}
			s, diags := resolveSettings(cfg, envOf(c.env))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got := c.got(s); got != c.want {
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
func sensitiveValues(cfg providerModel, env map[string]string) []string {
	var out []string
	for _, a := range providerAttributes {
		sa, ok := a.(*stringAttribute[string])
		if !ok || !sa.sensitive {
			continue
		}
		if v := sa.model(&cfg); !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
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
	cases := []struct {
		name string
		cfg  func(*providerModel)
		env  map[string]string
		want wantDiag
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
		{"bad organization from the environment", vaultInBlock, map[string]string{"BIFROST_ORGANIZATION_ID": "acme"},
			wantDiag{"organization_id", "Invalid provider setting from the environment", []string{"BIFROST_ORGANIZATION_ID", `"acme"`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cfg providerModel
			if c.cfg != nil {
				c.cfg(&cfg)
			}
			_, diags := resolveSettings(cfg, envOf(c.env))
			requireDiag(t, diags, c.want, sensitiveValues(cfg, c.env))
		})
	}
}

// vaultInBlock sets vault_url in the block, for cases about something else.
func vaultInBlock(m *providerModel) { m.VaultURL = types.StringValue(testVault) }

// An invalid value from the environment is reported as such, and nothing is judged on it.
func TestResolveSettings_invalidEnvironmentStopsBeforeTheCredentialChecks(t *testing.T) {
	_, diags := resolveSettings(providerModel{}, envOf(map[string]string{
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
		for _, e := range envOfAttribute(a) {
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

func envOfAttribute(a providerAttribute) []string {
	switch a := a.(type) {
	case *stringAttribute[string]:
		return a.env
	case *stringAttribute[bifrost.Scope]:
		return a.env
	case *boolAttribute:
		return a.env
	case *int64Attribute:
		return a.env
	}
	panic("unexpected attribute type")
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

// Every attribute of the table fills the field of providerSettings named like its field of
// providerModel, and every field of providerModel is an attribute of the table: an accessor
// pointing at the wrong field fails here.
func TestProviderAttributes_eachFillsItsOwnField(t *testing.T) {
	modelType := reflect.TypeOf(providerModel{})
	byTag := map[string]reflect.StructField{}
	for i := range modelType.NumField() {
		f := modelType.Field(i)
		byTag[f.Tag.Get("tfsdk")] = f
	}
	if len(byTag) != len(providerAttributes) {
		t.Errorf("providerModel has %d fields, the table %d attributes", len(byTag), len(providerAttributes))
	}
	for _, a := range providerAttributes {
		name := a.attributeName()
		t.Run(name, func(t *testing.T) {
			f, ok := byTag[name]
			if !ok {
				t.Fatalf("providerModel has no field tagged %q", name)
			}
			// Two blocks that differ in this attribute only; "global" suits every string
			// attribute, since values in the block are checked at plan, not here.
			var one, other providerModel
			switch f.Type {
			case reflect.TypeOf(types.String{}):
				reflect.ValueOf(&one).Elem().FieldByIndex(f.Index).Set(reflect.ValueOf(types.StringValue("global")))
			case reflect.TypeOf(types.Bool{}):
				reflect.ValueOf(&one).Elem().FieldByIndex(f.Index).Set(reflect.ValueOf(types.BoolValue(true)))
				reflect.ValueOf(&other).Elem().FieldByIndex(f.Index).Set(reflect.ValueOf(types.BoolValue(false)))
			case reflect.TypeOf(types.Int64{}):
				reflect.ValueOf(&one).Elem().FieldByIndex(f.Index).Set(reflect.ValueOf(types.Int64Value(7)))
				reflect.ValueOf(&other).Elem().FieldByIndex(f.Index).Set(reflect.ValueOf(types.Int64Value(8)))
			}
			s1, s2 := resolveOnly(t, one), resolveOnly(t, other)
			v1, v2 := reflect.ValueOf(s1), reflect.ValueOf(s2)
			var changed []string
			for i := range v1.NumField() {
				if v1.Type().Field(i).IsExported() && v1.Field(i).Interface() != v2.Field(i).Interface() {
					changed = append(changed, v1.Type().Field(i).Name)
				}
			}
			if len(changed) != 1 || changed[0] != f.Name {
				t.Errorf("%s should set providerSettings.%s only; it changes %v", name, f.Name, changed)
			}
			if src := s1.sourceOf(a); !src.inBlock {
				t.Errorf("%s from the block is recorded as %+v", name, src)
			}
		})
	}
}

// resolveOnly resolves the attributes of cfg without the checks that need more than one of them.
func resolveOnly(t *testing.T, cfg providerModel) providerSettings {
	t.Helper()
	var s providerSettings
	for _, a := range providerAttributes {
		if diags := a.resolve(&cfg, &s, envOf(nil)); diags.HasError() {
			t.Fatalf("%s: %v", a.attributeName(), diags)
		}
	}
	return s
}
