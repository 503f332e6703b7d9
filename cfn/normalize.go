package cfn

import (
	_ "embed"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/internal/parallel"
)

// Normalize gives the template as the tools judge it: every value its
// resources read that the template alone decides, resolved once, so that
// a value written another way is the same value.
//
//   - Fn::FindInMap of written-out keys gives the mapped value, and one
//     keyed by AWS::Region gives the value every Region's entry shares.
//   - A parameter whose AllowedValues leave one choice is that choice.
//   - Fn::Select of a written-out list, Fn::Join and Fn::Split of
//     written-out text give their result.
//   - Ref AWS::NoValue removes the property, or the list item, it stands
//     for (outside Fn::If, which Under decides).
//   - Fn::Join of text and references is the Fn::Sub of the same string.
//   - Fn::Sub of one reference, '${Key.Arn}' or '${Table}', is the
//     Fn::GetAtt or Ref it names; the ARN of a role of the template at
//     path /, written out, is its Fn::GetAtt Arn.
//   - Fn::GetAtt Value of an AWS::SSM::Parameter is the Value it sets.
//   - A string written where the resource's schema wants a boolean or a
//     number ('false', '30') is that boolean or number, as CloudFormation
//     converts it.
//
// What only deployment decides (a parameter, a condition, the Region)
// stays as written; Under gives the template as one deployment makes it.
// Positions stay those of the source.
func (t *Template) Normalize() *Template {
	n := normalizer{t: t, params: singleChoices(t.Section("Parameters"))}
	return n.template()
}

// normalizer rewrites the resources of a template, given what is decided:
// parameters, the Region, conditions.
type normalizer struct {
	t      *Template
	params map[string]any
	// region is the Region Fn::FindInMap looks up; written in a value,
	// AWS::Region stays a reference.
	region string
	// conditions is every condition's truth in one deployment; nil when
	// they are not decided.
	conditions map[string]bool
	// reads holds the resources that read anything the normalizer decides
	// beyond what Normalize did; nil: every one. variant names the
	// values that decide one, under which made keeps what it makes: the
	// same resource of two scenarios that decide it alike is made once.
	reads   map[string][]string
	variant func(id string) string
	made    *sync.Map
	// origins collects where list items written after a removed one came
	// from, for the entry being normalised.
	origins map[string][]string
}

// madeEntry is a resource entry as a scenario makes it.
type madeEntry struct {
	entry   any
	removed bool
	origins map[string][]string
}

// template gives the template with each resource entry normalised.
func (n normalizer) template() *Template {
	out := *n.t
	out.origins = maps.Clone(n.t.origins)
	out.root = maps.Clone(n.t.root)
	resources := n.t.Section("Resources")
	made := make(map[string]any, len(resources))
	var ids []string
	for id, entry := range resources {
		if _, decides := n.reads[id]; n.reads != nil && !decides {
			made[id] = entry
		} else {
			ids = append(ids, id)
		}
	}
	entries := make([]madeEntry, len(ids))
	normalise := func(i int) { entries[i] = n.entry(ids[i], resources[ids[i]]) }
	if len(ids) < inParallelFrom {
		for i := range ids {
			normalise(i)
		}
	} else {
		parallel.For(len(ids), normalise)
	}
	for i, e := range entries {
		if len(e.origins) > 0 && out.origins == nil {
			out.origins = map[string][]string{}
		}
		maps.Copy(out.origins, e.origins)
		if !e.removed {
			made[ids[i]] = e.entry
		}
	}
	out.root["Resources"] = made
	return &out
}

// inParallelFrom is how many resource entries it takes to normalise them
// on every core.
const inParallelFrom = 64

// entry normalises one resource entry, or gives it as a scenario that
// decided it alike made it.
func (n normalizer) entry(id string, entry any) madeEntry {
	var key string
	if n.made != nil {
		key = n.variant(id)
		if e, ok := n.made.Load(key); ok {
			return e.(madeEntry)
		}
	}
	n.origins = map[string][]string{}
	e := madeEntry{origins: n.origins}
	if c, ok := At(entry, "Condition").(string); ok && n.conditions != nil {
		if holds, decided := n.conditions[c]; decided && !holds {
			e.removed = true // the deployment does not make it
		}
	}
	if !e.removed {
		typ, _ := At(entry, "Type").(string)
		// Room for the walk's steps: each append to a full path would copy it.
		path := append(make([]string, 0, 16), "Resources", id)
		e.entry, e.removed = n.value(entry, path, typ, 0)
	}
	if n.made != nil {
		// Two scenarios may make it at once: both take the first made.
		made, _ := n.made.LoadOrStore(key, e)
		return made.(madeEntry)
	}
	return e
}

// removedValue is what Ref AWS::NoValue gives: the property is not there.
type removedValue struct{}

// value normalises v, written at path in a resource of type typ; below
// counts the steps from the entry (Resources, id, Properties, ...). path
// is a stack the walk shares: whoever keeps it copies it.
func (n normalizer) value(v any, path []string, typ string, depth int) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		if name, arg, ok := Intrinsic(v); ok {
			out := n.intrinsic(v, name, arg, path, typ, depth)
			_, removed := out.(removedValue)
			return out, removed
		}
		var out map[string]any
		for k, was := range v {
			e, removed := n.value(was, append(path, k), typ, depth+1)
			if !removed && same(e, was) {
				continue
			}
			if out == nil {
				out = maps.Clone(v)
			}
			if removed {
				delete(out, k)
			} else {
				out[k] = e
			}
		}
		if out == nil {
			return v, false
		}
		return out, false
	case []any:
		var out []any
		for i, e := range v {
			got, removed := n.value(e, append(path, strconv.Itoa(i)), typ, depth+1)
			if out == nil && (removed || !same(got, e)) {
				out = slices.Clone(v[:i])
			}
			if out == nil || removed {
				continue
			}
			if moved := len(out); moved != i {
				n.origins[strings.Join(append(slices.Clip(path), strconv.Itoa(moved)), pathSeparator)] = n.t.Source(append(slices.Clip(path), strconv.Itoa(i))...)
			}
			out = append(out, got)
		}
		if out == nil {
			return v, false
		}
		return out, false
	case string:
		// Given back as it came when not converted: a string put in
		// another interface value is allocated anew.
		if typed, ok := typedValue(v, typ, path); ok {
			return typed, false
		}
	}
	return v, false
}

// same reports whether normalising left a value as it was.
func same(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		return ok && len(a) == len(bm) && (len(a) == 0 || sameMap(a, bm))
	case []any:
		bl, ok := b.([]any)
		return ok && len(a) == len(bl) && (len(a) == 0 || &a[0] == &bl[0])
	}
	return a == b
}

func sameMap(a, b map[string]any) bool {
	// A map normalising leaves as it was is given back as the same map.
	if reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() {
		return true
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !same(v, w) {
			return false
		}
	}
	return true
}

func (n normalizer) intrinsic(v map[string]any, name string, arg any, path []string, typ string, depth int) any {
	// The arguments first: what they read may be decided.
	at := append(path, name)
	switch name {
	case "Ref":
		ref, _ := arg.(string)
		if ref == "AWS::NoValue" {
			return removedValue{}
		}
		if value, ok := n.params[ref]; ok {
			out, _ := n.value(value, path, typ, depth)
			return out
		}
		return v
	case "Fn::If":
		args, ok := arg.([]any)
		c, named := At(args, "0").(string)
		if !ok || len(args) != 3 || !named {
			break
		}
		holds, known := n.conditions[c]
		if !known {
			return n.undecidedIf(v, args, at, typ, depth)
		}
		branch := 2
		if holds {
			branch = 1
		}
		out, removed := n.value(args[branch], path, typ, depth)
		if removed {
			return removedValue{}
		}
		return out
	}
	normalised, _ := n.value(arg, at, typ, depth)
	switch name {
	case "Fn::FindInMap":
		if found, ok := n.findInMap(normalised); ok {
			out, _ := n.value(found, path, typ, depth)
			return out
		}
	case "Fn::Select":
		if item, ok := selectItem(normalised); ok {
			out, _ := n.value(item, path, typ, depth)
			return out
		}
	case "Fn::Join":
		if joined, ok := joinText(normalised); ok {
			return typedScalar(joined, typ, path)
		}
		if sub, ok := joinAsSub(normalised); ok {
			out, _ := n.value(sub, path, typ, depth)
			return out
		}
	case "Fn::Split":
		if args, ok := normalised.([]any); ok && len(args) == 2 && plainStrings(args) {
			return splitText(args[1].(string), args[0].(string))
		}
	case "Fn::Sub":
		if out, ok := n.sub(normalised); ok {
			if text, isText := out.(string); isText {
				return typedScalar(text, typ, path)
			}
			if _, _, isIntrinsic := Intrinsic(out); isIntrinsic && !same(out, v) {
				out, _ = n.value(out, path, typ, depth) // the Ref or Fn::GetAtt it names, decided where it can be
			}
			return out
		}
	case "Fn::GetAtt":
		if value, ok := n.attribute(normalised); ok {
			out, _ := n.value(value, path, typ, depth)
			return out
		}
	}
	if same(normalised, arg) {
		return v
	}
	return map[string]any{name: normalised}
}

// undecidedIf normalises both branches of a Fn::If whose condition only
// deployment decides; a branch of Ref AWS::NoValue stays one.
func (n normalizer) undecidedIf(v map[string]any, args []any, at []string, typ string, depth int) any {
	out := []any{args[0], args[1], args[2]}
	changed := false
	for i := 1; i <= 2; i++ {
		got, removed := n.value(args[i], append(at, strconv.Itoa(i)), typ, depth)
		if removed {
			got = map[string]any{"Ref": "AWS::NoValue"}
		}
		out[i] = got
		changed = changed || !same(got, args[i])
	}
	if !changed {
		return v
	}
	return map[string]any{"Fn::If": out}
}

// findInMap looks up a Fn::FindInMap whose keys are written out or decided,
// and one keyed by AWS::Region where every Region's entry gives the same;
// where the entry is missing, its DefaultValue (AWS::LanguageExtensions).
func (n normalizer) findInMap(arg any) (any, bool) {
	args, ok := arg.([]any)
	if !ok || len(args) < 3 {
		return nil, false
	}
	mappings := n.t.Section("Mappings")
	name, isName := args[0].(string)
	second, isSecond := args[2].(string)
	if !isName || !isSecond {
		return nil, false
	}
	fallback := At(args, "3", "DefaultValue")
	lookup := func(first string) (any, bool) {
		if found := At(mappings, name, first, second); found != nil {
			return found, true
		}
		return fallback, fallback != nil
	}
	if first, ok := args[1].(string); ok {
		return lookup(first)
	}
	if ref, _ := RefTarget(args[1]); ref != "AWS::Region" {
		return nil, false
	}
	if n.region != "" {
		return lookup(n.region)
	}
	byRegion, _ := At(mappings, name).(map[string]any)
	if len(byRegion) == 0 || fallback != nil {
		return nil, false // another Region gives the default: only a deployment decides
	}
	var shared any
	for i, region := range sortedKeys(byRegion) {
		found := At(byRegion, region, second)
		if found == nil || (i > 0 && !equalValues(found, shared)) {
			return nil, false
		}
		shared = found
	}
	return shared, shared != nil
}

func equalValues(a, b any) bool { return canonicalJSON(a) == canonicalJSON(b) }

// selectItem gives the item a Fn::Select of a written-out list picks.
func selectItem(arg any) (any, bool) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return nil, false
	}
	list, isList := args[1].([]any)
	i, err := strconv.Atoi(Text(args[0]))
	if !isList || IsIntrinsic(args[0]) || err != nil || i < 0 || i >= len(list) {
		return nil, false
	}
	return list[i], true
}

// joinAsSub writes a Fn::Join of text and references as the Fn::Sub that
// gives the same string, so that the same value written either way is one.
func joinAsSub(arg any) (any, bool) {
	args, ok := arg.([]any)
	sep, isSep := At(args, "0").(string)
	parts, isList := At(args, "1").([]any)
	if !ok || len(args) != 2 || !isSep || !isList {
		return nil, false
	}
	escape := func(s string) string { return strings.ReplaceAll(s, "${", "${!") }
	texts := make([]string, len(parts))
	for i, p := range parts {
		name, ref, isIntrinsic := Intrinsic(p)
		switch {
		case !isIntrinsic:
			text, isText := p.(string)
			if !isText {
				return nil, false
			}
			texts[i] = escape(text)
		case name == "Ref" || name == "Fn::GetAtt":
			if _, isRef := RefTarget(p); !isRef || (name == "Fn::GetAtt" && len(List(ref)) != 2) {
				return nil, false
			}
			texts[i] = Text(p)
		default:
			return nil, false
		}
	}
	return map[string]any{"Fn::Sub": strings.Join(texts, escape(sep))}, true
}

// joinText gives the text a Fn::Join of written-out text makes, and the one
// part a Fn::Join of one part is.
func joinText(arg any) (string, bool) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		return "", false
	}
	sep, isSep := args[0].(string)
	parts, isList := args[1].([]any)
	if !isSep || !isList || !plainStrings(parts) {
		return "", false
	}
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.(string)
	}
	return strings.Join(texts, sep), true
}

func plainStrings(values []any) bool {
	return !slices.ContainsFunc(values, func(v any) bool { _, ok := v.(string); return !ok })
}

func splitText(s, sep string) []any {
	var out []any
	for part := range strings.SplitSeq(s, sep) {
		out = append(out, part)
	}
	return out
}

// sub fills in the decided parameters of a Fn::Sub, and reads a Fn::Sub of
// one reference as the Ref or Fn::GetAtt it names.
func (n normalizer) sub(arg any) (any, bool) {
	s, isString := arg.(string)
	var vars map[string]any
	if args, ok := arg.([]any); ok && len(args) == 2 {
		s, isString = args[0].(string)
		vars, _ = args[1].(map[string]any)
	}
	if !isString {
		return nil, false
	}
	filled := fillSub(s, func(name string) (string, bool) {
		value, ok := vars[name]
		if !ok {
			value, ok = n.params[name]
		}
		text, isText := value.(string)
		return strings.ReplaceAll(text, "${", "${!"), ok && isText
	})
	if names := SubNames(filled); len(names) == 0 {
		return unescapeSub(filled), true
	}
	if role, ok := n.roleARN(filled); ok {
		return map[string]any{"Fn::GetAtt": []any{role, "Arn"}}, true
	}
	if inner, ok := strings.CutPrefix(filled, "${"); ok && strings.HasSuffix(inner, "}") && !strings.ContainsAny(inner[:len(inner)-1], "${}") {
		ref := inner[:len(inner)-1]
		if value, isVar := vars[ref]; isVar {
			return value, true
		}
		if id, attribute, dotted := strings.Cut(ref, "."); dotted {
			return map[string]any{"Fn::GetAtt": []any{id, attribute}}, true
		}
		return map[string]any{"Ref": ref}, true
	}
	if filled == s {
		return nil, false
	}
	if vars != nil {
		return map[string]any{"Fn::Sub": []any{filled, vars}}, true
	}
	return map[string]any{"Fn::Sub": filled}, true
}

// roleARN reads the ARN of a role of the template written out,
// arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}, as what
// Fn::GetAtt Role.Arn gives: the same for a role at the path /.
func (n normalizer) roleARN(s string) (string, bool) {
	id, prefixed := strings.CutPrefix(s, "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${")
	id, closed := strings.CutSuffix(id, "}")
	if !prefixed || !closed || strings.ContainsAny(id, "${}.") {
		return "", false
	}
	r, ok := n.t.Resource(id)
	path := Text(r.Prop("Path"))
	return id, ok && r.Type == "AWS::IAM::Role" && (path == "" || path == "/")
}

// unescapeSub writes a Fn::Sub string with no variable left as its value:
// ${!Literal} is ${Literal}.
func unescapeSub(s string) string {
	return substitute(s, func(string) (string, bool) { return "", false })
}

// attribute gives a resource attribute the template sets: the Value of an
// AWS::SSM::Parameter.
func (n normalizer) attribute(arg any) (any, bool) {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 || args[1] != "Value" {
		return nil, false
	}
	id, _ := args[0].(string)
	r, ok := n.t.Resource(id)
	if !ok || r.Type != "AWS::SSM::Parameter" || r.Prop("Value") == nil {
		return nil, false
	}
	return r.Prop("Value"), true
}

// singleChoices gives the parameters whose AllowedValues leave one choice.
func singleChoices(parameters map[string]any) map[string]any {
	out := map[string]any{}
	for name, p := range parameters {
		if allowed, ok := At(p, "AllowedValues").([]any); ok && len(allowed) == 1 && !IsIntrinsic(allowed[0]) {
			out[name] = parameterValue(p, allowed[0])
		}
	}
	return out
}

// parameterValue is what Ref gives of a parameter given value: a list for
// a list type.
func parameterValue(parameter, value any) any {
	if s, ok := value.(string); ok && strings.Contains(Text(At(parameter, "Type")), "List") {
		return splitText(s, ",")
	}
	return value
}

//go:embed property_types.tsv
var propertyTypesTSV string

// propertyTypes maps a resource type and a property path (below
// Properties, * for a list item) to boolean, integer or number.
var propertyTypes = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for line := range strings.SplitSeq(propertyTypesTSV, "\n") {
		if fields := strings.Split(line, "\t"); len(fields) == 3 && !strings.HasPrefix(line, "#") {
			out[fields[0]+"\t"+fields[1]] = fields[2]
		}
	}
	return out
})

// typedScalar converts a string written where the resource's schema wants
// a boolean or a number, as CloudFormation does.
func typedScalar(s, typ string, path []string) any {
	if v, ok := typedValue(s, typ, path); ok {
		return v
	}
	return s
}

// typedValue gives the boolean or number a string written at path stands
// for, where the resource's schema wants one.
func typedValue(s, typ string, path []string) (any, bool) {
	if len(path) < 4 || path[2] != "Properties" || !looksTyped(s) {
		return nil, false
	}
	steps := make([]string, 0, len(path)-3)
	for _, step := range path[3:] {
		if _, err := strconv.Atoi(step); err == nil {
			step = "*"
		}
		steps = append(steps, step)
	}
	switch propertyTypes()[typ+"\t"+strings.Join(steps, "/")] {
	case "boolean":
		if b, err := strconv.ParseBool(strings.ToLower(s)); err == nil && (strings.EqualFold(s, "true") || strings.EqualFold(s, "false")) {
			return b, true
		}
	case "integer", "number":
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f, true
		}
	}
	return nil, false
}

func looksTyped(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == 't' || c == 'T' || c == 'f' || c == 'F' || c == '-' || c == '+' || c == '.' || c == ' ' || (c >= '0' && c <= '9')
}
