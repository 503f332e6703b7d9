package render

import (
	"bytes"
	"testing"

	"gopkg.in/yaml.v3"
)

// yaml.v3 on its own writes YAML 1.1's booleans plain, and CloudFormation's
// YAML 1.1 reader then takes a tag value "yes" for true: one reason this
// package writes its YAML itself.
func TestYAMLv3WritesYesPlain(t *testing.T) {
	var b bytes.Buffer
	if err := yaml.NewEncoder(&b).Encode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "yes"}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "yes\n" {
		t.Errorf("yaml.v3 now writes %q: the reason to quote YAML 1.1 keywords ourselves is gone", b.String())
	}
	if got := quoted("yes"); got != "'yes'" {
		t.Errorf("quoted(yes) = %s", got)
	}
}

func TestScalarsArePlainOnlyWhenTheyReadBackAsThemselves(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"a word", "Allow", "Allow"},
		{"an action with a wildcard", "kms:ReEncrypt*", "kms:ReEncrypt*"},
		{"a Sub pattern", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
		{"a path", "/aws/lambda/x", "/aws/lambda/x"},
		{"a date", "2012-10-17", "'2012-10-17'"},
		{"a number", "365", "'365'"},
		{"a YAML 1.1 boolean", "Yes", "'Yes'"},
		{"null", "null", "'null'"},
		{"the empty string", "", "''"},
		{"an asterisk, which starts an alias", "*", "'*'"},
		{"a tag", "!Ref X", "'!Ref X'"},
		{"a sequence entry", "- item", "'- item'"},
		{"a mapping", "key: value", "'key: value'"},
		{"a comment", "a #b", "'a #b'"},
		{"a single quote", "it's", "it's"},
		{"a leading single quote", "'q'", "'''q'''"},
		{"a trailing space", "word ", "'word '"},
		{"a tab", "a\tb", `"a\tb"`},
		{"non-ASCII text", "é", `"é"`},
		{"a control character", "\x01", `"\u0001"`},
		{"delete", "\x7f", `"\u007F"`},
		{"a line separator", "a\u2028b", `"a\u2028b"`},
		{"a quote and a backslash with a tab", "\"\\\t", `"\"\\\t"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quoted(tt.in); got != tt.want {
				t.Errorf("quoted(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestOnlyPlainMultiLineTextBecomesABlockLiteral(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"code ending in a newline", "def f():\n  return 1\n", true},
		{"lines without a final newline", "a\nb", true},
		{"a blank line inside", "a\n\nb\n", true},
		{"one line", "a\n", false},
		{"two final newlines", "a\nb\n\n", false},
		{"a first line starting with a space", " a\nb\n", false},
		{"a trailing space", "a \nb\n", false},
		{"only newlines", "\n\n", false},
		{"a carriage return", "a\r\nb\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readsWellAsBlock(tt.in); got != tt.want {
				t.Errorf("readsWellAsBlock(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
