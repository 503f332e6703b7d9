package handler

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FuzzDecode checks that decode never panics, rejects only with an
// *InvalidEventError, and accepts only events that DynamoDB's limits allow.
// More seeds live in testdata/fuzz/FuzzDecode; run it with
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 1m ./handler
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{ "id": "1" }`,
		`{"id": "1", "n": 1.5e3, "l": [true, null, {"k": "v"}]}`,
		`{"items": [{"id": "1"}, {"id": "2", "m": {}}]}`,
		`{"items": [{"id": "1"}, {"id": "1"}]}`,
		`{"id": "1", "items": []}`,
		`[{"id": "1"}]`,
		`{"id": 1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, event []byte) {
		items, err := decode(event)
		if err != nil {
			if _, ok := errors.AsType[*InvalidEventError](err); !ok {
				t.Fatalf("decode returned %T %v, want *InvalidEventError", err, err)
			}
			return
		}
		if !json.Valid(event) {
			t.Fatalf("decode accepted invalid JSON %q", event)
		}
		if len(items) < 1 || len(items) > maxBatchItems {
			t.Fatalf("decode accepted %d items, want 1 to %d", len(items), maxBatchItems)
		}
		seen := make(map[string]bool, len(items))
		for _, it := range items {
			if it.id == "" || len(it.id) > maxIDBytes || seen[it.id] {
				t.Fatalf("decode accepted id %q: empty, over %d bytes or repeated", it.id, maxIDBytes)
			}
			seen[it.id] = true
			if key, ok := it.attrs["id"].(*types.AttributeValueMemberS); !ok || key.Value != it.id {
				t.Fatalf("item %q has id attribute %#v, want the same string", it.id, it.attrs["id"])
			}
			if it.size > maxItemBytes {
				t.Fatalf("decode accepted an item of %d bytes, want at most %d", it.size, maxItemBytes)
			}
		}
	})
}
