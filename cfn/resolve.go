package cfn

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// Stack is what a deployed stack says about the references in its template.
type Stack struct {
	// Pseudo holds the pseudo parameters: AWS::AccountId, AWS::Region,
	// AWS::Partition, AWS::StackName, AWS::StackId, AWS::URLSuffix.
	Pseudo map[string]string
	// Parameters holds the stack's parameter values.
	Parameters map[string]string
	// Physical holds each resource's physical id, what Ref gives.
	Physical map[string]string
	// Attribute gives Fn::GetAtt of a resource, or why it cannot; nil
	// knows none.
	Attribute func(id, attribute string) (string, error)
}

// noValue is what Ref AWS::NoValue resolves to: the property is removed.
type noValue struct{}

// Resolve evaluates every intrinsic function in v against a deployed stack:
// Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If (by the
// template's Conditions), Fn::FindInMap (by its Mappings), Fn::Base64 and
// Fn::ToJsonString. A reference the stack cannot answer, or Fn::ImportValue
// and Fn::GetAZs, is an error naming it: a value that cannot be known is
// never guessed.
func (t *Template) Resolve(v any, s Stack) (any, error) {
	r := resolver{t: t, s: s}
	out, err := r.value(v)
	if _, removed := out.(noValue); removed {
		return nil, err
	}
	return out, err
}

type resolver struct {
	t *Template
	s Stack
}

func (r resolver) value(v any) (any, error) {
	switch v := v.(type) {
	case []any:
		out := make([]any, 0, len(v))
		for _, e := range v {
			got, err := r.value(e)
			if err != nil {
				return nil, err
			}
			if _, removed := got.(noValue); !removed {
				out = append(out, got)
			}
		}
		return out, nil
	case map[string]any:
		if name, arg, ok := Intrinsic(v); ok && name != "Condition" {
			return r.intrinsic(name, arg)
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			got, err := r.value(e)
			if err != nil {
				return nil, err
			}
			if _, removed := got.(noValue); !removed {
				out[k] = got
			}
		}
		return out, nil
	}
	return v, nil
}

func (r resolver) intrinsic(name string, arg any) (any, error) {
	switch name {
	case "Ref":
		ref, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("!Ref %s: want a name", Text(arg))
		}
		return r.ref(ref)
	case "Fn::GetAtt":
		id, attribute, err := r.getAttArgs(arg)
		if err != nil {
			return nil, err
		}
		return r.getAtt(id, attribute)
	case "Fn::Sub":
		return r.sub(arg)
	case "Fn::Join":
		return r.join(arg)
	case "Fn::Select":
		return r.selectItem(arg)
	case "Fn::Split":
		args, err := r.strings(name, arg, 2)
		if err != nil {
			return nil, err
		}
		var out []any
		for _, part := range strings.Split(args[1], args[0]) {
			out = append(out, part)
		}
		return out, nil
	case "Fn::If":
		return r.ifBranch(arg)
	case "Fn::FindInMap":
		args, err := r.strings(name, arg, 3)
		if err != nil {
			return nil, err
		}
		found := At(r.t.Section("Mappings"), args...)
		if found == nil {
			return nil, fmt.Errorf("Fn::FindInMap %s: no such entry", strings.Join(args, "."))
		}
		return r.value(found)
	case "Fn::Base64":
		s, err := r.text(arg)
		if err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "Fn::ToJsonString":
		resolved, err := r.value(arg)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(resolved)
		return string(b), err
	}
	return nil, fmt.Errorf("%s %s: not known before deployment", name, Text(arg))
}

func (r resolver) ref(name string) (any, error) {
	if name == "AWS::NoValue" {
		return noValue{}, nil
	}
	if v, ok := r.s.Pseudo[name]; ok {
		return v, nil
	}
	if v, ok := r.s.Parameters[name]; ok {
		return v, nil
	}
	if v, ok := r.s.Physical[name]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("!Ref %s: the stack does not say", name)
}

func (r resolver) getAttArgs(arg any) (id, attribute string, err error) {
	args, ok := arg.([]any)
	if ok && len(args) == 2 {
		id, _ = args[0].(string)
		attribute, err = r.text(args[1])
		if id != "" && err == nil {
			return id, attribute, nil
		}
	}
	return "", "", fmt.Errorf("Fn::GetAtt %s: want [Resource, Attribute]", Text(arg))
}

func (r resolver) getAtt(id, attribute string) (any, error) {
	if r.s.Attribute == nil {
		return nil, fmt.Errorf("Fn::GetAtt %s.%s: the stack does not say", id, attribute)
	}
	v, err := r.s.Attribute(id, attribute)
	if err != nil {
		return nil, fmt.Errorf("Fn::GetAtt %s.%s: %w", id, attribute, err)
	}
	return v, nil
}

func (r resolver) sub(arg any) (any, error) {
	s, ok := arg.(string)
	vars := map[string]any{}
	if list, isList := arg.([]any); isList && len(list) == 2 {
		s, ok = list[0].(string)
		vars, _ = list[1].(map[string]any)
	}
	if !ok {
		return nil, fmt.Errorf("Fn::Sub %s: want a string, or [string, variables]", Text(arg))
	}
	var failed error
	out := substitute(s, func(name string) (string, bool) {
		var v any
		var err error
		if given, ok := vars[name]; ok {
			v, err = r.value(given)
		} else if id, attribute, dotted := strings.Cut(name, "."); dotted {
			v, err = r.getAtt(id, attribute)
		} else {
			v, err = r.ref(name)
		}
		if err == nil {
			var text string
			text, err = r.text(v)
			if err == nil {
				return text, true
			}
		}
		if failed == nil {
			failed = fmt.Errorf("Fn::Sub %q: %w", s, err)
		}
		return "", false
	})
	return out, failed
}

func (r resolver) join(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, fmt.Errorf("Fn::Join %s: want [separator, list]", Text(arg))
	}
	sep, err := r.text(args[0])
	if err != nil {
		return nil, err
	}
	list, err := r.value(args[1])
	if err != nil {
		return nil, err
	}
	parts, ok := list.([]any)
	if !ok {
		return nil, fmt.Errorf("Fn::Join: want a list to join, got %s", Text(list))
	}
	texts := make([]string, len(parts))
	for i, p := range parts {
		if texts[i], err = r.text(p); err != nil {
			return nil, err
		}
	}
	return strings.Join(texts, sep), nil
}

func (r resolver) selectItem(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, fmt.Errorf("Fn::Select %s: want [index, list]", Text(arg))
	}
	index, err := r.text(args[0])
	if err != nil {
		return nil, err
	}
	list, err := r.value(args[1])
	if err != nil {
		return nil, err
	}
	items, _ := list.([]any)
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(items) {
		return nil, fmt.Errorf("Fn::Select %s: no item %s in a list of %d", Text(arg), index, len(items))
	}
	return items[i], nil
}

func (r resolver) ifBranch(arg any) (any, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != 3 {
		return nil, fmt.Errorf("Fn::If %s: want [condition, then, else]", Text(arg))
	}
	name, _ := args[0].(string)
	holds, err := r.condition(name, map[string]bool{})
	if err != nil {
		return nil, err
	}
	if holds {
		return r.value(args[1])
	}
	return r.value(args[2])
}

// condition evaluates a named condition of the template; seen stops a
// condition that refers to itself.
func (r resolver) condition(name string, seen map[string]bool) (bool, error) {
	body, ok := r.t.Section("Conditions")[name]
	if !ok {
		return false, fmt.Errorf("condition %q: not in the template's Conditions", name)
	}
	if seen[name] {
		return false, fmt.Errorf("condition %q: refers to itself", name)
	}
	seen[name] = true
	defer delete(seen, name)
	return r.truth(body, seen)
}

func (r resolver) truth(v any, seen map[string]bool) (bool, error) {
	name, arg, ok := Intrinsic(v)
	if !ok {
		return false, fmt.Errorf("condition %s: want Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", Text(v))
	}
	if name == "Condition" {
		ref, _ := arg.(string)
		return r.condition(ref, seen)
	}
	args, _ := arg.([]any)
	switch name {
	case "Fn::Equals":
		if len(args) != 2 {
			return false, fmt.Errorf("Fn::Equals %s: want two values", Text(arg))
		}
		a, err := r.value(args[0])
		if err != nil {
			return false, err
		}
		b, err := r.value(args[1])
		if err != nil {
			return false, err
		}
		return Text(a) == Text(b), nil
	case "Fn::Not":
		if len(args) != 1 {
			return false, fmt.Errorf("Fn::Not %s: want one condition", Text(arg))
		}
		holds, err := r.truth(args[0], seen)
		return !holds, err
	case "Fn::And", "Fn::Or":
		all := name == "Fn::And"
		for _, a := range args {
			holds, err := r.truth(a, seen)
			if err != nil {
				return false, err
			}
			if holds != all {
				return holds, nil
			}
		}
		return all, nil
	}
	return false, fmt.Errorf("condition %s: %s is not a condition function", Text(v), name)
}

// text resolves v and gives it as a string; a list or a map is an error.
func (r resolver) text(v any) (string, error) {
	resolved, err := r.value(v)
	if err != nil {
		return "", err
	}
	switch resolved.(type) {
	case []any, map[string]any:
		return "", fmt.Errorf("want a string, got %s", Text(resolved))
	}
	return Text(resolved), nil
}

func (r resolver) strings(name string, arg any, n int) ([]string, error) {
	args, ok := arg.([]any)
	if !ok || len(args) != n {
		return nil, fmt.Errorf("%s %s: want %d arguments", name, Text(arg), n)
	}
	out := make([]string, n)
	for i, a := range args {
		var err error
		if out[i], err = r.text(a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WithMappings gives the template with every Fn::FindInMap of its resources
// whose map and keys are written out (not references) replaced by the value
// its Mappings section gives: a value that is the same in every deployment.
func (t *Template) WithMappings() *Template {
	mappings := t.Section("Mappings")
	if len(mappings) == 0 {
		return t
	}
	b := *t
	b.root = maps.Clone(t.root)
	b.root["Resources"] = withMappings(t.root["Resources"], mappings)
	return &b
}

func withMappings(v any, mappings map[string]any) any {
	switch v := v.(type) {
	case map[string]any:
		if name, arg, ok := Intrinsic(v); ok && name == "Fn::FindInMap" {
			if args, ok := withMappings(arg, mappings).([]any); ok && len(args) == 3 {
				m, ok1 := args[0].(string)
				k1, ok2 := args[1].(string)
				k2, ok3 := args[2].(string)
				if found := At(mappings, m, k1, k2); ok1 && ok2 && ok3 && found != nil {
					return withMappings(found, mappings)
				}
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = withMappings(e, mappings)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = withMappings(e, mappings)
		}
		return out
	}
	return v
}
