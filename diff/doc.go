// Package diff reviews a change between two templates as a careful reviewer
// would: which resources are added, removed or modified; whether an update
// replaces a resource (from CloudFormation's resource provider schemas), and
// so what depends on it; whether the change destroys data (a stateful
// resource removed or replaced without Retain, a global table's replica
// removed); whether CloudFormation will refuse it (more than one global
// secondary index or replica created or deleted in one update, an index
// changed in place, what KMS cannot change on a key, a custom-named resource
// replaced); whether a policy grows or shrinks, by [cfn.Broader]; and whether
// the encryption posture weakens. Both templates go through [cfn.Parse], so
// the same template written another way (YAML or JSON, short or long form)
// shows no change. [CompareDeployments] reviews two deployments stack by
// stack.
//
// See https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
package diff
