package cfn

import (
	"fmt"
	"testing"
)

func TestTextReadsValuesAsAReviewerDoes(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"a string", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root"},
		{"a number", "365", "365"},
		{"a 12-digit account id", "123456789012", "123456789012"},
		{"a boolean", "false", "false"},
		{"Ref", "!Ref Role", "${Role}"},
		{"GetAtt", "!GetAtt Role.Arn", "${Role.Arn}"},
		{"Sub", "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
		{"Sub with variables", "!Sub ['arn:${P}:iam::${A}:root', {P: !Ref AWS::Partition, A: '1'}]", "arn:${AWS::Partition}:iam::1:root"},
		{"Join", "!Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':root']]", "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
		{"another intrinsic, as canonical JSON", "!If [C, a, b]", `{"Fn::If":["C","a","b"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(mustParse(t, "V: "+tt.yaml).Value()["V"]); got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRefTargetFollowsRefAndGetAtt(t *testing.T) {
	tests := []struct {
		yaml string
		want string
		ok   bool
	}{
		{"!Ref Key", "Key", true},
		{"!GetAtt Key.Arn", "Key", true},
		{"!Sub '${Key.Arn}'", "", false},
		{"Key", "", false},
	}
	for _, tt := range tests {
		got, ok := RefTarget(mustParse(t, "V: "+tt.yaml).Value()["V"])
		if got != tt.want || ok != tt.ok {
			t.Errorf("RefTarget(%s) = %q, %v; want %q, %v", tt.yaml, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSubNamesListsWhatASubStringRefersTo(t *testing.T) {
	got := SubNames("arn:${AWS::Partition}:kms:${Key.Arn}/${!Literal}/${Table}${}")
	if fmt.Sprint(got) != "[AWS::Partition Key Table]" {
		t.Errorf("SubNames = %v", got)
	}
}
