package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

// BenchmarkVerify times a whole verify of the deployed default stack
// against moto, every call it makes included.
func BenchmarkVerify(b *testing.B) {
	benchStacks++ // -count runs the benchmark again; each run deploys its own stack
	s := deploy(b, "../../sam.yaml", fmt.Sprintf("verify-bench-%d", benchStacks))
	for b.Loop() {
		if code, out := verifyStack(b, s.name); code != exitOK {
			b.Fatalf("exit %d:\n%s", code, out)
		}
	}
}

var benchStacks int

// BenchmarkVerifyTables times verify of a stack of 33 tables, the most a
// stack holds, on moto alone and behind a proxy that adds an account's
// latency to each request (50 ms, a laptop's or a CI runner's) and sheds
// load above 8 requests in flight per service, as AWS throttles bursts. It
// reports the requests verify made and how many the proxy shed (the SDK's
// retryer sends those again).
func BenchmarkVerifyTables(b *testing.B) {
	benchStacks++
	s := deploy(b, tablesTemplate(b, template.MaxTables), fmt.Sprintf("verify-bench-tables-%d", benchStacks))
	moto := motoEndpoint(b)
	b.Run("moto", func(b *testing.B) {
		for b.Loop() {
			if code, out := verifyStack(b, s.name); code != exitOK {
				b.Fatalf("exit %d:\n%s", code, out)
			}
		}
	})
	b.Run("behind_50ms_proxy", func(b *testing.B) {
		proxy, endpoint := newAccountProxy(b, moto, 50*time.Millisecond, 8)
		b.Setenv("AWS_ENDPOINT_URL", endpoint)
		for b.Loop() {
			if code, out := verifyStack(b, s.name); code != exitOK {
				b.Fatalf("exit %d:\n%s", code, out)
			}
		}
		b.ReportMetric(float64(proxy.requests.Load())/float64(b.N), "requests/op")
		b.ReportMetric(float64(proxy.shed.Load())/float64(b.N), "shed/op")
	})
}

// tablesTemplate writes the default profile's template for n tables and
// gives its path.
func tablesTemplate(t testing.TB, n int) string {
	t.Helper()
	cfg := template.DefaultConfig()
	cfg.Tables = nil
	for i := range n {
		cfg.Tables = append(cfg.Tables, template.TableConfig{Name: fmt.Sprintf("T%d", i), PartitionKey: template.Attribute{Name: "id", Type: "S"}})
	}
	stack, err := template.Build(cfg)
	check(t, err)
	src, err := render.YAML(stack.Template, render.Order(stack.ResourceOrder, stack.OutputOrder))
	check(t, err)
	return templateBesideBuild(t, src)
}

// templateBesideBuild writes a template with the build folder its CodeUri
// names beside it, as `make package` finds it beside sam.yaml, and gives
// its path.
func templateBesideBuild(t testing.TB, src []byte) string {
	t.Helper()
	dir := t.TempDir()
	build, err := filepath.Abs("../../build")
	check(t, err)
	check(t, os.Symlink(build, filepath.Join(dir, "build")))
	path := filepath.Join(dir, "template.yaml")
	check(t, os.WriteFile(path, src, 0o644))
	return path
}
