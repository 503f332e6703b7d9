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
		if _, err := YAML(s.Template, Order(s.ResourceOrder, s.OutputOrder)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderDefault times render.YAML alone on the default stack.
func BenchmarkRenderDefault(b *testing.B) {
	s, err := template.Build(template.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := YAML(s.Template, Order(s.ResourceOrder, s.OutputOrder)); err != nil {
			b.Fatal(err)
		}
	}
}
