package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// readByTypeAlone are the types the rules name but read no part of: what a
// reference to one gives may be anything (givesAnyValue).
var readByTypeAlone = map[string]bool{"AWS::CloudFormation::CustomResource": true, "AWS::SSM::Parameter": true}

// Every resource type the rules' code names is one whose parts make
// scenarios, or one they read by its type alone: a type left out of
// judgedTypes would have its parts judged in one deployment only.
func TestJudgedTypesNameEveryTypeTheRulesName(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	resourceType := regexp.MustCompile(`^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$`)
	named := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil || !resourceType.MatchString(text) {
				return true
			}
			named++
			if !judgedTypes[text] && !readByTypeAlone[text] {
				t.Errorf("%s names %s, which judgedTypes does not hold", file, text)
			}
			return true
		})
	}
	if named < 20 {
		t.Errorf("found %d resource types named in the rules: the scan is broken", named)
	}
}

// What the rules read decides; what they do not, such as a function's
// memory, makes no scenario to judge.
func TestScenariosVaryOnlyWhatTheRulesRead(t *testing.T) {
	src := `Parameters:
  Env: {Type: String, AllowedValues: [prod, dev]}
  Recovery: {Type: String, AllowedValues: ['Yes', 'No']}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Recover: !Equals [!Ref Recovery, 'Yes']
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: provided.al2023
      MemorySize: !If [IsProd, 1024, 256]
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: !If [Recover, true, false]}
  Logs:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: !If [IsProd, Retain, Delete]
`
	tmpl, err := cfn.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d := tmpl.Normalize().Deployments("", judgedParts)
	if len(d.Scenarios) != 2 || strings.Join(d.Inputs, ",") != "Recovery,Recover" {
		t.Errorf("%d scenarios of %v; want 2, of Recovery and Recover", len(d.Scenarios), d.Inputs)
	}
}

// Each family of rules judges alike with and without the parts it says it
// does not read, on every template of the repository and every way it
// deploys: a rule that read more than its family would lose it here.
func TestFamiliesReadOnlyWhatTheyDeclare(t *testing.T) {
	var files []string
	for _, glob := range []string{"../golden/*.yaml", "../examples/*.yaml", "../reference/*.yaml", "testdata/*/*.yaml",
		"../cmd/gen/testdata/adversarial/check/*.yaml", "../cmd/gen/testdata/adversarial/diff/*/*.yaml"} {
		matched, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matched...)
	}
	if len(files) < 300 {
		t.Fatalf("found %d templates", len(files))
	}
	compared := 0
	for _, file := range files {
		tmpl, err := cfn.Parse(mustRead(t, file))
		if err != nil {
			continue // a template written not to parse
		}
		d := tmpl.Normalize().Deployments("", judgedParts)
		for _, s := range d.Scenarios {
			u := d.Under(s)
			for _, f := range families {
				rules := slices.DeleteFunc(Rules(), func(r Rule) bool { return r.find == nil || r.family != f })
				whole, projected := judge(u, rules, Options{Today: today}), judge(cfn.Without([]*cfn.Template{u}, f.ignores)[0], rules, Options{Today: today})
				if !reflect.DeepEqual(whole, projected) {
					t.Errorf("%s, family %d: judged whole\n%v\nwithout what it does not read\n%v", file, f, whole, projected)
				}
				compared++
			}
		}
	}
	t.Logf("%d judgements compared", compared)
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
