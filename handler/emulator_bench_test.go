//go:build unix

package handler_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkWritesThroughEmulator compares, on one moto, the writer as built
// (one client per sandbox) with the reference's approach (a new client, so a
// new connection, per invocation). Each op writes one new item through each,
// alternately, so that both see the same moto and machine; the metrics are
// each one's writes per second and how many times faster reuse is.
func BenchmarkWritesThroughEmulator(b *testing.B) {
	rie, moto := emulatorEnv(b)
	table := createTable(b, moto, idTableKey)
	reused := startFunction(b, rie, buildBootstrap(b, writerPkg), functionEnv(b, moto, idTableKey.env(table)...))
	perInvocation := startFunction(b, rie, buildBootstrap(b, perInvokePkg), functionEnv(b, moto, idTableKey.env(table)...))
	// Cold starts are BenchmarkColdStart's business.
	writeOnce(b, reused, "warm-up-reused")
	writeOnce(b, perInvocation, "warm-up-per-invocation")

	var tookReused, tookPerInvocation time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		writeOnce(b, reused, fmt.Sprintf("reused-%d", i))
		tookReused += time.Since(start)
		start = time.Now()
		writeOnce(b, perInvocation, fmt.Sprintf("per-invocation-%d", i))
		tookPerInvocation += time.Since(start)
		i++
	}
	b.ReportMetric(float64(b.N)/tookReused.Seconds(), "reused-client-writes/s")
	b.ReportMetric(float64(b.N)/tookPerInvocation.Seconds(), "client-per-invocation-writes/s")
	b.ReportMetric(tookPerInvocation.Seconds()/tookReused.Seconds(), "reuse-speedup")
}

// initReport is RIE's log line with the duration of the function's init.
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// BenchmarkColdStart times a cold start under the emulator: each op runs from
// starting the process until the first invocation, which writes one item, has
// answered. The metric init-ms is the part RIE reports as the function's init.
func BenchmarkColdStart(b *testing.B) {
	rie, moto := emulatorEnv(b)
	table := createTable(b, moto, idTableKey)
	bootstrap := buildBootstrap(b, writerPkg)
	env := functionEnv(b, moto, idTableKey.env(table)...)
	initMs := 0.0
	i := 0
	for b.Loop() {
		f := startFunction(b, rie, bootstrap, env)
		writeOnce(b, f, fmt.Sprintf("cold-%d-%d", time.Now().UnixNano(), i))
		b.StopTimer()
		f.stop()
		m := initReport.FindStringSubmatch(f.output.String())
		if m == nil {
			b.Fatalf("no INIT REPORT in RIE's output:\n%s", f.output)
		}
		ms, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			b.Fatal(err)
		}
		initMs += ms
		b.StartTimer()
		i++
	}
	b.ReportMetric(initMs/float64(b.N), "init-ms")
}

func writeOnce(b *testing.B, f *function, id string) {
	status, body := f.invoke(b, `{"id": "`+id+`"}`)
	if status != http.StatusOK || !strings.HasPrefix(body, `{"written"`) {
		b.Fatalf("invoke: %d %s", status, body)
	}
}
