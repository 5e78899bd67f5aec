// Package atomicfile writes files so that no reader ever sees a part of
// one. The emulator's CA, its backup key and its data file are read by
// other processes: test processes starting at once with the same CA files,
// a kvemulator restarted on its data file.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CreateExclusive writes data to path unless path exists, without ever
// exposing a partly written file: the data goes to a temporary file that is
// then hard-linked into place (link fails when the target exists, which
// rename would not). It reports whether this call created the file.
func CreateExclusive(path string, data []byte) (bool, error) {
	tmp, err := writeTemp(path, data, 0o600)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("emulator: %w", err)
	}
	return true, nil
}

// Write replaces path with data so that readers see either the old or the
// new content, never a part.
func Write(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("emulator: %w", err)
	}
	return nil
}

// writeTemp writes data, synced, to a new temporary file beside path (so
// that a link or rename to path stays on one file system) and returns its
// name.
func writeTemp(path string, data []byte, perm os.FileMode) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("emulator: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("emulator: %w", err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		_ = f.Close()
		_ = os.Remove(name)
		return "", fmt.Errorf("emulator: writing %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(name)
		return "", fmt.Errorf("emulator: writing %s: %w", path, err)
	}
	return name, nil
}
