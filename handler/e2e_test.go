//go:build unix

package handler_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// marker is an attribute value that must reach the table but never the logs.
const marker = "m4rk3r-value"

func TestWriterUnderEmulator(t *testing.T) {
	rie, moto := emulatorEnv(t)
	table := createTable(t, moto)
	f := startFunction(t, rie, buildBootstrap(t, writerPkg), functionEnv(t, moto, table))

	// The reference's own invocation, through the aws CLI.
	if got := f.invokeCLI(t, `{ "id": "1" }`); got != `{"written":["1"]}` {
		t.Fatalf("reference payload: response.json %s, want {\"written\":[\"1\"]}", got)
	}
	if got := scan(t, moto, table); !reflect.DeepEqual(got, map[string]map[string]any{"1": {"id": "1"}}) {
		t.Fatalf("after the reference payload the table holds %v, want only item 1", got)
	}

	tests := []struct {
		name      string
		payload   string
		errorType string // empty for a success
		message   string // part of errorMessage, or the whole success body
	}{
		{"a second put of the reference id is refused", `{"id": "1", "colour": "` + marker + `"}`, "ItemExistsError", `id "1" already exists`},
		{"an event that is a list is refused", `[{"id": "2"}]`, "InvalidEventError", "event: must be a JSON object"},
		{"a numeric id is refused", `{"id": 2}`, "InvalidEventError", "id: must be a string of 1 to 2048 bytes, got a number"},
		{"an event with id and items is refused", `{"id": "2", "items": [{"id": "3"}]}`, "InvalidEventError", `event: must hold either "id"`},
		{"a batch with one bad member writes nothing", `{"items": [{"id": "b0"}, {"id": ""}]}`, "InvalidEventError", "items[1].id: must be a string of 1 to 2048 bytes"},
		{"a batch whose second item exists writes nothing", `{"items": [{"id": "t1"}, {"id": "1"}]}`, "ItemExistsError", `id "1" already exists`},
		{"a good batch is written", `{"items": [{"id": "b1", "n": 5, "colour": "` + marker + `"}, {"id": "b2", "tags": ["x"]}]}`, "", `{"written":["b1","b2"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.invoke(t, tt.payload)
			if status != http.StatusOK {
				t.Fatalf("status %d, body %s", status, body)
			}
			if tt.errorType == "" {
				if body != tt.message {
					t.Errorf("response %s, want %s", body, tt.message)
				}
				return
			}
			var got struct{ ErrorMessage, ErrorType string }
			if err := json.Unmarshal([]byte(body), &got); err != nil || got.ErrorType != tt.errorType ||
				!strings.Contains(got.ErrorMessage, tt.message) {
				t.Errorf("response %s, want errorType %s and an errorMessage containing %q", body, tt.errorType, tt.message)
			}
		})
	}

	want := map[string]map[string]any{
		"1":  {"id": "1"},
		"b1": {"id": "b1", "n": 5.0, "colour": marker},
		"b2": {"id": "b2", "tags": []any{"x"}},
	}
	if got := scan(t, moto, table); !reflect.DeepEqual(got, want) {
		t.Errorf("table holds\n%v\nwant\n%v", got, want)
	}
	f.stop() // so that output holds every line the function wrote
	output := f.output.String()
	if !strings.Contains(output, `"requestId":`) || strings.Contains(output, marker) {
		t.Errorf("function output must have request ids and no attribute values:\n%s", output)
	}
}

func TestWriterFailsInitWithoutTableName(t *testing.T) {
	rie, moto := emulatorEnv(t)
	f := startFunction(t, rie, buildBootstrap(t, writerPkg), functionEnv(t, moto, ""))

	// Direct, not through the aws CLI: it would retry RIE's 502 three times.
	status, body := f.invoke(t, `{ "id": "1" }`)
	if status == http.StatusOK {
		t.Errorf("invoke without TABLE_NAME answered 200 %s, want a failed init", body)
	}
	f.stop() // so that output holds every line the function wrote
	if out := f.output.String(); !strings.Contains(out, "init failed: TABLE_NAME is not set") {
		t.Errorf("output must say that init failed because TABLE_NAME is not set:\n%s", out)
	}
}

// scan returns every item of the table by id, as plain Go values.
func scan(t *testing.T, moto, table string) map[string]map[string]any {
	t.Helper()
	out, err := dynamodb.NewFromConfig(motoConfig(moto)).Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	items := make(map[string]map[string]any, len(out.Items))
	for _, av := range out.Items {
		var item map[string]any
		if err := attributevalue.UnmarshalMap(av, &item); err != nil {
			t.Fatalf("unmarshal scanned item: %v", err)
		}
		items[item["id"].(string)] = item
	}
	return items
}
