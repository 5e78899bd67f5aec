package keyvault

import (
	"fmt"
	"net/http"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
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
	httpjson.Write(w, e.status, body)
}

func badParameter(format string, args ...any) *kvError {
	return &kvError{status: http.StatusBadRequest, code: codeBadParameter, message: fmt.Sprintf(format, args...)}
}

func secretNotFound(name string) *kvError {
	return &kvError{status: http.StatusNotFound, code: codeSecretNotFound, message: fmt.Sprintf(
		"A secret with (name/id) %s was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182", name)}
}

// deletedSecretNotFound is GET, recover or purge of /deletedsecrets/{name}
// that is not (or not yet, or no longer) a deleted secret; Microsoft's
// recordings show the name in the message.
func deletedSecretNotFound(name string) *kvError {
	return &kvError{status: http.StatusNotFound, code: codeSecretNotFound, message: "Deleted Secret not found: " + name}
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

// cannotRecreate is a PUT of a name whose deletion or purge is still in
// progress, as Key Vault words it (Azure/azure-sdk-for-net#34322).
func cannotRecreate(name string) *kvError {
	return conflict(innerBeingDeleted, fmt.Sprintf("Secret %s is currently being deleted and cannot be re-created; retry later.", name))
}

// purgeWhileDeleting is a purge that comes before the deletion finished;
// Key Vault's message names no secret (Azure/azure-sdk-for-net#7199).
func purgeWhileDeleting() *kvError {
	return conflict(innerBeingDeleted, "Secret is currently being deleted.")
}

// restoreConflict is a restore whose name is taken or not yet free (a purge
// in progress): 409 Conflict without an inner error, naming the secret id of
// the backup's latest version, as Microsoft's recording of TestBackupRestore
// shows it.
func restoreConflict(id string) *kvError {
	return conflict("", fmt.Sprintf("There was a conflict restoring the secret '%s'. This can happen if either: a second secret with the same name was created after the first secret was deleted; thus trying to restore a secret whose name is already in use. To fix this, rename the second secret to something else so that the restore works. The second probable cause of this exception is when multiple operations are performed in parallel against the secret. To avoid this error, perform operations against a secret in a sequential manner.", id))
}

func beingRecovered(name string) *kvError {
	return conflict(innerBeingRecovered, fmt.Sprintf("Secret %s is currently being recovered.", name))
}

func secretDisabled() *kvError {
	return &kvError{status: http.StatusForbidden, code: codeForbidden, inner: innerSecretDisabled,
		message: "Operation get is not allowed on a disabled secret."}
}
