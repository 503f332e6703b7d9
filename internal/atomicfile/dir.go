package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteDir writes files (name to content) as directory dir, as a whole: into
// a temporary directory beside dir, renamed into place once every file is
// written, so that dir never holds some new files and some old, nor a file
// of an earlier run that this one did not write. An existing dir is renamed
// aside first and removed after; the caller decides whether it may be
// (deployment.Replaceable). A failed run leaves dir as it was. Errors name
// dir, never the temporary directory.
func WriteDir(dir string, files map[string][]byte) (err error) {
	info, err := os.Lstat(dir)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return failed(dir, err)
	case exists && !info.IsDir():
		return fmt.Errorf("write %s: not a directory", dir)
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	tmp, err := os.MkdirTemp(parent, "."+base+".*")
	if err != nil {
		return failed(dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for name, data := range files {
		if name != filepath.Base(name) {
			return fmt.Errorf("write %s: %q is not a file name", dir, name)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return failed(filepath.Join(dir, name), err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return failed(dir, err)
	}
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return failed(dir, err)
		}
		return nil
	}
	old, err := os.MkdirTemp(parent, "."+base+".old.*")
	if err != nil {
		return failed(dir, err)
	}
	aside := filepath.Join(old, base)
	if err := os.Rename(dir, aside); err != nil {
		os.Remove(old)
		return failed(dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return errors.Join(failed(dir, err), os.Rename(aside, dir), os.Remove(old))
	}
	return os.RemoveAll(old)
}
