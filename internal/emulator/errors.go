package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Key Vault error codes, as the service spells them.
const (
	codeBadParameter     = "BadParameter"
	codeSecretNotFound   = "SecretNotFound"
	codeConflict         = "Conflict"
	codeForbidden        = "Forbidden"
	codeUnauthorized     = "Unauthorized"
	codeThrottled        = "Throttled"
	codeInternal         = "InternalServerError"
	codeUnavailable      = "ServiceUnavailable"
	codeMethodNotAllowed = "MethodNotAllowed"
	codeNotFound         = "NotFound"

	innerDeletedButRecoverable = "ObjectIsDeletedButRecoverable"
	innerBeingDeleted          = "ObjectIsBeingDeleted"
	innerBeingRecovered        = "ObjectIsBeingRecovered"
	innerSecretDisabled        = "SecretDisabled"
	innerForbiddenByRbac       = "ForbiddenByRbac"
)

// kvError is a Key Vault error response: the status and the body
// {"error":{"code","message","innererror":{"code"}}}.
type kvError struct {
	status  int
	code    string
	inner   string
	message string
}

func (e *kvError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

type wireError struct {
	Error wireErrorBody `json:"error"`
}

type wireErrorBody struct {
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	InnerError *wireInnerError `json:"innererror,omitempty"`
}

type wireInnerError struct {
	Code string `json:"code"`
}

func (e *kvError) write(w http.ResponseWriter) {
	body := wireError{Error: wireErrorBody{Code: e.code, Message: e.message}}
	if e.inner != "" {
		body.Error.InnerError = &wireInnerError{Code: e.inner}
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

func badParameter(format string, args ...any) *kvError {
	return &kvError{status: http.StatusBadRequest, code: codeBadParameter, message: fmt.Sprintf(format, args...)}
}

func secretNotFound(name string) *kvError {
	return &kvError{status: http.StatusNotFound, code: codeSecretNotFound, message: fmt.Sprintf(
		"A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182", name)}
}

func deletedSecretNotFound() *kvError {
	return &kvError{status: http.StatusNotFound, code: codeSecretNotFound, message: "Deleted Secret not found"}
}

func conflict(inner, message string) *kvError {
	return &kvError{status: http.StatusConflict, code: codeConflict, inner: inner, message: message}
}

func deletedButRecoverable(name string) *kvError {
	return conflict(innerDeletedButRecoverable, fmt.Sprintf(
		"Secret %s is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", name))
}

func beingDeleted(name string) *kvError {
	return conflict(innerBeingDeleted, fmt.Sprintf("Secret %s is currently being deleted.", name))
}

func beingRecovered(name string) *kvError {
	return conflict(innerBeingRecovered, fmt.Sprintf("Secret %s is currently being recovered.", name))
}

func secretDisabled() *kvError {
	return &kvError{status: http.StatusForbidden, code: codeForbidden, inner: innerSecretDisabled,
		message: "Operation get is not allowed on a disabled secret."}
}
