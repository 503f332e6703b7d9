package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteDirMakesTheDirectoryWithItsFilesAndNothingBeside(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := WriteDir(dir, map[string][]byte{"a.yaml": []byte("a"), "stacks.json": []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"a.yaml", "stacks.json"}) {
		t.Errorf("dir holds %v", got)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out", got)
	}
}

// A file of the earlier run that this one does not write is gone.
func TestWriteDirReplacesTheWholeDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := WriteDir(dir, map[string][]byte{"old.yaml": []byte("old"), "kept.yaml": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, map[string][]byte{"kept.yaml": []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{"kept.yaml"}) {
		t.Errorf("dir holds %v, want only kept.yaml", got)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "kept.yaml")); string(data) != "new" {
		t.Errorf("kept.yaml holds %q", data)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out", got)
	}
}

// A file that cannot be written leaves the old directory byte for byte and
// no temporary directory.
func TestAFailedWriteDirLeavesTheOldDirectory(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := WriteDir(dir, map[string][]byte{"a.yaml": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	err := WriteDir(dir, map[string][]byte{"a.yaml": []byte("new"), "../escape.yaml": []byte("x")})
	if err == nil {
		t.Fatal("a file name with a path was written")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "a.yaml")); string(data) != "old" {
		t.Errorf("a.yaml holds %q", data)
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %v, want only out", got)
	}
}

func TestWriteDirRefusesAFileInItsPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sam.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(path, map[string][]byte{"a.yaml": nil}); err == nil || err.Error() != "write "+path+": not a directory" {
		t.Errorf("got %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("the file holds %q", data)
	}
}
