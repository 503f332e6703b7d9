package verify

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// awsServer answers over HTTP the calls verify makes of a deployment that
// spans Regions, as the AWS API references document them, so that the
// SDK's own clients read every answer: moto 5.2.1 makes neither a global
// table nor a replica key from a template (its CloudFormation skips
// AWS::DynamoDB::GlobalTable and AWS::KMS::ReplicaKey), so what verify
// checks of them is proven here. Each request's Region and service are
// those its SigV4 signature names; IAM, a global service, is in us-east-1.
//
// The shapes, from the API references:
//   - CloudFormation, the query protocol, answers in XML: DescribeStacks,
//     ListStackResources, GetTemplate (docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/
//     API_DescribeStacks.html, API_ListStackResources.html, API_GetTemplate.html), and
//     ValidationError "Stack with id NAME does not exist" (API_DescribeStacks.html, Errors).
//   - IAM, the query protocol, in XML: GetRole, ListRolePolicies, GetRolePolicy,
//     ListAttachedRolePolicies (docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html ...),
//     policy documents URL-encoded ("The policy document ... is URL-encoded compliant with RFC 3986").
//   - DynamoDB, JSON 1.0: DescribeTable's Table with SSEDescription and Replicas
//     (docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html,
//     API_ReplicaDescription.html, API_SSEDescription.html); GetResourcePolicy's
//     PolicyNotFoundException (API_GetResourcePolicy.html).
//   - KMS, JSON 1.1: DescribeKey's KeyMetadata with MultiRegionConfiguration (PrimaryKey, and
//     ReplicaKeys, which "includes the current KMS key if it is a replica key"), GetKeyPolicy,
//     GetKeyRotationStatus, ListGrants (docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html,
//     API_MultiRegionConfiguration.html, API_GetKeyPolicy.html, API_GetKeyRotationStatus.html,
//     API_ListGrants.html), NotFoundException.
//   - Lambda, REST JSON: ListFunctions, GET /2015-03-31/functions/
//     (docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html).
type awsServer struct {
	mu sync.Mutex
	// stacks, tables and keys are by Region, then by name or key id.
	stacks map[string]map[string]*cfnStack
	tables map[string]map[string]map[string]any // DescribeTable's Table
	keys   map[string]map[string]*kmsKey
	roles  map[string]*iamRole
}

type cfnStack struct {
	id, template        string
	parameters, outputs map[string]string
	resources           []cfnResource
}

type cfnResource struct{ logical, physical, typ string }

type kmsKey struct {
	metadata map[string]any // DescribeKey's KeyMetadata
	policy   string
	rotation bool
	grants   []map[string]any // ListGrants' GrantListEntry
}

type iamRole struct {
	arn, trust string
	inline     map[string]string
	attached   []string
}

// signature reads the Region and service a request is signed for.
var signature = regexp.MustCompile(`Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/aws4_request`)

func (a *awsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := signature.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	region, service := m[1], m[2]
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("x-amzn-RequestId", requestID)
	a.mu.Lock()
	defer a.mu.Unlock()
	switch service {
	case "cloudformation", "iam":
		form, _ := url.ParseQuery(string(body))
		if service == "iam" {
			a.iam(w, form)
			return
		}
		a.cloudFormation(w, region, form)
	case "dynamodb":
		a.dynamoDB(w, region, strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810."), body)
	case "kms":
		a.kms(w, region, strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService."), body)
	case "lambda":
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/2015-03-31/functions") {
			answerJSON(w, "application/json", map[string]any{"Functions": []any{}})
			return
		}
		fallthrough
	default:
		http.Error(w, "not answered here: "+service+" "+r.URL.Path, http.StatusNotImplemented)
	}
}

func (a *awsServer) cloudFormation(w http.ResponseWriter, region string, form url.Values) {
	action, name := form.Get("Action"), form.Get("StackName")
	s, ok := a.stacks[region][name]
	if !ok {
		queryError(w, "http://cloudformation.amazonaws.com/doc/2010-05-15/", "ValidationError", "Stack with id "+name+" does not exist")
		return
	}
	var result string
	switch action {
	case "DescribeStacks":
		var params, outputs []string
		for _, k := range sortedKeys(s.parameters) {
			params = append(params, el("member", el("ParameterKey", xmlText(k))+el("ParameterValue", xmlText(s.parameters[k]))))
		}
		for _, k := range sortedKeys(s.outputs) {
			outputs = append(outputs, el("member", el("OutputKey", xmlText(k))+el("OutputValue", xmlText(s.outputs[k]))))
		}
		result = el("Stacks", el("member", el("StackName", xmlText(name))+el("StackId", xmlText(s.id))+
			el("CreationTime", "2026-11-27T10:00:00Z")+el("StackStatus", "CREATE_COMPLETE")+
			el("Parameters", strings.Join(params, ""))+el("Outputs", strings.Join(outputs, ""))))
	case "ListStackResources":
		var members []string
		for _, r := range s.resources {
			members = append(members, el("member", el("LogicalResourceId", xmlText(r.logical))+el("PhysicalResourceId", xmlText(r.physical))+
				el("ResourceType", xmlText(r.typ))+el("LastUpdatedTimestamp", "2026-11-27T10:00:00Z")+el("ResourceStatus", "CREATE_COMPLETE")))
		}
		result = el("StackResourceSummaries", strings.Join(members, ""))
	case "GetTemplate":
		result = el("TemplateBody", xmlText(s.template)) + el("StagesAvailable", el("member", "Original")+el("member", "Processed"))
	default:
		queryError(w, "http://cloudformation.amazonaws.com/doc/2010-05-15/", "InvalidAction", action)
		return
	}
	answerQuery(w, "http://cloudformation.amazonaws.com/doc/2010-05-15/", action, result)
}

func (a *awsServer) iam(w http.ResponseWriter, form url.Values) {
	const xmlns = "https://iam.amazonaws.com/doc/2010-05-08/"
	action, name := form.Get("Action"), form.Get("RoleName")
	role, ok := a.roles[name]
	if !ok {
		queryError(w, xmlns, "NoSuchEntity", "The role with name "+name+" cannot be found.")
		return
	}
	var result string
	switch action {
	case "GetRole":
		result = el("Role", el("Path", "/")+el("AssumeRolePolicyDocument", xmlText(url.QueryEscape(role.trust)))+
			el("RoleId", "AROAEXAMPLEID")+el("RoleName", xmlText(name))+el("Arn", xmlText(role.arn))+el("CreateDate", "2026-11-27T10:00:00Z"))
	case "ListRolePolicies":
		var members []string
		for _, p := range sortedKeys(role.inline) {
			members = append(members, el("member", xmlText(p)))
		}
		result = el("PolicyNames", strings.Join(members, "")) + el("IsTruncated", "false")
	case "GetRolePolicy":
		policy, ok := role.inline[form.Get("PolicyName")]
		if !ok {
			queryError(w, xmlns, "NoSuchEntity", "The role policy with name "+form.Get("PolicyName")+" cannot be found.")
			return
		}
		result = el("RoleName", xmlText(name)) + el("PolicyName", xmlText(form.Get("PolicyName"))) + el("PolicyDocument", xmlText(url.QueryEscape(policy)))
	case "ListAttachedRolePolicies":
		var members []string
		for _, arn := range role.attached {
			members = append(members, el("member", el("PolicyName", xmlText(arn[strings.LastIndex(arn, "/")+1:]))+el("PolicyArn", xmlText(arn))))
		}
		result = el("AttachedPolicies", strings.Join(members, "")) + el("IsTruncated", "false")
	default:
		queryError(w, xmlns, "InvalidAction", action)
		return
	}
	answerQuery(w, xmlns, action, result)
}

func (a *awsServer) dynamoDB(w http.ResponseWriter, region, operation string, body []byte) {
	const contentType = "application/x-amz-json-1.0"
	var in struct{ TableName, ResourceArn string }
	if err := json.Unmarshal(body, &in); err != nil {
		jsonError(w, contentType, "com.amazonaws.dynamodb.v20120810#SerializationException", err.Error())
		return
	}
	switch operation {
	case "DescribeTable":
		table, ok := a.tables[region][in.TableName]
		if !ok {
			jsonError(w, contentType, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "Requested resource not found: Table: "+in.TableName+" not found")
			return
		}
		answerJSON(w, contentType, map[string]any{"Table": table})
	case "GetResourcePolicy":
		jsonError(w, contentType, "com.amazonaws.dynamodb.v20120810#PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+in.ResourceArn)
	default:
		jsonError(w, contentType, "com.amazonaws.dynamodb.v20120810#UnknownOperationException", operation)
	}
}

func (a *awsServer) kms(w http.ResponseWriter, region, operation string, body []byte) {
	const contentType = "application/x-amz-json-1.1"
	var in struct{ KeyId string }
	if err := json.Unmarshal(body, &in); err != nil {
		jsonError(w, contentType, "SerializationException", err.Error())
		return
	}
	key, ok := a.keys[region][in.KeyId[strings.LastIndex(in.KeyId, "/")+1:]]
	if !ok || strings.HasPrefix(in.KeyId, "arn:") && key.metadata["Arn"] != in.KeyId {
		jsonError(w, contentType, "NotFoundException", "Key '"+in.KeyId+"' does not exist")
		return
	}
	switch operation {
	case "DescribeKey":
		answerJSON(w, contentType, map[string]any{"KeyMetadata": key.metadata})
	case "GetKeyPolicy":
		answerJSON(w, contentType, map[string]any{"Policy": key.policy, "PolicyName": "default"})
	case "GetKeyRotationStatus":
		answerJSON(w, contentType, map[string]any{"KeyRotationEnabled": key.rotation, "KeyId": key.metadata["Arn"], "RotationPeriodInDays": 365})
	case "ListGrants":
		answerJSON(w, contentType, map[string]any{"Grants": key.grants, "Truncated": false})
	default:
		jsonError(w, contentType, "UnsupportedOperationException", operation)
	}
}

// requestID is every answer's, as AWS gives one in x-amzn-RequestId and in
// a query protocol's ResponseMetadata.
const requestID = "b9b4b068-3a41-11e5-94eb-example"

// el writes an XML element around content already written.
func el(name, content string) string { return "<" + name + ">" + content + "</" + name + ">" }

// xmlText escapes a value for XML.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func answerQuery(w http.ResponseWriter, xmlns, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse xmlns="%s">%s%s</%sResponse>`, action, xmlns, el(action+"Result", result),
		el("ResponseMetadata", el("RequestId", requestID)), action)
}

func queryError(w http.ResponseWriter, xmlns, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<ErrorResponse xmlns="%s">%s%s</ErrorResponse>`, xmlns,
		el("Error", el("Type", "Sender")+el("Code", code)+el("Message", xmlText(message))), el("RequestId", requestID))
}

func answerJSON(w http.ResponseWriter, contentType string, body any) {
	w.Header().Set("Content-Type", contentType)
	_ = json.NewEncoder(w).Encode(body)
}

func jsonError(w http.ResponseWriter, contentType, code, message string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": message})
}

// verifiers serves a on a loopback port and gives, for each Region, a
// Verifier made by New with the SDK's clients for that Region and the
// server as their endpoint.
func verifiers(t *testing.T, a *awsServer, emulator bool) func(region string) Verifier {
	t.Helper()
	server := httptest.NewServer(a)
	t.Cleanup(server.Close)
	return func(region string) Verifier {
		v := New(aws.Config{
			Region: region, BaseEndpoint: aws.String(server.URL), RetryMaxAttempts: 1,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "testing", SecretAccessKey: "testing"}, nil
			}),
		})
		v.Emulator = emulator
		return v
	}
}

// resource finds a resource a stack lists by logical id.
func (s *cfnStack) resource(logical string) int {
	return slices.IndexFunc(s.resources, func(r cfnResource) bool { return r.logical == logical })
}
