package render

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
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
	parameterOrder = []string{"Type", "Description", "Default", "AllowedValues", "AllowedPattern", "ConstraintDescription"}
	policyOrder    = []string{"Version", "Id", "Statement"}
	statementOrder = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)

// Option changes how a template is rendered.
type Option func(*options)

type options struct {
	resources, outputs []string
}

// Order puts the resources and outputs it names first, in its order, such as
// the order a builder added them in; the rest follow by logical id.
func Order(resources, outputs []string) Option {
	return func(o *options) {
		o.resources, o.outputs = resources, outputs
	}
}

// orderedTree turns the template into a tree of objects, lists and scalars
// in rendering order.
func orderedTree(t *cloudformation.Template, opts []Option) (object, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	top, err := decode(t)
	if err != nil {
		return nil, err
	}
	out := orderMap(top, topLevelOrder, func(key string, v any) any {
		switch key {
		case "Resources":
			return orderChildren(v, o.resources, resourceOrder)
		case "Outputs":
			return orderChildren(v, o.outputs, outputOrder)
		case "Parameters":
			return orderChildren(v, nil, parameterOrder)
		}
		return order(v)
	})
	return out, nil
}

// decode serialises the template and reads it back as plain maps, lists and
// scalars, with goformation's encoded intrinsics spelled out. It does what
// Template.JSON does in one pass instead of three, without JSON's
// indentation.
func decode(t *cloudformation.Template) (map[string]any, error) {
	if t == nil {
		return nil, errors.New("no template to render")
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("serialise template: %w", err)
	}
	var top map[string]any
	if err := unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("read serialised template: %w", err)
	}
	for k, v := range top {
		top[k] = spellOutIntrinsics(v)
	}
	return top, nil
}

func unmarshal(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// intrinsicNames are the functions goformation encodes as base64 strings.
var intrinsicNames = map[string]bool{
	"Ref": true, "Fn::Base64": true, "Fn::And": true, "Fn::Equals": true, "Fn::If": true, "Fn::Not": true,
	"Fn::Or": true, "Fn::FindInMap": true, "Fn::GetAtt": true, "Fn::GetAZs": true, "Fn::ImportValue": true,
	"Fn::Join": true, "Fn::Select": true, "Fn::Split": true, "Fn::Sub": true, "Fn::Cidr": true, "Fn::Transform": true,
}

// spellOutIntrinsics replaces every string that goformation's
// cloudformation.Ref, GetAtt, Sub and the like encoded with the intrinsic it
// stands for, as intrinsics.ProcessJSON does.
func spellOutIntrinsics(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = spellOutIntrinsics(e)
		}
	case []any:
		for i, e := range v {
			v[i] = spellOutIntrinsics(e)
		}
	case string:
		decoded, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return v
		}
		var fn map[string]any
		if err := unmarshal(decoded, &fn); err != nil || len(fn) != 1 {
			return v
		}
		for name, arg := range fn {
			if intrinsicNames[name] {
				return map[string]any{name: spellOutIntrinsics(arg)}
			}
		}
	}
	return v
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
	rank := make(map[string]int, len(first))
	for i, k := range first {
		rank[k] = i
	}
	rankOf := func(k string) int {
		if r, ok := rank[k]; ok {
			return r
		}
		return len(first)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(rankOf(a), rankOf(b)), strings.Compare(a, b))
	})
	out := make(object, len(keys))
	for i, k := range keys {
		out[i] = member{Key: k, Value: child(k, m[k])}
	}
	return out
}
