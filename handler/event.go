package handler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/contract"
)

// allowedItems is what the messages say a batch may be.
var allowedItems = fmt.Sprintf("a list of 1 to %d items", contract.MaxBatchItems)

// item is one validated item: its key and all its attributes, key included.
type item struct {
	key   string   // as text, for Result.Written and ItemExistsError
	id    identity // the key as DynamoDB compares it
	attrs map[string]types.AttributeValue
	size  int // bytes, as DynamoDB counts them
}

// decode validates a raw event against the key schema and converts it into
// the items to write, in event order. It makes no calls, so a rejected event
// has written nothing, and it checks DynamoDB's limits (contract) itself, so
// that a bad event fails with a message naming the field rather than with
// DynamoDB's ValidationException.
func (k KeySchema) decode(event []byte) ([]item, error) {
	obj, err := decodeObject(event)
	if err != nil {
		return nil, err
	}
	batch, isBatch := obj[contract.BatchField]
	if !isBatch {
		it, err := k.newItem("", obj)
		if err != nil {
			return nil, err
		}
		return []item{it}, nil
	}
	if _, ok := obj[k.partition.name]; ok {
		return nil, invalid("event", fmt.Sprintf(`must hold either %q (one item) or "items" (a batch), not both`, k.partition.name))
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if name != contract.BatchField {
			return nil, invalid("event", fmt.Sprintf(`a batch may hold only "items" at the top level, got %q`, name))
		}
	}
	return k.decodeBatch(batch)
}

// decodeObject parses event as exactly one JSON object, keeping numbers as
// written so that they reach DynamoDB as N without float rounding.
func decodeObject(event []byte) (map[string]any, error) {
	const allowed = `must be a JSON object: one item, or {"items": [...]} for a batch`
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, invalid("event", allowed+", got invalid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("event", allowed+", got more after the first JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, invalid("event", allowed+", got "+kind(v))
	}
	return obj, nil
}

func (k KeySchema) decodeBatch(v any) ([]item, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, invalid(contract.BatchField, "must be "+allowedItems+", got "+kind(v))
	}
	if len(list) == 0 || len(list) > contract.MaxBatchItems {
		return nil, invalid(contract.BatchField, fmt.Sprintf("must be %s, got %d", allowedItems, len(list)))
	}
	items := make([]item, 0, len(list))
	first := make(map[identity]int, len(list)) // key -> index of its first item
	total := 0
	for i, member := range list {
		path := fmt.Sprintf("items[%d]", i)
		obj, ok := member.(map[string]any)
		if !ok {
			return nil, invalid(path, fmt.Sprintf("must be an object with %q, got %s", k.partition.name, kind(member)))
		}
		it, err := k.newItem(path, obj)
		if err != nil {
			return nil, err
		}
		// A transaction cannot hold two operations on one item.
		if j, seen := first[it.id]; seen {
			return nil, invalid(path, fmt.Sprintf("has the same %s as items[%d]; keys in a batch must be unique", k.names(), j))
		}
		first[it.id] = i
		total += it.size
		items = append(items, it)
	}
	if total > contract.MaxBatchBytes {
		return nil, invalid(contract.BatchField, fmt.Sprintf("must total at most 4 MB (%d bytes), got %d bytes", contract.MaxBatchBytes, total))
	}
	return items, nil
}

// newItem validates one item; path is "" for a single-item event and
// "items[i]" for a batch member.
func (k KeySchema) newItem(path string, obj map[string]any) (item, error) {
	key, id, err := k.keyOf(path, obj)
	if err != nil {
		return item{}, err
	}
	if err := k.checkIndexKeys(path, obj); err != nil {
		return item{}, err
	}
	size, err := itemSize(path, obj)
	if err != nil {
		return item{}, err
	}
	attrs, err := attributevalue.MarshalMap(obj)
	if err != nil {
		return item{}, invalid(itemField(path), "must convert to DynamoDB attributes: "+err.Error())
	}
	return item{key: key, id: id, attrs: attrs, size: size}, nil
}

// itemSize returns the item's size as DynamoDB counts it (see "Item sizes and
// formats" in the DynamoDB developer guide) and checks its nesting depth.
func itemSize(path string, obj map[string]any) (int, error) {
	size := 0
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		n, ok := valueSize(obj[name], 2)
		if !ok {
			return 0, invalid(join(path, name), fmt.Sprintf(
				"must nest at most %d levels deep, counting the item as the first; got more", contract.MaxItemLevels))
		}
		size += len(name) + n
	}
	if size > contract.MaxItemBytes {
		return 0, invalid(itemField(path), fmt.Sprintf(
			"must be at most 400 KB (%d bytes) as DynamoDB counts it, got %d bytes", contract.MaxItemBytes, size))
	}
	return size, nil
}

// valueSize returns the size of v, found at the given nesting level, and
// false if a list or map in it lies deeper than contract.MaxItemLevels.
func valueSize(v any, level int) (int, bool) {
	switch v := v.(type) {
	case string:
		return len(v), true
	case []byte: // a B key, decoded by keyOf
		return len(v), true
	case json.Number:
		return numberSize(string(v)), true
	case []any:
		if level > contract.MaxItemLevels {
			return 0, false
		}
		size := 3
		for _, e := range v {
			n, ok := valueSize(e, level+1)
			if !ok {
				return 0, false
			}
			size += 1 + n
		}
		return size, true
	case map[string]any:
		if level > contract.MaxItemLevels {
			return 0, false
		}
		size := 3
		for k, e := range v {
			n, ok := valueSize(e, level+1)
			if !ok {
				return 0, false
			}
			size += 1 + len(k) + n
		}
		return size, true
	default: // bool or null
		return 1, true
	}
}

// numberSize is 1 byte per two significant digits, plus 1.
func numberSize(n string) int {
	mantissa, _, _ := strings.Cut(strings.TrimPrefix(n, "-"), "e")
	mantissa, _, _ = strings.Cut(mantissa, "E")
	digits := strings.Trim(strings.Replace(mantissa, ".", "", 1), "0")
	return (len(digits)+1)/2 + 1
}

// kind names the JSON type of a decoded value for error messages; values
// themselves never appear in messages, so errors can be logged.
func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	default:
		return "null"
	}
}

func invalid(field, problem string) error {
	return &InvalidEventError{Field: field, Problem: problem}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func itemField(path string) string {
	if path == "" {
		return "event"
	}
	return path
}
