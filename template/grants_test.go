package template

import (
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// The levels the issue names, action by action: nothing more, nothing less.
func TestEachLevelAllowsExactlyItsDynamoDBActions(t *testing.T) {
	for level, want := range map[Access][]string{
		AllowRead:  {"GetItem", "BatchGetItem", "Query", "Scan", "ConditionCheckItem", "DescribeTable"},
		AllowWrite: {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "ConditionCheckItem", "DescribeTable"},
		AllowReadWrite: {"GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
			"ConditionCheckItem", "DescribeTable"},
		AllowStream: {"DescribeStream", "GetRecords", "GetShardIterator"},
	} {
		var got []string
		for _, action := range levelActions[level] {
			got = append(got, strings.TrimPrefix(action, "dynamodb:"))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s allows %v, want %v", level, got, want)
		}
	}
	if len(levelActions) != len(Accesses()) {
		t.Errorf("%d levels have actions, want %d", len(levelActions), len(Accesses()))
	}
}

func TestAGrantIsAResourcePolicyStatementForItsPrincipalOnly(t *testing.T) {
	assertRendersAs(t, grantStatement(1, Grant{Principal: "arn:aws:iam::210987654321:role/analytics", Allow: AllowRead}), `{
		"Sid": "Grant2ReadsItems",
		"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::210987654321:role/analytics"},
		"Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
			"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"],
		"Resource": "*"
	}`)
}

func TestTheTablesPolicyHoldsItemGrantsAndTheStreamsPolicyStreamGrants(t *testing.T) {
	grants := []Grant{
		{Principal: "arn:aws:iam::111122223333:role/api", Allow: AllowRead},
		{Principal: "arn:aws:iam::111122223333:role/consumer", Allow: AllowStream},
		{Principal: "arn:aws:iam::111122223333:role/service", Allow: AllowReadWrite},
	}
	sids := func(p *dynamodb.Table_ResourcePolicy) []string {
		var out []string
		for _, s := range p.PolicyDocument.(cfn.PolicyDocument).Statement {
			out = append(out, s.Sid)
		}
		return out
	}
	if got := sids(tableResourcePolicy(grants)); !slices.Equal(got, []string{"Grant1ReadsItems", "Grant3ReadsAndWritesItems"}) {
		t.Errorf("table policy %v", got)
	}
	if got := sids(streamResourcePolicy(grants)); !slices.Equal(got, []string{"Grant2ReadsStream"}) {
		t.Errorf("stream policy %v", got)
	}
	if tableResourcePolicy(grants[1:2]) != nil || streamResourcePolicy(grants[:1]) != nil {
		t.Error("a policy without statements is written")
	}
}

// teams is a config with a grant of each kind: read in this account and in
// another, stream in this account.
func teams() Config {
	cfg := DefaultConfig()
	cfg.Account = "123456789012"
	cfg.Tables[0].Stream = "NEW_IMAGE"
	cfg.Tables[0].Grants = []Grant{
		{Principal: "arn:aws:iam::123456789012:role/orders-api", Allow: AllowRead},
		{Principal: "arn:aws:iam::210987654321:role/analytics", Allow: AllowRead},
		{Principal: "arn:aws:iam::123456789012:role/orders-consumer", Allow: AllowStream},
	}
	return cfg
}

func consumers(t *testing.T, cfg Config) map[string]ConsumerPolicy {
	t.Helper()
	policies, err := ConsumerPolicies(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ConsumerPolicy{}
	for _, p := range policies {
		out[p.Grant] = p
	}
	return out
}

func TestAPrincipalOfAnotherAccountIsToldItsSideOfTheGrant(t *testing.T) {
	p := consumers(t, teams())["tables[0].grants[1]"]
	if p.Principal != "arn:aws:iam::210987654321:role/analytics" || !strings.Contains(p.Why, "it is in account 210987654321, not the stack's 123456789012") {
		t.Errorf("policy for %s because %q", p.Principal, p.Why)
	}
	assertRendersAs(t, p.Policy, `{"Version": "2012-10-17", "Statement": [
		{"Sid": "ReadsItems", "Effect": "Allow",
			"Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"],
			"Resource": ["${DynamoDbTableArn}", "${DynamoDbTableArn}/index/*"]},
		{"Sid": "UseTableKeyThroughDynamoDB", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "${DynamoDbKeyArn}",
			"Condition": {"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}}
	]}`)
}

func TestAStreamConsumerIsToldToListStreamsItself(t *testing.T) {
	p := consumers(t, teams())["tables[0].grants[2]"]
	assertRendersAs(t, p.Policy, `{"Version": "2012-10-17", "Statement": [
		{"Sid": "ListStreams", "Effect": "Allow", "Action": "dynamodb:ListStreams", "Resource": "*"}
	]}`)
}

func TestAPrincipalOfThisAccountNeedsNothingOfItsOwnUnderWriterAccess(t *testing.T) {
	if p, ok := consumers(t, teams())["tables[0].grants[0]"]; ok {
		t.Errorf("told to attach %+v", p)
	}
}

func TestUnderIAMAccessAPrincipalsOwnPolicyGrantsItTheKeyHeldToItsTable(t *testing.T) {
	cfg := teams()
	cfg.Key.Access, cfg.Key.Scope = AccessIAM, KeyScopeStack
	cfg.Tables = append(cfg.Tables, TableConfig{Name: "Events", PartitionKey: Attribute{"id", "S"}})
	p := consumers(t, cfg)["tables[0].grants[0]"]
	if p.Why != "key.access is iam: its own policy grants it the key" {
		t.Errorf("why: %q", p.Why)
	}
	assertRendersAs(t, p.Policy, `{"Version": "2012-10-17", "Statement": [
		{"Sid": "UseTableKeyThroughDynamoDB", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "${DynamoDbKeyArn}",
			"Condition": {"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com",
				"kms:EncryptionContext:aws:dynamodb:tableName": "${DynamoDbTableName}"}}}
	]}`)
}

func TestConsumerPoliciesRefuseAnInvalidConfig(t *testing.T) {
	cfg := teams()
	cfg.Tables[0].Grants[0].Principal = "alice"
	if _, err := ConsumerPolicies(cfg); err == nil || !strings.Contains(err.Error(), `tables[0].grants[0].principal: got "alice"`) {
		t.Errorf("error %v", err)
	}
}

func TestAConsumerPolicyIsPrintedWithItsReason(t *testing.T) {
	text := consumers(t, teams())["tables[0].grants[2]"].String()
	want := "tables[0].grants[2] arn:aws:iam::123456789012:role/orders-consumer must have this IAM policy in its own account " +
		"(dynamodb:ListStreams takes only Resource \"*\"; ${Name} is the stack's output Name):\n{\n  \"Version\": \"2012-10-17\","
	if !strings.HasPrefix(text, want) {
		t.Errorf("printed\n%s\nwant it to start\n%s", text, want)
	}
}
