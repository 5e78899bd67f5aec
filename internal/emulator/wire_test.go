package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

// The JSON itself, where azsecrets would hide a difference: integer times,
// omitted fields, null nextLink, absolute next links.

func TestBundleJSON(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	token := vaultToken(t, e, emulator.OfficerName)
	api := "?api-version=2025-07-01"

	resp, body := raw(t, e, http.MethodPut, e.VaultURL()+"secrets/shape"+api, token, []byte(`{"value":"v1","tags":{"a":"b"}}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	var b map[string]any
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	if b["value"] != "v1" {
		t.Errorf("PUT response value %v", b["value"])
	}
	for _, absent := range []string{"kid", "managed", "contentType", "recoveryId", "deletedDate"} {
		if _, ok := b[absent]; ok {
			t.Errorf("PUT response has %q: %s", absent, body)
		}
	}
	attrs, ok := b["attributes"].(map[string]any)
	if !ok {
		t.Fatalf("PUT response has no attributes object: %s", body)
	}
	for _, k := range []string{"created", "updated"} {
		f, ok := attrs[k].(float64)
		if !ok || f != float64(int64(f)) || f < 1e9 {
			t.Errorf("attributes.%s = %v, want integer Unix seconds", k, attrs[k])
		}
	}
	if _, ok := attrs["nbf"]; ok {
		t.Errorf("unset nbf present: %s", body)
	}

	resp, body = raw(t, e, http.MethodPatch, e.VaultURL()+"secrets/shape/"+api, token, []byte(`{"contentType":"text/plain"}`))
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), `"value"`) {
		t.Errorf("PATCH: %d %s", resp.StatusCode, body)
	}
	resp, body = raw(t, e, http.MethodGet, e.VaultURL()+"secrets"+api, token, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"nextLink":null`) || strings.Contains(string(body), `"value":"v1"`) {
		t.Errorf("list: %d %s", resp.StatusCode, body)
	}

	resp, body = raw(t, e, http.MethodDelete, e.VaultURL()+"secrets/shape"+api, token, nil)
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), `"value"`) || !strings.Contains(string(body), `"scheduledPurgeDate":`) {
		t.Errorf("DELETE: %d %s", resp.StatusCode, body)
	}
	resp, body = raw(t, e, http.MethodGet, e.VaultURL()+"deletedsecrets/nope"+api, token, nil)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"message":"Deleted Secret not found: nope"`) {
		t.Errorf("GET missing deleted secret: %d %s", resp.StatusCode, body)
	}
	// The deletion takes a moment; the purge waits for it, as a client must.
	eventually(t, 3*time.Second, func() error {
		resp, body = raw(t, e, http.MethodDelete, e.VaultURL()+"deletedsecrets/shape"+api, token, nil)
		if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
			return fmt.Errorf("purge: %d %s", resp.StatusCode, body)
		}
		return nil
	})
	if resp, _ := raw(t, e, http.MethodGet, e.VaultURL()+"secrets", token, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("request without api-version: %d", resp.StatusCode)
	}
}

func TestPagingLinks(t *testing.T) {
	t.Parallel()
	e := start(t, emulator.Options{})
	token := vaultToken(t, e, emulator.OfficerName)
	for i := range 7 {
		if resp, body := raw(t, e, http.MethodPut, fmt.Sprintf("%ssecrets/p%d?api-version=7.6", e.VaultURL(), i), token, []byte(`{"value":"v"}`)); resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT: %d %s", resp.StatusCode, body)
		}
	}
	for _, bad := range []string{"0", "26", "x"} {
		if resp, body := raw(t, e, http.MethodGet, e.VaultURL()+"secrets?api-version=7.6&maxresults="+bad, token, nil); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(string(body), "BadParameter") {
			t.Errorf("maxresults=%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	link := e.VaultURL() + "secrets?api-version=7.6&maxresults=3"
	var names []string
	for pages := 0; link != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		resp, body := raw(t, e, http.MethodGet, link, token, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", link, resp.StatusCode, body)
		}
		var page struct {
			Value    []struct{ ID string }
			NextLink *string
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Value) > 3 {
			t.Errorf("page of %d items with maxresults=3", len(page.Value))
		}
		for _, v := range page.Value {
			names = append(names, v.ID[strings.LastIndex(v.ID, "/")+1:])
		}
		link = ""
		if page.NextLink != nil {
			link = *page.NextLink
			if !strings.HasPrefix(link, e.VaultURL()+"secrets?") || !strings.Contains(link, "api-version=7.6") || !strings.Contains(link, "$skiptoken=") {
				t.Errorf("nextLink %s", link)
			}
		}
	}
	if strings.Join(names, ",") != "p0,p1,p2,p3,p4,p5,p6" {
		t.Errorf("listed %v", names)
	}
}
