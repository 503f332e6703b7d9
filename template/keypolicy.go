package template

import "github.com/awslabs/goformation/v7/cloudformation"

// Each function here builds one statement of a key policy. A key policy's
// Resource is always "*": it means the key the policy is attached to.

// KMS actions DynamoDB performs with a table's key on behalf of a principal
// that reads or writes items.
var kmsDataActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}

// accountRootAdministers keeps the key manageable: without it no IAM policy in
// the account can grant access to the key, and a key policy that names a
// deleted role would lock everyone out.
func accountRootAdministers() Statement {
	return Statement{
		Sid:       "AccountRootAdministers",
		Effect:    Allow,
		Principal: map[string]string{"AWS": cloudformation.Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
		Action:    "kms:*",
		Resource:  "*",
	}
}

// writerUsesKeyThroughDynamoDB lets the writer's role use the key only when
// DynamoDB in this account and region calls KMS for it, so the role cannot
// decrypt anything with the key directly.
func writerUsesKeyThroughDynamoDB(roleID string) Statement {
	return Statement{
		Sid:       "WriterUsesKeyThroughDynamoDB",
		Effect:    Allow,
		Principal: map[string]string{"AWS": cloudformation.GetAtt(roleID, "Arn")},
		Action:    kmsDataActions,
		Resource:  "*",
		Condition: throughDynamoDBInThisAccount(),
	}
}

// dynamoDBDescribesKey lets DynamoDB itself read the key's metadata, as the AWS
// managed key aws/dynamodb does, so the table can report the key's state.
func dynamoDBDescribesKey() Statement {
	return Statement{
		Sid:       "DynamoDBDescribesKey",
		Effect:    Allow,
		Principal: map[string]string{"Service": "dynamodb.amazonaws.com"},
		Action:    []string{"kms:Describe*", "kms:Get*", "kms:List*"},
		Resource:  "*",
	}
}

func throughDynamoDBInThisAccount() map[string]map[string]string {
	return map[string]map[string]string{
		"StringEquals": {
			"kms:CallerAccount": cloudformation.Ref("AWS::AccountId"),
			"kms:ViaService":    cloudformation.Sub("dynamodb.${AWS::Region}.amazonaws.com"),
		},
	}
}

// writerKeyPolicy is the default profile's key policy.
func writerKeyPolicy(roleID string) PolicyDocument {
	return PolicyDocument{
		Version: PolicyVersion,
		Statement: []Statement{
			accountRootAdministers(),
			writerUsesKeyThroughDynamoDB(roleID),
			dynamoDBDescribesKey(),
		},
	}
}

// referenceAccountRoot is the reference's root statement: no Sid, and the
// partition written out as aws.
func referenceAccountRoot() Statement {
	return Statement{
		Effect:    Allow,
		Principal: map[string]string{"AWS": cloudformation.Sub("arn:aws:iam::${AWS::AccountId}:root")},
		Action:    "kms:*",
		Resource:  "*",
	}
}

// anyPrincipalInAccountThroughDynamoDB is the reference's way: every
// principal of the account may use the key through DynamoDB, the pattern of
// the AWS managed key aws/dynamodb.
func anyPrincipalInAccountThroughDynamoDB() Statement {
	return Statement{
		Effect:    Allow,
		Principal: map[string]string{"AWS": "*"},
		Action:    []string{"kms:Encrypt", "kms:Decrypt"},
		Resource:  "*",
		Condition: throughDynamoDBInThisAccount(),
	}
}
