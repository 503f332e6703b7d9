package check

import "github.com/dynamodb-sse-cmk/stack/cfn"

// stackLevel stands in for a resource name in findings about the whole
// template.
const stackLevel = "(template)"

var stackRules = []Rule{
	{
		ID: "STK001", Title: "more resources or outputs than a stack holds", Severity: Error,
		Why:    "CloudFormation refuses a stack of more than 500 resources or 200 outputs",
		Fix:    "split the tables over several stacks",
		find:   overStackLimits,
		family: postureFamily,
	},
	{
		ID: "STK002", Title: "template too big to deploy inline", Severity: Warning,
		Why:    "aws cloudformation deploy refuses a template of more than 51,200 bytes unless it goes through S3",
		Fix:    "deploy with --s3-bucket BUCKET (aws cloudformation deploy), which uploads the template first",
		find:   bodyTooBig,
		family: postureFamily,
	},
}

// overStackLimits counts the resources CloudFormation creates, including
// the role SAM adds to a function that names none, and the outputs.
func overStackLimits(t *model, _ Options) []hit {
	var hits []hit
	if outputs := t.Section("Outputs"); len(outputs) > cfn.MaxOutputs {
		hits = append(hits, hitf(stackLevel, []string{"Outputs"}, "the template has %d outputs; CloudFormation allows %d", len(outputs), cfn.MaxOutputs))
	}
	resources := t.Resources()
	n := len(resources)
	for _, r := range resources {
		if _, hasRole := r.Properties["Role"]; r.Type == "AWS::Serverless::Function" && !hasRole {
			n++
		}
	}
	if n > cfn.MaxResources {
		hits = append(hits, hitf(stackLevel, nil, "the stack has at least %d resources once SAM expands it; CloudFormation allows %d", n, cfn.MaxResources))
	}
	return hits
}

func bodyTooBig(_ *model, opts Options) []hit {
	if opts.Size <= cfn.MaxInlineBody {
		return nil
	}
	return []hit{hitf(stackLevel, nil, "the template is %d bytes; aws cloudformation deploy sends at most %d inline", opts.Size, cfn.MaxInlineBody)}
}
