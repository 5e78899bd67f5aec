package httpjson

import (
	"encoding/json"
	"net/http"
)

// maxManagementBody bounds a management request's body; the largest,
// a principal's federated credentials, is a few kilobytes.
const maxManagementBody = 64 << 10

// DecodeManagement decodes the JSON body of a management request into v. On
// failure it answers 400 and reports false.
func DecodeManagement(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxManagementBody)).Decode(v); err != nil {
		ManagementError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// ManagementError answers a management request with status and the
// management API's error document, {"error":{"code":"BadRequest","message":...}}
// (the code is BadRequest whatever the status).
func ManagementError(w http.ResponseWriter, status int, message string) {
	Write(w, status, map[string]map[string]string{"error": {"code": "BadRequest", "message": message}})
}
