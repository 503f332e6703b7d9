package cfn

// CloudFormation's limits on one stack.
const (
	MaxResources = 500
	MaxOutputs   = 200
	// MaxInlineBody is the largest template `aws cloudformation deploy` sends
	// inline; a larger one must go through S3.
	MaxInlineBody = 51200
)
