package verify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

func (v Verifier) keyState(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	out, err := v.describeKey(ctx, s, s.physical[key])
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
	period, err := s.resolve(s.resource(key).Prop("RotationPeriodInDays"))
	if err != nil {
		return unresolved(subject, "the template's rotation period", err)
	}
	promised := float64(contract.DefaultRotationPeriodDays)
	if period != nil {
		if promised, err = strconv.ParseFloat(cfn.Text(period), 64); err != nil {
			return unresolved(subject, "the template's rotation period", fmt.Errorf("%q is not a number of days", cfn.Text(period)))
		}
	}
	switch {
	case out.RotationPeriodInDays == nil:
		return v.unanswered(subject, "rotation on; its period", errors.New("GetKeyRotationStatus returned no RotationPeriodInDays"))
	case float64(*out.RotationPeriodInDays) != promised:
		return Line{Fail, subject, fmt.Sprintf("rotation on every %d days, the template says %g", *out.RotationPeriodInDays, promised)}
	}
	return Line{Pass, subject, fmt.Sprintf("rotation on, every %d days", *out.RotationPeriodInDays)}
}

// keyPolicy compares the deployed key policy with the template's, both ways,
// and runs gen check's key rules on what is deployed.
func (v Verifier) keyPolicy(ctx context.Context, s *stack, key string) []Line {
	subject := "key " + key
	promised, err := s.promisedKeyPolicy(key)
	if err != nil {
		return []Line{unresolved(subject, "the template's key policy", err)}
	}
	out, err := v.KMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(s.physical[key]), PolicyName: aws.String("default")})
	if err != nil {
		return []Line{v.unanswered(subject, "key policy", fmt.Errorf("GetKeyPolicy: %w", err))}
	}
	deployed, err := cfn.ReadPolicy(aws.ToString(out.Policy))
	if err != nil {
		return []Line{{Fail, subject, "deployed key policy: " + err.Error()}}
	}
	lines := policyLines(subject, "key policy", deployed, promised)
	for _, f := range check.KeyPolicy(key, aws.ToString(out.Policy), s.checkOptions()) {
		if f.Severity == check.Error {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("deployed key policy: gen check %s: %s", f.Rule, f.Message)})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, "key policy as the template promised (" + sids(promised) + "), and gen check's key rules pass"}}
}

// keyGrants checks that no one holds a grant on the key but DynamoDB, which
// makes its own for the tables the key encrypts: a grant gives its grantee
// the key whatever the key policy says, and a template cannot declare one.
func (v Verifier) keyGrants(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	region := s.values.Pseudo["AWS::Region"]
	var dynamoDB, others []string
	pages := kms.NewListGrantsPaginator(v.KMS, &kms.ListGrantsInput{KeyId: aws.String(s.physical[key])})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return v.unanswered(subject, "grants", fmt.Errorf("ListGrants: %w", err))
		}
		for _, g := range page.Grants {
			switch grantee := aws.ToString(g.GranteePrincipal); grantee {
			case "dynamodb.amazonaws.com", "dynamodb." + region + ".amazonaws.com":
				dynamoDB = append(dynamoDB, aws.ToString(g.GrantId))
			default:
				others = append(others, fmt.Sprintf("%s lets %s %v", aws.ToString(g.GrantId), grantee, g.Operations))
			}
		}
	}
	if len(others) > 0 {
		return Line{Fail, subject, "grants the template does not make: " + strings.Join(others, "; ")}
	}
	return Line{Pass, subject, fmt.Sprintf("no grant but DynamoDB's (%d)", len(dynamoDB))}
}

// promisedKeyPolicy is the template's key policy, resolved; a key without
// one gets KMS's default, which lets the account root, and so IAM, manage
// and use it.
func (s *stack) promisedKeyPolicy(key string) (cfn.PolicyDocument, error) {
	doc, ok := s.resource(key).Properties["KeyPolicy"]
	if !ok {
		root := fmt.Sprintf("arn:%s:iam::%s:root", s.values.Pseudo["AWS::Partition"], s.values.Pseudo["AWS::AccountId"])
		return cfn.PolicyDocument{Version: cfn.PolicyVersion, Statement: []cfn.Statement{{
			Sid: "Enable IAM User Permissions", Effect: cfn.Allow, Principal: map[string]any{"AWS": root}, Action: "kms:*", Resource: "*",
		}}}, nil
	}
	return s.promisedPolicy(doc)
}
