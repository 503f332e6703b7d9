package cfn

import (
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is a parsed template: its sections as plain values with
// intrinsics in long form, and, when it was parsed from source, where each
// value was written.
type Template struct {
	root map[string]any
	node *yaml.Node // the source's top-level mapping; nil for New
	// origins maps a path whose value came from elsewhere in the source (a
	// resource a Fn::ForEach loop made, a property from SAM's Globals) to
	// the path it came from, keys joined by pathSeparator.
	origins map[string][]string
	skipped []Skip
}

// Skip is a part of a template the model leaves as written, and why: a
// transform it does not apply, a loop whose collection cannot be known.
// Whoever judges the template should say so rather than pass in silence.
type Skip struct {
	Path   []string
	Reason string
}

// Skipped lists what the model left as written, in source order of paths.
func (t *Template) Skipped() []Skip { return t.skipped }

const pathSeparator = "\x00"

// New makes a Template of plain values that has no source, such as a policy
// read from an API, so that the same rules can judge it. Its positions are
// all zero.
func New(root map[string]any) *Template { return &Template{root: root} }

// Value gives the whole template as plain values.
func (t *Template) Value() map[string]any { return t.root }

// Section gives a top-level section that is a mapping, such as Resources,
// Parameters or Conditions; nil when it is absent or not a mapping.
func (t *Template) Section(name string) map[string]any {
	m, _ := t.root[name].(map[string]any)
	return m
}

// Resource is one entry of the Resources section.
type Resource struct {
	ID   string
	Type string
	// Properties is nil when the entry has none.
	Properties map[string]any
	// Entry is the whole entry: Type, Properties, DeletionPolicy,
	// UpdateReplacePolicy, Condition, DependsOn, Metadata.
	Entry map[string]any
}

// Resources lists the resources of the given types, or all of them, sorted by
// logical id, so that whatever reads them reads them in the same order.
func (t *Template) Resources(types ...string) []Resource {
	var out []Resource
	for id, entry := range t.Section("Resources") {
		r, ok := resourceOf(id, entry)
		if ok && (len(types) == 0 || slices.Contains(types, r.Type)) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Resource) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Resource gives the resource with logical id id.
func (t *Template) Resource(id string) (Resource, bool) {
	return resourceOf(id, t.Section("Resources")[id])
}

func resourceOf(id string, entry any) (Resource, bool) {
	e, ok := entry.(map[string]any)
	if !ok {
		return Resource{}, false
	}
	typ, _ := e["Type"].(string)
	props, _ := e["Properties"].(map[string]any)
	return Resource{ID: id, Type: typ, Properties: props, Entry: e}, true
}

// Prop gives the value at a path of property names and list indexes below
// Properties, such as Prop("SSESpecification", "KMSMasterKeyId"); nil when
// any step is missing.
func (r Resource) Prop(path ...string) any { return At(r.Properties, path...) }

// Policy gives one of the entry's policy attributes, DeletionPolicy or
// UpdateReplacePolicy, as written; "" when unset or not a string.
func (r Resource) Policy(attribute string) string {
	s, _ := r.Entry[attribute].(string)
	return s
}

// At walks v along path: a map by key, a list by decimal index. It gives nil
// when a step is missing.
func At(v any, path ...string) any {
	for _, step := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// Pos is a place in a template's source; the zero Pos means unknown.
type Pos struct {
	Line, Column int
}

// Pos gives where the value at path (section, then keys and list indexes)
// was written: for a mapping entry, its key, where an editor should point.
// When the path leads into a value written as one node, such as
// !GetAtt Key.Arn, or past its end, it gives the deepest node on the way.
func (t *Template) Pos(path ...string) Pos {
	n := t.node
	if n == nil {
		return Pos{}
	}
	path = t.Source(path...)
	at := Pos{n.Line, n.Column}
	for _, step := range path {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		key, value := child(n, step)
		if value == nil {
			break
		}
		at, n = Pos{key.Line, key.Column}, value
	}
	return at
}

// Source gives the path in the source of the value at path: where a loop's
// body, a SAM global or, in a Branch, a list item before a removed one was
// written, through the longest prefix that has an origin; path itself for
// everything else.
func (t *Template) Source(path ...string) []string {
	for i := len(path); i > 0; i-- {
		if origin, ok := t.origins[strings.Join(path[:i], pathSeparator)]; ok {
			return append(slices.Clone(origin), path[i:]...)
		}
	}
	return path
}

// child finds the node a step leads to, and the node to point at for it: a
// mapping's key, or a list's item.
func child(n *yaml.Node, step string) (at, value *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == step {
				return n.Content[i], n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i]
		}
	}
	return nil, nil
}
