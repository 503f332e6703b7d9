package check

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// today is a fixed date, so the runtime table gives the same answer every day.
var today = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func parseFile(t *testing.T, path string) *cfn.Template {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfn.Parse(src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tmpl
}

func TestTheCleanTemplatePassesEveryRule(t *testing.T) {
	findings := Run(parseFile(t, "testdata/rules/clean.yaml"), Options{Production: true, Today: today})
	for _, f := range findings {
		t.Errorf("%s %s %s: %s", f.Severity, f.Rule, f.Resource, f.Message)
	}
}

// Each testdata/rules/<RULE>.yaml changes one thing in clean.yaml.
func TestEachRuleTemplateYieldsExactlyItsFinding(t *testing.T) {
	tests := []struct {
		rule     string
		resource string
		severity Severity
	}{
		{"SSE001", "Table", Error},
		{"SSE002", "Table", Error},
		{"SSE003", "Table", Error},
		{"LIF001", "Table", Error},
		{"DDB001", "Table", Info},
		{"DDB002", "Table", Info},
		{"KEY001", "Key", Error},
		{"KEY002", "Key", Error},
		{"KEY003", "Key", Error},
		{"KEY004", "Key", Error},
		{"KEY005", "Key", Error},
		{"KEY006", "Key", Warning},
		{"KEY007", "Key", Error},
		{"KEY008", "Key", Info},
		{"KEY009", "Key", Error},
		{"KEY010", "Key", Info},
		{"KEY011", "Key", Warning},
		{"KEY012", "Key", Warning},
		{"IAM001", "WriterPolicy", Error},
		{"IAM002", "WriterPolicy", Error},
		{"IAM003", "WriterPolicy", Warning},
		{"IAM004", "WriterPolicy", Error},
		{"IAM005", "Reader", Error},
		{"LMB001", "Writer", Error},
		{"SSE004", "Table", Info},
		{"DDB003", "Table", Error},
		{"DDB004", "Table", Info},
		{"DDB005", "Table", Info},
		{"CHK001", "WriterPolicy", Warning},
		{"CHK002", "Table", Error},
		{"CHK003", "Table", Warning},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.rule] = true
		t.Run(tt.rule, func(t *testing.T) {
			findings := Run(parseFile(t, filepath.Join("testdata/rules", tt.rule+".yaml")), Options{Today: today})
			if len(findings) != 1 {
				t.Fatalf("got %d findings, want one %s: %+v", len(findings), tt.rule, findings)
			}
			f := findings[0]
			if f.Rule != tt.rule || f.Resource != tt.resource || f.Severity != tt.severity {
				t.Errorf("got %s %s on %s, want %s %s on %s", f.Severity, f.Rule, f.Resource, tt.severity, tt.rule, tt.resource)
			}
			if f.Message == "" || f.Fix == "" {
				t.Errorf("finding lacks a message or a fix: %+v", f)
			}
		})
	}
	for _, r := range Rules() {
		if !covered[r.ID] && !stackSized[r.ID] && !DeploymentRule(r.ID) {
			t.Errorf("rule %s has no template under testdata/rules", r.ID)
		}
	}
}

func TestProductionMakesRecoveryAndGrantRulesErrors(t *testing.T) {
	for _, rule := range []string{"DDB001", "DDB002", "KEY008"} {
		findings := Run(parseFile(t, filepath.Join("testdata/rules", rule+".yaml")), Options{Production: true, Today: today})
		if len(findings) != 1 || findings[0].Severity != Error {
			t.Errorf("%s under production: %+v, want one error", rule, findings)
		}
	}
}

func TestRuntimesAreJudgedByTheirDeprecationDate(t *testing.T) {
	tmpl := parseFile(t, "testdata/rules/LMB001.yaml")
	if f := Run(tmpl, Options{Today: time.Date(2024, 1, 7, 0, 0, 0, 0, time.UTC)}); len(f) != 0 {
		t.Errorf("go1.x the day before its deprecation: %+v", f)
	}
	if f := Run(tmpl, Options{Today: time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC)}); len(f) != 1 {
		t.Errorf("go1.x on its deprecation day: %+v, want one finding", f)
	}
}

func TestEveryRuntimeHasADeprecationDate(t *testing.T) {
	for name, life := range runtimes() {
		if _, err := time.Parse(time.DateOnly, life.Deprecated); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, ok := runtimes()["provided.al2023"]; !ok {
		t.Error("the writer's runtime provided.al2023 is not in the table")
	}
}

func TestTheReferenceTemplateHasARetiredRuntimeAndAnAccountWideKey(t *testing.T) {
	findings := Run(parseFile(t, "../reference/seed-template.yaml"), Options{Today: today})
	var errors, warnings []string
	for _, f := range findings {
		switch f.Severity {
		case Error:
			errors = append(errors, f.Rule)
		case Warning:
			warnings = append(warnings, f.Rule)
		}
	}
	if len(errors) != 1 || errors[0] != "LMB001" || len(warnings) != 1 || warnings[0] != "KEY006" {
		t.Errorf("errors %v and warnings %v, want [LMB001] and [KEY006]", errors, warnings)
	}
}

// stackSized rules need a template too big for testdata; their tests build one.
var stackSized = map[string]bool{"STK001": true, "STK002": true}

func TestAStackOverFiveHundredResourcesIsAnError(t *testing.T) {
	resources := map[string]any{}
	for i := range 499 {
		resources[fmt.Sprintf("Topic%d", i)] = map[string]any{"Type": "AWS::SNS::Topic"}
	}
	resources["Fn"] = map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{"Runtime": "provided.al2023"}}
	findings := Run(cfn.New(map[string]any{"Resources": resources}), Options{Today: today})
	if len(findings) != 1 || findings[0].Rule != "STK001" || findings[0].Severity != Error {
		t.Fatalf("got %+v, want one STK001 error", findings)
	}
	if want := "at least 501 resources"; !strings.Contains(findings[0].Message, want) {
		t.Errorf("message %q does not say %q (the function's implicit role counts)", findings[0].Message, want)
	}
	delete(resources, "Topic0")
	if findings := Run(cfn.New(map[string]any{"Resources": resources}), Options{Today: today}); len(findings) != 0 {
		t.Errorf("500 resources: %+v", findings)
	}
}

func TestATemplateOverTheInlineLimitIsAWarning(t *testing.T) {
	tmpl := parseFile(t, "testdata/rules/clean.yaml")
	if findings := Run(tmpl, Options{Today: today, Production: true, Size: 51200}); len(findings) != 0 {
		t.Errorf("51,200 bytes: %+v", findings)
	}
	findings := Run(tmpl, Options{Today: today, Production: true, Size: 51201})
	if len(findings) != 1 || findings[0].Rule != "STK002" || findings[0].Severity != Warning {
		t.Errorf("51,201 bytes: %+v, want one STK002 warning", findings)
	}
}

func TestKeyMaterialActionsAreFoundThroughWildcards(t *testing.T) {
	uses := func(s cfn.Statement) bool {
		s.Effect, s.Resource = cfn.Allow, "*"
		return usesKeysDirectly(cfn.PolicyDocument{Statement: []cfn.Statement{s}}, cfn.Env{})
	}
	for action, want := range map[string]bool{
		"kms:Decrypt": true, "kms:*": true, "kms:?*": true, "kms:Re*": true, "kms:Decrypt?": false, "KMS:GENERATEDATAKEY*": true,
		"kms:Describe*": false, "kms:CreateGrant": true, "s3:*": false, "*": true,
	} {
		if got := uses(cfn.Statement{Action: action}); got != want {
			t.Errorf("usesKeysDirectly(%q) = %v, want %v", action, got, want)
		}
	}
	if !uses(cfn.Statement{NotAction: "iam:*"}) || uses(cfn.Statement{NotAction: "kms:*"}) {
		t.Error("NotAction is not judged by what it leaves in")
	}
}

func TestAKeyPolicyGivenThroughToJsonStringIsRead(t *testing.T) {
	tmpl := parseFile(t, "testdata/rules/clean.yaml")
	key := cfn.At(tmpl.Value(), "Resources", "Key", "Properties").(map[string]any)
	key["KeyPolicy"] = map[string]any{"Fn::ToJsonString": key["KeyPolicy"]}
	if findings := Run(tmpl, Options{Today: today, Production: true}); len(findings) != 0 {
		t.Errorf("%+v", findings)
	}
}

func TestAStackOverTwoHundredOutputsIsAnError(t *testing.T) {
	outputs := map[string]any{}
	for i := range 201 {
		outputs[fmt.Sprintf("Out%d", i)] = map[string]any{"Value": "v"}
	}
	findings := Run(cfn.New(map[string]any{"Resources": map[string]any{}, "Outputs": outputs}), Options{Today: today})
	if len(findings) != 1 || findings[0].Rule != "STK001" || !strings.Contains(findings[0].Message, "201 outputs") {
		t.Errorf("got %+v, want one STK001 about 201 outputs", findings)
	}
}

// IAM's * matches across the colons of an ARN: a pattern that ends in one
// reaches every table, however few of the ARN's parts it writes.
func TestEveryTableIsReachedThroughWildcards(t *testing.T) {
	for resource, want := range map[string]bool{
		"*":                                    true,
		"arn:*":                                true,
		"arn:aws:dyn*":                         true,
		"arn:aws:dynamodb:*":                   true,
		"arn:aws:dynamodb:us-east-1:*":         true,
		"arn:aws:dynamodb:*:table/*":           true,
		"arn:aws:dynamodb:us-east-1:1:*":       true,
		"arn:aws:dynamodb:us-east-1:1:table/*": true,
		"arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*": true,
		"arn:aws:dynamodb:us-east-1:1:table/orders":                               false,
		"arn:aws:dynamodb:us-east-1:1:table/orders*":                              false,
		"arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}":    false,
		"arn:aws:dynamodb:*:*:table/orders":                                       false,
		"arn:aws:dynamodb:*:*:table/?*":                                           true,
		"arn:aws:*:table/orders":                                                  false,
		"arn:aws:s3:::*":                                                          false,
		"b*":                                                                      false,
	} {
		if got := len(reachesEveryTable(cfn.Statement{Action: "dynamodb:GetItem", Resource: resource})) > 0; got != want {
			t.Errorf("reachesEveryTable(%q) = %v, want %v", resource, got, want)
		}
	}
}

// A reference in a resource's text is one part of the ARN, whatever colons
// it holds.
func TestReferencesAreOnePartOfAnARN(t *testing.T) {
	for text, want := range map[string]string{
		"arn:${AWS::Partition}:kms:${AWS::Region}:1:key/*": "arn:ref:kms:ref:1:key/*",
		"${a ${b}c":      "refc",
		"${!Literal}/x":  "ref/x",
		"arn:${unclosed": "arn:${unclosed",
		"arn:aws:kms:::": "arn:aws:kms:::",
	} {
		if got := referencesAsRef(text); got != want {
			t.Errorf("referencesAsRef(%q) = %q, want %q", text, got, want)
		}
	}
}

// Past cfn's bound on combinations each condition is varied on its own,
// not judged in each of 2^n combinations, which are never made.
func TestManyConditionsAreNotCombined(t *testing.T) {
	resources, conditions := map[string]any{}, map[string]any{}
	for i := range 16 {
		resources[fmt.Sprintf("Alias%d", i)] = map[string]any{"Type": "AWS::KMS::Alias", "Properties": map[string]any{
			"AliasName": map[string]any{"Fn::If": []any{fmt.Sprintf("C%d", i), "alias/a", "alias/b"}}, "TargetKeyId": "k",
		}}
		conditions[fmt.Sprintf("C%d", i)] = map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "AWS::AccountId"}, fmt.Sprint(i)}}
	}
	tmpl := cfn.New(map[string]any{"Resources": resources, "Conditions": conditions})
	var findings []Finding
	allocs := testing.AllocsPerRun(1, func() { findings = Run(tmpl, Options{Today: today}) })
	if len(findings) != 1 || !strings.Contains(findings[0].Message, "too many combinations to judge each") {
		t.Errorf("got %+v, want one CHK001 saying the conditions are not combined", findings)
	}
	if allocs > 20_000 {
		t.Errorf("%.0f allocations for two branches", allocs)
	}
}

func TestTheAWSManagedPoliciesAreReadAsPolicies(t *testing.T) {
	for name, doc := range awsManagedPolicies {
		if _, err := cfn.ReadPolicy(doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if got, _, known := awsManagedPolicy(map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/" + name}); !known || got != name {
			t.Errorf("%s: its ARN is not recognised", name)
		}
	}
}

// A finding about a replica's key points at that key, whichever replica's
// Region its message names.
func TestAReplicaFindingPointsAtTheReplicasKey(t *testing.T) {
	src := []byte(`Resources:
  Global:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      SSESpecification: {SSEEnabled: true, SSEType: KMS}
      Replicas:
        - Region: eu-west-1
          SSESpecification:
            KMSMasterKeyId: alias/aws/dynamodb
`)
	findings, err := Source(src, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Rule == "SSE002" {
			if want := "Properties.Replicas.0.SSESpecification.KMSMasterKeyId"; f.Path != want || f.Line != 9 {
				t.Errorf("SSE002 at %s, line %d; want %s, line 9", f.Path, f.Line, want)
			}
			return
		}
	}
	t.Errorf("no SSE002 in %v", findings)
}
