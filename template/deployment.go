package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/policies"

	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// Deployment is what a configuration with replicated tables builds: a
// template for each stack, and the manifest that lists the stacks in the
// order they deploy. Stacks[i] is the template of Manifest.Stacks[i], whose
// Template names its file (.yaml; render names it after the format).
type Deployment struct {
	Manifest deployment.Deployment
	Stacks   []*Stack
}

// maxParameters is how many parameters CloudFormation takes in one
// template (its quotas page); the table stack takes one per key and Region
// and two per writer.
const maxParameters = 200

// keyScope is one key of a deployment in each Region it is needed in: the
// key of one replicated table, or the one key the replicated tables share
// under KeyScopeStack.
type keyScope struct {
	// name prefixes its outputs and parameters: the table's name, or Stack.
	name string
	// ids hold the logical ids of the key and its alias, the same in every
	// Region's key stack.
	ids TableIDs
	// what the key encrypts: the table's logical id, or "tables".
	encrypts string
	tables   []TableConfig
	// regions are the primary Region, then each replica Region of its
	// tables, in the order the configuration first names them.
	regions []string
}

// keyScopes lists the keys of cfg's replicated tables.
func (c Config) keyScopes() []keyScope {
	var replicated []TableConfig
	for _, t := range c.Tables {
		if len(t.Replicas) > 0 {
			replicated = append(replicated, t)
		}
	}
	if c.Key.Scope == KeyScopeStack {
		return []keyScope{{name: "Stack", ids: TableIDs{Key: stackKeyID, Alias: stackKeyAliasID}, encrypts: "tables",
			tables: replicated, regions: regionsOf(c.Region, replicated)}}
	}
	var scopes []keyScope
	for _, t := range replicated {
		ids := tableIDs(t, KeyScopeTable)
		scopes = append(scopes, keyScope{name: t.Name, ids: ids, encrypts: ids.Table, tables: []TableConfig{t}, regions: regionsOf(c.Region, []TableConfig{t})})
	}
	return scopes
}

// regionsOf is the primary Region, then every replica Region of tables,
// each once, in the order they are first named.
func regionsOf(primary string, tables []TableConfig) []string {
	out := []string{primary}
	for _, t := range tables {
		for _, r := range t.Replicas {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// regionSuffix writes a Region as a parameter's name ends: EuWest1.
func regionSuffix(region string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(region, "-") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// The names that carry values from stack to stack: a key stack's output of
// its key's ARN, the table stack's parameter of a key's ARN in a Region, a
// replica key stack's parameter of the primary key's ARN, and the primary
// key stack's outputs of each writer's role, which the table stack takes
// under the same names.
func (s keyScope) arnOutput() string                 { return s.name + "KeyArn" }
func (s keyScope) arnParameter(region string) string { return s.name + "KeyArn" + regionSuffix(region) }
func (s keyScope) primaryParameter() string          { return s.name + "PrimaryKeyArn" }
func roleArnName(t TableConfig) string               { return t.Name + "WriterRoleArn" }
func roleNameName(t TableConfig) string              { return t.Name + "WriterRoleName" }

// keyStackName and the template file names of a deployment's stacks.
func (c Config) keyStackName(region string) string { return c.stackName() + "-keys-" + region }
func keyTemplateFile(region string) string         { return "keys-" + region + ".yaml" }

const tablesTemplateFile = "tables.yaml"

// BuildDeployment builds the deployment cfg describes, the stacks in the
// order they deploy: a key stack in each Region a replicated table is in,
// the primary Region's first (with the writers' roles, which its key
// policies name, and, for multi-Region keys, the primaries the others
// replicate), then the table stack in the primary Region, which owns each
// global table and its replicas, the writers, and the single-Region tables
// exactly as Build makes them. Values cross Regions as parameters read from
// the earlier stacks' outputs: Fn::ImportValue stays in its Region. It
// refuses an invalid cfg and one without replicas, which Build makes.
func BuildDeployment(cfg Config) (*Deployment, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	if !cfg.IsDeployment() {
		return nil, fmt.Errorf("no table has replicas: the configuration is one template, which Build makes")
	}
	if cfg.Writer.CodeURI == "" {
		cfg.Writer.CodeURI = deploymentCodeURI(cfg.Writer.Architecture)
	}
	scopes := cfg.keyScopes()
	d := &Deployment{}
	add := func(s *Stack, m deployment.Stack) {
		m.Capabilities = capabilities(s.Template)
		d.Stacks = append(d.Stacks, s)
		d.Manifest.Stacks = append(d.Manifest.Stacks, m)
	}
	for _, region := range regionsOf(cfg.Region, cfg.Tables) {
		s, params := keyStack(cfg, scopes, region)
		add(s, deployment.Stack{Name: cfg.keyStackName(region), Region: region, Template: keyTemplateFile(region), Parameters: params})
	}
	s, params, err := tableStack(cfg, scopes)
	if err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	add(s, deployment.Stack{Name: cfg.stackName(), Region: cfg.Region, Template: tablesTemplateFile, Parameters: params})
	if err := d.Manifest.Validate(); err != nil {
		return nil, fmt.Errorf("the deployment's manifest: %w", err)
	}
	return d, nil
}

// deploymentCodeURI is where a deployment's writers find their code when
// the configuration does not say: a deployment's directory holds only what
// gen writes there, so the code is outside it, in the folder make build
// fills beside it (gen -o DIR in this repository's root).
func deploymentCodeURI(architecture string) string { return "../" + WriterCodeURI(architecture) }

// capabilities are what deploying t must acknowledge: its IAM resources,
// and its transform, which a self-managed stack set must be told of.
func capabilities(t *cloudformation.Template) []string {
	out := []string{}
	for _, r := range t.Resources {
		if strings.HasPrefix(r.AWSCloudFormationType(), "AWS::IAM::") {
			out = append(out, "CAPABILITY_IAM")
			break
		}
	}
	if t.Transform != nil {
		out = append(out, "CAPABILITY_AUTO_EXPAND")
	}
	return out
}

// keyStack is the stack of region's keys: for each key scope in region,
// its key and alias; in the primary Region also the roles of the
// replicated tables' writers, which the keys' policies there name under
// writer access and KMS refuses to name before they exist. It takes no
// transform, which a service-managed stack set would refuse.
func keyStack(cfg Config, scopes []keyScope, region string) (*Stack, map[string]deployment.Value) {
	primary := region == cfg.Region
	kind := "independent keys"
	if cfg.Key.MultiRegion {
		kind = "multi-Region primary keys"
		if !primary {
			kind = "multi-Region replica keys"
		}
	}
	s := &Stack{Template: cloudformation.NewTemplate()}
	s.Template.Description = fmt.Sprintf("The %s, in %s, of the DynamoDB global tables of stack %s", kind, region, cfg.stackName())
	params := map[string]deployment.Value{}
	for _, scope := range scopes {
		if !slices.Contains(scope.regions, region) {
			continue
		}
		s.add(scope.ids.Key, regionalKey(cfg, scope, region))
		s.add(scope.ids.Alias, alias(scope.ids.Key, cfg.stackName(), scope.encrypts))
		s.Template.Outputs[scope.arnOutput()] = output(fmt.Sprintf("ARN of the key, in %s, that encrypts %s", region, scope.encrypts), cloudformation.GetAtt(scope.ids.Key, "Arn"))
		s.OutputOrder = append(s.OutputOrder, scope.arnOutput())
		if cfg.Key.MultiRegion && !primary {
			s.Template.Parameters[scope.primaryParameter()] = keyArnParameter(fmt.Sprintf("ARN of the multi-Region primary key, in %s, that this Region's key of %s replicates", cfg.Region, scope.encrypts), cfg.Region, true)
			params[scope.primaryParameter()] = deployment.FromOutput(cfg.keyStackName(cfg.Region), scope.arnOutput())
		}
	}
	if primary {
		for _, scope := range scopes {
			for _, t := range scope.tables {
				if t.NoWriter {
					continue
				}
				ids := tableIDs(t, cfg.Key.Scope)
				s.add(ids.Role, writerRole(cfg.Tags))
				s.Template.Outputs[roleArnName(t)] = output("ARN of the role of the writer of "+t.Name, cloudformation.GetAtt(ids.Role, "Arn"))
				s.Template.Outputs[roleNameName(t)] = output("Name of the role of the writer of "+t.Name, cloudformation.Ref(ids.Role))
				s.OutputOrder = append(s.OutputOrder, roleArnName(t), roleNameName(t))
			}
		}
	}
	return s, params
}

// regionalKey is a scope's key in region. Its policy is the one the
// configuration's key access gives, but only the primary Region's names
// the writers, which write there; in every Region, DynamoDB reaches the key
// through the grants it makes for each replica, and the account root keeps
// it manageable (docs/global-tables.md: which calls DynamoDB makes, and
// why no statement allows more).
func regionalKey(cfg Config, scope keyScope, region string) cloudformation.Resource {
	primary := region == cfg.Region
	var uses []keyUse
	for _, t := range scope.tables {
		if !primary {
			t.NoWriter = true
		}
		uses = append(uses, keyUse{tableIDs(t, cfg.Key.Scope), t})
	}
	policy := keyPolicy(cfg, uses, cfg.stackName())
	encrypts := scope.encrypts
	if scope.encrypts == "tables" {
		encrypts = "the global tables of stack " + cfg.stackName()
	}
	if !cfg.Key.MultiRegion || primary {
		k := key(encrypts+" in "+region, cfg, policy)
		if cfg.Key.MultiRegion {
			k.MultiRegion = cloudformation.Bool(true)
		}
		return k
	}
	// A replica key has no rotation of its own: its primary's applies.
	return &kms.ReplicaKey{
		Description:                          cloudformation.String("Encrypts " + encrypts + " in " + region + " at rest; a replica of the multi-Region key in " + cfg.Region),
		PrimaryKeyArn:                        cloudformation.Ref(scope.primaryParameter()),
		PendingWindowInDays:                  cloudformation.Int(cfg.Key.PendingWindowInDays),
		KeyPolicy:                            policy,
		Tags:                                 resourceTags(cfg.Tags),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(cfg.statefulPolicy()),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(cfg.statefulPolicy()),
	}
}

// keyArnParameter takes a key's ARN, held to a key of region, and to a
// multi-Region key (mrk-) when multiRegion: a key of another Region or kind
// is refused before anything is made.
func keyArnParameter(description, region string, multiRegion bool) cloudformation.Parameter {
	id := "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
	if multiRegion {
		id = "mrk-[0-9a-f]{32}"
	}
	return cloudformation.Parameter{
		Type:                  "String",
		Description:           cloudformation.String(description),
		AllowedPattern:        cloudformation.String("^arn:aws[a-z-]*:kms:" + region + ":[0-9]{12}:key/" + id + "$"),
		ConstraintDescription: cloudformation.String("the ARN of a " + map[bool]string{true: "multi-Region", false: "single-Region"}[multiRegion] + " KMS key in " + region),
	}
}

// tableStack is the stack in the primary Region that owns the tables: the
// single-Region ones as Build makes them, then each replicated table as a
// global table with its writer, whose role and keys come in as parameters.
func tableStack(cfg Config, scopes []keyScope) (*Stack, map[string]deployment.Value, error) {
	single := cfg
	single.Tables = slices.DeleteFunc(slices.Clone(cfg.Tables), func(t TableConfig) bool { return len(t.Replicas) > 0 })
	s := newStack(deploymentDescription(cfg))
	if err := addTables(s, single); err != nil {
		return nil, nil, err
	}
	params := map[string]deployment.Value{}
	for _, scope := range scopes {
		for _, region := range scope.regions {
			name := scope.arnParameter(region)
			s.Template.Parameters[name] = keyArnParameter(fmt.Sprintf("ARN of the key, in %s, that encrypts %s there", region, scope.encrypts), region, cfg.Key.MultiRegion)
			params[name] = deployment.FromOutput(cfg.keyStackName(region), scope.arnOutput())
		}
		for _, t := range scope.tables {
			if err := addGlobalTable(s, cfg, scope, t, params); err != nil {
				return nil, nil, err
			}
		}
	}
	if n := len(s.Template.Parameters); n > maxParameters {
		return nil, nil, fmt.Errorf("tables: the table stack would take %d parameters (a key's ARN for each Region, two for each writer); CloudFormation takes %d", n, maxParameters)
	}
	return s, params, nil
}

// deploymentDescription says what a deployment's table stack holds.
func deploymentDescription(cfg Config) string {
	writers := ", and their writers"
	if !slices.ContainsFunc(cfg.Tables, func(t TableConfig) bool { return !t.NoWriter }) {
		writers = ""
	}
	return "DynamoDB tables encrypted at rest with customer managed KMS keys, global tables with a key in each replica's Region" + writers
}

// addGlobalTable adds a replicated table, its writer (policy, function and
// log group; its role is in the primary Region's key stack) and outputs,
// and the parameters it takes.
func addGlobalTable(s *Stack, cfg Config, scope keyScope, t TableConfig, params map[string]deployment.Value) error {
	ids := tableIDs(t, cfg.Key.Scope)
	ids.Key, ids.Alias = "", ""
	ids.Outputs = slices.DeleteFunc(ids.Outputs, func(o string) bool { return o == t.Name+"KeyAlias" })
	keyArns := map[string]string{}
	for _, region := range append([]string{cfg.Region}, t.Replicas...) {
		keyArns[region] = cloudformation.Ref(scope.arnParameter(region))
	}
	owned := []string{ids.Table}
	if !t.NoWriter {
		owned = append(owned, ids.Policy, ids.Function, ids.LogGroup)
	}
	if err := fits(s.Template, owned, ids.Outputs); err != nil {
		return fmt.Errorf("table %q: %w", t.Name, err)
	}
	s.add(ids.Table, globalTableResource(t, cfg, keyArns))
	outputs := []cloudformation.Output{
		output("Name of the encrypted global table "+t.Name, cloudformation.Ref(ids.Table)),
		output("ARN of the encrypted global table "+t.Name+" in "+cfg.Region, cloudformation.GetAtt(ids.Table, "Arn")),
		output("ARN of the customer managed key that encrypts "+t.Name+" in "+cfg.Region, keyArns[cfg.Region]),
	}
	if !t.NoWriter {
		for name, what := range map[string]string{roleArnName(t): "ARN", roleNameName(t): "Name"} {
			s.Template.Parameters[name] = cloudformation.Parameter{Type: "String", Description: cloudformation.String(what + " of the role of the writer of " + t.Name + ", made by the key stack in " + cfg.Region + ", whose key policy names it")}
			params[name] = deployment.FromOutput(cfg.keyStackName(cfg.Region), name)
		}
		w := writerWiring{roleArn: cloudformation.Ref(roleArnName(t)), roleName: cloudformation.Ref(roleNameName(t)),
			keyArn: keyArns[cfg.Region], sharedKey: len(scope.tables) > 1}
		s.add(ids.Policy, writerPolicy(ids, w, cfg))
		s.add(ids.Function, writerFunction(ids, w, t, cfg))
		s.add(ids.LogGroup, writerLogGroup(ids, cfg))
		outputs = append(outputs,
			output("Name of the writer of "+t.Name+"; pass it to aws lambda invoke", cloudformation.Ref(ids.Function)),
			output("ARN of the writer of "+t.Name, cloudformation.GetAtt(ids.Function, "Arn")))
	}
	for i, o := range outputs {
		s.Template.Outputs[ids.Outputs[i]] = o
	}
	s.OutputOrder = append(s.OutputOrder, ids.Outputs...)
	return nil
}
