package cfn

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *Template {
	t.Helper()
	tmpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestShortFormIntrinsicsParseToLongForm(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want any
	}{
		{"Ref", "!Ref Table", map[string]any{"Ref": "Table"}},
		{"GetAtt with a dot", "!GetAtt Key.Arn", map[string]any{"Fn::GetAtt": []any{"Key", "Arn"}}},
		{"GetAtt with a list", "!GetAtt [Key, Arn]", map[string]any{"Fn::GetAtt": []any{"Key", "Arn"}}},
		{"Sub with variables", "!Sub ['${A}', {A: !Ref B}]", map[string]any{"Fn::Sub": []any{"${A}", map[string]any{"A": map[string]any{"Ref": "B"}}}}},
		{"If", "!If [IsProd, a, !Ref AWS::NoValue]", map[string]any{"Fn::If": []any{"IsProd", "a", map[string]any{"Ref": "AWS::NoValue"}}}},
		{"Condition", "!Condition IsProd", map[string]any{"Condition": "IsProd"}},
		{"a number", "7", float64(7)},
		{"a quoted number", "'7'", "7"},
		{"a boolean", "true", true},
		{"a date stays text", "2012-10-17", "2012-10-17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := mustParse(t, "Value: "+tt.yaml)
			if got := tmpl.Value()["Value"]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// The same template in JSON and in YAML, short form and long form, is the
// same value.
func TestJSONAndYAMLOfOneTemplateAreOneValue(t *testing.T) {
	yamlSrc := `Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification: {SSEEnabled: true, KMSMasterKeyId: !GetAtt Key.Arn}
      Tags: [{Key: n, Value: 5}]
`
	jsonSrc := "{\n\t\"Resources\": {\"Table\": {\"Type\": \"AWS::DynamoDB::Table\", \"Properties\": {" +
		`"SSESpecification": {"SSEEnabled": true, "KMSMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}},` +
		`"Tags": [{"Key": "n", "Value": 5}]}}}` + "\n}\n"
	a, b := mustParse(t, yamlSrc), mustParse(t, jsonSrc)
	if !reflect.DeepEqual(a.Value(), b.Value()) {
		t.Errorf("YAML gives %#v\nJSON gives %#v", a.Value(), b.Value())
	}
}

// JSON strings may hold DEL and the C1 controls as they are; YAML may not.
func TestJSONWithCharactersYAMLRefusesIsRead(t *testing.T) {
	tmpl := mustParse(t, "{\"Description\": \"a\x7fb\u0085c\"}")
	if got := tmpl.Value()["Description"]; got != "a\x7fb\u0085c" {
		t.Errorf("Description = %q", got)
	}
}

func TestPositionsPointAtKeysAndItems(t *testing.T) {
	yamlSrc := `Resources:
  Key:
    Type: AWS::KMS::Key
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification:
        KMSMasterKeyId: !GetAtt Key.Arn
      Tags:
        - Key: a
          Value: b
`
	jsonSrc := `{"Resources": {
  "Table": {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {"SSESpecification": {"KMSMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}}
  }
}}`
	tests := []struct {
		name string
		src  string
		path []string
		want Pos
	}{
		{"a resource", yamlSrc, []string{"Resources", "Table"}, Pos{4, 3}},
		{"a nested property", yamlSrc, []string{"Resources", "Table", "Properties", "SSESpecification", "KMSMasterKeyId"}, Pos{8, 9}},
		{"a list item", yamlSrc, []string{"Resources", "Table", "Properties", "Tags", "0"}, Pos{10, 11}},
		{"inside a short-form intrinsic: the property", yamlSrc, []string{"Resources", "Table", "Properties", "SSESpecification", "KMSMasterKeyId", "Fn::GetAtt", "0"}, Pos{8, 9}},
		{"a property that is not there: its resource", yamlSrc, []string{"Resources", "Key", "Properties", "KeyPolicy"}, Pos{2, 3}},
		{"a resource in JSON", jsonSrc, []string{"Resources", "Table"}, Pos{2, 3}},
		{"a property in JSON", jsonSrc, []string{"Resources", "Table", "Properties", "SSESpecification", "KMSMasterKeyId"}, Pos{4, 41}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustParse(t, tt.src).Pos(tt.path...); got != tt.want {
				t.Errorf("Pos(%s) = %v, want %v", strings.Join(tt.path, "/"), got, tt.want)
			}
		})
	}
}

func TestATemplateWithoutSourceHasNoPositions(t *testing.T) {
	tmpl := New(map[string]any{"Resources": map[string]any{"Key": map[string]any{"Type": "AWS::KMS::Key"}}})
	if got := tmpl.Pos("Resources", "Key"); got != (Pos{}) {
		t.Errorf("Pos = %v, want the zero Pos", got)
	}
	if _, ok := tmpl.Resource("Key"); !ok {
		t.Error("the resource is not there")
	}
}

func TestResourcesComeSortedAndFilteredByType(t *testing.T) {
	tmpl := mustParse(t, `Resources:
  B: {Type: AWS::KMS::Key}
  A: {Type: AWS::KMS::Key}
  C: {Type: AWS::DynamoDB::Table, Properties: {TableName: t}, DeletionPolicy: Retain}
`)
	var ids []string
	for _, r := range tmpl.Resources("AWS::KMS::Key") {
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != "[A B]" {
		t.Errorf("keys %v, want [A B]", ids)
	}
	c, _ := tmpl.Resource("C")
	if c.Prop("TableName") != "t" || c.Policy("DeletionPolicy") != "Retain" || c.Policy("UpdateReplacePolicy") != "" {
		t.Errorf("C = %+v", c)
	}
}

func TestUnreadableTemplatesNameTheLine(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"bad YAML", "Resources:\n  A: [\n", "line"},
		{"bad JSON", "{\n  \"Resources\": {\n    \"A\": }\n}", "line 3"},
		{"a list instead of a template", "- a\n- b\n", "line 1: a template is a mapping of sections, got a list"},
		{"an empty file", "", "line 1: empty template"},
		{"a GetAtt without an attribute", "Value: !GetAtt Key\n", `line 1: !GetAtt "Key": want Resource.Attribute`},
		{"an alias inside its own anchor", "Resources: &r\n  A: *r\n", "line 2: alias *r refers to a node that contains it"},
		{"an alias bomb", aliasBomb(), "aliases expand to more than 10000 nodes"},
		{"a wide alias bomb", wideAliasBomb(), "line 2: alias *a: aliases expand to more than 10000 nodes"},
		{"a merge key", "Base: &b {Type: AWS::KMS::Key}\nResources:\n  Key:\n    <<: *b\n", "line 4: YAML merge keys (<<) are not supported: write the keys out"},
		{"a key given twice", "Resources:\n  A: {}\n  A: {}\n", `line 3: mapping key "A" already defined at line 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

// aliasBomb is a "billion laughs": ten levels of ten aliases each.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x]\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// wideAliasBomb is one anchor of 3,000 items named by 9,999 aliases: few
// aliases, each of many nodes, 36 KB that would expand to 30 million.
func wideAliasBomb() string {
	return "a: &a [" + strings.Repeat("x, ", 2999) + "x]\nb: [" + strings.Repeat("*a, ", 9998) + "*a]\n"
}

// A wide alias bomb is refused before it is expanded, not after.
func TestAWideAliasBombFailsFast(t *testing.T) {
	src := []byte(wideAliasBomb())
	allocs := testing.AllocsPerRun(1, func() {
		if _, err := Parse(src); err == nil {
			t.Fatal("parsed")
		}
	})
	if allocs > 200_000 {
		t.Errorf("%.0f allocations to refuse it", allocs)
	}
}

// A key written "<<" in quotes, or in JSON, is a key like any other.
func TestAQuotedMergeKeyIsAKey(t *testing.T) {
	for _, src := range []string{"Metadata: {'<<': x}\n", `{"Metadata": {"<<": "x"}}`} {
		if got := fmt.Sprint(mustParse(t, src).Value()["Metadata"]); got != "map[<<:x]" {
			t.Errorf("%s: Metadata = %s", src, got)
		}
	}
}
