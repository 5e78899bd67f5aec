package keyvault

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// secretVersion is one version of a secret. Published versions are never
// modified in place (PATCH swaps in a copy, tags maps are replaced whole), so
// a copy taken under the store lock stays valid after it is released.
type secretVersion struct {
	ID          string            `json:"version"`
	Value       string            `json:"value"`
	ContentType string            `json:"content_type,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Enabled     bool              `json:"enabled"`
	NotBefore   *int64            `json:"nbf,omitempty"`
	Expires     *int64            `json:"exp,omitempty"`
	Created     int64             `json:"created"`
	Updated     int64             `json:"updated"`
}

type secretState int

const (
	stateLive       secretState = iota
	stateDeleting               // soft delete in progress: 409 ObjectIsBeingDeleted
	stateDeleted                // soft-deleted: recoverable or purgeable
	stateRecovering             // recover in progress: 409 ObjectIsBeingRecovered
	statePurging                // purge in progress: gone to readers, 409 to a create or restore of the name
)

// secret is every version of one name, plus its deletion state.
type secret struct {
	name        string // as first created: Key Vault keeps that case in ids
	versions    []*secretVersion
	index       map[string]int // lower-case version id -> position in versions
	state       secretState
	until       time.Time // end of stateDeleting / stateRecovering / statePurging, emulator clock
	deletedDate int64
	purgeDate   int64
}

func (s *secret) latest() *secretVersion { return s.versions[len(s.versions)-1] }

func (s *secret) add(v *secretVersion) {
	s.index[v.ID] = len(s.versions)
	s.versions = append(s.versions, v)
}

// version returns the given version, or the latest for "".
func (s *secret) version(id string) *secretVersion {
	if id == "" {
		return s.latest()
	}
	if i, ok := s.index[strings.ToLower(id)]; ok {
		return s.versions[i]
	}
	return nil
}

// deletedInfo is what a deleted bundle adds to a secret bundle.
type deletedInfo struct {
	deletedDate, purgeDate int64
}

// versionView is a copy of one version, taken under the lock and rendered
// into a bundle after it is released.
type versionView struct {
	name    string
	v       secretVersion
	deleted *deletedInfo
}

func (s *secret) view(v *secretVersion) versionView {
	vv := versionView{name: s.name, v: *v}
	if s.state == stateDeleted || s.state == stateDeleting {
		vv.deleted = &deletedInfo{deletedDate: s.deletedDate, purgeDate: s.purgeDate}
	}
	return vv
}

// store holds the vault's secrets behind one mutex: every operation is a
// few map lookups, so one lock sustains thousands of requests per second and
// keeps each operation trivially atomic.
type store struct {
	mu              sync.Mutex
	secrets         map[string]*secret // by lower-case name: Key Vault names are case-insensitive
	sorted          []string           // sorted keys of secrets for paging; nil when stale
	recoverableDays int
	purgeProtection bool
	onChange        func() // called, with mu held, after every change worth persisting
}

func newStore(recoverableDays int, purgeProtection bool) *store {
	return &store{secrets: map[string]*secret{}, recoverableDays: recoverableDays, purgeProtection: purgeProtection, onChange: func() {}}
}

// Retention limits of soft delete, in days: a vault keeps deleted secrets 7
// to 90 days (90 unless chosen at creation).
const (
	MinRecoverableDays     = 7
	MaxRecoverableDays     = 90
	DefaultRecoverableDays = MaxRecoverableDays
)

// recoveryLevel is the attributes.recoveryLevel real vaults report: a
// retention below 90 days is "Customized", and the secret is "Purgeable"
// unless the vault has purge protection. Microsoft's recordings of a vault
// with 7-day retention show "CustomizedRecoverable+Purgeable" (see
// internal/emulator/recordings_test.go).
func (st *store) recoveryLevel() string {
	level := "Recoverable"
	if st.recoverableDays < MaxRecoverableDays {
		level = "CustomizedRecoverable"
	}
	if !st.purgeProtection {
		level += "+Purgeable"
	}
	return level
}

// current returns the secret stored under key after applying the
// transitions that are due at now: a finished delete, recover or purge, and
// the automatic purge at the scheduled purge date.
func (st *store) current(key string, now time.Time) *secret {
	s := st.secrets[key]
	if s == nil {
		return nil
	}
	if s.state != stateLive && s.state != stateDeleted && !now.Before(s.until) {
		switch s.state {
		case stateDeleting:
			s.state = stateDeleted
		case stateRecovering:
			s.state = stateLive
		case statePurging:
			st.remove(key)
			return nil
		}
	}
	if s.state == stateDeleted && now.Unix() >= s.purgeDate {
		st.remove(key)
		return nil
	}
	return s
}

func (st *store) remove(key string) {
	delete(st.secrets, key)
	st.sorted = nil
	st.onChange()
}

func (st *store) keys() []string {
	if st.sorted == nil {
		st.sorted = make([]string, 0, len(st.secrets))
		for k := range st.secrets {
			st.sorted = append(st.sorted, k)
		}
		slices.Sort(st.sorted)
	}
	return st.sorted
}

// forRead maps the state of a secret to the error of reading it.
func forRead(s *secret, name string) *kvError {
	switch {
	case s == nil:
		return secretNotFound(name)
	case s.state == stateDeleting:
		return beingDeleted(name)
	case s.state != stateLive:
		// Deleted, being purged, or being recovered: Key Vault answers 404
		// until the recovery completes (Microsoft's recording of TestRecover
		// shows it; other SDKs' recover pollers wait on it).
		return secretNotFound(name)
	}
	return nil
}

// forChange maps the state of an existing secret to the error of changing it.
func forChange(s *secret, name string) *kvError {
	switch {
	case s == nil:
		return secretNotFound(name)
	case s.state == stateDeleting:
		return beingDeleted(name)
	case s.state == stateRecovering:
		return beingRecovered(name)
	case s.state == stateDeleted, s.state == statePurging:
		return secretNotFound(name)
	}
	return nil
}

// forCreate maps the state of a name to the error of writing a new secret
// or version under it (nil: allowed).
func forCreate(s *secret, name string) *kvError {
	switch {
	case s == nil || s.state == stateLive:
		return nil
	case s.state == stateDeleted:
		return deletedButRecoverable(name)
	case s.state == stateDeleting, s.state == statePurging:
		// The name is not free until Key Vault has finished: a PUT right
		// after a purge answers this (Azure/azure-sdk-for-net#34322).
		return cannotRecreate(name)
	}
	return forChange(s, name)
}

func newVersionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails, see crypto/rand
	return hex.EncodeToString(b[:])
}

// set writes a new version (creating the secret when the name is new).
func (st *store) set(name string, v secretVersion, now time.Time) (versionView, *kvError) {
	key := strings.ToLower(name)
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(key, now)
	if err := forCreate(s, name); err != nil {
		return versionView{}, err
	}
	if s == nil {
		s = &secret{name: name, index: map[string]int{}}
		st.secrets[key] = s
		st.sorted = nil
	}
	v.ID = newVersionID()
	v.Created, v.Updated = now.Unix(), now.Unix()
	s.add(&v)
	st.onChange()
	return s.view(&v), nil
}

// get returns a version ("" for the latest) of a live secret.
func (st *store) get(name, version string, now time.Time) (versionView, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	if err := forRead(s, name); err != nil {
		return versionView{}, err
	}
	v := s.version(version)
	if v == nil {
		return versionView{}, secretNotFound(name + "/" + version)
	}
	return s.view(v), nil
}

// secretPatch is the body of PATCH: nil fields are left as they are.
type secretPatch struct {
	ContentType *string
	Tags        map[string]string
	TagsSet     bool
	Enabled     *bool
	NotBefore   *int64
	Expires     *int64
}

func (st *store) update(name, version string, p secretPatch, now time.Time) (versionView, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	if err := forChange(s, name); err != nil {
		return versionView{}, err
	}
	old := s.version(version)
	if old == nil {
		return versionView{}, secretNotFound(name + "/" + version)
	}
	v := *old
	if p.ContentType != nil {
		v.ContentType = *p.ContentType
	}
	if p.TagsSet {
		v.Tags = p.Tags
	}
	if p.Enabled != nil {
		v.Enabled = *p.Enabled
	}
	if p.NotBefore != nil {
		v.NotBefore = p.NotBefore
	}
	if p.Expires != nil {
		v.Expires = p.Expires
	}
	v.Updated = now.Unix()
	s.versions[s.index[v.ID]] = &v
	st.onChange()
	return s.view(&v), nil
}

// delete soft-deletes a secret; for delay it stays "being deleted".
func (st *store) delete(name string, now time.Time, delay time.Duration) (versionView, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	if err := forChange(s, name); err != nil {
		return versionView{}, err
	}
	s.state, s.until = stateDeleted, time.Time{}
	if d := transition(delay); d > 0 {
		s.state, s.until = stateDeleting, now.Add(d)
	}
	s.deletedDate = now.Unix()
	s.purgeDate = now.AddDate(0, 0, st.recoverableDays).Unix()
	st.onChange()
	return s.view(s.latest()), nil
}

// getDeleted returns the latest version of a soft-deleted secret; while the
// deletion is in progress the secret is not yet a deleted secret.
func (st *store) getDeleted(name string, now time.Time) (versionView, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	if s == nil || s.state != stateDeleted {
		return versionView{}, deletedSecretNotFound(name)
	}
	return s.view(s.latest()), nil
}

// purge removes a soft-deleted secret; for delay its name stays "being
// purged": not readable, not listed, and not yet free for a new secret or
// a restore (Key Vault's purge is asynchronous and has nothing to poll).
func (st *store) purge(name string, now time.Time, delay time.Duration) *kvError {
	key := strings.ToLower(name)
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(key, now)
	switch {
	case s != nil && s.state == stateDeleting:
		return purgeWhileDeleting()
	case s == nil || s.state != stateDeleted:
		return deletedSecretNotFound(name)
	case st.purgeProtection:
		return &kvError{status: http.StatusForbidden, code: codeForbidden, message: fmt.Sprintf(
			"Operation \"purge\" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge the secret %s after the retention period has passed.", name)}
	}
	if d := transition(delay); d > 0 {
		s.state, s.until = statePurging, now.Add(d)
		st.onChange()
		return nil
	}
	st.remove(key)
	return nil
}

// recover undeletes a secret; for delay it stays "being recovered".
func (st *store) recover(name string, now time.Time, delay time.Duration) (versionView, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	switch {
	case s != nil && s.state == stateDeleting:
		return versionView{}, beingDeleted(name)
	case s != nil && s.state == stateRecovering:
		return versionView{}, beingRecovered(name)
	case s == nil || s.state != stateDeleted:
		return versionView{}, deletedSecretNotFound(name)
	}
	s.state, s.until = stateLive, time.Time{}
	if d := transition(delay); d > 0 {
		s.state, s.until = stateRecovering, now.Add(d)
	}
	s.deletedDate, s.purgeDate = 0, 0
	st.onChange()
	return versionView{name: s.name, v: *s.latest()}, nil
}

// listKind selects what list walks: live secrets or soft-deleted ones.
type listKind int

const (
	listLive listKind = iota
	listDeleted
)

// list returns up to limit secrets (their latest version) whose lower-case
// name sorts after the key "after", and whether more follow. Paging by key
// rather than by offset keeps pages stable while secrets come and go.
func (st *store) list(kind listKind, after string, limit int, now time.Time) (views []versionView, lastKey string, more bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	keys := st.keys()
	i := 0
	if after != "" {
		i, _ = slices.BinarySearch(keys, after)
		if i < len(keys) && keys[i] == after {
			i++
		}
	}
	want := stateLive
	if kind == listDeleted {
		want = stateDeleted
	}
	for ; i < len(keys); i++ {
		s := st.current(keys[i], now)
		if s == nil || s.state != want {
			continue
		}
		if len(views) == limit {
			return views, lastKey, true
		}
		views = append(views, s.view(s.latest()))
		lastKey = keys[i]
	}
	return views, lastKey, false
}

// listVersions returns up to limit versions of a live secret whose id sorts
// after the version id "after", and whether more follow. Key Vault lists
// versions by version id, not by creation (Microsoft's recording of
// TestListSecretVersions, see internal/emulator/recordings_test.go);
// paging by id keeps the order across pages and the pages stable while
// versions are added.
func (st *store) listVersions(name, after string, limit int, now time.Time) ([]versionView, bool, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	if err := forRead(s, name); err != nil {
		return nil, false, err
	}
	ids := make([]string, 0, len(s.versions))
	for _, v := range s.versions {
		if v.ID > after {
			ids = append(ids, v.ID)
		}
	}
	slices.Sort(ids)
	more := len(ids) > limit
	ids = ids[:min(limit, len(ids))]
	views := make([]versionView, 0, len(ids))
	for _, id := range ids {
		views = append(views, s.view(s.versions[s.index[id]]))
	}
	return views, more, nil
}

// backupBlob is the content of a backup: the name and every version.
type backupBlob struct {
	Format   string          `json:"format"`
	Name     string          `json:"name"`
	Versions []secretVersion `json:"versions"`
}

const backupFormat = "bifrost-kvemulator-secret-backup/1"

func (st *store) backup(name string, now time.Time) (backupBlob, *kvError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(strings.ToLower(name), now)
	if err := forChange(s, name); err != nil {
		return backupBlob{}, err
	}
	b := backupBlob{Format: backupFormat, Name: s.name}
	for _, v := range s.versions {
		b.Versions = append(b.Versions, *v)
	}
	return b, nil
}

// restore recreates a secret from a backup, keeping its version ids. A
// name in use, or not yet free (a purge or deletion in progress), is
// Key Vault's restore conflict (the error nameInUse returns); a soft-deleted
// one must be recovered or purged first.
func (st *store) restore(b backupBlob, now time.Time, nameInUse func() *kvError) (versionView, *kvError) {
	key := strings.ToLower(b.Name)
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.current(key, now)
	if s != nil {
		if s.state == stateDeleted {
			return versionView{}, deletedButRecoverable(b.Name)
		}
		return versionView{}, nameInUse()
	}
	s = &secret{name: b.Name, index: map[string]int{}}
	for i := range b.Versions {
		v := b.Versions[i]
		s.add(&v)
	}
	st.secrets[key] = s
	st.sorted = nil
	st.onChange()
	return versionView{name: s.name, v: *s.latest()}, nil
}

func (st *store) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.secrets = map[string]*secret{}
	st.sorted = nil
	st.onChange()
}
