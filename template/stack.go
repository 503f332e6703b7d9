package template

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
)

// samTransform makes CloudFormation expand AWS::Serverless::* resources.
const samTransform = "AWS::Serverless-2016-10-31"

// Stack is a built template together with the order its resources and
// outputs were added in, which the template's maps do not keep and a
// readable rendering needs.
type Stack struct {
	Template      *cloudformation.Template
	ResourceOrder []string
	OutputOrder   []string
}

func newStack(description string) *Stack {
	t := cloudformation.NewTemplate()
	t.Transform = &cloudformation.Transform{String: cloudformation.String(samTransform)}
	t.Description = description
	return &Stack{Template: t}
}

func (s *Stack) add(id string, r cloudformation.Resource) {
	s.Template.Resources[id] = r
	s.ResourceOrder = append(s.ResourceOrder, id)
}

func (s *Stack) output(id, description, value string) {
	s.Template.Outputs[id] = cloudformation.Output{Description: cloudformation.String(description), Value: value}
	s.OutputOrder = append(s.OutputOrder, id)
}

// Build builds the stack that cfg describes.
func Build(cfg Config) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	if cfg.Profile == ProfileSeed {
		return buildSeed(), nil
	}
	return buildDefault(cfg), nil
}

// ids are the logical ids of one table's resources.
type ids struct {
	Key, Alias, Table, Role, Policy, Function, LogGroup string
}

// referenceIDs keeps the reference template's logical ids for the resources it
// has: a renamed logical id makes CloudFormation replace the resource, and a
// replaced table loses its items.
var referenceIDs = ids{
	Key:      "DynamoDbTableKmsKey",
	Alias:    "DynamoDbTableKmsKeyAlias",
	Table:    "DynamoDbTable",
	Role:     "DynamoDbWriteFunctionRole",
	Policy:   "DynamoDbWriteFunctionPolicy",
	Function: "DynamoDbWriteFunction",
	LogGroup: "DynamoDbWriteFunctionLogGroup",
}

func buildDefault(cfg Config) *Stack {
	s := newStack("DynamoDB table encrypted at rest with a customer managed KMS key, and its writer")
	id := referenceIDs
	s.add(id.Key, key(id, cfg.Key))
	s.add(id.Alias, alias(id))
	s.add(id.Table, table(id))
	s.add(id.Role, writerRole())
	s.add(id.Policy, writerPolicy(id, cfg.Key.Access))
	s.add(id.Function, writerFunction(id, cfg.Writer))
	s.add(id.LogGroup, writerLogGroup(id, cfg.Writer))

	s.output("TableName", "Name of the encrypted table", cloudformation.Ref(id.Table))
	s.output("TableArn", "ARN of the encrypted table", cloudformation.GetAtt(id.Table, "Arn"))
	s.output("KeyArn", "ARN of the customer managed key that encrypts the table", cloudformation.GetAtt(id.Key, "Arn"))
	s.output("KeyAlias", "Alias of the customer managed key", cloudformation.Ref(id.Alias))
	s.output("WriterFunctionName", "Name of the writer function; pass it to aws lambda invoke", cloudformation.Ref(id.Function))
	s.output("WriterFunctionArn", "ARN of the writer function", cloudformation.GetAtt(id.Function, "Arn"))
	return s
}
