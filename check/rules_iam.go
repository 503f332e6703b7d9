package check

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var iamRules = []Rule{
	{
		ID: "IAM001", Title: "dynamodb:* granted", Severity: Error,
		Why: "dynamodb:* lets a principal delete tables, change their encryption and read every item",
		Fix: "grant the DynamoDB actions the principal calls, such as dynamodb:PutItem",
		find: iamStatements(func(_ *cfn.Template, s statement) (string, bool) {
			if hasAction(s.Statement, func(a string) bool { return a == "*" || a == "dynamodb:*" }) {
				return "a policy allows every DynamoDB action", true
			}
			return "", false
		}),
	},
	{
		ID: "IAM002", Title: "DynamoDB actions on every resource", Severity: Error,
		Why: "DynamoDB actions on Resource '*' reach every table in the account, not only the stack's",
		Fix: "set Resource to the table's ARN (!GetAtt Table.Arn)",
		find: iamStatements(func(_ *cfn.Template, s statement) (string, bool) {
			if hasAction(s.Statement, isDynamoDBAction) && slices.Contains(s.Resources(), "*") {
				return "a policy allows DynamoDB actions on Resource '*', every table in the account", true
			}
			return "", false
		}),
	},
	{
		ID: "IAM003", Title: "KMS data actions without kms:ViaService", Severity: Warning,
		Why: "without kms:ViaService a principal can decrypt with a table's key directly, not only through DynamoDB",
		Fix: "add Condition StringEquals kms:ViaService: dynamodb.${AWS::Region}.amazonaws.com",
		find: iamStatements(func(t *cfn.Template, s statement) (string, bool) {
			if hasAction(s.Statement, isKMSDataAction) && !slices.Contains(conditionKeys(s.Statement), "kms:viaservice") && reachesTableKey(t, s.Statement) {
				return "a policy allows KMS data actions on a key that can encrypt a table, without a kms:ViaService condition: the principal can decrypt with the key directly, not only through DynamoDB", true
			}
			return "", false
		}),
	},
}

// iamStatements finds Allow statements of the template's IAM policies that
// match.
func iamStatements(match func(*cfn.Template, statement) (string, bool)) func(*cfn.Template, Options) []hit {
	return func(t *cfn.Template, _ Options) []hit {
		var hits []hit
		for _, p := range iamPolicies(t) {
			statements, err := statementsAt(p.resource, p.path)
			if err != nil {
				continue // CHK001 says so
			}
			for _, s := range statements {
				if message, ok := match(t, s); allows(s.Statement) && ok {
					hits = append(hits, hit{p.resource.ID, s.path, message})
				}
			}
		}
		return hits
	}
}

// iamPolicy is an identity policy document of the template: its resource and
// its path below the resource's entry.
type iamPolicy struct {
	resource cfn.Resource
	path     []string
}

// iamPolicies finds every identity policy document in the template: the IAM
// policy resources, inline policies of roles, users and groups, and the
// policy documents of SAM functions and state machines.
func iamPolicies(t *cfn.Template) []iamPolicy {
	var out []iamPolicy
	for _, r := range t.Resources() {
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
			out = append(out, iamPolicy{r, []string{"Properties", "PolicyDocument"}})
		case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
			inline, _ := r.Prop("Policies").([]any)
			for i := range inline {
				out = append(out, iamPolicy{r, []string{"Properties", "Policies", strconv.Itoa(i), "PolicyDocument"}})
			}
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			switch policies := r.Prop("Policies").(type) {
			case map[string]any:
				if policies["Statement"] != nil {
					out = append(out, iamPolicy{r, []string{"Properties", "Policies"}})
				}
			case []any:
				for i, p := range policies {
					if cfn.At(p, "Statement") != nil { // not a managed policy's name, nor a SAM policy template
						out = append(out, iamPolicy{r, []string{"Properties", "Policies", strconv.Itoa(i)}})
					}
				}
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

// reachesTableKey reports whether a statement's resources can include a key
// that encrypts a table: a wildcard, a key (or alias) of the template that
// encrypts a table, the key a table names outright, or a key that cannot be
// known before deployment (a parameter, an import). A key that provably
// serves another service, such as alias/aws/kinesis, or a key of the
// template that encrypts no table, is left alone.
func reachesTableKey(t *cfn.Template, s cfn.Statement) bool {
	if s.NotResource != nil || s.Resource == nil {
		return true
	}
	return slices.ContainsFunc(listOf(s.Resource), func(r any) bool {
		text := cfn.Text(r)
		if id, ok := cfn.RefTarget(r); ok {
			res, isResource := t.Resource(id)
			return !isResource || encryptsTable(t, res)
		}
		switch {
		case strings.Contains(text, "*"):
			return true
		case strings.Contains(text, "alias/aws/"):
			return isAWSManagedKey(text)
		case isIntrinsicValue(r):
			return referencesTableKeyOrParameter(t, text)
		}
		return namedByTable(t, text)
	})
}

func listOf(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// encryptsTable reports whether a key, or the key an alias points at,
// encrypts a table of the template.
func encryptsTable(t *cfn.Template, r cfn.Resource) bool {
	return slices.ContainsFunc(tableKeys(t), func(tk struct{ table, key cfn.Resource }) bool {
		if r.Type == "AWS::KMS::Alias" {
			id, _ := cfn.RefTarget(r.Prop("TargetKeyId"))
			return tk.key.ID == id
		}
		return tk.key.ID == r.ID
	})
}

// referencesTableKeyOrParameter reports whether a Sub or Join's text names
// (as ${X} or ${X.Arn}) a key that encrypts a table, or a parameter.
func referencesTableKeyOrParameter(t *cfn.Template, text string) bool {
	for _, name := range cfn.SubNames(text) {
		if strings.HasPrefix(name, "AWS::") {
			continue
		}
		r, isResource := t.Resource(name)
		if !isResource || encryptsTable(t, r) {
			return true
		}
	}
	return false
}

// namedByTable reports whether a key ARN or id is the KMSMasterKeyId a table
// of the template gives outright.
func namedByTable(t *cfn.Template, key string) bool {
	for _, r := range t.Resources(tableTypes...) {
		for _, k := range encryptionOf(r).keys {
			if text := cfn.Text(k.value); k.value != nil && !isIntrinsicValue(k.value) && (text == key || strings.HasSuffix(key, "/"+text)) {
				return true
			}
		}
	}
	return false
}
