package verify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// lambdaAPI answers as Lambda's API reference documents, over HTTP, so the
// SDK's own client reads it: the paths of GetFunctionConfiguration,
// GetPolicy, GetFunctionUrlConfig, ListAliases, ListFunctions and
// ListEventSourceMappings; "not found" as HTTP 404 with X-Amzn-ErrorType
// ResourceNotFoundException and {"Type": "User", "Message": ...}; the lists
// in pages, NextMarker to Marker. moto lacks ListFunctionUrlConfigs and
// ignores the Qualifier of GetFunctionUrlConfig, and keeps an alias's
// policy with its version's, so what verify does there on AWS is proven
// here.
type lambdaAPI struct {
	config    map[string]any            // the writer's $LATEST
	policies  map[string]string         // by qualifier, "" for the function
	urls      map[string]string         // AuthType by qualifier
	aliases   []string                  // each pointing at $LATEST
	functions [][]map[string]any        // ListFunctions' pages, the writer's $LATEST first
	mappings  [][]map[string]any        // ListEventSourceMappings' pages
	mu        sync.Mutex                // verify asks concurrently
	asked     map[string]map[string]int // the qualifiers each operation was asked about
}

func (l *lambdaAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path, query := strings.TrimSuffix(r.URL.Path, "/"), r.URL.Query()
	qualifier := query.Get("Qualifier")
	function := "/2015-03-31/functions/" + writerName
	switch {
	case path == function+"/configuration":
		l.answer(w, l.config)
	case path == function+"/policy":
		l.note("GetPolicy", qualifier)
		if policy, ok := l.policies[qualifier]; ok {
			l.answer(w, map[string]any{"Policy": policy, "RevisionId": "r-1"})
			return
		}
		notFound(w)
	case path == "/2021-10-31/functions/"+writerName+"/url":
		l.note("GetFunctionUrlConfig", qualifier)
		if auth, ok := l.urls[qualifier]; ok {
			l.answer(w, map[string]any{"AuthType": auth, "FunctionArn": qualified(writerARN, qualifier), "FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/",
				"CreationTime": "2026-11-29T00:00:00.000Z", "LastModifiedTime": "2026-11-29T00:00:00.000Z", "InvokeMode": "BUFFERED"})
			return
		}
		notFound(w)
	case path == function+"/aliases":
		var aliases []map[string]any
		for _, name := range l.aliases {
			aliases = append(aliases, map[string]any{"AliasArn": writerARN + ":" + name, "Name": name, "FunctionVersion": "$LATEST", "RevisionId": "r-1"})
		}
		l.answer(w, map[string]any{"Aliases": aliases})
	case path == "/2015-03-31/functions" && query.Get("FunctionVersion") == "ALL":
		l.page(w, "Functions", l.functions, query.Get("Marker"))
	case path == "/2015-03-31/event-source-mappings":
		l.page(w, "EventSourceMappings", l.mappings, query.Get("Marker"))
	default:
		http.Error(w, `{"Type": "User", "Message": "no such operation in this test"}`, http.StatusBadRequest)
	}
}

func (l *lambdaAPI) note(operation, qualifier string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.asked[operation] == nil {
		l.asked[operation] = map[string]int{}
	}
	l.asked[operation][qualifier]++
}

// page answers page Marker (its index, "" for the first) of pages under
// field, with the next page's Marker as NextMarker.
func (l *lambdaAPI) page(w http.ResponseWriter, field string, pages [][]map[string]any, marker string) {
	index := 0
	if marker != "" {
		index = int(marker[0] - '0')
	}
	out := map[string]any{field: pages[index]}
	if index+1 < len(pages) {
		out["NextMarker"] = string(rune('0' + index + 1))
	}
	l.answer(w, out)
}

func (l *lambdaAPI) answer(w http.ResponseWriter, body any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`{"Type": "User", "Message": "The resource you requested does not exist."}`))
}

// functionConfiguration is a FunctionConfiguration as Lambda writes it.
func functionConfiguration(name, version, role, sha string) map[string]any {
	arn := "arn:aws:lambda:us-east-1:123456789012:function:" + name
	if version != "$LATEST" {
		arn += ":" + version
	}
	return map[string]any{"FunctionName": name, "FunctionArn": arn, "Runtime": "provided.al2023", "Role": role, "Handler": "bootstrap",
		"CodeSize": 3600000, "CodeSha256": sha, "Version": version, "PackageType": "Zip", "Architectures": []string{"arm64"},
		"LastModified": "2026-11-29T00:00:00.000+0000"}
}

func TestWhoCanReachTheWriterAsLambdasAPIAnswers(t *testing.T) {
	d := healthy(t)
	latest := functionConfiguration(writerName, "$LATEST", roleARN, d.codeSHA256)
	latest["Environment"] = map[string]any{"Variables": d.env}
	const writer = "function DynamoDbWriteFunction: "
	tests := []struct {
		name string
		api  *lambdaAPI
		want []string
	}{
		{"the writer as deployed, its Region in two pages", &lambdaAPI{
			functions: [][]map[string]any{{latest}, {functionConfiguration("other", "$LATEST", "arn:aws:iam::123456789012:role/other", "b3RoZXI=")}},
			mappings:  [][]map[string]any{{}, {}},
		}, []string{
			"PASS role DynamoDbWriteFunctionRole: no function outside the stack runs as it in us-east-1 (2 functions and versions there in all)",
			"PASS " + writer + "aliases and versions as the template makes them: no alias; no version",
			"PASS " + writer + "no resource policy on it, as the template grants none",
			"PASS " + writer + "no function URL on it, as the template makes none",
			"PASS " + writer + "event source mappings as the template makes them: none",
		}},
		{"every way in, on the second pages", &lambdaAPI{
			policies: map[string]string{"": `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"open","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + writerARN + `"}]}`},
			urls:     map[string]string{"live": "NONE"},
			aliases:  []string{"live"},
			functions: [][]map[string]any{{latest}, {
				functionConfiguration(writerName, "1", roleARN, "b3RoZXI="),
				functionConfiguration("intruder", "$LATEST", roleARN, "b3RoZXI="),
			}},
			mappings: [][]map[string]any{{}, {{"UUID": "e-1", "FunctionArn": writerARN + ":live", "EventSourceArn": "arn:aws:sqs:us-east-1:444455556666:q", "State": "Enabled", "BatchSize": 10, "LastModified": 1.7648e9}}},
		}, []string{
			"FAIL role DynamoDbWriteFunctionRole: functions outside the stack run as it in us-east-1: arn:aws:lambda:us-east-1:123456789012:function:intruder",
			"FAIL " + writer + "alias live, which the template does not make, points at version $LATEST",
			"FAIL " + writer + "version 1, which the template does not make, runs code b3RoZXI= as " + roleARN,
			"FAIL " + writer + "resource policy allows more than the template: open: nothing in the other policy allows * lambda:InvokeFunction on " + writerARN,
			"FAIL " + writer + "function URL of alias live https://abc.lambda-url.us-east-1.on.aws/ has AuthType NONE, the template makes none: Lambda does not authenticate who calls it",
			"FAIL " + writer + "event source mapping e-1, which the template does not make, invokes " + writerARN + ":live with the records of arn:aws:sqs:us-east-1:444455556666:q",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := tt.api
			api.config, api.asked = latest, map[string]map[string]int{}
			server := httptest.NewServer(api)
			defer server.Close()
			v := Verifier{CloudFormation: d, DynamoDB: d, KMS: d, IAM: d, S3: d, AutoScaling: d,
				Lambda: lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: &server.URL, Credentials: aws.AnonymousCredentials{}})}
			lines, err := v.Stack(context.Background(), stackName)
			if err != nil {
				t.Fatal(err)
			}
			var got []Line
			for _, l := range lines {
				if l.Outcome == Fail || strings.Contains(l.Detail, "outside the stack") || l.Subject == "function DynamoDbWriteFunction" && !strings.Contains(l.Detail, "runs ") {
					got = append(got, l)
				}
			}
			assertLines(t, got, tt.want)
			// The URL of each alias is asked about by name: a URL can be on
			// the function or on an alias, nowhere else.
			for _, alias := range append([]string{""}, api.aliases...) {
				if api.asked["GetFunctionUrlConfig"][alias] != 1 {
					t.Errorf("GetFunctionUrlConfig asked about %q %d times, want once", alias, api.asked["GetFunctionUrlConfig"][alias])
				}
			}
		})
	}
}
