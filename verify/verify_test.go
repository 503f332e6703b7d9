package verify

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	stackName = "dynamodb-sse-with-kms-cmk"
	roleARN   = "arn:aws:iam::123456789012:role/stack-role-1"
	keyARN    = "arn:aws:kms:us-east-1:123456789012:key/key-1"
	tableARN  = "arn:aws:dynamodb:us-east-1:123456789012:table/stack-table-1"
	basicRole = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
)

// deployed answers like an endpoint holding the default stack, deployed as
// golden/default.yaml promises; each test breaks one thing.
type deployed struct {
	template string
	// listed is what ListStackResources lists, in two pages; extra is
	// listed after it.
	listed      []cfntypes.StackResourceSummary
	tables      map[string]*dbtypes.TableDescription // by name
	describeErr error
	keyState    kmstypes.KeyState
	rotation    bool
	period      *int32
	keyPolicy   string
	trust       string
	inline      map[string]string
	attached    []string
	env         map[string]string
	runsAs      string
	layers      []string
	managed     map[string]string // default version of each customer managed policy, by ARN
	extra       []cfntypes.StackResourceSummary
	parameters  []cfntypes.Parameter
	boundary    string            // "" for none
	policies    map[string]string // the resource policies of tables and streams, by ARN
	grants      []kmstypes.GrantListEntry
	// recovery is every table's; its period is nil where DynamoDB gives
	// none.
	recovery         dbtypes.PointInTimeRecoveryDescription
	codeSHA256       string            // the writer's CodeSha256
	objects          map[string]string // S3's objects, by bucket/key
	functionPolicies map[string]string // the writer's resource policies, by qualifier, "" for the function
	urls             map[string]lambdatypes.FunctionUrlAuthType
	aliases          []string
	inRegion         []lambdatypes.FunctionConfiguration // every function and version of the Region but the writer's $LATEST
	mappings         []lambdatypes.EventSourceMappingConfiguration
	scalableTargets  []scalingtypes.ScalableTarget // DynamoDB's, answered two to a page
	scalingPolicies  []scalingtypes.ScalingPolicy
	scalingErr       error // what DescribeScalableTargets answers instead, if set
	// jitter makes each answer take a random while, up to 3 ms.
	jitter bool
	// asked counts the requests of some operations, by name.
	mu    sync.Mutex
	asked map[string]int
}

func (d *deployed) note(operation string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.asked == nil {
		d.asked = map[string]int{}
	}
	d.asked[operation]++
}

func (d *deployed) wait() {
	if d.jitter {
		time.Sleep(rand.N(3 * time.Millisecond))
	}
}

const (
	writerName    = "stack-writer-1"
	writerARN     = "arn:aws:lambda:us-east-1:123456789012:function:" + writerName
	writerPackage = "the writer's deployment package"
)

// processed makes a SAM template read as CloudFormation holds it once
// transformed: the writer an AWS::Lambda::Function whose Code names the
// package `aws cloudformation package` uploaded.
func processed(template string) string {
	template = strings.Replace(template, "Type: AWS::Serverless::Function", "Type: AWS::Lambda::Function", 1)
	return strings.Replace(template, "CodeUri: build/writer-arm64", "Code:\n        S3Bucket: artifacts\n        S3Key: 5d41402abc4b2a76", 1)
}

func healthy(t *testing.T) *deployed {
	t.Helper()
	golden, err := os.ReadFile("../golden/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sha, err := CodeSHA256(strings.NewReader(writerPackage))
	if err != nil {
		t.Fatal(err)
	}
	return &deployed{
		template: processed(string(golden)),
		listed: []cfntypes.StackResourceSummary{
			stackResource("DynamoDbTableKmsKey", "key-1", "AWS::KMS::Key"),
			stackResource("DynamoDbTableKmsKeyAlias", "alias/stack/table", "AWS::KMS::Alias"),
			stackResource("DynamoDbWriteFunctionRole", "stack-role-1", "AWS::IAM::Role"),
			stackResource("DynamoDbWriteFunctionPolicy", "stack-Dyna-1", "AWS::IAM::Policy"),
			stackResource("DynamoDbTable", "stack-table-1", "AWS::DynamoDB::Table"),
			stackResource("DynamoDbWriteFunction", writerName, "AWS::Lambda::Function"),
			stackResource("DynamoDbWriteFunctionLogGroup", "/aws/lambda/"+writerName, "AWS::Logs::LogGroup"),
		},
		tables: map[string]*dbtypes.TableDescription{"stack-table-1": {
			TableName: aws.String("stack-table-1"), TableArn: aws.String(tableARN),
			SSEDescription:            &dbtypes.SSEDescription{Status: dbtypes.SSEStatusEnabled, SSEType: dbtypes.SSETypeKms, KMSMasterKeyArn: aws.String(keyARN)},
			DeletionProtectionEnabled: aws.Bool(false),
			AttributeDefinitions:      []dbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: dbtypes.ScalarAttributeTypeS}},
			KeySchema:                 []dbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: dbtypes.KeyTypeHash}},
			BillingModeSummary:        &dbtypes.BillingModeSummary{BillingMode: dbtypes.BillingModePayPerRequest},
			ProvisionedThroughput:     &dbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(0), WriteCapacityUnits: aws.Int64(0)},
		}},
		keyState: kmstypes.KeyStateEnabled,
		rotation: true,
		period:   aws.Int32(365),
		keyPolicy: `{"Version": "2012-10-17", "Statement": [
			{"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "WriterUsesKeyThroughDynamoDB", "Effect": "Allow", "Principal": {"AWS": "` + roleARN + `"},
			 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
			 "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012"}}},
			{"Sid": "DynamoDBDescribesKey", "Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"}, "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"}]}`,
		trust: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`,
		inline: map[string]string{"PutItemsIntoTable": `{"Version": "2012-10-17", "Statement": [
			{"Sid": "PutItemsIntoTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "` + tableARN + `"}]}`},
		attached: []string{basicRole},
		env:      map[string]string{"TABLE_NAME": "stack-table-1", "PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S"},
		runsAs:   roleARN,
		grants: []kmstypes.GrantListEntry{{
			GrantId: aws.String("g-dynamodb"), GranteePrincipal: aws.String("dynamodb.us-east-1.amazonaws.com"),
			Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationEncrypt},
		}},
		recovery:   dbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: dbtypes.PointInTimeRecoveryStatusDisabled},
		codeSHA256: sha,
		objects:    map[string]string{"artifacts/5d41402abc4b2a76": writerPackage},
	}
}

func (d *deployed) DescribeContinuousBackups(context.Context, *dynamodb.DescribeContinuousBackupsInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	d.wait()
	recovery := d.recovery
	return &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &dbtypes.ContinuousBackupsDescription{
		ContinuousBackupsStatus: dbtypes.ContinuousBackupsStatusEnabled, PointInTimeRecoveryDescription: &recovery,
	}}, nil
}

func (d *deployed) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	d.wait()
	content, ok := d.objects[*in.Bucket+"/"+*in.Key]
	if !ok {
		return nil, &s3types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader(content))}, nil
}

// deployedLambda answers Lambda's calls, whose GetPolicy is not IAM's.
type deployedLambda struct{ *deployed }

// GetPolicy answers "not found" as Lambda's API reference says:
// ResourceNotFoundException.
func (d deployedLambda) GetPolicy(_ context.Context, in *lambda.GetPolicyInput, _ ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	d.wait()
	policy, ok := d.functionPolicies[aws.ToString(in.Qualifier)]
	if !ok {
		return nil, &lambdatypes.ResourceNotFoundException{Message: aws.String("The resource you requested does not exist.")}
	}
	return &lambda.GetPolicyOutput{Policy: &policy}, nil
}

func (d deployedLambda) GetFunctionUrlConfig(_ context.Context, in *lambda.GetFunctionUrlConfigInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionUrlConfigOutput, error) {
	d.wait()
	auth, ok := d.urls[aws.ToString(in.Qualifier)]
	if !ok {
		return nil, &lambdatypes.ResourceNotFoundException{Message: aws.String("The resource you requested does not exist.")}
	}
	return &lambda.GetFunctionUrlConfigOutput{AuthType: auth, FunctionArn: aws.String(qualified(writerARN, aws.ToString(in.Qualifier))), FunctionUrl: aws.String("https://abc.lambda-url.us-east-1.on.aws/")}, nil
}

func (d deployedLambda) ListAliases(context.Context, *lambda.ListAliasesInput, ...func(*lambda.Options)) (*lambda.ListAliasesOutput, error) {
	d.wait()
	out := &lambda.ListAliasesOutput{}
	for _, name := range d.aliases {
		out.Aliases = append(out.Aliases, lambdatypes.AliasConfiguration{Name: aws.String(name), AliasArn: aws.String(writerARN + ":" + name), FunctionVersion: aws.String("$LATEST")})
	}
	return out, nil
}

func (d deployedLambda) ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	d.wait()
	latest := lambdatypes.FunctionConfiguration{FunctionName: aws.String(writerName), FunctionArn: aws.String(writerARN), Version: aws.String("$LATEST"), Role: aws.String(d.runsAs), CodeSha256: &d.codeSHA256}
	return &lambda.ListFunctionsOutput{Functions: append([]lambdatypes.FunctionConfiguration{latest}, d.inRegion...)}, nil
}

func (d deployedLambda) ListEventSourceMappings(context.Context, *lambda.ListEventSourceMappingsInput, ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error) {
	d.wait()
	return &lambda.ListEventSourceMappingsOutput{EventSourceMappings: d.mappings}, nil
}

// table is the default stack's table.
func (d *deployed) table() *dbtypes.TableDescription { return d.tables["stack-table-1"] }

// stackResource is a resource as ListStackResources lists it once made.
func stackResource(logical, physical, typ string) cfntypes.StackResourceSummary {
	return cfntypes.StackResourceSummary{LogicalResourceId: aws.String(logical), PhysicalResourceId: aws.String(physical), ResourceType: aws.String(typ), ResourceStatus: cfntypes.ResourceStatusCreateComplete}
}

func (d *deployed) GetResourcePolicy(_ context.Context, in *dynamodb.GetResourcePolicyInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetResourcePolicyOutput, error) {
	d.wait()
	policy, ok := d.policies[*in.ResourceArn]
	if !ok {
		return nil, &dbtypes.PolicyNotFoundException{Message: aws.String("Resource-based policy not found")}
	}
	return &dynamodb.GetResourcePolicyOutput{Policy: &policy}, nil
}

func (d *deployed) ListGrants(context.Context, *kms.ListGrantsInput, ...func(*kms.Options)) (*kms.ListGrantsOutput, error) {
	d.wait()
	d.note("ListGrants")
	return &kms.ListGrantsOutput{Grants: d.grants}, nil
}

func (d *deployed) DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	d.wait()
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{{
		StackName:  aws.String(stackName),
		Parameters: d.parameters,
		StackId:    aws.String("arn:aws:cloudformation:us-east-1:123456789012:stack/" + stackName + "/b5a0a0d0"),
	}}}, nil
}

// ListStackResources answers in two pages, as AWS does for big stacks.
func (d *deployed) ListStackResources(_ context.Context, in *cloudformation.ListStackResourcesInput, _ ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error) {
	d.wait()
	all := slices.Concat(d.listed, d.extra)
	if in.NextToken == nil {
		return &cloudformation.ListStackResourcesOutput{NextToken: aws.String("page-2"), StackResourceSummaries: all[:len(all)/2]}, nil
	}
	return &cloudformation.ListStackResourcesOutput{StackResourceSummaries: all[len(all)/2:]}, nil
}

func (d *deployed) GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	d.wait()
	return &cloudformation.GetTemplateOutput{TemplateBody: &d.template}, nil
}

func (d *deployed) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	d.wait()
	d.note("DescribeTable")
	table, ok := d.tables[aws.ToString(in.TableName)]
	if !ok {
		return nil, &dbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: Table: " + aws.ToString(in.TableName) + " not found")}
	}
	return &dynamodb.DescribeTableOutput{Table: table}, nil
}

// DescribeScalableTargets answers two targets to a page, as it does
// with MaxResults 2.
func (d *deployed) DescribeScalableTargets(_ context.Context, in *applicationautoscaling.DescribeScalableTargetsInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	d.wait()
	d.note("DescribeScalableTargets")
	if d.scalingErr != nil {
		return nil, d.scalingErr
	}
	page, next := pageOf(d.scalableTargets, in.NextToken)
	return &applicationautoscaling.DescribeScalableTargetsOutput{ScalableTargets: page, NextToken: next}, nil
}

func (d *deployed) DescribeScalingPolicies(_ context.Context, in *applicationautoscaling.DescribeScalingPoliciesInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalingPoliciesOutput, error) {
	d.wait()
	d.note("DescribeScalingPolicies")
	page, next := pageOf(d.scalingPolicies, in.NextToken)
	return &applicationautoscaling.DescribeScalingPoliciesOutput{ScalingPolicies: page, NextToken: next}, nil
}

// pageOf gives the page of all that token starts, two to a page, and the
// next page's token.
func pageOf[T any](all []T, token *string) ([]T, *string) {
	from, _ := strconv.Atoi(aws.ToString(token))
	to := min(from+2, len(all))
	if to == len(all) {
		return all[from:to], nil
	}
	return all[from:to], aws.String(strconv.Itoa(to))
}

func (d *deployed) DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	d.wait()
	d.note("DescribeKey")
	if d.describeErr != nil {
		return nil, d.describeErr
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &kmstypes.KeyMetadata{Arn: aws.String(keyARN), KeyState: d.keyState}}, nil
}

func (d *deployed) GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	d.wait()
	d.note("GetKeyRotationStatus")
	return &kms.GetKeyRotationStatusOutput{KeyRotationEnabled: d.rotation, RotationPeriodInDays: d.period}, nil
}

func (d *deployed) GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	d.wait()
	d.note("GetKeyPolicy")
	return &kms.GetKeyPolicyOutput{Policy: &d.keyPolicy}, nil
}

func (d deployedLambda) GetFunctionConfiguration(context.Context, *lambda.GetFunctionConfigurationInput, ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error) {
	d.wait()
	out := &lambda.GetFunctionConfigurationOutput{FunctionArn: aws.String(writerARN), Role: aws.String(d.runsAs), CodeSha256: &d.codeSHA256, Environment: &lambdatypes.EnvironmentResponse{Variables: d.env}}
	for _, arn := range d.layers {
		out.Layers = append(out.Layers, lambdatypes.Layer{Arn: aws.String(arn)})
	}
	return out, nil
}

// IAM returns policy documents URL-encoded.
func (d *deployed) GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	d.wait()
	out := &iam.GetRoleOutput{Role: &iamtypes.Role{Arn: aws.String(roleARN), AssumeRolePolicyDocument: aws.String(url.QueryEscape(d.trust))}}
	if d.boundary != "" {
		out.Role.PermissionsBoundary = &iamtypes.AttachedPermissionsBoundary{PermissionsBoundaryArn: &d.boundary}
	}
	return out, nil
}

func (d *deployed) ListRolePolicies(context.Context, *iam.ListRolePoliciesInput, ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	d.wait()
	return &iam.ListRolePoliciesOutput{PolicyNames: sortedKeys(d.inline)}, nil
}

func (d *deployed) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	d.wait()
	return &iam.GetRolePolicyOutput{PolicyDocument: aws.String(url.QueryEscape(d.inline[*in.PolicyName]))}, nil
}

func (d *deployed) ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput, ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	d.wait()
	out := &iam.ListAttachedRolePoliciesOutput{}
	for _, arn := range d.attached {
		out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(arn)})
	}
	return out, nil
}

func (d *deployed) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	d.wait()
	return &iam.GetPolicyOutput{Policy: &iamtypes.Policy{Arn: in.PolicyArn, DefaultVersionId: aws.String("v2")}}, nil
}

func (d *deployed) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	d.wait()
	document, ok := d.managed[*in.PolicyArn]
	if !ok || aws.ToString(in.VersionId) != "v2" {
		return nil, errors.New("NoSuchEntity")
	}
	return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(url.QueryEscape(document))}}, nil
}

func run(t *testing.T, d *deployed, emulator bool) []Line {
	t.Helper()
	v := Verifier{CloudFormation: d, DynamoDB: d, KMS: d, Lambda: deployedLambda{d}, IAM: d, S3: d, AutoScaling: d, Emulator: emulator}
	lines, err := v.Stack(context.Background(), stackName)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestAHealthyStackPassesEveryCheck(t *testing.T) {
	want := []string{
		"PASS template: gen check finds no error (0 warnings)",
		"PASS table DynamoDbTable: SSE ENABLED, type KMS, with the stack's key DynamoDbTableKmsKey",
		"PASS table DynamoDbTable: no resource policy, as the template gives none",
		"PASS table DynamoDbTable: key schema id (S) HASH and indexes as the template makes them: no index",
		"PASS table DynamoDbTable: billing mode PAY_PER_REQUEST, capacity as the template sets it: the table has no on-demand ceiling",
		"PASS table DynamoDbTable: no auto scaling, as the template makes none",
		"PASS table DynamoDbTable: deletion protection is off, as the template leaves it",
		"PASS table DynamoDbTable: point-in-time recovery is off, as the template leaves it",
		"PASS key DynamoDbTableKmsKey: Enabled",
		"PASS key DynamoDbTableKmsKey: rotation on, every 365 days",
		"PASS key DynamoDbTableKmsKey: key policy as the template promised (AccountRootAdministers, WriterUsesKeyThroughDynamoDB, DynamoDBDescribesKey), and gen check's key rules pass",
		"PASS key DynamoDbTableKmsKey: no grant but DynamoDB's (1)",
		"PASS role DynamoDbWriteFunctionRole: trust policy as the template promised",
		"PASS role DynamoDbWriteFunctionRole: inline policies as the template promised: PutItemsIntoTable",
		"PASS role DynamoDbWriteFunctionRole: managed policies as the template promised: " + basicRole,
		"PASS role DynamoDbWriteFunctionRole: no function outside the stack runs as it in us-east-1 (1 functions and versions there in all)",
		"PASS function DynamoDbWriteFunction: runs as its role, with the layers and environment the template set (PARTITION_KEY, PARTITION_KEY_TYPE, TABLE_NAME); TABLE_NAME names DynamoDbTable",
		"PASS function DynamoDbWriteFunction: runs the code of s3://artifacts/5d41402abc4b2a76 (CodeSha256 Ja49GjvMZy57y+dPM0HbmXfwH6hQaem03evcaz4qslo=)",
		"PASS function DynamoDbWriteFunction: aliases and versions as the template makes them: no alias; no version",
		"PASS function DynamoDbWriteFunction: no resource policy on it, as the template grants none",
		"PASS function DynamoDbWriteFunction: no function URL on it, as the template makes none",
		"PASS function DynamoDbWriteFunction: event source mappings as the template makes them: none",
	}
	assertLines(t, run(t, healthy(t), false), want)
}

// notPassing gives the lines that do not pass.
func notPassing(lines []Line) []Line {
	return slices.DeleteFunc(slices.Clone(lines), func(l Line) bool { return l.Outcome == Pass })
}

func assertLines(t *testing.T, lines []Line, want []string) {
	t.Helper()
	var got []string
	for _, l := range lines {
		got = append(got, strings.Join(strings.Fields(l.String()), " "))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Each way of tampering with a deployed stack, one at a time, and the FAIL
// lines it must give: nothing else may fail.
func TestEveryTamperingFailsNamingIt(t *testing.T) {
	const key, role, table, writer = "FAIL key DynamoDbTableKmsKey: ", "FAIL role DynamoDbWriteFunctionRole: ", "FAIL table DynamoDbTable: ", "FAIL function DynamoDbWriteFunction: "
	tests := []struct {
		name   string
		tamper func(*deployed)
		want   []string
	}{
		{"SSE off", func(d *deployed) { d.table().SSEDescription.Status = dbtypes.SSEStatusDisabled }, []string{table + "SSE is DISABLED, not ENABLED"}},
		{"the table on another key", func(d *deployed) {
			d.table().SSEDescription.KMSMasterKeyArn = aws.String("arn:aws:kms:us-east-1:123456789012:key/other")
		},
			[]string{table + "encrypted with arn:aws:kms:us-east-1:123456789012:key/other, not the stack's key DynamoDbTableKmsKey (key-1)"}},
		{"no SSEDescription from AWS", func(d *deployed) { d.table().SSEDescription = nil },
			[]string{table + "SSE: DescribeTable returned no SSEDescription (moto drops it for tables created through CloudFormation; on AWS it means an AWS owned key)"}},
		{"a disabled key", func(d *deployed) { d.keyState = kmstypes.KeyStateDisabled },
			[]string{key + "state is Disabled, not Enabled: its tables become inaccessible"}},
		{"rotation off", func(d *deployed) { d.rotation = false }, []string{key + "rotation is off"}},
		{"another rotation period", func(d *deployed) { d.period = aws.Int32(90) }, []string{key + "rotation on every 90 days, the template says 365"}},
		{"the writer statement's principal swapped for *", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `{"AWS": "`+roleARN+`"}`, `"*"`, 1)
		}, []string{key + "key policy allows more than the template: WriterUsesKeyThroughDynamoDB: principal * (anyone) added"}},
		{"kms:ViaService removed", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `"kms:ViaService": "dynamodb.us-east-1.amazonaws.com", `, "", 1)
		}, []string{key + "key policy allows more than the template: WriterUsesKeyThroughDynamoDB: condition StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com removed"}},
		{"a statement letting another account decrypt", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `"Statement": [`, `"Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Decrypt", "Resource": "*"}, `, 1)
		}, []string{key + "key policy allows more than the template: Partner: nothing in the other policy allows arn:aws:iam::444455556666:root kms:Decrypt on *",
			key + "deployed key policy: gen check KEY009: every principal of account 444455556666 that its IAM policies allow may call kms:Decrypt other than through DynamoDB: another account may decrypt with the key directly"}},
		{"an action added to the writer", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `"kms:DescribeKey"]`, `"kms:DescribeKey", "kms:CreateGrant"]`, 1)
		}, []string{key + "key policy allows more than the template: WriterUsesKeyThroughDynamoDB: action kms:CreateGrant added"}},
		{"a promised statement missing", func(d *deployed) {
			d.keyPolicy = d.keyPolicy[:strings.Index(d.keyPolicy, `,
			{"Sid": "DynamoDBDescribesKey"`)] + "]}"
		}, []string{key + "key policy allows less than the template: DynamoDBDescribesKey: no longer allows service dynamodb.amazonaws.com kms:Describe*, kms:Get*, kms:List* on *"}},
		{"an inline dynamodb:* on * policy on the writer's role", func(d *deployed) {
			d.inline["x"] = `{"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}`
		}, []string{role + "inline policy x is not in the template; it allows statement 1: nothing in the other policy allows dynamodb:* on *"}},
		{"the writer's inline policy widened to every table", func(d *deployed) {
			d.inline["PutItemsIntoTable"] = strings.Replace(d.inline["PutItemsIntoTable"], tableARN, "*", 1)
		}, []string{
			role + "inline policy PutItemsIntoTable allows more than the template: PutItemsIntoTable: resource * added",
		}},
		{"a managed policy attached to the writer's role", func(d *deployed) {
			d.attached = append(d.attached, "arn:aws:iam::aws:policy/AdministratorAccess")
		}, []string{role + "managed policy arn:aws:iam::aws:policy/AdministratorAccess is attached but not in the template"}},
		{"the promised managed policy detached", func(d *deployed) { d.attached = nil },
			[]string{role + "managed policy " + basicRole + ", which the template attaches, is not attached"}},
		{"anyone may assume the writer's role", func(d *deployed) {
			d.trust = strings.Replace(d.trust, `{"Service": "lambda.amazonaws.com"}`, `{"AWS": "*"}`, 1)
		}, []string{role + "trust policy allows more than the template: statement 1: nothing in the other policy allows * sts:AssumeRole"}},
		{"a grant letting another account decrypt", func(d *deployed) {
			d.grants = append(d.grants, kmstypes.GrantListEntry{GrantId: aws.String("g-1"), GranteePrincipal: aws.String("arn:aws:iam::444455556666:root"),
				Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
		}, []string{key + "grants the template does not make: g-1 lets arn:aws:iam::444455556666:root [Decrypt]"}},
		{"a table resource policy for another account", func(d *deployed) {
			d.policies = map[string]string{tableARN: `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "dynamodb:GetItem", "Resource": "` + tableARN + `"}]}`}
		}, []string{table + "resource policy allows more than the template: statement 1: nothing in the other policy allows arn:aws:iam::444455556666:root dynamodb:GetItem on " + tableARN}},
		{"the writer pointed at another table", func(d *deployed) { d.env["TABLE_NAME"] = "other" },
			[]string{`FAIL function DynamoDbWriteFunction: TABLE_NAME is "other", the template says "stack-table-1"`}},
		{"a wrapper script set on the writer", func(d *deployed) { d.env["AWS_LAMBDA_EXEC_WRAPPER"] = "/opt/wrap" },
			[]string{`FAIL function DynamoDbWriteFunction: AWS_LAMBDA_EXEC_WRAPPER is set to "/opt/wrap", which the template does not set`}},
		{"the writer run as another role", func(d *deployed) { d.runsAs = "arn:aws:iam::123456789012:role/admin" },
			[]string{"FAIL function DynamoDbWriteFunction: runs as arn:aws:iam::123456789012:role/admin, the template says " + roleARN}},
		{"a layer added to the writer", func(d *deployed) { d.layers = []string{"arn:aws:lambda:us-east-1:444455556666:layer:x:1"} },
			[]string{"FAIL function DynamoDbWriteFunction: has layers [arn:aws:lambda:us-east-1:444455556666:layer:x:1], the template says []"}},
		{"the writer role's permissions boundary removed", func(d *deployed) {
			d.template = strings.Replace(d.template, "    Type: AWS::IAM::Role\n    Properties:\n", "    Type: AWS::IAM::Role\n    Properties:\n      PermissionsBoundary: arn:aws:iam::123456789012:policy/boundary\n", 1)
		}, []string{role + `permissions boundary is "", the template says arn:aws:iam::123456789012:policy/boundary`}},
		{"a stream resource policy for another account", func(d *deployed) {
			stream := tableARN + "/stream/2026-11-29T00:00:00.000"
			d.table().LatestStreamArn = &stream
			d.policies = map[string]string{stream: `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "dynamodb:GetRecords", "Resource": "` + stream + `"}]}`}
		}, []string{table + "stream resource policy allows more than the template: statement 1: nothing in the other policy allows arn:aws:iam::444455556666:root dynamodb:GetRecords on " + tableARN + "/stream/2026-11-29T00:00:00.000"}},
		{"a Lambda permission in the stack", func(d *deployed) {
			d.extra = []cfntypes.StackResourceSummary{{LogicalResourceId: aws.String("Invoke"), PhysicalResourceId: aws.String("p-1"), ResourceType: aws.String("AWS::Lambda::Permission")}}
		}, []string{`FAIL resource Invoke: AWS::Lambda::Permission FunctionName: "" names no function: verify does not compare it, so the stack is not proven`}},
		{"provisioned capacity other than the template's, which scales none", func(d *deployed) {
			d.template = strings.Replace(d.template, "      BillingMode: PAY_PER_REQUEST\n", "      BillingMode: PROVISIONED\n      ProvisionedThroughput:\n        ReadCapacityUnits: 5\n        WriteCapacityUnits: 5\n", 1)
			d.table().BillingModeSummary = &dbtypes.BillingModeSummary{BillingMode: dbtypes.BillingModeProvisioned}
			d.table().ProvisionedThroughput = &dbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(10), WriteCapacityUnits: aws.Int64(5)}
		}, []string{table + "read capacity of the table is 10 units, the template sets 5"}},
		{"an on-demand ceiling the template does not set", func(d *deployed) {
			d.table().OnDemandThroughput = &dbtypes.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(1), MaxWriteRequestUnits: aws.Int64(-1)}
		}, []string{table + "the table has an on-demand ceiling of 1 read request units a second, and none on writes, the template sets no on-demand ceiling"}},
		{"a resource of the template not in the stack", func(d *deployed) { d.listed = slices.Delete(d.listed, 1, 2) },
			[]string{"FAIL resource DynamoDbTableKmsKeyAlias: AWS::KMS::Alias, which the template makes, is not in the stack: the stack is not as its template says"}},
		{"deletion protection turned off", func(d *deployed) {
			production(d)
			d.table().DeletionProtectionEnabled = aws.Bool(false)
		}, []string{table + "deletion protection is off, the template sets it on"}},
		{"point-in-time recovery turned off", func(d *deployed) {
			production(d)
			d.recovery = dbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: dbtypes.PointInTimeRecoveryStatusDisabled}
		}, []string{table + "point-in-time recovery is off, the template sets it on, keeping 35 days"}},
		{"a shorter recovery period", func(d *deployed) {
			production(d)
			d.recovery.RecoveryPeriodInDays = aws.Int32(7)
		}, []string{table + "point-in-time recovery is on, keeping 7 days, the template sets 35: writes older than that cannot be undone"}},
		{"the writer's code replaced", func(d *deployed) { d.codeSHA256 = "bm90IHRoZSB3cml0ZXI=" },
			[]string{writer + "runs code whose CodeSha256 is bm90IHRoZSB3cml0ZXI=, not that of s3://artifacts/5d41402abc4b2a76, Ja49GjvMZy57y+dPM0HbmXfwH6hQaem03evcaz4qslo=: its code was changed after deployment"}},
		{"the writer's package gone from S3", func(d *deployed) { d.objects = nil },
			[]string{writer + "code: s3://artifacts/5d41402abc4b2a76 cannot be read: GetObject: NoSuchKey: The specified key does not exist., and no local package was given (verify -code FILE)"}},
		{"the writer invocable by anyone", func(d *deployed) {
			d.functionPolicies = map[string]string{"": `{"Version": "2012-10-17", "Id": "default", "Statement": [{"Sid": "open", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "` + writerARN + `"}]}`}
		}, []string{writer + "resource policy allows more than the template: open: nothing in the other policy allows * lambda:InvokeFunction on " + writerARN}},
		{"a public function URL on the writer", func(d *deployed) {
			d.urls = map[string]lambdatypes.FunctionUrlAuthType{"": lambdatypes.FunctionUrlAuthTypeNone}
		},
			[]string{writer + "function URL https://abc.lambda-url.us-east-1.on.aws/ has AuthType NONE, the template makes none: Lambda does not authenticate who calls it"}},
		{"an alias with a public URL and a policy of its own", func(d *deployed) {
			d.aliases = []string{"live"}
			d.urls = map[string]lambdatypes.FunctionUrlAuthType{"live": lambdatypes.FunctionUrlAuthTypeNone}
			d.functionPolicies = map[string]string{"live": `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "lambda:InvokeFunction", "Resource": "` + writerARN + `:live"}]}`}
		}, []string{
			writer + "alias live, which the template does not make, points at version $LATEST",
			writer + "resource policy of alias live allows more than the template: statement 1: nothing in the other policy allows arn:aws:iam::444455556666:root lambda:InvokeFunction on " + writerARN + ":live",
			writer + "function URL of alias live https://abc.lambda-url.us-east-1.on.aws/ has AuthType NONE, the template makes none: Lambda does not authenticate who calls it",
		}},
		{"a version published by hand, with a policy of its own", func(d *deployed) {
			d.inRegion = []lambdatypes.FunctionConfiguration{{FunctionName: aws.String(writerName), FunctionArn: aws.String(writerARN + ":1"), Version: aws.String("1"), Role: aws.String(roleARN), CodeSha256: aws.String("b3RoZXI=")}}
			d.functionPolicies = map[string]string{"1": `{"Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": "` + writerARN + `:1"}]}`}
		}, []string{
			writer + "version 1, which the template does not make, runs code b3RoZXI= as " + roleARN,
			writer + "resource policy of version 1 allows more than the template: statement 1: nothing in the other policy allows service s3.amazonaws.com lambda:InvokeFunction on " + writerARN + ":1",
		}},
		{"an event source mapping the template does not make", func(d *deployed) {
			d.mappings = []lambdatypes.EventSourceMappingConfiguration{{UUID: aws.String("e-1"), FunctionArn: aws.String(writerARN), EventSourceArn: aws.String("arn:aws:sqs:us-east-1:444455556666:q")}}
		}, []string{writer + "event source mapping e-1, which the template does not make, invokes " + writerARN + " with the records of arn:aws:sqs:us-east-1:444455556666:q"}},
		{"a function outside the stack run as the writer's role", func(d *deployed) {
			d.inRegion = []lambdatypes.FunctionConfiguration{{FunctionName: aws.String("intruder"), FunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:intruder"), Version: aws.String("$LATEST"), Role: aws.String(roleARN)}}
		}, []string{role + "functions outside the stack run as it in us-east-1: arn:aws:lambda:us-east-1:123456789012:function:intruder"}},
		{"a resource whose update failed", func(d *deployed) { d.listed[6].ResourceStatus = cfntypes.ResourceStatusUpdateFailed },
			[]string{"FAIL resource DynamoDbWriteFunctionLogGroup: status UPDATE_FAILED: the stack is not as its template says"}},
		{"a resource with no physical id", func(d *deployed) {
			d.listed[6].PhysicalResourceId, d.listed[6].ResourceStatus = nil, cfntypes.ResourceStatusCreateFailed
		}, []string{"FAIL resource DynamoDbWriteFunctionLogGroup: no physical id (status CREATE_FAILED): the stack is not as its template says"}},
		{"a rotation period other than KMS's default, where the template sets none", func(d *deployed) {
			d.template = strings.Replace(d.template, "      RotationPeriodInDays: 365\n", "", 1)
			d.period = aws.Int32(2560)
		}, []string{key + "rotation on every 2560 days, the template says 365"}},
		{"the stack updated to the AWS managed key", func(d *deployed) {
			d.template = strings.Replace(d.template, "KMSMasterKeyId: !GetAtt DynamoDbTableKmsKey.Arn", "KMSMasterKeyId: alias/aws/dynamodb", 1)
		}, []string{
			"FAIL template: gen check: SSE002 DynamoDbTable: KMSMasterKeyId names the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it",
			table + "the template does not encrypt it with a key of the stack",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := healthy(t)
			tt.tamper(d)
			failed := notPassing(run(t, d, false))
			assertLines(t, failed, tt.want)
		})
	}
}

func TestWhatAnEmulatorCannotAnswerIsNotVerifiableNeverPassed(t *testing.T) {
	d := healthy(t)
	d.table().SSEDescription = nil
	d.describeErr = errors.New("StatusCode: 500")
	var outcomes []string
	for _, l := range run(t, d, true) {
		if l.Outcome != Pass {
			outcomes = append(outcomes, string(l.Outcome)+" "+l.Subject)
		}
		if l.Outcome == NotVerifiable && !strings.Contains(l.Detail, "not verifiable on this emulator") {
			t.Errorf("%s does not say why", l)
		}
	}
	if got, want := strings.Join(outcomes, ", "), "N/A table DynamoDbTable, N/A key DynamoDbTableKmsKey"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// A parameter of type AWS::SSM::Parameter::Value<...> holds a path; the
// stack used the value the path held.
func TestAnSSMParameterIsTheValueItResolvedTo(t *testing.T) {
	d := healthy(t)
	d.template = strings.Replace(d.template, "RotationPeriodInDays: 365", "RotationPeriodInDays: !Ref Period", 1)
	d.template = strings.Replace(d.template, "Resources:\n", "Parameters:\n  Period:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /keys/rotation-days\nResources:\n", 1)
	d.parameters = []cfntypes.Parameter{{ParameterKey: aws.String("Period"), ParameterValue: aws.String("/keys/rotation-days"), ResolvedValue: aws.String("365")}}
	for _, l := range run(t, d, false) {
		if l.Outcome != Pass {
			t.Errorf("%s", l)
		}
	}
}

func TestTheSummaryCountsEachOutcomeAndSaysWhetherAnyFailed(t *testing.T) {
	tests := []struct {
		lines  []Line
		want   string
		failed bool
	}{
		{[]Line{{Pass, "a", ""}, {NotVerifiable, "b", ""}}, "verify s: 1 pass, 0 fail, 1 not verifiable on this emulator", false},
		{[]Line{{Pass, "a", ""}, {Fail, "b", ""}, {Fail, "c", ""}}, "verify s: 1 pass, 2 fail, 0 not verifiable on this emulator", true},
	}
	for _, tt := range tests {
		if got, failed := Summary("s", tt.lines); got != tt.want || failed != tt.failed {
			t.Errorf("Summary = %q, %v; want %q, %v", got, failed, tt.want, tt.failed)
		}
	}
}

func TestAKeyPolicyGivenThroughToJsonStringIsCompared(t *testing.T) {
	d := healthy(t)
	d.template = strings.Replace(d.template, "      KeyPolicy:\n", "      KeyPolicy:\n        Fn::ToJsonString:\n", 1)
	d.template = strings.ReplaceAll(d.template, "\n        Version: '2012-10-17'\n        Statement:", "\n          Version: '2012-10-17'\n          Statement:")
	for _, l := range run(t, d, false) {
		if l.Outcome != Pass {
			t.Errorf("%s", l)
		}
	}
}

func TestAStackThatCannotBeReadIsAnError(t *testing.T) {
	d := healthy(t)
	d.template = "Resources: ["
	v := Verifier{CloudFormation: d, DynamoDB: d, KMS: d, Lambda: deployedLambda{d}, IAM: d, S3: d, AutoScaling: d}
	_, err := v.Stack(context.Background(), stackName)
	if err == nil || !strings.Contains(err.Error(), `stack "dynamodb-sse-with-kms-cmk": template: yaml: line 1`) {
		t.Errorf("error %v", err)
	}
}

// Even on an emulator, a promise that cannot be known is no answer the
// emulator failed to give: it fails.
func TestATemplateValueThatCannotBeKnownFailsEvenOnAnEmulator(t *testing.T) {
	d := healthy(t)
	d.template = strings.Replace(d.template, "RotationPeriodInDays: 365", "RotationPeriodInDays: !ImportValue shared-period", 1)
	failed := notPassing(run(t, d, true))
	assertLines(t, failed, []string{
		"FAIL key DynamoDbTableKmsKey: the template's rotation period cannot be known: Fn::ImportValue shared-period: not known before deployment",
	})
}

// A customer managed policy of the stack can get a new default version
// outside the stack; what applies is that version, not the template's.
func TestAManagedPolicyOfTheStackIsComparedByItsDefaultVersion(t *testing.T) {
	const policyARN = "arn:aws:iam::123456789012:policy/stack-ReadTable-1"
	const promised = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "` + tableARN + `"}]}`
	tests := []struct {
		name           string
		defaultVersion string
		want           []string
	}{
		{"as the template made it", promised, []string{
			"PASS role DynamoDbWriteFunctionRole: managed policies as the template promised: " + policyARN + ", " + basicRole,
		}},
		{"a new default version on every table", strings.Replace(promised, `"`+tableARN+`"`, `"*"`, 1), []string{
			"FAIL role DynamoDbWriteFunctionRole: managed policy ReadTable allows more than the template: statement 1: resource * added",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := healthy(t)
			d.template = strings.Replace(d.template, "  DynamoDbWriteFunction:\n", `  ReadTable:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: dynamodb:GetItem
            Resource: !GetAtt DynamoDbTable.Arn
      Roles:
        - !Ref DynamoDbWriteFunctionRole
  DynamoDbWriteFunction:
`, 1)
			d.extra = []cfntypes.StackResourceSummary{{LogicalResourceId: aws.String("ReadTable"), PhysicalResourceId: aws.String(policyARN), ResourceType: aws.String("AWS::IAM::ManagedPolicy")}}
			d.attached = append(d.attached, policyARN)
			d.managed = map[string]string{policyARN: tt.defaultVersion}
			var got []Line
			for _, l := range run(t, d, false) {
				if strings.Contains(l.Detail, "managed polic") {
					got = append(got, l)
				}
			}
			assertLines(t, got, tt.want)
		})
	}
}

// What gen check cannot judge in the deployed template is not proven, so
// verify fails it rather than pass it as a warning.
func TestAPartOfTheTemplateGenCheckCannotJudgeFails(t *testing.T) {
	d := healthy(t)
	d.template = strings.Replace(d.template, "Transform: AWS::Serverless-2016-10-31", "Transform: [AWS::Serverless-2016-10-31, Acme::Rewrite]", 1)
	var failed []string
	for _, l := range run(t, d, false) {
		if l.Outcome != Pass {
			failed = append(failed, l.String())
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "FAIL template: gen check: CHK001") {
		t.Errorf("lines not passed:\n%s\nwant one FAIL template: gen check: CHK001", strings.Join(failed, "\n"))
	}
}

// production makes the table promise what the production profile's does,
// deletion protection and point-in-time recovery, and keep it.
func production(d *deployed) {
	d.template = strings.Replace(d.template, "      BillingMode: PAY_PER_REQUEST\n", "      BillingMode: PAY_PER_REQUEST\n      DeletionProtectionEnabled: true\n      PointInTimeRecoverySpecification:\n        PointInTimeRecoveryEnabled: true\n", 1)
	d.table().DeletionProtectionEnabled = aws.Bool(true)
	d.recovery = dbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: dbtypes.PointInTimeRecoveryStatusEnabled, RecoveryPeriodInDays: aws.Int32(35)}
}

// The checks run at once and the services answer in any order, after any
// while: the lines come in the same order, byte for byte, every time.
func TestTheLinesComeInOneOrderWhateverTheServicesTiming(t *testing.T) {
	d := healthy(t)
	d.functionPolicies = map[string]string{"": `{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "` + writerARN + `"}]}`}
	d.inRegion = []lambdatypes.FunctionConfiguration{{FunctionName: aws.String("intruder"), FunctionArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:intruder"), Role: aws.String(roleARN)}}
	d.grants = append(d.grants, kmstypes.GrantListEntry{GrantId: aws.String("g-1"), GranteePrincipal: aws.String("arn:aws:iam::444455556666:root")})
	want := text(run(t, d, false))
	d.jitter = true
	for range 20 {
		if got := text(run(t, d, false)); got != want {
			t.Fatalf("lines in another order:\n%s\nwant:\n%s", got, want)
		}
	}
}

func text(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.String() + "\n")
	}
	return b.String()
}

// Deletion protection and point-in-time recovery weaker than the template
// fail; stronger pass, and say so.
func TestDataProtectionWeakerThanTheTemplateFailsStrongerIsSaid(t *testing.T) {
	const table = "table DynamoDbTable: "
	tests := []struct {
		name   string
		change func(*deployed)
		want   []string
	}{
		{"as the production profile promises", production, []string{
			"PASS " + table + "deletion protection is on, as the template sets it",
			"PASS " + table + "point-in-time recovery is on, keeping 35 days, as the template sets it",
		}},
		{"both on where the template leaves them off", func(d *deployed) {
			d.table().DeletionProtectionEnabled = aws.Bool(true)
			d.recovery = dbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: dbtypes.PointInTimeRecoveryStatusEnabled, RecoveryPeriodInDays: aws.Int32(14)}
		}, []string{
			"PASS " + table + "deletion protection is on, stronger than the template, which leaves it off",
			"PASS " + table + "point-in-time recovery is on, keeping 14 days, stronger than the template, which leaves it off",
		}},
		{"a longer recovery period than the template's", func(d *deployed) {
			production(d)
			d.template = strings.Replace(d.template, "PointInTimeRecoveryEnabled: true\n", "PointInTimeRecoveryEnabled: true\n        RecoveryPeriodInDays: 7\n", 1)
		}, []string{
			"PASS " + table + "deletion protection is on, as the template sets it",
			"PASS " + table + "point-in-time recovery is on, keeping 35 days, longer than the template's 7",
		}},
		{"a recovery period DynamoDB does not give", func(d *deployed) {
			production(d)
			d.recovery.RecoveryPeriodInDays = nil
		}, []string{
			"PASS " + table + "deletion protection is on, as the template sets it",
			"FAIL " + table + "point-in-time recovery is on; its recovery period: DescribeContinuousBackups gave no RecoveryPeriodInDays",
		}},
		{"a promise that cannot be known", func(d *deployed) {
			production(d)
			d.template = strings.Replace(d.template, "DeletionProtectionEnabled: true", "DeletionProtectionEnabled: !ImportValue protection", 1)
		}, []string{
			"FAIL " + table + "the template's deletion protection cannot be known: Fn::ImportValue protection: not known before deployment",
			"PASS " + table + "point-in-time recovery is on, keeping 35 days, as the template sets it",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := healthy(t)
			tt.change(d)
			var got []Line
			for _, l := range run(t, d, false) {
				if strings.Contains(l.Detail, "deletion protection") || strings.Contains(l.Detail, "point-in-time recovery") {
					got = append(got, l)
				}
			}
			assertLines(t, got, tt.want)
		})
	}
}

// A function's code is compared with the package its template names in
// S3, or, where that cannot be read, with the caller's own copy; with
// neither, the check fails (on an emulator: not verifiable), never passes.
func TestCodeThatCannotBeComparedNeverPasses(t *testing.T) {
	const writer = "function DynamoDbWriteFunction: "
	own, err := CodeSHA256(strings.NewReader(writerPackage))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		change    func(*deployed)
		localCode string
		emulator  bool
		want      string
	}{
		{"the package in S3", func(*deployed) {}, "", false,
			"PASS " + writer + "runs the code of s3://artifacts/5d41402abc4b2a76 (CodeSha256 " + own + ")"},
		{"the local package where S3 cannot be read", func(d *deployed) { d.objects = nil }, own, false,
			"PASS " + writer + "runs the code of the local package (the template's s3://artifacts/5d41402abc4b2a76 cannot be read: GetObject: NoSuchKey: The specified key does not exist.) (CodeSha256 " + own + ")"},
		{"another local package", func(d *deployed) { d.objects = nil }, "b3RoZXI=", false,
			"FAIL " + writer + "runs code whose CodeSha256 is " + own + ", not that of the local package (the template's s3://artifacts/5d41402abc4b2a76 cannot be read: GetObject: NoSuchKey: The specified key does not exist.), b3RoZXI=: its code was changed after deployment"},
		{"neither, on an emulator", func(d *deployed) { d.objects = nil }, "", true,
			"N/A " + writer + "code not verifiable on this emulator: s3://artifacts/5d41402abc4b2a76 cannot be read: GetObject: NoSuchKey: The specified key does not exist., and no local package was given (verify -code FILE)"},
		{"inline code", func(d *deployed) {
			d.template = strings.Replace(d.template, "Code:\n        S3Bucket: artifacts\n        S3Key: 5d41402abc4b2a76", "Code:\n        ZipFile: print('hello')", 1)
		}, "", false,
			"FAIL " + writer + "code: the template gives the code inline (ZipFile), and Lambda's package of it cannot be rebuilt, and no local package was given (verify -code FILE)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := healthy(t)
			tt.change(d)
			v := Verifier{CloudFormation: d, DynamoDB: d, KMS: d, Lambda: deployedLambda{d}, IAM: d, S3: d, AutoScaling: d, Emulator: tt.emulator, LocalCode: tt.localCode}
			lines, err := v.Stack(context.Background(), stackName)
			if err != nil {
				t.Fatal(err)
			}
			var got []Line
			for _, l := range lines {
				if strings.Contains(l.Detail, "code") {
					got = append(got, l)
				}
			}
			assertLines(t, got, []string{tt.want})
		})
	}
}

// What the template grants on its writer (a permission, as SAM makes of an
// S3 event; a URL; an event source mapping) is compared with what Lambda
// holds, written as Lambda writes it.
func TestWhatTheTemplateAttachesToAFunctionIsCompared(t *testing.T) {
	const writer = "function DynamoDbWriteFunction: "
	granted := `{"Version": "2012-10-17", "Id": "default", "Statement": [{"Sid": "stack-WriterInvokedByBucket-1", "Effect": "Allow",
		"Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": "` + writerARN + `",
		"Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}}]}`
	tests := []struct {
		name   string
		change func(*deployed)
		want   []string
	}{
		{"as the template makes them", func(*deployed) {}, []string{
			"PASS " + writer + "resource policies on it as the template grants them (WriterInvokedByBucket)",
			"PASS " + writer + "function URL https://abc.lambda-url.us-east-1.on.aws/ has AuthType AWS_IAM, as the template makes it",
			"PASS " + writer + "event source mappings as the template makes them: e-1",
		}},
		{"the bucket condition dropped, the URL opened, the mapping gone", func(d *deployed) {
			d.functionPolicies[""] = strings.Replace(granted, `, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}`, "", 1)
			d.urls[""] = lambdatypes.FunctionUrlAuthTypeNone
			d.mappings = nil
		}, []string{
			"FAIL " + writer + "resource policy allows more than the template: stack-WriterInvokedByBucket-1: condition ArnLike AWS:SourceArn arn:aws:s3:::uploads removed",
			"FAIL " + writer + "function URL https://abc.lambda-url.us-east-1.on.aws/ has AuthType NONE, the template says AuthType AWS_IAM: Lambda does not authenticate who calls it",
			"FAIL " + writer + "event source mapping e-1, which the template makes, does not invoke " + writerARN,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := healthy(t)
			d.template = strings.Replace(d.template, "  DynamoDbWriteFunctionLogGroup:\n", `  WriterInvokedByBucket:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt DynamoDbWriteFunction.Arn
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
      SourceArn: arn:aws:s3:::uploads
  WriterUrl:
    Type: AWS::Lambda::Url
    Properties:
      AuthType: AWS_IAM
      TargetFunctionArn: !Ref DynamoDbWriteFunction
  WriterQueue:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: arn:aws:sqs:us-east-1:123456789012:orders
      FunctionName: !Ref DynamoDbWriteFunction
  DynamoDbWriteFunctionLogGroup:
`, 1)
			for _, r := range []struct{ id, physical, typ string }{
				{"WriterInvokedByBucket", "stack-WriterInvokedByBucket-1", "AWS::Lambda::Permission"},
				{"WriterUrl", writerARN, "AWS::Lambda::Url"},
				{"WriterQueue", "e-1", "AWS::Lambda::EventSourceMapping"},
			} {
				d.extra = append(d.extra, cfntypes.StackResourceSummary{LogicalResourceId: &r.id, PhysicalResourceId: &r.physical, ResourceType: &r.typ})
			}
			d.functionPolicies = map[string]string{"": granted}
			d.urls = map[string]lambdatypes.FunctionUrlAuthType{"": lambdatypes.FunctionUrlAuthTypeAwsIam}
			d.mappings = []lambdatypes.EventSourceMappingConfiguration{{UUID: aws.String("e-1"), FunctionArn: aws.String(writerARN), EventSourceArn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders")}}
			tt.change(d)
			var got []Line
			for _, l := range run(t, d, false) {
				if l.Subject == "function DynamoDbWriteFunction" && (strings.Contains(l.Detail, "polic") || strings.Contains(l.Detail, "URL") || strings.Contains(l.Detail, "mapping")) || l.Outcome == Fail {
					got = append(got, l)
				}
			}
			assertLines(t, got, tt.want)
		})
	}
}
