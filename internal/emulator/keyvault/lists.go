package keyvault

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/httpjson"
)

// The list operations, paged as Key Vault pages them: at most 25 items, and
// a nextLink to follow as is.

// pageRequest is the paging part of a list request.
type pageRequest struct {
	max      int
	maxGiven bool
	after    string // the last key (lists by name) or version id (versions) of the previous page
}

// skipToken is the continuation carried in nextLink's $skiptoken, opaque to
// clients like the service's own.
type skipToken struct {
	After string `json:"k,omitempty"`
}

func parsePage(r *http.Request) (pageRequest, *kvError) {
	q := r.URL.Query()
	p := pageRequest{max: maxPageSize}
	if s := q.Get("maxresults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageSize {
			return p, badParameter("Invalid maxresults %q: it must be an integer between 1 and %d.", s, maxPageSize)
		}
		p.max, p.maxGiven = n, true
	}
	if s := q.Get("$skiptoken"); s != "" {
		var t skipToken
		data, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || json.Unmarshal(data, &t) != nil {
			return p, badParameter("The $skiptoken is invalid.")
		}
		p.after = t.After
	}
	return p, nil
}

// nextLink is the absolute URL of the next page; it carries the
// api-version, like the service's, so it can be followed as is.
func (v *Vault) nextLink(r *http.Request, path string, p pageRequest, t skipToken) *string {
	data, _ := json.Marshal(t)
	link := vaultURL(r) + path + "?api-version=" + url.QueryEscape(r.URL.Query().Get("api-version")) +
		"&$skiptoken=" + base64.RawURLEncoding.EncodeToString(data)
	if p.maxGiven {
		link += "&maxresults=" + strconv.Itoa(p.max)
	}
	return &link
}

func (v *Vault) listSecrets(w http.ResponseWriter, r *http.Request) {
	v.listByName(w, r, listLive, "/secrets")
}

func (v *Vault) listDeletedSecrets(w http.ResponseWriter, r *http.Request) {
	v.listByName(w, r, listDeleted, "/deletedsecrets")
}

func (v *Vault) listByName(w http.ResponseWriter, r *http.Request, kind listKind, path string) {
	p, err := parsePage(r)
	if err != nil {
		err.write(w)
		return
	}
	views, last, more := v.store.list(kind, p.after, p.max, v.now())
	page := wirePage{Value: make([]wireBundle, 0, len(views))}
	for _, vv := range views {
		page.Value = append(page.Value, v.bundle(r, vv, bundleOptions{versionless: true}))
	}
	if more {
		page.NextLink = v.nextLink(r, path, p, skipToken{After: last})
	}
	httpjson.Write(w, http.StatusOK, page)
}

func (v *Vault) listVersions(w http.ResponseWriter, r *http.Request) {
	p, err := parsePage(r)
	if err != nil {
		err.write(w)
		return
	}
	views, more, err := v.store.listVersions(r.PathValue("name"), p.after, p.max, v.now())
	if err != nil {
		err.write(w)
		return
	}
	page := wirePage{Value: make([]wireBundle, 0, len(views))}
	for _, vv := range views {
		page.Value = append(page.Value, v.bundle(r, vv, bundleOptions{}))
	}
	if more {
		page.NextLink = v.nextLink(r, "/secrets/"+r.PathValue("name")+"/versions", p, skipToken{After: views[len(views)-1].v.ID})
	}
	httpjson.Write(w, http.StatusOK, page)
}
