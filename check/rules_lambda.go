package check

import (
	_ "embed"
	"encoding/json"
	"sync"
	"time"
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

// runtimes is read on first use, not when a program that imports check
// starts.
var runtimes = sync.OnceValue(func() map[string]runtimeLife {
	var m map[string]runtimeLife
	if err := json.Unmarshal(runtimesJSON, &m); err != nil {
		panic("check: runtimes.json: " + err.Error()) // embedded at build time; a test reads it
	}
	return m
})

var lambdaRules = []Rule{
	{
		ID: "LMB001", Title: "deprecated Lambda runtime", Severity: Error,
		Why:      "Lambda blocks creating, then updating, functions on a deprecated runtime: the stack stops deploying",
		Fix:      "move to the runtime's successor; a Go writer runs on provided.al2023",
		Auditors: []string{"checkov CKV_AWS_363", "cfn-lint E2531/E2533"},
		find:     deprecatedRuntimes,
		family:   postureFamily,
	},
}

// deprecatedRuntimes finds functions on a deprecated runtime; a SAM
// function's runtime may come from Globals, which the model has merged in.
func deprecatedRuntimes(t *model, opts Options) []hit {
	var hits []hit
	for _, r := range t.Resources("AWS::Lambda::Function", "AWS::Serverless::Function") {
		name, _ := r.Prop("Runtime").(string)
		life, known := runtimes()[name]
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
		hits = append(hits, hitf(r.ID, []string{"Properties", "Runtime"}, "runtime %s is deprecated since %s: Lambda blocks creating, then updating, functions on it%s", name, life.Deprecated, successor))
	}
	return hits
}
