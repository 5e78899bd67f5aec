package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// Each pipeline identity end to end: the provider gets an ID token the way the pipeline hands
// it out, and the emulator's authority accepts it only because the app trusts a federated
// credential with that issuer, subject and audience (the apps have no secret and no
// certificate). Each test sets the variables the platform sets (named in
// docs/guides/authentication.md with the vendor page that documents them) and those its recipe
// adds, including the combinations where several token sources are set at once. The
// environment is the test process's, which the in-process provider reads, so these tests use
// t.Setenv and cannot run in parallel.

const (
	pipelineClientID  = "0f1ce000-0000-4000-8000-0000000000f1"
	planClientID      = "0f1ce000-0000-4000-8000-0000000000f2"
	secondaryClientID = "0f1ce000-0000-4000-8000-0000000000f3"
	githubSubject     = "repo:contoso/infra:ref:refs/heads/main"
	adoConnectionID   = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
	adoSubject        = "sc://contoso/infra/prod-vault"
	hcpSubject        = "organization:contoso:project:Default:workspace:vault:run_phase:apply"
	hcpPlanSubject    = "organization:contoso:project:Default:workspace:vault:run_phase:plan"
	aksSubject        = "system:serviceaccount:apps:deployer"
	// untrustedSubject is what no app trusts: a token with it is refused, so a run that
	// succeeds while such a token was also on offer proves the provider took the other one.
	untrustedSubject = "repo:contoso/infra:pull_request"
)

// newPipelineVault is an emulator whose apps trust federated credentials the way each recipe
// sets them up, each issuer played by the emulator:
//   - "pipeline" (Key Vault Secrets Officer): GitHub Actions' main branch, an Azure DevOps
//     service connection, the apply phase of an HCP Terraform workspace and an AKS service
//     account;
//   - "hcp-plan" (Key Vault Secrets User): the plan phase of the same workspace, as
//     TFC_AZURE_PLAN_CLIENT_ID names it;
//   - "secondary" (Key Vault Secrets Officer): the apply phase again, for a second HCP
//     Terraform configuration.
//
// The issuer "github-untrusted" answers like GitHub Actions' endpoint with a subject no app
// trusts.
func newPipelineVault(t *testing.T) *accVault {
	t.Helper()
	return newAccVault(t, func(o *emulator.Options) {
		o.Issuers = []emulator.Issuer{
			{Name: "github", GitHub: &emulator.GitHubActions{Subject: githubSubject}},
			{Name: "github-untrusted", GitHub: &emulator.GitHubActions{Subject: untrustedSubject}},
			{Name: "ado", AzureDevOps: &emulator.AzureDevOps{ServiceConnections: map[string]string{adoConnectionID: adoSubject}}},
			{Name: "hcp"},
			{Name: "aks"},
		}
		o.Principals = append(emulator.DefaultPrincipals(),
			emulator.Principal{
				Name: "pipeline", ClientID: pipelineClientID, Role: emulator.RoleOfficer,
				FederatedCredentials: []emulator.FederatedCredential{
					{Name: "github-main", IssuerName: "github", Subject: githubSubject},
					{Name: "ado-prod", IssuerName: "ado", Subject: adoSubject},
					{Name: "hcp-apply", IssuerName: "hcp", Subject: hcpSubject},
					{Name: "aks-deployer", IssuerName: "aks", Subject: aksSubject},
				},
			},
			emulator.Principal{
				Name: "hcp-plan", ClientID: planClientID, Role: emulator.RoleUser,
				FederatedCredentials: []emulator.FederatedCredential{{Name: "hcp-plan", IssuerName: "hcp", Subject: hcpPlanSubject}},
			},
			emulator.Principal{
				Name: "secondary", ClientID: secondaryClientID, Role: emulator.RoleOfficer,
				FederatedCredentials: []emulator.FederatedCredential{{Name: "hcp-apply", IssuerName: "hcp", Subject: hcpSubject}},
			},
		)
	})
}

// pipelineBlock is a provider block that reaches the emulator and says nothing of the
// credential: it comes from the environment, as in a pipeline.
func (v *accVault) pipelineBlock() string {
	return v.pipelineBlockWithoutAuthority(fmt.Sprintf("authority_host = %q", v.AuthorityHost()))
}

// pipelineBlockWithoutAuthority is pipelineBlock for a pod where AKS sets the authority
// (AZURE_AUTHORITY_HOST).
func (v *accVault) pipelineBlockWithoutAuthority(lines ...string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    bifrost = { source = "registry.terraform.io/hashicorp/bifrost" }
  }
}

provider "bifrost" {
  vault_url                            = %q
  skip_challenge_resource_verification = true
  %s
}
`, v.VaultURL(), strings.Join(lines, "\n  "))
}

// setEnv sets each variable for the rest of the test.
func setEnv(t *testing.T, env map[string]string) {
	for k, val := range env {
		t.Setenv(k, val)
	}
}

// servicePrincipalEnv is what every service-principal recipe sets under azurerm's names:
// use_oidc, the tenant and the app's client id.
func (v *accVault) servicePrincipalEnv() map[string]string {
	return map[string]string{"ARM_USE_OIDC": "true", "ARM_TENANT_ID": v.TenantID(), "ARM_CLIENT_ID": pipelineClientID}
}

// gitHubActionsEnv is what GitHub sets in a job with `permissions: id-token: write`, for the
// token endpoint of issuer.
func (v *accVault) gitHubActionsEnv(issuer string) map[string]string {
	return map[string]string{
		"ACTIONS_ID_TOKEN_REQUEST_URL":   v.GitHubTokenURL(issuer),
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": v.Issuer(issuer).GitHub.RequestToken,
	}
}

// aksEnv is what AKS's workload identity webhook injects into a pod labelled
// azure.workload.identity/use: "true" whose service account names clientID.
func (v *accVault) aksEnv(t *testing.T, clientID, subject string) map[string]string {
	return map[string]string{
		"AZURE_CLIENT_ID":            clientID,
		"AZURE_TENANT_ID":            v.TenantID(),
		"AZURE_FEDERATED_TOKEN_FILE": writeTokenFile(t, t.TempDir(), v.MintIDToken("aks", subject, "", 0)),
		"AZURE_AUTHORITY_HOST":       v.AuthorityHost(),
	}
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

// testPipeline runs one step that creates a secret as the pipeline's identity.
func (v *accVault) testPipeline(t *testing.T, provider, value string) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps:                    []resource.TestStep{v.pipelineSecretStep(provider, value)},
	})
}

// writers are the principals that wrote secrets (SetSecret) in the emulator, with how often.
func (v *accVault) writers() map[string]int {
	out := map[string]int{}
	for _, e := range v.AuditLog() {
		if e.Operation == emulator.OpSetSecret && e.Status == http.StatusOK {
			out[e.Principal]++
		}
	}
	return out
}

// GitHub Actions: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, as a job with
// `permissions: id-token: write` has them, and azurerm's ARM_* variables.
func TestAccPipeline_gitHubActions(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, v.gitHubActionsEnv("github"))
	v.testPipeline(t, v.pipelineBlock(), "from-github-actions")
}

// GitHub Actions with a token of the job's own in ARM_OIDC_TOKEN: the token comes first in
// azurerm's order, so the endpoint (whose tokens no app trusts here) is not asked.
func TestAccPipeline_gitHubActionsWithAToken(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, v.gitHubActionsEnv("github-untrusted"))
	t.Setenv("ARM_OIDC_TOKEN", v.MintIDToken("github", githubSubject, "", 0))
	v.testPipeline(t, v.pipelineBlock(), "from-a-github-token")
}

// Azure DevOps: the variables azurerm's guide maps into an AzureCLI@2 step for a workload
// identity service connection.
func TestAccPipeline_azureDevOps(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, map[string]string{
		"SYSTEM_OIDCREQUESTURI":                  v.AzureDevOpsOIDCRequestURI("ado"),
		"SYSTEM_ACCESSTOKEN":                     v.Issuer("ado").AzureDevOps.AccessToken,
		"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": adoConnectionID,
	})
	v.testPipeline(t, v.pipelineBlock(), "from-azure-devops")
}

// Azure DevOps, the guide's "a token" recipe: AzureCLI@2 with addSpnToEnvironment gives the
// service connection's ID token ($idToken) and the step exports it as ARM_OIDC_TOKEN, while
// Azure DevOps sets SYSTEM_OIDCREQUESTURI in every job and a variable group still carries a
// service connection id Azure DevOps does not know. The token comes first; neither the
// endpoint nor the connection id is used, and the id gets a warning.
func TestAccPipeline_azureDevOpsToken(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, map[string]string{
		"SYSTEM_OIDCREQUESTURI":                  v.AzureDevOpsOIDCRequestURI("ado"),
		"SYSTEM_ACCESSTOKEN":                     v.Issuer("ado").AzureDevOps.AccessToken,
		"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
		"ARM_OIDC_TOKEN":                         v.MintIDToken("ado", adoSubject, "", 0),
	})
	w := newCLIWorkdir(t, v.pipelineBlock()+secretConfig("pipeline-made", "from-an-azure-devops-token", ""))
	out, err := w.apply(context.Background(), 1)
	if err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	if !expectDiagnostic("Warning: OIDC token source not used", "ado_pipeline_service_connection_id is set by ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID",
		"oidc_token (set by ARM_OIDC_TOKEN)").MatchString(out) {
		t.Errorf("apply should warn that the service connection id is not used:\n%s", out)
	}
	if err := v.checkVaultValue(bifrost.Scope(testOrg), "pipeline-made", "from-an-azure-devops-token")(nil); err != nil {
		t.Error(err)
	}
}

// Azure DevOps with a service connection id Azure DevOps does not know: its answer reaches the
// user, with what to check.
func TestAccPipeline_azureDevOpsUnknownServiceConnection(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, map[string]string{
		"SYSTEM_OIDCREQUESTURI":                v.AzureDevOpsOIDCRequestURI("ado"),
		"SYSTEM_ACCESSTOKEN":                   v.Issuer("ado").AzureDevOps.AccessToken,
		"ARM_OIDC_AZURE_SERVICE_CONNECTION_ID": "0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      v.pipelineBlock() + secretConfig("pipeline-made", "never", ""),
			ExpectError: expectDiagnostic("Check service connection ID", "No service connection found with identifier 0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"),
		}},
	})
}

// hcpRunEnv is what an HCP Terraform workspace with dynamic credentials for one configuration
// holds during a run phase: the workspace variables the user sets (TFC_AZURE_PROVIDER_AUTH,
// TFC_AZURE_PLAN_CLIENT_ID, TFC_AZURE_APPLY_CLIENT_ID, ARM_TENANT_ID) and ARM_USE_OIDC,
// ARM_CLIENT_ID and ARM_OIDC_TOKEN, which HCP Terraform sets for the phase.
func (v *accVault) hcpRunEnv(clientID, subject string) map[string]string {
	return map[string]string{
		"TFC_AZURE_PROVIDER_AUTH":   "true",
		"TFC_AZURE_PLAN_CLIENT_ID":  planClientID,
		"TFC_AZURE_APPLY_CLIENT_ID": pipelineClientID,
		"ARM_TENANT_ID":             v.TenantID(),
		"ARM_USE_OIDC":              "true",
		"ARM_CLIENT_ID":             clientID,
		"ARM_OIDC_TOKEN":            v.MintIDToken("hcp", subject, "", 0),
	}
}

// HCP Terraform, one configuration, with an app per run phase: the plan (which refreshes by
// reading) runs as the plan app, which may only read; the apply writes as the apply app.
func TestAccPipeline_hcpTerraform(t *testing.T) {
	v := newPipelineVault(t)
	ctx := context.Background()
	block := v.pipelineBlock()
	setEnv(t, v.hcpRunEnv(pipelineClientID, hcpSubject))
	w := newCLIWorkdir(t, block+secretConfig("first-run", "from-hcp-terraform", ""))
	if out, err := w.apply(ctx, 1); err != nil {
		t.Fatalf("first run's apply failed: %v\n%s", err, out)
	}

	// The next run adds a secret: its plan reads the first one as the plan app.
	second := strings.Replace(secretConfig("second-run", "from-hcp-terraform-again", ""), `"test"`, `"second"`, 1)
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(block+secretConfig("first-run", "from-hcp-terraform", "")+second), 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, v.hcpRunEnv(planClientID, hcpPlanSubject))
	if out, err := w.run(ctx, "plan", "-input=false", "-no-color", "-out=run.tfplan"); err != nil {
		t.Fatalf("plan phase failed: %v\n%s", err, out)
	}
	setEnv(t, v.hcpRunEnv(pipelineClientID, hcpSubject))
	if out, err := w.run(ctx, "apply", "-input=false", "-no-color", "run.tfplan"); err != nil {
		t.Fatalf("apply phase failed: %v\n%s", err, out)
	}

	if err := v.checkVaultValue(bifrost.Scope(testOrg), "second-run", "from-hcp-terraform-again")(nil); err != nil {
		t.Error(err)
	}
	readByPlanApp := false
	for _, e := range v.AuditLog() {
		if e.Principal == "hcp-plan" && e.Operation == emulator.OpGetSecret && e.Status == http.StatusOK {
			readByPlanApp = true
		}
	}
	if !readByPlanApp {
		t.Error("the plan phase did not read the vault as the plan app (TFC_AZURE_PLAN_CLIENT_ID)")
	}
	if got := v.writers(); len(got) != 1 || got["pipeline"] != 2 {
		t.Errorf("secrets written by %v, want both by the apply app only", got)
	}
}

// HCP Terraform, several configurations: HCP Terraform writes a client-id file and a token file
// per configuration and passes their paths in var.tfc_azure_dynamic_credentials; each provider
// block, the aliased one too, names its own. The environment also holds ARM_USE_OIDC,
// ARM_CLIENT_ID and ARM_OIDC_TOKEN of the default configuration: the files named in the block
// win, so the aliased configuration writes as its own app. The CLI starts the provider binary
// once per provider block, as for a user (an in-process provider would serve both blocks from
// one instance).
func TestAccPipeline_hcpTerraformConfigurations(t *testing.T) {
	v := newPipelineVault(t)
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run it")
	}
	bin := buildProviderBinary(t)
	dir := t.TempDir()
	files := func(name, clientID string) (clientIDFile, tokenFile string) {
		sub := filepath.Join(dir, name)
		if err := os.MkdirAll(sub, 0o700); err != nil {
			t.Fatal(err)
		}
		clientIDFile = filepath.Join(sub, "client-id")
		if err := os.WriteFile(clientIDFile, []byte(clientID+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return clientIDFile, writeTokenFile(t, sub, v.MintIDToken("hcp", hcpSubject, "", 0))
	}
	defaultClientIDFile, defaultTokenFile := files("default", pipelineClientID)
	secondaryClientIDFile, secondaryTokenFile := files("secondary", secondaryClientID)
	setEnv(t, map[string]string{
		"TFC_AZURE_PROVIDER_AUTH":           "true",
		"TFC_AZURE_RUN_CLIENT_ID":           pipelineClientID,
		"TFC_AZURE_PROVIDER_AUTH_SECONDARY": "true",
		"TFC_AZURE_RUN_CLIENT_ID_SECONDARY": secondaryClientID,
		"ARM_TENANT_ID":                     v.TenantID(),
		"ARM_USE_OIDC":                      "true",
		"ARM_CLIENT_ID":                     pipelineClientID,
		"ARM_OIDC_TOKEN":                    v.MintIDToken("hcp", hcpSubject, "", 0),
	})
	config := fmt.Sprintf(`
terraform {
  required_providers {
    bifrost = { source = %[8]q }
  }
}

# HCP Terraform sets this variable; its default stands in for it here.
variable "tfc_azure_dynamic_credentials" {
  type = object({
    default = object({ client_id_file_path = string, oidc_token_file_path = string })
    aliases = map(object({ client_id_file_path = string, oidc_token_file_path = string }))
  })
  default = {
    default = { client_id_file_path = %[3]q, oidc_token_file_path = %[4]q }
    aliases = { SECONDARY = { client_id_file_path = %[5]q, oidc_token_file_path = %[6]q } }
  }
}

provider "bifrost" {
  vault_url                            = %[1]q
  authority_host                       = %[2]q
  skip_challenge_resource_verification = true
  use_oidc                             = true
  client_id_file_path                  = var.tfc_azure_dynamic_credentials.default.client_id_file_path
  oidc_token_file_path                 = var.tfc_azure_dynamic_credentials.default.oidc_token_file_path
}

provider "bifrost" {
  alias                                = "secondary"
  vault_url                            = %[1]q
  authority_host                       = %[2]q
  skip_challenge_resource_verification = true
  use_oidc                             = true
  client_id_file_path                  = var.tfc_azure_dynamic_credentials.aliases["SECONDARY"].client_id_file_path
  oidc_token_file_path                 = var.tfc_azure_dynamic_credentials.aliases["SECONDARY"].oidc_token_file_path
}

resource "bifrost_secret" "default" {
  organization_id = %[7]q
  name            = "default-configuration"
  value           = "from-the-default-configuration"
}

resource "bifrost_secret" "secondary" {
  provider        = bifrost.secondary
  organization_id = %[7]q
  name            = "secondary-configuration"
  value           = "from-the-secondary-configuration"
}
`, v.VaultURL(), v.AuthorityHost(), defaultClientIDFile, defaultTokenFile, secondaryClientIDFile, secondaryTokenFile, testOrg, releasedProviderAddress)
	w := newCLIWorkdirForBinary(t, config, bin)
	if out, err := w.apply(context.Background(), 1); err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	for name, value := range map[string]string{"default-configuration": "from-the-default-configuration", "secondary-configuration": "from-the-secondary-configuration"} {
		if err := v.checkVaultValue(bifrost.Scope(testOrg), name, value)(nil); err != nil {
			t.Error(err)
		}
	}
	if got := v.writers(); len(got) != 2 || got["pipeline"] != 1 || got["secondary"] != 1 {
		t.Errorf("secrets written by %v, want one by each configuration's app (pipeline, secondary)", got)
	}
}

// AKS workload identity: what the webhook injects into a labelled pod, and azurerm's switch.
func TestAccPipeline_aksWorkloadIdentity(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.aksEnv(t, pipelineClientID, aksSubject))
	t.Setenv("ARM_USE_AKS_WORKLOAD_IDENTITY", "true")
	v.testPipeline(t, v.pipelineBlockWithoutAuthority(), "from-aks")
}

// A GitHub Actions runner in an AKS pod with workload identity (the runner's own identity in
// the AZURE_* variables, whose token no app of the vault trusts) running a job with
// `id-token: write` and the job's ARM_* variables: GitHub Actions' endpoint comes before AKS's
// token file, which azurerm reads only with use_aks_workload_identity, and ARM_CLIENT_ID before
// AZURE_CLIENT_ID.
func TestAccPipeline_gitHubActionsRunnerOnAKS(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.aksEnv(t, "0f1ce000-0000-4000-8000-0000000000a5", "system:serviceaccount:arc-runners:runner"))
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, v.gitHubActionsEnv("github"))
	v.testPipeline(t, v.pipelineBlockWithoutAuthority(), "from-a-runner-on-aks")
}

// A token the vault stops accepting in the middle of an apply (the emulator's clock jumps past
// its expiry, as a token revoked or expired by the vault's clock would be) gets one fresh token,
// here a fresh ID token from GitHub Actions' endpoint exchanged anew, and the apply goes on.
func TestAccPipeline_tokenRefusedMidApply(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, v.gitHubActionsEnv("github"))
	v.SetFaults(emulator.Faults{Latency: 100 * time.Millisecond})
	const n = 4
	w := newCLIWorkdir(t, v.pipelineBlock()+fmt.Sprintf(`
resource "bifrost_secret" "many" {
  count           = %d
  organization_id = %q
  name            = "mid-apply-${count.index}"
  value           = "value-${count.index}"
}
`, n, testOrg))

	// Once the first secret is written, move the vault's clock two hours on: the token the
	// provider holds is one hour old by then, as far as the vault can tell.
	refusedAtJump := make(chan int, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if v.RequestCounts()[emulator.OpSetSecret] >= 1 {
				refusedAtJump <- v.StatusCounts()[http.StatusUnauthorized]
				v.SetClockOffset(2 * time.Hour)
				return
			}
		}
	}()
	out, err := w.apply(context.Background(), 1)
	if err != nil {
		t.Fatalf("apply failed after the vault stopped accepting the token: %v\n%s", err, out)
	}
	select {
	case before := <-refusedAtJump:
		if refused := v.StatusCounts()[http.StatusUnauthorized] - before; refused < 1 {
			t.Errorf("Key Vault never refused the old token (%d 401s after the clock moved): the test proves nothing", refused)
		}
	default:
		t.Fatal("the clock never moved: no secret was written")
	}
	for i := range n {
		if err := v.checkVaultValue(bifrost.Scope(testOrg), fmt.Sprintf("mid-apply-%d", i), fmt.Sprintf("value-%d", i))(nil); err != nil {
			t.Error(err)
		}
	}
}

// A token whose subject or audience no federated credential of the app trusts is refused, and
// the diagnostic names the claim and Entra's code; the right token then works with the same
// configuration.
func TestAccPipeline_wrongSubjectAndAudience(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
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

// Two ways to authenticate set at once is an error that names each setting and where it came
// from, so the user knows which variable to unset.
func TestAccPipeline_conflictNamesTheVariables(t *testing.T) {
	v := newPipelineVault(t)
	setEnv(t, v.servicePrincipalEnv())
	setEnv(t, v.gitHubActionsEnv("github"))
	t.Setenv("ARM_CLIENT_SECRET", "left-in-the-shell")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: v.pipelineBlock() + secretConfig("pipeline-made", "never", ""),
			ExpectError: expectDiagnostic("Conflicting authentication settings",
				"client_secret (set by ARM_CLIENT_SECRET), use_oidc (set by ARM_USE_OIDC)", "unset the variable"),
		}},
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
