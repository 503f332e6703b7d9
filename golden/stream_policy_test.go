package golden

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/internal/policyserver"
)

const testStream = "arn:aws:dynamodb:us-east-1:123456789012:table/e2e-teams-OrdersTable-1A2B3C4D5E6F/stream/2026-12-02T17:02:24.559"

// Every stream policy a golden gives is one DynamoDB takes for the stream,
// as CloudFormation sends it (the document as JSON), and reads back as the
// same policy; each of its statements takes effect on the stream, since a
// statement's Resource must match the ARN of the resource it is attached
// to. policyserver answers as the API reference documents: moto 5.2.1
// cannot attach a policy to a stream.
func TestEveryGoldenStreamPolicyIsOneDynamoDBTakesAndGivesBack(t *testing.T) {
	proven := 0
	for _, c := range configurations {
		for _, table := range parseGolden(t, c.golden).Resources("AWS::DynamoDB::Table") {
			doc := table.Prop("StreamSpecification", "ResourcePolicy", "PolicyDocument")
			if doc == nil {
				continue
			}
			proven++
			t.Run(c.golden+"/"+table.ID, func(t *testing.T) {
				promised, err := cfn.ReadPolicy(doc)
				if err != nil {
					t.Fatal(err)
				}
				sent, err := json.Marshal(doc)
				if err != nil {
					t.Fatal(err)
				}
				client, stop := policyserver.Start(testStream)
				defer stop()
				ctx := context.Background()
				if _, err := client.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(testStream), Policy: aws.String(string(sent))}); err != nil {
					t.Fatalf("PutResourcePolicy: %v", err)
				}
				out, err := client.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(testStream)})
				if err != nil {
					t.Fatalf("GetResourcePolicy: %v", err)
				}
				held, err := cfn.ReadPolicy(aws.ToString(out.Policy))
				if err != nil {
					t.Fatal(err)
				}
				if excess := append(cfn.Broader(held, promised), cfn.Broader(promised, held)...); len(excess) > 0 {
					t.Errorf("the stream holds another policy than the template's: %v", excess)
				}
				for _, s := range held.Statement {
					if !slices.ContainsFunc(s.Resources(), func(r string) bool { return cfn.Covers(r, testStream) }) {
						t.Errorf("%s: Resource %v does not match the stream's ARN: the statement would not take effect", s.Sid, s.Resources())
					}
				}
			})
		}
	}
	if proven == 0 {
		t.Error("no golden has a stream policy")
	}
}
