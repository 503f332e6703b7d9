package cfn

import (
	"maps"
	"slices"
	"strconv"
)

// IfConditions lists the conditions that Fn::If tests in the resources,
// sorted: the template is one template for each way they may hold.
func (t *Template) IfConditions() []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if name, arg, ok := Intrinsic(v); ok && name == "Fn::If" {
				if args, ok := arg.([]any); ok && len(args) == 3 {
					if c, ok := args[0].(string); ok {
						out = append(out, c)
					}
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(t.root["Resources"])
	return set(out)
}

// Branch gives the template as it is when each condition of holds has that
// truth value: every Fn::If on one of them replaced by its branch, and a
// branch of Ref AWS::NoValue removed. Positions, and Source, stay those of
// the source: a list item after a removed one still points where it was
// written.
func (t *Template) Branch(holds map[string]bool) *Template {
	b := *t
	b.origins = maps.Clone(t.origins)
	b.root = b.branch(t.root, holds, nil).(map[string]any)
	return &b
}

func (t *Template) branch(v any, holds map[string]bool, path []string) any {
	switch v := v.(type) {
	case map[string]any:
		if name, arg, ok := Intrinsic(v); ok && name == "Fn::If" {
			if args, ok := arg.([]any); ok && len(args) == 3 {
				c, _ := args[0].(string)
				if value, known := holds[c]; known {
					if value {
						return t.branch(args[1], holds, path)
					}
					return t.branch(args[2], holds, path)
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			if b := t.branch(e, holds, append(slices.Clip(path), k)); !isNoValue(b) {
				out[k] = b
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for i, e := range v {
			b := t.branch(e, holds, append(slices.Clip(path), strconv.Itoa(i)))
			if isNoValue(b) {
				continue
			}
			if moved := len(out); moved != i {
				t.origin(append(slices.Clip(path), strconv.Itoa(moved)), t.Source(append(slices.Clip(path), strconv.Itoa(i))...))
			}
			out = append(out, b)
		}
		return out
	}
	return v
}

func isNoValue(v any) bool {
	name, arg, ok := Intrinsic(v)
	return ok && name == "Ref" && arg == "AWS::NoValue"
}
