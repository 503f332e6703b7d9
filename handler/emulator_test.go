//go:build unix

package handler_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// This file runs the writer as Lambda does, under the Lambda Runtime Interface
// Emulator (RIE), against DynamoDB and KMS served by moto. `make test` and
// `make bench` provide both through RIE_BIN and MOTO_ENDPOINT.

const (
	writerPkg = "github.com/dynamodb-sse-cmk/stack/cmd/writer"
	// perInvokePkg is the reference's approach, a client per invocation; only
	// the benchmark builds it.
	perInvokePkg = "./testdata/perinvoke"
	region       = "us-east-1"
)

// emulatorEnv returns the RIE binary and moto's endpoint. Without them the
// caller is skipped, except in CI, where a skipped end-to-end test would hide
// a broken setup.
func emulatorEnv(tb testing.TB) (rie, moto string) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("end-to-end: skipped under -short")
	}
	rie, moto = os.Getenv("RIE_BIN"), os.Getenv("MOTO_ENDPOINT")
	if rie == "" || moto == "" {
		const msg = "end-to-end: RIE_BIN and MOTO_ENDPOINT must be set; run `make test`, " +
			"or `make tools && RIE_BIN=$PWD/bin/aws-lambda-rie scripts/with-moto go test ./handler`"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return rie, moto
}

// buildBootstrap compiles pkg for the host, as RIE runs it, with the tags of
// the Lambda build, and returns the path of the binary.
func buildBootstrap(tb testing.TB, pkg string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// functionEnv is the whole environment of the function, vars ("NAME=value")
// and what every function needs: nothing leaks in from the developer's shell,
// such as an AWS profile.
func functionEnv(tb testing.TB, moto string, vars ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + tb.TempDir(),
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=" + region,
		"AWS_ENDPOINT_URL_DYNAMODB=" + moto,
	}
	return append(env, vars...)
}

// tableKey is the key of a test table: a partition key and, when its name
// is set, a sort key.
type tableKey struct{ partition, sort keyAttr }

// keyAttr is a key attribute of a test table.
type keyAttr struct {
	name string
	typ  types.ScalarAttributeType
}

// idTableKey is the key of the template's default table, the string "id".
var idTableKey = tableKey{partition: keyAttr{"id", types.ScalarAttributeTypeS}}

// env is what the template sets in the writer's environment for table.
func (k tableKey) env(table string) []string {
	env := []string{"TABLE_NAME=" + table, "PARTITION_KEY=" + k.partition.name, "PARTITION_KEY_TYPE=" + string(k.partition.typ)}
	if k.sort.name != "" {
		env = append(env, "SORT_KEY="+k.sort.name, "SORT_KEY_TYPE="+string(k.sort.typ))
	}
	return env
}

// dynamoDB returns the table's attribute definitions and key schema.
func (k tableKey) dynamoDB() ([]types.AttributeDefinition, []types.KeySchemaElement) {
	attrs := []types.AttributeDefinition{{AttributeName: aws.String(k.partition.name), AttributeType: k.partition.typ}}
	schema := []types.KeySchemaElement{{AttributeName: aws.String(k.partition.name), KeyType: types.KeyTypeHash}}
	if k.sort.name != "" {
		attrs = append(attrs, types.AttributeDefinition{AttributeName: aws.String(k.sort.name), AttributeType: k.sort.typ})
		schema = append(schema, types.KeySchemaElement{AttributeName: aws.String(k.sort.name), KeyType: types.KeyTypeRange})
	}
	return attrs, schema
}

// function is a bootstrap running under RIE.
type function struct {
	url    string // RIE's address, for the aws CLI's --endpoint-url
	output *lockedBuffer
	stop   func()
}

// startFunction starts RIE with bootstrap on two free loopback ports and waits
// until RIE accepts connections; RIE starts bootstrap at the first invoke.
// RIE and bootstrap share a process group, killed by stop or at cleanup.
func startFunction(tb testing.TB, rie, bootstrap string, env []string) *function {
	tb.Helper()
	addr, apiAddr := freeAddr(tb), freeAddr(tb)
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", apiAddr, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = env
	f := &function{url: "http://" + addr, output: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = f.output, f.output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", rie, err)
	}
	f.stop = sync.OnceFunc(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	tb.Cleanup(f.stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			return f
		}
		if time.Now().After(deadline) {
			tb.Fatalf("RIE did not listen on %s within 10s; output:\n%s", addr, f.output)
		}
	}
}

// invoke posts payload to the function and returns RIE's status and body.
// RIE serves one invocation at a time, so callers never invoke concurrently.
func (f *function) invoke(tb testing.TB, payload string) (int, string) {
	tb.Helper()
	client := http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(f.url+"/2015-03-31/functions/function/invocations", "application/json", strings.NewReader(payload))
	if err != nil {
		tb.Fatalf("invoke: %v; output:\n%s", err, f.output)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read invoke response: %v", err)
	}
	return resp.StatusCode, string(body)
}

// invokeCLI invokes the function exactly as the reference does, through the
// aws CLI, and returns the content of response.json.
func (f *function) invokeCLI(tb testing.TB, payload string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "response.json")
	cmd := exec.Command("aws", "lambda", "invoke", "--function-name", "function",
		"--endpoint-url", f.url, "--payload", payload, out)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION="+region, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("aws lambda invoke: %v\n%s", err, msg)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return string(body)
}

func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// motoConfig is an SDK config for moto, with dummy credentials.
func motoConfig(moto string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(moto),
	}
}

var tablesMade atomic.Int64

// createTable creates a table like the template's, keyed by tk and
// encrypted with a customer managed key created through moto's KMS API, and
// returns its name. Each caller gets its own table on the shared moto.
func createTable(tb testing.TB, moto string, tk tableKey) string {
	tb.Helper()
	ctx := context.Background()
	key, err := kms.NewFromConfig(motoConfig(moto)).CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("writer end-to-end test table key"),
	})
	if err != nil {
		tb.Fatalf("create KMS key: %v", err)
	}
	// Unique on the shared moto: two calls can read the same clock.
	table := fmt.Sprintf("writer-%d-%d", time.Now().UnixNano(), tablesMade.Add(1))
	attrs, schema := tk.dynamoDB()
	out, err := dynamodb.NewFromConfig(motoConfig(moto)).CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		AttributeDefinitions: attrs,
		KeySchema:            schema,
		BillingMode:          types.BillingModePayPerRequest,
		SSESpecification: &types.SSESpecification{
			Enabled: aws.Bool(true), SSEType: types.SSETypeKms, KMSMasterKeyId: key.KeyMetadata.Arn,
		},
	})
	if err != nil {
		tb.Fatalf("create table: %v", err)
	}
	if sse := out.TableDescription.SSEDescription; sse == nil || sse.SSEType != types.SSETypeKms ||
		aws.ToString(sse.KMSMasterKeyArn) != aws.ToString(key.KeyMetadata.Arn) {
		tb.Fatalf("table SSE is %+v, want KMS with key %s", sse, aws.ToString(key.KeyMetadata.Arn))
	}
	return table
}

// lockedBuffer collects a process's output while tests read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
