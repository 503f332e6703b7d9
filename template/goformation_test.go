package template

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// These tests pin goformation v7.14.9 behaviour the builder works around. If
// one fails after an upgrade, the workaround named in it may be obsolete.

func templateJSON(t *testing.T, resources cloudformation.Resources) string {
	t.Helper()
	tmpl := cloudformation.NewTemplate()
	tmpl.Resources = resources
	out, err := tmpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Why policy documents hold cloudformation.Ref/GetAtt/Sub strings, never maps.
func TestGoformationEvaluatesRawIntrinsicMapsToFakeValues(t *testing.T) {
	out := templateJSON(t, cloudformation.Resources{"Key": &kms.Key{
		KeyPolicy: map[string]any{"Region": map[string]any{"Ref": "AWS::Region"}},
	}})
	if strings.Contains(out, `"Ref"`) || !strings.Contains(out, `"us-east-1"`) {
		t.Errorf("raw {Ref: AWS::Region} no longer becomes the fake value us-east-1:\n%s", out)
	}
	out = templateJSON(t, cloudformation.Resources{"Key": &kms.Key{
		KeyPolicy: map[string]any{"Region": cloudformation.Ref("AWS::Region")},
	}})
	if !strings.Contains(out, `"Ref": "AWS::Region"`) {
		t.Errorf("cloudformation.Ref no longer renders as an intrinsic:\n%s", out)
	}
}

// Why the seed's inline code uses Sub with a list instead of SubVars: SubVars
// quotes its variables with %q, which is not JSON for anything but plain
// strings, and the template then holds the encoded intrinsic as base64 text.
func TestGoformationSubVarsCanEmitABase64Blob(t *testing.T) {
	blob := cloudformation.SubVars("${Size}", map[string]any{"Size": 5})
	out := templateJSON(t, cloudformation.Resources{"Key": &kms.Key{Description: cloudformation.String(blob)}})
	if !strings.Contains(out, `"Description": "`+blob+`"`) {
		t.Errorf("SubVars with a number no longer renders as base64 text:\n%s", out)
	}
	out = templateJSON(t, cloudformation.Resources{"Key": &kms.Key{
		Description: cloudformation.String(cloudformation.Sub([]any{"${Size}", map[string]any{"Size": 5}})),
	}})
	if !strings.Contains(out, `"Size": 5`) {
		t.Errorf("Sub with a list no longer renders its variables:\n%s", out)
	}
}

// Why the seed's writer sets exactly one member of Function_Policies.
func TestGoformationPoliciesUnionKeepsOnlyOneMember(t *testing.T) {
	policies := serverless.Function_Policies{
		String:            cloudformation.String("AWSLambdaBasicExecutionRole"),
		IAMPolicyDocument: &serverless.Function_IAMPolicyDocument{Statement: []any{map[string]any{"Effect": "Allow"}}},
	}
	out, err := json.Marshal(policies)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "AWSLambdaBasicExecutionRole") && strings.Contains(string(out), "Statement") {
		t.Errorf("Function_Policies now keeps both members: %s", out)
	}
}

// Why the writer's log group is an explicit AWS::Logs::LogGroup.
func TestGoformationServerlessFunctionLacksLoggingConfig(t *testing.T) {
	if _, ok := reflect.TypeFor[serverless.Function]().FieldByName("LoggingConfig"); ok {
		t.Error("serverless.Function now has LoggingConfig")
	}
}

// Why package render exists.
func TestGoformationYAMLIsLongFormAndAlphabetical(t *testing.T) {
	tmpl := cloudformation.NewTemplate()
	tmpl.Resources["Alias"] = &kms.Alias{AliasName: "alias/a", TargetKeyId: cloudformation.Ref("Key")}
	out, err := tmpl.YAML()
	if err != nil {
		t.Fatal(err)
	}
	y := string(out)
	if !strings.Contains(y, "Ref: Key") || strings.Index(y, "Properties:") > strings.Index(y, "Type:") {
		t.Errorf("Template.YAML is no longer long-form with Properties before Type:\n%s", y)
	}
}

// Why every parse of a template passes cloudformation.EncoderIntrinsics.
func TestGoformationParseReplacesIntrinsicsUnlessTold(t *testing.T) {
	src := []byte("Resources:\n  Alias:\n    Type: AWS::KMS::Alias\n    Properties:\n      AliasName: !Sub alias/${AWS::Region}\n      TargetKeyId: !Ref Key\n")
	plain, err := goformation.ParseYAML(src)
	if err != nil {
		t.Fatal(err)
	}
	alias, err := plain.GetKMSAliasWithName("Alias")
	if err != nil {
		t.Fatal(err)
	}
	if alias.AliasName != "alias/us-east-1" {
		t.Errorf("plain parse now keeps !Sub: AliasName = %q", alias.AliasName)
	}
	kept, err := goformation.ParseYAMLWithOptions(src, &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: cloudformation.EncoderIntrinsics})
	if err != nil {
		t.Fatal(err)
	}
	alias, err = kept.GetKMSAliasWithName("Alias")
	if err != nil {
		t.Fatal(err)
	}
	if alias.AliasName != cloudformation.Sub("alias/${AWS::Region}") {
		t.Errorf("parse with EncoderIntrinsics lost !Sub: AliasName = %q", alias.AliasName)
	}
}

// Why an on-demand table with a ceiling is a ceilingTable: goformation's
// table and global index have no OnDemandThroughput, and its parser refuses
// a table that has one.
func TestGoformationTableLacksOnDemandThroughput(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[dynamodb.Table](), reflect.TypeFor[dynamodb.Table_GlobalSecondaryIndex]()} {
		if _, ok := typ.FieldByName("OnDemandThroughput"); ok {
			t.Errorf("%s now has OnDemandThroughput", typ)
		}
	}
	src := []byte("Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema: []\n      OnDemandThroughput: {MaxReadRequestUnits: 5}\n")
	if _, err := goformation.ParseYAML(src); err == nil || !strings.Contains(err.Error(), `unknown field "OnDemandThroughput"`) {
		t.Errorf("goformation now parses a table with OnDemandThroughput: %v", err)
	}
}
