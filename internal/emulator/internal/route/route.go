// Package route matches requests to the endpoints of an API with
// http.ServeMux patterns ("GET /secrets/{name}/{version}"), as the
// emulator's APIs have always been matched, which is not quite as
// ServeMux.ServeHTTP matches:
//
//   - The path is the request's decoded path split on "/": an encoded slash
//     ("%2F") separates segments like any other.
//   - One trailing slash is ignored: "/secrets/{name}/" is "/secrets/{name}",
//     as Key Vault's clients send it for the latest version.
//   - Empty, "." and ".." segments are segments like any other, whose value
//     is "", "." or "..": nothing is cleaned and nothing is redirected (a
//     name ".." is an invalid name, not a way up).
//   - A GET pattern does not match HEAD.
//   - A request that matches no pattern, or matches one only with another
//     method, gets the table's fallback, never ServeMux's 404 or 405.
//
// ServeMux still does what it is good at: the patterns, their precedence
// (a literal segment beats a wildcard) and the refusal of conflicting
// patterns when they are added.
package route

import (
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// Table maps patterns to values of type T (a handler, or what an API needs
// to know of an endpoint before serving it). Add every pattern before the
// first Match; Match is then safe for concurrent use.
type Table[T any] struct {
	mux      *http.ServeMux // matches only: its handlers never run
	entries  map[string]entry[T]
	fallback T
}

type entry[T any] struct {
	value     T
	getOnly   bool           // a GET pattern, which ServeMux would also match for HEAD
	wildcards map[int]string // segment index -> wildcard name
}

// New returns an empty table whose Match answers fallback when nothing
// matches.
func New[T any](fallback T) *Table[T] {
	return &Table[T]{mux: http.NewServeMux(), entries: map[string]entry[T]{}, fallback: fallback}
}

// Add registers value for pattern: "[METHOD ]/path", in ServeMux syntax
// without a host, whose wildcards are whole segments ("{name}", not
// "{name...}" or "{$}") and whose path does not end in a slash (the table
// ignores one trailing slash anyway). It panics on a pattern it or ServeMux
// refuses, or one that conflicts with a pattern already added, as
// ServeMux.Handle does: a route table is written, not computed.
func (t *Table[T]) Add(pattern string, value T) {
	method, path, hasMethod := strings.Cut(pattern, " ")
	if !hasMethod {
		method, path = "", pattern
	}
	if !strings.HasPrefix(path, "/") || (path != "/" && strings.HasSuffix(path, "/")) {
		panic(fmt.Sprintf("route: pattern %q: want a path from / without a trailing slash", pattern))
	}
	e := entry[T]{value: value, getOnly: method == http.MethodGet, wildcards: map[int]string{}}
	for i, seg := range segments(path) {
		name, opens := strings.CutPrefix(seg, "{")
		name, closes := strings.CutSuffix(name, "}")
		if !opens || !closes {
			continue
		}
		if name == "$" || strings.HasSuffix(name, "...") {
			panic(fmt.Sprintf("route: pattern %q: only whole-segment wildcards", pattern))
		}
		e.wildcards[i] = name
	}
	t.mux.Handle(pattern, http.NotFoundHandler())
	t.entries[pattern] = e
}

// Match returns the value of the pattern r matches, or the fallback. On a
// match it sets r.Pattern, and r's path values from the pattern's
// wildcards: the request's own segments, decoded.
func (t *Table[T]) Match(r *http.Request) T {
	segs := segments(r.URL.Path)
	_, pattern := t.mux.Handler(&http.Request{Method: r.Method, URL: probeURL(segs)})
	e, ok := t.entries[pattern]
	if !ok || (e.getOnly && r.Method == http.MethodHead) {
		return t.fallback
	}
	r.Pattern = pattern
	for i, name := range e.wildcards {
		r.SetPathValue(name, segs[i])
	}
	return e.value
}

// All yields every pattern added and its value, in no particular order.
func (t *Table[T]) All() iter.Seq2[string, T] {
	return func(yield func(string, T) bool) {
		for pattern, e := range t.entries {
			if !yield(pattern, e.value) {
				return
			}
		}
	}
}

// segments splits a path on "/", less its leading slash and one trailing
// slash: "/secrets/a/" is ["secrets", "a"], "/secrets//" is ["secrets", ""],
// "/" is none.
func segments(path string) []string {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return nil
	}
	segs := strings.Split(path, "/")
	if n := len(segs); n > 1 && segs[n-1] == "" {
		segs = segs[:n-1]
	}
	return segs
}

// probeURL is what the ServeMux matches: the segments, each escaped so
// that the mux finds nothing to clean or redirect and splits where the
// request was split. An empty segment stands as "%00" and dot segments as
// "%2E": no pattern has such a literal, so they match wildcards only, whose
// values Match takes from the request itself.
func probeURL(segs []string) *url.URL {
	if len(segs) == 0 {
		return &url.URL{Path: "/"}
	}
	var raw strings.Builder
	for _, seg := range segs {
		raw.WriteByte('/')
		switch seg {
		case "":
			raw.WriteString("%00")
		case ".", "..":
			raw.WriteString(strings.Repeat("%2E", len(seg)))
		default:
			raw.WriteString(url.PathEscape(seg))
		}
	}
	path, err := url.PathUnescape(raw.String())
	if err != nil {
		panic(err) // escaped just above: cannot happen
	}
	return &url.URL{Path: path, RawPath: raw.String()}
}
