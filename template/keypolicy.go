package template

import (
	"maps"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Each function here builds one statement of a key policy. A key policy's
// Resource is always "*": it means the key the policy is attached to.

// KMS actions DynamoDB performs with a table's key on behalf of a principal
// that reads or writes items, as the generated writer has always been
// allowed them.
var kmsDataActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}

// grantKeyActions are what a grant's principal needs of the table's key, at
// every level: DynamoDB generates the table key itself, once, when the
// table is made (GenerateDataKey, as DynamoDB, under its grant), and decrypts
// it on behalf of the principal that reads or writes items, or reads the
// stream, whose records the same table key protects (Decrypt, as that
// principal). docs/teams.md cites AWS's pages.
var grantKeyActions = []string{"kms:Decrypt"}

// tableNameKey is the condition key of the table name DynamoDB puts in the
// encryption context of every request it makes to KMS for a table.
const tableNameKey = "kms:EncryptionContext:aws:dynamodb:tableName"

// keyUse is one table a key encrypts: its logical ids and its config.
type keyUse struct {
	ids   TableIDs
	table TableConfig
}

// keyUses lists the tables of a stack whose tables share one key.
func (c Config) keyUses() []keyUse {
	uses := make([]keyUse, len(c.Tables))
	for i, t := range c.Tables {
		uses[i] = keyUse{tableIDs(t, c.Key.Scope), t}
	}
	return uses
}

// sharesKey says whether one key encrypts several tables, so that each
// principal's use of it must be held to its own table.
func (c Config) sharesKey() bool { return c.Key.Scope == KeyScopeStack && len(c.Tables) > 1 }

// accountRootAdministers keeps the key manageable: without it no IAM policy in
// the account can grant access to the key, and a key policy that names a
// deleted role would lock everyone out.
func accountRootAdministers() cfn.Statement {
	return cfn.Statement{
		Sid:       "AccountRootAdministers",
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": cloudformation.Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
		Action:    "kms:*",
		Resource:  "*",
	}
}

// writerUsesKeyThroughDynamoDB lets the writer's role use the key only when
// DynamoDB in this account and region calls KMS for it, so the role cannot
// decrypt anything with the key directly.
func writerUsesKeyThroughDynamoDB(roleID string) cfn.Statement {
	return cfn.Statement{
		Sid:       "WriterUsesKeyThroughDynamoDB",
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": cloudformation.GetAtt(roleID, "Arn")},
		Action:    kmsDataActions,
		Resource:  "*",
		Condition: throughDynamoDBInThisAccount(),
	}
}

// dynamoDBDescribesKey lets DynamoDB itself read the key's metadata, as the AWS
// managed key aws/dynamodb does, so the table can report the key's state.
func dynamoDBDescribesKey() cfn.Statement {
	return cfn.Statement{
		Sid:       "DynamoDBDescribesKey",
		Effect:    cfn.Allow,
		Principal: map[string]any{"Service": "dynamodb.amazonaws.com"},
		Action:    []string{"kms:Describe*", "kms:Get*", "kms:List*"},
		Resource:  "*",
	}
}

// throughDynamoDB limits a statement to requests DynamoDB in this region
// makes on the principal's behalf.
func throughDynamoDB() map[string]map[string]any {
	return map[string]map[string]any{
		"StringEquals": {"kms:ViaService": cloudformation.Sub("dynamodb.${AWS::Region}.amazonaws.com")},
	}
}

// throughDynamoDBInThisAccount also limits it to callers of this account,
// which a key policy needs and an identity policy gets by being one.
func throughDynamoDBInThisAccount() map[string]map[string]any {
	c := throughDynamoDB()
	c["StringEquals"]["kms:CallerAccount"] = cloudformation.Ref("AWS::AccountId")
	return c
}

// accountUsesKeyThroughDynamoDB lets every principal of the account use the
// key, but only through DynamoDB: the access model of the AWS managed key
// aws/dynamodb, and of the reference.
func accountUsesKeyThroughDynamoDB() cfn.Statement {
	return cfn.Statement{
		Sid:       "AccountUsesKeyThroughDynamoDB",
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": "*"},
		Action:    kmsDataActions,
		Resource:  "*",
		Condition: throughDynamoDBInThisAccount(),
	}
}

// keyAdministrationActions manage the key's lifecycle, rotation, aliases and
// tags. None encrypts, decrypts or creates a grant, and none changes the key
// policy (kms:PutKeyPolicy), through which an administrator could grant
// themselves any of those: policy changes go through the account root.
var keyAdministrationActions = []string{
	"kms:Describe*", "kms:List*", "kms:Get*", "kms:Enable*", "kms:Disable*", "kms:Update*",
	"kms:Revoke*", "kms:CreateAlias", "kms:DeleteAlias", "kms:TagResource", "kms:UntagResource",
	"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
}

// administratorsManageKey lets named people or roles administer the key
// without being able to use it: separation of duties. An ARN that writes
// the deploying account as ${AWS::AccountId} becomes a Fn::Sub; any other
// names another account, as gen check reads it.
func administratorsManageKey(admins []string) cfn.Statement {
	principals := make([]any, len(admins))
	for i, arn := range admins {
		principals[i] = arn
		if strings.Contains(arn, "${") {
			principals[i] = cloudformation.Sub(arn)
		}
	}
	return cfn.Statement{
		Sid:       "AdministratorsManageKeyWithoutUsingIt",
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": principals},
		Action:    keyAdministrationActions,
		Resource:  "*",
	}
}

// denyGrantsNotForAWSResources stops anyone who may create grants from
// handing the key to an arbitrary principal; DynamoDB's own grants for the
// table are for an AWS resource and pass (Control Tower CT.KMS.PR.3).
func denyGrantsNotForAWSResources() cfn.Statement {
	return cfn.Statement{
		Sid:       "DenyGrantsNotForAWSResources",
		Effect:    cfn.Deny,
		Principal: map[string]any{"AWS": "*"},
		Action:    "kms:CreateGrant",
		Resource:  "*",
		Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "false"}},
	}
}

// grantUsesKeyThroughDynamoDB lets a grant's principal use the key only
// when DynamoDB calls KMS on its behalf, and only as DynamoDB needs it to:
// to decrypt the table key. kms:CallerAccount is the principal's own
// account, this stack's or another.
func grantUsesKeyThroughDynamoDB(index int, g Grant) cfn.Statement {
	return cfn.Statement{
		Sid:       grantSid(index, "UsesKeyThroughDynamoDB"),
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": g.Principal},
		Action:    grantKeyActions,
		Resource:  "*",
		Condition: map[string]map[string]any{"StringEquals": {
			"kms:ViaService":    cloudformation.Sub("dynamodb.${AWS::Region}.amazonaws.com"),
			"kms:CallerAccount": principalAccount(g.Principal),
		}},
	}
}

// heldToTable narrows a statement of a key that several tables share to
// the requests DynamoDB makes for one of them, by the table name in their
// encryption context, and names it after the table. The key policy cannot
// name the table exactly: the table's name is known once CloudFormation has
// made the table, which needs the key first. CloudFormation names the table
// <stack>-<logical id>-<random suffix>; a logical id has no hyphen, so the
// pattern matches this table of this stack and no other of its tables. Were
// the name ever made otherwise, the pattern would not match and the
// principal would be refused: the condition fails closed. tablesStack names
// the stack that makes the tables, when it is not the key's own: a
// deployment's key stacks come before its table stack.
func heldToTable(s cfn.Statement, name, tableID, tablesStack string) cfn.Statement {
	s.Sid = name + s.Sid
	condition := maps.Clone(s.Condition)
	var pattern any = cloudformation.Sub("${AWS::StackName}-" + tableID + "-*")
	if tablesStack != "" {
		pattern = tablesStack + "-" + tableID + "-*"
	}
	condition["StringLike"] = map[string]any{tableNameKey: pattern}
	s.Condition = condition
	return s
}

// keyPolicy assembles the key policy of a key that encrypts the tables of
// uses: the writers' and the grants' statements, each held to its own table
// when the key serves several. tablesStack names the stack that makes the
// tables, or is empty for the key's own (heldToTable).
func keyPolicy(cfg Config, uses []keyUse, tablesStack string) cfn.PolicyDocument {
	held := func(s cfn.Statement, u keyUse) cfn.Statement {
		if len(uses) > 1 {
			return heldToTable(s, u.table.Name, u.ids.Table, tablesStack)
		}
		return s
	}
	statements := []cfn.Statement{accountRootAdministers()}
	switch cfg.Key.Access {
	case AccessWriter:
		for _, u := range uses {
			if !u.table.NoWriter {
				statements = append(statements, held(writerUsesKeyThroughDynamoDB(u.ids.Role), u))
			}
		}
		statements = append(statements, dynamoDBDescribesKey())
	case AccessAccount:
		statements = append(statements, accountUsesKeyThroughDynamoDB(), dynamoDBDescribesKey())
	}
	// Under iam and account access, a principal of this account gets the
	// key from its IAM policy or from the account-wide statement; one of
	// another account needs the key policy to name it, whatever the model.
	for _, u := range uses {
		for i, g := range u.table.Grants {
			if cfg.Key.Access == AccessWriter || cfg.inAnotherAccount(g) {
				statements = append(statements, held(grantUsesKeyThroughDynamoDB(i, g), u))
			}
		}
	}
	if len(cfg.Key.Admins) > 0 {
		statements = append(statements, administratorsManageKey(cfg.Key.Admins))
	}
	if cfg.Key.LimitGrantsToAWSResources {
		statements = append(statements, denyGrantsNotForAWSResources())
	}
	return cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: statements}
}

// referenceAccountRoot is the reference's root statement: no Sid, and the
// partition written out as aws.
func referenceAccountRoot() cfn.Statement {
	return cfn.Statement{
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": cloudformation.Sub("arn:aws:iam::${AWS::AccountId}:root")},
		Action:    "kms:*",
		Resource:  "*",
	}
}

// anyPrincipalInAccountThroughDynamoDB is the reference's way: every
// principal of the account may use the key through DynamoDB, the pattern of
// the AWS managed key aws/dynamodb.
func anyPrincipalInAccountThroughDynamoDB() cfn.Statement {
	return cfn.Statement{
		Effect:    cfn.Allow,
		Principal: map[string]any{"AWS": "*"},
		Action:    []string{"kms:Encrypt", "kms:Decrypt"},
		Resource:  "*",
		Condition: throughDynamoDBInThisAccount(),
	}
}
