package handler

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/contract"
)

// The key schemas the tests write with; TestKeySchemaFromEnvReadsTheTemplatesVariables
// pins that the environment builds them.
var (
	// idKey is the default table's: the string "id".
	idKey = KeySchema{partition: keyAttribute{"id", types.ScalarAttributeTypeS, contract.MaxPartitionKeyBytes}}
	// orderKey is the number "orderId", then the string "at".
	orderKey = KeySchema{
		partition: keyAttribute{"orderId", types.ScalarAttributeTypeN, contract.MaxPartitionKeyBytes},
		sort:      &keyAttribute{"at", types.ScalarAttributeTypeS, contract.MaxSortKeyBytes},
	}
	// blobKey is binary in both parts: "blob", then "part".
	blobKey = KeySchema{
		partition: keyAttribute{"blob", types.ScalarAttributeTypeB, contract.MaxPartitionKeyBytes},
		sort:      &keyAttribute{"part", types.ScalarAttributeTypeB, contract.MaxSortKeyBytes},
	}
	// indexedKey is the string "id", with indexes keyed by the string
	// "status", the binary "region" and the number "createdAt", a sort key.
	indexedKey = KeySchema{
		partition: keyAttribute{"id", types.ScalarAttributeTypeS, contract.MaxPartitionKeyBytes},
		indexes: []keyAttribute{
			{"createdAt", types.ScalarAttributeTypeN, contract.MaxSortKeyBytes},
			{"region", types.ScalarAttributeTypeB, contract.MaxPartitionKeyBytes},
			{"status", types.ScalarAttributeTypeS, contract.MaxPartitionKeyBytes},
		},
	}
)

// env returns a getenv that knows only vars.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestKeySchemaFromEnvReadsTheTemplatesVariables(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want KeySchema
	}{
		{"a string partition key alone", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S"}, idKey},
		{"a number partition key and a string sort key",
			map[string]string{"PARTITION_KEY": "orderId", "PARTITION_KEY_TYPE": "N", "SORT_KEY": "at", "SORT_KEY_TYPE": "S"}, orderKey},
		{"binary partition and sort keys",
			map[string]string{"PARTITION_KEY": "blob", "PARTITION_KEY_TYPE": "B", "SORT_KEY": "part", "SORT_KEY_TYPE": "B"}, blobKey},
		{"index keys, sorted by name",
			map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S",
				"INDEX_PARTITION_KEYS": `{"status":"S","region":"B"}`, "INDEX_SORT_KEYS": `{"createdAt":"N"}`}, indexedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := KeySchemaFromEnv(env(tt.vars))
			if err != nil {
				t.Fatalf("KeySchemaFromEnv: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("KeySchemaFromEnv = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestKeySchemaFromEnvNamesTheBadVariable(t *testing.T) {
	long := strings.Repeat("k", 256)
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no PARTITION_KEY is refused", map[string]string{"PARTITION_KEY_TYPE": "S"},
			"PARTITION_KEY is not set; it must name the table's partition key attribute, 1 to 255 bytes"},
		{"a PARTITION_KEY of 256 bytes is refused", map[string]string{"PARTITION_KEY": long, "PARTITION_KEY_TYPE": "S"},
			"PARTITION_KEY is 256 bytes; it must name the table's partition key attribute, 1 to 255 bytes"},
		{"a PARTITION_KEY named items is refused", map[string]string{"PARTITION_KEY": "items", "PARTITION_KEY_TYPE": "S"},
			`PARTITION_KEY is "items", which the event reserves for a batch`},
		{"no PARTITION_KEY_TYPE is refused", map[string]string{"PARTITION_KEY": "id"},
			"PARTITION_KEY_TYPE is not set; it must be S, N or B"},
		{"a lowercase PARTITION_KEY_TYPE is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "s"},
			`PARTITION_KEY_TYPE is "s"; it must be S, N or B`},
		{"SORT_KEY without SORT_KEY_TYPE is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY": "at"},
			"SORT_KEY_TYPE is not set but SORT_KEY is; set both for a table with a sort key, or neither"},
		{"SORT_KEY_TYPE without SORT_KEY is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY_TYPE": "N"},
			"SORT_KEY is not set but SORT_KEY_TYPE is; set both for a table with a sort key, or neither"},
		{"a SORT_KEY of 256 bytes is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY": long, "SORT_KEY_TYPE": "S"},
			"SORT_KEY is 256 bytes; it must name the table's sort key attribute, 1 to 255 bytes"},
		{"a SORT_KEY named items is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY": "items", "SORT_KEY_TYPE": "S"},
			`SORT_KEY is "items", which the event reserves for a batch`},
		{"a SORT_KEY_TYPE of BOOL is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY": "at", "SORT_KEY_TYPE": "BOOL"},
			`SORT_KEY_TYPE is "BOOL"; it must be S, N or B`},
		{"a SORT_KEY equal to PARTITION_KEY is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "SORT_KEY": "id", "SORT_KEY_TYPE": "N"},
			`SORT_KEY is "id", the same as PARTITION_KEY; it must name another attribute`},
		{"INDEX_PARTITION_KEYS that is not a JSON object is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "INDEX_PARTITION_KEYS": "status:S"},
			`INDEX_PARTITION_KEYS is not JSON of the right shape; it must be a JSON object from attribute name to S, N or B, such as {"status":"S"}`},
		{"INDEX_SORT_KEYS with a type DynamoDB does not have is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "INDEX_SORT_KEYS": `{"at":"BOOL"}`},
			`INDEX_SORT_KEYS gives "at" type "BOOL"; it must be a JSON object from attribute name to S, N or B`},
		{"an index key named items is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "INDEX_PARTITION_KEYS": `{"items":"S"}`},
			`INDEX_PARTITION_KEYS names "items", which the event reserves for a batch`},
		{"an index key with an empty name is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "INDEX_PARTITION_KEYS": `{"":"S"}`},
			`INDEX_PARTITION_KEYS names an attribute of 0 bytes`},
		{"an index key that is a key of the table is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "INDEX_SORT_KEYS": `{"id":"S"}`},
			`INDEX_SORT_KEYS names "id", which is already a key of the table or in the other index variable`},
		{"an index key in both index variables is refused", map[string]string{"PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S", "INDEX_SORT_KEYS": `{"at":"N"}`, "INDEX_PARTITION_KEYS": `{"at":"N"}`},
			`INDEX_PARTITION_KEYS names "at", which is already a key of the table or in the other index variable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := KeySchemaFromEnv(env(tt.vars))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("KeySchemaFromEnv: %v, want an error starting with %q", err, tt.want)
			}
		})
	}
}

func TestCanonicalNumberMakesEqualNumbersEqual(t *testing.T) {
	tests := []struct {
		name    string
		numbers []string
		want    string
	}{
		{"trailing zeros after the point do not count", []string{"7", "7.0", "7.000"}, "7e0"},
		{"an exponent moves the point", []string{"70e-1", "0.7E+1", "0.07e2"}, "7e0"},
		{"trailing zeros before the point go into the exponent", []string{"700", "7e2", "7.00E2"}, "7e2"},
		{"leading zeros do not count", []string{"0.0012", "12e-4"}, "12e-4"},
		{"the sign stays", []string{"-1.5", "-15e-1"}, "-15e-1"},
		{"every zero is zero", []string{"0", "-0", "0.000", "0e99"}, "0"},
		{"an exponent beyond int64 is kept exactly", []string{"1e99999999999999999999", "10e99999999999999999998"}, "1e99999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range tt.numbers {
				if got := canonicalNumber(n); got != tt.want {
					t.Errorf("canonicalNumber(%q) = %q, want %q", n, got, tt.want)
				}
			}
		})
	}
}
