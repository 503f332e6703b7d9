package verify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

// tableSSE checks that the table is encrypted with the key the template
// gave it, and that the key belongs to the stack.
func (v Verifier) tableSSE(ctx context.Context, s *stack, table string) Line {
	subject := "table " + table
	keyID, ok := cfn.RefTarget(s.resource(table).Prop("SSESpecification", "KMSMasterKeyId"))
	keyPhysical, inStack := s.physical[keyID]
	if !ok || !inStack {
		return Line{Fail, subject, "the template does not encrypt it with a key of the stack"}
	}
	out, err := v.describeTable(ctx, s, s.physical[table])
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
	case !isKey(arn, keyPhysical):
		return Line{Fail, subject, fmt.Sprintf("encrypted with %s, not the stack's key %s (%s)", arn, keyID, keyPhysical)}
	}
	return Line{Pass, subject, fmt.Sprintf("SSE ENABLED, type KMS, with the stack's key %s", keyID)}
}

// tablePolicies compares the resource policies of the table and of its
// stream with the template's: one the template does not give, a wider one
// or a narrower one fails. A stream's policy can let another account read
// every item written, in plain text.
func (v Verifier) tablePolicies(ctx context.Context, s *stack, table string) []Line {
	subject := "table " + table
	arn, err := v.attribute(ctx, s, "AWS::DynamoDB::Table", s.physical[table], "Arn")
	if err == nil && arn == "" {
		err = errors.New("DescribeTable gave no ARN")
	}
	if err != nil {
		return []Line{v.unanswered(subject, "resource policy", err)}
	}
	lines := v.resourcePolicy(ctx, s, subject, "resource policy", arn, s.resource(table).Prop("ResourcePolicy", "PolicyDocument"))
	stream, err := v.attribute(ctx, s, "AWS::DynamoDB::Table", s.physical[table], "StreamArn")
	if err != nil {
		return append(lines, v.unanswered(subject, "stream resource policy", err))
	}
	if stream == "" {
		return lines
	}
	return append(lines, v.resourcePolicy(ctx, s, subject, "stream resource policy", stream, s.resource(table).Prop("StreamSpecification", "ResourcePolicy", "PolicyDocument"))...)
}

// resourcePolicy compares the resource policy DynamoDB holds for arn with
// the template's document, nil for none.
func (v Verifier) resourcePolicy(ctx context.Context, s *stack, subject, what, arn string, doc any) []Line {
	promised := cfn.PolicyDocument{}
	if doc != nil {
		var err error
		if promised, err = s.promisedPolicy(doc); err != nil {
			return []Line{unresolved(subject, "the template's "+what, err)}
		}
	}
	deployed := cfn.PolicyDocument{}
	out, err := v.DynamoDB.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: &arn})
	var none *dbtypes.PolicyNotFoundException
	switch {
	case errors.As(err, &none):
	case err != nil:
		return []Line{v.unanswered(subject, what, fmt.Errorf("GetResourcePolicy: %w", err))}
	default:
		if deployed, err = cfn.ReadPolicy(aws.ToString(out.Policy)); err != nil {
			return []Line{{Fail, subject, "deployed " + what + ": " + err.Error()}}
		}
	}
	if lines := policyLines(subject, what, deployed, promised); len(lines) > 0 {
		return lines
	}
	if len(promised.Statement) == 0 {
		return []Line{{Pass, subject, "no " + what + ", as the template gives none"}}
	}
	return []Line{{Pass, subject, what + " as the template promised (" + sids(promised) + ")"}}
}

// isKey reports whether arn names the key whose id is keyID: the key's ARN,
// or the id itself, as moto echoes a key id given by !Ref. Key ids are
// unique, so no other key's ARN ends in this one's.
func isKey(arn, keyID string) bool {
	return arn == keyID || strings.HasSuffix(arn, ":key/"+keyID)
}

// deletionProtection compares the table's deletion protection with the
// template's: off where the template turns it on fails; on where the
// template leaves it off is stronger, and said.
func (v Verifier) deletionProtection(ctx context.Context, s *stack, table string) Line {
	subject := "table " + table
	promised, err := s.flag(s.resource(table).Prop("DeletionProtectionEnabled"))
	if err != nil {
		return unresolved(subject, "the template's deletion protection", err)
	}
	out, err := v.describeTable(ctx, s, s.physical[table])
	if err == nil && (out.Table == nil || out.Table.DeletionProtectionEnabled == nil) {
		err = errors.New("no DeletionProtectionEnabled in the answer")
	}
	if err != nil {
		return v.unanswered(subject, "deletion protection", fmt.Errorf("DescribeTable: %w", err))
	}
	return protection(subject, "deletion protection", *out.Table.DeletionProtectionEnabled, promised, "on", "on")
}

// pointInTimeRecovery compares the table's point-in-time recovery and its
// recovery period with the template's: off, or a shorter period, fails; on
// where the template leaves it off, or a longer period, is stronger, and
// said.
func (v Verifier) pointInTimeRecovery(ctx context.Context, s *stack, table string) Line {
	subject := "table " + table
	spec := s.resource(table).Prop("PointInTimeRecoverySpecification")
	promised, err := s.flag(cfn.At(spec, "PointInTimeRecoveryEnabled"))
	if err != nil {
		return unresolved(subject, "the template's point-in-time recovery", err)
	}
	period, err := s.days(cfn.At(spec, "RecoveryPeriodInDays"), contract.DefaultRecoveryPeriodDays)
	if err != nil {
		return unresolved(subject, "the template's recovery period", err)
	}
	out, err := v.DynamoDB.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(s.physical[table])})
	if err == nil && (out.ContinuousBackupsDescription == nil || out.ContinuousBackupsDescription.PointInTimeRecoveryDescription == nil) {
		err = errors.New("no PointInTimeRecoveryDescription in the answer")
	}
	if err != nil {
		return v.unanswered(subject, "point-in-time recovery", fmt.Errorf("DescribeContinuousBackups: %w", err))
	}
	deployed := out.ContinuousBackupsDescription.PointInTimeRecoveryDescription
	on := deployed.PointInTimeRecoveryStatus == dbtypes.PointInTimeRecoveryStatusEnabled
	got := "on"
	if deployed.RecoveryPeriodInDays != nil {
		got = fmt.Sprintf("on, keeping %d days", *deployed.RecoveryPeriodInDays)
	}
	if !on || !promised {
		return protection(subject, "point-in-time recovery", on, promised, got, fmt.Sprintf("on, keeping %d days", period))
	}
	if deployed.RecoveryPeriodInDays == nil {
		return v.unanswered(subject, "point-in-time recovery is on; its recovery period", errors.New("DescribeContinuousBackups gave no RecoveryPeriodInDays"))
	}
	switch days := int(*deployed.RecoveryPeriodInDays); {
	case days < period:
		return Line{Fail, subject, fmt.Sprintf("point-in-time recovery is %s, the template sets %d: writes older than that cannot be undone", got, period)}
	case days > period:
		return Line{Pass, subject, fmt.Sprintf("point-in-time recovery is %s, longer than the template's %d", got, period)}
	}
	return Line{Pass, subject, "point-in-time recovery is " + got + ", as the template sets it"}
}

// protection judges a protection that is on or off against the template's:
// off where the template turns it on fails, on where the template leaves it
// off is stronger, and said. got and want say how it is on, deployed and
// in the template.
func protection(subject, what string, on, promised bool, got, want string) Line {
	switch {
	case promised && !on:
		return Line{Fail, subject, fmt.Sprintf("%s is off, the template sets it %s", what, want)}
	case on && !promised:
		return Line{Pass, subject, fmt.Sprintf("%s is %s, stronger than the template, which leaves it off", what, got)}
	case on:
		return Line{Pass, subject, fmt.Sprintf("%s is %s, as the template sets it", what, want)}
	}
	return Line{Pass, subject, what + " is off, as the template leaves it"}
}

// flag resolves a boolean property of the template; absent is false.
func (s *stack) flag(v any) (bool, error) {
	resolved, err := s.resolve(v)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(cfn.Text(resolved)) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", cfn.Text(resolved))
}

// days resolves a property of the template that counts days; absent is
// otherwise.
func (s *stack) days(v any, otherwise int) (int, error) {
	resolved, err := s.resolve(v)
	if err != nil || resolved == nil {
		return otherwise, err
	}
	n, err := strconv.Atoi(cfn.Text(resolved))
	if err != nil {
		return 0, fmt.Errorf("%q is not a number of days", cfn.Text(resolved))
	}
	return n, nil
}
