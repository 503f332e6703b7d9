package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteReplacesTheFileAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sam.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "new" {
		t.Errorf("file holds %q, want %q", got, "new")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only sam.yaml", len(entries))
	}
}

func TestWriteIntoAMissingDirectoryFailsAndCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, "missing", "sam.yaml"), []byte("new")); err == nil {
		t.Fatal("Write into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("directory holds %d entries, want none", len(entries))
	}
}

// Renaming over /dev/stdout or /dev/null would replace the device; a named
// pipe stands in for them.
func TestWriteToANamedPipeWritesInPlace(t *testing.T) {
	pipe := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte)
	go func() {
		data, _ := os.ReadFile(pipe)
		read <- data
	}()
	if err := Write(pipe, []byte("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if got := <-read; string(got) != "through the pipe" {
		t.Errorf("reader got %q", got)
	}
	info, err := os.Lstat(pipe)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced by a %v", info.Mode())
	}
}

// The error names the file asked for, not the temporary file beside it.
func TestAFailedWriteNamesTheFileAskedFor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "sam.yaml")
	if err := Write(path, []byte("new")); err == nil || err.Error() != "write "+path+": no such file or directory" {
		t.Errorf("got %v, want it to name %s alone", err, path)
	}
}
