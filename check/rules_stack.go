package check

// CloudFormation's limits on one stack.
const (
	MaxResources = 500
	MaxOutputs   = 200
	// MaxInlineBody is the largest template `aws cloudformation deploy` sends
	// inline; a larger one must go through S3.
	MaxInlineBody = 51200
)

// stackLevel stands in for a resource name in findings about the whole
// template.
const stackLevel = "(template)"

var stackRules = []Rule{
	{
		ID: "STK001", Title: "more resources or outputs than a stack holds", Severity: Error,
		Fix:  "split the tables over several stacks",
		find: overStackLimits,
	},
	{
		ID: "STK002", Title: "template too big to deploy inline", Severity: Warning,
		Fix:  "deploy with --s3-bucket BUCKET (aws cloudformation deploy), which uploads the template first",
		find: bodyTooBig,
	},
}

// overStackLimits counts the resources CloudFormation creates, including
// the role SAM adds to a function that names none, and the outputs.
func overStackLimits(t Template, _ Options) []hit {
	var hits []hit
	if outputs, _ := t["Outputs"].(map[string]any); len(outputs) > MaxOutputs {
		hits = append(hits, hitf(stackLevel, "the template has %d outputs; CloudFormation allows %d", len(outputs), MaxOutputs))
	}
	resources := t.resources()
	n := len(resources)
	for _, r := range resources {
		if _, hasRole := r.Props["Role"]; r.Type == "AWS::Serverless::Function" && !hasRole {
			n++
		}
	}
	if n > MaxResources {
		hits = append(hits, hitf(stackLevel, "the stack has at least %d resources once SAM expands it; CloudFormation allows %d", n, MaxResources))
	}
	return hits
}

func bodyTooBig(_ Template, opts Options) []hit {
	if opts.Size <= MaxInlineBody {
		return nil
	}
	return []hit{hitf(stackLevel, "the template is %d bytes; aws cloudformation deploy sends at most %d inline", opts.Size, MaxInlineBody)}
}
