package bifrost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// kvError builds the *azcore.ResponseError azsecrets returns for a Key Vault
// error answer, from a real http.Response.
func kvError(status int, code, inner, message string) error {
	body := fmt.Sprintf(`{"error":{"code":%q,"message":%q}}`, code, message)
	if inner != "" {
		body = fmt.Sprintf(`{"error":{"code":%q,"message":%q,"innererror":{"code":%q}}}`, code, message, inner)
	}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: "https", Host: "v.vault.azure.net", Path: "/secrets/x/"}}
	return runtime.NewResponseError(&http.Response{
		StatusCode: status,
		Status:     fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:     http.Header{"Content-Type": []string{"application/json"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    req,
	})
}

func TestMapError(t *testing.T) {
	tg := target{scope: GlobalScope, kind: KindSecret, name: "smtp", kvName: "bifrost-global-secret-smtp-0123456789ab"}
	for _, c := range []struct {
		name      string
		op        string
		err       error
		code      error
		mentions  []string
		errorCode string
	}{
		{"401", "read", kvError(401, "Unauthorized", "", "AKV10000: Request is missing a Bearer or PoP token."), ErrUnauthorized, []string{"tenant_id", "AKV10000"}, "Unauthorized"},
		{"403 write", "create", kvError(403, "Forbidden", "ForbiddenByRbac", "Caller is not authorized to perform action"), ErrForbidden, []string{`"Key Vault Secrets Officer"`}, "Forbidden/ForbiddenByRbac"},
		{"403 read", "read", kvError(403, "Forbidden", "ForbiddenByRbac", "no"), ErrForbidden, []string{`"Key Vault Secrets User"`}, "Forbidden/ForbiddenByRbac"},
		{"disabled", "read", kvError(403, "Forbidden", "SecretDisabled", "Operation get is not allowed on a disabled secret."), ErrDisabled, []string{"enabled = true"}, "Forbidden/SecretDisabled"},
		{"404", "read", kvError(404, "SecretNotFound", "", "A secret with (name/id) x was not found in this key vault."), ErrNotFound, nil, "SecretNotFound"},
		{"soft-deleted", "create", kvError(409, "Conflict", "ObjectIsDeletedButRecoverable", "deleted but recoverable"), ErrSoftDeleted, nil, "Conflict/ObjectIsDeletedButRecoverable"},
		{"400", "create", kvError(400, "BadParameter", "", "The request URI contains an invalid name"), ErrInvalid, []string{"invalid name"}, "BadParameter"},
		{"429", "create", kvError(429, "Throttled", "", "slow down"), ErrKeyVault, []string{"throttl"}, "Throttled"},
		{"500", "create", kvError(500, "InternalServerError", "", "oops"), ErrKeyVault, []string{"500"}, "InternalServerError"},
		{"deadline", "delete", fmt.Errorf("waiting: %w", context.DeadlineExceeded), ErrTimeout, []string{"timeouts"}, ""},
		{"network", "read", errors.New("dial tcp: connection refused"), ErrKeyVault, []string{"connection refused", "vault_url"}, ""},
	} {
		e := tg.mapError(c.op, c.err)
		if !errors.Is(e, c.code) {
			t.Errorf("%s: Code = %v, want %v", c.name, e.Code, c.code)
		}
		for _, other := range []error{ErrNotFound, ErrForbidden, ErrDisabled, ErrUnauthorized, ErrInvalid} {
			if other != c.code && errors.Is(e, other) {
				t.Errorf("%s: also matches %v", c.name, other)
			}
		}
		if e.ErrorCode != c.errorCode {
			t.Errorf("%s: ErrorCode = %q, want %q", c.name, e.ErrorCode, c.errorCode)
		}
		msg := e.Error()
		for _, want := range append([]string{c.op, `"smtp"`, tg.kvName}, c.mentions...) {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message does not mention %q: %s", c.name, want, msg)
			}
		}
		if strings.Contains(msg, "\n") || strings.Contains(msg, "https://") {
			t.Errorf("%s: message carries the raw response: %q", c.name, msg)
		}
		var re *azcore.ResponseError
		if strings.HasPrefix(c.name, "4") || strings.HasPrefix(c.name, "5") {
			if !errors.As(e, &re) || re.StatusCode != e.StatusCode {
				t.Errorf("%s: the *azcore.ResponseError is not reachable with errors.As", c.name)
			}
		}
	}
	if e := tg.mapError("delete", fmt.Errorf("x: %w", context.DeadlineExceeded)); !errors.Is(e, context.DeadlineExceeded) {
		t.Error("a timeout does not match context.DeadlineExceeded")
	}
}

func TestServiceErrorClassification(t *testing.T) {
	if !isTransient(kvError(409, "Conflict", "ObjectIsBeingDeleted", "")) || !isTransient(kvError(409, "Conflict", "ObjectIsBeingRecovered", "")) {
		t.Error("transient 409s not recognized")
	}
	if isTransient(kvError(409, "Conflict", "ObjectIsDeletedButRecoverable", "")) || isTransient(errors.New("x")) {
		t.Error("non-transient error taken for transient")
	}
	if !isDeletedButRecoverable(kvError(409, "Conflict", "ObjectIsDeletedButRecoverable", "")) {
		t.Error("ObjectIsDeletedButRecoverable not recognized")
	}
	if !isDisabled(kvError(403, "Forbidden", "SecretDisabled", "")) || isDisabled(kvError(403, "Forbidden", "", "")) {
		t.Error("SecretDisabled misclassified")
	}
	// The body can be read more than once: azcore buffers it.
	err := kvError(409, "Conflict", "ObjectIsBeingDeleted", "")
	for range 3 {
		if !isTransient(err) {
			t.Fatal("second look at the body lost the inner code")
		}
	}
}

func TestErrorNeverCarriesTheValue(t *testing.T) {
	const value = "correct-horse-battery-staple"
	tg := target{scope: GlobalScope, kind: KindSecret, name: "smtp", kvName: "k", value: value}
	e := tg.mapError("create", kvError(400, "BadParameter", "", "value "+value+" is too long"))
	if strings.Contains(e.Error(), value) {
		t.Errorf("value leaked: %s", e)
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{Code: ErrNotFound, Op: "read", Scope: "3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a", Kind: KindConfig, Name: "api_key", KeyVaultName: "kv", Detail: "gone"}
	want := `read config "api_key" in organization 3f1c9a52-7d2e-4c1b-9a0e-5b6f7c8d9e0a (Key Vault secret "kv"): gone`
	if e.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}
	if got := (&Error{Code: ErrInvalid}).Error(); got != ErrInvalid.Error() {
		t.Errorf("bare error = %q", got)
	}
	if got := (&Error{Code: ErrNotFound, Op: "read", KeyVaultName: "kv", Detail: "gone"}).Error(); got != `read Key Vault secret "kv": gone` {
		t.Errorf("by Key Vault name = %q", got)
	}
	wrapped := fmt.Errorf("provider: %w", e)
	var got *Error
	if !errors.Is(wrapped, ErrNotFound) || !errors.As(wrapped, &got) || got.Name != "api_key" {
		t.Error("wrapped *Error not found by errors.Is/As")
	}
}
