package template

import (
	"fmt"
	"slices"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// samTransform makes CloudFormation expand AWS::Serverless::* resources.
const samTransform = cfn.SAM

// What each table adds to a stack: 7 resources once CloudFormation has
// applied the SAM transform (key, alias, table, role, policy, function, log
// group) and 6 outputs; and so the tables one stack holds, within
// CloudFormation's 500 resources and 200 outputs.
const (
	ResourcesPerTable = 7
	OutputsPerTable   = 6
	MaxTables         = min(cfn.MaxResources/ResourcesPerTable, cfn.MaxOutputs/OutputsPerTable)
)

// Stack is a built template together with the order its resources and
// outputs were added in, which the template's maps do not keep and a
// readable rendering needs (render.Order).
type Stack struct {
	Template      *cloudformation.Template
	ResourceOrder []string
	OutputOrder   []string
}

func newStack(description string) *Stack {
	t := cloudformation.NewTemplate()
	t.Description = description
	addSAMTransform(t)
	return &Stack{Template: t}
}

func (s *Stack) add(id string, r cloudformation.Resource) {
	s.Template.Resources[id] = r
	s.ResourceOrder = append(s.ResourceOrder, id)
}

// Build builds the stack that cfg describes: a new template, and each of
// its tables added as AddTable adds one; Validate has checked what AddTable
// would.
func Build(cfg Config) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	if cfg.Profile == ProfileSeed {
		return buildSeed(), nil
	}
	description := "DynamoDB table encrypted at rest with a customer managed KMS key, and its writer"
	if len(cfg.Tables) > 1 {
		description = "DynamoDB tables, each encrypted at rest with its own customer managed KMS key, and their writers"
	}
	s := newStack(description)
	for _, table := range cfg.Tables {
		ids := addTable(s.Template, cfg, table)
		s.ResourceOrder = append(s.ResourceOrder, ids.Resources()...)
		s.OutputOrder = append(s.OutputOrder, ids.Outputs...)
	}
	return s, nil
}

// TableIDs names what AddTable added for one table: the logical ids of its
// resources and the names of its outputs, all derived from the table's name.
type TableIDs struct {
	Key, Alias, Table, Role, Policy, Function, LogGroup string
	Outputs                                             []string
}

// Resources lists the logical ids, in the order AddTable adds them.
func (ids TableIDs) Resources() []string {
	return []string{ids.Key, ids.Alias, ids.Table, ids.Role, ids.Policy, ids.Function, ids.LogGroup}
}

// tableIDs derives a table's logical ids from its name. A renamed logical id
// makes CloudFormation replace the resource, and a replaced table loses its
// items: the default table's name, DynamoDb, gives the reference's ids.
func tableIDs(table string) TableIDs {
	return TableIDs{
		Key:      table + "TableKmsKey",
		Alias:    table + "TableKmsKeyAlias",
		Table:    table + "Table",
		Role:     table + "WriteFunctionRole",
		Policy:   table + "WriteFunctionPolicy",
		Function: table + "WriteFunction",
		LogGroup: table + "WriteFunctionLogGroup",
		Outputs: []string{
			table + "TableName", table + "TableArn", table + "KeyArn", table + "KeyAlias",
			table + "WriterFunctionName", table + "WriterFunctionArn",
		},
	}
}

// AddTable adds one table to any goformation template t: the table with its
// own key, alias and key policy, and its writer (function, role, policy and
// log group), and their outputs, so each writer may touch one table and one
// key only. It adds the SAM transform, keeping the template's others. It
// refuses, leaving t as it was, a nil t, an invalid table or config, the seed profile
// (the reference template, which has no table to add), a logical id or
// output t already has, and a table that would take t past CloudFormation's
// limits on resources or outputs.
func AddTable(t *cloudformation.Template, cfg Config, table TableConfig) (TableIDs, error) {
	if t == nil {
		return TableIDs{}, fmt.Errorf("table %q: no template to add it to; make one with cloudformation.NewTemplate", table.Name)
	}
	if err := cfg.validateForTable(table); err != nil {
		return TableIDs{}, fmt.Errorf("table %q: %w", table.Name, err)
	}
	if err := fits(t, tableIDs(table.Name)); err != nil {
		return TableIDs{}, fmt.Errorf("table %q: %w", table.Name, err)
	}
	return addTable(t, cfg, table), nil
}

// addTable adds a table that AddTable, or Build, has checked.
func addTable(t *cloudformation.Template, cfg Config, table TableConfig) TableIDs {
	ids := tableIDs(table.Name)
	resources := []cloudformation.Resource{
		key(ids, cfg), alias(ids), tableResource(ids, table, cfg),
		writerRole(cfg.Tags), writerPolicy(ids, cfg.Key.Access), writerFunction(ids, table, cfg), writerLogGroup(ids, cfg),
	}
	// A Template written as a literal has no maps yet.
	if t.Resources == nil {
		t.Resources = cloudformation.Resources{}
	}
	if t.Outputs == nil {
		t.Outputs = cloudformation.Outputs{}
	}
	for i, id := range ids.Resources() {
		t.Resources[id] = resources[i]
	}
	outputs := []cloudformation.Output{
		output("Name of the encrypted table "+table.Name, cloudformation.Ref(ids.Table)),
		output("ARN of the encrypted table "+table.Name, cloudformation.GetAtt(ids.Table, "Arn")),
		output("ARN of the customer managed key that encrypts "+table.Name, cloudformation.GetAtt(ids.Key, "Arn")),
		output("Alias of the customer managed key of "+table.Name, cloudformation.Ref(ids.Alias)),
		output("Name of the writer of "+table.Name+"; pass it to aws lambda invoke", cloudformation.Ref(ids.Function)),
		output("ARN of the writer of "+table.Name, cloudformation.GetAtt(ids.Function, "Arn")),
	}
	for i, name := range ids.Outputs {
		t.Outputs[name] = outputs[i]
	}
	addSAMTransform(t)
	return ids
}

func output(description, value string) cloudformation.Output {
	return cloudformation.Output{Description: cloudformation.String(description), Value: value}
}

// fits refuses ids that t already uses, and a table t has no room for.
func fits(t *cloudformation.Template, ids TableIDs) error {
	for _, id := range ids.Resources() {
		if _, taken := t.Resources[id]; taken {
			return fmt.Errorf("the template already has a resource %s", id)
		}
	}
	for _, name := range ids.Outputs {
		if _, taken := t.Outputs[name]; taken {
			return fmt.Errorf("the template already has an output %s", name)
		}
	}
	if n := len(t.Resources) + ResourcesPerTable; n > cfn.MaxResources {
		return fmt.Errorf("the template would have %d resources; CloudFormation allows %d", n, cfn.MaxResources)
	}
	if n := len(t.Outputs) + OutputsPerTable; n > cfn.MaxOutputs {
		return fmt.Errorf("the template would have %d outputs; CloudFormation allows %d", n, cfn.MaxOutputs)
	}
	return nil
}

// addSAMTransform adds the SAM transform to the template's transforms, after
// the others: AWS::LanguageExtensions, for one, must run first.
func addSAMTransform(t *cloudformation.Template) {
	var names []string
	switch {
	case t.Transform == nil:
	case t.Transform.StringArray != nil:
		names = *t.Transform.StringArray
	case t.Transform.String != nil:
		names = []string{*t.Transform.String}
	}
	if slices.Contains(names, samTransform) {
		return
	}
	if len(names) == 0 {
		t.Transform = &cloudformation.Transform{String: cloudformation.String(samTransform)}
		return
	}
	names = append(slices.Clone(names), samTransform)
	t.Transform = &cloudformation.Transform{StringArray: &names}
}
