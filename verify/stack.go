package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// stack is what verify knows of a deployed stack: its template, its
// resources' physical ids by logical id and by type, and what resolves the
// template's intrinsics to the stack's values.
type stack struct {
	template *cfn.Template
	physical map[string]string
	ofType   map[string][]string
	values   cfn.Stack
	// status is the status of each resource the stack lists, by logical
	// id, with a physical id or without; nameless counts the resources it
	// lists with no logical id, as moto lists each one its CloudFormation
	// skipped.
	status   map[string]string
	nameless int
	// attached gives, once, what the template attaches to its functions.
	attached func() attachments
	// scaling gives, once, the auto scaling the template makes.
	scaling func() scaling
	asked   asked
	// outputs are the stack's outputs, as DescribeStacks gives them.
	outputs map[string]string
	// fleet is the deployment the stack is verified in (verify
	// -manifest), nil for a stack verified alone.
	fleet *fleet
}

// asked holds the services' answers about the stack's resources, by
// physical id, and about the Region, by "": several checks and Fn::GetAtt
// read each, at once, and each is asked once per verify.
type asked struct {
	tables    memo[*dynamodb.DescribeTableOutput]
	roles     memo[*iam.GetRoleOutput]
	keys      memo[*kms.DescribeKeyOutput]
	functions memo[*lambda.GetFunctionConfigurationOutput]
	aliases   memo[[]lambdatypes.AliasConfiguration]
	// inRegion is every function and version of the Region.
	inRegion memo[[]lambdatypes.FunctionConfiguration]
	// mappings is every event source mapping of the Region.
	mappings  memo[[]lambdatypes.EventSourceMappingConfiguration]
	artifacts memo[string]
	// scalableTargets and scalingPolicies are every one of DynamoDB's in
	// the Region.
	scalableTargets memo[[]scalingtypes.ScalableTarget]
	scalingPolicies memo[[]scalingtypes.ScalingPolicy]
}

// memo keeps one answer per key; a caller that asks while another waits for
// the same answer waits for it too.
type memo[T any] struct {
	mu      sync.Mutex
	answers map[string]*answer[T]
}

type answer[T any] struct {
	once sync.Once
	out  T
	err  error
}

// ask gives the answer m holds for key, asking call the first time.
func (m *memo[T]) ask(key string, call func() (T, error)) (T, error) {
	m.mu.Lock()
	if m.answers == nil {
		m.answers = map[string]*answer[T]{}
	}
	a, ok := m.answers[key]
	if !ok {
		a = &answer[T]{}
		m.answers[key] = a
	}
	m.mu.Unlock()
	a.once.Do(func() { a.out, a.err = call() })
	return a.out, a.err
}

func (v Verifier) describeTable(ctx context.Context, s *stack, physical string) (*dynamodb.DescribeTableOutput, error) {
	return s.asked.tables.ask(physical, func() (*dynamodb.DescribeTableOutput, error) {
		return v.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &physical})
	})
}

// describedTable is the description of the stack's table whose logical
// id is table, or why there is none, beginning "DescribeTable: ".
func (v Verifier) describedTable(ctx context.Context, s *stack, table string) (*dbtypes.TableDescription, error) {
	out, err := v.describeTable(ctx, s, s.physical[table])
	if err == nil && out.Table == nil {
		err = errors.New("no table in the answer")
	}
	if err != nil {
		return nil, fmt.Errorf("DescribeTable: %w", err)
	}
	return out.Table, nil
}

func (v Verifier) getRole(ctx context.Context, s *stack, physical string) (*iam.GetRoleOutput, error) {
	return s.asked.roles.ask(physical, func() (*iam.GetRoleOutput, error) {
		return v.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: &physical})
	})
}

func (v Verifier) describeKey(ctx context.Context, s *stack, physical string) (*kms.DescribeKeyOutput, error) {
	return s.asked.keys.ask(physical, func() (*kms.DescribeKeyOutput, error) {
		return v.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &physical})
	})
}

func (v Verifier) functionConfiguration(ctx context.Context, s *stack, physical string) (*lambda.GetFunctionConfigurationOutput, error) {
	return s.asked.functions.ask(physical, func() (*lambda.GetFunctionConfigurationOutput, error) {
		return v.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &physical})
	})
}

// resolve evaluates the template's intrinsics in v as the stack resolved them.
func (s *stack) resolve(v any) (any, error) { return s.template.Resolve(v, s.values) }

func (s *stack) resource(id string) cfn.Resource {
	r, _ := s.template.Resource(id)
	return r
}

// read reads the stack: its description, its processed template and its
// resources, asked at once.
func (v Verifier) read(ctx context.Context, name string) (*stack, error) {
	var (
		wg                   sync.WaitGroup
		described            *cloudformation.DescribeStacksOutput
		tmpl                 *cloudformation.GetTemplateOutput
		resources            []cfntypes.StackResourceSummary
		describeErr, tmplErr error
		resourcesErr         error
	)
	wg.Go(func() {
		described, describeErr = v.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &name})
	})
	wg.Go(func() {
		tmpl, tmplErr = v.CloudFormation.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: &name, TemplateStage: cfntypes.TemplateStageProcessed})
	})
	wg.Go(func() {
		// ListStackResources pages; DescribeStackResources stops at 100
		// resources, which 15 tables pass.
		pages := cloudformation.NewListStackResourcesPaginator(v.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: &name})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				resourcesErr = err
				return
			}
			resources = append(resources, page.StackResourceSummaries...)
		}
	})
	wg.Wait()
	switch {
	case describeErr != nil:
		return nil, fmt.Errorf("stack %q: %w", name, describeErr)
	case len(described.Stacks) != 1:
		return nil, fmt.Errorf("stack %q: the endpoint described %d stacks", name, len(described.Stacks))
	case tmplErr != nil:
		return nil, fmt.Errorf("stack %q: template: %w", name, tmplErr)
	case tmpl.TemplateBody == nil:
		return nil, fmt.Errorf("stack %q: template: the endpoint returned no body", name)
	case resourcesErr != nil:
		return nil, fmt.Errorf("stack %q: %w", name, resourcesErr)
	}
	pseudo, err := pseudoParameters(described.Stacks[0])
	if err != nil {
		return nil, fmt.Errorf("stack %q: %w", name, err)
	}
	parsed, err := cfn.Parse([]byte(*tmpl.TemplateBody))
	if err != nil {
		return nil, fmt.Errorf("stack %q: template: %w", name, err)
	}
	s := &stack{template: parsed, physical: map[string]string{}, ofType: map[string][]string{}, status: map[string]string{}}
	for _, r := range resources {
		id, physical, typ := aws.ToString(r.LogicalResourceId), aws.ToString(r.PhysicalResourceId), aws.ToString(r.ResourceType)
		if id == "" {
			s.nameless++
			continue
		}
		s.status[id] = string(r.ResourceStatus)
		if physical == "" || typ == "" {
			continue
		}
		s.physical[id] = physical
		s.ofType[typ] = append(s.ofType[typ], id)
	}
	for _, ids := range s.ofType {
		slices.Sort(ids)
	}
	if len(parsed.Resources(tableOrKeyTypes...)) == 0 {
		return nil, fmt.Errorf("stack %q: its template makes no DynamoDB table and no KMS key", name)
	}
	s.outputs = map[string]string{}
	for _, o := range described.Stacks[0].Outputs {
		s.outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	parameters := map[string]string{}
	for _, p := range described.Stacks[0].Parameters {
		// An SSM parameter's value is its path; what the stack used is
		// the value the path held at deployment.
		value := p.ParameterValue
		if p.ResolvedValue != nil {
			value = p.ResolvedValue
		}
		parameters[aws.ToString(p.ParameterKey)] = aws.ToString(value)
	}
	s.values = cfn.Stack{Pseudo: pseudo, Parameters: parameters, Physical: s.physical, Attribute: v.attributes(ctx, s)}
	s.attached = sync.OnceValue(s.attachments)
	s.scaling = sync.OnceValue(s.promisedScaling)
	return s, nil
}

// pseudoParameters reads the account, region and partition from the stack's
// id, arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/ID.
func pseudoParameters(st cfntypes.Stack) (map[string]string, error) {
	id := aws.ToString(st.StackId)
	parts := strings.SplitN(id, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "cloudformation" {
		return nil, fmt.Errorf("stack id %q is not a CloudFormation stack ARN", id)
	}
	suffix := "amazonaws.com"
	if parts[1] == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return map[string]string{
		"AWS::Partition": parts[1], "AWS::Region": parts[3], "AWS::AccountId": parts[4],
		"AWS::StackId": id, "AWS::StackName": aws.ToString(st.StackName), "AWS::URLSuffix": suffix,
	}, nil
}

// attributes answers Fn::GetAtt of the stack's resources with the services'
// own answers. An attribute it cannot answer is an error saying why, never
// a guess.
func (v Verifier) attributes(ctx context.Context, s *stack) func(id, attribute string) (string, error) {
	return func(id, attribute string) (string, error) {
		value, err := v.attribute(ctx, s, s.resource(id).Type, s.physical[id], attribute)
		if err == nil && value == "" {
			err = errors.New("the service's answer has none")
		}
		return value, err
	}
}

func (v Verifier) attribute(ctx context.Context, s *stack, typ, physical, attribute string) (string, error) {
	if physical == "" {
		return "", errors.New("the stack has no such resource")
	}
	switch typ + "." + attribute {
	case "AWS::IAM::Role.Arn":
		out, err := v.getRole(ctx, s, physical)
		if err != nil || out.Role == nil {
			return "", fmt.Errorf("GetRole: %w", err)
		}
		return aws.ToString(out.Role.Arn), nil
	case "AWS::KMS::Key.Arn", "AWS::KMS::ReplicaKey.Arn":
		out, err := v.describeKey(ctx, s, physical)
		if err != nil || out.KeyMetadata == nil {
			return "", fmt.Errorf("DescribeKey: %w", err)
		}
		return aws.ToString(out.KeyMetadata.Arn), nil
	case "AWS::DynamoDB::Table.Arn", "AWS::DynamoDB::Table.StreamArn", "AWS::DynamoDB::GlobalTable.Arn", "AWS::DynamoDB::GlobalTable.StreamArn":
		out, err := v.describeTable(ctx, s, physical)
		if err != nil || out.Table == nil {
			return "", fmt.Errorf("DescribeTable: %w", err)
		}
		if attribute == "Arn" {
			return aws.ToString(out.Table.TableArn), nil
		}
		return aws.ToString(out.Table.LatestStreamArn), nil
	case "AWS::Lambda::Function.Arn":
		out, err := v.functionConfiguration(ctx, s, physical)
		if err != nil {
			return "", fmt.Errorf("GetFunctionConfiguration: %w", err)
		}
		return aws.ToString(out.FunctionArn), nil
	}
	return "", fmt.Errorf("verify does not read %s of a %s", attribute, typ)
}
