package verify

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
		DescribeContinuousBackups(context.Context, *dynamodb.DescribeContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
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
		GetPolicy(context.Context, *lambda.GetPolicyInput, ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
		GetFunctionUrlConfig(context.Context, *lambda.GetFunctionUrlConfigInput, ...func(*lambda.Options)) (*lambda.GetFunctionUrlConfigOutput, error)
		ListAliases(context.Context, *lambda.ListAliasesInput, ...func(*lambda.Options)) (*lambda.ListAliasesOutput, error)
		ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
		ListEventSourceMappings(context.Context, *lambda.ListEventSourceMappingsInput, ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error)
	}
	IAM interface {
		GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
		ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
		GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
		ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
		GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
		GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	}
	S3 interface {
		GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	}
	AutoScaling interface {
		DescribeScalableTargets(context.Context, *applicationautoscaling.DescribeScalableTargetsInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error)
		DescribeScalingPolicies(context.Context, *applicationautoscaling.DescribeScalingPoliciesInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalingPoliciesOutput, error)
	}
)

// New makes a Verifier with the SDK's clients for cfg, each sending at most
// [InFlightPerService] requests at a time. The SDK's retryer retries
// throttling and 5xx answers with backoff, up to [MaxAttempts] attempts
// unless cfg sets its own (AWS_MAX_ATTEMPTS).
func New(cfg aws.Config) Verifier {
	if cfg.RetryMaxAttempts == 0 {
		cfg.RetryMaxAttempts = MaxAttempts
	}
	return Verifier{
		CloudFormation: cloudformation.NewFromConfig(cfg, func(o *cloudformation.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
		DynamoDB:       dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
		KMS:            kms.NewFromConfig(cfg, func(o *kms.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
		Lambda:         lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
		IAM:            iam.NewFromConfig(cfg, func(o *iam.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
		S3:             s3.NewFromConfig(cfg, func(o *s3.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
		AutoScaling:    applicationautoscaling.NewFromConfig(cfg, func(o *applicationautoscaling.Options) { o.HTTPClient = bounded(o.HTTPClient) }),
	}
}

// Verifier checks stacks through the services' APIs.
type Verifier struct {
	CloudFormation CloudFormation
	DynamoDB       DynamoDB
	KMS            KMS
	Lambda         Lambda
	IAM            IAM
	S3             S3
	// AutoScaling is Application Auto Scaling, which scales a table's
	// provisioned capacity.
	AutoScaling AutoScaling
	// Emulator is true when the services are an emulator such as moto,
	// which cannot answer every question: a call it fails is then "not
	// verifiable" instead of a failure. Only the caller knows: an endpoint
	// variable such as AWS_ENDPOINT_URL also points at AWS's own FIPS and
	// VPC endpoints, where a missing answer must fail.
	Emulator bool
	// LocalCode is the CodeSha256 of a deployment package the caller has
	// ([CodeSHA256] of it), "" for none: a function whose artifact cannot be
	// read from S3 is compared with it.
	LocalCode string
	// Progress, when set, hears after each check how many of how many are
	// done; calls never overlap.
	Progress func(done, total int)
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
// does not compare them with the template: a stack whose template makes one
// is not proven, so each fails rather than pass unseen.
var unverifiedTypes = []string{"AWS::CloudFormation::Stack", "AWS::IAM::Group", "AWS::IAM::User"}

// tableOrKeyTypes are the types verify checks a stack for: its template
// must make a table or a key.
var tableOrKeyTypes = []string{"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::KMS::Key", "AWS::KMS::ReplicaKey"}

// job is one check of a deployed stack: it asks the services what it needs
// and says what it found, in lines.
type job func(context.Context) []Line

// Stack checks the stack named name: its template, then each table, key,
// role and function. The checks run at once, each service's requests
// bounded by its client, and their lines come in this order whatever the
// services' timing. The error says why the stack could not be read.
func (v Verifier) Stack(ctx context.Context, name string) ([]Line, error) {
	s, err := v.read(ctx, name)
	if err != nil {
		return nil, err
	}
	return slices.Concat(runAll(ctx, v.jobs(s), v.Progress)...), nil
}

// runAll runs jobs at once and gives each one's lines, in the jobs' order;
// progress, when set, hears after each job how many are done.
func runAll(ctx context.Context, jobs []job, progress func(done, total int)) [][]Line {
	results := make([][]Line, len(jobs))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	for i, j := range jobs {
		wg.Go(func() {
			results[i] = j(ctx)
			if progress != nil {
				mu.Lock()
				done++
				progress(done, len(jobs))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return results
}

// jobs lists the stack's checks in the order their lines are printed.
func (v Verifier) jobs(s *stack) []job {
	one := func(c func(context.Context) Line) job {
		return func(ctx context.Context) []Line { return []Line{c(ctx)} }
	}
	out := []job{
		func(context.Context) []Line { return templatePosture(s) },
		func(context.Context) []Line { return v.deployment(s) },
		func(context.Context) []Line { return s.unverifiedResources() },
		func(context.Context) []Line { return unmatchedAttachments(s) },
		func(context.Context) []Line { return unmatchedScaling(s) },
	}
	for _, table := range s.ofType["AWS::DynamoDB::Table"] {
		out = append(out,
			one(func(ctx context.Context) Line { return v.tableSSE(ctx, s, table) }),
			func(ctx context.Context) []Line { return v.tablePolicies(ctx, s, table) },
			func(ctx context.Context) []Line { return v.indexes(ctx, s, table) },
			func(ctx context.Context) []Line { return v.capacity(ctx, s, table) },
			func(ctx context.Context) []Line { return v.autoScaling(ctx, s, table) },
			one(func(ctx context.Context) Line { return v.deletionProtection(ctx, s, table) }),
			one(func(ctx context.Context) Line { return v.pointInTimeRecovery(ctx, s, table) }))
	}
	for _, table := range s.ofType["AWS::DynamoDB::GlobalTable"] {
		out = append(out, func(ctx context.Context) []Line { return v.globalTable(ctx, s, table) })
	}
	for _, key := range slices.Concat(s.ofType["AWS::KMS::Key"], s.ofType["AWS::KMS::ReplicaKey"]) {
		// A replica key rotates as its primary does: what it replicates
		// is checked in its rotation's place.
		rotation := func(ctx context.Context) Line { return v.keyRotation(ctx, s, key) }
		if s.resource(key).Type == "AWS::KMS::ReplicaKey" {
			rotation = func(ctx context.Context) Line { return v.replicaOf(ctx, s, key) }
		}
		out = append(out,
			one(func(ctx context.Context) Line { return v.keyState(ctx, s, key) }),
			one(rotation),
			func(ctx context.Context) []Line { return v.keyPolicy(ctx, s, key) },
			one(func(ctx context.Context) Line { return v.keyGrants(ctx, s, key) }))
		if s.resource(key).Prop("MultiRegion") != nil {
			out = append(out, one(func(ctx context.Context) Line { return v.primaryKey(ctx, s, key) }))
		}
	}
	for _, role := range s.ofType["AWS::IAM::Role"] {
		out = append(out,
			func(ctx context.Context) []Line { return v.roleTrust(ctx, s, role) },
			func(ctx context.Context) []Line { return v.inlinePolicies(ctx, s, role) },
			func(ctx context.Context) []Line { return v.managedPolicies(ctx, s, role) },
			one(func(ctx context.Context) Line { return v.functionsOutside(ctx, s, role) }))
	}
	for _, fn := range s.ofType["AWS::Lambda::Function"] {
		out = append(out,
			func(ctx context.Context) []Line { return v.function(ctx, s, fn) },
			one(func(ctx context.Context) Line { return v.code(ctx, s, fn) }),
			func(ctx context.Context) []Line { return v.qualifiers(ctx, s, fn) },
			func(ctx context.Context) []Line { return v.functionPolicies(ctx, s, fn) },
			func(ctx context.Context) []Line { return v.functionURLs(ctx, s, fn) },
			func(ctx context.Context) []Line { return v.eventSourceMappings(ctx, s, fn) })
	}
	return out
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
