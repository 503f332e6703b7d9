//go:build unix

package handler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// marker is an attribute value that must reach the table but never the logs.
const marker = "m4rk3r-value"

func TestWriterUnderEmulator(t *testing.T) {
	rie, moto := emulatorEnv(t)
	table := createTable(t, moto, idTableKey)
	f := startFunction(t, rie, buildBootstrap(t, writerPkg), functionEnv(t, moto, idTableKey.env(table)...))

	// The reference's own invocation, through the aws CLI.
	if got := f.invokeCLI(t, `{ "id": "1" }`); got != `{"written":["1"]}` {
		t.Fatalf("reference payload: response.json %s, want {\"written\":[\"1\"]}", got)
	}
	if got := scan(t, moto, table, idTableKey); !reflect.DeepEqual(got, map[string]map[string]any{"1": {"id": "1"}}) {
		t.Fatalf("after the reference payload the table holds %v, want only item 1", got)
	}

	f.check(t, []invocation{
		{"a second put of the reference id is refused", `{"id": "1", "colour": "` + marker + `"}`, "ItemExistsError", `item "1" already exists`},
		{"an event that is a list is refused", `[{"id": "2"}]`, "InvalidEventError", "event: must be a JSON object"},
		{"a numeric id is refused", `{"id": 2}`, "InvalidEventError", "id: must be a string of 1 to 2048 bytes, got a number"},
		{"an event with id and items is refused", `{"id": "2", "items": [{"id": "3"}]}`, "InvalidEventError", `event: must hold either "id"`},
		{"a batch with one bad member writes nothing", `{"items": [{"id": "b0"}, {"id": ""}]}`, "InvalidEventError", "items[1].id: must be a string of 1 to 2048 bytes"},
		{"a batch whose second item exists writes nothing", `{"items": [{"id": "t1"}, {"id": "1"}]}`, "ItemExistsError", `item "1" already exists`},
		{"a good batch is written", `{"items": [{"id": "b1", "n": 5, "colour": "` + marker + `"}, {"id": "b2", "tags": ["x"]}]}`, "", `{"written":["b1","b2"]}`},
	})

	want := map[string]map[string]any{
		"1":  {"id": "1"},
		"b1": {"id": "b1", "n": 5.0, "colour": marker},
		"b2": {"id": "b2", "tags": []any{"x"}},
	}
	if got := scan(t, moto, table, idTableKey); !reflect.DeepEqual(got, want) {
		t.Errorf("table holds\n%v\nwant\n%v", got, want)
	}
	f.stop() // so that output holds every line the function wrote
	output := f.output.String()
	if !strings.Contains(output, `"requestId":`) || strings.Contains(output, marker) {
		t.Errorf("function output must have request ids and no attribute values:\n%s", output)
	}
}

func TestWriterWithACompositeKeyUnderEmulator(t *testing.T) {
	rie, moto := emulatorEnv(t)
	// "order" is a reserved word: the condition must name it through
	// ExpressionAttributeNames.
	key := tableKey{partition: keyAttr{"order", types.ScalarAttributeTypeN}, sort: keyAttr{"at", types.ScalarAttributeTypeS}}
	table := createTable(t, moto, key)
	f := startFunction(t, rie, buildBootstrap(t, writerPkg), functionEnv(t, moto, key.env(table)...))

	f.check(t, []invocation{
		{"an item is written", `{"order": 7, "at": "2024-05-01", "qty": 2}`, "", `{"written":["order=7, at=2024-05-01"]}`},
		{"the same order at another time is another item", `{"order": 7, "at": "2024-05-02"}`, "", `{"written":["order=7, at=2024-05-02"]}`},
		{"the same order and time, the number written another way, exists", `{"order": 7.0, "at": "2024-05-01", "colour": "` + marker + `"}`,
			"ItemExistsError", `item "order=7.0, at=2024-05-01" already exists`},
		{"a string order is refused", `{"order": "8", "at": "a"}`, "InvalidEventError", "order: must be a number, got a string"},
		{"an item without its sort key is refused", `{"order": 8}`, "InvalidEventError", "at: is required; it must be a string of 1 to 1024 bytes"},
		{"a batch repeating a key writes nothing", `{"items": [{"order": 8, "at": "a"}, {"order": 8, "at": "a"}]}`,
			"InvalidEventError", "items[1]: has the same order and at as items[0]"},
		{"a batch whose second key exists writes nothing", `{"items": [{"order": 9, "at": "a"}, {"order": 7, "at": "2024-05-02"}]}`,
			"ItemExistsError", `item "order=7, at=2024-05-02" already exists`},
		{"a batch of one order at two times is written", `{"items": [{"order": 8, "at": "a"}, {"order": 8, "at": "b", "qty": 1}]}`,
			"", `{"written":["order=8, at=a","order=8, at=b"]}`},
	})

	want := map[string]map[string]any{
		"7/2024-05-01": {"order": 7.0, "at": "2024-05-01", "qty": 2.0},
		"7/2024-05-02": {"order": 7.0, "at": "2024-05-02"},
		"8/a":          {"order": 8.0, "at": "a"},
		"8/b":          {"order": 8.0, "at": "b", "qty": 1.0},
	}
	if got := scan(t, moto, table, key); !reflect.DeepEqual(got, want) {
		t.Errorf("table holds\n%v\nwant\n%v", got, want)
	}
}

func TestWriterFailsInitWithABadEnvironment(t *testing.T) {
	rie, moto := emulatorEnv(t)
	bootstrap := buildBootstrap(t, writerPkg)
	tests := []struct {
		name    string
		vars    []string
		message string // part of the log line
	}{
		{"no TABLE_NAME fails init", []string{"PARTITION_KEY=id", "PARTITION_KEY_TYPE=S"}, "init failed: TABLE_NAME is not set"},
		{"no PARTITION_KEY fails init", []string{"TABLE_NAME=t", "PARTITION_KEY_TYPE=S"}, "init failed: PARTITION_KEY is not set"},
		{"SORT_KEY without SORT_KEY_TYPE fails init", []string{"TABLE_NAME=t", "PARTITION_KEY=id", "PARTITION_KEY_TYPE=S", "SORT_KEY=at"},
			"init failed: SORT_KEY_TYPE is not set but SORT_KEY is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFunction(t, rie, bootstrap, functionEnv(t, moto, tt.vars...))
			// Direct, not through the aws CLI: it would retry RIE's 502 three times.
			status, body := f.invoke(t, `{ "id": "1" }`)
			if status == http.StatusOK {
				t.Errorf("invoke answered 200 %s, want a failed init", body)
			}
			f.stop() // so that output holds every line the function wrote
			if out := f.output.String(); !strings.Contains(out, tt.message) {
				t.Errorf("output must say %q:\n%s", tt.message, out)
			}
		})
	}
}

// invocation is one invoke of a function and what it must answer.
type invocation struct {
	name      string
	payload   string
	errorType string // empty for a success
	message   string // part of errorMessage, or the whole success body
}

// check invokes f with each payload in turn, each as a subtest.
func (f *function) check(t *testing.T, invocations []invocation) {
	t.Helper()
	for _, tt := range invocations {
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
}

// scan returns every item of the table as plain Go values, by key: the
// partition key's value, then "/" and the sort key's when the table has one.
func scan(t *testing.T, moto, table string, key tableKey) map[string]map[string]any {
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
		id := fmt.Sprint(item[key.partition.name])
		if key.sort.name != "" {
			id += "/" + fmt.Sprint(item[key.sort.name])
		}
		items[id] = item
	}
	return items
}
