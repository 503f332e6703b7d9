package render

import (
	"testing"

	"github.com/dynamodb-sse-cmk/stack/template"
)

func BenchmarkBuildAndRenderDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := template.Build(template.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := YAML(s); err != nil {
			b.Fatal(err)
		}
	}
}
