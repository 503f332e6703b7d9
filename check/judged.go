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

// postureParts are the parts of a resource that only the posture rules
// read (Rule.posture): rotation, recovery, capacity, retention, runtime.
// The policy rules, which do most of the work, judge the template without
// them, once for each different set of the parts they read: a condition
// that turns recovery on and off doubles the posture rules' work alone.
var postureParts = map[string]map[string]bool{
	"AWS::DynamoDB::Table":      setOf("PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "BillingMode", "ProvisionedThroughput", "DeletionPolicy", "UpdateReplacePolicy"),
	"AWS::KMS::Key":             setOf("EnableKeyRotation", "RotationPeriodInDays", "PendingWindowInDays", "DeletionPolicy", "UpdateReplacePolicy"),
	"AWS::Lambda::Function":     setOf("Runtime"),
	"AWS::Serverless::Function": setOf("Runtime"),
}

// policyParts are the parts the policy rules read.
func policyParts(resourceType, part string) bool {
	return judgedParts(resourceType, part) && !postureParts[resourceType][part]
}

// notPolicyParts are the parts policy rules must not read.
func notPolicyParts(resourceType, part string) bool { return !policyParts(resourceType, part) }
