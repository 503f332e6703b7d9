package template

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/awslabs/goformation/v7/intrinsics"
)

// assertRendersAs checks that v serialises, with its goformation intrinsics
// spelled out, to the same JSON as want.
func assertRendersAs(t *testing.T, v any, want string) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	resolved, err := intrinsics.ProcessJSON(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got, expected any
	if err := json.Unmarshal(resolved, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &expected); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	if !reflect.DeepEqual(got, expected) {
		t.Errorf("got\n%s\nwant\n%s", resolved, want)
	}
}

func buildDefaultStack(t *testing.T) *Stack {
	t.Helper()
	s, err := Build(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// defaultIDs are the logical ids of the default table's resources.
var defaultIDs = tableIDs(DefaultTable(), KeyScopeTable)
