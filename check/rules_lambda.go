package check

import (
	_ "embed"
	"encoding/json"
	"time"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// runtimesJSON dates each Lambda runtime's deprecation, from the AWS Lambda
// runtime deprecation policy, as cfn-lint 1.51 also records it.
//
//go:embed runtimes.json
var runtimesJSON []byte

type runtimeLife struct {
	Deprecated string `json:"deprecated"`
	Successor  string `json:"successor"`
}

var runtimes = func() map[string]runtimeLife {
	var m map[string]runtimeLife
	if err := json.Unmarshal(runtimesJSON, &m); err != nil {
		panic("check: runtimes.json: " + err.Error()) // embedded at build time; a test reads it
	}
	return m
}()

var lambdaRules = []Rule{
	{
		ID: "LMB001", Title: "deprecated Lambda runtime", Severity: Error,
		Fix:      "move to the runtime's successor; a Go writer runs on provided.al2023",
		Auditors: []string{"checkov CKV_AWS_363", "cfn-lint E2531/E2533"},
		find:     deprecatedRuntimes,
	},
}

func deprecatedRuntimes(t *cfn.Template, opts Options) []hit {
	globalRuntime, _ := cfn.At(t.Section("Globals"), "Function", "Runtime").(string)
	var hits []hit
	for _, r := range t.Resources("AWS::Lambda::Function", "AWS::Serverless::Function") {
		name, ok := r.Properties["Runtime"].(string)
		if !ok && r.Type == "AWS::Serverless::Function" {
			name = globalRuntime
		}
		life, known := runtimes[name]
		if !known {
			continue
		}
		deprecated, err := time.Parse(time.DateOnly, life.Deprecated)
		if err != nil || opts.Today.Before(deprecated) {
			continue
		}
		successor := ""
		if life.Successor != "" {
			successor = "; its successor is " + life.Successor
		}
		hits = append(hits, hitf(r.ID, "runtime %s is deprecated since %s: Lambda blocks creating, then updating, functions on it%s", name, life.Deprecated, successor))
	}
	return hits
}
