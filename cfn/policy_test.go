package cfn

import (
	"fmt"
	"strings"
	"testing"
)

func TestReadPolicyTakesEveryWayOfWritingIt(t *testing.T) {
	statement := map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
	tests := []struct {
		name string
		doc  any
	}{
		{"a map", map[string]any{"Statement": []any{statement}}},
		{"a single statement for the list", map[string]any{"Statement": statement}},
		{"a JSON string, as the AWS APIs give it", `{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}`},
		{"Fn::ToJsonString", map[string]any{"Fn::ToJsonString": map[string]any{"Statement": []any{statement}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadPolicy(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Statement) != 1 || fmt.Sprint(p.Statement[0].Actions()) != "[kms:Decrypt]" {
				t.Errorf("got %+v", p)
			}
		})
	}
}

func TestReadPolicyRefusesWhatIsNotAPolicy(t *testing.T) {
	tests := []struct {
		name string
		doc  any
		want string
	}{
		{"not JSON", `{"Statement": [`, "policy: unexpected end of JSON input"},
		{"no statements", map[string]any{"Version": PolicyVersion}, "want a Statement list"},
		{"a statement that is not a mapping", map[string]any{"Statement": []any{"x"}}, "statement 1: want a mapping"},
		{"an unknown effect", map[string]any{"Statement": []any{map[string]any{"Effect": "allow"}}}, `statement 1: its Effect is "allow"; want Allow or Deny`},
		{"a condition that is not a mapping", map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Condition": map[string]any{"Bool": "x"}}}},
			"statement 1: Condition Bool: want a mapping of keys to values"},
		{"a Condition block that is not a mapping", map[string]any{"Statement": []any{map[string]any{"Effect": "Deny", "Condition": []any{"x"}}}},
			`statement 1: Condition: want a mapping of operators to tests, got ["x"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPolicy(tt.doc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestPrincipalsAreReadAsASet(t *testing.T) {
	tests := []struct {
		name      string
		principal any
		want      string
	}{
		{"the * string", "*", "[*]"},
		{"AWS *", map[string]any{"AWS": "*"}, "[*]"},
		{"a list, sorted and without repeats", map[string]any{"AWS": []any{"arn:b", "arn:a", "arn:b"}}, "[arn:a arn:b]"},
		{"kinds together", map[string]any{"Service": "DynamoDB.amazonaws.com", "AWS": "arn:a"}, "[arn:a service dynamodb.amazonaws.com]"},
		{"an intrinsic", map[string]any{"AWS": map[string]any{"Fn::GetAtt": []any{"Role", "Arn"}}}, "[${Role.Arn}]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(Statement{Principal: tt.principal}.Principals()); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAccountRootIsRecognisedHoweverWritten(t *testing.T) {
	tests := []struct {
		id      string
		account string
		ok      bool
	}{
		{"arn:aws:iam::123456789012:root", "123456789012", true},
		{"arn:aws-us-gov:iam::123456789012:root", "123456789012", true},
		{"arn:${AWS::Partition}:iam::${AWS::AccountId}:root", "${AWS::AccountId}", true},
		{"123456789012", "123456789012", true},
		{"${AWS::AccountId}", "${AWS::AccountId}", true},
		{"arn:aws:iam::123456789012:role/root", "", false},
		{"*", "", false},
	}
	for _, tt := range tests {
		account, ok := AccountRoot(Principal{Kind: "AWS", ID: tt.id})
		if account != tt.account || ok != tt.ok {
			t.Errorf("AccountRoot(%s) = %q, %v; want %q, %v", tt.id, account, ok, tt.account, tt.ok)
		}
	}
}

func TestConditionsAreReadWithKeysInLowerCase(t *testing.T) {
	s := Statement{Condition: map[string]map[string]any{
		"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com", "kms:CallerAccount": []any{"2", "1"}},
		"Bool":         {"aws:SecureTransport": true},
	}}
	want := "[Bool aws:SecureTransport true StringEquals kms:CallerAccount 1, 2 StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com]"
	if got := fmt.Sprint(s.Conditions()); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestWildcardPatterns(t *testing.T) {
	tests := []struct {
		p, q             string
		covers, overlaps bool
	}{
		{"kms:*", "kms:Decrypt", true, true},
		{"kms:*", "kms:re*", true, true},
		{"kms:re*", "kms:*", false, true},
		{"kms:Decrypt", "kms:Decrypt", true, true},
		{"kms:Decrypt", "kms:Encrypt", false, false},
		{"kms:?ecrypt", "kms:Decrypt", true, true},
		{"kms:Decrypt", "kms:?ecrypt", false, true},
		{"*", "anything*at?all", true, true},
		{"kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", true, true},
		{"kms:Get*", "kms:Describe*", false, false},
		{"a*c", "ab*", false, true},
		// ${*} is a literal asterisk, not a wildcard.
		{"b/${*}", "b/${aws:username}", false, true},
		{"b/*", "b/${*}", true, true},
		{"b/${*}", "b/${*}", true, true},
		{"b/${$}", "b/$", true, true},
		// A variable may be any text: only * or the same variable covers it,
		// and it may overlap anything.
		{"key/????", "key/${P}", false, true},
		{"key/?*", "key/${P}", false, true},
		{"key/*", "key/${P}", true, true},
		{"${P}", "arn:aws:kms:us-east-1:111122223333:key/admin", false, true},
		{"arn:aws:kms:${AWS::Region}:1:key/k", "arn:aws:kms:${AWS::Region}:1:key/k", true, true},
		{"key/${P}", "key/${Q}", false, true},
		{"key/${P}x", "key/y", false, false},
		{"key/${unclosed", "key/${unclosed", true, true},
	}
	for _, tt := range tests {
		if got := Covers(tt.p, tt.q); got != tt.covers {
			t.Errorf("Covers(%q, %q) = %v", tt.p, tt.q, got)
		}
		if got := Overlaps(tt.p, tt.q); got != tt.overlaps {
			t.Errorf("Overlaps(%q, %q) = %v", tt.p, tt.q, got)
		}
	}
}

func TestStatementActionsAreJudgedByPattern(t *testing.T) {
	tests := []struct {
		name            string
		s               Statement
		pattern         string
		covers, touches bool
	}{
		{"a wildcard action", Statement{Action: "dynamodb*"}, "dynamodb:*", true, true},
		{"one action of the service", Statement{Action: "dynamodb:PutItem"}, "dynamodb:*", false, true},
		{"another service", Statement{Action: []any{"s3:*"}}, "dynamodb:*", false, false},
		{"NotAction of another service", Statement{NotAction: "iam:*"}, "dynamodb:*", true, true},
		{"NotAction of one action of the service", Statement{NotAction: "dynamodb:DeleteTable"}, "dynamodb:*", false, true},
		{"NotAction of the whole service", Statement{NotAction: "dynamodb:*"}, "dynamodb:PutItem", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.CoversAction(tt.pattern); got != tt.covers {
				t.Errorf("CoversAction(%s) = %v", tt.pattern, got)
			}
			if got := tt.s.TouchesAction(tt.pattern); got != tt.touches {
				t.Errorf("TouchesAction(%s) = %v", tt.pattern, got)
			}
		})
	}
}

// A statement built in Go may share its lists with the caller, such as a
// package's list of actions: reading it must leave them as written.
func TestReadingAStatementLeavesTheCallersListsAlone(t *testing.T) {
	actions := []string{"kms:Encrypt", "kms:Decrypt"}
	s := Statement{Effect: Allow, Action: actions, Resource: []string{"b", "a"}}
	s.Actions()
	s.Resources()
	if got := strings.Join(actions, ","); got != "kms:Encrypt,kms:Decrypt" {
		t.Errorf("the caller's actions became %s", got)
	}
	if got := strings.Join(s.Resource.([]string), ","); got != "b,a" {
		t.Errorf("the caller's resources became %s", got)
	}
}
