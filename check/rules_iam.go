package check

import (
	"path"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var iamRules = []Rule{
	{
		ID: "IAM001", Title: "dynamodb:* granted", Severity: Error,
		Fix: "grant the DynamoDB actions the principal calls, such as dynamodb:PutItem",
		find: iamStatements(func(s cfn.Statement) (string, bool) {
			if hasAction(s, func(a string) bool { return a == "*" || a == "dynamodb:*" }) {
				return "a policy allows every DynamoDB action", true
			}
			return "", false
		}),
	},
	{
		ID: "IAM002", Title: "DynamoDB actions on every resource", Severity: Error,
		Fix: "set Resource to the table's ARN (!GetAtt Table.Arn)",
		find: iamStatements(func(s cfn.Statement) (string, bool) {
			if hasAction(s, isDynamoDBAction) && slices.Contains(s.Resources(), "*") {
				return "a policy allows DynamoDB actions on Resource '*', every table in the account", true
			}
			return "", false
		}),
	},
	{
		ID: "IAM003", Title: "KMS data actions without kms:ViaService", Severity: Warning,
		Fix: "add Condition StringEquals kms:ViaService: dynamodb.${AWS::Region}.amazonaws.com",
		find: iamStatements(func(s cfn.Statement) (string, bool) {
			if hasAction(s, isKMSDataAction) && !slices.Contains(conditionKeys(s), "kms:viaservice") {
				return "a policy allows KMS data actions without a kms:ViaService condition: the principal can decrypt with the key directly, not only through DynamoDB", true
			}
			return "", false
		}),
	},
}

// iamStatements finds Allow statements of the template's IAM policies that
// match.
func iamStatements(match func(cfn.Statement) (string, bool)) func(*cfn.Template, Options) []hit {
	return func(t *cfn.Template, _ Options) []hit {
		var hits []hit
		for _, p := range iamPolicies(t) {
			for _, s := range p.statements {
				if message, ok := match(s); allows(s) && ok {
					hits = append(hits, hit{p.resource, message})
				}
			}
		}
		return hits
	}
}

type iamPolicy struct {
	resource   string
	statements []cfn.Statement
}

// iamPolicies finds every identity policy document in the template: the
// IAM policy resources, inline policies of roles, users and groups, and
// the policy documents of SAM functions.
func iamPolicies(t *cfn.Template) []iamPolicy {
	var out []iamPolicy
	for _, r := range t.Resources() {
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
			out = append(out, iamPolicy{r.ID, statements(r.Properties["PolicyDocument"])})
		case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
			inline, _ := r.Properties["Policies"].([]any)
			for _, p := range inline {
				m, _ := p.(map[string]any)
				out = append(out, iamPolicy{r.ID, statements(m["PolicyDocument"])})
			}
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			policies := r.Properties["Policies"]
			if _, isDocument := policies.(map[string]any); isDocument {
				policies = []any{policies}
			}
			list, _ := policies.([]any)
			for _, p := range list {
				out = append(out, iamPolicy{r.ID, statements(p)})
			}
		}
	}
	return out
}

func isDynamoDBAction(action string) bool {
	return strings.HasPrefix(action, "dynamodb:")
}

// kmsDataActions are the KMS actions that use a key's material.
var kmsDataActions = []string{
	"kms:encrypt", "kms:decrypt", "kms:reencryptfrom", "kms:reencryptto", "kms:generatedatakey",
	"kms:generatedatakeywithoutplaintext", "kms:generatedatakeypair", "kms:generatedatakeypairwithoutplaintext",
}

// isKMSDataAction reports whether an action, wildcards and all (kms:*,
// kms:re*, kms:decrypt?), covers a KMS data action. The bare * is IAM001's.
func isKMSDataAction(pattern string) bool {
	if !strings.HasPrefix(pattern, "kms:") {
		return false
	}
	return slices.ContainsFunc(kmsDataActions, func(data string) bool {
		matched, _ := path.Match(pattern, data)
		return matched
	})
}
