package cfn

import (
	"encoding/json"
	"testing"
)

// normalised gives property prop of resource R, of type typ, once the
// template, R with properties and the other sections, is normalised.
func normalised(t *testing.T, sections, typ, properties, prop string) any {
	t.Helper()
	src := `{` + sections + `"Resources": {
	  "R": {"Type": "` + typ + `", "Properties": ` + properties + `},
	  "Writer": {"Type": "AWS::IAM::Role", "Properties": {}},
	  "Deep": {"Type": "AWS::IAM::Role", "Properties": {"Path": "/team/"}},
	  "Setting": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "alias/data"}}}}`
	tmpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := tmpl.Normalize().Resource("R")
	return r.Prop(prop)
}

// Each promise of Normalize: a value written another way is the same value.
func TestNormalizeWritesOneValueOneWay(t *testing.T) {
	const mappings = `"Mappings": {"Regions": {"us-east-1": {"Key": "shared"}, "eu-west-1": {"Key": "shared"}},
	  "Keys": {"prod": {"Alias": "alias/prod"}}},`
	tests := []struct {
		name, sections, typ, properties, want string
	}{
		{"a mapping of written-out keys is its value", mappings, "AWS::KMS::Alias",
			`{"P": {"Fn::FindInMap": ["Keys", "prod", "Alias"]}}`, `"alias/prod"`},
		{"a mapping keyed by Region is the value every Region shares", mappings, "AWS::KMS::Alias",
			`{"P": {"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Key"]}}`, `"shared"`},
		{"a missing mapping entry is its DefaultValue", mappings, "AWS::KMS::Alias",
			`{"P": {"Fn::FindInMap": ["Keys", "dev", "Alias", {"DefaultValue": "alias/dev"}]}}`, `"alias/dev"`},
		{"a parameter of one allowed value is that value", `"Parameters": {"Env": {"Type": "String", "AllowedValues": ["prod"]}},`, "AWS::KMS::Alias",
			`{"P": {"Ref": "Env"}}`, `"prod"`},
		{"a parameter of two allowed values stays", `"Parameters": {"Env": {"Type": "String", "AllowedValues": ["prod", "dev"]}},`, "AWS::KMS::Alias",
			`{"P": {"Ref": "Env"}}`, `{"Ref":"Env"}`},
		{"Fn::Select of a written-out list is its item", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Select": ["1", ["a", "b"]]}}`, `"b"`},
		{"Fn::Join of text is the text", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Join": ["/", ["alias", "data"]]}}`, `"alias/data"`},
		{"Fn::Join of text and references is the Fn::Sub of the same string", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":role/", {"Fn::GetAtt": ["Writer", "RoleId"]}]]}}`,
			`{"Fn::Sub":"arn:aws:iam::${AWS::AccountId}:role/${Writer.RoleId}"}`},
		{"Fn::Join keeps text that looks like a variable literal", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Join": ["", ["${Literal}", {"Ref": "Writer"}]]}}`, `{"Fn::Sub":"${!Literal}${Writer}"}`},
		{"Fn::Split of text is the list", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Split": [",", "a,b"]}}`, `["a","b"]`},
		{"Ref AWS::NoValue removes the property", "", "AWS::KMS::Alias",
			`{"P": {"Ref": "AWS::NoValue"}}`, `null`},
		{"Ref AWS::NoValue removes the list item", "", "AWS::KMS::Alias",
			`{"P": ["a", {"Ref": "AWS::NoValue"}]}`, `["a"]`},
		{"Fn::Sub of one attribute is the Fn::GetAtt", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Sub": "${Writer.Arn}"}}`, `{"Fn::GetAtt":["Writer","Arn"]}`},
		{"Fn::Sub of one resource is the Ref", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Sub": "${Writer}"}}`, `{"Ref":"Writer"}`},
		{"Fn::Sub of no variable is its text", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Sub": "alias/${!Literal}"}}`, `"alias/${Literal}"`},
		{"a role's ARN written out is its Arn attribute", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Writer}"}}`, `{"Fn::GetAtt":["Writer","Arn"]}`},
		{"the ARN of a role at another path stays written out", "", "AWS::KMS::Alias",
			`{"P": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Deep}"}}`,
			`{"Fn::Sub":"arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Deep}"}`},
		{"an SSM parameter's Value is the value it sets", "", "AWS::KMS::Alias",
			`{"P": {"Fn::GetAtt": ["Setting", "Value"]}}`, `"alias/data"`},
		{"a boolean written as text is the boolean", "", "AWS::KMS::Key",
			`{"EnableKeyRotation": "True"}`, `true`},
		{"a number written as text is the number", "", "AWS::KMS::Key",
			`{"PendingWindowInDays": "30"}`, `30`},
		{"text where the schema wants text stays text", "", "AWS::KMS::Key",
			`{"Description": "30"}`, `"30"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prop := "P"
			if tt.typ == "AWS::KMS::Key" {
				var props map[string]any
				if err := json.Unmarshal([]byte(tt.properties), &props); err != nil {
					t.Fatal(err)
				}
				for k := range props {
					prop = k
				}
			}
			got, err := json.Marshal(normalised(t, tt.sections, tt.typ, tt.properties, prop))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
