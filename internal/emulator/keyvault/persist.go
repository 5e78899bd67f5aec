package keyvault

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator/internal/atomicfile"
)

// dataFile is the JSON layout of Config.DataFile. Secrets in a transition
// are stored in the state the transition leads to (a name being purged is
// not stored).
type dataFile struct {
	Format  string         `json:"format"`
	Secrets []storedSecret `json:"secrets"`
}

type storedSecret struct {
	Name               string          `json:"name"`
	Deleted            bool            `json:"deleted,omitempty"`
	DeletedDate        int64           `json:"deleted_date,omitempty"`
	ScheduledPurgeDate int64           `json:"scheduled_purge_date,omitempty"`
	Versions           []secretVersion `json:"versions"`
}

const dataFormat = "bifrost-kvemulator-data/1"

// persistDebounce lets a burst of changes (a parallel apply) end in one
// write instead of one per request.
const persistDebounce = 50 * time.Millisecond

// snapshot encodes the store; the caller holds st.mu.
func (st *store) snapshot() ([]byte, error) {
	df := dataFile{Format: dataFormat, Secrets: make([]storedSecret, 0, len(st.secrets))}
	for _, key := range st.keys() {
		s := st.secrets[key]
		if s.state == statePurging {
			continue
		}
		ss := storedSecret{Name: s.name, Versions: make([]secretVersion, 0, len(s.versions))}
		if s.state == stateDeleting || s.state == stateDeleted {
			ss.Deleted, ss.DeletedDate, ss.ScheduledPurgeDate = true, s.deletedDate, s.purgeDate
		}
		for _, v := range s.versions {
			ss.Versions = append(ss.Versions, *v)
		}
		df.Secrets = append(df.Secrets, ss)
	}
	return json.MarshalIndent(df, "", " ")
}

// load fills an empty store from path; a missing file is an empty store.
func (st *store) load(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("emulator: data file: %w", err)
	}
	var df dataFile
	if err := json.Unmarshal(data, &df); err != nil {
		return fmt.Errorf("emulator: data file %s: %w", path, err)
	}
	if df.Format != dataFormat {
		return fmt.Errorf("emulator: data file %s: format %q, want %q", path, df.Format, dataFormat)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, ss := range df.Secrets {
		if !validName(ss.Name) || len(ss.Versions) == 0 {
			return fmt.Errorf("emulator: data file %s: invalid secret %q", path, ss.Name)
		}
		s := &secret{name: ss.Name, index: map[string]int{}}
		if ss.Deleted {
			s.state, s.deletedDate, s.purgeDate = stateDeleted, ss.DeletedDate, ss.ScheduledPurgeDate
		}
		for i := range ss.Versions {
			v := ss.Versions[i]
			v.ID = strings.ToLower(v.ID)
			s.add(&v)
		}
		st.secrets[strings.ToLower(ss.Name)] = s
	}
	st.sorted = nil
	return nil
}

// persister writes the store to its data file shortly after changes, from
// one goroutine, so requests never wait for the disk. The goroutine starts
// with the first change: a vault that is made and dropped (a Start that
// fails later) writes nothing.
type persister struct {
	path    string
	st      *store
	start   sync.Once
	kick    chan struct{} // buffered(1): a pending "something changed"
	stop    chan struct{}
	stopped chan struct{}
	writeMu sync.Mutex // serializes the final flush with the background writer
}

func newPersister(path string, st *store) *persister {
	return &persister{path: path, st: st, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
}

// changed is the store's onChange hook; it never blocks.
func (p *persister) changed() {
	p.start.Do(func() { go p.run() })
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *persister) run() {
	defer close(p.stopped)
	for {
		select {
		case <-p.stop:
			return
		case <-p.kick:
		}
		select {
		case <-p.stop:
			return // close flushes
		case <-time.After(persistDebounce):
		}
		// A failed background write is retried by the next change and
		// reported by close.
		_ = p.write()
	}
}

func (p *persister) write() error {
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	p.st.mu.Lock()
	data, err := p.st.snapshot()
	p.st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("emulator: data file: %w", err)
	}
	// 0600: the file holds secret values.
	return atomicfile.Write(p.path, data, 0o600)
}

// close stops the background writer, if it started, and writes the final
// state.
func (p *persister) close() error {
	p.start.Do(func() { close(p.stopped) }) // never started: nothing to wait for
	close(p.stop)
	<-p.stopped
	return p.write()
}
