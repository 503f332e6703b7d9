package check

// What the rules read of a template, so that a deployment's choices
// elsewhere make no scenario to judge: a function's memory or a queue's
// dead-letter queue chosen by a condition is the same posture either way.
// A template with seven independent conditions has 128 ways to deploy;
// judged whole, each is another judgement of every rule.

// judgedTypes are the resource types whose parts the rules read. Of any
// other type they read the Type alone (a connector's destination, what a
// reference names), and the Connectors SAM lets any resource embed.
// TestJudgedTypesNameEveryTypeTheRulesName keeps it whole.
var judgedTypes = map[string]bool{
	"AWS::DynamoDB::Table": true, "AWS::DynamoDB::GlobalTable": true, "AWS::Serverless::SimpleTable": true,
	"AWS::ApplicationAutoScaling::ScalableTarget": true,
	"AWS::KMS::Key": true, "AWS::KMS::ReplicaKey": true, "AWS::KMS::Alias": true,
	"AWS::IAM::Role": true, "AWS::IAM::User": true, "AWS::IAM::Group": true, "AWS::IAM::UserToGroupAddition": true,
	"AWS::IAM::Policy": true, "AWS::IAM::ManagedPolicy": true, "AWS::IAM::RolePolicy": true, "AWS::IAM::UserPolicy": true,
	"AWS::IAM::GroupPolicy": true, "AWS::SSO::PermissionSet": true,
	"AWS::Lambda::Function": true, "AWS::Serverless::Function": true, "AWS::Serverless::StateMachine": true,
	"AWS::Serverless::Connector": true,
	"AWS::CloudFormation::Stack": true, "AWS::Serverless::Application": true,
}

// unjudgedProperties are the properties of a judged type that no rule
// reads: how a function runs, not who it is or what it may do.
var unjudgedProperties = map[string]map[string]bool{
	"AWS::Lambda::Function":     setOf(functionRunning...),
	"AWS::Serverless::Function": setOf(append([]string{"CodeUri", "InlineCode", "Tracing", "AutoPublishAlias", "ProvisionedConcurrencyConfig", "DeadLetterQueue"}, functionRunning...)...),
	"AWS::DynamoDB::Table":      setOf("TimeToLiveSpecification", "ContributorInsightsSpecification", "TableClass"),
}

var functionRunning = []string{
	"Architectures", "Code", "DeadLetterConfig", "Description", "Environment", "EphemeralStorage", "Handler", "Layers",
	"LoggingConfig", "MemorySize", "ReservedConcurrentExecutions", "SnapStart", "Timeout", "TracingConfig",
}

func setOf(names ...string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

// judgedParts tells cfn.Deployments which parts of a resource the rules
// read: a property or an entry attribute. No rule reads a resource's Tags.
func judgedParts(resourceType, part string) bool {
	if !judgedTypes[resourceType] {
		return part == "Connectors"
	}
	return part != "Tags" && !unjudgedProperties[resourceType][part]
}

// Rules are judged in families, each on the parts of a template it reads,
// once for each different set of those parts the scenarios make
// (cfn.Same): a condition that turns recovery on and off makes the posture
// rules judge twice, not the policy rules; one that gives a role another
// managed policy makes the IAM rules judge twice, not the key policy rules.
// A family judges the template without the parts it does not read
// (cfn.Template.Without), so its rules cannot read them.
type family int

const (
	// policyFamily reads who may do what, wherever it is written: every
	// judged part but the settings (postureParts).
	policyFamily family = iota
	// keyFamily reads the key policies and the tables' resource policies:
	// the parts of keys, aliases and tables but their settings.
	keyFamily
	// postureFamily reads settings, of tables, keys, functions and what
	// scales tables: rotation, recovery, capacity, retention, runtime.
	postureFamily
)

// families are in the order their judgements start: the key family's one
// judgement takes longest, and the cores are busiest when it starts first.
var families = []family{keyFamily, policyFamily, postureFamily}

// familyTypes are the types whose parts a family reads; policyFamily reads
// every judged type. Every family reads which resources there are.
var familyTypes = map[family]map[string]bool{
	keyFamily: setOf("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "AWS::KMS::Alias",
		"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"),
	postureFamily: setOf("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "AWS::KMS::Alias",
		"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable",
		"AWS::ApplicationAutoScaling::ScalableTarget", "AWS::Lambda::Function", "AWS::Serverless::Function"),
}

// postureParts are the settings of a resource, which the posture rules
// read and the others do not.
var postureParts = map[string]map[string]bool{
	"AWS::DynamoDB::Table":      setOf("PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "BillingMode", "ProvisionedThroughput", "DeletionPolicy", "UpdateReplacePolicy"),
	"AWS::KMS::Key":             setOf("EnableKeyRotation", "RotationPeriodInDays", "PendingWindowInDays", "DeletionPolicy", "UpdateReplacePolicy"),
	"AWS::Lambda::Function":     setOf("Runtime"),
	"AWS::Serverless::Function": setOf("Runtime"),
}

// reads tells which parts of a resource the family reads.
func (f family) reads(resourceType, part string) bool {
	if !judgedParts(resourceType, part) {
		return false
	}
	switch f {
	case policyFamily:
		return !postureParts[resourceType][part]
	case keyFamily:
		return familyTypes[f][resourceType] && !postureParts[resourceType][part]
	}
	return familyTypes[f][resourceType]
}

// ignores tells which parts the family does not read.
func (f family) ignores(resourceType, part string) bool { return !f.reads(resourceType, part) }
