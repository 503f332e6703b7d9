package template

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// The DynamoDB actions of each access level. ConditionCheckItem and
// DescribeTable serve both reading and writing. ListStreams is not among
// them: it takes only Resource "*", so it cannot be granted on one
// table's stream and belongs in the consumer's own IAM policy.
var (
	readActions = []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
		"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"}
	writeActions = []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
		"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"}
	levelActions = map[Access][]string{
		AllowRead:      readActions,
		AllowWrite:     writeActions,
		AllowReadWrite: union(readActions, writeActions),
		AllowStream:    {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"},
	}
)

// union is a, then what of b a lacks.
func union(a, b []string) []string {
	return slices.Concat(a, slices.DeleteFunc(slices.Clone(b), func(s string) bool { return slices.Contains(a, s) }))
}

// levelSids name each level's statements: Grant1ReadsItems.
var levelSids = map[Access]string{
	AllowRead: "ReadsItems", AllowWrite: "WritesItems", AllowReadWrite: "ReadsAndWritesItems", AllowStream: "ReadsStream",
}

// grantSid names the statements of a table's grant: the number is its
// place in the table's grants, from 1, so the table's, the stream's and the
// key's statements of one grant are told by one number.
func grantSid(index int, what string) string { return fmt.Sprintf("Grant%d%s", index+1, what) }

// grantStatement lets the grant's principal do exactly its level's actions.
// A resource policy's Resource must be the resource it is attached to
// (DynamoDB ignores a statement naming another ARN), and a table's policy
// cannot name its own ARN, which CloudFormation makes with the table, without
// a dependency cycle: "*" stands for the table, and its indexes, or for the
// stream, as AWS CDK writes it.
func grantStatement(index int, g Grant) cfn.Statement {
	return cfn.Statement{
		Sid:       grantSid(index, levelSids[g.Allow]),
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": g.Principal},
		Action:    levelActions[g.Allow],
		Resource:  "*",
	}
}

// tableResourcePolicy lets the grants' principals read and write the table
// and its indexes; nil when no grant is for the table.
func tableResourcePolicy(grants []Grant) *dynamodb.Table_ResourcePolicy {
	return resourcePolicy(grants, func(a Access) bool { return a != AllowStream })
}

// streamResourcePolicy lets the grants' principals read the table's
// stream; nil when no grant is for the stream.
func streamResourcePolicy(grants []Grant) *dynamodb.Table_ResourcePolicy {
	return resourcePolicy(grants, func(a Access) bool { return a == AllowStream })
}

func resourcePolicy(grants []Grant, here func(Access) bool) *dynamodb.Table_ResourcePolicy {
	var statements []cfn.Statement
	for i, g := range grants {
		if here(g.Allow) {
			statements = append(statements, grantStatement(i, g))
		}
	}
	if len(statements) == 0 {
		return nil
	}
	return &dynamodb.Table_ResourcePolicy{PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: statements}}
}

// inAnotherAccount says whether a grant's principal is of an account other
// than the stack's.
func (c Config) inAnotherAccount(g Grant) bool { return principalAccount(g.Principal) != c.Account }

// ConsumerPolicy is an IAM policy a grant's principal must have attached to
// it, in its own account, for its grant to work: the stack never edits a
// role it does not own. Its resources are placeholders: ${Name} stands for
// the stack's output Name, ${AWS::Region} for the stack's region.
type ConsumerPolicy struct {
	// Grant names the grant: tables[0].grants[1].
	Grant     string
	Principal string
	// Why says what needs the policy.
	Why    string
	Policy cfn.PolicyDocument
}

// ConsumerPolicies lists the IAM policies the grants' principals must have:
// a principal of another account needs its level's DynamoDB actions and the
// key's use in its own policy too, since cross-account access needs both
// sides; under the iam key access model every principal's policy grants it
// the key; and a stream's consumer needs ListStreams, which only an
// identity policy can grant. It refuses a config Validate refuses.
func ConsumerPolicies(cfg Config) ([]ConsumerPolicy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	var out []ConsumerPolicy
	shared := len(cfg.Tables) > 1 && cfg.Key.Scope == KeyScopeStack
	for i, t := range cfg.Tables {
		for j, g := range t.Grants {
			p := consumerPolicy(cfg, t, g, shared)
			if len(p.Policy.Statement) == 0 {
				continue
			}
			p.Grant = fmt.Sprintf("tables[%d].grants[%d]", i, j)
			out = append(out, p)
		}
	}
	return out, nil
}

func consumerPolicy(cfg Config, t TableConfig, g Grant, shared bool) ConsumerPolicy {
	p := ConsumerPolicy{Principal: g.Principal, Policy: cfn.PolicyDocument{Version: cfn.PolicyVersion}}
	var why []string
	other := cfg.inAnotherAccount(g)
	if other {
		why = append(why, "it is in account "+principalAccount(g.Principal)+", not the stack's "+cfg.Account+": cross-account access needs this side too")
		resources := []string{"${" + t.Name + "TableArn}", "${" + t.Name + "TableArn}/index/*"}
		if g.Allow == AllowStream {
			resources = []string{"${" + t.Name + "StreamArn}"}
		}
		p.Policy.Statement = append(p.Policy.Statement, cfn.Statement{
			Sid: levelSids[g.Allow], Effect: cfn.Allow, Action: levelActions[g.Allow], Resource: resources,
		})
	}
	if other || cfg.Key.Access == AccessIAM {
		if !other {
			why = append(why, "key.access is iam: its own policy grants it the key")
		}
		// Placeholders, not intrinsics: the policy is printed, not deployed.
		condition := map[string]map[string]any{"StringEquals": {"kms:ViaService": "dynamodb.${AWS::Region}.amazonaws.com"}}
		if shared {
			condition["StringEquals"][tableNameKey] = "${" + t.Name + "TableName}"
		}
		p.Policy.Statement = append(p.Policy.Statement, cfn.Statement{
			Sid: "UseTableKeyThroughDynamoDB", Effect: cfn.Allow, Action: grantKeyActions, Resource: "${" + t.Name + "KeyArn}",
			Condition: condition,
		})
	}
	if g.Allow == AllowStream {
		why = append(why, "dynamodb:ListStreams takes only Resource \"*\"")
		p.Policy.Statement = append(p.Policy.Statement, cfn.Statement{
			Sid: "ListStreams", Effect: cfn.Allow, Action: "dynamodb:ListStreams", Resource: "*",
		})
	}
	p.Why = strings.Join(why, "; ")
	return p
}

// String says who must attach the policy and why, then gives it as JSON.
func (p ConsumerPolicy) String() string {
	doc, _ := json.MarshalIndent(p.Policy, "", "  ") // strings and maps of strings always marshal
	return fmt.Sprintf("%s %s must have this IAM policy in its own account (%s; ${Name} is the stack's output Name):\n%s\n",
		p.Grant, p.Principal, p.Why, doc)
}
