package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

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
	s := &stack{template: parsed, physical: map[string]string{}, ofType: map[string][]string{}}
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
		slices.Sort(ids)
	}
	if len(s.ofType["AWS::DynamoDB::Table"]) == 0 {
		return nil, fmt.Errorf("stack %q has no DynamoDB table", name)
	}
	parameters := map[string]string{}
	for _, p := range described.Stacks[0].Parameters {
		parameters[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
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
// own answers, each asked once. An attribute it cannot answer is unknown,
// never guessed.
func (v Verifier) attributes(ctx context.Context, s *stack) func(id, attribute string) (string, bool) {
	var mu sync.Mutex
	known := map[string]string{}
	return func(id, attribute string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		key := id + "." + attribute
		if value, ok := known[key]; ok {
			return value, value != ""
		}
		value := v.attribute(ctx, s.resource(id).Type, s.physical[id], attribute)
		known[key] = value
		return value, value != ""
	}
}

func (v Verifier) attribute(ctx context.Context, typ, physical, attribute string) string {
	if physical == "" {
		return ""
	}
	switch typ + "." + attribute {
	case "AWS::IAM::Role.Arn":
		if out, err := v.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: &physical}); err == nil && out.Role != nil {
			return aws.ToString(out.Role.Arn)
		}
	case "AWS::KMS::Key.Arn":
		if out, err := v.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &physical}); err == nil && out.KeyMetadata != nil {
			return aws.ToString(out.KeyMetadata.Arn)
		}
	case "AWS::DynamoDB::Table.Arn", "AWS::DynamoDB::Table.StreamArn":
		if out, err := v.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &physical}); err == nil && out.Table != nil {
			if attribute == "Arn" {
				return aws.ToString(out.Table.TableArn)
			}
			return aws.ToString(out.Table.LatestStreamArn)
		}
	case "AWS::Lambda::Function.Arn":
		if out, err := v.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &physical}); err == nil {
			return aws.ToString(out.FunctionArn)
		}
	}
	return ""
}
