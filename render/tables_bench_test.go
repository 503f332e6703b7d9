package render

import (
	"fmt"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/template"
)

// BenchmarkBuildAndRenderTables shows the cost per table stays flat, up to
// the most tables a stack holds.
func BenchmarkBuildAndRenderTables(b *testing.B) {
	for _, n := range []int{1, 10, template.MaxTables} {
		cfg := template.DefaultConfig()
		cfg.Tables = nil
		for i := range n {
			cfg.Tables = append(cfg.Tables, template.TableConfig{Name: fmt.Sprintf("T%d", i), PartitionKey: template.Attribute{Name: "id", Type: "S"}})
		}
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, err := template.Build(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := YAML(s.Template, Order(s.ResourceOrder, s.OutputOrder)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/table")
		})
	}
}
