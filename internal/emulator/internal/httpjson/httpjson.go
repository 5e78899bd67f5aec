// Package httpjson writes the JSON answers of the emulator's endpoints (Key
// Vault, Entra ID, the OIDC issuers, the management API) and reads the
// management API's JSON requests, so that each answers the same way.
package httpjson

import (
	"encoding/json"
	"net/http"
)

// Write answers status with v as JSON. A value that cannot be encoded is a
// bug in the emulator; the client gets a 500 saying so.
func Write(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
