package check

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

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
		{"a number", "7", float64(7)},
		{"a quoted number", "'7'", "7"},
		{"a boolean", "true", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := Parse([]byte("Value: " + tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tmpl["Value"], tt.want) {
				t.Errorf("got %#v, want %#v", tmpl["Value"], tt.want)
			}
		})
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
