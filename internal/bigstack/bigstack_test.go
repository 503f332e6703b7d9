package bigstack

import (
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// The template is what it says it is: 245 resources, 7 conditions, about
// 228 KB.
func TestTemplateIsTheSizeItSays(t *testing.T) {
	src := Template()
	tmpl, err := cfn.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	resources, conditions := len(tmpl.Section("Resources")), len(tmpl.Section("Conditions"))
	if resources != 245 || conditions != 7 || len(src) < 226_000 || len(src) > 234_000 {
		t.Errorf("%d resources, %d conditions, %d bytes; want 245, 7, about 228 KB", resources, conditions, len(src))
	}
}
