package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynamodb-sse-cmk/stack/handler"
)

// fakeDynamoDB answers the first `throttled` requests with DynamoDB's
// throttling error, hangs until the caller gives up when hang is set, and
// accepts the write otherwise. moto can neither throttle nor hang.
type fakeDynamoDB struct {
	throttled int32
	hang      bool
	requests  atomic.Int32
}

func (f *fakeDynamoDB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.requests.Add(1)
	// Reading the body lets the server notice when the client hangs up.
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	switch {
	case f.hang:
		<-r.Context().Done()
	case n <= f.throttled:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "message": "slow down"}`))
	default:
		_, _ = w.Write([]byte(`{}`))
	}
}

// writerFor returns the Writer newWriter builds, as main does, for a table
// keyed by the string "id", its client pointed at fake through the
// environment.
func writerFor(t *testing.T, fake *fakeDynamoDB) *handler.Writer {
	server := httptest.NewServer(fake)
	t.Cleanup(server.Close)
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", server.URL)
	t.Setenv("TABLE_NAME", "t")
	t.Setenv("PARTITION_KEY", "id")
	t.Setenv("PARTITION_KEY_TYPE", "S")
	w, err := newWriter(context.Background(), os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestNewWriterRefusesABadEnvironment(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no TABLE_NAME fails", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S"},
			"TABLE_NAME is not set; it must name the DynamoDB table to write to"},
		{"no PARTITION_KEY fails", map[string]string{"TABLE_NAME": "t", "PARTITION_KEY_TYPE": "S"},
			"PARTITION_KEY is not set; it must name the table's partition key attribute, 1 to 255 bytes"},
		{"a bad PARTITION_KEY_TYPE fails", map[string]string{"TABLE_NAME": "t", "PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "string"},
			`PARTITION_KEY_TYPE is "string"; it must be S, N or B`},
		{"SORT_KEY without SORT_KEY_TYPE fails", map[string]string{"TABLE_NAME": "t", "PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY": "at"},
			"SORT_KEY_TYPE is not set but SORT_KEY is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newWriter(context.Background(), func(name string) string { return tt.vars[name] })
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("newWriter: %v, want an error starting with %q", err, tt.want)
			}
		})
	}
}

func TestClientRetriesThrottling(t *testing.T) {
	tests := []struct {
		name      string
		throttled int32
		requests  int32
	}{
		{"a write that is not throttled takes one request", 0, 1},
		{"a write throttled twice succeeds on the third attempt", 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeDynamoDB{throttled: tt.throttled}
			if _, err := writerFor(t, fake).Handle(context.Background(), []byte(`{"id": "1"}`)); err != nil {
				t.Errorf("Handle: %v", err)
			}
			if got := fake.requests.Load(); got != tt.requests {
				t.Errorf("DynamoDB saw %d requests, want %d", got, tt.requests)
			}
		})
	}
}

func TestClientStopsAtTheDeadline(t *testing.T) {
	w := writerFor(t, &fakeDynamoDB{hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := w.Handle(ctx, []byte(`{"id": "1"}`))
	if _, ok := errors.AsType[*handler.WriteError](err); !ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Handle returned %T %v, want a *handler.WriteError wrapping context.DeadlineExceeded", err, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Handle returned after %v, want soon after the 200ms deadline", took)
	}
}
