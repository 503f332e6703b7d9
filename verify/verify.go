package verify

import (
	"context"
	"fmt"

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

// New makes a Verifier with the SDK's clients for cfg.
func New(cfg aws.Config) Verifier {
	return Verifier{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		DynamoDB:       dynamodb.NewFromConfig(cfg),
		KMS:            kms.NewFromConfig(cfg),
		Lambda:         lambda.NewFromConfig(cfg),
		IAM:            iam.NewFromConfig(cfg),
	}
}

// Verifier checks stacks through the services' APIs.
type Verifier struct {
	CloudFormation CloudFormation
	DynamoDB       DynamoDB
	KMS            KMS
	Lambda         Lambda
	IAM            IAM
	// Emulator is true when the services are an emulator such as moto,
	// which cannot answer every question: a call it fails is then "not
	// verifiable" instead of a failure. Only the caller knows: an endpoint
	// variable such as AWS_ENDPOINT_URL also points at AWS's own FIPS and
	// VPC endpoints, where a missing answer must fail.
	Emulator bool
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

// Summary is the last line cmd/verify prints, counting the lines by
// outcome; failed says whether any check failed.
func Summary(stack string, lines []Line) (summary string, failed bool) {
	counts := map[Outcome]int{}
	for _, l := range lines {
		counts[l.Outcome]++
	}
	return fmt.Sprintf("verify %s: %d pass, %d fail, %d not verifiable on this emulator",
		stack, counts[Pass], counts[Fail], counts[NotVerifiable]), counts[Fail] > 0
}

// String writes the line as cmd/verify prints it.
func (l Line) String() string { return fmt.Sprintf("%-4s %s: %s", l.Outcome, l.Subject, l.Detail) }

// unverifiedTypes give access to a table or key, or hold one, and verify
// does not compare them with the template: a stack with one is not proven,
// so each fails rather than pass unseen.
var unverifiedTypes = []string{
	"AWS::CloudFormation::Stack", "AWS::DynamoDB::GlobalTable", "AWS::IAM::Group", "AWS::IAM::User",
	"AWS::KMS::ReplicaKey", "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Permission", "AWS::Lambda::Url",
}

// Stack checks the stack named name: its template, then each table, key,
// role and function. The error says why the stack could not be read.
func (v Verifier) Stack(ctx context.Context, name string) ([]Line, error) {
	s, err := v.read(ctx, name)
	if err != nil {
		return nil, err
	}
	lines := templatePosture(s)
	for _, id := range sortedKeys(s.undeployed) {
		lines = append(lines, Line{Fail, "resource " + id, s.undeployed[id] + ": the stack is not as its template says"})
	}
	for _, typ := range unverifiedTypes {
		for _, id := range s.ofType[typ] {
			lines = append(lines, Line{Fail, "resource " + id, typ + " can give access to a table or key, and verify does not compare it yet: the stack is not proven"})
		}
	}
	for _, table := range s.ofType["AWS::DynamoDB::Table"] {
		lines = append(lines, v.tableSSE(ctx, s, table))
		lines = append(lines, v.tablePolicies(ctx, s, table)...)
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

// unanswered turns a question the services did not answer into a line:
// "not verifiable" on an emulator, a failure on AWS.
func (v Verifier) unanswered(subject, question string, err error) Line {
	if v.Emulator {
		return Line{NotVerifiable, subject, fmt.Sprintf("%s not verifiable on this emulator: %v", question, err)}
	}
	return Line{Fail, subject, fmt.Sprintf("%s: %v", question, err)}
}

// unresolved fails a check whose promise, the template's value, cannot be
// known: it is not the endpoint's doing, so never "not verifiable".
func unresolved(subject, promise string, err error) Line {
	return Line{Fail, subject, fmt.Sprintf("%s cannot be known: %v", promise, err)}
}
