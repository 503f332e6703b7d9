package verify

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// deployed answers like an endpoint holding the default stack, deployed as
// the golden template promises; each test breaks one thing.
type deployed struct {
	template    string
	sse         *dbtypes.SSEDescription
	describeErr error
	keyState    kmstypes.KeyState
	rotation    bool
	period      *int32
	policy      string
	tableEnv    string
}

func healthy(t *testing.T) *deployed {
	t.Helper()
	golden, err := os.ReadFile("../golden/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return &deployed{
		template: string(golden),
		sse:      &dbtypes.SSEDescription{Status: dbtypes.SSEStatusEnabled, SSEType: dbtypes.SSETypeKms, KMSMasterKeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/key-1")},
		keyState: kmstypes.KeyStateEnabled,
		rotation: true,
		period:   int32Ptr(365),
		policy: `{"Version": "2012-10-17", "Statement": [
			{"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "WriterUsesKeyThroughDynamoDB", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/w"},
			 "Action": ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"], "Resource": "*"},
			{"Sid": "DynamoDBDescribesKey", "Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"}, "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"}]}`,
		tableEnv: "stack-table-1",
	}
}

func int32Ptr(n int32) *int32 { return &n }

// ListStackResources answers in two pages, as AWS does for big stacks.
func (d *deployed) ListStackResources(_ context.Context, in *cloudformation.ListStackResourcesInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error) {
	resource := func(logical, physical, typ string) cfntypes.StackResourceSummary {
		return cfntypes.StackResourceSummary{LogicalResourceId: aws.String(logical), PhysicalResourceId: aws.String(physical), ResourceType: aws.String(typ)}
	}
	if in.NextToken == nil {
		return &cloudformation.ListStackResourcesOutput{NextToken: aws.String("page-2"), StackResourceSummaries: []cfntypes.StackResourceSummary{
			resource("DynamoDbTableKmsKey", "key-1", "AWS::KMS::Key"),
		}}, nil
	}
	return &cloudformation.ListStackResourcesOutput{StackResourceSummaries: []cfntypes.StackResourceSummary{
		resource("DynamoDbTable", "stack-table-1", "AWS::DynamoDB::Table"),
		resource("DynamoDbWriteFunction", "stack-writer-1", "AWS::Lambda::Function"),
	}}, nil
}

func (d *deployed) GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	return &cloudformation.GetTemplateOutput{TemplateBody: &d.template}, nil
}

func (d *deployed) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &dbtypes.TableDescription{SSEDescription: d.sse}}, nil
}

func (d *deployed) DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if d.describeErr != nil {
		return nil, d.describeErr
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{KeyState: d.keyState}}, nil
}

func (d *deployed) GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: d.rotation, RotationPeriodInDays: d.period}, nil
}

func (d *deployed) GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	return &kms.GetKeyPolicyOutput{Policy: &d.policy}, nil
}

func (d *deployed) GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error) {
	return &lambda.GetFunctionConfigurationOutput{Environment: &lambdatypes.EnvironmentResponse{Variables: map[string]string{"TABLE_NAME": d.tableEnv}}}, nil
}

func run(t *testing.T, d *deployed, customEndpoint bool) []Line {
	t.Helper()
	v := Verifier{CloudFormation: d, DynamoDB: d, KMS: d, Lambda: d, CustomEndpoint: customEndpoint}
	lines, err := v.Stack(context.Background(), "dynamodb-sse-with-kms-cmk")
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestAHealthyStackPassesEveryCheck(t *testing.T) {
	lines := run(t, healthy(t), false)
	if len(lines) != 5 {
		t.Errorf("%d lines, want 5 (table SSE; key state, rotation, policy; writer)", len(lines))
	}
	for _, l := range lines {
		if l.Outcome != Pass {
			t.Errorf("%s", l)
		}
	}
}

func TestEachBrokenPromiseFailsItsCheck(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(*deployed)
		subject string
		detail  string
	}{
		{"SSE off", func(d *deployed) { d.sse.Status = dbtypes.SSEStatusDisabled }, "table DynamoDbTable", "SSE is DISABLED, not ENABLED"},
		{"another key", func(d *deployed) { d.sse.KMSMasterKeyArn = aws.String("arn:aws:kms:us-east-1:123456789012:key/other") }, "table DynamoDbTable", "not the stack's key DynamoDbTableKmsKey"},
		{"no SSEDescription from AWS", func(d *deployed) { d.sse = nil }, "table DynamoDbTable", "on AWS it means an AWS owned key"},
		{"a disabled key", func(d *deployed) { d.keyState = kmstypes.KeyStateDisabled }, "key DynamoDbTableKmsKey", "state is Disabled, not Enabled"},
		{"rotation off", func(d *deployed) { d.rotation = false }, "key DynamoDbTableKmsKey", "rotation is off"},
		{"another rotation period", func(d *deployed) { d.period = int32Ptr(90) }, "key DynamoDbTableKmsKey", "every 90 days, the template says 365"},
		{"a missing statement", func(d *deployed) { d.policy = strings.Replace(d.policy, "DynamoDBDescribesKey", "Other", 1) }, "key DynamoDbTableKmsKey", "lacks the promised DynamoDBDescribesKey"},
		{"another action", func(d *deployed) { d.policy = strings.Replace(d.policy, `"kms:Decrypt", `, "", 1) }, "key DynamoDbTableKmsKey", "lacks the promised WriterUsesKeyThroughDynamoDB"},
		{"the writer pointed elsewhere", func(d *deployed) { d.tableEnv = "other" }, "writer DynamoDbWriteFunction", `TABLE_NAME is "other", not DynamoDbTable's name "stack-table-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := healthy(t)
			tt.breakIt(d)
			var failed []Line
			for _, l := range run(t, d, false) {
				if l.Outcome != Pass {
					failed = append(failed, l)
				}
			}
			if len(failed) != 1 || failed[0].Outcome != Fail || failed[0].Subject != tt.subject || !strings.Contains(failed[0].Detail, tt.detail) {
				t.Errorf("got %v, want one FAIL %s: ...%s...", failed, tt.subject, tt.detail)
			}
		})
	}
}

func TestWhatAnEmulatorCannotAnswerIsNotVerifiableNeverPassed(t *testing.T) {
	d := healthy(t)
	d.sse = nil
	d.describeErr = errors.New("StatusCode: 500")
	var outcomes []string
	for _, l := range run(t, d, true) {
		outcomes = append(outcomes, string(l.Outcome)+" "+l.Subject)
		if l.Outcome == NotVerifiable && !strings.Contains(l.Detail, "not verifiable on this endpoint") {
			t.Errorf("%s does not say why", l)
		}
	}
	want := "N/A table DynamoDbTable,N/A key DynamoDbTableKmsKey,PASS key DynamoDbTableKmsKey,PASS key DynamoDbTableKmsKey,PASS writer DynamoDbWriteFunction"
	if got := strings.Join(outcomes, ","); got != want {
		t.Errorf("outcomes\n%s\nwant\n%s", got, want)
	}
}

func TestAKeyPolicyGivenThroughToJsonStringIsCompared(t *testing.T) {
	d := healthy(t)
	d.template = strings.Replace(d.template, "      KeyPolicy:\n", "      KeyPolicy:\n        Fn::ToJsonString:\n", 1)
	d.template = strings.ReplaceAll(d.template, "\n        Version: '2012-10-17'\n        Statement:", "\n          Version: '2012-10-17'\n          Statement:")
	policy := run(t, d, false)[3]
	if want := "key policy holds AccountRootAdministers, WriterUsesKeyThroughDynamoDB, DynamoDBDescribesKey"; policy.Outcome != Pass || policy.Detail != want {
		t.Errorf("%s, want PASS ...: %s", policy, want)
	}
}

func TestAKeyPolicyWithoutStatementsIsNoPass(t *testing.T) {
	d := healthy(t)
	d.template = strings.Replace(d.template, "Sid: ", "NotSid: ", -1)
	d.template = strings.Replace(d.template, "        Statement:\n", "        Statements:\n", 1)
	policy := run(t, d, false)[3]
	if policy.Outcome != Fail || policy.Detail != "the template's key policy has no statements to compare with" {
		t.Errorf("%s, want a FAIL saying the template has no statements", policy)
	}
}

func TestACustomEndpointIsWhereAnswersMayBeMissing(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		custom bool
	}{
		{"AWS", nil, false},
		{"AWS_ENDPOINT_URL", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, true},
		{"one service's endpoint", map[string]string{"AWS_ENDPOINT_URL_KMS": "http://127.0.0.1:5000"}, true},
		{"another service's endpoint", map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:5000"}, false},
		{"endpoints ignored", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_S3", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
				t.Setenv(k, tt.env[k])
			}
			if got := New(aws.Config{Region: "us-east-1"}).CustomEndpoint; got != tt.custom {
				t.Errorf("CustomEndpoint = %v, want %v", got, tt.custom)
			}
		})
	}
}
