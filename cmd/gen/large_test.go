package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/internal/bigstack"
)

// gen check on one large template collects no garbage (collectLate), and
// a GOGC the user sets still rules.
func TestCheckCollectsNoGarbageOnOneTemplate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "large.yaml")
	if err := os.WriteFile(file, []byte(bigstack.Template()), 0o644); err != nil {
		t.Fatal(err)
	}
	gen := buildGen(t)
	env := []string{"GODEBUG=gctrace=1"}
	for _, v := range os.Environ() {
		if !strings.HasPrefix(v, "GOGC=") && !strings.HasPrefix(v, "GOMEMLIMIT=") && !strings.HasPrefix(v, "GODEBUG=") {
			env = append(env, v)
		}
	}
	for _, tt := range []struct {
		gogc        []string
		wantCollect bool
	}{{nil, false}, {[]string{"GOGC=100"}, true}} {
		cmd := exec.Command(gen, "check", file)
		cmd.Env = append(slices.Clone(env), tt.gogc...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v: %s", tt.gogc, err, &stderr)
		}
		if collected := strings.Contains(stderr.String(), "gc 1 @"); collected != tt.wantCollect {
			t.Errorf("%s: collected garbage %v, want %v:\n%s", tt.gogc, collected, tt.wantCollect, &stderr)
		}
	}
}

// BenchmarkCheckLarge times the whole gen check process on bigstack's
// template (245 resources, 7 conditions, about 228 KB),
// beside cfn-lint on the same file.
func BenchmarkCheckLarge(b *testing.B) {
	file := filepath.Join(b.TempDir(), "large.yaml")
	if err := os.WriteFile(file, []byte(bigstack.Template()), 0o644); err != nil {
		b.Fatal(err)
	}
	checkBesideCfnLint(b, file)
}
