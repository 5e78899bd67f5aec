package route

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMatch(t *testing.T) {
	tb := New("fallback")
	tb.Add("GET /items", "list")
	tb.Add("POST /items/import", "import")
	tb.Add("GET /items/{name}", "get")
	tb.Add("GET /items/{name}/history", "history")
	tb.Add("GET /items/{name}/{version}", "get version")
	tb.Add("/notes/{name}", "notes, any method")

	for _, tc := range []struct {
		method, target  string
		want            string
		name, version   string
		patternExpected string
	}{
		{"GET", "/items", "list", "", "", "GET /items"},
		{"GET", "/items/", "list", "", "", "GET /items"}, // one trailing slash is ignored
		{"GET", "/items//", "get", "", "", "GET /items/{name}"},
		{"GET", "/items/a", "get", "a", "", "GET /items/{name}"},
		{"GET", "/items/a/", "get", "a", "", "GET /items/{name}"},
		{"GET", "/items/import", "get", "import", "", "GET /items/{name}"}, // the literal is POST only
		{"POST", "/items/import", "import", "", "", "POST /items/import"},
		{"POST", "/items/import/", "import", "", "", "POST /items/import"},
		{"GET", "/items/a/history", "history", "a", "", "GET /items/{name}/history"}, // a literal beats a wildcard
		{"GET", "/items/a/v1", "get version", "a", "v1", "GET /items/{name}/{version}"},
		{"GET", "/items/a//", "get version", "a", "", "GET /items/{name}/{version}"},
		{"GET", "/items//v1", "get version", "", "v1", "GET /items/{name}/{version}"},
		{"GET", "/items/../", "get", "..", "", "GET /items/{name}"}, // not cleaned, not redirected
		{"GET", "/items/./x", "get version", ".", "x", "GET /items/{name}/{version}"},
		{"GET", "/items/a%2Fb", "get version", "a", "b", "GET /items/{name}/{version}"}, // the decoded path is split
		{"GET", "/items/%00", "get", "\x00", "", "GET /items/{name}"},
		{"GET", "/items/a%20b", "get", "a b", "", "GET /items/{name}"},
		{"DELETE", "/notes/a", "notes, any method", "a", "", "/notes/{name}"},
		{"HEAD", "/notes/a/", "notes, any method", "a", "", "/notes/{name}"},
		{"HEAD", "/items/a", "fallback", "", "", ""}, // GET patterns do not answer HEAD
		{"PUT", "/items/a", "fallback", "", "", ""},  // not ServeMux's 405
		{"GET", "/Items", "fallback", "", "", ""},    // literals are case-sensitive
		{"GET", "/items/a/b/c", "fallback", "", "", ""},
		{"GET", "/items//history/", "history", "", "", "GET /items/{name}/history"},
		{"GET", "/", "fallback", "", "", ""},
		{"CONNECT", "/items/a", "fallback", "", "", ""},
	} {
		r := httptest.NewRequest(tc.method, "https://vault.example"+tc.target, nil)
		got := tb.Match(r)
		if got != tc.want || r.PathValue("name") != tc.name || r.PathValue("version") != tc.version || r.Pattern != tc.patternExpected {
			t.Errorf("%s %s: %q name %q version %q pattern %q; want %q name %q version %q pattern %q", tc.method, tc.target,
				got, r.PathValue("name"), r.PathValue("version"), r.Pattern, tc.want, tc.name, tc.version, tc.patternExpected)
		}
	}
}

func TestAddRefuses(t *testing.T) {
	for _, pattern := range []string{"GET /items/", "GET items", "GET /items/{rest...}", "GET /items/{$}", "GET /x/{a}/{b"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Add(%q) accepted it", pattern)
				}
			}()
			New(0).Add(pattern, 1)
		}()
	}
	tb := New(0)
	tb.Add("GET /items/{name}", 1)
	defer func() {
		if recover() == nil {
			t.Error("a conflicting pattern was accepted")
		}
	}()
	tb.Add("GET /items/{other}", 2)
}

func TestMatchLeavesUnmatchedRequestsAlone(t *testing.T) {
	tb := New(http.HandlerFunc(nil))
	tb.Add("GET /a/{x}", http.NotFoundHandler().ServeHTTP)
	r := httptest.NewRequest(http.MethodGet, "/b/c", nil)
	if tb.Match(r) != nil || r.Pattern != "" || r.PathValue("x") != "" {
		t.Errorf("unmatched request changed: pattern %q", r.Pattern)
	}
}

func TestAll(t *testing.T) {
	tb := New("")
	tb.Add("GET /a", "a")
	tb.Add("PUT /b/{x}", "b")
	got := map[string]string{}
	for pattern, v := range tb.All() {
		got[pattern] = v
	}
	if len(got) != 2 || got["GET /a"] != "a" || got["PUT /b/{x}"] != "b" {
		t.Errorf("All: %v", got)
	}
}
