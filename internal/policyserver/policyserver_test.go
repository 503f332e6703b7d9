package policyserver

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
)

const stream = "arn:aws:dynamodb:us-east-1:123456789012:table/e2e-teams-OrdersTable-1A2B3C4D5E6F/stream/2026-12-02T17:02:24.559"

// The server refuses what the API reference says DynamoDB refuses: it is
// not a server that takes anything.
func TestTheServerRefusesWhatDynamoDBRefuses(t *testing.T) {
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%s},"Action":"dynamodb:GetRecords","Resource":"*"}]}`
	tests := []struct {
		name, stream, policy, revision, code string
	}{
		{"a stream it does not know", stream + "x", strings.Replace(grant, "%s", `"arn:aws:iam::123456789012:role/a"`, 1), "", "ResourceNotFoundException"},
		{"a policy over 20 KB", stream, strings.Replace(grant, "%s", `"arn:aws:iam::123456789012:role/a"`+strings.Repeat(" ", MaxPolicyBytes), 1), "", "ValidationException"},
		{"a policy that is not JSON", stream, "{", "", "ValidationException"},
		{"public access", stream, strings.Replace(grant, "%s", `"*"`, 1), "", "ValidationException"},
		{"a revision that is not the policy's", stream, strings.Replace(grant, "%s", `"arn:aws:iam::123456789012:role/a"`, 1), "0123", "PolicyNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, stop := Start(stream)
			defer stop()
			in := &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tt.stream), Policy: aws.String(tt.policy)}
			if tt.revision != "" {
				in.ExpectedRevisionId = aws.String(tt.revision)
			}
			_, err := client.PutResourcePolicy(context.Background(), in)
			if apiErr, ok := errors.AsType[smithy.APIError](err); !ok || apiErr.ErrorCode() != tt.code {
				t.Errorf("error %v, want %s", err, tt.code)
			}
		})
	}
}

// A policy put is given back with the same revision it was put with, and
// once deleted there is none: PolicyNotFoundException, as for a resource
// that never had one.
func TestAPolicyPutIsGivenBackUntilDeleted(t *testing.T) {
	client, stop := Start(stream)
	defer stop()
	ctx, arn := context.Background(), aws.String(stream)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/a"},"Action":"dynamodb:GetRecords","Resource":"*"}]}`
	put, err := client.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: arn, Policy: &policy, ExpectedRevisionId: aws.String("NO_POLICY")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: arn})
	if err != nil || aws.ToString(got.Policy) != policy || aws.ToString(got.RevisionId) != aws.ToString(put.RevisionId) {
		t.Fatalf("GetResourcePolicy = %v, %v; want the policy put, revision %s", got, err, aws.ToString(put.RevisionId))
	}
	if _, err := client.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: arn}); err != nil {
		t.Fatal(err)
	}
	_, err = client.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: arn})
	if apiErr, ok := errors.AsType[smithy.APIError](err); !ok || apiErr.ErrorCode() != "PolicyNotFoundException" {
		t.Errorf("after DeleteResourcePolicy: error %v, want PolicyNotFoundException", err)
	}
}
