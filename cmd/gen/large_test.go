package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/internal/bigstack"
)

// BenchmarkCheckLarge times the whole gen check process on bigstack's
// template (245 resources, 7 conditions, about 228 KB),
// beside cfn-lint on the same file.
func BenchmarkCheckLarge(b *testing.B) {
	file := filepath.Join(b.TempDir(), "large.yaml")
	if err := os.WriteFile(file, []byte(bigstack.Template()), 0o644); err != nil {
		b.Fatal(err)
	}
	gen := buildGen(b)
	tools := []struct {
		name    string
		cmd     func() *exec.Cmd
		findsOK func(code int) bool
	}{
		{"gen check", command(gen, "check", file), func(code int) bool { return code == 1 }},
		{"cfn-lint", command("cfn-lint", "--", file), func(code int) bool { return code%2 == 0 && code <= 14 }},
	}
	for _, tool := range tools {
		b.Run(tool.name, func(b *testing.B) {
			if _, err := exec.LookPath(tool.cmd().Path); err != nil {
				b.Skipf("%s is not installed", tool.name)
			}
			for b.Loop() {
				cmd := tool.cmd()
				if err := cmd.Run(); err != nil && !tool.findsOK(cmd.ProcessState.ExitCode()) {
					b.Fatalf("%s: %v", tool.name, err)
				}
			}
		})
	}
}
