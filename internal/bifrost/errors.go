package bifrost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Sentinels for the Code of an [*Error]; test with [errors.Is].
var (
	// ErrInvalid: the input breaks a rule of the layout (name, scope, type,
	// value, tags), or Key Vault rejected the request as malformed.
	ErrInvalid = errors.New("invalid input")
	// ErrNotFound: no such secret or config (or Key Vault secret).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a create found the entry already in Key Vault; it is
	// never overwritten, the message says how to import it.
	ErrAlreadyExists = errors.New("already exists")
	// ErrNameCollision: the Key Vault secret at the entry's name carries
	// bifrost tags of another entry; nothing is written.
	ErrNameCollision = errors.New("key vault name collision")
	// ErrOwnerConflict: the entry's owner token shows that another writer
	// (another Terraform state) wrote it since the caller did; nothing is
	// read, written or deleted.
	ErrOwnerConflict = errors.New("entry managed elsewhere")
	// ErrChanged: a write found the entry changed in Key Vault since the caller's plan (another
	// writer came between); nothing was written (see changes.go).
	ErrChanged = errors.New("changed since the plan")
	// ErrSoftDeleted: the name is held by a soft-deleted secret and recovery is off.
	ErrSoftDeleted = errors.New("soft-deleted")
	// ErrDisabled: the secret is disabled, so Key Vault does not return its value.
	ErrDisabled = errors.New("disabled")
	// ErrForbidden: the principal lacks the Key Vault role for the operation,
	// or purge protection refused a purge.
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: Key Vault or Entra ID refused the credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrDanglingReference: a secret_reference config points at a secret that does not exist.
	ErrDanglingReference = errors.New("dangling secret reference")
	// ErrCrossOrgReference: a secret_reference points at another organization's secret.
	ErrCrossOrgReference = errors.New("cross-organization secret reference")
	// ErrTimeout: the context ended while waiting for Key Vault (for example
	// for a deletion or recovery to finish). The *Error also matches the
	// context's error.
	ErrTimeout = errors.New("timed out")
	// ErrChallengeResource: the vault's authentication challenge names a resource whose host is
	// not a suffix of the vault URL's host, so the client refused to send it a token (the
	// challenge check of azsecrets, which only an emulator may need turned off).
	ErrChallengeResource = errors.New("challenge resource does not match the vault")
	// ErrKeyVault: any other Key Vault failure (5xx, throttling after
	// retries, network), with Key Vault's answer in the message.
	ErrKeyVault = errors.New("key vault request failed")
)

// Error is the error type of this package. Code is one of the Err* sentinels
// and is what [errors.Is] matches; Err, when set, is the underlying cause
// (often an *azcore.ResponseError) and is what [errors.As] finds. The message
// names the entry and says what to do; it never contains a secret value.
type Error struct {
	// Code is one of the Err* sentinels.
	Code error
	// Op is the operation that failed: "create", "read", "rotate", "update",
	// "delete", "list", "resolve", ... Empty for validation errors.
	Op string
	// Scope, Kind and Name identify the entry, when known.
	Scope Scope
	Kind  Kind
	Name  string
	// KeyVaultName is the Key Vault secret name involved, when known.
	KeyVaultName string
	// Detail says what is wrong and what to do about it.
	Detail string
	// StatusCode and ErrorCode are Key Vault's answer, when there was one.
	// ErrorCode joins the code and the inner code, e.g. "Conflict/ObjectIsBeingDeleted".
	StatusCode int
	ErrorCode  string
	// Err is the underlying error, if any.
	Err error

	// service is a one-line summary of Key Vault's answer; the full
	// *azcore.ResponseError text is multi-line and carries request URLs.
	service string
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	subject := describe(e.Scope, e.Kind, e.Name)
	if e.Op != "" {
		b.WriteString(e.Op)
		if subject != "" {
			b.WriteByte(' ')
		}
	}
	b.WriteString(subject)
	if e.KeyVaultName != "" {
		if subject == "" {
			fmt.Fprintf(&b, " Key Vault secret %q", e.KeyVaultName)
		} else {
			fmt.Fprintf(&b, " (Key Vault secret %q)", e.KeyVaultName)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	switch {
	case e.Detail != "":
		b.WriteString(e.Detail)
	case e.Code != nil:
		b.WriteString(e.Code.Error())
	default:
		b.WriteString("failed")
	}
	switch {
	case e.service != "":
		b.WriteString(" (")
		b.WriteString(e.service)
		b.WriteByte(')')
	case e.Err != nil && !isResponseError(e.Err):
		var inner *Error
		if !errors.As(e.Err, &inner) {
			b.WriteString(": ")
			b.WriteString(e.Err.Error())
		}
	}
	return strings.TrimSpace(b.String())
}

// Is reports whether target is e's Code, so that errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool { return e.Code != nil && target == e.Code }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// describe names an entry in messages: `secret "smtp" in global`,
// `config "api_key" in organization 3f1c...`.
func describe(scope Scope, kind Kind, name string) string {
	var b strings.Builder
	if kind != "" {
		b.WriteString(string(kind))
	}
	if name != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%q", name)
	}
	if scope != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("in ")
		b.WriteString(scope.Phrase())
	}
	return b.String()
}

// invalidf returns an ErrInvalid *Error with a formatted detail.
func invalidf(format string, args ...any) *Error {
	return &Error{Code: ErrInvalid, Detail: fmt.Sprintf(format, args...)}
}

func isResponseError(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re)
}

// Key Vault error codes the store acts on. The outer code of a 409 is
// "Conflict"; the state is in the inner error.
const (
	codeDeletedButRecoverable = "ObjectIsDeletedButRecoverable"
	codeBeingDeleted          = "ObjectIsBeingDeleted"
	codeBeingRecovered        = "ObjectIsBeingRecovered"
	codeSecretDisabled        = "SecretDisabled"
)

// serviceError is what the store needs from a Key Vault error answer.
type serviceError struct {
	status  int
	code    string
	inner   string
	message string
}

// has reports whether code is the outer or the inner error code.
func (s serviceError) has(code string) bool { return s.code == code || s.inner == code }

func (s serviceError) codes() string {
	if s.inner != "" && s.inner != s.code {
		return s.code + "/" + s.inner
	}
	return s.code
}

// summary is a one-line description of the answer for messages.
func (s serviceError) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Key Vault answered %d", s.status)
	if t := http.StatusText(s.status); t != "" {
		b.WriteString(" " + t)
	}
	if c := s.codes(); c != "" {
		b.WriteString(" " + c)
	}
	if s.message != "" {
		// Key Vault's 403 messages span lines (caller, action, assignment);
		// one line reads better inside a diagnostic.
		b.WriteString(": " + strings.Join(strings.Fields(s.message), " "))
	}
	return b.String()
}

// asServiceError extracts status, code, inner code and message from an
// *azcore.ResponseError. azcore only keeps the outer code; the inner one
// (ObjectIsBeingDeleted, SecretDisabled, ...) is read back from the body,
// which azcore has buffered.
func asServiceError(err error) (serviceError, bool) {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return serviceError{}, false
	}
	se := serviceError{status: re.StatusCode, code: re.ErrorCode}
	if re.RawResponse == nil {
		return se, true
	}
	body, perr := runtime.Payload(re.RawResponse)
	if perr != nil || len(body) == 0 {
		return se, true
	}
	var payload struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError *struct {
				Code string `json:"code"`
			} `json:"innererror"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &payload) != nil {
		return se, true
	}
	if se.code == "" {
		se.code = payload.Error.Code
	}
	se.message = payload.Error.Message
	if payload.Error.InnerError != nil {
		se.inner = payload.Error.InnerError.Code
	}
	return se, true
}

// isTransient reports whether err is one of Key Vault's passing states that
// every call waits out: a deletion or recovery still in progress.
func isTransient(err error) bool {
	se, ok := asServiceError(err)
	return ok && se.status == http.StatusConflict && (se.has(codeBeingDeleted) || se.has(codeBeingRecovered))
}

func isStatus(err error, status int) bool {
	se, ok := asServiceError(err)
	return ok && se.status == status
}

func isDeletedButRecoverable(err error) bool {
	se, ok := asServiceError(err)
	return ok && se.status == http.StatusConflict && se.has(codeDeletedButRecoverable)
}

func isDisabled(err error) bool {
	se, ok := asServiceError(err)
	return ok && se.status == http.StatusForbidden && se.has(codeSecretDisabled)
}

// target identifies the entry an operation is about, for error messages.
type target struct {
	scope  Scope
	kind   Kind
	name   string
	kvName string
	// owner is the owner token the caller holds (see ownership.go); empty:
	// not checked.
	owner string
	// seen is the version the caller last saw, which breaks ties when the latest
	// version must be found in the versions list (see latestDisabledVersion).
	seen string
	// value, when set, is scrubbed from Key Vault's messages as a last line
	// of defence: a service must never echo it, but an error text is the one
	// place a value could leak into Terraform's output.
	value string
}

func (t target) errorf(code error, op, format string, args ...any) *Error {
	return &Error{Code: code, Op: op, Scope: t.scope, Kind: t.kind, Name: t.name, KeyVaultName: t.kvName,
		Detail: fmt.Sprintf(format, args...)}
}

// isWriteOp reports whether op needs write permission; reads can do with
// the Key Vault Secrets User role.
func isWriteOp(op string) bool {
	switch op {
	case "create", "rotate", "update", "delete", "purge", "recover":
		return true
	}
	return false
}

// mapError turns an error of a KeyVault call into an *Error with the right
// Code and a message that says what to do.
func (t target) mapError(op string, err error) *Error {
	if err == nil {
		return nil
	}
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	e := &Error{Op: op, Scope: t.scope, Kind: t.kind, Name: t.name, KeyVaultName: t.kvName, Err: err}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		e.Code = ErrTimeout
		e.Detail = "the operation did not finish in time; raise the resource's timeouts or retry"
		return e
	}
	var authErr *azidentity.AuthenticationFailedError
	if errors.As(err, &authErr) {
		e.Code = ErrUnauthorized
		e.Detail = "Entra ID refused to issue a token: check tenant_id, client_id and the client secret, certificate or OIDC token"
		return e
	}
	if resource, ok := challengeMismatch(err); ok {
		e.Code = ErrChallengeResource
		e.Detail = fmt.Sprintf("the vault answered with an authentication challenge for resource %q, whose host is not part of the vault URL's host, "+
			"so no token was sent to it: check that the vault URL is a Key Vault's (https://NAME.vault.azure.net/, or the sovereign cloud's), "+
			"or, against a Key Vault emulator only, turn the challenge check off", resource)
		e.Err = nil // the SDK's text names its own option, not the setting a user has
		return e
	}
	se, ok := asServiceError(err)
	if !ok {
		e.Code = ErrKeyVault
		e.Detail = "the request to Key Vault failed; check vault_url and the network, then retry"
		return e
	}
	e.StatusCode = se.status
	e.ErrorCode = se.codes()
	e.service = t.scrub(se.summary())
	switch {
	case se.status == http.StatusUnauthorized:
		e.Code = ErrUnauthorized
		e.Detail = "Key Vault did not accept the access token it was sent; its answer says why: the token expired or was revoked, or it was issued in another tenant than the vault's (tenant_id) or for another resource"
	case se.status == http.StatusForbidden && se.has(codeSecretDisabled):
		e.Code = ErrDisabled
		e.Detail = "the secret is disabled, so Key Vault does not return its value; enable it (enabled = true) to use it"
	case se.status == http.StatusForbidden:
		e.Code = ErrForbidden
		if isWriteOp(op) {
			e.Detail = `the principal may not write secrets in this vault: grant it the role "Key Vault Secrets Officer" on the vault (or an access policy with secret set, delete, recover and purge permissions)`
		} else {
			e.Detail = `the principal may not read secrets in this vault: grant it the role "Key Vault Secrets User" (read) or "Key Vault Secrets Officer" (read and write) on the vault`
		}
	case se.status == http.StatusNotFound:
		e.Code = ErrNotFound
		e.Detail = "it does not exist in Key Vault"
	case se.status == http.StatusConflict && se.has(codeDeletedButRecoverable):
		e.Code = ErrSoftDeleted
		e.Detail = "the name is held by a soft-deleted secret"
	case se.status == http.StatusConflict:
		e.Code = ErrKeyVault
		e.Detail = "Key Vault reported a conflicting operation in progress; retry later"
	case se.status == http.StatusBadRequest:
		e.Code = ErrInvalid
		e.Detail = "Key Vault rejected the request"
	case se.status == http.StatusTooManyRequests:
		e.Code = ErrKeyVault
		e.Detail = "Key Vault kept throttling the requests after retries; lower -parallelism or retry later"
	default:
		e.Code = ErrKeyVault
		e.Detail = "Key Vault failed to answer; retry later"
	}
	return e
}

// challengeMismatch recognizes the error of azsecrets' challenge check (keyvault/internal's
// challenge_policy.go: `challenge resource "%s" doesn't match the requested domain...`) and
// returns the resource it names.
func challengeMismatch(err error) (string, bool) {
	const prefix, suffix = `challenge resource "`, `" doesn't match the requested domain`
	msg := err.Error()
	i := strings.Index(msg, prefix)
	if i < 0 {
		return "", false
	}
	rest := msg[i+len(prefix):]
	j := strings.Index(rest, suffix)
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// scrub removes the value being written from a text taken from Key Vault.
// Very short values are left alone: replacing them would garble the text and
// they cannot be told apart from ordinary words anyway.
func (t target) scrub(s string) string {
	if len(t.value) < 4 {
		return s
	}
	return strings.ReplaceAll(s, t.value, "***")
}
