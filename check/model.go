package check

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// resource is one entry of a template's Resources section.
type resource struct {
	ID    string
	Type  string
	Props map[string]any
	Attrs map[string]any // the whole entry: DeletionPolicy, UpdateReplacePolicy, Condition...
}

// resources lists the template's resources of the given types, by logical id.
func (t Template) resources(types ...string) []resource {
	section, _ := t["Resources"].(map[string]any)
	ids := make([]string, 0, len(section))
	for id := range section {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []resource
	for _, id := range ids {
		r, _ := t.resource(id)
		if len(types) == 0 || slices.Contains(types, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

func (t Template) resource(id string) (resource, bool) {
	section, _ := t["Resources"].(map[string]any)
	body, ok := section[id].(map[string]any)
	if !ok {
		return resource{}, false
	}
	typ, _ := body["Type"].(string)
	props, _ := body["Properties"].(map[string]any)
	return resource{ID: id, Type: typ, Props: props, Attrs: body}, true
}

// Reference gives the logical id that v refers to with Ref or GetAtt.
func Reference(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	if id, ok := m["Ref"].(string); ok {
		return id, true
	}
	if args, ok := m["Fn::GetAtt"].([]any); ok && len(args) == 2 {
		id, ok := args[0].(string)
		return id, ok
	}
	return "", false
}

func isTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// number gives a literal number; parameters and intrinsics are not numbers.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// Statement is one policy statement, its lists normalised.
type Statement struct {
	Sid        string
	Effect     string
	Principals []string // AWS principals as text, Service principals as "service:NAME"; "*" for anyone
	Actions    []string
	Resources  []string
	Condition  map[string]any
}

// PolicyStatements reads the statements of a policy document, given as a
// map, as a JSON string, or through Fn::ToJsonString
// (AWS::LanguageExtensions).
func PolicyStatements(doc any) []Statement {
	if m, ok := doc.(map[string]any); ok && len(m) == 1 {
		if inner, ok := m["Fn::ToJsonString"]; ok {
			doc = inner
		}
	}
	if s, ok := doc.(string); ok {
		var parsed any
		if json.Unmarshal([]byte(s), &parsed) != nil {
			return nil
		}
		doc = parsed
	}
	m, _ := doc.(map[string]any)
	var raw []any
	switch s := m["Statement"].(type) {
	case []any:
		raw = s
	case map[string]any:
		raw = []any{s}
	}
	var out []Statement
	for _, r := range raw {
		sm, _ := r.(map[string]any)
		if sm == nil {
			continue
		}
		sid, _ := sm["Sid"].(string)
		effect, _ := sm["Effect"].(string)
		cond, _ := sm["Condition"].(map[string]any)
		out = append(out, Statement{
			Sid:        sid,
			Effect:     effect,
			Principals: principals(sm["Principal"]),
			Actions:    texts(sm["Action"]),
			Resources:  texts(sm["Resource"]),
			Condition:  cond,
		})
	}
	return out
}

func principals(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	m, _ := v.(map[string]any)
	out := texts(m["AWS"])
	for _, p := range texts(m["Service"]) {
		out = append(out, "service:"+p)
	}
	return out
}

// texts reads a string or a list of them; intrinsics become the text they
// stand for, with ${Name} for references.
func texts(v any) []string {
	if l, ok := v.([]any); ok {
		out := make([]string, 0, len(l))
		for _, e := range l {
			out = append(out, text(e))
		}
		return out
	}
	if v == nil {
		return nil
	}
	return []string{text(v)}
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if id, ok := v["Ref"].(string); ok {
			return "${" + id + "}"
		}
		if args, ok := v["Fn::GetAtt"].([]any); ok && len(args) == 2 {
			return "${" + text(args[0]) + "." + text(args[1]) + "}"
		}
		switch sub := v["Fn::Sub"].(type) {
		case string:
			return sub
		case []any:
			if len(sub) > 0 {
				return text(sub[0])
			}
		}
		if join, ok := v["Fn::Join"].([]any); ok && len(join) == 2 {
			sep, _ := join[0].(string)
			return strings.Join(texts(join[1]), sep)
		}
	}
	return "?"
}

var accountRoot = regexp.MustCompile(`^(arn:(aws[a-z-]*|\$\{AWS::Partition\}):iam::(\d{12}|\$\{AWS::AccountId\}):root|\d{12}|\$\{AWS::AccountId\})$`)

func isAccountRoot(principal string) bool { return accountRoot.MatchString(principal) }

func (s Statement) allows() bool { return s.Effect == "Allow" }

func (s Statement) hasAction(match func(string) bool) bool {
	return slices.ContainsFunc(s.Actions, match)
}

// conditionKeys lists the condition keys a statement tests, in lower case,
// whatever the operator.
func (s Statement) conditionKeys() []string {
	var keys []string
	for _, tests := range s.Condition {
		if m, ok := tests.(map[string]any); ok {
			for k := range m {
				keys = append(keys, strings.ToLower(k))
			}
		}
	}
	sort.Strings(keys)
	return keys
}
