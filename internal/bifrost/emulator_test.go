package bifrost

import (
	"crypto/tls"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// testPollInterval keeps the waits of the store short against the emulator.
const testPollInterval = 50 * time.Millisecond

// caDir holds one CA for the whole test binary, so that each test's emulator
// reuses it instead of generating its own.
var caDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bifrost-test-ca-")
	if err != nil {
		panic(err)
	}
	caDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// testVault is an emulator started for one test, with clients for its principals.
type testVault struct {
	em *emulator.Emulator
}

// newTestVault starts an emulator for t with opts (CA files filled in) and
// stops it at the end of the test.
func newTestVault(t *testing.T, opts emulator.Options) *testVault {
	t.Helper()
	opts.CACertFile = filepath.Join(caDir, "ca.pem")
	opts.CAKeyFile = filepath.Join(caDir, "ca-key.pem")
	em, err := emulator.Start(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() {
		if err := em.Close(); err != nil {
			t.Errorf("closing the emulator: %v", err)
		}
	})
	return &testVault{em: em}
}

func (v *testVault) transport() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: v.em.CertPool(), MinVersion: tls.VersionTLS12},
	}}
}

// clientWithSecret returns an azsecrets client that authenticates as
// clientID with secret, the way the provider does with client_id/client_secret.
func (v *testVault) clientWithSecret(t *testing.T, clientID, secret string) *azsecrets.Client {
	t.Helper()
	hc := v.transport()
	cred, err := azidentity.NewClientSecretCredential(v.em.TenantID(), clientID, secret, &azidentity.ClientSecretCredentialOptions{
		DisableInstanceDiscovery: true,
		ClientOptions: azcore.ClientOptions{
			Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: v.em.AuthorityHost()},
			Transport: hc,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The options the provider uses, so that the tests see its retry behaviour.
	opts := ClientOptions("terraform-provider-bifrost/test")
	opts.Transport = hc
	opts.DisableChallengeResourceVerification = true
	client, err := azsecrets.NewClient(v.em.VaultURL(), cred, &opts)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// client returns an azsecrets client for one of emulator.DefaultPrincipals:
// "officer" (read/write), "reader" (read only) or "nobody" (no role).
func (v *testVault) client(t *testing.T, principal string) *azsecrets.Client {
	t.Helper()
	p := v.em.Principal(principal)
	return v.clientWithSecret(t, p.ClientID, p.ClientSecret)
}

// store returns a Store acting as principal, polling at testPollInterval
// unless opts says otherwise.
func (v *testVault) store(t *testing.T, principal string, opts StoreOptions) *Store {
	t.Helper()
	if opts.PollInterval == 0 {
		opts.PollInterval = testPollInterval
	}
	return NewStore(NewAzureKeyVault(v.client(t, principal)), opts)
}
