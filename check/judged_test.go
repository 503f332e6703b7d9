package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
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
