package check

// CloudFormation's limits on one stack.
const (
	maxResources = 500
	// maxInlineBody is the largest template `aws cloudformation deploy` sends
	// inline; a larger one must go through S3.
	maxInlineBody = 51200
)

// stackLevel stands in for a resource name in findings about the whole
// template.
const stackLevel = "(template)"

var stackRules = []Rule{
	{
		ID: "STK001", Title: "more resources than a stack holds", Severity: Error,
		Fix:  "split the tables over several stacks",
		find: tooManyResources,
	},
	{
		ID: "STK002", Title: "template too big to deploy inline", Severity: Warning,
		Fix:  "deploy with --s3-bucket BUCKET (aws cloudformation deploy), which uploads the template first",
		find: bodyTooBig,
	},
}

// tooManyResources counts the resources CloudFormation creates, including
// the role SAM adds to a function that names none.
func tooManyResources(t Template, _ Options) []hit {
	resources := t.resources()
	n := len(resources)
	for _, r := range resources {
		if _, hasRole := r.Props["Role"]; r.Type == "AWS::Serverless::Function" && !hasRole {
			n++
		}
	}
	if n <= maxResources {
		return nil
	}
	return []hit{hitf(stackLevel, "the stack has at least %d resources once SAM expands it; CloudFormation allows %d", n, maxResources)}
}

func bodyTooBig(_ Template, opts Options) []hit {
	if opts.Size <= maxInlineBody {
		return nil
	}
	return []hit{hitf(stackLevel, "the template is %d bytes; aws cloudformation deploy sends at most %d inline", opts.Size, maxInlineBody)}
}
