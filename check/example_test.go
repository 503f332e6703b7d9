package check_test

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/template"
)

// Judge the posture of a template you composed, in one call.
func ExampleTemplate() {
	t := cloudformation.NewTemplate()
	t.Resources["Sessions"] = &dynamodb.Table{
		KeySchema:        []dynamodb.Table_KeySchema{{AttributeName: "id", KeyType: "HASH"}},
		SSESpecification: &dynamodb.Table_SSESpecification{SSEEnabled: true},
	}
	if _, err := template.AddTable(t, template.DefaultConfig(), template.DefaultTable()); err != nil {
		fmt.Println(err)
		return
	}
	findings, err := check.Template(t, check.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		if f.Severity == check.Error {
			fmt.Println(f.Rule, f.Resource, f.Path)
		}
	}
	// Output:
	// SSE002 Sessions Properties.SSESpecification
}
