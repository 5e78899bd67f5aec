package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

func nullModel() providerModel {
	return providerModel{
		VaultURL: types.StringNull(), OrganizationID: types.StringNull(), TenantID: types.StringNull(),
		ClientID: types.StringNull(), ClientSecret: types.StringNull(), ClientCertificatePath: types.StringNull(),
		ClientCertificatePassword: types.StringNull(), UseOIDC: types.BoolNull(), OIDCToken: types.StringNull(),
		OIDCTokenFilePath: types.StringNull(), OIDCRequestURL: types.StringNull(), OIDCRequestToken: types.StringNull(),
		UseMSI: types.BoolNull(), UseCLI: types.BoolNull(), Environment: types.StringNull(), AuthorityHost: types.StringNull(),
		SkipChallengeResourceVerification: types.BoolNull(), PurgeOnDestroy: types.BoolNull(), RecoverSoftDeleted: types.BoolNull(),
	}
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolveSettings_environmentPrecedence(t *testing.T) {
	cfg := nullModel()
	cfg.TenantID = types.StringValue("from-block")
	env := map[string]string{
		"BIFROST_VAULT_URL":        "https://bifrost.vault.azure.net/",
		"ARM_TENANT_ID":            "from-arm",
		"ARM_CLIENT_ID":            "arm-client",
		"AZURE_CLIENT_ID":          "azure-client",
		"AZURE_CLIENT_SECRET":      "s3cret",
		"BIFROST_ORGANIZATION_ID":  "3F1C9A52-7D2E-4C1B-9A0E-5B6F7C8D9E0A",
		"BIFROST_PURGE_ON_DESTROY": "true",
	}
	s, diags := resolveSettings(cfg, envOf(env))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.TenantID != "from-block" {
		t.Errorf("the provider block must win over the environment, got tenant %q", s.TenantID)
	}
	if s.ClientID != "arm-client" {
		t.Errorf("ARM_* must win over AZURE_*, got client id %q", s.ClientID)
	}
	if s.VaultURL != "https://bifrost.vault.azure.net/" || s.ClientSecret != "s3cret" {
		t.Errorf("environment fallbacks not applied: vault_url %q", s.VaultURL)
	}
	if s.OrganizationID != bifrost.Scope("3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a") {
		t.Errorf("organization_id must be stored lower-case, got %q", s.OrganizationID)
	}
	if !s.PurgeOnDestroy || !s.RecoverSoftDeleted || s.Environment != "public" {
		t.Errorf("defaults or boolean environment not applied: purge %v recover %v environment %q", s.PurgeOnDestroy, s.RecoverSoftDeleted, s.Environment)
	}
	if !strings.HasPrefix(s.CredentialKind(), "client secret") {
		t.Errorf("credential kind: %q", s.CredentialKind())
	}
}

func TestResolveSettings_errorsNameTheAttribute(t *testing.T) {
	base := map[string]string{"BIFROST_VAULT_URL": "https://v.vault.azure.net/"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name string
		cfg  func(*providerModel)
		env  map[string]string
		want string
	}{
		{"missing vault", nil, map[string]string{}, "vault_url"},
		{"http vault from env", nil, map[string]string{"BIFROST_VAULT_URL": "http://v.vault.azure.net/"}, "BIFROST_VAULT_URL"},
		{"two credentials", func(m *providerModel) { m.UseMSI = types.BoolValue(true) },
			with(map[string]string{"ARM_CLIENT_SECRET": "x", "ARM_TENANT_ID": "t", "ARM_CLIENT_ID": "c"}), "client_secret, use_msi"},
		{"secret without tenant", nil, with(map[string]string{"ARM_CLIENT_SECRET": "x", "ARM_CLIENT_ID": "c"}), "tenant_id"},
		{"oidc without a token", func(m *providerModel) { m.UseOIDC = types.BoolValue(true) },
			with(map[string]string{"ARM_TENANT_ID": "t", "ARM_CLIENT_ID": "c"}), "oidc_token"},
		{"oidc url without token", func(m *providerModel) {
			m.UseOIDC = types.BoolValue(true)
			m.OIDCRequestURL = types.StringValue("https://token.actions.example/")
		}, with(map[string]string{"ARM_TENANT_ID": "t", "ARM_CLIENT_ID": "c"}), "oidc_request_token"},
		{"bad bool", nil, with(map[string]string{"ARM_USE_MSI": "yes please"}), "ARM_USE_MSI"},
		{"bad org", nil, with(map[string]string{"BIFROST_ORGANIZATION_ID": "acme"}), "organization_id"},
		{"unknown value", func(m *providerModel) { m.ClientID = types.StringUnknown() }, base, "client_id"},
		{"password without certificate", func(m *providerModel) { m.ClientCertificatePassword = types.StringValue("p") }, base, "client_certificate_path"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := nullModel()
			if c.cfg != nil {
				c.cfg(&cfg)
			}
			_, diags := resolveSettings(cfg, envOf(c.env))
			if !diags.HasError() {
				t.Fatal("expected an error diagnostic")
			}
			var text strings.Builder
			for _, d := range diags {
				text.WriteString(d.Summary() + ": " + d.Detail() + "\n")
			}
			if !strings.Contains(text.String(), c.want) {
				t.Errorf("diagnostics should mention %q, got:\n%s", c.want, text.String())
			}
			if strings.Contains(text.String(), "s3cret") {
				t.Error("a diagnostic repeated a credential")
			}
		})
	}
}

func TestProviderSchema_everyAttributeDocumentedWithEnvironment(t *testing.T) {
	resp := &provider.SchemaResponse{}
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	for name, attr := range resp.Schema.Attributes {
		if !strings.Contains(attr.GetMarkdownDescription(), "Environment: `BIFROST_") {
			t.Errorf("attribute %s does not name its BIFROST_* environment variable", name)
		}
	}
	for _, secret := range []string{"client_secret", "client_certificate_password", "oidc_token", "oidc_request_token"} {
		if !resp.Schema.Attributes[secret].IsSensitive() {
			t.Errorf("%s must be sensitive", secret)
		}
	}
}

// CI runners and AKS export OIDC variables whether or not the provider should use them; with
// no method chosen, the default credential chain must still be used.
func TestResolveSettings_ambientOIDCVariablesKeepTheDefaultChain(t *testing.T) {
	s, diags := resolveSettings(nullModel(), envOf(map[string]string{
		"BIFROST_VAULT_URL":              "https://v.vault.azure.net/",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   "https://token.actions.example/",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
		"AZURE_FEDERATED_TOKEN_FILE":     "/var/run/secrets/token",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.CredentialKind() != "Azure default credential chain" {
		t.Errorf("credential kind: %q", s.CredentialKind())
	}
}
