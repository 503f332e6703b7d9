package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

const (
	corpus      = "../../diff/testdata/"
	deployments = "testdata/deployments/"
	global      = "../../golden/global"
)

func TestDiffExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"a format-only change", []string{corpus + "format-only/old.yaml", corpus + "format-only/new.json"}, exitOK, "gen diff: no change"},
		{"data loss fails by default", []string{corpus + "key-schema/old.yaml", corpus + "key-schema/new.yaml"}, exitInput, "[~] DynamoDbTable (AWS::DynamoDB::Table): DATA LOSS, replaced"},
		{"broadening fails by default", []string{corpus + "principal-star/old.yaml", corpus + "principal-star/new.yaml"}, exitInput, "broadening DynamoDbTableKmsKey: key policy"},
		{"a weakening passes by default", []string{corpus + "rotation-off/old.yaml", corpus + "rotation-off/new.yaml"}, exitOK, "weakening DynamoDbTableKmsKey: key rotation turned off"},
		{"a weakening fails when asked", []string{"-fail-on", "weakening", corpus + "rotation-off/old.yaml", corpus + "rotation-off/new.yaml"}, exitInput, "posture: 1 weakening"},
		{"a retained replacement empties the table, which fails the default review", []string{corpus + "prod-key-schema-retained/old.yaml", corpus + "prod-key-schema-retained/new.yaml"}, exitInput, "DynamoDbTable: replaced, emptied;"},
		{"and passes data-loss", []string{"-fail-on", "data-loss", corpus + "prod-key-schema-retained/old.yaml", corpus + "prod-key-schema-retained/new.yaml"}, exitOK, "DynamoDbTable: replaced"},
		{"and fails replacement", []string{"-fail-on", "replacement", corpus + "prod-key-schema-retained/old.yaml", corpus + "prod-key-schema-retained/new.yaml"}, exitInput, "replacement: always"},
		{"any change fails any", []string{"-fail-on", "any", corpus + "function-memory-env/old.yaml", corpus + "function-memory-env/new.yaml"}, exitInput, "MemorySize: 128 → 256"},
		{"markdown", []string{"-format", "markdown", corpus + "key-schema/old.yaml", corpus + "key-schema/new.yaml"}, exitInput, "| `[~]` | `DynamoDbTable` | AWS::DynamoDB::Table | always | **yes** |"},
		{"an unknown class", []string{"-fail-on", "data-loss,typos", "a", "b"}, exitUsage, `-fail-on: got "typos", want a comma-separated list of data-loss, emptied, broadening, refused, replacement, weakening, any`},
		{"an unknown format", []string{"-format", "html", "a", "b"}, exitUsage, `-format: got "html", want text, markdown or json`},
		{"one file", []string{"a"}, exitUsage, "want OLD NEW (two templates, or two deployment directories), or -git REF FILE"},
		{"a refused change fails by default", []string{corpus + "teams-index-renamed/old.yaml", corpus + "teams-index-renamed/new.yaml"}, exitInput,
			"REFUSED: CloudFormation will fail this update and roll it back:\n  refused OrdersTable: global secondary index ByOrderStatus created and global secondary index ByStatus deleted in one update"},
		{"and passes when refused is not asked for", []string{"-fail-on", "data-loss,emptied,broadening", corpus + "teams-index-renamed/old.yaml", corpus + "teams-index-renamed/new.yaml"}, exitOK, "OrdersTable: modified, refused"},
		{"refused alone", []string{"-fail-on", "refused", corpus + "global-keys-made-independent/old.yaml", corpus + "global-keys-made-independent/new.yaml"}, exitInput,
			"gen diff: exit 1: the change has refused (-fail-on refused)\n"},
		{"a refused change in markdown", []string{"-format", "markdown", corpus + "global-two-replicas-added/old.yaml", corpus + "global-two-replicas-added/new.yaml"}, exitInput,
			"**Refused**: CloudFormation will fail this update and roll it back:\n\n- `OrdersTable`: replicas ap-southeast-2, eu-west-1 added in one update"},
		{"a deployment compared with itself", []string{global, global}, exitOK, "gen diff: deployment of 4 stacks: 4 unchanged\nstack orders-global-keys-us-east-1 (us-east-1), unchanged: no change\n"},
		{"a deployment gaining two replicas and their key stacks", []string{deployments + "global-us-east-1", global}, exitInput,
			"stack orders-global-keys-eu-west-1 (eu-west-1), added: OrdersTableKmsKey: added; OrdersTableKmsKeyAlias: added; security: 2 broadening"},
		{"the refusal names its stack", []string{deployments + "global-us-east-1", global}, exitInput,
			"stack orders-global (us-east-1), changed: OrdersTable: modified, refused; posture: 1 weakening; also changed: Parameters\n" +
				"  parameters whose value stacks.json changes: OrdersKeyArnApSoutheast2, OrdersKeyArnEuWest1\n  REFUSED: CloudFormation will fail this update and roll it back:\n    refused OrdersTable: replicas ap-southeast-2, eu-west-1 added in one update"},
		{"the exit line names the classes of every stack", []string{deployments + "global-us-east-1", global}, exitInput,
			"gen diff: exit 1: the change has broadening and refused (-fail-on data-loss,emptied,broadening,refused)\n"},
		{"-fail-on applies to the union of the stacks", []string{"-fail-on", "data-loss", deployments + "global-us-east-1", global}, exitOK, "deployment of 4 stacks: 2 added, 1 changed, 1 unchanged; refused: orders-global"},
		{"a deployment losing two stacks", []string{global, deployments + "global-us-east-1"}, exitInput,
			"stack orders-global-keys-eu-west-1 (eu-west-1), removed: OrdersTableKmsKey: removed, data loss"},
		{"a deployment in markdown", []string{"-format", "markdown", deployments + "global-us-east-1", global}, exitInput,
			"\n### stack orders-global (us-east-1), changed\n\nOrdersTable: modified, refused; posture: 1 weakening; also changed: Parameters\n"},
		{"a directory without stacks.json", []string{"testdata/adversarial", global}, exitUsage, "gen diff: testdata/adversarial: no stacks.json: not a deployment's directory"},
		{"a deployment and a template", []string{global, corpus + "key-schema/new.yaml"}, exitUsage,
			"gen diff: ../../diff/testdata/key-schema/new.yaml is not a directory: OLD and NEW are two templates, or two deployment directories, each holding a stacks.json and the templates it names\n"},
		{"a missing file", []string{"missing.yaml", corpus + "key-schema/new.yaml"}, exitUsage, "open missing.yaml"},
		{"the exit-1 line names the classes", []string{"-fail-on", "replacement,broadening,data-loss", corpus + "key-schema/old.yaml", corpus + "key-schema/new.yaml"}, exitInput,
			"gen diff: exit 1: the change has replacement and data-loss (-fail-on replacement,broadening,data-loss)\n"},
		{"-- ends the flags", []string{corpus + "format-only/old.yaml", "--", corpus + "format-only/new.json"}, exitOK, "gen diff: no change"},
		{"a revision is never an option", []string{"-git", "--output=written-by-git", "sam.yaml"}, exitUsage, "gen diff: -git: got \"--output=written-by-git\"; a revision never begins with -\n"},
		{"a file that is not a template", []string{"testdata/unparsable.yaml", corpus + "key-schema/new.yaml"}, exitUsage, "testdata/unparsable.yaml: yaml: line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"diff"}, tt.args...), &stdout, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, &stderr)
			}
			if got := stdout.String() + stderr.String(); !strings.Contains(got, tt.output) {
				t.Errorf("output does not say %q:\n%s", tt.output, got)
			}
		})
	}
}

func TestDiffWritesTheJSONShape(t *testing.T) {
	var stdout bytes.Buffer
	run([]string{"diff", "-format", "json", corpus + "key-schema/old.yaml", corpus + "key-schema/new.yaml"}, &stdout, &bytes.Buffer{})
	var report struct {
		DataLoss, Broadening, Weakening bool
		Resources                       []struct {
			ID, Type, Change, Replacement string
			DataLoss                      bool
			Properties                    []struct{ Path, Replacement string }
		}
		Security []struct{ Resource, Kind, Detail string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("%v:\n%s", err, &stdout)
	}
	table := report.Resources[0]
	if !report.DataLoss || table.ID != "DynamoDbTable" || table.Change != "modify" || table.Replacement != "always" || !table.DataLoss {
		t.Errorf("got %+v", report)
	}
}

// Every list of the JSON review is a list, never null, refused among them.
func TestDiffWritesEmptyListsAsLists(t *testing.T) {
	var stdout bytes.Buffer
	run([]string{"diff", "-format", "json", corpus + "format-only/old.yaml", corpus + "format-only/new.json"}, &stdout, &bytes.Buffer{})
	var report map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("%v:\n%s", err, &stdout)
	}
	for _, list := range []string{"refused", "resources", "security", "weakenings"} {
		if l, ok := report[list].([]any); !ok || len(l) != 0 {
			t.Errorf("%s: got %#v, want []", list, report[list])
		}
	}
}

// A deployment's review is a review per stack, each naming its stack, its
// Region and what happens to it, in the new deployment's order, then the
// stacks only the old one has.
func TestDiffWritesTheDeploymentJSONShape(t *testing.T) {
	var stdout bytes.Buffer
	run([]string{"diff", "-format", "json", global, deployments + "global-us-east-1"}, &stdout, &bytes.Buffer{})
	var report struct {
		Stacks []struct {
			Stack, Region, Change string
			Parameters            []string
			DataLoss              bool
			Refused               []struct{ Resource, Why string }
			Resources             []struct{ ID string }
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("%v:\n%s", err, &stdout)
	}
	var got []string
	for _, s := range report.Stacks {
		got = append(got, fmt.Sprintf("%s %s %s data loss %v refused %d", s.Stack, s.Region, s.Change, s.DataLoss, len(s.Refused)))
	}
	want := []string{
		"orders-global-keys-us-east-1 us-east-1 modify data loss false refused 0",
		"orders-global us-east-1 modify data loss true refused 1",
		"orders-global-keys-eu-west-1 eu-west-1 remove data loss true refused 0",
		"orders-global-keys-ap-southeast-2 ap-southeast-2 remove data loss true refused 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tables := report.Stacks[1]
	if tables.Refused[0].Resource != "OrdersTable" || !strings.HasPrefix(tables.Refused[0].Why, "replicas ap-southeast-2, eu-west-1 removed in one update") ||
		strings.Join(tables.Parameters, ",") != "OrdersKeyArnApSoutheast2,OrdersKeyArnEuWest1" {
		t.Errorf("orders-global: %+v", tables)
	}
}

// gen diff -git REF FILE compares FILE as committed at REF with FILE now.
func TestDiffAgainstAGitRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-C", dir}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun("init", "-q")
	file := filepath.Join(dir, "sam.yaml")
	if err := os.WriteFile(file, readFile(t, corpus+"key-schema/old.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitRun("add", "sam.yaml")
	gitRun("commit", "-qm", "old")
	if err := os.WriteFile(file, readFile(t, corpus+"key-schema/new.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	keySwitch := readFile(t, corpus+"key-switch/new.yaml")
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"diff", "-git", "HEAD", "sam.yaml"}, &stdout, &stderr); code != exitInput {
		t.Fatalf("exit %d, want %d: %s%s", code, exitInput, &stdout, &stderr)
	}
	if !strings.Contains(stdout.String(), "gen diff: DynamoDbTable: replaced, data loss") {
		t.Errorf("stdout:\n%s", &stdout)
	}
	stderr.Reset()
	if code := run([]string{"diff", "-git", "no-such-ref", "sam.yaml"}, &bytes.Buffer{}, &stderr); code != exitUsage ||
		stderr.String() != "gen diff: git: \"no-such-ref\" is not a commit of this repository (git rev-parse --verify no-such-ref^{commit})\n" {
		t.Errorf("exit %d, stderr %q", code, &stderr)
	}

	// A file new in the branch: everything in it is added.
	if err := os.WriteFile(filepath.Join(dir, "new.yaml"), keySwitch, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"diff", "-git", "HEAD", "new.yaml", "-fail-on", "data-loss"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("a file absent at HEAD: exit %d, want %d: %s", code, exitOK, &stderr)
	}
	if !strings.HasPrefix(stdout.String(), "gen diff: DynamoDbTable: added; ") || strings.Contains(stdout.String(), "removed") ||
		!strings.Contains(stdout.String(), "broadening NewTableKmsKey: AccountRootAdministers of the new key policy allows") {
		t.Errorf("a file absent at HEAD:\n%s", &stdout)
	}
}

// BenchmarkDiffProcess times the whole gen diff process on two templates of
// 33 tables, the most a stack holds, where every table gets a sort key: 33
// replacements, their dependants and their policies to compare.
func BenchmarkDiffProcess(b *testing.B) {
	bin := buildGen(b)
	dir := b.TempDir()
	files := []string{filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml")}
	for i, withSortKey := range []bool{false, true} {
		cfg := template.DefaultConfig()
		cfg.Tables = nil
		for n := range template.MaxTables {
			table := template.TableConfig{Name: fmt.Sprintf("T%d", n), PartitionKey: template.Attribute{Name: "id", Type: "S"}}
			if withSortKey {
				table.SortKey = &template.Attribute{Name: "at", Type: "N"}
			}
			cfg.Tables = append(cfg.Tables, table)
		}
		stack, err := template.Build(cfg)
		if err != nil {
			b.Fatal(err)
		}
		src, err := render.YAML(stack.Template, render.Order(stack.ResourceOrder, stack.OutputOrder))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(files[i], src, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		out, err := exec.Command(bin, "diff", "-fail-on", "weakening", files[0], files[1]).CombinedOutput()
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}
