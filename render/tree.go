package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/dynamodb-sse-cmk/stack/template"
)

// object is a JSON object whose members keep the order they are rendered in.
type object []member

type member struct {
	Key   string
	Value any
}

// Key orders that readers of CloudFormation templates expect. Keys a list
// does not name follow the named ones, alphabetically.
var (
	topLevelOrder  = []string{"AWSTemplateFormatVersion", "Transform", "Description", "Metadata", "Parameters", "Mappings", "Conditions", "Globals", "Resources", "Outputs"}
	resourceOrder  = []string{"Type", "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "Properties"}
	outputOrder    = []string{"Description", "Condition", "Value", "Export"}
	policyOrder    = []string{"Version", "Id", "Statement"}
	statementOrder = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// orderedTree turns the stack into a tree of objects, lists and scalars in
// rendering order. It starts from goformation's JSON, which turns its encoded
// intrinsics back into {"Ref": ...} objects.
func orderedTree(s *template.Stack) (object, error) {
	raw, err := s.Template.JSON()
	if err != nil {
		return nil, fmt.Errorf("serialise template: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return nil, fmt.Errorf("read serialised template: %w", err)
	}
	out := orderMap(top, topLevelOrder, func(key string, v any) any {
		switch key {
		case "Resources":
			return orderChildren(v, s.ResourceOrder, resourceOrder)
		case "Outputs":
			return orderChildren(v, s.OutputOrder, outputOrder)
		}
		return order(v)
	})
	return out, nil
}

// orderChildren orders a section's entries by first, and each entry's own
// keys by within.
func orderChildren(v any, first, within []string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return order(v)
	}
	return orderMap(m, first, func(_ string, child any) any {
		if cm, ok := child.(map[string]any); ok {
			return orderMap(cm, within, func(_ string, gv any) any { return order(gv) })
		}
		return order(child)
	})
}

// order orders a value whose place in the template has no key order of its
// own; policy documents and statements are recognised by their shape.
func order(v any) any {
	switch v := v.(type) {
	case map[string]any:
		keys := []string(nil)
		if _, ok := v["Statement"]; ok {
			keys = policyOrder
		} else if _, ok := v["Effect"]; ok {
			keys = statementOrder
		}
		return orderMap(v, keys, func(_ string, child any) any { return order(child) })
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = order(e)
		}
		return out
	}
	return v
}

func orderMap(m map[string]any, first []string, child func(string, any) any) object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		ri, rj := rank(first, keys[i]), rank(first, keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	out := make(object, len(keys))
	for i, k := range keys {
		out[i] = member{Key: k, Value: child(k, m[k])}
	}
	return out
}

func rank(order []string, key string) int {
	if i := slices.Index(order, key); i >= 0 {
		return i
	}
	return len(order)
}
