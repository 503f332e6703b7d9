package template

// PolicyVersion is the current IAM policy language version.
const PolicyVersion = "2012-10-17"

// PolicyDocument is an IAM or KMS key policy document.
type PolicyDocument struct {
	Version   string      `json:"Version,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document. Principal values, Action
// and Resource hold a string or a []string, as the policy language allows
// either. Values that refer to other resources are goformation intrinsics
// (cloudformation.Ref, GetAtt, Sub), never raw maps, which goformation would
// replace with made-up values.
type Statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]any               `json:"Principal,omitempty"`
	Action    any                          `json:"Action"`
	Resource  any                          `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

// Policy statement effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)
