package emulator_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// start runs an emulator for one test and closes it when the test ends.
func start(t *testing.T, opts emulator.Options) *emulator.Emulator {
	t.Helper()
	e, err := emulator.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// httpClient trusts the emulator's CA and nothing else; every test makes its
// own so connections are never shared between emulators.
func httpClient(e *emulator.Emulator) *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: e.CertPool(), MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64,
	}}
}

// clientOptions are the azcore options both the credential and the secrets
// client use: the emulator's CA, and fast retries so fault tests stay short.
func clientOptions(e *emulator.Emulator, hc *http.Client) azcore.ClientOptions {
	return azcore.ClientOptions{
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.AuthorityHost()},
		Transport: hc,
		Retry:     policy.RetryOptions{RetryDelay: 20 * time.Millisecond, MaxRetryDelay: 2 * time.Second},
	}
}

func credential(t *testing.T, e *emulator.Emulator, principal string, hc *http.Client) *azidentity.ClientSecretCredential {
	t.Helper()
	p := e.Principal(principal)
	cred, err := azidentity.NewClientSecretCredential(e.TenantID(), p.ClientID, p.ClientSecret, &azidentity.ClientSecretCredentialOptions{
		DisableInstanceDiscovery: true,
		ClientOptions:            clientOptions(e, hc),
	})
	if err != nil {
		t.Fatalf("NewClientSecretCredential: %v", err)
	}
	return cred
}

// newClient is the real azsecrets client authenticated as one principal.
func newClient(t *testing.T, e *emulator.Emulator, principal string) *azsecrets.Client {
	t.Helper()
	hc := httpClient(e)
	return clientWith(t, e, credential(t, e, principal, hc), clientOptions(e, hc))
}

func clientWith(t *testing.T, e *emulator.Emulator, cred azcore.TokenCredential, o azcore.ClientOptions) *azsecrets.Client {
	t.Helper()
	c, err := azsecrets.NewClient(e.VaultURL(), cred, &azsecrets.ClientOptions{
		ClientOptions:                        o,
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		t.Fatalf("azsecrets.NewClient: %v", err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func set(t *testing.T, c *azsecrets.Client, name, value string, p *azsecrets.SetSecretParameters) azsecrets.SetSecretResponse {
	t.Helper()
	if p == nil {
		p = &azsecrets.SetSecretParameters{}
	}
	p.Value = &value
	resp, err := c.SetSecret(ctx(t), name, *p, nil)
	if err != nil {
		t.Fatalf("SetSecret(%s): %v", name, err)
	}
	return resp
}

// responseError asserts err is Key Vault's error with that status and code,
// and returns its innererror code ("" when absent).
func responseError(t *testing.T, err error, status int, code string) string {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not an *azcore.ResponseError", err, err)
	}
	if re.StatusCode != status || re.ErrorCode != code {
		t.Fatalf("got %d %s, want %d %s: %v", re.StatusCode, re.ErrorCode, status, code, err)
	}
	body, perr := runtime.Payload(re.RawResponse)
	if perr != nil {
		t.Fatalf("reading error body: %v", perr)
	}
	var wire struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError *struct {
				Code string `json:"code"`
			} `json:"innererror"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if wire.Error.Message == "" {
		t.Errorf("error body has no message: %s", body)
	}
	if wire.Error.InnerError == nil {
		return ""
	}
	return wire.Error.InnerError.Code
}

func wantInner(t *testing.T, err error, status int, code, inner string) {
	t.Helper()
	if got := responseError(t, err, status, code); got != inner {
		t.Fatalf("innererror %q, want %q (%v)", got, inner, err)
	}
}

func ptr[T any](v T) *T { return &v }
