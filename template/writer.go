package template

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/logs"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

// The writer runs as a Go binary named bootstrap on Lambda's OS-only runtime.
const (
	writerRuntime = "provided.al2023"
	writerHandler = "bootstrap"
)

// WriterCodeURI is the folder `make build` leaves the writer's bootstrap in
// for an architecture; `aws cloudformation package` zips and uploads it.
func WriterCodeURI(architecture string) string { return "build/writer-" + architecture }

// codeURI is the CodeUri the writer's function gets.
func (w WriterConfig) codeURI() string {
	if w.CodeURI != "" {
		return w.CodeURI
	}
	return WriterCodeURI(w.Architecture)
}

// writerRole is explicit rather than SAM's implicit <Function>Role: the key
// policy names this role, and SAM would put the table's ARN into the role
// itself, giving the cycle key → role → table → key.
func writerRole(tags map[string]string) *iam.Role {
	return &iam.Role{
		Tags: resourceTags(tags),
		AssumeRolePolicyDocument: cfn.PolicyDocument{
			Version: cfn.PolicyVersion,
			Statement: []cfn.Statement{{
				Effect:    cfn.Allow,
				Principal: map[string]any{"Service": "lambda.amazonaws.com"},
				Action:    "sts:AssumeRole",
			}},
		},
		ManagedPolicyArns: []string{
			cloudformation.Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
		},
	}
}

// writerPolicy grants the one action the writer needs. TransactWriteItems,
// which the writer uses for batches, is authorised by the actions inside it.
// Where the key policy delegates to IAM, the policy also grants the key's use
// through DynamoDB.
func writerPolicy(id TableIDs, access KeyAccess) *iam.Policy {
	statements := []cfn.Statement{{
		Sid:      "PutItemsIntoTable",
		Effect:   cfn.Allow,
		Action:   "dynamodb:PutItem",
		Resource: cloudformation.GetAtt(id.Table, "Arn"),
	}}
	if access == AccessIAM {
		statements = append(statements, useTableKeyThroughDynamoDB(id))
	}
	return &iam.Policy{
		PolicyName:     "PutItemsIntoTable",
		Roles:          []string{cloudformation.Ref(id.Role)},
		PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: statements},
	}
}

// useTableKeyThroughDynamoDB is what AWS CDK's grantWriteData gives a role
// on a table's key, plus the kms:ViaService condition CDK leaves out: without
// it the role could decrypt with the key directly.
func useTableKeyThroughDynamoDB(id TableIDs) cfn.Statement {
	return cfn.Statement{
		Sid:       "UseTableKeyThroughDynamoDB",
		Effect:    cfn.Allow,
		Action:    kmsDataActions,
		Resource:  cloudformation.GetAtt(id.Key, "Arn"),
		Condition: throughDynamoDB(),
	}
}

// writerFunction tells the writer its table and the table's key attributes
// through its environment, so one binary serves every table.
func writerFunction(id TableIDs, t TableConfig, cfg Config) *serverless.Function {
	env := map[string]string{
		contract.EnvTableName:        cloudformation.Ref(id.Table),
		contract.EnvPartitionKey:     t.PartitionKey.Name,
		contract.EnvPartitionKeyType: t.PartitionKey.Type,
	}
	if t.SortKey != nil {
		env[contract.EnvSortKey] = t.SortKey.Name
		env[contract.EnvSortKeyType] = t.SortKey.Type
	}
	return &serverless.Function{
		Description:   cloudformation.String("Puts items into " + id.Table),
		CodeUri:       &serverless.Function_CodeUri{String: cloudformation.String(cfg.Writer.codeURI())},
		Handler:       cloudformation.String(writerHandler),
		Runtime:       cloudformation.String(writerRuntime),
		Architectures: []string{cfg.Writer.Architecture},
		MemorySize:    cloudformation.Int(cfg.Writer.MemorySize),
		Timeout:       cloudformation.Int(cfg.Writer.Timeout),
		Role:          cloudformation.String(cloudformation.GetAtt(id.Role, "Arn")),
		Environment:   &serverless.Function_FunctionEnvironment{Variables: env},
		Tags:          cfg.Tags,
		// Without the policy in place the first invocation after deploy
		// could run before the role may write.
		AWSCloudFormationDependsOn: []string{id.Policy},
	}
}

// writerLogGroup is owned by the stack so delete-stack removes the logs;
// otherwise Lambda creates the group on first invoke and it outlives the stack.
func writerLogGroup(id TableIDs, cfg Config) *logs.LogGroup {
	return &logs.LogGroup{
		LogGroupName:                         cloudformation.String(cloudformation.Sub("/aws/lambda/${" + id.Function + "}")),
		RetentionInDays:                      cloudformation.Int(cfg.Writer.LogRetentionInDays),
		Tags:                                 resourceTags(cfg.Tags),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(Delete),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(Delete),
	}
}
