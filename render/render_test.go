package render

import (
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/policies"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func renderYAML(t *testing.T, s *template.Stack) string {
	t.Helper()
	out, err := YAML(s.Template, Order(s.ResourceOrder, s.OutputOrder))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// stackWith is a stack holding the given resources, added in the given order.
func stackWith(ids []string, resources ...cloudformation.Resource) *template.Stack {
	tmpl := cloudformation.NewTemplate()
	for i, r := range resources {
		tmpl.Resources[ids[i]] = r
	}
	return &template.Stack{Template: tmpl, ResourceOrder: ids}
}

func aliasTo(name string) *kms.Alias {
	return &kms.Alias{AliasName: name, TargetKeyId: "k"}
}

func TestIntrinsicsRenderInShortForm(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  string
	}{
		{"Ref", cloudformation.Ref("Key"), "AliasName: !Ref Key\n"},
		{"GetAtt with a resource and an attribute", cloudformation.GetAtt("Key", "Arn"), "AliasName: !GetAtt Key.Arn\n"},
		{"Sub with a string", cloudformation.Sub("alias/${AWS::StackName}"), "AliasName: !Sub alias/${AWS::StackName}\n"},
		{"Sub with variables", cloudformation.Sub([]any{"a-${B}", map[string]string{"B": cloudformation.Ref("C")}}),
			"AliasName: !Sub\n        - a-${B}\n        - B: !Ref C\n"},
		{"Join", cloudformation.Join("-", []string{"a", "b"}), "AliasName: !Join\n        - '-'\n        - - a\n          - b\n"},
		{"Select of GetAZs", cloudformation.Select(0, cloudformation.GetAZs("")), "AliasName: !Select\n        - 0\n        - !GetAZs ''\n"},
		{"ImportValue", cloudformation.ImportValue("Shared"), "AliasName: !ImportValue Shared\n"},
		{"an intrinsic inside another, which YAML cannot tag twice", cloudformation.Base64(cloudformation.Sub("x${A}")), "AliasName: !Base64\n        Fn::Sub: x${A}\n"},
		{"Base64", cloudformation.Base64("text"), "AliasName: !Base64 text\n"},
		{"a scalar that would read as a number", cloudformation.Sub("123"), "AliasName: !Sub '123'\n"},
		{"a scalar that starts like an alias", cloudformation.Sub("*"), "AliasName: !Sub '*'\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderYAML(t, stackWith([]string{"A"}, aliasTo(tt.value)))
			if !strings.Contains(got, "      "+tt.want) {
				t.Errorf("rendered\n%s\nwant it to hold\n%s", got, tt.want)
			}
		})
	}
}

func TestTopLevelKeysInCloudFormationOrder(t *testing.T) {
	s := stackWith([]string{"A"}, aliasTo("a"))
	s.Template.Transform = &cloudformation.Transform{String: cloudformation.String("AWS::Serverless-2016-10-31")}
	s.Template.Description = "d"
	s.Template.Outputs["O"] = cloudformation.Output{Value: "v"}
	s.Template.Conditions["C"] = cloudformation.Equals("a", "b")
	s.Template.Parameters["P"] = cloudformation.Parameter{Type: "String"}
	assertKeysInOrder(t, renderYAML(t, s), "AWSTemplateFormatVersion:", "Transform:", "Description:", "Parameters:", "Conditions:", "Resources:", "Outputs:")
}

func TestResourceKeysInCloudFormationOrder(t *testing.T) {
	key := &kms.Key{
		Description:                          cloudformation.String("d"),
		AWSCloudFormationCondition:           "C",
		AWSCloudFormationDependsOn:           []string{"B"},
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy("Retain"),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy("Retain"),
		AWSCloudFormationMetadata:            map[string]any{"m": "n"},
	}
	assertKeysInOrder(t, renderYAML(t, stackWith([]string{"K"}, key)),
		"Type:", "Condition:", "DependsOn:", "DeletionPolicy:", "UpdateReplacePolicy:", "Metadata:", "Properties:")
}

func TestPolicyStatementKeysInReadingOrder(t *testing.T) {
	key := &kms.Key{KeyPolicy: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
		Sid: "S", Effect: cfn.Allow, Principal: map[string]any{"AWS": "*"}, Action: "kms:*", Resource: "*",
		Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "true"}},
	}}}}
	assertKeysInOrder(t, renderYAML(t, stackWith([]string{"K"}, key)),
		"Version:", "Statement:", "Sid:", "Effect:", "Principal:", "Action:", "Resource:", "Condition:")
}

func TestResourcesAndOutputsInTheOrderTheyWereAdded(t *testing.T) {
	s := stackWith([]string{"Zeta", "Alpha", "Mid"}, aliasTo("z"), aliasTo("a"), aliasTo("m"))
	s.Template.Outputs["Second"] = cloudformation.Output{Value: "2"}
	s.Template.Outputs["First"] = cloudformation.Output{Value: "1"}
	s.OutputOrder = []string{"Second", "First"}
	assertKeysInOrder(t, renderYAML(t, s), "  Zeta:", "  Alpha:", "  Mid:", "  Second:", "  First:")
}

// Without Order, resources and outputs come by logical id.
func TestAnyTemplateRendersWithItsResourcesByLogicalID(t *testing.T) {
	tmpl := cloudformation.NewTemplate()
	for _, id := range []string{"Zeta", "Alpha", "Mid"} {
		tmpl.Resources[id] = aliasTo(id)
	}
	out, err := YAML(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	assertKeysInOrder(t, string(out), "  Alpha:", "  Mid:", "  Zeta:")
}

func TestNoTemplateIsAnError(t *testing.T) {
	for name, render := range map[string]func(*cloudformation.Template, ...Option) ([]byte, error){"YAML": YAML, "JSON": JSON} {
		if out, err := render(nil); err == nil || err.Error() != "no template to render" {
			t.Errorf("%s(nil) = %q, %v; want the error no template to render", name, out, err)
		}
	}
}

func TestMultiLineStringsAreBlockLiterals(t *testing.T) {
	got := renderYAML(t, stackWith([]string{"A"}, aliasTo("line one\nline two\n")))
	want := "AliasName: |\n        line one\n        line two\n"
	if !strings.Contains(got, want) {
		t.Errorf("rendered\n%s\nwant it to hold\n%s", got, want)
	}
}

func TestJSONKeepsTheSameKeyOrderInLongForm(t *testing.T) {
	s := stackWith([]string{"Zeta", "Alpha"}, aliasTo(cloudformation.Ref("K")), aliasTo("<a&b>"))
	out, err := JSON(s.Template, Order(s.ResourceOrder, s.OutputOrder))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	assertKeysInOrder(t, got, `"Zeta"`, `"Type"`, `"Properties"`, `"Alpha"`)
	for _, want := range []string{`"AliasName": {` + "\n" + `          "Ref": "K"`, `"<a&b>"`} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON\n%s\nwant it to hold %s", got, want)
		}
	}
}

func assertKeysInOrder(t *testing.T, text string, keys ...string) {
	t.Helper()
	last := -1
	for _, k := range keys {
		i := strings.Index(text, k)
		if i < 0 {
			t.Fatalf("%q missing from\n%s", k, text)
		}
		if i < last {
			t.Errorf("%q comes before the key listed ahead of it in\n%s", k, text)
		}
		last = i
	}
}
