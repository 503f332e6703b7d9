package cfn

import (
	"encoding/json"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Intrinsic gives the function and argument of a value that is an intrinsic
// function in long form, such as ("Fn::GetAtt", ["Key", "Arn"]) or
// ("Ref", "Key"). Condition (a reference to a condition) counts too.
func Intrinsic(v any) (name string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if isIntrinsicName(k) {
			return k, a, true
		}
	}
	return "", nil, false
}

// isIntrinsicName reports whether the key of a map of one key makes it an
// intrinsic function.
func isIntrinsicName(key string) bool {
	return key == "Ref" || key == "Condition" || strings.HasPrefix(key, "Fn::")
}

// IsIntrinsic reports whether v is an intrinsic function in long form
// (Condition included), as Intrinsic reads it.
func IsIntrinsic(v any) bool {
	_, _, ok := Intrinsic(v)
	return ok
}

// RefTarget gives the logical id that v refers to with Ref or Fn::GetAtt.
func RefTarget(v any) (string, bool) {
	name, arg, ok := Intrinsic(v)
	switch {
	case !ok:
		return "", false
	case name == "Ref":
		id, ok := arg.(string)
		return id, ok
	case name == "Fn::GetAtt":
		if args, ok := arg.([]any); ok && len(args) == 2 {
			id, ok := args[0].(string)
			return id, ok
		}
	}
	return "", false
}

// Text gives the text a value stands for, as a reviewer reads it: a string
// as is, a number or boolean as written in JSON, Ref and GetAtt as ${X} and
// ${X.Attr}, Sub as its string with its variables filled in, Join as its
// parts joined; so !Ref X and !Sub '${X}' read alike, as they give the same
// value. Any other intrinsic is written as canonical JSON, so that it never
// reads like a value that differs from it.
func Text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return ""
	}
	name, arg, ok := Intrinsic(v)
	switch {
	case !ok:
	case name == "Ref":
		if id, ok := arg.(string); ok {
			return "${" + id + "}"
		}
	case name == "Fn::GetAtt":
		if args, ok := arg.([]any); ok && len(args) == 2 {
			return "${" + Text(args[0]) + "." + Text(args[1]) + "}"
		}
	case name == "Fn::Sub":
		if s, ok := arg.(string); ok {
			return s
		}
		if args, ok := arg.([]any); ok && len(args) == 2 {
			s, isString := args[0].(string)
			vars, isMap := args[1].(map[string]any)
			if isString && isMap {
				return substitute(s, func(name string) (string, bool) {
					v, ok := vars[name]
					return Text(v), ok
				})
			}
		}
	case name == "Fn::Join":
		if args, ok := arg.([]any); ok && len(args) == 2 {
			sep, isString := args[0].(string)
			parts, isList := args[1].([]any)
			if isString && isList {
				texts := make([]string, len(parts))
				for i, p := range parts {
					texts[i] = Text(p)
				}
				return strings.Join(texts, sep)
			}
		}
	}
	return canonicalJSON(v)
}

// Opaque reports whether Text cannot spell v: v is, or holds in a Fn::Sub's
// variables or a Fn::Join's parts, an intrinsic other than Ref, Fn::GetAtt,
// Fn::Sub and Fn::Join (Fn::FindInMap, Fn::ImportValue, Fn::Select...),
// which Text writes as JSON: what such a value stands for is not known
// before deployment, and its text tells nothing about it.
func Opaque(v any) bool {
	name, arg, ok := Intrinsic(v)
	switch {
	case !ok || name == "Ref" || name == "Fn::GetAtt":
		return false
	case name == "Fn::Sub":
		if _, isString := arg.(string); isString {
			return false
		}
		_, isString := At(arg, "0").(string)
		vars, isMap := At(arg, "1").(map[string]any)
		return !isString || !isMap || slices.ContainsFunc(slices.Collect(maps.Values(vars)), Opaque)
	case name == "Fn::Join":
		_, isString := At(arg, "0").(string)
		parts, isList := At(arg, "1").([]any)
		return !isString || !isList || slices.ContainsFunc(parts, Opaque)
	}
	return true
}

// List reads a value or a list of them, as policies and Transform write
// them, as a list; nil is the empty list.
func List(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// IsTrue reports whether a value is true as CloudFormation reads a boolean:
// true, or the string "true" in any case.
func IsTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// Texts reads a string or a list of values, as policies write principals,
// actions and resources, as their texts.
func Texts(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = Text(e)
		}
		return out
	case []string:
		return slices.Clone(v) // its callers sort and lower-case what they get
	}
	return []string{Text(v)}
}

func canonicalJSON(v any) string {
	b, err := json.Marshal(v) // sorts map keys
	if err != nil {
		return "?"
	}
	return string(b)
}

// SubNames lists the names a Fn::Sub string refers to, as ${Name} or
// ${Name.Attribute} (the part before the dot), in order; ${!Literal} is
// left out.
func SubNames(s string) []string {
	var out []string
	for variable := range subVariables(s) {
		if name, _, _ := strings.Cut(variable.name, "."); name != "" && !variable.escaped {
			out = append(out, name)
		}
	}
	return out
}

// substitute fills in the ${Name} variables of a Fn::Sub string with lookup;
// ${!Literal} becomes ${Literal}, and a variable lookup does not know stays
// as written.
func substitute(s string, lookup func(string) (string, bool)) string {
	return fill(s, lookup, true)
}

// fillSub fills in the variables of a Fn::Sub string lookup knows and gives
// the Fn::Sub string that is left: ${!Literal} stays one.
func fillSub(s string, lookup func(string) (string, bool)) string {
	return fill(s, lookup, false)
}

func fill(s string, lookup func(string) (string, bool), unescape bool) string {
	var b strings.Builder
	written := 0
	for v := range subVariables(s) {
		b.WriteString(s[written:v.start])
		written = v.end
		value, known := "", false
		if !v.escaped {
			value, known = lookup(v.name)
		}
		switch {
		case v.escaped && unescape:
			b.WriteString("${" + v.name + "}")
		case known:
			b.WriteString(value)
		default:
			b.WriteString(s[v.start:v.end])
		}
	}
	if written == 0 {
		return s // no variable: nothing to copy
	}
	b.WriteString(s[written:])
	return b.String()
}

// subVariable is a ${...} of a Fn::Sub string: its name, ${!Literal}'s
// without the !, and where it is written, s[start:end].
type subVariable struct {
	name       string
	escaped    bool
	start, end int
}

// subVariables yields the variables of a Fn::Sub string, in order.
func subVariables(s string) iter.Seq[subVariable] {
	return func(yield func(subVariable) bool) {
		for offset := 0; ; {
			start := strings.Index(s[offset:], "${")
			if start < 0 {
				return
			}
			start += offset
			end := strings.IndexByte(s[start:], '}')
			if end < 0 {
				return
			}
			end += start + 1
			name, escaped := strings.CutPrefix(s[start+2:end-1], "!")
			if !yield(subVariable{name, escaped, start, end}) {
				return
			}
			offset = end
		}
	}
}

// HasDynamicReference reports whether text holds a dynamic reference,
// {{resolve:ssm:...}} or {{resolve:secretsmanager:...}}, which
// CloudFormation replaces with a value stored outside the template when it
// deploys.
func HasDynamicReference(text string) bool { return strings.Contains(text, "{{resolve:") }
