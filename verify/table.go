package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
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
