package template

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
)

// Delete says what the default profile wants on delete-stack and on
// replacement: nothing left behind that keeps billing. Explicit, because
// reviewers (and cfn-lint I3011) should not have to know the defaults.
const Delete = "Delete"

func key(id ids, cfg KeyConfig) *kms.Key {
	return &kms.Key{
		Description:                          cloudformation.String("Encrypts " + id.Table + " at rest"),
		EnableKeyRotation:                    cloudformation.Bool(true),
		RotationPeriodInDays:                 cloudformation.Int(cfg.RotationPeriodInDays),
		PendingWindowInDays:                  cloudformation.Int(cfg.PendingWindowInDays),
		KeyPolicy:                            keyPolicy(id, cfg),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(Delete),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(Delete),
	}
}

// alias names the key after the stack and the table, so a person finds it in
// the KMS console; the alias goes when the stack goes.
func alias(id ids) *kms.Alias {
	return &kms.Alias{
		AliasName:   cloudformation.Sub("alias/${AWS::StackName}/" + id.Table),
		TargetKeyId: cloudformation.Ref(id.Key),
	}
}

func table(id ids) *dynamodb.Table {
	return &dynamodb.Table{
		AttributeDefinitions: []dynamodb.Table_AttributeDefinition{{AttributeName: "id", AttributeType: "S"}},
		KeySchema:            []dynamodb.Table_KeySchema{{AttributeName: "id", KeyType: "HASH"}},
		BillingMode:          cloudformation.String("PAY_PER_REQUEST"),
		SSESpecification: &dynamodb.Table_SSESpecification{
			SSEEnabled:     true,
			SSEType:        cloudformation.String("KMS"),
			KMSMasterKeyId: cloudformation.String(cloudformation.GetAtt(id.Key, "Arn")),
		},
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(Delete),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(Delete),
	}
}
