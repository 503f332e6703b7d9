package cfn

import (
	"strings"
	"testing"
)

func mustPolicy(t *testing.T, doc string) PolicyDocument {
	t.Helper()
	p, err := ReadPolicy(doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	writerRole   = Principal{Kind: "AWS", ID: "${WriterRole.Arn}"}
	sameAccount  = Principal{Kind: "AWS", ID: "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/any"}
	otherAccount = Principal{Kind: "AWS", ID: "arn:aws:iam::210987654321:role/analytics"}
)

// TestDecideFollowsIAMRules pins each rule of IAM's evaluation that the
// verdicts rest on, one request at a time.
func TestDecideFollowsIAMRules(t *testing.T) {
	tests := []struct {
		name    string
		policy  string
		request Request
		allowed bool
	}{
		{"? matches one character: kms:?* is every KMS action",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:?*", "Resource": "*"}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"action names are compared without regard to case",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "KMS:decrypt", "Resource": "*"}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"NotAction with Allow allows what it does not list",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "NotAction": "kms:Encrypt", "Resource": "*"}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"an explicit Deny wins",
			`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
			  {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, false},
		{"an account root stands for the account's principals",
			`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"a bare account id is its root",
			`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "210987654321"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"this account's root stands for the template's roles",
			`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			Request{Principal: writerRole, Action: "kms:Decrypt"}, true},
		{"a role does not stand for another role",
			`{"Statement": {"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			Request{Principal: sameAccount, Action: "kms:Decrypt"}, false},
		{"a missing key fails StringEquals",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Decides: map[string]bool{"kms:viaservice": true}}, false},
		{"a missing key passes IfExists",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEqualsIfExists": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Decides: map[string]bool{"kms:viaservice": true}}, true},
		{"a missing key passes ForAllValues",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"ForAllValues:StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Decides: map[string]bool{"kms:viaservice": true}}, true},
		{"a missing key fails ForAnyValue",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"ForAnyValue:StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Decides: map[string]bool{"kms:viaservice": true}}, false},
		{"a missing key passes a negated operator",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringNotLike": {"kms:ViaService": "s3.*"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Decides: map[string]bool{"kms:viaservice": true}}, true},
		{"Null false only says the key is there",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"Null": {"kms:ViaService": "false"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Context: map[string]string{"kms:viaservice": "s3.us-east-1.amazonaws.com"}}, true},
		{"StringLike * passes any value",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringLike": {"kms:ViaService": "*"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt", Context: map[string]string{"kms:viaservice": "ec2.us-east-1.amazonaws.com"}}, true},
		{"kms:CallerAccount is the caller's account",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEquals": {"kms:CallerAccount": "${AWS::AccountId}"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, false},
		{"a condition on a key the caller chooses may hold in an Allow",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"and need not hold in a Deny",
			`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
			  {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"NotPrincipal in an Allow takes in everyone else",
			`{"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "${WriterRole.Arn}"}, "Action": "kms:Decrypt", "Resource": "*"}}`,
			Request{Principal: otherAccount, Action: "kms:Decrypt"}, true},
		{"a resource pattern with ? reaches every table",
			`{"Statement": {"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": "arn:aws:dynamodb:*:*:table/?*"}}`,
			Request{Principal: writerRole, Action: "dynamodb:Scan", Resource: "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/other"}, true},
		{"a resource the template gives may be any other",
			`{"Statement": {"Effect": "Allow", "Action": "dynamodb:Scan", "Resource": "${Table.Arn}"}}`,
			Request{Principal: writerRole, Action: "dynamodb:Scan", Resource: "${Table.Arn}"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustPolicy(t, tt.policy).Decide(tt.request, Env{}); got.Allowed != tt.allowed {
				t.Errorf("allowed %v, want %v (%+v)", got.Allowed, tt.allowed, got)
			}
		})
	}
}

// TestPermitsTriesEveryContextThatTellsConditionsApart pins that a probe
// finds the one request a policy lets through, and none where there is none.
func TestPermitsTriesEveryContextThatTellsConditionsApart(t *testing.T) {
	notThroughDynamoDB := map[string][]string{"kms:viaservice": {Absent, "s3.us-east-1.amazonaws.com"}}
	tests := []struct {
		name    string
		policy  string
		probe   Probe
		allowed bool
	}{
		{"a condition held to DynamoDB keeps direct use out",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}}}`,
			Probe{Principal: otherAccount, Actions: []string{"kms:Decrypt"}, Context: notThroughDynamoDB}, false},
		{"IfExists lets direct use in",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEqualsIfExists": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}}}`,
			Probe{Principal: otherAccount, Actions: []string{"kms:Decrypt"}, Context: notThroughDynamoDB}, true},
		{"a Deny unless through DynamoDB keeps direct use out",
			`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
			  {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"StringNotLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}}}]}`,
			Probe{Principal: otherAccount, Actions: []string{"kms:Decrypt"}, Context: notThroughDynamoDB}, false},
		{"an encryption context of one table keeps other tables out",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringLike": {"kms:EncryptionContext:aws:dynamodb:tableName": "${AWS::StackName}-Orders-*"}}}}`,
			Probe{Principal: otherAccount, Actions: []string{"kms:Decrypt"}, Context: map[string][]string{"kms:encryptioncontext:aws:dynamodb:tablename": {Unnamed, Absent}}}, false},
		{"some value of a key it does not fix lets the request through",
			`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}}}`,
			Probe{Principal: otherAccount, Actions: []string{"kms:Decrypt"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, got := mustPolicy(t, tt.policy).Permits(tt.probe, Env{}); got != tt.allowed {
				t.Errorf("permitted %v, want %v", got, tt.allowed)
			}
		})
	}
}

// The glob that answers for text agrees with the walk that answers for any
// two patterns, on every pattern and text of a small alphabet.
func TestGlobAgreesWithTheWalk(t *testing.T) {
	alphabet := []string{"a", "b", "*", "?", "${X}", ":"}
	var words []string
	var grow func(prefix string, n int)
	grow = func(prefix string, n int) {
		words = append(words, prefix)
		if n > 0 {
			for _, c := range alphabet {
				grow(prefix+c, n-1)
			}
		}
	}
	grow("", 4)
	for _, p := range words {
		for _, q := range words {
			if strings.ContainsAny(q, "*?") {
				continue
			}
			want := coversByWalk(p, q)
			if got := Covers(p, q); got != want {
				t.Fatalf("Covers(%q, %q) = %v, the walk says %v", p, q, got, want)
			}
			// Action names are compared without regard to case.
			if upper := strings.ToUpper(q); !strings.Contains(p+q, "${") && globASCII(p, upper, true) != want {
				t.Fatalf("globASCII(%q, %q, fold) = %v, the walk says %v", p, upper, !want, want)
			}
		}
	}
}

// AllowsBeyond compares policies by what they allow: written another way
// is nothing, a request one allows and the other does not is found.
func TestAllowsBeyondComparesWhatPoliciesAllow(t *testing.T) {
	const (
		writer = `{"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
		  "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}`
		writerSplit = `{"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": "kms:Decrypt", "Resource": "*",
		  "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}},
		  {"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
		  "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}`
		writerAnyValue = `{"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
		  "Condition": {"ForAnyValue:StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}`
		writerAnywhere = `{"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}`
		rootUntil2020  = `{"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*",
		  "Condition": {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}`
		rootUntil2030 = `{"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*",
		  "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}`
		denyDirectUse = `{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
		  "Condition": {"StringNotEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}`
	)
	policy := func(statements ...string) PolicyDocument {
		return mustPolicy(t, `{"Statement": [`+strings.Join(statements, ", ")+`]}`)
	}
	tests := []struct {
		name   string
		a, b   PolicyDocument
		beyond bool
	}{
		{"a policy is not beyond itself", policy(rootUntil2020, writer), policy(rootUntil2020, writer), false},
		{"a statement split in two is the same", policy(writerSplit), policy(writer), false},
		{"the same, split, the other way", policy(writer), policy(writerSplit), false},
		{"ForAnyValue on a key of one value is the plain operator", policy(rootUntil2020, writerAnyValue), policy(rootUntil2020, writer), false},
		{"the plain operator is ForAnyValue on a key of one value", policy(rootUntil2020, writer), policy(rootUntil2020, writerAnyValue), false},
		{"a condition dropped", policy(writerAnywhere), policy(writer), true},
		{"a condition added", policy(writer), policy(writerAnywhere), false},
		{"a date moved later", policy(rootUntil2030), policy(rootUntil2020), true},
		{"a date moved earlier", policy(rootUntil2020), policy(rootUntil2030), false},
		{"a Deny removed", policy(writerAnywhere), policy(writerAnywhere, denyDirectUse), true},
		{"a Deny added", policy(writerAnywhere, denyDirectUse), policy(writerAnywhere), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, beyond := tt.a.AllowsBeyond(tt.b, Env{})
			if beyond != tt.beyond {
				t.Errorf("AllowsBeyond = %v (%+v), want %v", beyond, r, tt.beyond)
			}
		})
	}
}
