package provider

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

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
			opts := secretsClientOptions(providerSettings{SkipChallengeResourceVerification: c.skip}, c.version)
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
	s, diags := resolveSettings(credentialBlock(func(m *providerModel) {
		m.ClientSecret = types.StringValue("s3cret")
		m.OrganizationID = types.StringValue("global")
	}), envOf(nil))
	if diags.HasError() {
		t.Fatal(diags)
	}
	c, diags := newProviderClient(context.Background(), s, "1.2.3")
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
		{"store set", c.store != nil, true},
	}
	for _, k := range cases {
		if k.got != k.want {
			t.Errorf("%s = %#v, want %#v", k.field, k.got, k.want)
		}
	}
}
