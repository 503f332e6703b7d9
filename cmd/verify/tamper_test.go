package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// This file deploys sam.yaml to moto, then tampers with the deployed stack
// one way at a time, as someone with the account's credentials could, and
// requires verify to fail naming the tampering, then to pass once it is
// undone. `make test` provides moto through MOTO_ENDPOINT.

// deployedStack is the stack under test: its name, its clients, its
// resources' physical ids, and the key policy as deployed.
type deployedStack struct {
	name           string
	cloudformation *cloudformation.Client
	kms            *kms.Client
	iam            *iam.Client
	dynamodb       *dynamodb.Client
	lambda         *lambda.Client
	autoscaling    *applicationautoscaling.Client
	physical       map[string]string
	keyPolicy      string
	keyARN         string
	grant          string // the grant a test made, to revoke
	mapping        string // the event source mapping a test made, to delete
}

func (s *deployedStack) writer() *string { return aws.String(s.physical["DynamoDbWriteFunction"]) }

// artifact is where the writer's package is, as the stack's template names it.
func (s *deployedStack) artifact(t *testing.T) (bucket, key string) {
	t.Helper()
	out, err := s.cloudformation.GetTemplate(context.Background(), &cloudformation.GetTemplateInput{StackName: &s.name, TemplateStage: cfntypes.TemplateStageProcessed})
	check(t, err)
	var template struct {
		Resources map[string]struct {
			Properties struct {
				Code struct{ S3Bucket, S3Key string }
			}
		}
	}
	check(t, json.Unmarshal([]byte(aws.ToString(out.TemplateBody)), &template))
	code := template.Resources["DynamoDbWriteFunction"].Properties.Code
	return code.S3Bucket, code.S3Key
}

// otherStream makes, once, a table outside the stack with a stream, and
// gives the stream's ARN.
func (s *deployedStack) otherStream(t *testing.T) string {
	t.Helper()
	ctx, name := context.Background(), aws.String("tamper-other-table")
	if out, err := s.dynamodb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: name}); err == nil {
		return aws.ToString(out.Table.LatestStreamArn)
	}
	out, err := s.dynamodb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            name,
		AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: dbtypes.ScalarAttributeTypeS}},
		KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: dbtypes.KeyTypeHash}},
		BillingMode:          dbtypes.BillingModePayPerRequest,
		StreamSpecification:  &dbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: dbtypes.StreamViewTypeNewImage},
	})
	check(t, err)
	return aws.ToString(out.TableDescription.LatestStreamArn)
}

// otherCode is a deployment package that is not the writer's.
func otherCode(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.Create("bootstrap")
	check(t, err)
	_, err = f.Write([]byte("#!/bin/sh\necho not the writer\n"))
	check(t, err)
	check(t, w.Close())
	return b.Bytes()
}

func (s *deployedStack) tableARN() string {
	return "arn:aws:dynamodb:us-east-1:123456789012:table/" + s.physical["DynamoDbTable"]
}

func (s *deployedStack) roleARN() string {
	return "arn:aws:iam::123456789012:role/" + s.physical["DynamoDbWriteFunctionRole"]
}

// otherRole makes, once, a role Lambda may assume that is not the stack's.
func (s *deployedStack) otherRole(t *testing.T) string {
	t.Helper()
	name := "tamper-other-role"
	out, err := s.iam.GetRole(context.Background(), &iam.GetRoleInput{RoleName: &name})
	if err == nil {
		return aws.ToString(out.Role.Arn)
	}
	created, err := s.iam.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: &name,
		AssumeRolePolicyDocument: aws.String(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`)})
	check(t, err)
	return aws.ToString(created.Role.Arn)
}

func TestATamperedStackFailsNamingTheTamperingAndARestoredOnePasses(t *testing.T) {
	s := deploy(t, "../../sam.yaml", defaultStack)
	s.readKey(t, "DynamoDbTableKmsKey")
	ctx := context.Background()
	const key, role, table = "FAIL key DynamoDbTableKmsKey: key policy allows ", "FAIL role DynamoDbWriteFunctionRole: ", "FAIL table DynamoDbTable: "
	const writer = "FAIL function DynamoDbWriteFunction: "
	proveEach(t, s, []tampering{
		{"the writer statement's principal swapped for *", keyPolicyEdit(func(p string) string {
			return strings.Replace(p, `{"AWS": "arn:aws:iam::123456789012:role/`+s.name+`-DynamoDbWriteFunctionRole-`, `{"AWS": "*", "X": "`, 1)
		}), restoreKeyPolicy, key + "more than the template: WriterUsesKeyThroughDynamoDB: principal * (anyone) added"},
		{"kms:ViaService removed", keyPolicyEdit(func(p string) string {
			return strings.Replace(p, `, "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"`, "", 1)
		}), restoreKeyPolicy, key + "more than the template: WriterUsesKeyThroughDynamoDB: condition StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com removed"},
		{"kms:ViaService widened to any region", keyPolicyEdit(func(p string) string {
			p = strings.Replace(p, `, "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"`, "", 1)
			return strings.Replace(p, `"Condition": {`, `"Condition": {"StringLike": {"kms:ViaService": "dynamodb.*.amazonaws.com"}, `, 1)
		}), restoreKeyPolicy, key + "more than the template: WriterUsesKeyThroughDynamoDB: condition StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com widened to StringLike kms:ViaService dynamodb.*.amazonaws.com"},
		{"a statement letting another account decrypt", keyPolicyEdit(func(p string) string {
			return strings.Replace(p, `"Statement": [`, `"Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:Decrypt", "Resource": "*"}, `, 1)
		}), restoreKeyPolicy, key + "more than the template: Partner: nothing in the other policy allows arn:aws:iam::444455556666:root kms:Decrypt on *"},
		{"an action added to the writer statement", keyPolicyEdit(func(p string) string {
			return strings.Replace(p, `"kms:DescribeKey"]`, `"kms:DescribeKey", "kms:CreateGrant"]`, 1)
		}), restoreKeyPolicy, key + "more than the template: WriterUsesKeyThroughDynamoDB: action kms:CreateGrant added"},
		{"a promised statement removed", keyPolicyEdit(func(p string) string {
			var doc struct {
				Version   string
				Statement []map[string]any
			}
			if err := json.Unmarshal([]byte(p), &doc); err != nil {
				return p
			}
			doc.Statement = slices.DeleteFunc(doc.Statement, func(s map[string]any) bool { return s["Sid"] == "DynamoDBDescribesKey" })
			edited, _ := json.Marshal(doc)
			return string(edited)
		}), restoreKeyPolicy, key + "less than the template: DynamoDBDescribesKey: no longer allows service dynamodb.amazonaws.com kms:Describe*, kms:Get*, kms:List* on *"},
		{"a promised statement narrowed by a condition", keyPolicyEdit(func(p string) string {
			return strings.Replace(p, `"Sid": "DynamoDBDescribesKey"`, `"Sid": "DynamoDBDescribesKey", "Condition": {"Bool": {"aws:ViaAWSService": "true"}}`, 1)
		}), restoreKeyPolicy, key + "less than the template: DynamoDBDescribesKey: condition Bool aws:ViaAWSService true added"},
		{"a dynamodb:* on * inline policy on the writer's role", func(t *testing.T, s *deployedStack) {
			putRolePolicy(t, s, "x", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}`)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.iam.DeleteRolePolicy(context.Background(), &iam.DeleteRolePolicyInput{RoleName: aws.String(s.physical["DynamoDbWriteFunctionRole"]), PolicyName: aws.String("x")})
			check(t, err)
		}, role + "inline policy x is not in the template; it allows statement 1: nothing in the other policy allows dynamodb:* on *"},
		{"the writer's inline policy widened to every table", func(t *testing.T, s *deployedStack) {
			putRolePolicy(t, s, "PutItemsIntoTable", `{"Version": "2012-10-17", "Statement": [{"Sid": "PutItemsIntoTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}]}`)
		}, func(t *testing.T, s *deployedStack) {
			putRolePolicy(t, s, "PutItemsIntoTable", `{"Version": "2012-10-17", "Statement": [{"Sid": "PutItemsIntoTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/`+s.physical["DynamoDbTable"]+`"}]}`)
		}, role + "inline policy PutItemsIntoTable allows more than the template: PutItemsIntoTable: resource * added"},
		{"AdministratorAccess attached to the writer's role", func(t *testing.T, s *deployedStack) {
			_, err := s.iam.AttachRolePolicy(context.Background(), &iam.AttachRolePolicyInput{RoleName: aws.String(s.physical["DynamoDbWriteFunctionRole"]), PolicyArn: aws.String(adminAccess)})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.iam.DetachRolePolicy(context.Background(), &iam.DetachRolePolicyInput{RoleName: aws.String(s.physical["DynamoDbWriteFunctionRole"]), PolicyArn: aws.String(adminAccess)})
			check(t, err)
		}, role + "managed policy " + adminAccess + " is attached but not in the template"},
		{"anyone may assume the writer's role", trustPolicy(`{"AWS": "*"}`), trustPolicy(`{"Service": "lambda.amazonaws.com"}`),
			role + "trust policy allows more than the template: statement 1: nothing in the other policy allows * sts:AssumeRole"},
		{"the key disabled", func(t *testing.T, s *deployedStack) {
			_, err := s.kms.DisableKey(context.Background(), &kms.DisableKeyInput{KeyId: aws.String(s.physical["DynamoDbTableKmsKey"])})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.kms.EnableKey(context.Background(), &kms.EnableKeyInput{KeyId: aws.String(s.physical["DynamoDbTableKmsKey"])})
			check(t, err)
		}, "FAIL key DynamoDbTableKmsKey: state is Disabled, not Enabled"},
		{"rotation turned off", func(t *testing.T, s *deployedStack) {
			_, err := s.kms.DisableKeyRotation(context.Background(), &kms.DisableKeyRotationInput{KeyId: aws.String(s.physical["DynamoDbTableKmsKey"])})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.kms.EnableKeyRotation(context.Background(), &kms.EnableKeyRotationInput{KeyId: aws.String(s.physical["DynamoDbTableKmsKey"]), RotationPeriodInDays: aws.Int32(365)})
			check(t, err)
		}, "FAIL key DynamoDbTableKmsKey: rotation is off"},
		{"the table re-created on another key", func(t *testing.T, s *deployedStack) {
			other, err := s.kms.CreateKey(ctx, &kms.CreateKeyInput{})
			check(t, err)
			recreateTable(t, s, other.KeyMetadata.Arn)
		}, func(t *testing.T, s *deployedStack) { recreateTable(t, s, &s.keyARN) },
			table + "encrypted with arn:aws:kms:us-east-1:123456789012:key/"},
		{"the table re-created on the AWS managed key", func(t *testing.T, s *deployedStack) {
			recreateTable(t, s, aws.String("alias/aws/dynamodb"))
		}, func(t *testing.T, s *deployedStack) { recreateTable(t, s, &s.keyARN) },
			table + "encrypted with alias/aws/dynamodb, not the stack's key DynamoDbTableKmsKey"},
		{"a grant letting another account decrypt", func(t *testing.T, s *deployedStack) {
			grant, err := s.kms.CreateGrant(context.Background(), &kms.CreateGrantInput{
				KeyId: aws.String(s.physical["DynamoDbTableKmsKey"]), GranteePrincipal: aws.String("arn:aws:iam::444455556666:root"),
				Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt},
			})
			check(t, err)
			s.grant = aws.ToString(grant.GrantId)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.kms.RevokeGrant(context.Background(), &kms.RevokeGrantInput{KeyId: aws.String(s.physical["DynamoDbTableKmsKey"]), GrantId: &s.grant})
			check(t, err)
		}, "FAIL key DynamoDbTableKmsKey: grants the template does not make: "},
		{"a table resource policy for another account", func(t *testing.T, s *deployedStack) {
			policy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "dynamodb:GetItem", "Resource": "` + s.tableARN() + `"}]}`
			_, err := s.dynamodb.PutResourcePolicy(context.Background(), &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(s.tableARN()), Policy: &policy})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.dynamodb.DeleteResourcePolicy(context.Background(), &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(s.tableARN())})
			check(t, err)
		}, table + "resource policy allows more than the template: statement 1: nothing in the other policy allows arn:aws:iam::444455556666:root dynamodb:GetItem on "},
		{"the writer pointed at another table", func(t *testing.T, s *deployedStack) {
			setEnv(t, s, "TABLE_NAME", "another-table")
		}, func(t *testing.T, s *deployedStack) { setEnv(t, s, "TABLE_NAME", s.physical["DynamoDbTable"]) },
			`FAIL function DynamoDbWriteFunction: TABLE_NAME is "another-table", the template says "` + s.physical["DynamoDbTable"] + `"`},
		{"a wrapper script set on the writer", func(t *testing.T, s *deployedStack) {
			setEnv(t, s, "AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrap")
		}, func(t *testing.T, s *deployedStack) { setEnv(t, s, "AWS_LAMBDA_EXEC_WRAPPER", "") },
			`FAIL function DynamoDbWriteFunction: AWS_LAMBDA_EXEC_WRAPPER is set to "/opt/wrap", which the template does not set`},
		{"the writer run as another role", func(t *testing.T, s *deployedStack) {
			runAs(t, s, s.otherRole(t))
		}, func(t *testing.T, s *deployedStack) { runAs(t, s, s.roleARN()) },
			writer + "runs as arn:aws:iam::123456789012:role/tamper-other-role, the template says "},
		{"the writer invocable by anyone", func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: s.writer(), StatementId: aws.String("open"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: s.writer(), StatementId: aws.String("open")})
			check(t, err)
		}, writer + "resource policy allows more than the template: open: nothing in the other policy allows * lambda:InvokeFunction on arn:aws:lambda:us-east-1:123456789012:function:"},
		{"a public function URL on the writer", func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: s.writer(), AuthType: lambdatypes.FunctionUrlAuthTypeNone})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: s.writer()})
			check(t, err)
		}, "has AuthType NONE, the template makes none: Lambda does not authenticate who calls it"},
		{"the writer's code replaced", func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: s.writer(), ZipFile: otherCode(t)})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			bucket, key := s.artifact(t)
			_, err := s.lambda.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: s.writer(), S3Bucket: &bucket, S3Key: &key})
			check(t, err)
		}, writer + "runs code whose CodeSha256 is "},
		{"a version published by hand", func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: s.writer()})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: s.writer(), Qualifier: aws.String("1")})
			check(t, err)
		}, writer + "version 1, which the template does not make, runs code "},
		{"an alias the template does not make", func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: s.writer(), Name: aws.String("live"), FunctionVersion: aws.String("$LATEST")})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: s.writer(), Name: aws.String("live")})
			check(t, err)
		}, writer + "alias live, which the template does not make, points at version $LATEST"},
		{"an event source mapping the template does not make", func(t *testing.T, s *deployedStack) {
			mapping, err := s.lambda.CreateEventSourceMapping(ctx, &lambda.CreateEventSourceMappingInput{FunctionName: s.writer(), EventSourceArn: aws.String(s.otherStream(t)), StartingPosition: lambdatypes.EventSourcePositionLatest})
			check(t, err)
			s.mapping = aws.ToString(mapping.UUID)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: &s.mapping})
			check(t, err)
		}, ", which the template does not make, invokes arn:aws:lambda:us-east-1:123456789012:function:"},
		{"a function outside the stack run as the writer's role", func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("tamper-intruder"), Role: aws.String(s.roleARN()),
				Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Code: &lambdatypes.FunctionCode{ZipFile: otherCode(t)}})
			check(t, err)
		}, func(t *testing.T, s *deployedStack) {
			_, err := s.lambda.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("tamper-intruder")})
			check(t, err)
		}, role + "functions outside the stack run as it in us-east-1: arn:aws:lambda:us-east-1:123456789012:function:tamper-intruder"},
	})
}

// The production profile promises deletion protection and point-in-time
// recovery; turning either off, or shortening the recovery period, after
// deployment fails.
func TestATamperedProductionStackFailsNamingTheTamperingAndARestoredOnePasses(t *testing.T) {
	src, err := os.ReadFile("../../golden/production.yaml")
	check(t, err)
	s := deploy(t, templateBesideBuild(t, src), "verify-tamper-production")
	table := aws.String(s.physical["DynamoDbTable"])
	ctx := context.Background()
	protect := func(on bool) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.dynamodb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: table, DeletionProtectionEnabled: &on})
			check(t, err)
		}
	}
	recovery := func(on bool, days int32) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			spec := &dbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: &on}
			if on {
				spec.RecoveryPeriodInDays = &days
			}
			_, err := s.dynamodb.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: table, PointInTimeRecoverySpecification: spec})
			check(t, err)
		}
	}
	const fail = "FAIL table DynamoDbTable: "
	proveEach(t, s, []tampering{
		{"deletion protection turned off", protect(false), protect(true), fail + "deletion protection is off, the template sets it on"},
		{"point-in-time recovery turned off", recovery(false, 0), recovery(true, 35), fail + "point-in-time recovery is off, the template sets it on, keeping 35 days"},
		{"a shorter recovery period", recovery(true, 7), recovery(true, 35), fail + "point-in-time recovery is on, keeping 7 days, the template sets 35"},
	})
}

// tampering is one way of tampering with a deployed stack, its undoing,
// and a line verify must print, failing, while it lasts.
type tampering struct {
	name    string
	tamper  func(*testing.T, *deployedStack)
	restore func(*testing.T, *deployedStack)
	want    string
}

// proveEach requires the stack to pass as deployed, then each tampering to
// fail with its line, and the stack to pass again once it is undone.
func proveEach(t *testing.T, s *deployedStack, tamperings []tampering) {
	t.Helper()
	if code, out := verifyStack(t, s.name); code != exitOK {
		t.Fatalf("the stack as deployed: exit %d, want %d:\n%s", code, exitOK, out)
	}
	for _, tt := range tamperings {
		t.Run(tt.name, func(t *testing.T) {
			tt.tamper(t, s)
			code, out := verifyStack(t, s.name)
			tt.restore(t, s)
			if code != exitFailed || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with a line saying\n%s\ngot:\n%s", code, exitFailed, tt.want, out)
			}
			if code, out := verifyStack(t, s.name); code != exitOK {
				t.Fatalf("restored: exit %d, want %d:\n%s", code, exitOK, out)
			}
		})
	}
}

const adminAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// defaultStack is sam.yaml deployed, shared by the tests that leave it as
// they found it.
const defaultStack = "verify-default"

// Behind a proxy that sheds load far below verify's own bound, 2 requests
// in flight per service where verify sends up to 8, the SDK's retryer sends
// each shed request again, and the lines are the same, byte for byte.
func TestShedRequestsAreRetriedAndTheLinesStayTheSame(t *testing.T) {
	s := deploy(t, "../../sam.yaml", defaultStack)
	code, direct := verifyStack(t, s.name)
	proxy, endpoint := newAccountProxy(t, motoEndpoint(t), 0, 2)
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	shedCode, shed := verifyStack(t, s.name)
	if proxy.shed.Load() == 0 {
		t.Fatal("the proxy shed no request: nothing was retried")
	}
	t.Logf("the proxy shed %d of %d requests", proxy.shed.Load(), proxy.requests.Load())
	if shedCode != code || shed != direct {
		t.Errorf("with %d of %d requests shed: exit %d, want %d, lines:\n%s\nwant:\n%s", proxy.shed.Load(), proxy.requests.Load(), shedCode, code, shed, direct)
	}
}

func verifyStack(t testing.TB, stack string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-emulator", "-stack", stack}, &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

// deploy deploys template to moto as stack, as `make deploy` would deploy it
// to AWS, unless the stack is there already: tests that undo what they
// change share one.
func deploy(t testing.TB, template, stack string) *deployedStack {
	t.Helper()
	endpoint := motoEndpoint(t)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "BUCKET": "verify-tamper-artifacts",
	} {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_PROFILE", "") // restored after the test; a profile of the shell must not apply
	os.Unsetenv("AWS_PROFILE")
	if _, err := os.Stat("../../build/writer-arm64/bootstrap"); err != nil {
		t.Fatalf("the writer is not built (run make build, or make test): %v", err)
	}
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	check(t, err)
	s := &deployedStack{
		name: stack, cloudformation: cloudformation.NewFromConfig(cfg),
		kms: kms.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg), dynamodb: dynamodb.NewFromConfig(cfg), lambda: lambda.NewFromConfig(cfg),
		autoscaling: applicationautoscaling.NewFromConfig(cfg),
		physical:    map[string]string{},
	}
	if _, err := s.cloudformation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &stack}); err != nil {
		if exec.Command("aws", "s3api", "head-bucket", "--bucket", os.Getenv("BUCKET")).Run() != nil {
			if out, err := exec.Command("aws", "s3api", "create-bucket", "--bucket", os.Getenv("BUCKET")).CombinedOutput(); err != nil {
				t.Fatalf("create the bucket: %v\n%s", err, out)
			}
		}
		if out, err := exec.Command("../../scripts/deploy", template, stack).CombinedOutput(); err != nil {
			t.Fatalf("scripts/deploy %s: %v\n%s", template, err, out)
		}
	}
	pages := cloudformation.NewListStackResourcesPaginator(s.cloudformation, &cloudformation.ListStackResourcesInput{StackName: &stack})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		check(t, err)
		for _, r := range page.StackResourceSummaries {
			s.physical[*r.LogicalResourceId] = *r.PhysicalResourceId
		}
	}
	return s
}

// readKey keeps the ARN and the policy of the stack's key, to restore them.
func (s *deployedStack) readKey(t *testing.T, logicalID string) {
	t.Helper()
	ctx := context.Background()
	key, err := s.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(s.physical[logicalID])})
	check(t, err)
	s.keyARN = *key.KeyMetadata.Arn
	policy, err := s.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &s.keyARN, PolicyName: aws.String("default")})
	check(t, err)
	s.keyPolicy = *policy.Policy
}

// motoEndpoint is moto's endpoint; without it the test is skipped, except in
// CI, where a skipped end-to-end test would hide a broken setup.
func motoEndpoint(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: skipped under -short")
	}
	endpoint := os.Getenv("MOTO_ENDPOINT")
	if endpoint == "" {
		const msg = "end-to-end: MOTO_ENDPOINT must be set; run `make test`, or `make build && scripts/with-moto go test ./cmd/verify`"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return endpoint
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func keyPolicyEdit(edit func(string) string) func(*testing.T, *deployedStack) {
	return func(t *testing.T, s *deployedStack) {
		edited := edit(s.keyPolicy)
		if edited == s.keyPolicy || !json.Valid([]byte(edited)) {
			t.Fatalf("the edit left the policy as it was, or broke its JSON:\n%s", edited)
		}
		putKeyPolicy(t, s, edited)
	}
}

func restoreKeyPolicy(t *testing.T, s *deployedStack) { putKeyPolicy(t, s, s.keyPolicy) }

func putKeyPolicy(t *testing.T, s *deployedStack, policy string) {
	t.Helper()
	_, err := s.kms.PutKeyPolicy(context.Background(), &kms.PutKeyPolicyInput{KeyId: &s.keyARN, PolicyName: aws.String("default"), Policy: &policy})
	check(t, err)
}

func putRolePolicy(t *testing.T, s *deployedStack, name, doc string) {
	t.Helper()
	_, err := s.iam.PutRolePolicy(context.Background(), &iam.PutRolePolicyInput{
		RoleName: aws.String(s.physical["DynamoDbWriteFunctionRole"]), PolicyName: &name, PolicyDocument: &doc,
	})
	check(t, err)
}

func trustPolicy(principal string) func(*testing.T, *deployedStack) {
	return func(t *testing.T, s *deployedStack) {
		doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": ` + principal + `, "Action": "sts:AssumeRole"}]}`
		_, err := s.iam.UpdateAssumeRolePolicy(context.Background(), &iam.UpdateAssumeRolePolicyInput{
			RoleName: aws.String(s.physical["DynamoDbWriteFunctionRole"]), PolicyDocument: &doc,
		})
		check(t, err)
	}
}

// recreateTable deletes the stack's table and creates it again under the same
// name, encrypted with key: moto's UpdateTable leaves SSE as it was.
func recreateTable(t *testing.T, s *deployedStack, key *string) {
	t.Helper()
	ctx, name := context.Background(), aws.String(s.physical["DynamoDbTable"])
	_, err := s.dynamodb.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: name})
	check(t, err)
	_, err = s.dynamodb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            name,
		AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: dbtypes.ScalarAttributeTypeS}},
		KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: dbtypes.KeyTypeHash}},
		BillingMode:          dbtypes.BillingModePayPerRequest,
		SSESpecification:     &dbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: dbtypes.SSETypeKms, KMSMasterKeyId: key},
	})
	check(t, err)
}

// setEnv sets a variable of the writer's environment; "" unsets it.
func setEnv(t *testing.T, s *deployedStack, name, value string) {
	t.Helper()
	ctx, fn := context.Background(), aws.String(s.physical["DynamoDbWriteFunction"])
	current, err := s.lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: fn})
	check(t, err)
	vars := current.Environment.Variables
	vars[name] = value
	if value == "" {
		delete(vars, name)
	}
	_, err = s.lambda.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: fn, Environment: &lambdatypes.Environment{Variables: vars}})
	check(t, err)
}

// runAs makes the writer run as role.
func runAs(t *testing.T, s *deployedStack, role string) {
	t.Helper()
	_, err := s.lambda.UpdateFunctionConfiguration(context.Background(), &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String(s.physical["DynamoDbWriteFunction"]), Role: &role,
	})
	check(t, err)
}
