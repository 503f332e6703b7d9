package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUsageListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK {
			t.Errorf("gen %s: exit %d", strings.Join(args, " "), code)
		}
		usage := stdout.String() + stderr.String()
		for _, line := range []string{
			"Usage: gen [flags]                       write the stack's SAM template from a configuration\n",
			"       gen check FILE|DIR|-...           judge the encryption posture of templates",
			"       gen diff OLD NEW | -git REF FILE  review a change between two templates or two deployments",
			"       gen cost                          estimate the keys' monthly KMS bill for a configuration\n",
			"       gen help [COMMAND]                show this usage, or a command's\n",
			"       gen version                       print gen's module version and VCS revision\n",
			"  -config string",
		} {
			if !strings.Contains(usage, line) {
				t.Errorf("gen %s does not say %q:\n%s", strings.Join(args, " "), line, usage)
			}
		}
	}
}

func TestHelpShowsACommandsFlags(t *testing.T) {
	tests := []struct {
		command string
		says    []string
	}{
		{"check", []string{"Usage: gen check [flags] FILE|DIR|-...\n", "-exclude GLOB", "-format string"}},
		{"diff", []string{"Usage: gen diff [flags] OLD NEW | -git REF FILE\n", "-fail-on string", "-git REF"}},
		{"cost", []string{"Usage: gen cost [flags] \n", "-warm-writers int"}},
		{"version", []string{"Usage: gen version [flags] \n\nPrint gen's module version and VCS revision.\n"}},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"help", tt.command}, &stdout, &stderr); code != exitOK || stderr.Len() > 0 {
			t.Errorf("gen help %s: exit %d, stderr %q", tt.command, code, &stderr)
		}
		for _, s := range tt.says {
			if !strings.Contains(stdout.String(), s) {
				t.Errorf("gen help %s does not say %q:\n%s", tt.command, s, &stdout)
			}
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"help", "deploy"}, &bytes.Buffer{}, &stderr); code != exitUsage || stderr.String() != "gen help: want one of check, diff, cost, help, version, or nothing\n" {
		t.Errorf("gen help deploy: exit %d, %q", code, &stderr)
	}
}

func TestVersionComesFromTheBuildInfo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	// A test binary is built without VCS information.
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "gen github.com/dynamodb-sse-cmk/stack ") ||
		lines[1] != "revision unknown: built without VCS information (go build -buildvcs=false, or outside a checkout)" ||
		!strings.HasPrefix(lines[2], "built with go1.") {
		t.Errorf("gen version:\n%s", &stdout)
	}
}

func TestMistakesGetAHint(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"chek", "sam.yaml"}, "gen: unknown command \"chek\"; want one of check, diff, cost, help, version, or flags to write the template (gen -h)\n"},
		{[]string{"cost", "sam.yaml"}, "gen cost: unexpected argument \"sam.yaml\": gen cost reads the configuration a template is generated from, not a template; pass it as -config FILE (without -config: the embedded default)\n"},
		{[]string{"-o", "x.yaml", "extra"}, "gen: unexpected argument \"extra\"; gen writes the template from a configuration (-config FILE), and takes no operands\n"},
		{[]string{"version", "extra"}, "gen version: unexpected argument \"extra\"\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, &stdout, &stderr); code != exitUsage || stderr.String() != tt.stderr || stdout.Len() > 0 {
			t.Errorf("gen %s: exit %d, stderr %q, want %q", strings.Join(tt.args, " "), code, &stderr, tt.stderr)
		}
	}
}

// Every command that takes operands takes its flags after them too.
func TestEveryCommandTakesFlagsAfterItsOperands(t *testing.T) {
	const golden = "../../golden/default.yaml"
	tests := [][]string{
		{"check", golden, "-format", "json"},
		{"diff", golden, golden, "-format", "json"},
	}
	for _, args := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK || !strings.HasPrefix(stdout.String(), "{") && !strings.HasPrefix(stdout.String(), "[") {
			t.Errorf("gen %s: exit %d, stdout %.40q, stderr %q", strings.Join(args, " "), code, &stdout, &stderr)
		}
	}
}
