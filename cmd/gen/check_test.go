package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dynamodb-sse-cmk/stack/check"
)

// withStdin runs f with standard input reading content.
func withStdin(t *testing.T, content string, f func()) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	stdin, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	saved := os.Stdin
	os.Stdin = stdin
	defer func() { os.Stdin = saved }()
	f()
}

// What gen check prints, and its exit status, for each input that is not
// a template it can judge: never a quiet pass.
func TestCheckOddInputs(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"pod.yaml":       "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
		"gen.yaml":       "profile: production\ntables: [{name: Orders, partitionKey: {name: id, type: S}}]\n",
		"broken.yaml":    "Resources:\n  Table:\n    Type: [\n",
		"empty.yaml":     "",
		"bootstrap":      "\x7fELF\x02\x01\x01\x00\x00\x00",
		"docs/notes.txt": "no templates\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed := readFileString(t, "../../reference/seed-template.yaml")
	t.Chdir(dir)
	tests := []struct {
		name           string
		args           []string
		stdin          string
		code           int
		stdout, stderr string
	}{
		{"a Kubernetes manifest", []string{"pod.yaml"}, "", exitUsage,
			"pod.yaml: error: not judged: not a CloudFormation template: it has no Resources section\n", ""},
		{"gen's own configuration", []string{"gen.yaml"}, "", exitUsage,
			"gen.yaml: error: not judged: not a CloudFormation template: it has no Resources section\n", ""},
		{"an unparsable file", []string{"broken.yaml"}, "", exitUsage,
			"broken.yaml: error: not judged: cannot parse: yaml: line 3: did not find expected node content\n", ""},
		{"an empty file", []string{"empty.yaml"}, "", exitUsage,
			"empty.yaml: error: not judged: cannot parse: line 1: empty template\n", ""},
		{"a binary file", []string{"bootstrap"}, "", exitUsage,
			"bootstrap: error: not judged: a binary file, not a CloudFormation template\n", ""},
		{"a missing file", []string{"missing.yaml"}, "", exitUsage,
			"missing.yaml: error: not judged: cannot read: no such file or directory\n", ""},
		{"a directory without a template", []string{"docs"}, "", exitUsage,
			"docs: error: not judged: holds no template (a *.yaml, *.yml, *.json or *.template file with a Resources section)\n", ""},
		{"a template on standard input", []string{"-"}, "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n", exitOK,
			"<stdin>: 0 errors, 0 warnings, 0 info, 0 suppressed\n", ""},
		{"a manifest on standard input", []string{"-"}, "apiVersion: v1\n", exitUsage,
			"<stdin>: error: not judged: not a CloudFormation template: it has no Resources section\n", ""},
		{"empty standard input", []string{"-"}, "", exitUsage,
			"<stdin>: error: not judged: cannot parse: line 1: empty template\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			var code int
			withStdin(t, tt.stdin, func() { code = run(append([]string{"check"}, tt.args...), &stdout, &stderr) })
			if code != tt.code || stdout.String() != tt.stdout || stderr.String() != tt.stderr {
				t.Errorf("exit %d, want %d\nstdout %q\nwant   %q\nstderr %q\nwant   %q", code, tt.code, &stdout, tt.stdout, &stderr, tt.stderr)
			}
		})
	}

	// One file that cannot be judged stops nothing: the others are judged
	// and reported, and 2 wins over the 1 of their error findings.
	t.Run("an error finding and an unparsable file", func(t *testing.T) {
		if err := os.WriteFile("seed.yaml", []byte(seed), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := run([]string{"check", "broken.yaml", "seed.yaml"}, &stdout, &stderr)
		out := stdout.String()
		if code != exitUsage || !strings.HasPrefix(out, "broken.yaml: error: not judged:") || !strings.Contains(out, "seed.yaml:") || !strings.Contains(out, "error LMB001") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})

	// SARIF redirected to a file still holds the other files' results and
	// the failure; stderr says which file was not judged.
	t.Run("SARIF", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"check", "seed.yaml", "pod.yaml", "-format", "sarif"}, &stdout, &stderr)
		var log struct {
			Runs []struct {
				Invocations []struct {
					ExecutionSuccessful        bool `json:"executionSuccessful"`
					ToolExecutionNotifications []struct {
						Message struct{ Text string } `json:"message"`
					} `json:"toolExecutionNotifications"`
				} `json:"invocations"`
				Results []any `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		run := log.Runs[0]
		if code != exitUsage || len(run.Results) == 0 || run.Invocations[0].ExecutionSuccessful ||
			run.Invocations[0].ToolExecutionNotifications[0].Message.Text != "pod.yaml: not judged: not a CloudFormation template: it has no Resources section" ||
			stderr.String() != "gen check: pod.yaml: not judged: not a CloudFormation template: it has no Resources section\n" {
			t.Errorf("exit %d, %d results, invocations %+v, stderr %q", code, len(run.Results), run.Invocations, &stderr)
		}
	})

	t.Run("a malformed -exclude", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run([]string{"check", ".", "-exclude", "[z-a"}, &stdout, &stderr)
		if code != exitUsage || stdout.Len() > 0 || stderr.String() != "gen check: -exclude \"[z-a\": syntax error in pattern\n" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, &stdout, &stderr)
		}
	})
}

// The deployer's policy (docs/deployer-policy.yaml) passes gen check, and
// names the service of every resource type the stacks hold: a type added to
// the stacks needs its permissions there too.
func TestTheDeployerPolicyPassesAndCoversEveryServiceOfTheStacks(t *testing.T) {
	const policy = "../../docs/deployer-policy.yaml"
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", policy}, &stdout, &stderr); code != exitOK || stdout.String() != policy+": 0 errors, 0 warnings, 0 info, 0 suppressed\n" {
		t.Errorf("gen check %s: exit %d\n%s%s", policy, code, &stdout, &stderr)
	}
	src := readFileString(t, policy)
	for _, golden := range []string{"default.yaml", "production.yaml"} {
		var stack struct {
			Resources map[string]struct{ Type string }
		}
		if err := yaml.Unmarshal(readFile(t, "../../golden/"+golden), &stack); err != nil {
			t.Fatal(err)
		}
		for id, r := range stack.Resources {
			service := strings.ToLower(strings.Split(r.Type, "::")[1])
			if r.Type == "AWS::Serverless::Function" {
				service = "lambda"
			}
			if !strings.Contains(src, "- "+service+":") && !strings.Contains(src, "Action: "+service+":") {
				t.Errorf("golden/%s: %s is a %s, and the deployer's policy allows no %s action", golden, id, r.Type, service)
			}
		}
	}
}

// The commands KEY006's fix suggests are ones gen runs, from the seed
// profile it finds KEY006 in.
func TestKEY006SuggestsCommandsGenAccepts(t *testing.T) {
	i := slices.IndexFunc(check.Rules(), func(r check.Rule) bool { return r.ID == "KEY006" })
	commands := regexp.MustCompile(`gen(?: -[a-z-]+ [a-z]+)+`).FindAllString(check.Rules()[i].Fix, -1)
	if len(commands) == 0 {
		t.Fatalf("KEY006's fix names no gen command: %s", check.Rules()[i].Fix)
	}
	seed := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(seed, []byte("profile: seed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, command := range commands {
		args := append(strings.Fields(command)[1:], "-config", seed, "-o", "-")
		var stderr bytes.Buffer
		if code := run(args, &bytes.Buffer{}, &stderr); code != exitOK {
			t.Errorf("%s, on a seed configuration: exit %d: %s", command, code, &stderr)
		}
	}
}
