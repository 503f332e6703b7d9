// Package atomicfile replaces a file so that readers, and a failed run, only
// ever see the old bytes or the new ones, never a mix or a truncated file.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to a temporary file beside path and renames it over path.
// A path that is not a regular file, such as /dev/stdout, is written to in
// place: renaming over it would replace the device. Errors name path, the
// file asked for, never the temporary file.
func Write(path string, data []byte) (err error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() && !info.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return failed(path, err)
		}
		_, err = f.Write(data)
		return errors.Join(err, f.Close())
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return failed(path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return failed(path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return failed(path, err)
	}
	if err := tmp.Close(); err != nil {
		return failed(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return failed(path, err)
	}
	return nil
}

// failed says that writing path failed, and why, without the name of the
// file the error was about, which may be the temporary one.
func failed(path string, err error) error {
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	switch {
	case errors.As(err, &pathErr):
		err = pathErr.Err
	case errors.As(err, &linkErr):
		err = linkErr.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}
