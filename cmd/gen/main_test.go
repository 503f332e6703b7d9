package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestGenWritesTheDefaultTemplate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sam.yaml")
	var stderr bytes.Buffer
	if code := run([]string{"-o", out}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	if !bytes.Equal(readFile(t, out), readFile(t, "../../golden/default.yaml")) {
		t.Error("written template differs from golden/default.yaml")
	}
}

func TestGenWritesAProfileToStandardOutput(t *testing.T) {
	var stdout bytes.Buffer
	if code := run([]string{"-profile", "seed", "-o", "-"}, &stdout, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !bytes.Equal(stdout.Bytes(), readFile(t, "../../golden/seed.yaml")) {
		t.Error("standard output differs from golden/seed.yaml")
	}
}

func TestGenWritesJSON(t *testing.T) {
	var stdout bytes.Buffer
	if code := run([]string{"-format", "json", "-o", "-"}, &stdout, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var tmpl struct{ Resources map[string]any }
	if err := json.Unmarshal(stdout.Bytes(), &tmpl); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if _, ok := tmpl.Resources["DynamoDbTable"]; !ok {
		t.Error("JSON output has no DynamoDbTable")
	}
}

func TestGenRejectsBadUsageAndLeavesTheOldFile(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown profile", []string{"-profile", "prod"}, `-profile: got "prod", want one of default, seed`},
		{"an unknown format", []string{"-format", "xml"}, `-format: got "xml", want yaml or json`},
		{"an unknown flag", []string{"-verbose"}, "flag provided but not defined: -verbose"},
		{"a stray argument", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "sam.yaml")
			if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			code := run(append([]string{"-o", out}, tt.args...), &bytes.Buffer{}, &stderr)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.want)
			}
			if got := readFile(t, out); string(got) != "old" {
				t.Errorf("file now holds %q", got)
			}
		})
	}
}

func TestGenFailsWhenItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	if code := run([]string{"-o", dir}, &bytes.Buffer{}, &stderr); code != exitInput {
		t.Errorf("exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(stderr.String(), "write "+dir) {
		t.Errorf("stderr %q does not name the file", stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files behind", len(entries))
	}
}

// buildGen compiles gen once for tests and benchmarks that run it as a process.
func buildGen(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "gen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Go randomises map iteration per process, so determinism is checked across
// processes, not only within one.
func TestGenWritesTheSameBytesInEveryProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs gen 100 times")
	}
	bin := buildGen(t)
	hashes := map[[32]byte]int{}
	for range 100 {
		out, err := exec.Command(bin, "-o", "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		hashes[sha256.Sum256(out)]++
	}
	if len(hashes) != 1 {
		t.Errorf("100 runs gave %d different outputs", len(hashes))
	}
}

// BenchmarkGenProcess times the whole process, as go generate runs it.
func BenchmarkGenProcess(b *testing.B) {
	bin := buildGen(b)
	out := filepath.Join(b.TempDir(), "sam.yaml")
	for b.Loop() {
		if err := exec.Command(bin, "-o", out).Run(); err != nil {
			b.Fatal(err)
		}
	}
}
