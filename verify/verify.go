package verify

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// The calls verify makes, one interface per service, so tests can answer
// them.
type (
	CloudFormation interface {
		DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
		ListStackResources(context.Context, *cloudformation.ListStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
		GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	}
	DynamoDB interface {
		DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
		GetResourcePolicy(context.Context, *dynamodb.GetResourcePolicyInput, ...func(*dynamodb.Options)) (*dynamodb.GetResourcePolicyOutput, error)
	}
	KMS interface {
		DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
		GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
		GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
		ListGrants(context.Context, *kms.ListGrantsInput, ...func(*kms.Options)) (*kms.ListGrantsOutput, error)
	}
	Lambda interface {
		GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
	}
	IAM interface {
		GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
		ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
		GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
		ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
		GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
		GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	}
)

// New makes a Verifier with the SDK's clients for cfg. The endpoint counts
// as custom when AWS_ENDPOINT_URL, or the endpoint variable of one of the
// services, is set and not ignored (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
func New(cfg aws.Config) Verifier {
	return Verifier{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		DynamoDB:       dynamodb.NewFromConfig(cfg),
		KMS:            kms.NewFromConfig(cfg),
		Lambda:         lambda.NewFromConfig(cfg),
		IAM:            iam.NewFromConfig(cfg),
		CustomEndpoint: customEndpoint(),
	}
}

var endpointVariables = []string{
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KMS",
	"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_IAM",
}

func customEndpoint() bool {
	if strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return false
	}
	return slices.ContainsFunc(endpointVariables, func(name string) bool { return os.Getenv(name) != "" })
}

// Verifier checks stacks through the services' APIs.
type Verifier struct {
	CloudFormation CloudFormation
	DynamoDB       DynamoDB
	KMS            KMS
	Lambda         Lambda
	IAM            IAM
	// CustomEndpoint is true when the services are not AWS's own (such as
	// moto behind AWS_ENDPOINT_URL): an answer they cannot give is then
	// "not verifiable" instead of a failure.
	CustomEndpoint bool
}

// Outcome is how one check ended.
type Outcome string

// Outcomes.
const (
	Pass          Outcome = "PASS"
	Fail          Outcome = "FAIL"
	NotVerifiable Outcome = "N/A"
)

// Line is the result of one check.
type Line struct {
	Outcome Outcome
	Subject string // "table DynamoDbTable"
	Detail  string
}

// String writes the line as cmd/verify prints it.
func (l Line) String() string { return fmt.Sprintf("%-4s %s: %s", l.Outcome, l.Subject, l.Detail) }

// Stack checks the stack named name: its template, then each table, key,
// role and function. The error says why the stack could not be read.
func (v Verifier) Stack(ctx context.Context, name string) ([]Line, error) {
	s, err := v.read(ctx, name)
	if err != nil {
		return nil, err
	}
	lines := templatePosture(s)
	for _, table := range s.ofType["AWS::DynamoDB::Table"] {
		lines = append(lines, v.tableSSE(ctx, s, table))
		lines = append(lines, v.tablePolicy(ctx, s, table)...)
	}
	for _, key := range s.ofType["AWS::KMS::Key"] {
		lines = append(lines, v.keyState(ctx, s, key), v.keyRotation(ctx, s, key))
		lines = append(lines, v.keyPolicy(ctx, s, key)...)
		lines = append(lines, v.keyGrants(ctx, s, key))
	}
	for _, role := range s.ofType["AWS::IAM::Role"] {
		lines = append(lines, v.role(ctx, s, role)...)
	}
	for _, fn := range s.ofType["AWS::Lambda::Function"] {
		lines = append(lines, v.function(ctx, s, fn)...)
	}
	return lines, nil
}

// unanswered turns a question the endpoint could not answer into a line.
func (v Verifier) unanswered(subject, question string, err error) Line {
	if v.CustomEndpoint {
		return Line{NotVerifiable, subject, fmt.Sprintf("%s not verifiable on this endpoint: %v", question, err)}
	}
	return Line{Fail, subject, fmt.Sprintf("%s: %v", question, err)}
}
