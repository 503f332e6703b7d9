package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const topic = "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n"

// writeTree writes files, by slash-separated path, below a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// judged gives, for each report, its file below dir and its error.
func judged(t *testing.T, dir string, reports []Report) []string {
	t.Helper()
	var out []string
	for _, r := range reports {
		rel, err := filepath.Rel(dir, r.File)
		if err != nil {
			rel = r.File
		}
		out = append(out, strings.TrimSpace(filepath.ToSlash(rel)+" "+r.Error))
	}
	return out
}

// A broken template in a directory is returned, for its parse error to be
// reported, not skipped as a file that is no template.
func TestADirectoryKeepsItsBrokenTemplates(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"good.yaml":         topic,
		"broken.yaml":       "Resources:\n  Topic: {Type: AWS::SNS::Topic\n",
		"broken-quoted.yml": "'Resources':\n  - [\n",
		"broken.json":       "{\"Resources\": {\"Topic\": }}",
		"broken.template":   "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: !GetAtt B\n",
		"settings.yaml":     "profile: production\n",
		"helm.yaml":         "metadata:\n  name: {{ .Values.name }}\n  labels: [\n",
		"nested-key.yaml":   "spec:\n  Resources: [\n",
		"manifest.yaml":     "apiVersion: v1\nkind: Pod\n",
		"empty.yaml":        "",
		"image.json":        "\x00\x01PNG",
	})
	reports, err := Files([]string{dir}, Options{})
	want := []string{
		"broken-quoted.yml cannot parse: yaml: line 2: did not find expected node content",
		"broken.json cannot parse: line 1: invalid character '}' looking for beginning of value",
		"broken.template cannot parse: line 3: !GetAtt \"B\": want Resource.Attribute",
		"broken.yaml cannot parse: yaml: line 1: did not find expected ',' or '}'",
		"good.yaml",
	}
	if got := judged(t, dir, reports); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err == nil || !strings.Contains(err.Error(), "broken.yaml: cannot parse") {
		t.Errorf("err = %v, want it to name each file that cannot be parsed", err)
	}
}

// Every path named is reported on, in order, whatever happens to the
// others: nothing stops the run, and nothing is a quiet pass.
func TestEveryPathNamedIsJudgedOrSaidWhyNot(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"good.yaml":          topic,
		"manifest.yaml":      "apiVersion: v1\nkind: Pod\n",
		"config.yaml":        "profile: production\ntables: []\n",
		"empty.yaml":         "",
		"bootstrap":          "\x7fELF\x02\x01\x01\x00\x00",
		"broken.yaml":        "Resources: [\n",
		"docs/readme.md":     "# no templates here\n",
		"docs/settings.json": "{\"a\": 1}\n",
	})
	paths := []string{"good.yaml", "manifest.yaml", "config.yaml", "empty.yaml", "bootstrap", "broken.yaml", "missing.yaml", "docs", "good.yaml"}
	for i, p := range paths {
		paths[i] = filepath.Join(dir, p)
	}
	reports, err := Files(paths, Options{})
	want := []string{
		"good.yaml",
		"manifest.yaml not a CloudFormation template: it has no Resources section",
		"config.yaml not a CloudFormation template: it has no Resources section",
		"empty.yaml cannot parse: line 1: empty template",
		"bootstrap a binary file, not a CloudFormation template",
		"broken.yaml cannot parse: yaml: line 1: did not find expected node content",
		"missing.yaml cannot read: no such file or directory",
		"docs holds no template (a *.yaml, *.yml, *.json or *.template file with a Resources section)",
		"good.yaml",
	}
	if got := judged(t, dir, reports); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err == nil || !Failed(reports) {
		t.Error("no error for paths that cannot be judged")
	}
}

// Other projects' files and build outputs are not walked, nor what
// -exclude names; a directory named as an argument is walked all the same.
func TestADirectoryWalkSkipsDependenciesBuildOutputsAndExclusions(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"infra/sam.yaml":                          topic,
		"infra/legacy/old.yaml":                   topic,
		"infra/fixtures/broken.yaml":              "Resources: [\n",
		"node_modules/pkg/template.yaml":          topic,
		"web/node_modules/pkg/broken.yaml":        "Resources: [\n",
		".git/objects/x.json":                     "{\"Resources\": {}}",
		"cdk.out/Stack.template.json":             "{\"Resources\": {}}",
		".aws-sam/build/template.yaml":            topic,
		"generated/stack.generated.yaml":          topic,
		"generated/stack.yaml":                    topic,
		"cdk.out-not-skipped/Stack.template.json": "{\"Resources\": {}}",
	})
	reports, err := Files([]string{dir}, Options{}, "infra/legacy", "fixtures/", "*.generated.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cdk.out-not-skipped/Stack.template.json", "generated/stack.yaml", "infra/sam.yaml"}
	if got := judged(t, dir, reports); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	reports, err = Files([]string{filepath.Join(dir, "cdk.out")}, Options{})
	if err != nil || len(reports) != 1 {
		t.Errorf("cdk.out named as an argument: %d reports, %v; want it walked", len(reports), err)
	}
	if _, err := Files([]string{dir}, Options{}, "[z-a"); err == nil {
		t.Error("a malformed glob is accepted")
	}
}

func TestTheStandardInputIsJudgedAsDash(t *testing.T) {
	stdin, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stdin.WriteString(topic); err != nil {
		t.Fatal(err)
	}
	if _, err := stdin.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = stdin
	t.Cleanup(func() { os.Stdin = saved; stdin.Close() })
	reports, err := Files([]string{"-"}, Options{})
	if err != nil || len(reports) != 1 || reports[0].File != Stdin || reports[0].Error != "" {
		t.Errorf("got %+v, %v; want one report on %s", reports, err, Stdin)
	}
}

// Each format says which file was not judged and why; SARIF as a tool
// execution notification at the line of the parse error.
func TestAFileNotJudgedIsReportedInEveryFormat(t *testing.T) {
	reports := []Report{
		{File: "good.yaml", Findings: []Finding{}},
		{File: "broken.yaml", Findings: []Finding{}, Error: "cannot parse: line 3: did not find expected key"},
	}
	var text bytes.Buffer
	if err := WriteText(&text, reports, false); err != nil {
		t.Fatal(err)
	}
	wantText := "good.yaml: 0 errors, 0 warnings, 0 info, 0 suppressed\nbroken.yaml: error: not judged: cannot parse: line 3: did not find expected key\n"
	if text.String() != wantText {
		t.Errorf("text:\n%s\nwant\n%s", &text, wantText)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, reports, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"error": "cannot parse: line 3: did not find expected key"`) {
		t.Errorf("JSON does not carry the error:\n%s", &js)
	}
	var sarif bytes.Buffer
	if err := WriteSARIF(&sarif, reports); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Invocations []sarifInvocation `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	want := []sarifInvocation{{ExecutionSuccessful: false, ToolExecutionNotifications: []sarifNotification{{
		Level: "error", Message: sarifText{"broken.yaml: not judged: cannot parse: line 3: did not find expected key"},
		Locations: []sarifLocation{{sarifPhysicalLocation{sarifArtifact{"broken.yaml"}, sarifRegion{3, 1}}}},
	}}}}
	got := log.Runs[0].Invocations
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("SARIF invocations\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

// Files are judged on every core, and reported in the order named: each
// directory's in lexical order, then the next argument's, whatever takes
// longest to judge.
func TestReportsComeInTheOrderNamed(t *testing.T) {
	files := map[string]string{}
	var want []string
	for i := range 24 {
		name := fmt.Sprintf("dir/t%02d.yaml", i)
		// Every third a large template, which takes longer to judge.
		files[name] = topic
		if i%3 == 0 {
			var large strings.Builder
			large.WriteString("Resources:\n")
			for j := range 60 {
				fmt.Fprintf(&large, "  K%d: {Type: AWS::KMS::Key}\n", j)
			}
			files[name] = large.String()
		}
		want = append(want, name)
	}
	files["named.yaml"] = topic
	dir := writeTree(t, files)
	want = append([]string{"named.yaml"}, append(want, "named.yaml")...)
	for range 2 {
		reports, err := Files([]string{filepath.Join(dir, "named.yaml"), filepath.Join(dir, "dir"), filepath.Join(dir, "named.yaml")}, Options{Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if got := judged(t, dir, reports); !slices.Equal(got, want) {
			t.Fatalf("reports for %q\nwant %q", got, want)
		}
	}
}
