package golden

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// streamPolicies answers DynamoDB's PutResourcePolicy and GetResourcePolicy
// for the streams it knows, as the DynamoDB API reference documents them:
// moto 5.2.1 cannot attach a policy to a stream, so the goldens' stream
// policies are proven here. It refuses a stream it does not know
// (ResourceNotFoundException), a document that is not JSON or is over 20 KB,
// whitespace counted (ValidationException), one that grants public access,
// which block public access refuses (ValidationException), and a stale
// ExpectedRevisionId, NO_POLICY included (PolicyNotFoundException); it gives
// a policy back with its RevisionId, or PolicyNotFoundException.
type streamPolicies struct {
	mu       sync.Mutex
	streams  map[string]bool
	policies map[string]string
}

const maxResourcePolicyBytes = 20 * 1024

func (s *streamPolicies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ ResourceArn, Policy, ExpectedRevisionId string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, "SerializationException", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.streams[in.ResourceArn] {
		apiError(w, "ResourceNotFoundException", "Requested resource not found: "+in.ResourceArn)
		return
	}
	current, exists := s.policies[in.ResourceArn]
	switch strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.") {
	case "GetResourcePolicy":
		if !exists {
			apiError(w, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn")
			return
		}
		answer(w, map[string]string{"Policy": current, "RevisionId": revision(current)})
	case "PutResourcePolicy":
		switch {
		case len(in.Policy) > maxResourcePolicyBytes:
			apiError(w, "ValidationException", "the policy is over 20 KB")
		case !json.Valid([]byte(in.Policy)):
			apiError(w, "ValidationException", "the policy is not JSON")
		case grantsPublicAccess(in.Policy):
			apiError(w, "ValidationException", "block public access: the policy grants public access")
		case in.ExpectedRevisionId != "" && (in.ExpectedRevisionId == "NO_POLICY") == exists,
			in.ExpectedRevisionId != "" && in.ExpectedRevisionId != "NO_POLICY" && in.ExpectedRevisionId != revision(current):
			apiError(w, "PolicyNotFoundException", "the ExpectedRevisionId does not match the policy's")
		default:
			s.policies[in.ResourceArn] = in.Policy
			answer(w, map[string]string{"RevisionId": revision(in.Policy)})
		}
	default:
		apiError(w, "UnknownOperationException", r.Header.Get("X-Amz-Target"))
	}
}

// grantsPublicAccess says whether an Allow statement names the * principal
// without a condition.
func grantsPublicAccess(policy string) bool {
	doc, err := cfn.ReadPolicy(policy)
	if err != nil {
		return false
	}
	for _, s := range doc.Statement {
		for _, p := range s.Principals() {
			if s.Effect == cfn.Allow && p == cfn.Anyone && len(s.Condition) == 0 {
				return true
			}
		}
	}
	return false
}

// revision is the same for the same document: PutResourcePolicy is
// idempotent.
func revision(policy string) string {
	sum := sha256.Sum256([]byte(policy))
	return hex.EncodeToString(sum[:8])
}

func answer(w http.ResponseWriter, body any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(body)
}

func apiError(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.dynamodb.v20120810#" + code, "message": message})
}

// streamPolicyClient is the SDK's DynamoDB client against a streamPolicies
// that knows stream.
func streamPolicyClient(t *testing.T, stream string) *dynamodb.Client {
	t.Helper()
	server := httptest.NewServer(&streamPolicies{streams: map[string]bool{stream: true}, policies: map[string]string{}})
	t.Cleanup(server.Close)
	return dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(server.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
		}),
	})
}

const testStream = "arn:aws:dynamodb:us-east-1:123456789012:table/e2e-teams-OrdersTable-1A2B3C4D5E6F/stream/2026-12-02T17:02:24.559"

// Every stream policy a golden gives is one DynamoDB takes for the stream,
// as CloudFormation sends it (the document as JSON), and reads back as the
// same policy; each of its statements takes effect on the stream, since a
// statement's Resource must match the ARN of the resource it is attached to.
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
				client := streamPolicyClient(t, testStream)
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

// The test server refuses what the API reference says DynamoDB refuses: it
// is not a server that takes anything.
func TestTheStreamPolicyServerRefusesWhatDynamoDBRefuses(t *testing.T) {
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%s},"Action":"dynamodb:GetRecords","Resource":"*"}]}`
	tests := []struct {
		name, stream, policy, revision, code string
	}{
		{"a stream it does not know", testStream + "x", strings.Replace(grant, "%s", `"arn:aws:iam::123456789012:role/a"`, 1), "", "ResourceNotFoundException"},
		{"a policy over 20 KB", testStream, strings.Replace(grant, "%s", `"arn:aws:iam::123456789012:role/a"`+strings.Repeat(" ", 20*1024), 1), "", "ValidationException"},
		{"a policy that is not JSON", testStream, "{", "", "ValidationException"},
		{"public access", testStream, strings.Replace(grant, "%s", `"*"`, 1), "", "ValidationException"},
		{"a revision that is not the policy's", testStream, strings.Replace(grant, "%s", `"arn:aws:iam::123456789012:role/a"`, 1), "0123", "PolicyNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := streamPolicyClient(t, testStream)
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
