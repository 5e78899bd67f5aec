package keyvault

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// Key Vault's limits on secrets.
const (
	maxNameLen        = 127
	maxValueBytes     = 25 * 1024
	maxTags           = 15
	maxTagNameLen     = 512
	maxTagValueLen    = 256
	maxContentTypeLen = 255
	maxPageSize       = 25
	maxBodyBytes      = 1 << 20 // far above any valid request; stops a runaway client
)

// nameChars are the characters of Key Vault's secret names.
const nameChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"

// validName is Key Vault's ^[0-9a-zA-Z-]{1,127}$: a name is valid when
// trimming its characters from both ends leaves nothing.
func validName(name string) bool {
	return name != "" && len(name) <= maxNameLen && strings.Trim(name, nameChars) == ""
}

// decodeBody reads a JSON request body; only operations that need one call it,
// after authentication.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) *kvError {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return badParameter("The request body is larger than %d bytes.", maxBodyBytes)
		}
		return badParameter("The request body could not be read.")
	}
	if len(data) == 0 {
		return badParameter("The request body is empty; a JSON object is required.")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return badParameter("The request body is not a valid JSON object for this operation: %v", err)
	}
	return nil
}

func checkContentType(ct *string) *kvError {
	if ct != nil && len(*ct) > maxContentTypeLen {
		return badParameter("The content type must be at most %d characters long; it is %d.", maxContentTypeLen, len(*ct))
	}
	return nil
}

func checkTags(tags map[string]string) *kvError {
	if len(tags) > maxTags {
		return badParameter("Too many tags: %d. A secret can have at most %d tags.", len(tags), maxTags)
	}
	for k, v := range tags {
		if k == "" || len(k) > maxTagNameLen {
			return badParameter("Tag names must be between 1 and %d characters long.", maxTagNameLen)
		}
		if len(v) > maxTagValueLen {
			return badParameter("The value of tag %s is longer than %d characters.", k, maxTagValueLen)
		}
	}
	return nil
}
