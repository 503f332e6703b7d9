package template

import (
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Each function here builds one statement of a key policy. A key policy's
// Resource is always "*": it means the key the policy is attached to.

// KMS actions DynamoDB performs with a table's key on behalf of a principal
// that reads or writes items.
var kmsDataActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}

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

// keyPolicy assembles the key policy of a table's key.
func keyPolicy(id TableIDs, cfg KeyConfig) cfn.PolicyDocument {
	statements := []cfn.Statement{accountRootAdministers()}
	switch cfg.Access {
	case AccessWriter:
		statements = append(statements, writerUsesKeyThroughDynamoDB(id.Role), dynamoDBDescribesKey())
	case AccessAccount:
		statements = append(statements, accountUsesKeyThroughDynamoDB(), dynamoDBDescribesKey())
	}
	if len(cfg.Admins) > 0 {
		statements = append(statements, administratorsManageKey(cfg.Admins))
	}
	if cfg.LimitGrantsToAWSResources {
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
