package provider

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
	"github.com/bifrost-platform/terraform-provider-bifrost/internal/protocolserver"
)

// testCA is the one CA every emulator in this test process uses: Go reads SSL_CERT_FILE once
// per process, so it is set before any TLS connection and shared by all emulators. The
// organizations the tests use are in orgs_test.go.
var testCA struct{ cert, key string }

func TestMain(m *testing.M) {
	// A live run (live_test.go) uses the vault of the environment instead of emulators.
	if os.Getenv(liveVariable) == "1" {
		os.Exit(runLive(m))
	}
	dir, err := os.MkdirTemp("", "bifrost-provider-test-ca-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCA.cert, testCA.key = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	// The first emulator generates the CA files; later ones reuse them.
	em, err := emulator.Start(emulator.Options{CACertFile: testCA.cert, CAKeyFile: testCA.key})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the emulator:", err)
		os.Exit(1)
	}
	_ = em.Close()
	os.Setenv("SSL_CERT_FILE", testCA.cert)
	// Acceptance tests must not pick up a developer's real Azure settings.
	unsetAzureSettings()
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// unsetAzureSettings removes every variable the provider reads its settings from (ARM_*,
// AZURE_*, BIFROST_*) from the test process, and returns them.
func unsetAzureSettings() map[string]string {
	unset := map[string]string{}
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "ARM_") || strings.HasPrefix(name, "AZURE_") || strings.HasPrefix(name, "BIFROST_") {
			unset[name] = value
			os.Unsetenv(name)
		}
	}
	return unset
}

// testAccProviders serves the provider in-process to the CLI that terraform-plugin-testing runs.
var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"bifrost": protocolserver.New(New("test")),
}

// testAccProvidersWithEcho adds the echo provider, which shows ephemeral values to a test.
var testAccProvidersWithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"bifrost": protocolserver.New(New("test")),
	"echo":    echoprovider.NewProviderServer(),
}

// accVault is one emulator for one acceptance test, or in a live run the vault of the
// environment (live is set, the emulator is nil: see live_test.go).
type accVault struct {
	*emulator.Emulator
	t    *testing.T
	live *liveVault
}

// newAccVault starts an emulator for t, closed when t ends. In a live run it is the live
// vault, swept when t ends; a test that needs emulator options is skipped there.
func newAccVault(t *testing.T, opts ...func(*emulator.Options)) *accVault {
	t.Helper()
	if live != nil {
		return live.vaultFor(t, opts)
	}
	o := emulator.Options{CACertFile: testCA.cert, CAKeyFile: testCA.key}
	for _, f := range opts {
		f(&o)
	}
	em, err := emulator.Start(o)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return &accVault{Emulator: em, t: t}
}

// providerBlock is the provider configuration that reaches this emulator as principal
// (an emulator principal name: "officer", "reader", "nobody"); extra lines go inside the block.
func (v *accVault) providerBlock(principal string, extra ...string) string {
	if v.live != nil {
		return v.live.providerBlock(v.t, principal, extra)
	}
	p := v.Principal(principal)
	return v.providerBlockFor(p.ClientID, append([]string{fmt.Sprintf("client_secret                        = %q", p.ClientSecret)}, extra...)...)
}

// providerBlockFor is the provider configuration for this emulator as clientID, with the
// credential given by lines (client_secret, client_certificate_path, use_oidc, ...).
func (v *accVault) providerBlockFor(clientID string, lines ...string) string {
	if v.live != nil {
		return v.live.providerBlockFor(clientID, lines)
	}
	// The explicit source keeps OpenTofu, whose default registry differs, on the in-process
	// provider that terraform-plugin-testing registers under registry.terraform.io.
	return fmt.Sprintf(`
terraform {
  required_providers {
    bifrost = { source = "registry.terraform.io/hashicorp/bifrost" }
  }
}

provider "bifrost" {
  vault_url                            = %q
  authority_host                       = %q
  tenant_id                            = %q
  client_id                            = %q
  skip_challenge_resource_verification = true
  %s
}
`, v.VaultURL(), v.AuthorityHost(), v.TenantID(), clientID, strings.Join(lines, "\n  "))
}

// config is the officer's provider block followed by body.
func (v *accVault) config(body string, extra ...string) string {
	return v.providerBlock("officer", extra...) + body
}

// kvClient is a real azsecrets client for the officer, for tests that seed or change the vault
// behind the provider's back (out-of-band changes, pre-existing secrets).
func (v *accVault) kvClient() *azsecrets.Client {
	v.t.Helper()
	if v.live != nil {
		return v.live.client
	}
	p := v.Principal("officer")
	transport := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: v.CertPool(), MinVersion: tls.VersionTLS12}}}
	opts := azcore.ClientOptions{Transport: transport, Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: v.AuthorityHost()}}
	cred, err := azidentity.NewClientSecretCredential(v.TenantID(), p.ClientID, p.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: true})
	if err != nil {
		v.t.Fatalf("credential: %v", err)
	}
	client, err := azsecrets.NewClient(v.VaultURL(), cred, &azsecrets.ClientOptions{ClientOptions: opts, DisableChallengeResourceVerification: true})
	if err != nil {
		v.t.Fatalf("azsecrets client: %v", err)
	}
	return client
}

// store is the domain store over kvClient, for seeding entries exactly as the provider lays them out.
func (v *accVault) store() *bifrost.Store {
	return bifrost.NewStore(bifrost.NewAzureKeyVault(v.kvClient()), bifrost.StoreOptions{RecoverSoftDeleted: true, PollInterval: 50 * time.Millisecond})
}

// valuesAbsent is a state check and a plan check: the whole JSON of the state (as
// `show -json` gives it) or of the plan must not contain any of the strings.
type valuesAbsent []string

func (c valuesAbsent) scan(what string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshalling the %s: %w", what, err)
	}
	for i, secret := range c {
		if strings.Contains(string(b), secret) {
			return fmt.Errorf("the %s contains write-only value #%d at %s", what, i+1, cfgAccWhere(b, secret))
		}
	}
	return nil
}

// cfgAccWhere returns the JSON path of the first string in doc that contains secret.
func cfgAccWhere(doc []byte, secret string) string {
	var x any
	_ = json.Unmarshal(doc, &x)
	var walk func(v any, p string) string
	walk = func(v any, p string) string {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if r := walk(e, p+"."+k); r != "" {
					return r
				}
			}
		case []any:
			for i, e := range t {
				if r := walk(e, fmt.Sprintf("%s[%d]", p, i)); r != "" {
					return r
				}
			}
		case string:
			if strings.Contains(t, secret) {
				return p
			}
		}
		return ""
	}
	return walk(x, "$")
}

func (c valuesAbsent) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.scan("state", req.State)
}

// CheckPlan scans everything in the plan but its copy of the configuration, which holds the
// test's literal value_wo as written (a real configuration takes it from an ephemeral source).
func (c valuesAbsent) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	b, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = fmt.Errorf("marshalling the plan: %w", err)
		return
	}
	var plan map[string]any
	if err := json.Unmarshal(b, &plan); err != nil {
		resp.Error = fmt.Errorf("reading the plan: %w", err)
		return
	}
	delete(plan, "configuration")
	resp.Error = c.scan("plan", plan)
}

// stateAttributes returns the attributes of the root module resource or data source at address
// in the state a state check gets, or an error naming what is missing.
func stateAttributes(req statecheck.CheckStateRequest, address string) (map[string]any, error) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		return nil, errors.New("the state has no root module")
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s - Resource not found in state", address)
}

// attrAbsent is a state check: the object at parent in the resource's attributes has no
// attribute name, or has it null. knownvalue.Null needs the attribute to be in the schema; this
// asserts that an object does not have it at all (a list data source's items have no value).
type attrAbsent struct {
	address string
	parent  tfjsonpath.Path
	name    string
}

func (c attrAbsent) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	attrs, err := stateAttributes(req, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	got, err := tfjsonpath.Traverse(attrs, c.parent)
	if err != nil {
		resp.Error = fmt.Errorf("%s.%s: %w", c.address, c.parent, err)
		return
	}
	obj, ok := got.(map[string]any)
	if !ok {
		resp.Error = fmt.Errorf("%s.%s is a %T, not an object", c.address, c.parent, got)
		return
	}
	if v, ok := obj[c.name]; ok && v != nil {
		resp.Error = fmt.Errorf("%s.%s: attribute %s found when not expected", c.address, c.parent, c.name)
	}
}

// knownRFC3339 is a known value check: a string that is an RFC 3339 time (a timestamp the test
// cannot know, but which must be set and well-formed).
var knownRFC3339 = knownvalue.StringFunc(func(v string) error {
	if _, err := time.Parse(time.RFC3339, v); err != nil {
		return fmt.Errorf("%q is not an RFC 3339 time: %w", v, err)
	}
	return nil
})

// knownSecretValue is a known value check for a (possibly sensitive) string that names neither
// value when it fails, only their lengths.
func knownSecretValue(want string) knownvalue.Check {
	return knownvalue.StringFunc(func(got string) error {
		if got != want {
			return fmt.Errorf("does not hold the expected value (%d bytes, want %d bytes)", len(got), len(want))
		}
		return nil
	})
}
