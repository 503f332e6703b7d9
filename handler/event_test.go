package handler

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// nested returns an item whose attribute "deep" wraps a number in the given
// number of lists, so the deepest list sits at level wraps+1.
func nested(wraps int) string {
	return `{"id": "1", "deep": ` + strings.Repeat("[", wraps) + "1" + strings.Repeat("]", wraps) + "}"
}

// batch returns a batch event of n items with ids "0", "1", ...
func batch(n int, extra string) string {
	members := make([]string, n)
	for i := range members {
		members[i] = fmt.Sprintf(`{"id": "%d"%s}`, i, extra)
	}
	return `{"items": [` + strings.Join(members, ", ") + `]}`
}

// base64Of returns the base64 of n bytes.
func base64Of(n int) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, n))
}

// blob returns a single-item event of exactly size bytes as DynamoDB counts
// them: "id" (2) + "1" (1) + "b" (1) + the string.
func blob(size int) string {
	return `{"id": "1", "b": "` + strings.Repeat("x", size-4) + `"}`
}

func TestRejectedEventsNameTheFieldAndWriteNothing(t *testing.T) {
	tests := []struct {
		name    string
		key     KeySchema
		event   string
		field   string
		allowed string // part of the problem that says what is allowed
	}{
		{"a list is not a JSON object", idKey, `[{"id": "1"}]`, "event", "must be a JSON object"},
		{"a string is not a JSON object", idKey, `"1"`, "event", "must be a JSON object"},
		{"null is not a JSON object", idKey, `null`, "event", "must be a JSON object"},
		{"broken JSON is not a JSON object", idKey, `{"id": `, "event", "must be a JSON object"},
		{"a second value after the object is refused", idKey, `{"id": "1"} {"id": "2"}`, "event", "must be a JSON object"},
		{"an event without id is refused", idKey, `{"colour": "red"}`, "id", "is required; it must be a string of 1 to 2048 bytes"},
		{"an empty id is refused", idKey, `{"id": ""}`, "id", "must be a string of 1 to 2048 bytes, got an empty string"},
		{"a numeric id is refused", idKey, `{"id": 1}`, "id", "must be a string of 1 to 2048 bytes, got a number"},
		{"a null id is refused", idKey, `{"id": null}`, "id", "must be a string of 1 to 2048 bytes, got null"},
		{"an id of 2049 bytes is refused", idKey, `{"id": "` + strings.Repeat("x", 2049) + `"}`, "id", "must be a string of 1 to 2048 bytes, got 2049 bytes"},
		{"an id is measured in bytes, not characters", idKey, `{"id": "` + strings.Repeat("€", 683) + `"}`, "id", "got 2049 bytes"},
		{"an event with both id and items is refused", idKey, `{"id": "1", "items": [{"id": "2"}]}`, "event", `either "id" (one item) or "items" (a batch), not both`},
		{"a batch with another top-level field is refused", idKey, `{"items": [{"id": "1"}], "note": "x"}`, "event", `only "items" at the top level`},
		{"items that is an object is refused", idKey, `{"items": {"id": "1"}}`, "items", "must be a list of 1 to 100 items, got an object"},
		{"an empty items list is refused", idKey, `{"items": []}`, "items", "must be a list of 1 to 100 items, got 0"},
		{"101 items are refused", idKey, batch(101, ""), "items", "must be a list of 1 to 100 items, got 101"},
		{"a batch member that is a string is refused", idKey, `{"items": [{"id": "1"}, "2"]}`, "items[1]", `must be an object with "id", got a string`},
		{"a batch member without id is refused", idKey, `{"items": [{"id": "1"}, {"colour": "red"}]}`, "items[1].id", "is required"},
		{"a batch member with a numeric id is refused", idKey, `{"items": [{"id": "1"}, {"id": 2}]}`, "items[1].id", "must be a string of 1 to 2048 bytes, got a number"},
		{"a repeated id in a batch is refused", idKey, `{"items": [{"id": "1"}, {"id": "2"}, {"id": "1"}]}`, "items[2]", "has the same id as items[0]; keys in a batch must be unique"},
		{"an item over 400 KB is refused", idKey, blob(400*1024 + 1), "event", "must be at most 400 KB (409600 bytes) as DynamoDB counts it, got 409601 bytes"},
		{"a batch member over 400 KB is refused", idKey, `{"items": [{"id": "a"}, ` + blob(400*1024+1) + `]}`, "items[1]", "must be at most 400 KB"},
		{"a batch over 4 MB in total is refused", idKey, batch(11, `, "b": "`+strings.Repeat("x", 400*1000)+`"`), "items", "must total at most 4 MB (4194304 bytes)"},
		{"nesting 33 levels deep is refused", idKey, nested(32), "deep", "must nest at most 32 levels deep, counting the item as the first"},
		{"nesting in a batch member is refused", idKey, `{"items": [` + nested(32) + `]}`, "items[0].deep", "must nest at most 32 levels"},
		{"a string number key is refused", orderKey, `{"orderId": "7", "at": "a"}`, "orderId", "must be a number, got a string"},
		{"a missing number key says a number is required", orderKey, `{"at": "a"}`, "orderId", "is required; it must be a number"},
		{"an item without its sort key is refused", orderKey, `{"orderId": 7}`, "at", "is required; it must be a string of 1 to 1024 bytes"},
		{"a numeric string sort key is refused", orderKey, `{"orderId": 7, "at": 1700000000}`, "at", "must be a string of 1 to 1024 bytes, got a number"},
		{"an empty string sort key is refused", orderKey, `{"orderId": 7, "at": ""}`, "at", "got an empty string"},
		{"a string sort key of 1025 bytes is refused", orderKey, `{"orderId": 7, "at": "` + strings.Repeat("x", 1025) + `"}`, "at", "must be a string of 1 to 1024 bytes, got 1025 bytes"},
		{"an event with both the partition key and items is refused", orderKey, `{"orderId": 7, "items": [{"orderId": 8, "at": "a"}]}`, "event", `either "orderId" (one item) or "items" (a batch), not both`},
		{"a batch member that is a list names the partition key", orderKey, `{"items": [[7, "a"]]}`, "items[0]", `must be an object with "orderId", got a list`},
		{"a batch member without its sort key is refused", orderKey, `{"items": [{"orderId": 7, "at": "a"}, {"orderId": 7}]}`, "items[1].at", "is required"},
		{"a repeated composite key in a batch is refused", orderKey, `{"items": [{"orderId": 7, "at": "a"}, {"orderId": 7, "at": "b"}, {"orderId": 7, "at": "a"}]}`, "items[2]", "has the same orderId and at as items[0]; keys in a batch must be unique"},
		{"a number key written another way is the same key", orderKey, `{"items": [{"orderId": 70e-1, "at": "a"}, {"orderId": 7.0, "at": "a"}]}`, "items[1]", "has the same orderId and at as items[0]"},
		{"a binary key that is not base64 is refused", blobKey, `{"blob": "not base64!", "part": "AQ=="}`, "blob", "must be a base64 string of 1 to 2048 bytes once decoded, got a string that is not base64"},
		{"a number where a binary key belongs is refused", blobKey, `{"blob": 1, "part": "AQ=="}`, "blob", "must be a base64 string of 1 to 2048 bytes once decoded, got a number"},
		{"an empty binary key is refused", blobKey, `{"blob": "", "part": "AQ=="}`, "blob", "got an empty string"},
		{"a binary key of only a line break is refused", blobKey, `{"blob": "\n", "part": "AQ=="}`, "blob", "got 0 bytes"},
		{"a binary partition key of 2049 bytes is refused", blobKey, `{"blob": "` + base64Of(2049) + `", "part": "AQ=="}`, "blob", "must be a base64 string of 1 to 2048 bytes once decoded, got 2049 bytes"},
		{"a binary sort key of 1025 bytes is refused", blobKey, `{"blob": "AQ==", "part": "` + base64Of(1025) + `"}`, "part", "must be a base64 string of 1 to 1024 bytes once decoded, got 1025 bytes"},
		{"a repeated binary key in a batch is refused even with a line break", blobKey, `{"items": [{"blob": "AQ==", "part": "Ag=="}, {"blob": "AQ==\n", "part": "Ag=="}]}`, "items[1]", "has the same blob and part as items[0]"},
		{"an index key of the wrong type is refused", indexedKey, `{"id": "1", "status": 7}`, "status", "must be a string of 1 to 2048 bytes, got a number"},
		{"an empty index key is refused", indexedKey, `{"id": "1", "status": ""}`, "status", "got an empty string"},
		{"a null index key is refused", indexedKey, `{"id": "1", "createdAt": null}`, "createdAt", "must be a number, got null"},
		{"an index partition key of 2049 bytes is refused", indexedKey, `{"id": "1", "status": "` + strings.Repeat("x", 2049) + `"}`, "status", "got 2049 bytes"},
		{"a binary index key that is not base64 is refused", indexedKey, `{"id": "1", "region": "eu west"}`, "region", "got a string that is not base64"},
		{"an index key of a batch member is refused", indexedKey, `{"items": [{"id": "1"}, {"id": "2", "createdAt": "today"}]}`, "items[1].createdAt", "must be a number, got a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := &stubClient{}
			w := &Writer{Client: stub, Table: "t", Key: tt.key}
			_, err := w.Handle(context.Background(), []byte(tt.event))
			invalid, ok := errors.AsType[*InvalidEventError](err)
			if !ok {
				t.Fatalf("Handle returned %T %v, want *InvalidEventError", err, err)
			}
			if invalid.Field != tt.field || !strings.Contains(invalid.Problem, tt.allowed) {
				t.Errorf("error %q, want field %q and a problem containing %q", err, tt.field, tt.allowed)
			}
			if n := stub.calls(); n != 0 {
				t.Errorf("DynamoDB saw %d calls, want none", n)
			}
		})
	}
}

func TestEventsAtTheLimitsAreWritten(t *testing.T) {
	tests := []struct {
		name  string
		key   KeySchema
		event string
		items int
	}{
		{"the reference payload is one item", idKey, `{ "id": "1" }`, 1},
		{"an id of 2048 bytes is allowed", idKey, `{"id": "` + strings.Repeat("x", 2048) + `"}`, 1},
		{"a batch of one item is allowed", idKey, batch(1, ""), 1},
		{"a batch of 100 items is allowed", idKey, batch(100, ""), 100},
		{"an item of exactly 400 KB is allowed", idKey, blob(400 * 1024), 1},
		{"nesting 32 levels deep is allowed", idKey, nested(31), 1},
		{"an empty string, list and object are allowed as attributes", idKey, `{"id": "1", "s": "", "l": [], "m": {}}`, 1},
		{"a number partition key and a string sort key are allowed", orderKey, `{"orderId": 7, "at": "a"}`, 1},
		{"a string sort key of 1024 bytes is allowed", orderKey, `{"orderId": 7, "at": "` + strings.Repeat("x", 1024) + `"}`, 1},
		{"one partition key with two sort keys is allowed in a batch", orderKey, `{"items": [{"orderId": 7, "at": "a"}, {"orderId": 7, "at": "b"}]}`, 2},
		{"binary keys of 2048 and 1024 bytes are allowed", blobKey, `{"blob": "` + base64Of(2048) + `", "part": "` + base64Of(1024) + `"}`, 1},
		{"a binary key counts its decoded bytes toward 400 KB", blobKey,
			`{"blob": "` + base64Of(2048) + `", "part": "AQ==", "b": "` + strings.Repeat("x", 400*1024-(4+2048+4+1+1)) + `"}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := &stubClient{}
			w := &Writer{Client: stub, Table: "t", Key: tt.key}
			res, err := w.Handle(context.Background(), []byte(tt.event))
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if len(res.Written) != tt.items {
				t.Errorf("wrote %d items, want %d", len(res.Written), tt.items)
			}
			if n := stub.calls(); n != 1 {
				t.Errorf("DynamoDB saw %d calls, want 1", n)
			}
		})
	}
}

func TestNumberSizeCountsSignificantDigits(t *testing.T) {
	tests := []struct {
		name   string
		number string
		size   int
	}{
		{"zero is one byte", "0", 1},
		{"one digit is two bytes", "7", 2},
		{"trailing zeros are trimmed", "1000", 2},
		{"leading zeros after the point are trimmed", "0.0012", 2},
		{"the sign and the exponent are not digits", "-12.5e10", 3},
		{"38 digits are 20 bytes", strings.Repeat("9", 38), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := numberSize(tt.number); got != tt.size {
				t.Errorf("numberSize(%q) = %d, want %d", tt.number, got, tt.size)
			}
		})
	}
}
