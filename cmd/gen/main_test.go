package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"gopkg.in/yaml.v3"

	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// assertRefusedAndUnchanged runs gen with args on an existing sam.yaml and
// checks the exit status, that stderr says want, and that the file kept its
// bytes.
func assertRefusedAndUnchanged(t *testing.T, args []string, code int, want string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "sam.yaml")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if got := run(append([]string{"-o", out}, args...), &bytes.Buffer{}, &stderr); got != code {
		t.Errorf("exit %d, want %d", got, code)
	}
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not say %q", stderr.String(), want)
	}
	if got := readFile(t, out); string(got) != "old" {
		t.Errorf("file now holds %q", got)
	}
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
		{"an unknown profile", []string{"-profile", "prod"}, `-profile: got "prod", want one of default, production, seed`},
		{"an unknown format", []string{"-format", "xml"}, `-format: got "xml", want yaml or json`},
		{"an unknown flag", []string{"-verbose"}, "flag provided but not defined: -verbose"},
		{"a stray argument", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefusedAndUnchanged(t, tt.args, exitUsage, tt.want)
		})
	}
}

// The rename over a directory fails after the temporary file is written.
func TestGenFailsWhenItCannotWriteAndLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sam.yaml")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run([]string{"-o", target}, &bytes.Buffer{}, &stderr); code != exitInput {
		t.Errorf("exit %d, want %d", code, exitInput)
	}
	if !strings.Contains(stderr.String(), "write "+target) {
		t.Errorf("stderr %q does not name the file", stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only sam.yaml", len(entries))
	}
}

// A warning is shown, and the template is written all the same.
func TestGenWritesATemplateWithWarningsAndShowsThem(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sam.yaml")
	var stderr bytes.Buffer
	if code := run([]string{"-key-access", "account", "-o", out}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	if !strings.Contains(stderr.String(), "warning KEY006 DynamoDbTableKmsKey") {
		t.Errorf("stderr does not show the warning:\n%s", &stderr)
	}
	if !bytes.Equal(readFile(t, out), readFile(t, "../../golden/access-account.yaml")) {
		t.Error("written template differs from golden/access-account.yaml")
	}
}

// buildGen compiles gen once for tests and benchmarks that run it as a process.
func buildGen(tb testing.TB) string { return build(tb, ".", "gen") }

func build(tb testing.TB, pkg, name string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// BenchmarkGenProcess times the whole gen process, as go generate runs it
// and on examples/teams.yaml, beside an empty Go program and, where CDK_APP names the reference CDK app
// with its packages installed (make bench-cdk), beside `cdk synth` of the
// same stack.
func BenchmarkGenProcess(b *testing.B) {
	out := filepath.Join(b.TempDir(), "sam.yaml")
	runs := []struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"empty Go program", command(build(b, "./testdata/empty", "empty"))},
		{"gen", command(buildGen(b), "-o", out)},
		{"gen examples/teams.yaml", command(buildGen(b), "-config", "../../examples/teams.yaml", "-o", out)},
	}
	if app := os.Getenv("CDK_APP"); app != "" {
		synth := func() *exec.Cmd {
			cmd := exec.Command("node", app)
			cmd.Env = append(os.Environ(), "CDK_VALIDATION=false", "CDK_ONLY=1", "CDK_OUTDIR="+b.TempDir())
			return cmd
		}
		runs = append(runs, struct {
			name string
			cmd  func() *exec.Cmd
		}{"cdk synth", synth})
	}
	for _, r := range runs {
		b.Run(r.name, func(b *testing.B) {
			for b.Loop() {
				if msg, err := r.cmd().CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, msg)
				}
			}
		})
	}
}

func command(bin string, args ...string) func() *exec.Cmd {
	return func() *exec.Cmd { return exec.Command(bin, args...) }
}

func TestGenKeyAccessFlagPicksTheAccessModel(t *testing.T) {
	for access, golden := range map[string]string{"iam": "access-iam.yaml", "account": "access-account.yaml", "writer": "default.yaml"} {
		var stdout bytes.Buffer
		if code := run([]string{"-key-access", access, "-o", "-"}, &stdout, &bytes.Buffer{}); code != exitOK {
			t.Fatalf("-key-access %s: exit %d", access, code)
		}
		if !bytes.Equal(stdout.Bytes(), readFile(t, "../../golden/"+golden)) {
			t.Errorf("-key-access %s differs from golden/%s", access, golden)
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"-key-access", "public", "-o", "-"}, &bytes.Buffer{}, &stderr); code != exitUsage {
		t.Errorf("-key-access public: exit %d, want %d", code, exitUsage)
	}
	if want := `-key-access: got "public", want one of writer, iam, account`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not say %q", stderr.String(), want)
	}
}

func TestGenRefusesToWriteATemplateWithAnErrorFinding(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sam.yaml")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	reference := readFile(t, "../../reference/seed-template.yaml")
	renderReference := func(*cloudformation.Template, ...render.Option) ([]byte, error) { return reference, nil }
	var stderr bytes.Buffer
	err := generate(template.DefaultConfig(), renderReference, out, &bytes.Buffer{}, &stderr)
	if !errors.Is(err, errPostureFailed) {
		t.Fatalf("error %v, want %v", err, errPostureFailed)
	}
	if !strings.Contains(stderr.String(), "error LMB001 DynamoDbWriteFunction") {
		t.Errorf("stderr does not show the finding:\n%s", &stderr)
	}
	if got := readFile(t, out); string(got) != "old" {
		t.Errorf("file now holds %q", got)
	}
}

func TestCheckExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"a clean template", []string{"../../golden/default.yaml"}, exitOK, "0 errors, 0 warnings, 3 info"},
		{"the reference template", []string{"../../reference/seed-template.yaml"}, exitInput, "error LMB001 DynamoDbWriteFunction"},
		{"production strictness", []string{"-profile", "production", "../../golden/default.yaml"}, exitInput, "error DDB001 DynamoDbTable"},
		{"JSON output", []string{"-format", "json", "../../golden/default.yaml"}, exitOK, `"severity": "info"`},
		{"a missing file", []string{"missing.yaml"}, exitUsage, "missing.yaml"},
		{"an unparsable file", []string{"testdata/unparsable.yaml"}, exitUsage, "testdata/unparsable.yaml: error: not judged: cannot parse: yaml: line 3"},
		{"no file", nil, exitUsage, "name at least one template file or directory"},
		{"an unknown profile", []string{"-profile", "prod", "x"}, exitUsage, `-profile: got "prod", want one of default, production, seed`},
		{"an unknown format", []string{"-format", "xml", "x"}, exitUsage, `-format: got "xml", want text, json or sarif`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"check"}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.code, &stderr)
			}
			if got := stdout.String() + stderr.String(); !strings.Contains(got, tt.output) {
				t.Errorf("output does not say %q:\n%s", tt.output, got)
			}
		})
	}
}

// BenchmarkCheckProcess times the whole gen check process on a template
// with 50 tables, each with its own key.
func BenchmarkCheckProcess(b *testing.B) {
	bin := buildGen(b)
	var src strings.Builder
	src.WriteString("Resources:\n")
	for i := range 50 {
		fmt.Fprintf(&src, fiftyTablesEntry, i, i, i, i)
	}
	file := filepath.Join(b.TempDir(), "fifty.yaml")
	if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if out, err := exec.Command(bin, "check", file).CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}
}

const fiftyTablesEntry = `  Key%d:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: '*'
  Table%d:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !GetAtt Key%d.Arn
      Tags: [{Key: n, Value: '%d'}]
`

func TestGenReadsAConfigFile(t *testing.T) {
	var stdout bytes.Buffer
	if code := run([]string{"-config", "../../examples/multi-table.yaml", "-o", "-"}, &stdout, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !bytes.Equal(stdout.Bytes(), readFile(t, "../../golden/multi-table.yaml")) {
		t.Error("output differs from golden/multi-table.yaml")
	}
}

func TestFlagsWinOverTheConfigFile(t *testing.T) {
	var stdout bytes.Buffer
	args := []string{"-config", "../../examples/key-and-writer.yaml", "-profile", "production", "-key-access", "writer", "-o", "-"}
	if code := run(args, &stdout, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"DeletionPolicy: Retain", "Sid: WriterUsesKeyThroughDynamoDB", "- x86_64"} {
		if !strings.Contains(strings.ToLower(stdout.String()), strings.ToLower(want)) {
			t.Errorf("output does not hold %q", want)
		}
	}
}

func TestABadConfigFileChangesNothing(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   string
	}{
		{"a missing file", "testdata/missing.yaml", "-config: open testdata/missing.yaml"},
		{"malformed YAML", "testdata/unparsable.yaml", "testdata/unparsable.yaml: line 3: did not find expected node content"},
		{"an unknown key", "testdata/unknown-key.yaml", "line 4: tables[0].partitionkey: unknown key (did you mean partitionKey?)"},
		{"an out-of-range value", "testdata/bad-rotation.yaml", "key.rotationPeriodInDays: got 30, want 90 to 2560"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefusedAndUnchanged(t, []string{"-config", tt.config}, exitInput, tt.want)
		})
	}
}

func TestCost(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		output string
	}{
		{"the embedded default", nil, exitOK, "1 × $1.00"},
		{"a config with two tables and ten warm writers", []string{"-config", "../../examples/multi-table.yaml", "-warm-writers", "10"}, exitOK, "= 172800, 20000 of them free        $0.46"},
		{"the teams example, one key for two tables", []string{"-config", "../../examples/teams.yaml"}, exitOK, "key.scope table    2 keys, the same requests          $2.00"},
		{"a negative number of writers", []string{"-warm-writers", "-1"}, exitUsage, "-warm-writers: got -1, want 0 or more"},
		{"a bad config", []string{"-config", "testdata/bad-rotation.yaml"}, exitInput, "key.rotationPeriodInDays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"cost"}, tt.args...), &stdout, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if got := stdout.String() + stderr.String(); !strings.Contains(got, tt.output) {
				t.Errorf("output does not say %q:\n%s", tt.output, got)
			}
		})
	}
}

func TestCheckFindsTemplatesInDirectories(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"stacks/orders/template.yaml": readFileString(t, "../../check/testdata/patterns/global-table.yaml"),
		"stacks/cdk.template.json":    readFileString(t, "../../reference/cdk/table-cmk.template.json"),
		"config/settings.yaml":        "profile: production\n",
		"config/broken.yml":           "a: [\n",
		"README.md":                   "# not a template\n",
		".git/old.yaml":               readFileString(t, "../../check/testdata/patterns/global-table.yaml"),
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", dir}, &stdout, &stderr); code != exitInput {
		t.Errorf("exit %d, want %d: %s", code, exitInput, &stderr)
	}
	var judged []string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasSuffix(line, "suppressed") {
			judged = append(judged, strings.TrimPrefix(strings.Split(line, ":")[0], dir+"/"))
		}
	}
	if got := strings.Join(judged, " "); got != "stacks/cdk.template.json stacks/orders/template.yaml" {
		t.Errorf("judged %s", got)
	}
	stdout.Reset()
	if code := run([]string{"check", filepath.Join(dir, "config")}, &stdout, &stderr); code != exitUsage || !strings.Contains(stdout.String(), "config: error: not judged: holds no template") {
		t.Errorf("a directory without templates: exit %d, %s", code, &stdout)
	}
}

func TestCheckReportsPositionsSuppressionsAndSARIF(t *testing.T) {
	const file = "../../check/testdata/patterns/suppressions.yaml"
	tests := []struct {
		name   string
		args   []string
		has    []string
		hasNot []string
	}{
		{"text, compiler style", nil, []string{file + ":13:13: error CHK002 Key: cfn_nag suppresses F76 without a reason", file + ": 2 errors, 0 warnings, 2 info, 2 suppressed"}, []string{"suppressed warning KEY006"}},
		{"suppressed ones when asked", []string{"-show-suppressed"}, []string{file + ":22:13: suppressed warning KEY006 Key:", "    suppressed by checkov CKV_AWS_33: every principal of the account, only through DynamoDB"}, nil},
		{"JSON with line and column", []string{"-format", "json"}, []string{`"line": 13`, `"column": 13`}, []string{`"suppression"`}},
		{"SARIF, suppressed ones included", []string{"-format", "sarif"}, []string{`"version": "2.1.0"`, `"justification": "checkov CKV_AWS_33: every principal of the account, only through DynamoDB"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			if code := run(append(append([]string{"check"}, tt.args...), file), &stdout, &bytes.Buffer{}); code != exitInput {
				t.Errorf("exit %d, want %d (CHK002 is an error)", code, exitInput)
			}
			for _, want := range tt.has {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("output does not say %q:\n%s", want, &stdout)
				}
			}
			for _, unwanted := range tt.hasNot {
				if strings.Contains(stdout.String(), unwanted) {
					t.Errorf("output says %q:\n%s", unwanted, &stdout)
				}
			}
		})
	}
}

// A finding accepted with a reason does not fail the build.
func TestASuppressedErrorPassesTheBuild(t *testing.T) {
	src := strings.Replace(readFileString(t, "../../reference/seed-template.yaml"), "  DynamoDbWriteFunction:\n    Type: AWS::Serverless::Function\n",
		"  DynamoDbWriteFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_363\n            comment: replaced by the Go writer before this ships\n", 1)
	file := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if code := run([]string{"check", file}, &stdout, &bytes.Buffer{}); code != exitOK {
		t.Errorf("exit %d, want %d:\n%s", code, exitOK, &stdout)
	}
	if !strings.Contains(stdout.String(), "0 errors, 1 warnings, 3 info, 1 suppressed") {
		t.Errorf("summary:\n%s", &stdout)
	}
}

func readFileString(t *testing.T, path string) string { return string(readFile(t, path)) }

// BenchmarkCheckCorpus times the whole gen check process on every test
// template (the pattern and rule templates, the goldens, the references)
// beside cfn-lint on the same files.
func BenchmarkCheckCorpus(b *testing.B) {
	var files []string
	for _, glob := range []string{"../../check/testdata/patterns/*.yaml", "../../check/testdata/rules/*.yaml", "../../golden/*.yaml", "../../reference/*.yaml", "../../reference/cdk/*.json"} {
		matched, err := filepath.Glob(glob)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, matched...)
	}
	checkBesideCfnLint(b, files...)
}

// checkBesideCfnLint times the whole gen check process on files, then
// cfn-lint, one process over all of them. Both exit non-zero on what they
// find: gen check 1, cfn-lint a sum of 2, 4 and 8; anything else is a
// failure.
func checkBesideCfnLint(b *testing.B, files ...string) {
	gen := buildGen(b)
	tools := []struct {
		name    string
		cmd     func() *exec.Cmd
		findsOK func(code int) bool
	}{
		{"gen check", command(gen, append([]string{"check"}, files...)...), func(code int) bool { return code == 1 }},
		{"cfn-lint", command("cfn-lint", append([]string{"--"}, files...)...), func(code int) bool { return code%2 == 0 && code <= 14 }},
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

// pre-commit builds this module with go install ./... and runs the hook's
// entry: gen, this command, with check.
func TestThePreCommitHookRunsGenCheck(t *testing.T) {
	var hooks []struct{ ID, Entry, Language string }
	if err := yaml.Unmarshal(readFile(t, "../../.pre-commit-hooks.yaml"), &hooks); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].Language != "golang" || hooks[0].Entry != filepath.Base(wd)+" check" {
		t.Errorf("hooks %+v: want one golang hook whose entry is %q", hooks, filepath.Base(wd)+" check")
	}
}

// teamsWith is examples/teams.yaml with old replaced by new, written to a
// temporary file.
func teamsWith(t *testing.T, old, new string) string {
	t.Helper()
	src := string(readFile(t, "../../examples/teams.yaml"))
	if !strings.Contains(src, old) {
		t.Fatalf("examples/teams.yaml does not hold %q", old)
	}
	path := filepath.Join(t.TempDir(), "teams.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(src, old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// repeat writes n YAML list entries made by entry from 0 to n-1.
func repeat(n int, entry func(int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(entry(i))
	}
	return b.String()
}

// The refusals of issue 18, each through the configuration file: exit 1, the
// field named with what is allowed and what it got, the old file kept.
func TestGenRefusesBadTeamConfigurations(t *testing.T) {
	const lsi = "    localIndexes:\n"
	const grants = "      - {principal: \"arn:aws:iam::123456789012:role/refunds\", allow: write}\n"
	tests := []struct {
		name, old, new, want string
	}{
		{"an attribute given two types", "        sortKey: {name: createdAt, type: N}\n        projection: KEYS_ONLY",
			"        sortKey: {name: createdAt, type: S}\n        projection: KEYS_ONLY",
			`tables[0].localIndexes[0].sortKey.type: got "S" for "createdAt", which tables[0].globalIndexes[0].sortKey gives type "N"; want one type per attribute`},
		{"a local index on a table without a sort key", "    sortKey: {name: orderId, type: S}\n", "",
			"tables[0].localIndexes: got 1, want none: the table has no sort key"},
		{"six local indexes", lsi, lsi + repeat(5, func(i int) string {
			return fmt.Sprintf("      - {name: ByL%d, sortKey: {name: l%d, type: S}, projection: KEYS_ONLY}\n", i, i)
		}), "tables[0].localIndexes: got 6, want at most 5: DynamoDB's fixed limit"},
		{"21 global indexes", "    globalIndexes:\n      - name: ByOrder", "    globalIndexes:\n" + repeat(20, func(i int) string {
			return fmt.Sprintf("      - {name: ByG%d, partitionKey: {name: g%d, type: S}, projection: ALL}\n", i, i)
		}) + "      - name: ByOrder", "tables[1].globalIndexes: got 21, want at most 20"},
		{"101 projected non-key attributes", "projection: [total, currency]", "projection: [" + repeat(99, func(i int) string { return fmt.Sprintf("a%d, ", i) }) + "total, currency]",
			"tables[0]: the indexes' projections name 101 non-key attributes in all, want at most 100"},
		{"two indexes of one name", "      - name: ByCreated", "      - name: ByStatus",
			`tables[0].localIndexes[0].name: got "ByStatus", already the name of tables[0].globalIndexes[0]`},
		{"an unknown access level", "allow: write}", "allow: admin}", `tables[1].grants[1].allow: got "admin", want one of read, write, readwrite, stream`},
		{"an unknown capacity mode", "mode: provisioned", "mode: autoscaled", `tables[0].capacity.mode: got "autoscaled", want one of provisioned, on-demand`},
		{"an unknown key scope", "key: {scope: stack}", "key: {scope: organization}", `key.scope: got "organization", want one of table, stack`},
		{"an account root as a principal", "arn:aws:iam::210987654321:role/analytics", "arn:aws:iam::210987654321:root",
			`tables[0].grants[1].principal: got "arn:aws:iam::210987654321:root", want an IAM role or user ARN: an account root stands for every principal that account allows`},
		{"a principal that is not an IAM role or user ARN", "arn:aws:iam::123456789012:role/orders-api", "arn:aws:sts::123456789012:assumed-role/orders-api/session",
			`tables[0].grants[0].principal: got "arn:aws:sts::123456789012:assumed-role/orders-api/session", want an IAM role or user ARN`},
		{"a minimum above the maximum", "read: {min: 5, max: 200", "read: {min: 500, max: 200", "tables[0].capacity.read.min: got 500, want 1 to 200"},
		{"a minimum below 1", "write: {min: 5, max: 100", "write: {min: 0, max: 100", "tables[0].capacity.write.min: got 0, want 1 to 100"},
		{"a target outside DynamoDB's 20 to 90 percent", "max: 100, target: 70", "max: 100, target: 95", "tables[0].capacity.write.target: got 95, want 20 to 90"},
		{"stream access on a table without a stream", grants, grants + "      - {principal: \"arn:aws:iam::123456789012:role/payments-consumer\", allow: stream}\n",
			`tables[1].grants[2].allow: got "stream", but the table has no stream; set tables[1].stream, or allow read`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRefusedAndUnchanged(t, []string{"-config", teamsWith(t, tt.old, tt.new)}, exitInput, tt.want)
		})
	}
}

func TestGenWritesTheTeamsExampleAndSaysWhatPrincipalsMustAttach(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sam.yaml")
	var stderr bytes.Buffer
	if code := run([]string{"-config", "../../examples/teams.yaml", "-o", out}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, &stderr)
	}
	if !bytes.Equal(readFile(t, out), readFile(t, "../../golden/teams.yaml")) {
		t.Error("written template differs from golden/teams.yaml")
	}
	for _, want := range []string{
		"tables[0].grants[1] arn:aws:iam::210987654321:role/analytics must have this IAM policy in its own account (it is in account 210987654321",
		`"Resource": "${OrdersKeyArn}"`,
		"tables[0].grants[2] arn:aws:iam::123456789012:role/orders-consumer must have this IAM policy in its own account (dynamodb:ListStreams",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, &stderr)
		}
	}
	if strings.Contains(stderr.String(), "orders-api") {
		t.Errorf("stderr tells a principal of this account under writer access to attach a policy:\n%s", &stderr)
	}
}
