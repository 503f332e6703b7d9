package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dynamodb-sse-cmk/stack/template"
)

// YAML renders the stack as YAML with short-form intrinsics.
func YAML(s *template.Stack) ([]byte, error) {
	tree, err := orderedTree(s)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(tree)); err != nil {
		return nil, fmt.Errorf("encode YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode YAML: %w", err)
	}
	return buf.Bytes(), nil
}

func yamlNode(v any) *yaml.Node {
	switch v := v.(type) {
	case object:
		if tag, arg, ok := intrinsic(v); ok {
			return shortForm(tag, arg)
		}
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, m := range v {
			n.Content = append(n.Content, stringNode(m.Key), yamlNode(m.Value))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range v {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	case string:
		return stringNode(v)
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(string(v), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(v)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(v)}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}

// stringNode leaves quoting to the encoder, which quotes any string that
// would otherwise read back as another type ('2012-10-17', '*', 'true').
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// intrinsic reports whether o is an intrinsic function call, such as
// {"Fn::Sub": ...}, and gives its short-form tag and its argument.
func intrinsic(o object) (tag string, arg any, ok bool) {
	if len(o) != 1 {
		return "", nil, false
	}
	key := o[0].Key
	switch {
	case key == "Ref":
		return "!Ref", o[0].Value, true
	case strings.HasPrefix(key, "Fn::"):
		return "!" + strings.TrimPrefix(key, "Fn::"), o[0].Value, true
	}
	return "", nil, false
}

func shortForm(tag string, arg any) *yaml.Node {
	if tag == "!GetAtt" {
		if dotted, ok := getAttDotted(arg); ok {
			arg = dotted
		}
	}
	n := yamlNode(arg)
	n.Tag = tag
	if n.Kind == yaml.ScalarNode && n.Style == 0 && needsQuotes(n.Value) {
		// A tagged plain scalar is read as a string whatever it looks
		// like, but the encoder only knows that for untagged ones.
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// getAttDotted writes ["Resource", "Attribute"] as "Resource.Attribute".
func getAttDotted(arg any) (string, bool) {
	parts, ok := arg.([]any)
	if !ok || len(parts) != 2 {
		return "", false
	}
	name, ok1 := parts[0].(string)
	attr, ok2 := parts[1].(string)
	if !ok1 || !ok2 || strings.Contains(name, ".") {
		return "", false
	}
	return name + "." + attr, true
}

// needsQuotes reports whether a scalar cannot stand plain after a tag.
func needsQuotes(s string) bool {
	var probe yaml.Node
	if err := yaml.Unmarshal([]byte("!X "+s), &probe); err != nil {
		return true
	}
	return len(probe.Content) != 1 || probe.Content[0].Value != s
}
