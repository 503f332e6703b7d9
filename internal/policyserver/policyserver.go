// Package policyserver answers DynamoDB's PutResourcePolicy and
// GetResourcePolicy over HTTP for the tables and streams it knows, as the
// DynamoDB API reference documents them, so that the SDK's own client reads
// it. moto 5.2.1 cannot attach a policy to a stream: the goldens' stream
// policies, and verify's comparison of them, are proven against it.
package policyserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Server refuses a resource it does not know (ResourceNotFoundException),
// a document that is not JSON or is over 20 KB, whitespace counted
// (ValidationException), one that grants public access, which block public
// access refuses (ValidationException), and a stale ExpectedRevisionId,
// NO_POLICY included (PolicyNotFoundException); it gives a policy back with
// its RevisionId, or PolicyNotFoundException.
type Server struct {
	mu        sync.Mutex
	resources map[string]bool
	policies  map[string]string
}

// MaxPolicyBytes is the most a resource policy may hold, whitespace counted.
const MaxPolicyBytes = 20 * 1024

// New makes a Server that knows the tables and streams with these ARNs.
func New(resources ...string) *Server {
	s := &Server{resources: map[string]bool{}, policies: map[string]string{}}
	for _, arn := range resources {
		s.resources[arn] = true
	}
	return s
}

// Start serves a Server that knows resources on a loopback port and gives
// the SDK's DynamoDB client for it, and what stops it.
func Start(resources ...string) (client *dynamodb.Client, stop func()) {
	server := httptest.NewServer(New(resources...))
	return dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(server.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
		}),
	}), server.Close
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ ResourceArn, Policy, ExpectedRevisionId string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		apiError(w, "SerializationException", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.resources[in.ResourceArn] {
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
		case len(in.Policy) > MaxPolicyBytes:
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
	case "DeleteResourcePolicy":
		if !exists {
			apiError(w, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn")
			return
		}
		delete(s.policies, in.ResourceArn)
		answer(w, map[string]string{"RevisionId": revision(current)})
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
