package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/bifrost"
)

// recordingTransport answers every request with 400 and keeps the requests.
type recordingTransport struct{ requests []*http.Request }

func (r *recordingTransport) Do(req *http.Request) (*http.Response, error) {
	r.requests = append(r.requests, req)
	return &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

type noToken struct{}

func (noToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, nil
}

// Key Vault's logs show which provider release sent each request.
func TestSecretsClientOptions_userAgentNamesTheProviderVersion(t *testing.T) {
	cases := []struct {
		version string
		skip    bool
		want    string
	}{
		{"1.2.3", false, "tf-bifrost/1.2.3 azsdk-go-azsecrets/"},
		{"0.10.12", true, "tf-bifrost/0.10.12 azsdk-go-azsecrets/"},
		{"dev", false, "tf-bifrost/dev azsdk-go-azsecrets/"},
	}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			opts := secretsClientOptions(resolveOnly(t, blockOf(blockValues{skipChallengeResourceVerificationAttr: c.skip}), nil), c.version)
			if opts.DisableChallengeResourceVerification != c.skip {
				t.Errorf("DisableChallengeResourceVerification = %v, want %v", opts.DisableChallengeResourceVerification, c.skip)
			}
			rec := &recordingTransport{}
			opts.Transport = rec
			client, err := azsecrets.NewClient(testVault, noToken{}, &opts)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = client.GetSecret(context.Background(), "x", "", nil)
			if len(rec.requests) == 0 {
				t.Fatal("no request was sent")
			}
			if ua := rec.requests[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, c.want) {
				t.Errorf("User-Agent %q, want it to start with %q", ua, c.want)
			}
		})
	}
}

func TestNewProviderClient(t *testing.T) {
	s, diags := resolveSettings(credentialBlock(blockValues{
		clientSecretAttr:   "s3cret",
		organizationIDAttr: "global",
	}), envOf(nil))
	if diags.HasError() {
		t.Fatal(diags)
	}
	c := newProviderClient(s, "1.2.3")
	store, diags := c.connect("testing")
	if diags.HasError() {
		t.Fatal(diags)
	}
	cases := []struct {
		field     string
		got, want any
	}{
		{"vaultURL", c.vaultURL, testVault},
		{"defaultScope", c.defaultScope, bifrost.Scope(bifrost.GlobalScope)},
		{"credentialKind", c.credentialKind, "client secret (client_id 00000000-0000-4000-8000-00000000000c)"},
		{"store set", store != nil && c.store == store, true},
	}
	for _, k := range cases {
		if k.got != k.want {
			t.Errorf("%s = %#v, want %#v", k.field, k.got, k.want)
		}
	}
}

// A provider block whose values are known only after apply configures a client that plans
// creates but refuses, naming the attributes, anything that needs the vault; with every
// value known the same block connects.
func TestNewProviderClient_unknownSettings(t *testing.T) {
	cases := []struct {
		name        string
		block       blockValues
		wantUnknown []string
		wantRefused []string // what connect names; none: it connects
	}{
		{"vault", blockValues{vaultURLAttr: types.StringUnknown()}, []string{"vault_url"}, []string{"vault_url"}},
		{"vault and scope", blockValues{
			vaultURLAttr:       types.StringUnknown(),
			organizationIDAttr: types.StringUnknown(),
		}, []string{"vault_url", "organization_id"}, []string{"vault_url"}},
		// The default scope is not needed to reach the vault.
		{"scope", blockValues{organizationIDAttr: types.StringUnknown()}, []string{"organization_id"}, nil},
		{"credential", blockValues{clientSecretAttr: types.StringUnknown()}, []string{"client_secret"}, []string{"client_secret"}},
		{"switch", blockValues{useMSIAttr: types.BoolUnknown()}, []string{"use_msi"}, []string{"use_msi"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, diags := resolveSettings(credentialBlock(blockValues{clientSecretAttr: "s3cret"}.with(c.block)), envOf(nil))
			if diags.HasError() {
				t.Fatalf("settings with unknown values: %v", diags)
			}
			client := newProviderClient(s, "1.2.3")
			if strings.Join(client.unknown, ",") != strings.Join(c.wantUnknown, ",") {
				t.Errorf("unknown = %v, want %v", client.unknown, c.wantUnknown)
			}
			if got := client.defaultScopeUnknown(); got != slices.Contains(c.wantUnknown, "organization_id") {
				t.Errorf("defaultScopeUnknown = %v", got)
			}
			store, diags := client.connect("Reading data source bifrost_secret")
			if len(c.wantRefused) == 0 {
				if store == nil || diags.HasError() {
					t.Errorf("connect: store %v, diagnostics %v", store, diags)
				}
				return
			}
			if store != nil || !diags.HasError() {
				t.Fatalf("connect with unknown settings: store %v, diagnostics %v", store, diags)
			}
			d := diags.Errors()[0]
			for _, phrase := range append([]string{"Reading data source bifrost_secret needs Key Vault", "known only after apply", "-target", "-refresh=false"}, c.wantRefused...) {
				if !strings.Contains(d.Summary()+" "+d.Detail(), phrase) {
					t.Errorf("diagnostic %q: %q does not say %q", d.Summary(), d.Detail(), phrase)
				}
			}
		})
	}
}

// connect builds the store once however many resources ask at the same time.
func TestProviderClientConnect_once(t *testing.T) {
	s, diags := resolveSettings(credentialBlock(blockValues{clientSecretAttr: "s3cret"}), envOf(nil))
	if diags.HasError() {
		t.Fatal(diags)
	}
	client := newProviderClient(s, "1.2.3")
	stores := make(chan *bifrost.Store, 8)
	var wg sync.WaitGroup
	for range cap(stores) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store, _ := client.connect("testing")
			stores <- store
		}()
	}
	wg.Wait()
	close(stores)
	first := <-stores
	for store := range stores {
		if store == nil || store != first {
			t.Fatalf("connect returned stores %p and %p", first, store)
		}
	}
}

// emulatorSettings are the settings of a provider block that reaches v as its officer.
func emulatorSettings(t *testing.T, v *accVault) providerSettings {
	t.Helper()
	officer := v.Principal("officer")
	s, diags := resolveSettings(blockOf(blockValues{
		vaultURLAttr:                          v.VaultURL(),
		authorityHostAttr:                     v.AuthorityHost(),
		tenantIDAttr:                          v.TenantID(),
		clientIDAttr:                          officer.ClientID,
		clientSecretAttr:                      officer.ClientSecret,
		skipChallengeResourceVerificationAttr: true,
	}), envOf(nil))
	if diags.HasError() {
		t.Fatal(diags)
	}
	return s
}

// A token that Key Vault stops accepting in the middle of a run (here it expires by the vault's
// clock while the credential's cache still holds it) is replaced by a fresh one, once, and the
// run goes on.
func TestNewStore_freshTokenAfterARefusal(t *testing.T) {
	v := newAccVault(t)
	store, diags := newStore(emulatorSettings(t, v), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	ctx := context.Background()
	if _, err := store.List(ctx, bifrost.Scope(testOrg), bifrost.KindSecret); err != nil {
		t.Fatalf("listing with the first token: %v", err)
	}
	refusedBefore := v.StatusCounts()[http.StatusUnauthorized]
	v.SetClockOffset(2 * time.Hour) // the emulator's tokens live one hour
	if _, err := store.List(ctx, bifrost.Scope(testOrg), bifrost.KindSecret); err != nil {
		t.Fatalf("listing after the vault stopped accepting the token: %v", err)
	}
	if refused := v.StatusCounts()[http.StatusUnauthorized] - refusedBefore; refused != 1 {
		t.Errorf("Key Vault answered 401 %d times after the token expired, want once (the expired token)", refused)
	}
}

// constantToken is a credential whose every token is the same string.
type constantToken struct{ token string }

func (c constantToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: c.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// A token that Key Vault refuses even fresh is fetched once more, not again and again, and the
// error says what Key Vault answered rather than guessing at the settings.
func TestNewStore_refusedFreshTokenFailsWithKeyVaultsAnswer(t *testing.T) {
	v := newAccVault(t)
	builds := 0
	store, diags := newStoreWith(emulatorSettings(t, v), "test", func() (azcore.TokenCredential, error) {
		builds++
		return constantToken{token: "not-a-token-this-vault-issued"}, nil
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	for range 3 {
		_, err := store.List(context.Background(), bifrost.Scope(testOrg), bifrost.KindSecret)
		if !errors.Is(err, bifrost.ErrUnauthorized) {
			t.Fatalf("want ErrUnauthorized, got %v", err)
		}
		for _, want := range []string{"Key Vault answered 401", "AKV10016: Token validation failed", "its answer says why"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the error does not say %q: %v", want, err)
			}
		}
		for _, blame := range []string{"check tenant_id", "client_id"} {
			if strings.Contains(err.Error(), blame) {
				t.Errorf("the error blames %s for a token Key Vault refused: %v", blame, err)
			}
		}
	}
	if builds != 2 {
		t.Errorf("the credential was built %d times, want twice (the first, and one fresh after the refusal)", builds)
	}
}
