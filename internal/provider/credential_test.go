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

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

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
			Check:  v.checkVaultValue(bifrost.Scope(testOrg), bifrost.KindSecret, "cert-made", "by-certificate"),
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
				Check:  v.checkVaultValue(bifrost.Scope(testOrg), bifrost.KindSecret, "oidc-made", "via-token-file"),
			},
			{
				Config: provider(fmt.Sprintf("oidc_request_url = %q\n  oidc_request_token = \"ci-request-token\"", ci.URL+"/token?api-version=2.0")) +
					secretConfig("oidc-made", "via-request-url", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					v.checkVaultValue(bifrost.Scope(testOrg), bifrost.KindSecret, "oidc-made", "via-request-url"),
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
