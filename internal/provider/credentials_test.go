package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// credentialBlock is a provider block with vault_url, tenant_id and client_id set, for cases
// about the credential itself.
func credentialBlock(f func(*providerModel)) providerModel {
	m := providerModel{
		VaultURL: types.StringValue(testVault),
		TenantID: types.StringValue("00000000-0000-4000-8000-00000000000a"),
		ClientID: types.StringValue("00000000-0000-4000-8000-00000000000c"),
	}
	if f != nil {
		f(&m)
	}
	return m
}

func TestCredentialMethods_errorsNameTheAttribute(t *testing.T) {
	vaultOnly := func(f func(*providerModel)) providerModel {
		m := providerModel{VaultURL: types.StringValue(testVault)}
		if f != nil {
			f(&m)
		}
		return m
	}
	cases := []struct {
		name string
		cfg  providerModel
		env  map[string]string
		want wantDiag
	}{
		{"two methods", credentialBlock(func(m *providerModel) { m.UseMSI = types.BoolValue(true) }),
			map[string]string{"ARM_CLIENT_SECRET": "s3cret"},
			wantDiag{"use_msi", "Conflicting authentication settings", []string{"Choose one way to authenticate", "client_secret, use_msi"}}},
		{"three methods", credentialBlock(func(m *providerModel) {
			m.UseCLI = types.BoolValue(true)
			m.ClientCertificatePath = types.StringValue("/app.pem")
		}), map[string]string{"BIFROST_USE_OIDC": "true", "ARM_OIDC_TOKEN": "id-t0ken"},
			wantDiag{"use_oidc", "Conflicting authentication settings", []string{"client_certificate_path, use_oidc, use_cli"}}},
		{"secret without tenant", vaultOnly(nil), map[string]string{"ARM_CLIENT_SECRET": "s3cret", "ARM_CLIENT_ID": "c"},
			wantDiag{"tenant_id", "Missing tenant_id", []string{"client secret (client_secret)", "BIFROST_TENANT_ID, ARM_TENANT_ID, AZURE_TENANT_ID"}}},
		{"secret without client id", vaultOnly(func(m *providerModel) { m.ClientSecret = types.StringValue("s3cret") }), map[string]string{"ARM_TENANT_ID": "t"},
			wantDiag{"client_id", "Missing client_id", []string{"client secret (client_secret)", "BIFROST_CLIENT_ID, ARM_CLIENT_ID, AZURE_CLIENT_ID"}}},
		{"certificate without tenant", vaultOnly(func(m *providerModel) {
			m.ClientCertificatePath = types.StringValue("/app.pem")
			m.ClientID = types.StringValue("c")
		}), nil, wantDiag{"tenant_id", "Missing tenant_id", []string{"client certificate (client_certificate_path)"}}},
		{"oidc without client id", vaultOnly(func(m *providerModel) {
			m.UseOIDC = types.BoolValue(true)
			m.OIDCToken = types.StringValue("id-t0ken")
			m.TenantID = types.StringValue("t")
		}), nil, wantDiag{"client_id", "Missing client_id", []string{"OIDC / workload identity (use_oidc)"}}},
		{"oidc without a token", credentialBlock(func(m *providerModel) { m.UseOIDC = types.BoolValue(true) }), nil,
			wantDiag{"use_oidc", "Missing OIDC token source", []string{"oidc_token, oidc_token_file_path, or oidc_request_url", "ACTIONS_ID_TOKEN_REQUEST_URL"}}},
		{"oidc with two tokens", credentialBlock(func(m *providerModel) {
			m.UseOIDC = types.BoolValue(true)
			m.OIDCToken = types.StringValue("id-t0ken")
		}), map[string]string{"AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/token"},
			wantDiag{"oidc_token", "Conflicting OIDC token sources", []string{"oidc_token, oidc_token_file_path"}}},
		{"oidc request URL without its token", credentialBlock(func(m *providerModel) {
			m.UseOIDC = types.BoolValue(true)
			m.OIDCRequestURL = types.StringValue("https://token.actions.example/")
		}), nil, wantDiag{"oidc_request_token", "Missing oidc_request_token", []string{"oidc_request_url needs oidc_request_token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"}}},
		{"oidc token in the block without use_oidc", credentialBlock(func(m *providerModel) { m.OIDCToken = types.StringValue("id-t0ken") }), nil,
			wantDiag{"use_oidc", "OIDC token given without use_oidc", []string{"set use_oidc = true"}}},
		{"oidc token file in the block without use_oidc", credentialBlock(func(m *providerModel) { m.OIDCTokenFilePath = types.StringValue("/token") }), nil,
			wantDiag{"use_oidc", "OIDC token given without use_oidc", []string{"set use_oidc = true"}}},
		{"certificate password without a certificate", credentialBlock(func(m *providerModel) { m.ClientCertificatePassword = types.StringValue("pa55word") }), nil,
			wantDiag{"client_certificate_password", "Certificate password without a certificate", []string{"client_certificate_path is not"}}},
		{"certificate password from the environment with a client secret", credentialBlock(func(m *providerModel) { m.ClientSecret = types.StringValue("s3cret") }),
			map[string]string{"ARM_CLIENT_CERTIFICATE_PASSWORD": "pa55word"},
			wantDiag{"client_certificate_password", "Certificate password without a certificate", []string{"client_certificate_path is not"}}},
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
		cfg  providerModel
		env  map[string]string
		want string
	}{
		{"client secret", credentialBlock(func(m *providerModel) { m.ClientSecret = types.StringValue("s3cret") }), nil,
			"client secret (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"client certificate", credentialBlock(nil), map[string]string{"AZURE_CLIENT_CERTIFICATE_PATH": "/app.pem"},
			"client certificate (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"client certificate with its password", credentialBlock(func(m *providerModel) {
			m.ClientCertificatePath = types.StringValue("/app.pfx")
			m.ClientCertificatePassword = types.StringValue("pa55word")
		}), nil, "client certificate (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"oidc", credentialBlock(func(m *providerModel) { m.UseOIDC = types.BoolValue(true) }),
			map[string]string{"AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/token"},
			"OIDC / workload identity (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"managed identity", credentialBlock(nil), map[string]string{"ARM_USE_MSI": "true"}, "managed identity"},
		{"Azure CLI", credentialBlock(func(m *providerModel) { m.UseCLI = types.BoolValue(true) }), nil, "Azure CLI"},
		{"nothing chosen", credentialBlock(nil), nil, "Azure default credential chain"},
		{"use_oidc = false is not a choice", credentialBlock(func(m *providerModel) { m.UseOIDC = types.BoolValue(false) }),
			map[string]string{"ARM_USE_OIDC": "true"}, "Azure default credential chain"},
		// CI runners and AKS export OIDC variables whether or not the provider should use them;
		// with no method chosen, the default credential chain must still be used.
		{"ambient OIDC variables", providerModel{VaultURL: types.StringValue(testVault)}, map[string]string{
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
	_, bundle, _ := selfSignedPEM(t)
	certFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(certFile, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  providerModel
		want azcore.TokenCredential
	}{
		{"client secret", credentialBlock(func(m *providerModel) { m.ClientSecret = types.StringValue("s3cret") }), &azidentity.ClientSecretCredential{}},
		{"client certificate", credentialBlock(func(m *providerModel) { m.ClientCertificatePath = types.StringValue(certFile) }), &azidentity.ClientCertificateCredential{}},
		{"oidc", credentialBlock(func(m *providerModel) {
			m.UseOIDC = types.BoolValue(true)
			m.OIDCToken = types.StringValue("id-t0ken")
		}), &azidentity.ClientAssertionCredential{}},
		{"managed identity", credentialBlock(func(m *providerModel) { m.UseMSI = types.BoolValue(true) }), &azidentity.ManagedIdentityCredential{}},
		{"Azure CLI", credentialBlock(func(m *providerModel) { m.UseCLI = types.BoolValue(true) }), &azidentity.AzureCLICredential{}},
		{"default chain", credentialBlock(func(m *providerModel) { m.AuthorityHost = types.StringValue("https://login.example/") }), &azidentity.DefaultAzureCredential{}},
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
	s, diags := resolveSettings(credentialBlock(func(m *providerModel) {
		m.ClientCertificatePath = types.StringValue(filepath.Join(t.TempDir(), "missing.pem"))
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
		if names[m.name] || m.build == nil {
			t.Errorf("%s: a method needs a name of its own and a way to build it", m.name)
		}
		names[m.name] = true
	}
}

// selfSignedPEM returns a certificate and its private key as PEM, as an app registration's
// certificate credential would be kept on disk.
func selfSignedPEM(t *testing.T) (certPEM, bundlePEM []byte, key *rsa.PrivateKey) {
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
	return certPEM, append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), certPEM...), key
}

// The client-certificate path end to end: azidentity signs a client assertion with the key
// from client_certificate_path, the emulator's authority verifies it and issues the token.
func TestAccProvider_clientCertificate(t *testing.T) {
	certPEM, bundle, _ := selfSignedPEM(t)
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

// The OIDC paths end to end: the provider hands an ID token, read from a file or fetched from a
// GitHub-Actions-style request URL, to Entra as a client assertion. The emulator has no
// federated credentials, so the test's "ID token" is an assertion signed with the app's
// registered certificate: what is under test is the provider's plumbing, not Entra's trust.
func TestAccProvider_oidc(t *testing.T) {
	certPEM, _, key := selfSignedPEM(t)
	const clientID = "0f1ce000-0000-4000-8000-0000000000d1"
	v := newAccVault(t, func(o *emulator.Options) {
		o.Principals = append(emulator.DefaultPrincipals(),
			emulator.Principal{Name: "oidc-app", ClientID: clientID, CertificatePEM: certPEM, Role: emulator.RoleOfficer})
	})
	der, _ := pem.Decode(certPEM)
	thumb := sha256.Sum256(der.Bytes)
	token := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": clientID, "sub": clientID,
		"aud": strings.TrimSuffix(v.AuthorityHost(), "/") + "/" + v.TenantID() + "/oauth2/v2.0/token",
		"exp": time.Now().Add(30 * time.Minute).Unix(), "nbf": time.Now().Add(-time.Minute).Unix(),
	})
	token.Header["x5t#S256"] = base64.RawURLEncoding.EncodeToString(thumb[:])
	idToken, err := token.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(idToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int32
	ci := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ci-request-token" || r.URL.Query().Get("audience") != "api://AzureADTokenExchange" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		requests.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]string{"value": idToken})
	}))
	defer ci.Close()

	provider := func(lines string) string {
		return v.providerBlockFor(clientID, "use_oidc = true", lines)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider(fmt.Sprintf("oidc_token_file_path = %q", tokenFile)) + secretConfig("oidc-made", "via-token-file", ""),
				Check:  v.checkVaultValue(bifrost.Scope(testOrg), "oidc-made", "via-token-file"),
			},
			{
				Config: provider(fmt.Sprintf("oidc_request_url = %q\n  oidc_request_token = \"ci-request-token\"", ci.URL+"/token?api-version=2.0")) +
					secretConfig("oidc-made", "via-request-url", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					v.checkVaultValue(bifrost.Scope(testOrg), "oidc-made", "via-request-url"),
					func(*terraform.State) error {
						if requests.Load() == 0 {
							return fmt.Errorf("the provider never asked oidc_request_url for a token")
						}
						return nil
					},
				),
			},
		},
	})
}
