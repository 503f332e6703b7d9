package check

import (
	"encoding/json"
	"regexp"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// awsManagedPolicies are the AWS managed policies gen check judges, as the
// AWS Managed Policy Reference Guide
// (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/) gives
// their default versions: those that grant DynamoDB or KMS broadly, which a
// template may attach in place of a policy of its own, and the one a
// function's role always has. Those that grant more are cut down to their
// DynamoDB and KMS statements, which the rules judge. Any other managed
// policy is not judged: keep this list to the few that matter.
var awsManagedPolicies = map[string]string{
	// What SAM gives a function's role, and gen's own template attaches.
	"AWSLambdaBasicExecutionRole": `{"Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}`,
	"AdministratorAccess":         `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`,
	"PowerUserAccess":             `{"Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}]}`,
	"AmazonDynamoDBFullAccess":    `{"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}`,
	"AmazonDynamoDBFullAccess_v2": `{"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}`,
	// v15, its DynamoDB actions: every table's items and streams.
	"AmazonDynamoDBReadOnlyAccess": `{"Statement": [{"Effect": "Allow", "Action": ["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*",
		"dynamodb:GetAbacStatus", "dynamodb:GetItem", "dynamodb:GetResourcePolicy", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect"], "Resource": "*"}]}`,
	// v1 of each: every table's stream.
	"AWSLambdaDynamoDBExecutionRole": `{"Statement": [{"Effect": "Allow", "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
		"dynamodb:ListStreams", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}`,
	"AWSLambdaInvocation-DynamoDB": `{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
		{"Effect": "Allow", "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"], "Resource": "*"}]}`,
	// It creates, describes and tags keys but neither uses nor grants one:
	// judged, it gives no finding.
	"AWSKeyManagementServicePowerUser": `{"Statement": [{"Effect": "Allow", "Action": ["kms:CreateAlias", "kms:CreateKey", "kms:DeleteAlias",
		"kms:Describe*", "kms:GenerateRandom", "kms:Get*", "kms:List*", "kms:TagResource", "kms:UntagResource"], "Resource": "*"}]}`,
}

// awsManagedPolicyName matches an AWS managed policy's ARN, in any
// partition, with intrinsics spelled ${...}, or, as SAM takes it, its name.
var awsManagedPolicyName = regexp.MustCompile(`^(?:arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):iam::aws:policy/(?:[\w+=,.@-]+/)*)?([\w+=,.@-]+)$`)

// awsManagedPolicyDocuments are awsManagedPolicies decoded, once, on first
// use: every branch of every template that attaches one reads it.
var awsManagedPolicyDocuments = sync.OnceValue(func() map[string]any {
	out := map[string]any{}
	for name, doc := range awsManagedPolicies {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			panic("check: AWS managed policy " + name + ": " + err.Error()) // written here; a test reads each
		}
		out[name] = v
	}
	return out
})

// awsManagedPolicy gives the name and document of the AWS managed policy a
// value names, when gen check knows it.
func awsManagedPolicy(v any) (name string, doc any, known bool) {
	m := awsManagedPolicyName.FindStringSubmatch(cfn.Text(v))
	if m == nil {
		return "", nil, false
	}
	doc, known = awsManagedPolicyDocuments()[m[1]]
	return m[1], doc, known
}
