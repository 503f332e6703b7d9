package template

import (
	"fmt"
	"slices"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// samTransform makes CloudFormation expand AWS::Serverless::* resources.
const samTransform = cfn.SAM

// What a plain table (its own key and writer; no indexes, provisioned
// capacity or grants) adds to a stack: 7 resources once CloudFormation has
// applied the SAM transform (key, alias, table, role, policy, function, log
// group) and 6 outputs; and so the plain tables one stack holds, within
// CloudFormation's 500 resources and 200 outputs. Build counts what each
// table of a config really adds.
const (
	ResourcesPerTable = 7
	OutputsPerTable   = 6
	MaxTables         = min(cfn.MaxResources/ResourcesPerTable, cfn.MaxOutputs/OutputsPerTable)
)

// maxLogicalID is the longest logical id CloudFormation accepts.
const maxLogicalID = 255

// The logical ids of the one key all tables share under KeyScopeStack.
const (
	stackKeyID      = "StackKmsKey"
	stackKeyAliasID = "StackKmsKeyAlias"
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

// Build builds the stack that cfg describes: a new template, the stack's
// key when its tables share one, and each table added as AddTable adds one;
// Validate has checked what AddTable would, and Build refuses two tables
// whose logical ids meet.
func Build(cfg Config) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	if cfg.Profile == ProfileSeed {
		return buildSeed(), nil
	}
	if i := slices.IndexFunc(cfg.Tables, func(t TableConfig) bool { return len(t.Replicas) > 0 }); i >= 0 {
		return nil, fmt.Errorf("tables[%d] has replicas: the configuration is a deployment of several stacks, a key stack in each Region before the table stack; BuildDeployment makes it", i)
	}
	s := newStack(cfg.description())
	if err := addTables(s, cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// addTables adds the tables of cfg, single-Region all, to s: the stack's
// key first when they share one, then each table as AddTable adds one.
func addTables(s *Stack, cfg Config) error {
	shared := cfg.Key.Scope == KeyScopeStack && len(cfg.Tables) > 0
	if shared {
		s.add(stackKeyID, key("the stack's tables", cfg, keyPolicy(cfg, cfg.keyUses(), "")))
		s.add(stackKeyAliasID, alias(stackKeyID, "", "tables"))
	}
	for i, table := range cfg.Tables {
		ids := tableIDs(table, cfg.Key.Scope)
		owned := ids.Resources()
		if shared {
			owned = slices.DeleteFunc(owned, func(id string) bool { return id == stackKeyID || id == stackKeyAliasID })
		}
		if err := fits(s.Template, owned, ids.Outputs); err != nil {
			return fmt.Errorf("invalid config: tables[%d]: %w", i, err)
		}
		addTable(s.Template, cfg, table, ids)
		s.ResourceOrder = append(s.ResourceOrder, owned...)
		s.OutputOrder = append(s.OutputOrder, ids.Outputs...)
	}
	return nil
}

// description says what the stack holds.
func (c Config) description() string {
	tables, writers := "DynamoDB table encrypted at rest with a customer managed KMS key", ", and its writer"
	switch {
	case len(c.Tables) > 1 && c.Key.Scope == KeyScopeStack:
		tables, writers = "DynamoDB tables encrypted at rest with one customer managed KMS key, each principal held to its own table", ", and their writers"
	case len(c.Tables) > 1:
		tables, writers = "DynamoDB tables, each encrypted at rest with its own customer managed KMS key", ", and their writers"
	}
	if !slices.ContainsFunc(c.Tables, func(t TableConfig) bool { return !t.NoWriter }) {
		writers = ""
	}
	return tables + writers
}

// TableIDs names what AddTable added for one table: the logical ids of its
// resources and the names of its outputs, all derived from the table's
// name. Role, Policy, Function and LogGroup are empty for a table without
// the writer; Key and Alias name the stack's key when the tables share one.
type TableIDs struct {
	Key, Alias, Table, Role, Policy, Function, LogGroup string
	// Scaling holds, for provisioned capacity, the scalable target and the
	// target-tracking policy of the reads and of the writes of the table and
	// of each of its global indexes.
	Scaling []string
	Outputs []string
}

// Resources lists the logical ids, in the order AddTable adds them.
func (ids TableIDs) Resources() []string {
	all := append([]string{ids.Key, ids.Alias, ids.Table}, ids.Scaling...)
	all = append(all, ids.Role, ids.Policy, ids.Function, ids.LogGroup)
	return slices.DeleteFunc(all, func(id string) bool { return id == "" })
}

// tableIDs derives a table's logical ids from its name. A renamed logical id
// makes CloudFormation replace the resource, and a replaced table loses its
// items: the default table's name, DynamoDb, gives the reference's ids.
func tableIDs(t TableConfig, scope KeyScope) TableIDs {
	name := t.Name
	ids := TableIDs{Key: name + "TableKmsKey", Alias: name + "TableKmsKeyAlias", Table: name + "Table"}
	if scope == KeyScopeStack {
		ids.Key, ids.Alias = stackKeyID, stackKeyAliasID
	}
	for _, c := range scaledCapacities(t) {
		ids.Scaling = append(ids.Scaling, c.target, c.policy)
	}
	ids.Outputs = []string{name + "TableName", name + "TableArn", name + "KeyArn", name + "KeyAlias"}
	if streamOutput(t) {
		ids.Outputs = append(ids.Outputs, name+"StreamArn")
	}
	if !t.NoWriter {
		ids.Role, ids.Policy, ids.Function, ids.LogGroup = name+"WriteFunctionRole", name+"WriteFunctionPolicy", name+"WriteFunction", name+"WriteFunctionLogGroup"
		ids.Outputs = append(ids.Outputs, name+"WriterFunctionName", name+"WriterFunctionArn")
	}
	return ids
}

// streamOutput says whether a table's outputs give its stream's ARN: the
// principals a table grants access to need it, those of other accounts to
// name it in their own IAM policy.
func streamOutput(t TableConfig) bool { return t.Stream != "" && len(t.Grants) > 0 }

// size counts the resources and outputs of the stack c describes, its
// single-Region tables' in a deployment, whose table stack BuildDeployment
// counts as it adds each global table.
func (c Config) size() (resources, outputs int) {
	ids := map[string]bool{}
	for _, t := range c.Tables {
		if len(t.Replicas) > 0 {
			continue
		}
		table := tableIDs(t, c.Key.Scope)
		for _, id := range table.Resources() {
			ids[id] = true
		}
		outputs += len(table.Outputs)
	}
	return len(ids), outputs
}

// AddTable adds one table to any goformation template t: the table with its
// own key, alias and key policy, its auto scaling when its capacity is
// provisioned, its writer (function, role, policy and log group) unless it
// has none, and their outputs, so each writer may touch one table and one
// key only. It adds the SAM transform, keeping the template's others. It
// refuses, leaving t as it was, a nil t, an invalid table or config, the seed profile
// (the reference template, which has no table to add), a key shared by the
// stack's tables (Build makes those), a logical id or output t already has,
// and a table that would take t past CloudFormation's limits on resources
// or outputs.
func AddTable(t *cloudformation.Template, cfg Config, table TableConfig) (TableIDs, error) {
	if t == nil {
		return TableIDs{}, fmt.Errorf("table %q: no template to add it to; make one with cloudformation.NewTemplate", table.Name)
	}
	if err := cfg.validateForTable(table); err != nil {
		return TableIDs{}, fmt.Errorf("table %q: %w", table.Name, err)
	}
	ids := tableIDs(table, cfg.Key.Scope)
	if err := fits(t, ids.Resources(), ids.Outputs); err != nil {
		return TableIDs{}, fmt.Errorf("table %q: %w", table.Name, err)
	}
	addTable(t, cfg, table, ids)
	return ids, nil
}

// addTable adds a table that AddTable, or Build, has checked; the table's
// own key unless the stack's tables share one, which Build adds.
func addTable(t *cloudformation.Template, cfg Config, table TableConfig, ids TableIDs) {
	// A Template written as a literal has no maps yet.
	if t.Resources == nil {
		t.Resources = cloudformation.Resources{}
	}
	if t.Outputs == nil {
		t.Outputs = cloudformation.Outputs{}
	}
	if cfg.Key.Scope != KeyScopeStack {
		t.Resources[ids.Key] = key(ids.Table, cfg, keyPolicy(cfg, []keyUse{{ids, table}}, ""))
		t.Resources[ids.Alias] = alias(ids.Key, "", ids.Table)
	}
	t.Resources[ids.Table] = tableResource(ids, table, cfg)
	for _, c := range scaledCapacities(table) {
		t.Resources[c.target] = scalableTarget(ids.Table, c)
		t.Resources[c.policy] = scalingPolicy(c)
	}
	if !table.NoWriter {
		t.Resources[ids.Role] = writerRole(cfg.Tags)
		w := wiringInTemplate(ids, cfg.sharesKey())
		t.Resources[ids.Policy] = writerPolicy(ids, w, cfg)
		t.Resources[ids.Function] = writerFunction(ids, w, table, cfg)
		t.Resources[ids.LogGroup] = writerLogGroup(ids, cfg)
	}
	for i, o := range tableOutputs(ids, table) {
		t.Outputs[ids.Outputs[i]] = o
	}
	addSAMTransform(t)
}

// tableOutputs are the outputs of a table, in the order of ids.Outputs.
func tableOutputs(ids TableIDs, table TableConfig) []cloudformation.Output {
	outputs := []cloudformation.Output{
		output("Name of the encrypted table "+table.Name, cloudformation.Ref(ids.Table)),
		output("ARN of the encrypted table "+table.Name, cloudformation.GetAtt(ids.Table, "Arn")),
		output("ARN of the customer managed key that encrypts "+table.Name, cloudformation.GetAtt(ids.Key, "Arn")),
		output("Alias of the customer managed key of "+table.Name, cloudformation.Ref(ids.Alias)),
	}
	if streamOutput(table) {
		outputs = append(outputs, output("ARN of the stream of "+table.Name+", for the principals it grants access to", cloudformation.GetAtt(ids.Table, "StreamArn")))
	}
	if !table.NoWriter {
		outputs = append(outputs,
			output("Name of the writer of "+table.Name+"; pass it to aws lambda invoke", cloudformation.Ref(ids.Function)),
			output("ARN of the writer of "+table.Name, cloudformation.GetAtt(ids.Function, "Arn")))
	}
	return outputs
}

func output(description, value string) cloudformation.Output {
	return cloudformation.Output{Description: cloudformation.String(description), Value: value}
}

// fits refuses resource ids and output names that t already uses or that
// CloudFormation does not take, and a table t has no room for.
func fits(t *cloudformation.Template, resources, outputs []string) error {
	for i, id := range resources {
		if _, taken := t.Resources[id]; taken {
			return fmt.Errorf("the template already has a resource %s", id)
		}
		if slices.Contains(resources[:i], id) {
			return fmt.Errorf("two of the table's resources would be %s: its index names differ only in what a logical id leaves out ('_', '-', '.')", id)
		}
		if len(id) > maxLogicalID {
			return fmt.Errorf("the logical id %s is %d characters; CloudFormation allows %d (shorten the table's or the index's name)", id, len(id), maxLogicalID)
		}
	}
	for _, name := range outputs {
		if _, taken := t.Outputs[name]; taken {
			return fmt.Errorf("the template already has an output %s", name)
		}
	}
	if n := len(t.Resources) + len(resources); n > cfn.MaxResources {
		return fmt.Errorf("the template would have %d resources; CloudFormation allows %d", n, cfn.MaxResources)
	}
	if n := len(t.Outputs) + len(outputs); n > cfn.MaxOutputs {
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
