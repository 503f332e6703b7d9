package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func TestVerifyRefusesBadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no stack", nil, "verify: want -stack NAME or -manifest DIR/stacks.json, and no arguments"},
		{"a stray argument", []string{"-stack", "s", "extra"}, "verify: want -stack NAME or -manifest DIR/stacks.json, and no arguments"},
		{"a stack and a manifest", []string{"-stack", "s", "-manifest", "d/stacks.json"}, "verify: want -stack NAME or -manifest DIR/stacks.json, and no arguments"},
		{"a Region for a manifest", []string{"-manifest", "d/stacks.json", "-region", "eu-west-1"}, "verify: -region: with -manifest, each stack is verified in the Region stacks.json gives it"},
		{"a manifest that is not stacks.json", []string{"-manifest", "../../golden/global"}, "verify: -manifest ../../golden/global: want the path of a deployment's stacks.json (gen -o DIR writes DIR/stacks.json)"},
		{"a manifest that cannot be read", []string{"-manifest", "no-such/stacks.json"}, "verify: no-such: no stacks.json: not a deployment's directory"},
		{"an unknown flag", []string{"-stack", "s", "-verbose"}, "flag provided but not defined: -verbose"},
		{"a local package that cannot be read", []string{"-stack", "s", "-code", "no-such.zip"}, "verify: -code: open no-such.zip: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &bytes.Buffer{}, &stderr); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.want)
			}
		})
	}
}

func TestProgressWritesOverItsOwnLine(t *testing.T) {
	var stderr bytes.Buffer
	report := progress(&stderr)
	report(1, 12)
	report(2, 12)
	if got, want := stderr.String(), "\rverify: 1 of 12 checks done\rverify: 2 of 12 checks done"; got != want {
		t.Errorf("progress wrote %q, want %q", got, want)
	}
}

// Only a terminal shows progress: a pipe or a file gets the verdicts alone.
func TestProgressOnlyOnATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) {
		t.Error("a file or a buffer taken for a terminal")
	}
}
