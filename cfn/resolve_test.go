package cfn

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// deployed is what a stack of the test template says once deployed.
var deployed = Stack{
	Pseudo:     map[string]string{"AWS::AccountId": "123456789012", "AWS::Region": "eu-west-1", "AWS::Partition": "aws"},
	Parameters: map[string]string{"Env": "prod"},
	Physical:   map[string]string{"Role": "stack-Role-1"},
	Attribute: func(id, attribute string) (string, error) {
		if id == "Role" && attribute == "Arn" {
			return "arn:aws:iam::123456789012:role/stack-Role-1", nil
		}
		return "", errors.New("DescribeTable: AccessDeniedException")
	},
}

const resolveTemplate = `Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Loop: !Condition Loop
Mappings:
  Regions:
    eu-west-1: {Name: ireland}
`

func TestResolveEvaluatesIntrinsicsAgainstTheStack(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want any
	}{
		{"a pseudo parameter", "!Ref AWS::AccountId", "123456789012"},
		{"a parameter", "!Ref Env", "prod"},
		{"a resource's physical id", "!Ref Role", "stack-Role-1"},
		{"GetAtt", "!GetAtt Role.Arn", "arn:aws:iam::123456789012:role/stack-Role-1"},
		{"Sub", "!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'", "arn:aws:iam::123456789012:root"},
		{"Sub with an attribute and an escape", "!Sub '${Role.Arn} ${!Literal}'", "arn:aws:iam::123456789012:role/stack-Role-1 ${Literal}"},
		{"Sub with variables", "!Sub ['${R}-x', {R: !Ref AWS::Region}]", "eu-west-1-x"},
		{"Join", "!Join [':', [a, !Ref Env]]", "a:prod"},
		{"Select and Split", "!Select [1, !Split [',', 'a,b,c']]", "b"},
		{"If, condition true", "!If [IsProd, yes, no]", "yes"},
		{"If through a Condition reference", "!If [IsDev, yes, no]", "no"},
		{"FindInMap", "!FindInMap [Regions, !Ref AWS::Region, Name]", "ireland"},
		{"Base64", "!Base64 hi", "aGk="},
		{"ToJsonString", "{'Fn::ToJsonString': {a: !Ref Env}}", `{"a":"prod"}`},
		{"NoValue removes a list item", "[a, !Ref AWS::NoValue]", []any{"a"}},
		{"NoValue removes a key", "{a: !Ref AWS::NoValue, b: c}", map[string]any{"b": "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := mustParse(t, resolveTemplate+"V: "+tt.yaml)
			got, err := tmpl.Resolve(tmpl.Value()["V"], deployed)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// A value that cannot be known is an error, never a guess.
func TestResolveRefusesWhatTheStackDoesNotSay(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"an unknown reference", "!Ref Table", "!Ref Table: the stack does not say"},
		{"an attribute the stack cannot give, with why", "!GetAtt Table.Arn", "Fn::GetAtt Table.Arn: DescribeTable: AccessDeniedException"},
		{"an unknown reference in Sub", "!Sub '${Table}'", `Fn::Sub "${Table}": !Ref Table: the stack does not say`},
		{"ImportValue", "!ImportValue shared-key", "Fn::ImportValue shared-key: not known before deployment"},
		{"a condition that refers to itself", "!If [Loop, a, b]", `condition "Loop": refers to itself`},
		{"a condition the template lacks", "!If [Missing, a, b]", `condition "Missing": not in the template's Conditions`},
		{"a Select out of range", "!Select [3, [a]]", "no item 3 in a list of 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := mustParse(t, resolveTemplate+"V: "+tt.yaml)
			_, err := tmpl.Resolve(tmpl.Value()["V"], deployed)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}
