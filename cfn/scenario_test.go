package cfn

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// scenarios lists the scenarios of a template as "Input=value" and
// "Condition=truth" texts, sorted.
func scenarios(t *testing.T, src, region string) []string {
	t.Helper()
	return scenariosReading(t, src, region, nil)
}

// scenariosReading lists the scenarios of the parts reads reads.
func scenariosReading(t *testing.T, src, region string, reads Reads) []string {
	t.Helper()
	tmpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range tmpl.Normalize().Deployments(region, reads).Scenarios {
		var text []string
		for _, name := range slices.Sorted(maps.Keys(s.Values)) {
			text = append(text, name+"="+s.Values[name])
		}
		for _, name := range slices.Sorted(maps.Keys(s.Conditions)) {
			text = append(text, fmt.Sprintf("%s=%v", name, s.Conditions[name]))
		}
		out = append(out, fmt.Sprint(text))
	}
	slices.Sort(out)
	return out
}

const twoParameters = `"Parameters": {
    "Env": {"Type": "String", "AllowedValues": ["prod", "dev"]},
    "Access": {"Type": "String", "AllowedValues": ["open", "closed"]}},
  "Conditions": {
    "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
    "IsNotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
    "IsOpen": {"Fn::Equals": [{"Ref": "Access"}, "open"]}},
  "Resources": {"Key": {"Type": "AWS::KMS::Key", "Condition": "IsOpen", "Properties": {
    "EnableKeyRotation": {"Fn::If": ["IsProd", true, false]}, "Description": {"Fn::If": ["IsNotProd", "test", "prod"]}}}}`

func TestDeploymentsNeverHoldContradictoryConditions(t *testing.T) {
	got := scenarios(t, `{`+twoParameters+`}`, "")
	want := []string{
		"[Access=closed Env=dev IsNotProd=true IsOpen=false IsProd=false]",
		"[Access=closed Env=prod IsNotProd=false IsOpen=false IsProd=true]",
		"[Access=open Env=dev IsNotProd=true IsOpen=true IsProd=false]",
		"[Access=open Env=prod IsNotProd=false IsOpen=true IsProd=true]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// CloudFormation refuses a deployment whose parameters break an assertion
// of the Rules, so no one judges it.
func TestDeploymentsLeaveOutWhatRulesRefuse(t *testing.T) {
	src := `{` + twoParameters + `,
  "Rules": {"ProdIsClosed": {
    "RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
    "Assertions": [{"Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Access"}, "open"]}]}}]}}}`
	got := scenarios(t, src, "")
	want := []string{
		"[Access=closed Env=dev IsNotProd=true IsOpen=false IsProd=false]",
		"[Access=closed Env=prod IsNotProd=false IsOpen=false IsProd=true]",
		"[Access=open Env=dev IsNotProd=true IsOpen=true IsProd=false]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A Region the mappings do not name is deployed to as well: it takes the
// lookup's DefaultValue.
func TestDeploymentsTryEveryRegionTheMappingsNameAndOneTheyDoNot(t *testing.T) {
	src := `{"Mappings": {"Keys": {"us-east-1": {"Rotate": "true"}, "eu-west-1": {"Rotate": "false"}}},
  "Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {
    "EnableKeyRotation": {"Fn::FindInMap": ["Keys", {"Ref": "AWS::Region"}, "Rotate", {"DefaultValue": "false"}]}}}}}`
	got := scenarios(t, src, "")
	want := []string{"[AWS::Region=" + Unnamed + "]", "[AWS::Region=eu-west-1]", "[AWS::Region=us-east-1]"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// What no judged part reads makes no scenario: a condition no resource
// names, a property the judgement does not read, and the parameters only
// they test.
func TestDeploymentsVaryOnlyWhatIsRead(t *testing.T) {
	src := `{` + twoParameters + `}`
	src = strings.Replace(src, `"Condition": "IsOpen", `, "", 1)
	tests := []struct {
		name  string
		reads Reads
		want  []string
	}{
		{"every part", nil, []string{
			"[Env=dev IsNotProd=true IsProd=false]",
			"[Env=prod IsNotProd=false IsProd=true]",
		}},
		{"the rotation alone", func(_, part string) bool { return part == "EnableKeyRotation" }, []string{
			"[Env=dev IsProd=false]",
			"[Env=prod IsProd=true]",
		}},
		{"no part of a key: one deployment, nothing decided", func(typ, _ string) bool { return typ != "AWS::KMS::Key" }, []string{"[]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scenariosReading(t, src, "", tt.reads); !slices.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// The Region is decided where a condition compares it or a mapping is
// looked up by it; written in a value it stays ${AWS::Region}.
func TestDeploymentsDecideTheRegionWhereItIsTested(t *testing.T) {
	const src = `{"Conditions": {"InHome": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
  "Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {
    "Description": {"Fn::Sub": "a key of ${AWS::Region}"}, "EnableKeyRotation": %s}}}}`
	for _, tt := range []struct {
		rotation string
		want     []string
	}{
		{"true", []string{"[]"}},
		{`{"Fn::If": ["InHome", true, false]}`, []string{"[AWS::Region=" + Unnamed + " InHome=false]", "[AWS::Region=us-east-1 InHome=true]"}},
	} {
		got := scenarios(t, fmt.Sprintf(src, tt.rotation), "")
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("rotation %s: got %q, want %q", tt.rotation, got, tt.want)
		}
	}
}

// Without leaves out the parts a judgement must not read, and nothing else:
// an entry part or a property it names is gone, the rest is the very value
// written, the templates given are as they were, and an entry two
// templates share is left out of once, for both.
func TestWithoutLeavesOutWhatDropNames(t *testing.T) {
	tmpl, err := Parse([]byte(`{"Resources": {
  "Key": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "Properties": {"EnableKeyRotation": true, "Description": "d"}},
  "Role": {"Type": "AWS::IAM::Role", "Properties": {"Path": "/"}},
  "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"DeletionProtectionEnabled": true}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	settings := func(typ, part string) bool {
		return part == "DeletionPolicy" || part == "EnableKeyRotation" || typ == "AWS::DynamoDB::Table" && part == "DeletionProtectionEnabled"
	}
	other := *tmpl // a template that shares every entry, as Under makes one
	without := Without([]*Template{tmpl, &other}, settings)
	want := map[string]any{
		"Key":   map[string]any{"Type": "AWS::KMS::Key", "Properties": map[string]any{"Description": "d"}},
		"Role":  map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"Path": "/"}},
		"Table": map[string]any{"Type": "AWS::DynamoDB::Table", "Properties": map[string]any{}},
	}
	for i, w := range without {
		if got := w.Section("Resources"); !reflect.DeepEqual(got, want) {
			t.Errorf("template %d: got %v\nwant %v", i, got, want)
		}
	}
	identical := func(a, b any) bool { return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() }
	if !identical(without[0].Section("Resources")["Key"], without[1].Section("Resources")["Key"]) {
		t.Error("the entry both templates share is made twice")
	}
	if !identical(without[0].Section("Resources")["Role"], tmpl.Section("Resources")["Role"]) {
		t.Error("an entry without a part to leave out is copied")
	}
	if key := tmpl.Section("Resources")["Key"].(map[string]any); key["DeletionPolicy"] != "Retain" || At(key, "Properties", "EnableKeyRotation") != true {
		t.Errorf("the template given lost parts: %v", key)
	}
	if got := without[0].Pos("Resources", "Key", "Properties", "Description"); got.Line != 2 {
		t.Errorf("position of Description: %+v, want line 2", got)
	}
}
