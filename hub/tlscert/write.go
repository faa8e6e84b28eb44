package tlscert

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeAtomic replaces path with data and mode: a temp file in the same
// directory, fsync, rename, then fsync of the directory so the rename
// survives a power cut.
func writeAtomic(path string, data []byte, mode os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("tlscert: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("tlscert: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tlscert: close %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("tlscert: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("tlscert: sync %s: %w", dir, err)
	}
	return nil
}
