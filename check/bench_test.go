package check

import (
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/internal/bigstack"
)

// BenchmarkRunBigStack times parsing and judging bigstack's template (245
// resources, 7 conditions, about 228 KB) in the process, and reports the
// memory it takes.
func BenchmarkRunBigStack(b *testing.B) {
	src := []byte(bigstack.Template())
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		t, err := cfn.Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		Run(t, Options{Today: today})
	}
}
