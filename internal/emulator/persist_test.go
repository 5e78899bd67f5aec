package emulator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bifrost-platform/terraform-provider-bifrost/internal/emulator"
)

func TestPersistenceAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := emulator.Options{
		DataFile:   filepath.Join(dir, "vault.json"),
		CACertFile: filepath.Join(dir, "ca.pem"),
		CAKeyFile:  filepath.Join(dir, "ca-key.pem"),
	}
	first, err := emulator.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, first, emulator.OfficerName)
	v1 := set(t, c, "Kept", "one", nil)
	v2 := set(t, c, "kept", "two", nil)
	set(t, c, "binned", "x", nil)
	if _, err := c.DeleteSecret(ctx(t), "binned", nil); err != nil {
		t.Fatal(err)
	}
	caBefore, _ := os.ReadFile(first.CACertFile())
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	info, err := os.Stat(opts.DataFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("data file mode %v, want 0600", info.Mode().Perm())
	}

	second := start(t, opts)
	caAfter, _ := os.ReadFile(second.CACertFile())
	if string(caBefore) != string(caAfter) {
		t.Error("the CA was not reused from its files")
	}
	c = newClient(t, second, emulator.OfficerName)
	for _, v := range []struct{ version, value string }{{v1.ID.Version(), "one"}, {v2.ID.Version(), "two"}} {
		got, err := c.GetSecret(ctx(t), "KEPT", v.version, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *got.Value != v.value || got.ID.Name() != "Kept" || !got.Attributes.Created.Equal(*v1.Attributes.Created) && v.value == "one" {
			t.Errorf("after restart: %s = %q", *got.ID, *got.Value)
		}
	}
	if _, err := c.GetDeletedSecret(ctx(t), "binned", nil); err != nil {
		t.Errorf("deleted secret lost: %v", err)
	}
}

func TestPersistenceWritesAfterChanges(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", "vault.json")
	e := start(t, emulator.Options{DataFile: path})
	c := newClient(t, e, emulator.OfficerName)
	set(t, c, "soon-on-disk", "v", nil)
	// Written shortly after the change, before Close.
	eventually(t, 2*time.Second, func() error {
		data, err := os.ReadFile(path)
		if err == nil && !strings.Contains(string(data), "soon-on-disk") {
			return os.ErrNotExist
		}
		return err
	})
}

func TestBadDataFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "vault.json")
	if err := os.WriteFile(path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := emulator.Start(emulator.Options{DataFile: path}); err == nil {
		_ = e.Close()
		t.Fatal("Start accepted a corrupt data file")
	}
}
