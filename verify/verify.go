// Package verify checks a deployed stack against the posture its template
// promised: each table's SSE is on, of type KMS, with the stack's own key;
// each key is enabled and rotates; each key policy holds the promised
// statements; each writer is told its own table. Where an endpoint cannot
// answer (moto, for one), the check says so rather than pass.
package verify

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/dynamodb-sse-cmk/stack/check"
)

// The calls verify makes, one interface per service, so tests can answer
// them.
type (
	CloudFormation interface {
		ListStackResources(context.Context, *cloudformation.ListStackResourcesInput, ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
		GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	}
	DynamoDB interface {
		DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	}
	KMS interface {
		DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
		GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
		GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
	}
	Lambda interface {
		GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
	}
)

// New makes a Verifier with the SDK's clients for cfg. The endpoint counts
// as custom when AWS_ENDPOINT_URL, or the endpoint variable of one of the
// four services, is set and not ignored (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
func New(cfg aws.Config) Verifier {
	return Verifier{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		DynamoDB:       dynamodb.NewFromConfig(cfg),
		KMS:            kms.NewFromConfig(cfg),
		Lambda:         lambda.NewFromConfig(cfg),
		CustomEndpoint: customEndpoint(),
	}
}

var endpointVariables = []string{
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDFORMATION", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_LAMBDA",
}

func customEndpoint() bool {
	if strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return false
	}
	return slices.ContainsFunc(endpointVariables, func(name string) bool { return os.Getenv(name) != "" })
}

// Verifier checks stacks through the four services.
type Verifier struct {
	CloudFormation CloudFormation
	DynamoDB       DynamoDB
	KMS            KMS
	Lambda         Lambda
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

// String writes the line as gen verify prints it.
func (l Line) String() string { return fmt.Sprintf("%-4s %s: %s", l.Outcome, l.Subject, l.Detail) }

// stack is what verify knows of a deployed stack: its resources' physical
// ids, by type and logical id, and its template.
type stack struct {
	physical map[string]string
	ofType   map[string][]string
	template check.Template
}

// Stack checks the stack named name.
func (v Verifier) Stack(ctx context.Context, name string) ([]Line, error) {
	s, err := v.read(ctx, name)
	if err != nil {
		return nil, err
	}
	var lines []Line
	for _, table := range s.ofType["AWS::DynamoDB::Table"] {
		lines = append(lines, v.tableSSE(ctx, s, table))
	}
	for _, key := range s.ofType["AWS::KMS::Key"] {
		lines = append(lines, v.keyState(ctx, s, key), v.keyRotation(ctx, s, key), v.keyPolicy(ctx, s, key))
	}
	for _, fn := range s.ofType["AWS::Lambda::Function"] {
		if line, ok := v.writerTable(ctx, s, fn); ok {
			lines = append(lines, line)
		}
	}
	return lines, nil
}

func (v Verifier) read(ctx context.Context, name string) (*stack, error) {
	tmpl, err := v.CloudFormation.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: &name, TemplateStage: cfntypes.TemplateStageProcessed})
	if err != nil {
		return nil, fmt.Errorf("stack %q: template: %w", name, err)
	}
	if tmpl.TemplateBody == nil {
		return nil, fmt.Errorf("stack %q: template: the endpoint returned no body", name)
	}
	parsed, err := check.Parse([]byte(*tmpl.TemplateBody))
	if err != nil {
		return nil, fmt.Errorf("stack %q: template: %w", name, err)
	}
	s := &stack{physical: map[string]string{}, ofType: map[string][]string{}, template: parsed}
	// ListStackResources pages; DescribeStackResources stops at 100
	// resources, which 15 tables pass.
	pages := cloudformation.NewListStackResourcesPaginator(v.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: &name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("stack %q: %w", name, err)
		}
		for _, r := range page.StackResourceSummaries {
			if r.LogicalResourceId == nil || r.PhysicalResourceId == nil || r.ResourceType == nil {
				continue
			}
			s.physical[*r.LogicalResourceId] = *r.PhysicalResourceId
			s.ofType[*r.ResourceType] = append(s.ofType[*r.ResourceType], *r.LogicalResourceId)
		}
	}
	for _, ids := range s.ofType {
		sort.Strings(ids)
	}
	if len(s.ofType["AWS::DynamoDB::Table"]) == 0 {
		return nil, fmt.Errorf("stack %q has no DynamoDB table", name)
	}
	return s, nil
}

// properties gives a resource's Properties in the stack's template.
func (s *stack) properties(id string) map[string]any {
	resources, _ := s.template["Resources"].(map[string]any)
	r, _ := resources[id].(map[string]any)
	props, _ := r["Properties"].(map[string]any)
	return props
}

// unanswered turns a question the endpoint could not answer into a line.
func (v Verifier) unanswered(subject, question string, err error) Line {
	if v.CustomEndpoint {
		return Line{NotVerifiable, subject, fmt.Sprintf("%s not verifiable on this endpoint: %v", question, err)}
	}
	return Line{Fail, subject, fmt.Sprintf("%s: %v", question, err)}
}
