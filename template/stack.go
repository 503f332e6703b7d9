package template

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
)

// samTransform makes CloudFormation expand AWS::Serverless::* resources.
const samTransform = "AWS::Serverless-2016-10-31"

// What each table adds to the stack: 7 resources once CloudFormation has
// applied the SAM transform (key, alias, table, role, policy, function, log
// group) and 6 outputs.
const (
	ResourcesPerTable = 7
	OutputsPerTable   = 6
)

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
	return buildTables(cfg), nil
}

// ids are the logical ids of one table's resources.
type ids struct {
	Key, Alias, Table, Role, Policy, Function, LogGroup string
}

// idsFor derives a table's logical ids from its name. A renamed logical id
// makes CloudFormation replace the resource, and a replaced table loses its
// items: the default table's name, DynamoDb, gives the reference's ids.
func idsFor(table string) ids {
	return ids{
		Key:      table + "TableKmsKey",
		Alias:    table + "TableKmsKeyAlias",
		Table:    table + "Table",
		Role:     table + "WriteFunctionRole",
		Policy:   table + "WriteFunctionPolicy",
		Function: table + "WriteFunction",
		LogGroup: table + "WriteFunctionLogGroup",
	}
}

func buildTables(cfg Config) *Stack {
	description := "DynamoDB table encrypted at rest with a customer managed KMS key, and its writer"
	if len(cfg.Tables) > 1 {
		description = "DynamoDB tables, each encrypted at rest with its own customer managed KMS key, and their writers"
	}
	s := newStack(description)
	for _, table := range cfg.Tables {
		addTable(s, cfg, table)
	}
	return s
}

// addTable adds one table with its own key and its own writer, so each
// writer may touch one table and one key only.
func addTable(s *Stack, cfg Config, t TableConfig) {
	id := idsFor(t.Name)
	s.add(id.Key, key(id, cfg))
	s.add(id.Alias, alias(id))
	s.add(id.Table, table(id, t, cfg))
	s.add(id.Role, writerRole(cfg.Tags))
	s.add(id.Policy, writerPolicy(id, cfg.Key.Access))
	s.add(id.Function, writerFunction(id, t, cfg))
	s.add(id.LogGroup, writerLogGroup(id, cfg))

	s.output(t.Name+"TableName", "Name of the encrypted table "+t.Name, cloudformation.Ref(id.Table))
	s.output(t.Name+"TableArn", "ARN of the encrypted table "+t.Name, cloudformation.GetAtt(id.Table, "Arn"))
	s.output(t.Name+"KeyArn", "ARN of the customer managed key that encrypts "+t.Name, cloudformation.GetAtt(id.Key, "Arn"))
	s.output(t.Name+"KeyAlias", "Alias of the customer managed key of "+t.Name, cloudformation.Ref(id.Alias))
	s.output(t.Name+"WriterFunctionName", "Name of the writer of "+t.Name+"; pass it to aws lambda invoke", cloudformation.Ref(id.Function))
	s.output(t.Name+"WriterFunctionArn", "ARN of the writer of "+t.Name, cloudformation.GetAtt(id.Function, "Arn"))
}
