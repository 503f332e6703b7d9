package cfn

import (
	"encoding/json"
	"strings"
	"testing"
)

// promisedKeyPolicy is a key policy as a template promises it once its
// intrinsics are resolved: the account root administers, the writer uses the
// key through DynamoDB, grants are limited to AWS resources.
const promisedKeyPolicy = `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
  {"Sid": "Writer", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/writer"},
   "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
   "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com", "kms:CallerAccount": "111122223333"}}},
  {"Sid": "DenyGrants", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:CreateGrant", "Resource": "*",
   "Condition": {"Bool": {"kms:GrantIsForAWSResource": "false"}}}
]}`

// policyWith reads promisedKeyPolicy after change edits its statements, given
// as plain JSON values.
func policyWith(t *testing.T, change func(statements []map[string]any) []map[string]any) PolicyDocument {
	t.Helper()
	var doc struct{ Statement []map[string]any }
	if err := json.Unmarshal([]byte(promisedKeyPolicy), &doc); err != nil {
		t.Fatal(err)
	}
	statements := change(doc.Statement)
	list := make([]any, len(statements))
	for i, s := range statements {
		list[i] = s
	}
	p, err := ReadPolicy(map[string]any{"Statement": list})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func unchanged(s []map[string]any) []map[string]any { return s }

// writer edits the Writer statement.
func writer(edit func(map[string]any)) func([]map[string]any) []map[string]any {
	return func(s []map[string]any) []map[string]any {
		edit(s[1])
		return s
	}
}

func viaService(s map[string]any) map[string]any {
	return s["Condition"].(map[string]any)["StringEquals"].(map[string]any)
}

func excessTexts(e []Excess) string {
	texts := make([]string, len(e))
	for i, x := range e {
		texts[i] = x.String()
	}
	return strings.Join(texts, "; ")
}

const viaCondition = "StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com"

func TestBroaderFindsEveryWayAPolicyGrowsAndNothingElse(t *testing.T) {
	tests := []struct {
		name     string
		change   func([]map[string]any) []map[string]any
		broader  string // Broader(changed, promised)
		narrower string // Broader(promised, changed)
	}{
		{"the same policy", unchanged, "", ""},
		{"statements in another order", func(s []map[string]any) []map[string]any {
			return []map[string]any{s[2], s[0], s[1]}
		}, "", ""},
		{"a single action written as a list, actions in other case", func(s []map[string]any) []map[string]any {
			s[0]["Action"] = []any{"KMS:*"}
			s[1]["Action"] = []any{"kms:encrypt", "KMS:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
			return s
		}, "", ""},
		{"the account root written as its id", func(s []map[string]any) []map[string]any {
			s[0]["Principal"] = map[string]any{"AWS": "111122223333"}
			return s
		}, "", ""},
		{"the writer's principal swapped for *", writer(func(w map[string]any) { w["Principal"] = "*" }),
			"Writer: principal * (anyone) added", ""},
		// kms:CallerAccount is the caller's account: the other account's
		// principals fail the statement's condition.
		{"another account added to the writer's principals, held to this account", writer(func(w map[string]any) {
			w["Principal"] = map[string]any{"AWS": []any{"arn:aws:iam::111122223333:role/writer", "arn:aws:iam::444455556666:root"}}
		}), "", ""},
		{"another account added to the writer's principals", writer(func(w map[string]any) {
			w["Principal"] = map[string]any{"AWS": []any{"arn:aws:iam::111122223333:role/writer", "arn:aws:iam::444455556666:root"}}
			delete(viaService(w), "kms:CallerAccount")
		}), "Writer: principal arn:aws:iam::444455556666:root added; Writer: condition StringEquals kms:CallerAccount 111122223333 removed", ""},
		// The root statement already lets IAM grant the root's principals anything.
		{"the writer's role swapped for the account root", writer(func(w map[string]any) {
			w["Principal"] = map[string]any{"AWS": "arn:aws:iam::111122223333:root"}
		}), "", "Writer: principal arn:aws:iam::111122223333:role/writer added"},
		{"kms:ViaService removed", writer(func(w map[string]any) { delete(viaService(w), "kms:ViaService") }),
			"Writer: condition " + viaCondition + " removed", ""},
		{"the whole condition block removed", writer(func(w map[string]any) { delete(w, "Condition") }),
			"Writer: condition StringEquals kms:CallerAccount 111122223333 removed; Writer: condition " + viaCondition + " removed", ""},
		{"StringEquals widened to StringLike with a wildcard", writer(func(w map[string]any) {
			delete(viaService(w), "kms:ViaService")
			w["Condition"].(map[string]any)["StringLike"] = map[string]any{"kms:ViaService": "dynamodb.*.amazonaws.com"}
		}), "Writer: condition " + viaCondition + " widened to StringLike kms:ViaService dynamodb.*.amazonaws.com", ""},
		{"StringEquals written as StringLike without a wildcard", writer(func(w map[string]any) {
			delete(viaService(w), "kms:ViaService")
			w["Condition"].(map[string]any)["StringLike"] = map[string]any{"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}
		}), "", ""},
		{"a second service allowed", writer(func(w map[string]any) {
			viaService(w)["kms:ViaService"] = []any{"dynamodb.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"}
		}), "Writer: condition " + viaCondition + " widened to StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com, s3.us-east-1.amazonaws.com", ""},
		// A test of no values is judged neither way: not narrower than one
		// with values, whichever effect the statement has.
		{"StringEquals swapped for StringNotEquals of no values", writer(func(w map[string]any) {
			delete(viaService(w), "kms:ViaService")
			w["Condition"].(map[string]any)["StringNotEquals"] = map[string]any{"kms:ViaService": []any{}}
		}), "Writer: condition " + viaCondition + " widened to StringNotEquals kms:ViaService (no values)",
			"Writer: condition StringNotEquals kms:ViaService (no values) widened to " + viaCondition},
		{"the Deny's condition given no values", func(s []map[string]any) []map[string]any {
			s[2]["Condition"] = map[string]any{"Bool": map[string]any{"kms:GrantIsForAWSResource": []any{}}}
			return s
		}, "DenyGrants: the Deny's condition Bool kms:GrantIsForAWSResource false narrowed to Bool kms:GrantIsForAWSResource (no values)",
			"DenyGrants: the Deny's condition Bool kms:GrantIsForAWSResource (no values) narrowed to Bool kms:GrantIsForAWSResource false"},
		{"IfExists, which passes requests without the key", writer(func(w map[string]any) {
			delete(viaService(w), "kms:ViaService")
			w["Condition"].(map[string]any)["StringEqualsIfExists"] = map[string]any{"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}
		}), "Writer: condition " + viaCondition + " widened to StringEqualsIfExists kms:ViaService dynamodb.us-east-1.amazonaws.com", ""},
		{"a condition added", writer(func(w map[string]any) {
			w["Condition"].(map[string]any)["Bool"] = map[string]any{"aws:SecureTransport": "true"}
		}), "", "Writer: condition Bool aws:SecureTransport true removed"},
		{"an action added", writer(func(w map[string]any) {
			w["Action"] = append(w["Action"].([]any), "kms:CreateGrant")
		}), "Writer: action kms:CreateGrant added", ""},
		{"the actions widened to kms:*", writer(func(w map[string]any) { w["Action"] = "kms:*" }),
			"Writer: action kms:* added", ""},
		{"an action removed", writer(func(w map[string]any) { w["Action"] = w["Action"].([]any)[1:] }),
			"", "Writer: action kms:Encrypt added"},
		{"the resource narrowed from *", writer(func(w map[string]any) { w["Resource"] = "arn:aws:kms:us-east-1:111122223333:key/k" }),
			"", "Writer: resource * added"},
		{"NotAction instead of Action", writer(func(w map[string]any) {
			delete(w, "Action")
			w["NotAction"] = "kms:ScheduleKeyDeletion"
		}), "Writer: NotAction lets every action but kms:ScheduleKeyDeletion through", ""},
		{"a new statement for another account", func(s []map[string]any) []map[string]any {
			return append(s, map[string]any{"Sid": "Partner", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Decrypt", "Resource": "*"})
		}, "Partner: nothing in the other policy allows arn:aws:iam::444455556666:root kms:Decrypt on *", ""},
		{"a new statement without a Sid", func(s []map[string]any) []map[string]any {
			return append(s, map[string]any{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"})
		}, "statement 4: nothing in the other policy allows * kms:Decrypt on *", ""},
		{"the Deny removed", func(s []map[string]any) []map[string]any { return s[:2] },
			"DenyGrants: the Deny of * kms:CreateGrant on * when Bool kms:GrantIsForAWSResource false is gone", ""},
		{"the Deny limited by another condition", func(s []map[string]any) []map[string]any {
			s[2]["Condition"].(map[string]any)["StringEquals"] = map[string]any{"aws:PrincipalAccount": "444455556666"}
			return s
		}, "DenyGrants: the Deny now applies only when StringEquals aws:PrincipalAccount 444455556666", ""},
		{"the Deny's action narrowed", func(s []map[string]any) []map[string]any {
			s[2]["Action"] = "kms:CreateGrantX"
			return s
		}, "DenyGrants: the Deny no longer covers action kms:CreateGrant", ""}, // no action kms:CreateGrantX exists
		{"the writer's statement split in two", func(s []map[string]any) []map[string]any {
			second := map[string]any{}
			for k, v := range s[1] {
				second[k] = v
			}
			second["Sid"] = "Writer2"
			second["Action"] = []any{"kms:DescribeKey"}
			s[1]["Action"] = []any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"}
			return append(s, second)
		}, "", ""},
	}
	promised := policyWith(t, unchanged)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := policyWith(t, tt.change)
			if got := excessTexts(Broader(changed, promised)); got != tt.broader {
				t.Errorf("broader:\n got %q\nwant %q", got, tt.broader)
			}
			if got := excessTexts(Broader(promised, changed)); got != tt.narrower {
				t.Errorf("narrower:\n got %q\nwant %q", got, tt.narrower)
			}
		})
	}
}

// Reverse tells the same excess as a narrowing: what a change from the
// broader policy to the narrower one took away.
func TestReverseTellsTheNarrowing(t *testing.T) {
	tests := []struct {
		name   string
		change func([]map[string]any) []map[string]any
		want   string
	}{
		{"an action removed", writer(func(w map[string]any) { w["Action"] = w["Action"].([]any)[1:] }), "Writer: action kms:Encrypt removed"},
		{"a condition added", writer(func(w map[string]any) {
			w["Condition"].(map[string]any)["Bool"] = map[string]any{"aws:SecureTransport": "true"}
		}), "Writer: condition Bool aws:SecureTransport true added"},
		{"a condition narrowed", writer(func(w map[string]any) {
			w["Condition"].(map[string]any)["StringEquals"].(map[string]any)["kms:ViaService"] = "dynamodb.us-east-1.amazonaws.co"
		}), "Writer: condition " + viaCondition + " narrowed to StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.co"},
		{"a statement removed", func(s []map[string]any) []map[string]any { return append(s[:1], s[2]) },
			"Writer: no longer allows arn:aws:iam::111122223333:role/writer kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:GenerateDataKey*, kms:ReEncrypt*" +
				" on * when StringEquals kms:CallerAccount 111122223333 and " + viaCondition},
		{"a Deny added", func(s []map[string]any) []map[string]any {
			return append(s, map[string]any{"Sid": "NoDelete", "Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"})
		}, "NoDelete: a Deny of * kms:ScheduleKeyDeletion on * added"},
	}
	promised := policyWith(t, unchanged)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range Broader(promised, policyWith(t, tt.change)) {
				got = append(got, e.Statement+": "+e.Reverse)
			}
			if strings.Join(got, "; ") != tt.want {
				t.Errorf("got %q\nwant %q", strings.Join(got, "; "), tt.want)
			}
		})
	}
}

func TestConditionImplication(t *testing.T) {
	tests := []struct {
		c, d    Condition
		implies bool
	}{
		{cond("StringEquals", "a"), cond("StringEquals", "a", "b"), true},
		{cond("StringEquals", "a", "b"), cond("StringEquals", "a"), false},
		{cond("StringEquals", "abc"), cond("StringLike", "a*"), true},
		{cond("StringLike", "a*"), cond("StringEquals", "abc"), false},
		{cond("StringLike", "ab*"), cond("StringLike", "a*"), true},
		{cond("StringEquals", "ABC"), cond("StringEqualsIgnoreCase", "abc"), true},
		{cond("StringEqualsIgnoreCase", "abc"), cond("StringEquals", "abc"), false},
		{cond("StringEquals", "a"), cond("StringEqualsIfExists", "a"), true},
		{cond("StringEqualsIfExists", "a"), cond("StringEquals", "a"), false},
		{cond("StringNotEquals", "a", "b"), cond("StringNotEquals", "a"), true},
		{cond("StringNotEquals", "a"), cond("StringNotEquals", "a", "b"), false},
		{cond("StringNotLike", "a*"), cond("StringNotEquals", "abc"), true},
		{cond("ArnLike", "arn:aws:iam::1:role/*"), cond("ArnEquals", "arn:aws:iam::1:*"), true},
		{cond("Bool", "false"), cond("Bool", "false"), true},
		{cond("Bool", "true"), cond("Bool", "false"), false},
		{cond("NumericLessThan", "5"), cond("NumericLessThan", "5"), true},
		{cond("NumericLessThan", "10"), cond("NumericLessThan", "5"), false},
		{cond("ForAnyValue:StringEquals", "a"), cond("StringEquals", "a"), false},
		// Negated operators pass what matches none of their values.
		{cond("NotIpAddress", "10.0.0.0/8", "192.168.0.0/16"), cond("NotIpAddress", "10.0.0.0/8"), true},
		{cond("NotIpAddress", "10.0.0.0/8"), cond("NotIpAddress", "10.0.0.0/8", "192.168.0.0/16"), false},
		{cond("NumericNotEquals", "1"), cond("NumericNotEquals", "1", "2"), false},
		{cond("IpAddress", "10.0.0.0/8"), cond("IpAddress", "10.0.0.0/8", "192.168.0.0/16"), true},
		// A test of no values implies only the same test, and nothing else
		// implies it.
		{cond("StringNotEquals"), cond("StringEquals", "x"), false},
		{cond("StringEquals"), cond("StringEquals", "x"), false},
		{cond("StringNotEquals"), cond("StringNotEquals", "x"), false},
		{cond("IpAddress"), cond("IpAddress", "10.0.0.0/8"), false},
		{cond("StringEquals", "x"), cond("StringNotEquals"), false},
		{cond("NotIpAddress", "10.0.0.0/8"), cond("NotIpAddress"), false},
		{cond("StringEquals"), cond("StringEquals"), true},
	}
	for _, tt := range tests {
		if got := implies(tt.c, tt.d); got != tt.implies {
			t.Errorf("implies(%s, %s) = %v, want %v", tt.c, tt.d, got, tt.implies)
		}
	}
}

func cond(operator string, values ...string) Condition {
	return Condition{Operator: operator, Key: "k", Values: values}
}
