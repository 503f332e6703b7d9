package cfn

import (
	"fmt"
	"slices"
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

// Allowed yields each action of a probe the policy allows, in the
// probe's order, and what decides it; an action a Deny always stops, or no
// statement takes, is not yielded.
func TestAllowedYieldsEachActionThePolicyAllows(t *testing.T) {
	p := mustPolicy(t, `{"Statement": [
	  {"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"},
	  {"Effect": "Allow", "Principal": {"AWS": "${WriterRole.Arn}"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*",
	   "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}},
	  {"Effect": "Deny", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}]}`).Compile()
	actions := []string{"kms:PutKeyPolicy", "kms:Encrypt", "kms:Decrypt", "kms:CreateGrant"}
	tests := []struct {
		name  string
		probe Probe
		want  []string // action and deciding statement, "*" when through the account
	}{
		{"the writer, through DynamoDB", Probe{Principal: writerRole, Actions: actions, ByPolicyAlone: true}, []string{"kms:Decrypt 1"}},
		{"the writer, not through DynamoDB", Probe{Principal: writerRole, Actions: actions, ByPolicyAlone: true,
			Context: map[string][]string{"kms:viaservice": {Absent}}}, nil},
		{"the writer, through the account's IAM too", Probe{Principal: writerRole, Actions: actions},
			[]string{"kms:PutKeyPolicy 0*", "kms:Decrypt 0*", "kms:CreateGrant 0*"}}, // a request without kms:ViaService is tried first
		{"a role of the account, through the account's IAM", Probe{Principal: sameAccount, Actions: actions},
			[]string{"kms:PutKeyPolicy 0*", "kms:Decrypt 0*", "kms:CreateGrant 0*"}},
		{"a role of the account, by the key policy alone", Probe{Principal: sameAccount, Actions: actions, ByPolicyAlone: true}, nil},
		{"another account", Probe{Principal: otherAccount, Actions: actions}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for r, d := range p.Allowed(tt.probe, Env{}) {
				through := ""
				if d.ThroughAccount {
					through = "*"
				}
				got = append(got, fmt.Sprintf("%s %d%s", r.Action, d.Statement, through))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Allowed yields %q, want %q", got, tt.want)
			}
			r, d, ok := p.Permits(tt.probe, Env{})
			if ok != (len(got) > 0) || (ok && fmt.Sprintf("%s %d", r.Action, d.Statement) != strings.TrimSuffix(got[0], "*")) {
				t.Errorf("Permits gives %s %+v %v, want the first of %q", r.Action, d, ok, got)
			}
		})
	}
}

// A probe decides each request by the statements live for it: deciding by
// them is deciding by the whole policy, for every request AllowsBeyond
// would try of policies that test the principal, action, resource and
// context every way.
func TestLiveStatementsDecideAsTheWholePolicy(t *testing.T) {
	policies := []string{
		`{"Effect": "Allow", "Principal": {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, "Action": "kms:*", "Resource": "*"},
		 {"Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
		  "Condition": {"StringEquals": {"kms:CallerAccount": "${AWS::AccountId}", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}},
		 {"Effect": "Deny", "Principal": "*", "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "false"}}}`,
		`{"Effect": "Allow", "NotPrincipal": {"AWS": "${WriterRole.Arn}"}, "NotAction": "kms:Decrypt", "Resource": "*"},
		 {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "kms:*", "NotResource": "arn:aws:kms:*:*:key/abc",
		  "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}}`,
		`{"Effect": "Allow", "Principal": {"AWS": ["${WriterRole.Arn}", "arn:aws:iam::210987654321:root"]}, "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:*:table/orders*",
		  "Condition": {"ForAnyValue:StringLike": {"dynamodb:Attributes": ["id", "name*"]}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
		 {"Effect": "Deny", "Principal": "*", "Action": "dynamodb:Delete*", "Resource": "*", "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}`,
		`{"Effect": "Allow", "Principal": "*", "Action": "dynamodb:${Operation}", "Resource": "${Table.Arn}"},
		 {"Effect": "Deny", "Principal": "*", "Action": "dynamodb:${Forbidden}", "NotResource": "${Table.Arn}/index/*",
		  "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}`,
	}
	for _, statements := range policies {
		p := mustPolicy(t, `{"Statement": [`+statements+`]}`)
		all := p.rules()
		compared := 0
		for _, principal := range p.principalsToTry() {
			for _, action := range append(p.actionsToTry(), "dynamodb:${Operation}") {
				for _, resource := range append(p.resourcesToTry(), "${Table.Arn}/index/byName", "${Other.Arn}") {
					for _, decideAll := range []bool{true, false} {
						probe := Probe{Principal: principal, Resource: resource, DecideAll: decideAll}
						live := all.standingOf(probe, Env{}).live(nil, all, action)
						everyStatement := make([]liveStatement, len(all))
						for i := range all {
							everyStatement[i].index = i
						}
						keys, candidates := all.contextToTry(everyStatement, probe, Env{})
						r := Request{Principal: principal, Action: action, Resource: resource, Decides: decided(keys)}
						for r.Context = range contexts(keys, candidates) {
							if got, want := all.decideAmong(live, r, Env{}), all.decide(r, Env{}, true); got != want {
								t.Fatalf("%s\n%+v: live statements decide %+v, the whole policy %+v", statements, r, got, want)
							}
							compared++
						}
					}
				}
			}
		}
		if compared < 20 {
			t.Errorf("%s: compared %d requests: the policy is not tried every way", statements, compared)
		}
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
