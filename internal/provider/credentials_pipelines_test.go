package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Each pipeline identity end to end: the provider gets an ID token the way the pipeline hands
// it out, and the emulator's authority accepts it only because the app trusts a federated
// credential with that issuer, subject and audience (the apps have no secret and no
// certificate). The environment is the one each pipeline sets, so these tests use t.Setenv and
// cannot run in parallel.

const (
	pipelineClientID = "0f1ce000-0000-4000-8000-0000000000f1"
	githubSubject    = "repo:contoso/infra:ref:refs/heads/main"
	adoConnectionID  = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
	adoSubject       = "sc://contoso/infra/prod-vault"
	hcpSubject       = "organization:contoso:project:Default:workspace:vault:run_phase:apply"
	aksSubject       = "system:serviceaccount:apps:deployer"
)

// newPipelineVault is an emulator whose app "pipeline" trusts one federated credential per
// pipeline: GitHub Actions' main branch, an Azure DevOps service connection, an HCP Terraform
// workspace and an AKS service account, each issuer played by the emulator.
func newPipelineVault(t *testing.T) *accVault {
	t.Helper()
	return newAccVault(t, func(o *emulator.Options) {
		o.Issuers = []emulator.Issuer{
			{Name: "github", GitHub: &emulator.GitHubActions{Subject: githubSubject}},
			{Name: "ado", AzureDevOps: &emulator.AzureDevOps{ServiceConnections: map[string]string{adoConnectionID: adoSubject}}},
			{Name: "hcp"},
			{Name: "aks"},
		}
		o.Principals = append(emulator.DefaultPrincipals(), emulator.Principal{
			Name: "pipeline", ClientID: pipelineClientID, Role: emulator.RoleOfficer,
			FederatedCredentials: []emulator.FederatedCredential{
				{Name: "github-main", IssuerName: "github", Subject: githubSubject},
				{Name: "ado-prod", IssuerName: "ado", Subject: adoSubject},
				{Name: "hcp-apply", IssuerName: "hcp", Subject: hcpSubject},
				{Name: "aks-deployer", IssuerName: "aks", Subject: aksSubject},
			},
		})
	})
}

// pipelineBlock is a provider block that reaches the emulator and says nothing of the
// credential but lines: the rest comes from the environment, as in a pipeline.
func (v *accVault) pipelineBlock(lines ...string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    bifrost = { source = "registry.terraform.io/hashicorp/bifrost" }
  }
}

provider "bifrost" {
  vault_url                            = %q
  authority_host                       = %q
  skip_challenge_resource_verification = true
  %s
}
`, v.VaultURL(), v.AuthorityHost(), strings.Join(lines, "\n  "))
}

// setServicePrincipalEnv sets what every service-principal pipeline recipe sets: use_oidc, the
// tenant and the app's client id, under azurerm's names.
func (v *accVault) setServicePrincipalEnv(t *testing.T) {
	t.Setenv("ARM_USE_OIDC", "true")
	t.Setenv("ARM_TENANT_ID", v.TenantID())
	t.Setenv("ARM_CLIENT_ID", pipelineClientID)
}

// writeTokenFile writes an ID token where a pipeline would, and returns its path.
func writeTokenFile(t *testing.T, dir, token string) string {
	t.Helper()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// pipelineSecretStep creates a secret as the pipeline's identity and checks it reached the vault.
func (v *accVault) pipelineSecretStep(provider, value string) resource.TestStep {
	return resource.TestStep{
		Config: provider + secretConfig("pipeline-made", value, ""),
		Check:  v.checkVaultValue(bifrost.Scope(testOrg), "pipeline-made", value),
	}
}

// GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, as a job with
// `permissions: id-token: write` has them, and azurerm's ARM_* variables.
func TestAccPipeline_gitHubActions(t *testing.T) {
	v := newPipelineVault(t)
	v.setServicePrincipalEnv(t)
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_URL", v.GitHubTokenURL("github"))
	t.Setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", v.Issuer("github").GitHub.RequestToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps:                    []resource.TestStep{v.pipelineSecretStep(v.pipelineBlock(), "from-github-actions")},
	})
}

// Azure DevOps: the variables azurerm documents for a workload identity service connection.
func TestAccPipeline_azureDevOps(t *testing.T) {
	v := newPipelineVault(t)
	v.setServicePrincipalEnv(t)
	t.Setenv("SYSTEM_OIDCREQUESTURI", v.AzureDevOpsOIDCRequestURI("ado"))
	t.Setenv("SYSTEM_ACCESSTOKEN", v.Issuer("ado").AzureDevOps.AccessToken)
	t.Setenv("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", adoConnectionID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps:                    []resource.TestStep{v.pipelineSecretStep(v.pipelineBlock(), "from-azure-devops")},
	})
}

// Azure DevOps with a service connection id Azure DevOps does not know: its answer reaches the
// user, with what to check.
func TestAccPipeline_azureDevOpsUnknownServiceConnection(t *testing.T) {
	v := newPipelineVault(t)
	v.setServicePrincipalEnv(t)
	t.Setenv("SYSTEM_OIDCREQUESTURI", v.AzureDevOpsOIDCRequestURI("ado"))
	t.Setenv("SYSTEM_ACCESSTOKEN", v.Issuer("ado").AzureDevOps.AccessToken)
	t.Setenv("ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      v.pipelineBlock() + secretConfig("pipeline-made", "never", ""),
			ExpectError: expectDiagnostic("Check service connection ID", "No service connection found with identifier 0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"),
		}},
	})
}

// HCP Terraform, one configuration: dynamic credentials put the ID token in ARM_OIDC_TOKEN.
func TestAccPipeline_hcpTerraformToken(t *testing.T) {
	v := newPipelineVault(t)
	v.setServicePrincipalEnv(t)
	t.Setenv("ARM_OIDC_TOKEN", v.MintIDToken("hcp", hcpSubject, "", 0))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps:                    []resource.TestStep{v.pipelineSecretStep(v.pipelineBlock(), "from-hcp-terraform")},
	})
}

// HCP Terraform, several configurations: each alias gets a token file and a client-id file,
// which the provider block names (var.tfc_azure_dynamic_credentials.aliases[...] in HCP).
func TestAccPipeline_hcpTerraformFiles(t *testing.T) {
	v := newPipelineVault(t)
	dir := t.TempDir()
	tokenFile := writeTokenFile(t, dir, v.MintIDToken("hcp", hcpSubject, "", 0))
	clientIDFile := filepath.Join(dir, "client-id")
	if err := os.WriteFile(clientIDFile, []byte(pipelineClientID+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{v.pipelineSecretStep(v.pipelineBlock(
			"use_oidc             = true",
			fmt.Sprintf("tenant_id            = %q", v.TenantID()),
			fmt.Sprintf("client_id_file_path  = %q", clientIDFile),
			fmt.Sprintf("oidc_token_file_path = %q", tokenFile),
		), "from-hcp-terraform-files")},
	})
}

// AKS workload identity: what the webhook injects into the pod, and azurerm's switch.
func TestAccPipeline_aksWorkloadIdentity(t *testing.T) {
	v := newPipelineVault(t)
	t.Setenv("ARM_USE_AKS_WORKLOAD_IDENTITY", "true")
	t.Setenv("AZURE_FEDERATED_TOKEN_FILE", writeTokenFile(t, t.TempDir(), v.MintIDToken("aks", aksSubject, "", 0)))
	t.Setenv("AZURE_CLIENT_ID", pipelineClientID)
	t.Setenv("AZURE_TENANT_ID", v.TenantID())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps:                    []resource.TestStep{v.pipelineSecretStep(v.pipelineBlock(), "from-aks")},
	})
}

// A token whose subject or audience no federated credential of the app trusts is refused, and
// the diagnostic names the claim and Entra's code; the right token then works with the same
// configuration.
func TestAccPipeline_wrongSubjectAndAudience(t *testing.T) {
	v := newPipelineVault(t)
	v.setServicePrincipalEnv(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	t.Setenv("ARM_OIDC_TOKEN_FILE_PATH", tokenFile)
	write := func(subject, audience string) func() {
		return func() { writeTokenFile(t, filepath.Dir(tokenFile), v.MintIDToken("hcp", subject, audience, 0)) }
	}
	config := v.pipelineBlock() + secretConfig("pipeline-made", "from-the-right-token", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				PreConfig: write("organization:contoso:project:Default:workspace:other:run_phase:apply", ""),
				Config:    config,
				ExpectError: expectDiagnostic("AADSTS700213", "presented assertion subject",
					"organization:contoso:project:Default:workspace:other:run_phase:apply"),
			},
			{
				PreConfig:   write(hcpSubject, "api://not-entra"),
				Config:      config,
				ExpectError: expectDiagnostic("AADSTS700212", "presented assertion audience", "api://not-entra"),
			},
			{
				PreConfig: write(hcpSubject, ""),
				Config:    config,
				Check:     v.checkVaultValue(bifrost.Scope(testOrg), "pipeline-made", "from-the-right-token"),
			},
		},
	})
}

// A credential variable that the chosen credential does not read is shown as a warning in the
// CLI's output, and the run goes on.
func TestAccPipeline_unusedVariableWarns(t *testing.T) {
	v := newPipelineVault(t)
	t.Setenv("ARM_OIDC_TOKEN", v.MintIDToken("hcp", hcpSubject, "", 0))
	w := newCLIWorkdir(t, v.config(secretConfig("pipeline-made", "by-the-officer", "")))
	out, err := w.apply(context.Background(), 1)
	if err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	if !expectDiagnostic("Warning: Credential variable not used", "ARM_OIDC_TOKEN is set in the environment",
		"authenticates with client secret (client_secret), which does not use oidc_token").MatchString(out) {
		t.Errorf("apply should warn that ARM_OIDC_TOKEN is not used:\n%s", out)
	}
	if err := v.checkVaultValue(bifrost.Scope(testOrg), "pipeline-made", "by-the-officer")(nil); err != nil {
		t.Error(err)
	}
}
