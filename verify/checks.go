package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/dynamodb-sse-cmk/stack/check"
)

// tableSSE checks that the table is encrypted with the key the template
// gave it, and that the key belongs to the stack.
func (v Verifier) tableSSE(ctx context.Context, s *stack, table string) Line {
	subject := "table " + table
	sseSpec, _ := s.properties(table)["SSESpecification"].(map[string]any)
	keyID, ok := check.Reference(sseSpec["KMSMasterKeyId"])
	keyPhysical, inStack := s.physical[keyID]
	if !ok || !inStack {
		return Line{Fail, subject, "the template does not encrypt it with a key of the stack"}
	}
	out, err := v.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(s.physical[table])})
	if err != nil {
		return Line{Fail, subject, fmt.Sprintf("DescribeTable: %v", err)}
	}
	if out.Table == nil {
		return Line{Fail, subject, "DescribeTable returned no table"}
	}
	sse := out.Table.SSEDescription
	if sse == nil {
		return v.unanswered(subject, "SSE", errors.New("DescribeTable returned no SSEDescription (moto drops it for tables created through CloudFormation; on AWS it means an AWS owned key)"))
	}
	arn := aws.ToString(sse.KMSMasterKeyArn)
	switch {
	case sse.Status != dbtypes.SSEStatusEnabled:
		return Line{Fail, subject, fmt.Sprintf("SSE is %s, not ENABLED", sse.Status)}
	case sse.SSEType != dbtypes.SSETypeKms:
		return Line{Fail, subject, fmt.Sprintf("SSE type is %s, not KMS", sse.SSEType)}
	case arn != keyPhysical && !strings.HasSuffix(arn, ":key/"+keyPhysical): // moto echoes a key id given by !Ref
		return Line{Fail, subject, fmt.Sprintf("encrypted with %s, not the stack's key %s (%s)", arn, keyID, keyPhysical)}
	}
	return Line{Pass, subject, fmt.Sprintf("SSE ENABLED, type KMS, with the stack's key %s", keyID)}
}

func (v Verifier) keyState(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	out, err := v.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(s.physical[key])})
	if err != nil {
		return v.unanswered(subject, "state", fmt.Errorf("DescribeKey: %w", err))
	}
	if out.KeyMetadata == nil {
		return Line{Fail, subject, "DescribeKey returned no metadata"}
	}
	if out.KeyMetadata.KeyState != kmstypes.KeyStateEnabled {
		return Line{Fail, subject, fmt.Sprintf("state is %s, not Enabled: its tables become inaccessible", out.KeyMetadata.KeyState)}
	}
	return Line{Pass, subject, "Enabled"}
}

func (v Verifier) keyRotation(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	out, err := v.KMS.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(s.physical[key])})
	if err != nil {
		return v.unanswered(subject, "rotation", fmt.Errorf("GetKeyRotationStatus: %w", err))
	}
	if !out.KeyRotationEnabled {
		return Line{Fail, subject, "rotation is off"}
	}
	promised, promisesPeriod := s.properties(key)["RotationPeriodInDays"].(float64)
	switch {
	case out.RotationPeriodInDays == nil && promisesPeriod:
		return v.unanswered(subject, "rotation on; its period", errors.New("GetKeyRotationStatus returned no RotationPeriodInDays"))
	case out.RotationPeriodInDays == nil:
		return Line{Pass, subject, "rotation on"}
	case promisesPeriod && int32(promised) != *out.RotationPeriodInDays:
		return Line{Fail, subject, fmt.Sprintf("rotation on every %d days, the template says %g", *out.RotationPeriodInDays, promised)}
	}
	return Line{Pass, subject, fmt.Sprintf("rotation on, every %d days", *out.RotationPeriodInDays)}
}

func (v Verifier) keyPolicy(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	promised := check.PolicyStatements(s.properties(key)["KeyPolicy"])
	if len(promised) == 0 {
		return Line{Fail, subject, "the template's key policy has no statements to compare with"}
	}
	out, err := v.KMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(s.physical[key]), PolicyName: aws.String("default")})
	if err != nil {
		return v.unanswered(subject, "key policy", fmt.Errorf("GetKeyPolicy: %w", err))
	}
	deployed := check.PolicyStatements(aws.ToString(out.Policy))
	var missing, names []string
	for i, want := range promised {
		name := want.Sid
		if name == "" {
			name = fmt.Sprintf("statement %d", i+1)
		}
		names = append(names, name)
		if !slices.ContainsFunc(deployed, func(got check.Statement) bool { return sameGrant(got, want) }) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return Line{Fail, subject, "key policy lacks the promised " + strings.Join(missing, ", ")}
	}
	return Line{Pass, subject, "key policy holds " + strings.Join(names, ", ")}
}

// sameGrant compares what verify can compare of a statement across the
// template and the deployed policy, where intrinsics have become values:
// its Sid, effect and actions.
func sameGrant(a, b check.Statement) bool {
	return a.Sid == b.Sid && a.Effect == b.Effect && slices.Equal(slices.Sorted(slices.Values(a.Actions)), slices.Sorted(slices.Values(b.Actions)))
}

// writerTable checks that a writer's TABLE_NAME is the table the template
// pointed it at. Functions without TABLE_NAME in the template are not
// writers.
func (v Verifier) writerTable(ctx context.Context, s *stack, fn string) (Line, bool) {
	subject := "writer " + fn
	env, _ := s.properties(fn)["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	table, ok := check.Reference(vars["TABLE_NAME"])
	if !ok {
		return Line{}, false
	}
	out, err := v.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(s.physical[fn])})
	if err != nil {
		return Line{Fail, subject, fmt.Sprintf("GetFunctionConfiguration: %v", err)}, true
	}
	var got string
	if out.Environment != nil {
		got = out.Environment.Variables["TABLE_NAME"]
	}
	if got == "" || got != s.physical[table] {
		return Line{Fail, subject, fmt.Sprintf("TABLE_NAME is %q, not %s's name %q", got, table, s.physical[table])}, true
	}
	return Line{Pass, subject, fmt.Sprintf("TABLE_NAME names %s (%s)", table, got)}, true
}
