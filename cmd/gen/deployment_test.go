package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestGenWritesADeploymentAsItsGoldenDirectory(t *testing.T) {
	for _, name := range []string{"global", "global-independent-keys"} {
		out := filepath.Join(t.TempDir(), name)
		var stderr bytes.Buffer
		if code := run([]string{"-config", "../../examples/" + name + ".yaml", "-o", out}, &bytes.Buffer{}, &stderr); code != exitOK {
			t.Fatalf("exit %d: %s", code, &stderr)
		}
		golden := "../../golden/" + name
		if got, want := dirNames(t, out), dirNames(t, golden); !slices.Equal(got, want) {
			t.Fatalf("%s holds %v, %s %v", out, got, golden, want)
		}
		for _, file := range dirNames(t, golden) {
			if !bytes.Equal(readFile(t, filepath.Join(out, file)), readFile(t, filepath.Join(golden, file))) {
				t.Errorf("%s differs from %s", file, golden)
			}
		}
		if !strings.Contains(stderr.String(), "4 stacks, in the order they deploy in "+filepath.Join(out, "stacks.json")+"; make deploy-all DIR="+out) {
			t.Errorf("stderr %q does not say how to deploy it", &stderr)
		}
	}
}

// A deployment is several files: a file, standard output, or a name that
// looks like a template's is a usage error, and nothing is written.
func TestGenRefusesToWriteADeploymentAsOneFile(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "sam.yaml")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, out, want string }{
		{"an existing file", existing, "-o " + existing + ": a file; the configuration is a deployment (a table has replicas): a directory of its stacks' templates and stacks.json; give -o DIR"},
		{"a template's name", filepath.Join(dir, "global.yaml"), "-o " + filepath.Join(dir, "global.yaml") + ": a file name; "},
		{"standard output", "-", "-o -: standard output takes one template; "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run([]string{"-config", "../../examples/global.yaml", "-o", tt.out}, &bytes.Buffer{}, &stderr); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", &stderr, tt.want)
			}
		})
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"sam.yaml"}) || string(readFile(t, existing)) != "old" {
		t.Errorf("the directory now holds %v, sam.yaml %q", got, readFile(t, existing))
	}
}

func TestGenWithoutOForADeploymentIsAUsageError(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"-config", "../../examples/global.yaml"}, &bytes.Buffer{}, &stderr); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "-o sam.yaml: a file") {
		t.Errorf("stderr %q", &stderr)
	}
}

// A template an earlier run wrote and this one does not is gone: the
// directory is written whole.
func TestGenReplacesItsOwnDeploymentAndLeavesNothingStale(t *testing.T) {
	out := filepath.Join(t.TempDir(), "global")
	if code := run([]string{"-config", "../../examples/global.yaml", "-o", out}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	// An earlier configuration had its replica in eu-central-1, not ap-southeast-2.
	manifest := strings.ReplaceAll(string(readFile(t, filepath.Join(out, "stacks.json"))), "ap-southeast-2", "eu-central-1")
	if err := os.WriteFile(filepath.Join(out, "stacks.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(out, "keys-ap-southeast-2.yaml"), filepath.Join(out, "keys-eu-central-1.yaml")); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run([]string{"-config", "../../examples/global.yaml", "-o", out}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	if got := dirNames(t, out); slices.Contains(got, "keys-eu-central-1.yaml") {
		t.Errorf("the stale template is still there: %v", got)
	}
	if got := dirNames(t, filepath.Dir(out)); !slices.Equal(got, []string{"global"}) {
		t.Errorf("beside the directory: %v", got)
	}
}

// A directory holding files gen did not write would lose them: refused,
// and left as it was.
func TestGenDoesNotReplaceADirectoryHoldingOtherFiles(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "README.md"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run([]string{"-config", "../../examples/global.yaml", "-o", out}, &bytes.Buffer{}, &stderr); code != exitInput {
		t.Errorf("exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(stderr.String(), "holds files and no stacks.json: it is not a deployment gen wrote") {
		t.Errorf("stderr %q", &stderr)
	}
	if got := dirNames(t, out); !slices.Equal(got, []string{"README.md"}) {
		t.Errorf("the directory now holds %v", got)
	}
}
