package template

import (
	"encoding/json"
	"maps"

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

// writerWiring is how a writer's function and policy reach its role and
// its table's key: in one template through their logical ids; in a
// deployment's table stack through the parameters that bring them from the
// primary Region's key stack, where the key policy that names the role is.
type writerWiring struct {
	roleArn, roleName, keyArn string // intrinsics
	// sharedKey holds the writer's use of the key to its own table: the
	// key encrypts several tables.
	sharedKey bool
}

// wiringInTemplate reaches the role and key of ids in the same template.
func wiringInTemplate(ids TableIDs, sharedKey bool) writerWiring {
	return writerWiring{
		roleArn: cloudformation.GetAtt(ids.Role, "Arn"), roleName: cloudformation.Ref(ids.Role),
		keyArn: cloudformation.GetAtt(ids.Key, "Arn"), sharedKey: sharedKey,
	}
}

// writerPolicy grants the one action the writer needs. TransactWriteItems,
// which the writer uses for batches, is authorised by the actions inside it.
// Where the key policy delegates to IAM, the policy also grants the key's use
// through DynamoDB, held to the writer's own table when several tables
// share the key.
func writerPolicy(id TableIDs, w writerWiring, cfg Config) *iam.Policy {
	statements := []cfn.Statement{{
		Sid:      "PutItemsIntoTable",
		Effect:   cfn.Allow,
		Action:   "dynamodb:PutItem",
		Resource: cloudformation.GetAtt(id.Table, "Arn"),
	}}
	if cfg.Key.Access == AccessIAM {
		key := useTableKeyThroughDynamoDB(w.keyArn)
		if w.sharedKey {
			key = onlyForOwnTable(key, id)
		}
		statements = append(statements, key)
	}
	return &iam.Policy{
		PolicyName:     "PutItemsIntoTable",
		Roles:          []string{w.roleName},
		PolicyDocument: cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: statements},
	}
}

// useTableKeyThroughDynamoDB is what AWS CDK's grantWriteData gives a role
// on a table's key, plus the kms:ViaService condition CDK leaves out: without
// it the role could decrypt with the key directly.
func useTableKeyThroughDynamoDB(keyArn string) cfn.Statement {
	return cfn.Statement{
		Sid:       "UseTableKeyThroughDynamoDB",
		Effect:    cfn.Allow,
		Action:    kmsDataActions,
		Resource:  keyArn,
		Condition: throughDynamoDB(),
	}
}

// onlyForOwnTable holds the writer's use of a key that several tables share
// to its own table. Unlike the key policy, the writer's policy can name the
// table exactly: nothing the table needs depends on the policy.
func onlyForOwnTable(s cfn.Statement, id TableIDs) cfn.Statement {
	s.Condition = maps.Clone(s.Condition)
	s.Condition["StringEquals"] = maps.Clone(s.Condition["StringEquals"])
	s.Condition["StringEquals"][tableNameKey] = cloudformation.Ref(id.Table)
	return s
}

// writerFunction tells the writer its table, the table's key attributes and
// its indexes' through its environment, so one binary serves every table.
func writerFunction(id TableIDs, w writerWiring, t TableConfig, cfg Config) *serverless.Function {
	env := map[string]string{
		contract.EnvTableName:        cloudformation.Ref(id.Table),
		contract.EnvPartitionKey:     t.PartitionKey.Name,
		contract.EnvPartitionKeyType: t.PartitionKey.Type,
	}
	if t.SortKey != nil {
		env[contract.EnvSortKey] = t.SortKey.Name
		env[contract.EnvSortKeyType] = t.SortKey.Type
	}
	partitions, sorts := indexKeys(t)
	if len(partitions) > 0 {
		env[contract.EnvIndexPartitionKeys] = typesJSON(partitions)
	}
	if len(sorts) > 0 {
		env[contract.EnvIndexSortKeys] = typesJSON(sorts)
	}
	return &serverless.Function{
		Description:   cloudformation.String("Puts items into " + id.Table),
		CodeUri:       &serverless.Function_CodeUri{String: cloudformation.String(cfg.Writer.codeURI())},
		Handler:       cloudformation.String(writerHandler),
		Runtime:       cloudformation.String(writerRuntime),
		Architectures: []string{cfg.Writer.Architecture},
		MemorySize:    cloudformation.Int(cfg.Writer.MemorySize),
		Timeout:       cloudformation.Int(cfg.Writer.Timeout),
		Role:          cloudformation.String(w.roleArn),
		Environment:   &serverless.Function_FunctionEnvironment{Variables: env},
		Tags:          cfg.Tags,
		// Without the policy in place the first invocation after deploy
		// could run before the role may write.
		AWSCloudFormationDependsOn: []string{id.Policy},
	}
}

// indexKeys gives the key attributes of the table's indexes that are not
// keys of the table, by name and type, in two sets: those that are the sort
// key of some index, whose values DynamoDB holds to the sort key's shorter
// limit, and the others.
func indexKeys(t TableConfig) (partitions, sorts map[string]string) {
	partitions, sorts = map[string]string{}, map[string]string{}
	tableKeys := map[string]bool{}
	for _, use := range attributeUses(t) {
		a := use.attribute
		switch {
		case !use.index:
			tableKeys[a.Name] = true
		case use.sort:
			sorts[a.Name] = a.Type
		default:
			partitions[a.Name] = a.Type
		}
	}
	maps.DeleteFunc(partitions, func(name, _ string) bool { _, sort := sorts[name]; return sort || tableKeys[name] })
	maps.DeleteFunc(sorts, func(name, _ string) bool { return tableKeys[name] })
	return partitions, sorts
}

// typesJSON writes a set of attribute types as the JSON object the writer
// reads; encoding/json sorts its keys, so the same set gives the same bytes.
func typesJSON(types map[string]string) string {
	out, _ := json.Marshal(types) // a map of strings always marshals
	return string(out)
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
