package handler

import (
	"context"
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

// blob returns a single-item event of exactly size bytes as DynamoDB counts
// them: "id" (2) + "1" (1) + "b" (1) + the string.
func blob(size int) string {
	return `{"id": "1", "b": "` + strings.Repeat("x", size-4) + `"}`
}

func TestRejectedEventsNameTheFieldAndWriteNothing(t *testing.T) {
	tests := []struct {
		name    string
		event   string
		field   string
		allowed string // part of the problem that says what is allowed
	}{
		{"a list is not a JSON object", `[{"id": "1"}]`, "event", "must be a JSON object"},
		{"a string is not a JSON object", `"1"`, "event", "must be a JSON object"},
		{"null is not a JSON object", `null`, "event", "must be a JSON object"},
		{"broken JSON is not a JSON object", `{"id": `, "event", "must be a JSON object"},
		{"a second value after the object is refused", `{"id": "1"} {"id": "2"}`, "event", "must be a JSON object"},
		{"an event without id is refused", `{"colour": "red"}`, "id", "is required; it must be a string of 1 to 2048 bytes"},
		{"an empty id is refused", `{"id": ""}`, "id", "must be a string of 1 to 2048 bytes, got an empty string"},
		{"a numeric id is refused", `{"id": 1}`, "id", "must be a string of 1 to 2048 bytes, got a number"},
		{"a null id is refused", `{"id": null}`, "id", "must be a string of 1 to 2048 bytes, got null"},
		{"an id of 2049 bytes is refused", `{"id": "` + strings.Repeat("x", 2049) + `"}`, "id", "must be a string of 1 to 2048 bytes, got 2049 bytes"},
		{"an id is measured in bytes, not characters", `{"id": "` + strings.Repeat("€", 683) + `"}`, "id", "got 2049 bytes"},
		{"an event with both id and items is refused", `{"id": "1", "items": [{"id": "2"}]}`, "event", `either "id" (one item) or "items" (a batch), not both`},
		{"a batch with another top-level field is refused", `{"items": [{"id": "1"}], "note": "x"}`, "event", `only "items" at the top level`},
		{"items that is an object is refused", `{"items": {"id": "1"}}`, "items", "must be a list of 1 to 100 items, got an object"},
		{"an empty items list is refused", `{"items": []}`, "items", "must be a list of 1 to 100 items, got 0"},
		{"101 items are refused", batch(101, ""), "items", "must be a list of 1 to 100 items, got 101"},
		{"a batch member that is a string is refused", `{"items": [{"id": "1"}, "2"]}`, "items[1]", `must be an object with an "id", got a string`},
		{"a batch member without id is refused", `{"items": [{"id": "1"}, {"colour": "red"}]}`, "items[1].id", "is required"},
		{"a batch member with a numeric id is refused", `{"items": [{"id": "1"}, {"id": 2}]}`, "items[1].id", "must be a string of 1 to 2048 bytes, got a number"},
		{"a repeated id in a batch is refused", `{"items": [{"id": "1"}, {"id": "2"}, {"id": "1"}]}`, "items[2].id", "repeats the id of items[0]; ids in a batch must be unique"},
		{"an item over 400 KB is refused", blob(400*1024 + 1), "event", "must be at most 400 KB (409600 bytes) as DynamoDB counts it, got 409601 bytes"},
		{"a batch member over 400 KB is refused", `{"items": [{"id": "a"}, ` + blob(400*1024+1) + `]}`, "items[1]", "must be at most 400 KB"},
		{"a batch over 4 MB in total is refused", batch(11, `, "b": "`+strings.Repeat("x", 400*1000)+`"`), "items", "must total at most 4 MB (4194304 bytes)"},
		{"nesting 33 levels deep is refused", nested(32), "deep", "must nest at most 32 levels deep, counting the item as the first"},
		{"nesting in a batch member is refused", `{"items": [` + nested(32) + `]}`, "items[0].deep", "must nest at most 32 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := &stubClient{}
			w := &Writer{Client: stub, Table: "t"}
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
		event string
		items int
	}{
		{"the reference payload is one item", `{ "id": "1" }`, 1},
		{"an id of 2048 bytes is allowed", `{"id": "` + strings.Repeat("x", 2048) + `"}`, 1},
		{"a batch of one item is allowed", batch(1, ""), 1},
		{"a batch of 100 items is allowed", batch(100, ""), 100},
		{"an item of exactly 400 KB is allowed", blob(400 * 1024), 1},
		{"nesting 32 levels deep is allowed", nested(31), 1},
		{"an empty string, list and object are allowed as attributes", `{"id": "1", "s": "", "l": [], "m": {}}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := &stubClient{}
			w := &Writer{Client: stub, Table: "t"}
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
