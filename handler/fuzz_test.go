package handler

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/contract"
)

// FuzzDecode checks that decode never panics, rejects only with an
// *InvalidEventError, and accepts only events that DynamoDB's limits and the
// key schema allow. Each input is decoded against four schemas: a string
// key, a number and a string, two binary keys, and a string key with index
// keys of each type. More seeds live in
// testdata/fuzz/FuzzDecode; run it with
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
		`{"orderId": 7, "at": "a", "qty": 2}`,
		`{"items": [{"orderId": 7, "at": "a"}, {"orderId": 7.0, "at": "a"}]}`,
		`{"blob": "AQI=", "part": "Aw=="}`,
		`{"items": [{"blob": "AQ==", "part": "AQ=="}, {"blob": "AQ==\n", "part": "AQ=="}]}`,
		`{"id": "1", "status": "NEW", "region": "AQI=", "createdAt": 1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, event []byte) {
		for _, key := range []KeySchema{idKey, orderKey, blobKey, indexedKey} {
			items, err := key.decode(event)
			if err != nil {
				if _, ok := errors.AsType[*InvalidEventError](err); !ok {
					t.Fatalf("decode returned %T %v, want *InvalidEventError", err, err)
				}
				continue
			}
			checkDecoded(t, key, event, items)
		}
	})
}

// checkDecoded fails t unless items are what decode may accept.
func checkDecoded(t *testing.T, key KeySchema, event []byte, items []item) {
	t.Helper()
	if !json.Valid(event) {
		t.Fatalf("decode accepted invalid JSON %q", event)
	}
	if len(items) < 1 || len(items) > contract.MaxBatchItems {
		t.Fatalf("decode accepted %d items, want 1 to %d", len(items), contract.MaxBatchItems)
	}
	seen := make(map[identity]bool, len(items))
	for _, it := range items {
		if it.key == "" || seen[it.id] {
			t.Fatalf("decode accepted key %q: empty or repeated", it.key)
		}
		seen[it.id] = true
		checkKeyAttribute(t, key.partition, it.attrs[key.partition.name])
		if key.sort != nil {
			checkKeyAttribute(t, *key.sort, it.attrs[key.sort.name])
		}
		if it.size > contract.MaxItemBytes {
			t.Fatalf("decode accepted an item of %d bytes, want at most %d", it.size, contract.MaxItemBytes)
		}
	}
}

// checkKeyAttribute fails t unless v is a valid value of the key attribute a.
func checkKeyAttribute(t *testing.T, a keyAttribute, v types.AttributeValue) {
	t.Helper()
	var typ types.ScalarAttributeType
	size := 1 // N has no length limit of its own
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		typ, size = types.ScalarAttributeTypeS, len(v.Value)
	case *types.AttributeValueMemberN:
		typ = types.ScalarAttributeTypeN
	case *types.AttributeValueMemberB:
		typ, size = types.ScalarAttributeTypeB, len(v.Value)
	}
	if typ != a.typ || size < 1 || size > a.maxBytes {
		t.Fatalf("key attribute %s is %#v, want %s of 1 to %d bytes", a.name, v, a.typ, a.maxBytes)
	}
}
