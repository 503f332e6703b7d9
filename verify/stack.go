package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

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
	// undeployed says, by logical id, why a resource of the stack has no
	// physical id or is in a failed state: its checks cannot run.
	undeployed map[string]string
	asked      asked
}

// asked holds the services' answers about the stack's resources, by
// physical id: several checks and Fn::GetAtt read each, and each is asked
// once per verify.
type asked struct {
	tables    map[string]answer[*dynamodb.DescribeTableOutput]
	roles     map[string]answer[*iam.GetRoleOutput]
	keys      map[string]answer[*kms.DescribeKeyOutput]
	functions map[string]answer[*lambda.GetFunctionConfigurationOutput]
}

type answer[T any] struct {
	out T
	err error
}

// ask gives the answer cache holds for id, asking call the first time.
func ask[T any](cache *map[string]answer[T], id string, call func() (T, error)) (T, error) {
	if *cache == nil {
		*cache = map[string]answer[T]{}
	}
	a, ok := (*cache)[id]
	if !ok {
		a.out, a.err = call()
		(*cache)[id] = a
	}
	return a.out, a.err
}

func (v Verifier) describeTable(ctx context.Context, s *stack, physical string) (*dynamodb.DescribeTableOutput, error) {
	return ask(&s.asked.tables, physical, func() (*dynamodb.DescribeTableOutput, error) {
		return v.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &physical})
	})
}

func (v Verifier) getRole(ctx context.Context, s *stack, physical string) (*iam.GetRoleOutput, error) {
	return ask(&s.asked.roles, physical, func() (*iam.GetRoleOutput, error) {
		return v.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: &physical})
	})
}

func (v Verifier) describeKey(ctx context.Context, s *stack, physical string) (*kms.DescribeKeyOutput, error) {
	return ask(&s.asked.keys, physical, func() (*kms.DescribeKeyOutput, error) {
		return v.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &physical})
	})
}

func (v Verifier) functionConfiguration(ctx context.Context, s *stack, physical string) (*lambda.GetFunctionConfigurationOutput, error) {
	return ask(&s.asked.functions, physical, func() (*lambda.GetFunctionConfigurationOutput, error) {
		return v.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &physical})
	})
}

// resolve evaluates the template's intrinsics in v as the stack resolved them.
func (s *stack) resolve(v any) (any, error) { return s.template.Resolve(v, s.values) }

func (s *stack) resource(id string) cfn.Resource {
	r, _ := s.template.Resource(id)
	return r
}

func (v Verifier) read(ctx context.Context, name string) (*stack, error) {
	described, err := v.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &name})
	if err != nil {
		return nil, fmt.Errorf("stack %q: %w", name, err)
	}
	if len(described.Stacks) != 1 {
		return nil, fmt.Errorf("stack %q: the endpoint described %d stacks", name, len(described.Stacks))
	}
	pseudo, err := pseudoParameters(described.Stacks[0])
	if err != nil {
		return nil, fmt.Errorf("stack %q: %w", name, err)
	}
	tmpl, err := v.CloudFormation.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: &name, TemplateStage: cfntypes.TemplateStageProcessed})
	if err != nil {
		return nil, fmt.Errorf("stack %q: template: %w", name, err)
	}
	if tmpl.TemplateBody == nil {
		return nil, fmt.Errorf("stack %q: template: the endpoint returned no body", name)
	}
	parsed, err := cfn.Parse([]byte(*tmpl.TemplateBody))
	if err != nil {
		return nil, fmt.Errorf("stack %q: template: %w", name, err)
	}
	s := &stack{template: parsed, physical: map[string]string{}, ofType: map[string][]string{}, undeployed: map[string]string{}}
	// ListStackResources pages; DescribeStackResources stops at 100
	// resources, which 15 tables pass.
	pages := cloudformation.NewListStackResourcesPaginator(v.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: &name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("stack %q: %w", name, err)
		}
		for _, r := range page.StackResourceSummaries {
			id, status := aws.ToString(r.LogicalResourceId), string(r.ResourceStatus)
			switch {
			case r.PhysicalResourceId == nil || r.ResourceType == nil:
				s.undeployed[id] = "no physical id (status " + status + ")"
				continue
			case strings.HasSuffix(status, "_FAILED"):
				s.undeployed[id] = "status " + status
			}
			s.physical[*r.LogicalResourceId] = *r.PhysicalResourceId
			s.ofType[*r.ResourceType] = append(s.ofType[*r.ResourceType], *r.LogicalResourceId)
		}
	}
	for _, ids := range s.ofType {
		slices.Sort(ids)
	}
	if len(s.ofType["AWS::DynamoDB::Table"]) == 0 {
		return nil, fmt.Errorf("stack %q has no DynamoDB table", name)
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
	case "AWS::KMS::Key.Arn":
		out, err := v.describeKey(ctx, s, physical)
		if err != nil || out.KeyMetadata == nil {
			return "", fmt.Errorf("DescribeKey: %w", err)
		}
		return aws.ToString(out.KeyMetadata.Arn), nil
	case "AWS::DynamoDB::Table.Arn", "AWS::DynamoDB::Table.StreamArn":
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
