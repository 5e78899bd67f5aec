package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// credentialBlock is a provider block with vault_url, tenant_id and client_id set, for cases
// about the credential itself.
func credentialBlock(values blockValues) providerBlock {
	return blockOf(blockValues{
		vaultURLAttr: testVault,
		tenantIDAttr: "00000000-0000-4000-8000-00000000000a",
		clientIDAttr: "00000000-0000-4000-8000-00000000000c",
	}.with(values))
}

func TestCredentialMethods_errorsNameTheAttribute(t *testing.T) {
	vaultOnly := func(values blockValues) providerBlock {
		return blockOf(blockValues{vaultURLAttr: testVault}.with(values))
	}
	cases := []struct {
		name string
		cfg  providerBlock
		env  map[string]string
		want wantDiag
	}{
		{"two methods", credentialBlock(blockValues{useMSIAttr: true}),
			map[string]string{"ARM_CLIENT_SECRET": "s3cret"},
			wantDiag{"use_msi", "Conflicting authentication settings", []string{"Choose one way to authenticate", "client_secret (set by ARM_CLIENT_SECRET), use_msi (set in the provider block)", "unset the variable"}}},
		{"three methods", credentialBlock(blockValues{
			useCLIAttr:                true,
			clientCertificatePathAttr: "/app.pem",
		}), map[string]string{"BIFROST_USE_OIDC": "true", "ARM_OIDC_TOKEN": "id-t0ken"},
			wantDiag{"use_oidc", "Conflicting authentication settings", []string{"client_certificate_path (set in the provider block), use_oidc (set by BIFROST_USE_OIDC), use_cli (set in the provider block)"}}},
		{"secret without tenant", vaultOnly(nil), map[string]string{"ARM_CLIENT_SECRET": "s3cret", "ARM_CLIENT_ID": "c"},
			wantDiag{"tenant_id", "Missing tenant_id", []string{"client secret (client_secret)", "BIFROST_TENANT_ID, ARM_TENANT_ID, AZURE_TENANT_ID"}}},
		{"secret without client id", vaultOnly(blockValues{clientSecretAttr: "s3cret"}), map[string]string{"ARM_TENANT_ID": "t"},
			wantDiag{"client_id", "Missing client_id", []string{"client secret (client_secret)", "BIFROST_CLIENT_ID, ARM_CLIENT_ID, AZURE_CLIENT_ID"}}},
		{"certificate without tenant", vaultOnly(blockValues{
			clientCertificatePathAttr: "/app.pem",
			clientIDAttr:              "c",
		}), nil, wantDiag{"tenant_id", "Missing tenant_id", []string{"client certificate (client_certificate_path)"}}},
		{"oidc without client id", vaultOnly(blockValues{
			useOIDCAttr:   true,
			oidcTokenAttr: "id-t0ken",
			tenantIDAttr:  "t",
		}), nil, wantDiag{"client_id", "Missing client_id", []string{"OIDC / workload identity (use_oidc)"}}},
		{"oidc without a token", credentialBlock(blockValues{useOIDCAttr: true}), nil,
			wantDiag{"use_oidc", "Missing OIDC token source", []string{"oidc_token, oidc_token_file_path, oidc_request_url", "ACTIONS_ID_TOKEN_REQUEST_URL", "ado_pipeline_service_connection_id"}}},
		{"a token and a token file that disagree, both in the environment", credentialBlock(nil), map[string]string{
			"ARM_USE_OIDC": "true", "ARM_OIDC_TOKEN": "id-t0ken", "ARM_OIDC_TOKEN_FILE_PATH": writeFile(t, "token", "other-id-t0ken\n"),
		}, wantDiag{"oidc_token_file_path", "Conflicting oidc_token and oidc_token_file_path", []string{"oidc_token is set by ARM_OIDC_TOKEN and oidc_token_file_path by ARM_OIDC_TOKEN_FILE_PATH", "another token", "Unset one"}}},
		{"a token file that cannot be read next to a token", credentialBlock(blockValues{
			useOIDCAttr:           true,
			oidcTokenAttr:         "id-t0ken",
			oidcTokenFilePathAttr: "/nonexistent/token",
		}), nil, wantDiag{"oidc_token_file_path", "Cannot read oidc_token_file_path", []string{"set in the provider block", "/nonexistent/token"}}},
		{"oidc request URL without its token", credentialBlock(blockValues{
			useOIDCAttr:        true,
			oidcRequestURLAttr: "https://token.actions.example/",
		}), nil, wantDiag{"oidc_request_token", "Missing oidc_request_token", []string{"oidc_request_url needs oidc_request_token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}}},
		{"oidc token in the block without use_oidc", credentialBlock(blockValues{oidcTokenAttr: "id-t0ken"}), nil,
			wantDiag{"use_oidc", "OIDC token given without use_oidc", []string{"set use_oidc = true"}}},
		{"oidc token file in the block without use_oidc", credentialBlock(blockValues{oidcTokenFilePathAttr: "/token"}), nil,
			wantDiag{"use_oidc", "OIDC token given without use_oidc", []string{"set use_oidc = true"}}},
		{"certificate password without a certificate", credentialBlock(blockValues{clientCertificatePasswordAttr: "pa55word"}), nil,
			wantDiag{"client_certificate_password", "Certificate password without a certificate", []string{"neither client_certificate_path nor client_certificate"}}},
		{"certificate password from the environment with a client secret", credentialBlock(blockValues{clientSecretAttr: "s3cret"}),
			map[string]string{"ARM_CLIENT_CERTIFICATE_PASSWORD": "pa55word"},
			wantDiag{"client_certificate_password", "Certificate password without a certificate", []string{"neither client_certificate_path nor client_certificate"}}},
		{"Azure DevOps without the job's access token", vaultOnly(nil), adoEnv(map[string]string{"SYSTEM_ACCESSTOKEN": ""}),
			wantDiag{"oidc_request_token", "Missing SYSTEM_ACCESSTOKEN", []string{"SYSTEM_ACCESSTOKEN: $(System.AccessToken)"}}},
		{"Azure DevOps outside a pipeline", vaultOnly(nil), adoEnv(map[string]string{"SYSTEM_OIDCREQUESTURI": ""}),
			wantDiag{"oidc_request_url", "Missing SYSTEM_OIDCREQUESTURI", []string{"ado_pipeline_service_connection_id", "Azure Pipelines sets"}}},
		{"Azure DevOps with another request URL in the block", vaultOnly(blockValues{
			oidcRequestURLAttr: "https://token.example/",
		}), adoEnv(nil), wantDiag{"oidc_request_url", "oidc_request_url not used by Azure DevOps", []string{"in the provider block", "SYSTEM_OIDCREQUESTURI"}}},
		{"Azure DevOps' endpoint without a service connection", vaultOnly(nil), adoEnv(map[string]string{"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": ""}),
			wantDiag{"ado_pipeline_service_connection_id", "Missing ado_pipeline_service_connection_id", []string{"SYSTEM_OIDCREQUESTURI", "ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "AzureCLI@2 with azureSubscription", "ARM_OIDC_TOKEN"}}},
		{"client_id and its file in the block", credentialBlock(blockValues{
			clientSecretAttr:     "s3cret",
			clientIDFilePathAttr: "/hcp/client-id",
		}), nil, wantDiag{"client_id_file_path", "Conflicting client_id and client_id_file_path", []string{"client_id is set in the provider block and client_id_file_path in the provider block"}}},
		{"client_secret and its file in the environment", credentialBlock(nil),
			map[string]string{"ARM_CLIENT_SECRET": "s3cret", "ARM_CLIENT_SECRET_FILE_PATH": "/run/secrets/client-secret"},
			wantDiag{"client_secret_file_path", "Conflicting client_secret and client_secret_file_path", []string{"by ARM_CLIENT_SECRET", "by ARM_CLIENT_SECRET_FILE_PATH", "set only one"}}},
		{"client secret file missing", credentialBlock(nil), map[string]string{"ARM_CLIENT_SECRET_FILE_PATH": "/nonexistent/client-secret"},
			wantDiag{"client_secret_file_path", "Cannot read client_secret_file_path", []string{"by ARM_CLIENT_SECRET_FILE_PATH", "/nonexistent/client-secret"}}},
		{"client id file empty", vaultOnly(blockValues{
			tenantIDAttr:         "t",
			clientSecretAttr:     "s3cret",
			clientIDFilePathAttr: writeFile(t, "client-id", "\n"),
		}), nil, wantDiag{"client_id_file_path", "Empty client_id_file_path", []string{"must hold client_id"}}},
		{"secret without a client id says the file works too", vaultOnly(blockValues{clientSecretAttr: "s3cret"}),
			map[string]string{"ARM_TENANT_ID": "t"},
			wantDiag{"client_id", "Missing client_id", []string{"client_id (or client_id_file_path)"}}},
		{"a certificate inline and as a file", credentialBlock(blockValues{clientCertificatePathAttr: "/app.pem"}),
			map[string]string{"ARM_CLIENT_CERTIFICATE": base64.StdEncoding.EncodeToString([]byte("pem"))},
			wantDiag{"client_certificate", "Conflicting authentication settings", []string{"client_certificate_path (set in the provider block), client_certificate (set by ARM_CLIENT_CERTIFICATE)"}}},
		{"an inline certificate that is not base64", credentialBlock(nil), map[string]string{"ARM_CLIENT_CERTIFICATE": "not base64 at all!"},
			wantDiag{"client_certificate", "Invalid provider setting from the environment", []string{"ARM_CLIENT_CERTIFICATE", "base64"}}},
		{"AKS without its token file", vaultOnly(nil), map[string]string{
			"ARM_USE_AKS_WORKLOAD_IDENTITY": "true", "AZURE_CLIENT_ID": "c", "AZURE_TENANT_ID": "t",
		}, wantDiag{"oidc_token_file_path", "Missing oidc_token_file_path", []string{"AKS workload identity (use_aks_workload_identity)", "AZURE_FEDERATED_TOKEN_FILE"}}},
		{"AKS and use_oidc", vaultOnly(nil), map[string]string{
			"ARM_USE_AKS_WORKLOAD_IDENTITY": "true", "ARM_USE_OIDC": "true", "AZURE_FEDERATED_TOKEN_FILE": "/token", "AZURE_CLIENT_ID": "c", "AZURE_TENANT_ID": "t",
		}, wantDiag{"use_aks_workload_identity", "Conflicting authentication settings", []string{"use_oidc (set by ARM_USE_OIDC), use_aks_workload_identity (set by ARM_USE_AKS_WORKLOAD_IDENTITY)"}}},
		{"certificate password with neither certificate", credentialBlock(nil), map[string]string{"ARM_CLIENT_CERTIFICATE_PASSWORD": "pa55word", "ARM_USE_CLI": "true"},
			wantDiag{"client_certificate_password", "Certificate password without a certificate", []string{"neither client_certificate_path nor client_certificate"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := resolveSettings(c.cfg, envOf(c.env))
			requireDiag(t, diags, c.want, sensitiveValues(c.cfg, c.env))
		})
	}
}

func TestCredentialKind(t *testing.T) {
	cases := []struct {
		name string
		cfg  providerBlock
		env  map[string]string
		want string
	}{
		{"client secret", credentialBlock(blockValues{clientSecretAttr: "s3cret"}), nil,
			"client secret (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"client certificate", credentialBlock(nil), map[string]string{"AZURE_CLIENT_CERTIFICATE_PATH": "/app.pem"},
			"client certificate (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"client certificate with its password", credentialBlock(blockValues{
			clientCertificatePathAttr:     "/app.pfx",
			clientCertificatePasswordAttr: "pa55word",
		}), nil, "client certificate (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"oidc", credentialBlock(blockValues{useOIDCAttr: true}),
			map[string]string{"AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/token"},
			"OIDC / workload identity (client_id 00000000-0000-4000-8000-00000000000c, ID token from oidc_token_file_path (set by AZURE_FEDERATED_TOKEN_FILE))"},
		{"managed identity", credentialBlock(nil), map[string]string{"ARM_USE_MSI": "true"}, "managed identity"},
		{"Azure CLI", credentialBlock(blockValues{useCLIAttr: true}), nil, "Azure CLI"},
		{"nothing chosen", credentialBlock(nil), nil, "Azure default credential chain"},
		{"use_oidc = false is not a choice", credentialBlock(blockValues{useOIDCAttr: false}),
			map[string]string{"ARM_USE_OIDC": "true"}, "Azure default credential chain"},
		// CI runners and AKS export OIDC variables whether or not the provider should use them;
		// with no method chosen, the default credential chain must still be used.
		{"ambient OIDC variables", blockOf(blockValues{vaultURLAttr: testVault}), map[string]string{
			"ACTIONS_ID_TOKEN_REQUEST_URL":   "https://token.actions.example/",
			"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
			"AZURE_FEDERATED_TOKEN_FILE":     "/var/run/secrets/token",
		}, "Azure default credential chain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, diags := resolveSettings(c.cfg, envOf(c.env))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got := s.CredentialKind(); got != c.want {
				t.Errorf("CredentialKind() = %q, want %q", got, c.want)
			}
		})
	}
}

// Each method builds the azidentity credential it names.
func TestCredentialMethods_build(t *testing.T) {
	_, bundle := selfSignedPEM(t)
	certFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(certFile, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  providerBlock
		want azcore.TokenCredential
	}{
		{"client secret", credentialBlock(blockValues{clientSecretAttr: "s3cret"}), &azidentity.ClientSecretCredential{}},
		{"client certificate", credentialBlock(blockValues{clientCertificatePathAttr: certFile}), &azidentity.ClientCertificateCredential{}},
		{"oidc", credentialBlock(blockValues{
			useOIDCAttr:   true,
			oidcTokenAttr: "id-t0ken",
		}), &azidentity.ClientAssertionCredential{}},
		{"managed identity", credentialBlock(blockValues{useMSIAttr: true}), &azidentity.ManagedIdentityCredential{}},
		{"Azure CLI", credentialBlock(blockValues{useCLIAttr: true}), &azidentity.AzureCLICredential{}},
		{"default chain", credentialBlock(blockValues{authorityHostAttr: "https://login.example/"}), &azidentity.DefaultAzureCredential{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, diags := resolveSettings(c.cfg, envOf(nil))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			cred, err := newCredential(s)
			if err != nil {
				t.Fatalf("newCredential: %v", err)
			}
			if got, want := fmt.Sprintf("%T", cred), fmt.Sprintf("%T", c.want); got != want {
				t.Errorf("newCredential built a %s, want a %s", got, want)
			}
		})
	}
}

// A certificate that cannot be read is reported with the attribute's name, before any request.
func TestCredentialMethods_unreadableCertificate(t *testing.T) {
	s, diags := resolveSettings(credentialBlock(blockValues{
		clientCertificatePathAttr: filepath.Join(t.TempDir(), "missing.pem"),
	}), envOf(nil))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	_, err := newCredential(s)
	if err == nil || !strings.Contains(err.Error(), "reading client_certificate_path") {
		t.Errorf("want an error reading client_certificate_path, got %v", err)
	}
}

// The table's shape: one default chain, last; every other method switched on by its own
// attribute of the provider block, and named once.
func TestCredentialMethods_table(t *testing.T) {
	inSchema := map[providerAttribute]bool{}
	for _, a := range providerAttributes {
		inSchema[a] = true
	}
	names, switches := map[string]bool{}, map[providerAttribute]bool{}
	for i, m := range credentialMethods {
		last := i == len(credentialMethods)-1
		if (m.chosenBy == nil) != last {
			t.Errorf("%s: only the last method, the default chain, has no switch", m.name)
		}
		if m.chosenBy != nil && (!inSchema[m.chosenBy] || switches[m.chosenBy]) {
			t.Errorf("%s: its switch must be a provider attribute of its own", m.name)
		}
		switches[m.chosenBy] = true
		for _, r := range m.requires {
			if !inSchema[r] {
				t.Errorf("%s requires %s, which is not a provider attribute", m.name, r.name)
			}
		}
		for _, u := range m.uses {
			if !inSchema[u] {
				t.Errorf("%s uses %s, which is not a provider attribute", m.name, u.attributeName())
			}
		}
		if names[m.name] || m.build == nil {
			t.Errorf("%s: a method needs a name of its own and a way to build it", m.name)
		}
		names[m.name] = true
	}
}

// selfSignedPEM returns a certificate and its private key as PEM, as an app registration's
// certificate credential would be kept on disk.
func selfSignedPEM(t *testing.T) (certPEM, bundlePEM []byte) {
	t.Helper()
	// azidentity signs client assertions with RSA keys only.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bifrost-ci"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return certPEM, append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), certPEM...)
}

// The client-certificate path end to end: azidentity signs a client assertion with the key
// from client_certificate_path, the emulator's authority verifies it and issues the token.
func TestAccProvider_clientCertificate(t *testing.T) {
	certPEM, bundle := selfSignedPEM(t)
	const clientID = "0f1ce000-0000-4000-8000-0000000000c1"
	v := newAccVault(t, func(o *emulator.Options) {
		o.Principals = append(emulator.DefaultPrincipals(),
			emulator.Principal{Name: "cert-app", ClientID: clientID, CertificatePEM: certPEM, Role: emulator.RoleOfficer})
	})
	certFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(certFile, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: v.providerBlockFor(clientID, fmt.Sprintf("client_certificate_path = %q", certFile)) + secretConfig("cert-made", "by-certificate", ""),
			Check:  v.checkVaultValue(bifrost.Scope(testOrg), "cert-made", "by-certificate"),
		}},
	})
}

// The inline certificate end to end: ARM_CLIENT_CERTIFICATE as azurerm takes it (base64 of the
// certificate and key), with no file on disk.
func TestAccProvider_clientCertificateInline(t *testing.T) {
	certPEM, bundle := selfSignedPEM(t)
	const clientID = "0f1ce000-0000-4000-8000-0000000000c2"
	v := newAccVault(t, func(o *emulator.Options) {
		o.Principals = append(emulator.DefaultPrincipals(),
			emulator.Principal{Name: "cert-app", ClientID: clientID, CertificatePEM: certPEM, Role: emulator.RoleOfficer})
	})
	t.Setenv("ARM_CLIENT_CERTIFICATE", base64.StdEncoding.EncodeToString(bundle))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: v.providerBlockFor(clientID) + secretConfig("cert-made", "by-inline-certificate", ""),
			Check:  v.checkVaultValue(bifrost.Scope(testOrg), "cert-made", "by-inline-certificate"),
		}},
	})
}

// The client secret read from client_secret_file_path end to end, as a mounted secret gives it.
func TestAccProvider_clientSecretFile(t *testing.T) {
	v := newAccVault(t)
	officer := v.Principal("officer")
	secretFile := writeFile(t, "client-secret", officer.ClientSecret+"\n")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: v.providerBlockFor(officer.ClientID, fmt.Sprintf("client_secret_file_path = %q", secretFile)) +
				secretConfig("file-made", "by-secret-file", ""),
			Check: v.checkVaultValue(bifrost.Scope(testOrg), "file-made", "by-secret-file"),
		}},
	})
}

// writeFile writes content to a new file in a test directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// adoEnv is what an Azure Pipelines step with a workload identity service connection exports
// for azurerm.
func adoEnv(extra map[string]string) map[string]string {
	env := map[string]string{
		"ARM_USE_OIDC":                           "true",
		"ARM_TENANT_ID":                          "00000000-0000-4000-8000-00000000000a",
		"ARM_CLIENT_ID":                          "00000000-0000-4000-8000-00000000000c",
		"SYSTEM_OIDCREQUESTURI":                  "https://dev.azure.com/contoso/00000000-0000-4000-8000-0000000000aa/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken",
		"SYSTEM_ACCESSTOKEN":                     "system-access-t0ken",
		"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
	}
	for k, v := range extra {
		if v == "" {
			delete(env, k)
		} else {
			env[k] = v
		}
	}
	return env
}

// The pipelines' environments choose the credential their recipe means, and build the Azure
// SDK's credential for it.
func TestCredentialMethods_pipelines(t *testing.T) {
	_, bundle := selfSignedPEM(t)
	vaultOnly := blockOf(blockValues{vaultURLAttr: testVault})
	cases := []struct {
		name     string
		cfg      providerBlock
		env      map[string]string
		wantKind string
		want     azcore.TokenCredential
	}{
		{"Azure DevOps", vaultOnly, adoEnv(nil),
			"OIDC / workload identity (client_id 00000000-0000-4000-8000-00000000000c, ID token from Azure DevOps service connection 6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f)", &azidentity.AzurePipelinesCredential{}},
		{"Azure DevOps, the service connection under its other name", vaultOnly, adoEnv(map[string]string{
			"ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID": "", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID": "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
		}), "OIDC / workload identity (client_id 00000000-0000-4000-8000-00000000000c, ID token from Azure DevOps service connection 6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f)", &azidentity.AzurePipelinesCredential{}},
		{"AKS workload identity", vaultOnly, map[string]string{
			"ARM_USE_AKS_WORKLOAD_IDENTITY": "true", "AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token",
			"AZURE_CLIENT_ID": "00000000-0000-4000-8000-0000000000a5", "AZURE_TENANT_ID": "00000000-0000-4000-8000-00000000000a",
		}, "AKS workload identity (client_id 00000000-0000-4000-8000-0000000000a5)", &azidentity.WorkloadIdentityCredential{}},
		{"HCP Terraform's files", blockOf(blockValues{
			vaultURLAttr:          testVault,
			useOIDCAttr:           true,
			tenantIDAttr:          "00000000-0000-4000-8000-00000000000a",
			clientIDFilePathAttr:  writeFile(t, "client-id", "00000000-0000-4000-8000-0000000000f1\n"),
			oidcTokenFilePathAttr: "/home/tfc-agent/.tfc-agent/component/terraform/runs/run-x/tfc-azure-token",
		}), nil, "OIDC / workload identity (client_id 00000000-0000-4000-8000-0000000000f1, ID token from oidc_token_file_path (set in the provider block))", &azidentity.ClientAssertionCredential{}},
		{"the block's client_id beats the environment's file", credentialBlock(blockValues{clientSecretAttr: "s3cret"}),
			map[string]string{"ARM_CLIENT_ID_FILE_PATH": "/nonexistent/client-id"},
			"client secret (client_id 00000000-0000-4000-8000-00000000000c)", &azidentity.ClientSecretCredential{}},
		{"a client secret from a file", credentialBlock(nil),
			map[string]string{"ARM_CLIENT_SECRET_FILE_PATH": writeFile(t, "client-secret", "s3cret\n")},
			"client secret (client_id 00000000-0000-4000-8000-00000000000c)", &azidentity.ClientSecretCredential{}},
		{"an inline certificate", credentialBlock(nil), map[string]string{"ARM_CLIENT_CERTIFICATE": base64.StdEncoding.EncodeToString(bundle)},
			"inline client certificate (client_id 00000000-0000-4000-8000-00000000000c)", &azidentity.ClientCertificateCredential{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// AzurePipelinesCredential reads SYSTEM_OIDCREQUESTURI from the process environment.
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			s, diags := resolveSettings(c.cfg, envOf(c.env))
			if diags.HasError() {
				t.Fatalf("unexpected diagnostics: %v", diags)
			}
			if got := s.CredentialKind(); got != c.wantKind {
				t.Errorf("CredentialKind() = %q, want %q", got, c.wantKind)
			}
			cred, err := newCredential(s)
			if err != nil {
				t.Fatalf("newCredential: %v", err)
			}
			if got, want := fmt.Sprintf("%T", cred), fmt.Sprintf("%T", c.want); got != want {
				t.Errorf("newCredential built a %s, want a %s", got, want)
			}
		})
	}
}

// The secret read from client_secret_file_path is the one the credential uses, trimmed of the
// newline files end with.
func TestCredentialMethods_clientSecretFromFile(t *testing.T) {
	s, diags := resolveSettings(credentialBlock(blockValues{
		clientSecretFilePathAttr: writeFile(t, "client-secret", "s3cret\n"),
	}), envOf(nil))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if secret := clientSecretAttr.value(&s); secret != "s3cret" || !s.sourceOf(clientSecretAttr).inBlock {
		t.Errorf("client_secret_file_path should fill client_secret from the block's file; got a secret of %d bytes from %+v", len(secret), s.sourceOf(clientSecretAttr))
	}
}

// An ARM_* credential variable the chosen credential does not read is a warning that names the
// variable and the credential; the variables a credential reads are not.
func TestCredentialMethods_unusedVariablesWarn(t *testing.T) {
	cases := []struct {
		name string
		cfg  providerBlock
		env  map[string]string
		want []string // the details of the warnings, in part; none when empty
	}{
		{"a token without use_oidc", credentialBlock(nil), map[string]string{"ARM_OIDC_TOKEN": "id-t0ken"},
			[]string{"ARM_OIDC_TOKEN is set in the environment, but the provider authenticates with Azure default credential chain (no credential is chosen), which does not use oidc_token"}},
		{"a client id with the Azure CLI", blockOf(blockValues{vaultURLAttr: testVault}), map[string]string{"ARM_USE_CLI": "true", "ARM_CLIENT_ID": "c"},
			[]string{"ARM_CLIENT_ID is set in the environment, but the provider authenticates with Azure CLI (use_cli), which does not use client_id"}},
		{"a request token with a client secret", credentialBlock(blockValues{clientSecretAttr: "s3cret"}),
			map[string]string{"ARM_OIDC_REQUEST_TOKEN": "t", "ARM_USE_MSI": "false"},
			[]string{"ARM_OIDC_REQUEST_TOKEN is set in the environment, but the provider authenticates with client secret (client_secret)"}},
		{"a use_msi turned off in the block", credentialBlock(blockValues{
			useMSIAttr:       false,
			clientSecretAttr: "s3cret",
		}), map[string]string{"ARM_USE_MSI": "true"}, []string{"ARM_USE_MSI is set"}},
		{"a variable azurerm reads and this provider never does", credentialBlock(nil), map[string]string{"ARM_MSI_ENDPOINT": "http://169.254.169.254/"},
			[]string{"ARM_MSI_ENDPOINT is set in the environment, but this provider never reads it"}},
		{"Azure DevOps, every variable used", blockOf(blockValues{vaultURLAttr: testVault}), adoEnv(nil), nil},
		{"a client secret, with azurerm's subscription", blockOf(blockValues{vaultURLAttr: testVault}), map[string]string{
			"ARM_CLIENT_SECRET": "s3cret", "ARM_CLIENT_ID": "c", "ARM_TENANT_ID": "t", "ARM_SUBSCRIPTION_ID": "s", "ARM_USE_OIDC": "false",
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := resolveSettings(c.cfg, envOf(c.env))
			if diags.HasError() {
				t.Fatalf("unexpected errors: %v", diags)
			}
			warnings := diags.Warnings()
			if len(warnings) != len(c.want) {
				t.Fatalf("want %d warnings, got %v", len(c.want), warnings)
			}
			for i, w := range c.want {
				if warnings[i].Summary() != "Credential variable not used" || !strings.Contains(warnings[i].Detail(), w) {
					t.Errorf("warning %d should say %q:\n%s: %s", i, w, warnings[i].Summary(), warnings[i].Detail())
				}
			}
		})
	}
}

// use_oidc takes its ID token from the first source given, in azurerm's order (a token, a token
// file, Azure DevOps, a GitHub-style endpoint, then AKS's ambient token file): the variables
// several platforms set at once are not a conflict. A source set on purpose that is passed over
// is a warning; one a platform sets by itself is not.
func TestOIDCTokenSources_azurermOrder(t *testing.T) {
	sp := func(env map[string]string) map[string]string {
		out := map[string]string{"ARM_USE_OIDC": "true", "ARM_TENANT_ID": "00000000-0000-4000-8000-00000000000a", "ARM_CLIENT_ID": "00000000-0000-4000-8000-00000000000c"}
		for k, v := range env {
			out[k] = v
		}
		return out
	}
	github := map[string]string{"ACTIONS_ID_TOKEN_REQUEST_URL": "https://token.actions.example/?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "request-t0ken"}
	with := func(a, b map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range a {
			out[k] = v
		}
		for k, v := range b {
			out[k] = v
		}
		return out
	}
	vaultOnly := blockOf(blockValues{vaultURLAttr: testVault})
	tokenFile := writeFile(t, "token", "file-id-t0ken\n")
	cases := []struct {
		name       string
		cfg        providerBlock
		env        map[string]string
		wantSource string // the end of CredentialKind
		wantToken  string // what the assertion yields, for the sources that are not requests
		warnOn     []string
	}{
		{"Azure DevOps' endpoint in every job, and a token from AzureCLI@2", vaultOnly,
			sp(map[string]string{"SYSTEM_OIDCREQUESTURI": "https://dev.azure.com/contoso/p/_apis/oidctoken", "SYSTEM_ACCESSTOKEN": "system-t0ken", "ARM_OIDC_TOKEN": "id-t0ken"}),
			"ID token from oidc_token (set by ARM_OIDC_TOKEN))", "id-t0ken", nil},
		{"Azure DevOps with a service connection, and a token", vaultOnly, adoEnv(map[string]string{"ARM_OIDC_TOKEN": "id-t0ken"}),
			"ID token from oidc_token (set by ARM_OIDC_TOKEN))", "id-t0ken", []string{"ado_pipeline_service_connection_id"}},
		{"GitHub Actions with id-token: write, and a token", vaultOnly, sp(with(github, map[string]string{"ARM_OIDC_TOKEN": "id-t0ken"})),
			"ID token from oidc_token (set by ARM_OIDC_TOKEN))", "id-t0ken", nil},
		{"azurerm's request URL passed over for a token", vaultOnly, sp(map[string]string{"ARM_OIDC_REQUEST_URL": "https://token.example/", "ARM_OIDC_REQUEST_TOKEN": "t", "ARM_OIDC_TOKEN": "id-t0ken"}),
			"ID token from oidc_token (set by ARM_OIDC_TOKEN))", "id-t0ken", []string{"oidc_request_url"}},
		{"a token file before GitHub Actions", vaultOnly, sp(with(github, map[string]string{"ARM_OIDC_TOKEN_FILE_PATH": tokenFile})),
			"ID token from oidc_token_file_path (set by ARM_OIDC_TOKEN_FILE_PATH))", "file-id-t0ken", nil},
		{"a GitHub Actions runner in an AKS pod with workload identity", vaultOnly,
			sp(with(github, map[string]string{"AZURE_FEDERATED_TOKEN_FILE": tokenFile, "AZURE_CLIENT_ID": "00000000-0000-4000-8000-0000000000a5", "AZURE_TENANT_ID": "00000000-0000-4000-8000-00000000000a"})),
			"ID token from oidc_request_url (set by ACTIONS_ID_TOKEN_REQUEST_URL))", "", nil},
		{"AKS's token file alone", vaultOnly, sp(map[string]string{"AZURE_FEDERATED_TOKEN_FILE": tokenFile}),
			"ID token from oidc_token_file_path (set by AZURE_FEDERATED_TOKEN_FILE))", "file-id-t0ken", nil},
		{"a token in the block before AKS's token file", credentialBlock(blockValues{
			useOIDCAttr:   true,
			oidcTokenAttr: "id-t0ken",
		}), map[string]string{"AZURE_FEDERATED_TOKEN_FILE": tokenFile},
			"ID token from oidc_token (set in the provider block))", "id-t0ken", nil},
		{"an HCP Terraform alias: its token file in the block beats the default configuration's token", credentialBlock(blockValues{
			useOIDCAttr:           true,
			oidcTokenFilePathAttr: tokenFile,
		}), map[string]string{"ARM_OIDC_TOKEN": "default-id-t0ken"},
			"ID token from oidc_token_file_path (set in the provider block))", "file-id-t0ken", nil},
		{"a token and a file that agree", vaultOnly, sp(map[string]string{"ARM_OIDC_TOKEN": "file-id-t0ken", "ARM_OIDC_TOKEN_FILE_PATH": tokenFile}),
			"ID token from oidc_token (set by ARM_OIDC_TOKEN))", "file-id-t0ken", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, diags := resolveSettings(c.cfg, envOf(c.env))
			if diags.HasError() {
				t.Fatalf("unexpected errors: %v", diags)
			}
			if got := s.CredentialKind(); !strings.HasPrefix(got, "OIDC / workload identity") || !strings.HasSuffix(got, c.wantSource) {
				t.Errorf("CredentialKind() = %q, want it to end with %q", got, c.wantSource)
			}
			if c.wantToken != "" {
				got, err := oidcAssertion(&s, oidcTokenSourcesGiven(&s)[0])(context.Background())
				if err != nil || got != c.wantToken {
					t.Errorf("the assertion is %q (%v), want the token %q", got, err, c.wantToken)
				}
			}
			var warnedOn []string
			for _, w := range diags.Warnings() {
				if w.Summary() != "OIDC token source not used" {
					t.Errorf("unexpected warning %s: %s", w.Summary(), w.Detail())
					continue
				}
				warnedOn = append(warnedOn, pathOf(w))
				if !strings.Contains(w.Detail(), "comes first in azurerm's order") {
					t.Errorf("the warning does not say why: %s", w.Detail())
				}
			}
			if strings.Join(warnedOn, ",") != strings.Join(c.warnOn, ",") {
				t.Errorf("warnings on %v, want on %v", warnedOn, c.warnOn)
			}
		})
	}
}
