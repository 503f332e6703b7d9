package template

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// seedRuntime replaces the reference's python3.7, whose creation Lambda has
// blocked since 2024-01-09.
const seedRuntime = "python3.14"

// seedWriterCode is the reference's writer, byte for byte.
const seedWriterCode = `def handler(event, context):
  import boto3
  dynamodb = boto3.client('dynamodb')
  id = event['id']
  return dynamodb.put_item(TableName='${TableName}', Item={'id':{'S':f'{id}'}})
`

// buildSeed reproduces the reference template; only the runtime and the
// explicit deletion policies differ.
func buildSeed() *Stack {
	s := newStack("")
	id := tableIDs(DefaultTable(), KeyScopeTable)
	s.add(id.Key, &kms.Key{
		EnableKeyRotation: cloudformation.Bool(true),
		KeyPolicy: cfn.PolicyDocument{
			Version:   cfn.PolicyVersion,
			Statement: []cfn.Statement{referenceAccountRoot(), anyPrincipalInAccountThroughDynamoDB()},
		},
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(Delete),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(Delete),
	})
	s.add(id.Table, &dynamodb.Table{
		AttributeDefinitions: []dynamodb.Table_AttributeDefinition{{AttributeName: "id", AttributeType: "S"}},
		KeySchema:            []dynamodb.Table_KeySchema{{AttributeName: "id", KeyType: "HASH"}},
		BillingMode:          cloudformation.String("PAY_PER_REQUEST"),
		SSESpecification: &dynamodb.Table_SSESpecification{
			SSEEnabled:     true,
			SSEType:        cloudformation.String("KMS"),
			KMSMasterKeyId: cloudformation.String(cloudformation.Ref(id.Key)),
		},
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(Delete),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(Delete),
	})
	s.add(id.Function, &serverless.Function{
		// Sub with a list: goformation's SubVars would render the
		// variable as an opaque base64 string.
		InlineCode: cloudformation.String(cloudformation.Sub([]any{
			seedWriterCode,
			map[string]string{"TableName": cloudformation.Ref(id.Table)},
		})),
		Handler: cloudformation.String("index.handler"),
		Runtime: cloudformation.String(seedRuntime),
		// One member of the Policies union only: goformation keeps just one
		// when several are set.
		Policies: &serverless.Function_Policies{IAMPolicyDocument: &serverless.Function_IAMPolicyDocument{
			Statement: []any{cfn.Statement{
				Effect:   cfn.Allow,
				Action:   []string{"dynamodb:PutItem"},
				Resource: cloudformation.GetAtt(id.Table, "Arn"),
			}},
		}},
	})
	return s
}
