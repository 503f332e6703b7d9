package render

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
)

// YAML renders the template as YAML with short-form intrinsics, two-space
// indents and block style throughout, the layout of hand-written templates.
//
// It writes the YAML itself rather than through yaml.v3: the tree holds only
// maps, lists and scalars whose style this package must choose anyway
// (yaml.v3 writes yes and on plain, which CloudFormation's YAML 1.1 reader
// takes for booleans), and yaml.v3's Node API, tried with the same styles,
// gave the same bytes 2.5 times slower with 4 times the memory (docs/benchmarks.md).
func YAML(t *cloudformation.Template, opts ...Option) ([]byte, error) {
	tree, err := orderedTree(t, opts)
	if err != nil {
		return nil, err
	}
	var w yamlWriter
	w.mapping(tree, 0, false)
	return w.Bytes(), nil
}

type yamlWriter struct{ bytes.Buffer }

func (w *yamlWriter) indent(n int) {
	for range n {
		w.WriteByte(' ')
	}
}

// mapping writes o's members at indent; when inline, the first one follows
// a sequence's dash on the current line.
func (w *yamlWriter) mapping(o object, indent int, inline bool) {
	for i, m := range o {
		if i > 0 || !inline {
			w.indent(indent)
		}
		w.WriteString(quoted(m.Key))
		w.WriteByte(':')
		w.value(m.Value, indent, false, true)
	}
}

// sequence writes l's items at indent; when inline, the first one follows a
// sequence's dash on the current line.
func (w *yamlWriter) sequence(l []any, indent int, inline bool) {
	for i, e := range l {
		if i > 0 || !inline {
			w.indent(indent)
		}
		w.WriteByte('-')
		w.value(e, indent, true, true)
	}
}

// value writes v after a mapping key (afterDash false) or a sequence's dash
// (afterDash true) on a line that starts at indent. An intrinsic is written
// in short form, unless it is the argument of one: YAML gives a node one tag.
func (w *yamlWriter) value(v any, indent int, afterDash, shortForm bool) {
	if o, ok := v.(object); ok && shortForm {
		if tag, arg, ok := intrinsic(o); ok {
			w.tagged(tag, arg, indent)
			return
		}
	}
	switch v := v.(type) {
	case object:
		if len(v) == 0 {
			w.WriteString(" {}\n")
			return
		}
		w.blockStart(afterDash)
		w.mapping(v, indent+2, afterDash)
	case []any:
		if len(v) == 0 {
			w.WriteString(" []\n")
			return
		}
		w.blockStart(afterDash)
		w.sequence(v, indent+2, afterDash)
	default:
		w.WriteByte(' ')
		w.scalar(v, indent)
	}
}

// blockStart begins a nested block: on the dash's line, or on the next line
// after a key.
func (w *yamlWriter) blockStart(afterDash bool) {
	if afterDash {
		w.WriteByte(' ')
	} else {
		w.WriteByte('\n')
	}
}

// tagged writes an intrinsic in short form after a key or a dash at indent.
func (w *yamlWriter) tagged(tag string, arg any, indent int) {
	if tag == "!GetAtt" {
		if dotted, ok := getAttDotted(arg); ok {
			arg = dotted
		}
	}
	w.WriteByte(' ')
	w.WriteString(tag)
	w.value(arg, indent, false, false)
}

// scalar writes a string, number, boolean or null and ends the line; a
// multi-line string becomes a block literal indented under indent.
func (w *yamlWriter) scalar(v any, indent int) {
	switch v := v.(type) {
	case string:
		if !readsWellAsBlock(v) {
			w.WriteString(quoted(v))
			w.WriteByte('\n')
			return
		}
		w.WriteByte('|')
		if !strings.HasSuffix(v, "\n") {
			w.WriteByte('-')
		}
		w.WriteByte('\n')
		for line := range strings.Lines(v) {
			if line != "\n" {
				w.indent(indent + 2)
			}
			w.WriteString(line)
		}
		if !strings.HasSuffix(v, "\n") {
			w.WriteByte('\n')
		}
	case json.Number:
		w.WriteString(string(v))
		w.WriteByte('\n')
	case bool:
		if v {
			w.WriteString("true\n")
		} else {
			w.WriteString("false\n")
		}
	default:
		w.WriteString("null\n")
	}
}

// intrinsic reports whether o is an intrinsic function call, such as
// {"Fn::Sub": ...}, and gives its short-form tag and its argument.
func intrinsic(o object) (tag string, arg any, ok bool) {
	if len(o) != 1 || !intrinsicNames[o[0].Key] {
		return "", nil, false
	}
	return "!" + strings.TrimPrefix(o[0].Key, "Fn::"), o[0].Value, true
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
