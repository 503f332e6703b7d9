package cfn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Parse reads a CloudFormation or SAM template in YAML or JSON (yaml.v3 reads
// both). Errors name the line.
func Parse(src []byte) (*Template, error) {
	isJSON, err := checkJSON(src)
	if err != nil {
		return nil, err
	}
	if isJSON {
		src = escapeForYAML(src)
	}
	var doc *yaml.Node
	var pieces []*yaml.Node
	split := false
	if len(src) >= splitAbove {
		doc, pieces, split = readInPieces(src, parts())
	}
	if !split {
		if doc, err = readYAML(src); err != nil {
			return nil, err
		}
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("line 1: empty template")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: a template is a mapping of sections, got a %s", root.Line, kindName(root))
	}
	var v map[string]any
	inlineTransforms := false
	if split {
		v, inlineTransforms, split = convertInPieces(root, pieces)
	}
	if !split {
		c := &converter{}
		whole, err := c.longForm(root)
		if err != nil {
			return nil, err
		}
		v, inlineTransforms = whole.(map[string]any), c.inlineTransforms
	}
	t := &Template{root: v, node: root}
	t.applyTransforms(inlineTransforms)
	return t, nil
}

// readYAML reads src plainly if it can, with yaml.v3 if not.
func readYAML(src []byte) (*yaml.Node, error) {
	if doc, ok := readPlain(src); ok {
		return doc, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err // yaml.v3 errors already say "line N"
	}
	return &doc, nil
}

// checkJSON tells whether src is JSON, and refuses JSON that is not valid:
// YAML, which reads the rest, would take {"A": } for a null.
func checkJSON(src []byte) (bool, error) {
	if trimmed := bytes.TrimSpace(src); len(trimmed) == 0 || trimmed[0] != '{' {
		return false, nil
	}
	var v any
	err := json.Unmarshal(src, &v)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return true, fmt.Errorf("line %d: %w", 1+bytes.Count(src[:syntax.Offset], []byte("\n")), err)
	}
	return true, err
}

// escapeForYAML writes the characters JSON strings may hold as they are but
// YAML may not (DEL, the C1 controls, U+FEFF, U+FFFE, U+FFFF) as \u escapes,
// which both read alike; every other byte, and so every line, stays.
func escapeForYAML(src []byte) []byte {
	var out []byte
	for i, r := range string(src) {
		if r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0xfeff || r == 0xfffe || r == 0xffff {
			if out == nil {
				out = append(out, src[:i]...)
			}
			out = fmt.Appendf(out, "\\u%04x", r)
			continue
		}
		if out != nil {
			out = utf8.AppendRune(out, r)
		}
	}
	if out == nil {
		return src
	}
	return out
}

// maxAliasNodes bounds the nodes that aliases may add, each alias counting
// every node of what it stands for, aliases within it included: templates
// rarely use aliases, and a "billion laughs" file, or one anchor of
// thousands of items named by thousands of aliases, must not exhaust memory.
const maxAliasNodes = 10000

// converter turns YAML nodes into plain values, following aliases without
// looping on an alias to its own ancestor.
type converter struct {
	expanding map[*yaml.Node]bool // the anchors whose aliases are being followed
	alias     *yaml.Node          // the outermost alias being followed; nil outside aliases
	added     int                 // the nodes aliases have added so far
	// inlineTransforms: a Fn::Transform was read, which only then need be
	// looked for among the resources.
	inlineTransforms bool
}

// firstKeyLine gives the line of the first key of mapping n named key.
func firstKeyLine(n *yaml.Node, key string) int {
	for i := 0; i < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}

// longForm converts a YAML node into plain values. Scalars become strings,
// float64, bool or nil, as JSON would give them.
func (c *converter) longForm(n *yaml.Node) (any, error) {
	if c.alias != nil {
		if c.added++; c.added > maxAliasNodes {
			return nil, fmt.Errorf("line %d: alias *%s: aliases expand to more than %d nodes", c.alias.Line, c.alias.Value, maxAliasNodes)
		}
	}
	c.inlineTransforms = c.inlineTransforms || n.Tag == "!Transform"
	switch n.Kind {
	case yaml.AliasNode:
		if c.expanding[n.Alias] {
			return nil, fmt.Errorf("line %d: alias *%s refers to a node that contains it", n.Line, n.Value)
		}
		if c.expanding == nil {
			c.expanding = map[*yaml.Node]bool{}
		}
		if c.alias == nil {
			c.alias = n
			defer func() { c.alias = nil }()
		}
		c.expanding[n.Alias] = true
		defer delete(c.expanding, n.Alias)
		return c.longForm(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a mapping key must be a scalar", k.Line)
			}
			if k.ShortTag() == "!!merge" {
				// SAM and aws cloudformation package merge them; kept as a
				// key, << would hide what they merge from every rule.
				return nil, fmt.Errorf("line %d: YAML merge keys (<<) are not supported: write the keys out", k.Line)
			}
			c.inlineTransforms = c.inlineTransforms || k.Value == "Fn::Transform"
			if _, seen := m[k.Value]; seen {
				return nil, fmt.Errorf("line %d: mapping key %q already defined at line %d", k.Line, k.Value, firstKeyLine(n, k.Value))
			}
			val, err := c.longForm(v)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return withTag(n, m)
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			val, err := c.longForm(e)
			if err != nil {
				return nil, err
			}
			l = append(l, val)
		}
		return withTag(n, l)
	}
	return withTag(n, scalar(n))
}

// scalar reads a scalar as JSON would: numbers, booleans and null by the
// YAML core schema; everything else, dates included, as text.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err == nil {
			return f
		}
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!null":
		return nil
	}
	return n.Value
}

// withTag wraps a value carrying a short-form intrinsic tag in its long form.
func withTag(n *yaml.Node, v any) (any, error) {
	tag := n.Tag
	if tag == "" || strings.HasPrefix(tag, "!!") {
		return v, nil
	}
	name := strings.TrimPrefix(tag, "!")
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			resource, attribute, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %q: want Resource.Attribute", n.Line, s)
			}
			v = []any{resource, attribute}
		}
	}
	return map[string]any{"Fn::" + name: v}, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "document"
}
