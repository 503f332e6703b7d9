package cfn

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/dynamodb-sse-cmk/stack/internal/parallel"
)

// A template may make different resources in different deployments: its
// conditions, the parameters they test and the Region decide. A Scenario
// is one way a deployment decides them; Deployments lists the scenarios
// that can happen and tell the template's resources apart, so that
// whoever judges the template judges each, and never one that cannot
// happen (IsProd true and IsNotProd true).

// Scenario is one way a deployment may decide what the template leaves to
// it: values of parameters and of AWS::Region, and every condition's truth.
type Scenario struct {
	// Values holds the inputs the scenario gives a value: parameter names,
	// and AWS::Region. An input missing here is one the scenario leaves
	// any value but those the template tests it against.
	Values     map[string]string
	Conditions map[string]bool
}

// maxCombinations bounds the combinations of inputs tried; past it each
// input is varied on its own (Deployments.Complete is false).
const maxCombinations = 1024

// Deployments is what a normalised template leaves to deployment.
type Deployments struct {
	t *Template
	// Scenarios are the ways a deployment may make the resources, each
	// different; one, with nothing decided, when nothing varies.
	Scenarios []Scenario
	// Complete is false when the inputs had too many combinations to try
	// every one: Scenarios then varies each input on its own.
	Complete bool
	// Inputs are what the scenarios decide: the parameters and AWS::Region
	// they give values, and the conditions; sorted.
	Inputs     []string
	conditions []string // the conditions the scenarios decide, sorted
	// reads holds the resources that read what scenarios decide, each
	// with the inputs and conditions it reads, and made the resources as
	// each set of their values makes them, and templates the template as
	// each scenario makes it (Under): reviews ask for both again and again.
	reads     map[string][]string
	made      *sync.Map
	templates *sync.Map
}

// Reads tells which parts of a resource of a type a judgement reads: a
// property, or an entry attribute (Condition, DeletionPolicy...). What a
// deployment decides only in parts it does not read makes no scenario. A
// nil Reads reads every part.
type Reads func(resourceType, part string) bool

// input is something a deployment decides: a parameter, the Region, or a
// test no input decides (a Fn::Equals of AWS::AccountId).
type input struct {
	name   string
	values []string // Unnamed: a value the template tests it against nowhere
}

// Deployments lists the scenarios a deployment in region ("" when any) may
// make of the parts of the template that reads reads. Call it on a
// normalised template.
func (t *Template) Deployments(region string, reads Reads) Deployments {
	d := Deployments{t: t, Complete: true, made: &sync.Map{}, templates: &sync.Map{}}
	found := t.intrinsics(reads)
	used := t.uses(found)
	inputs, free := t.deploymentInputs(region, used, found)
	for c := range t.Section("Conditions") {
		if used[c] {
			d.conditions = append(d.conditions, c)
		}
	}
	slices.Sort(d.conditions)
	d.reads = t.readers(inputs, d.conditions, found)
	if len(inputs) == 0 && len(d.conditions) == 0 && region == "" {
		d.Scenarios = []Scenario{{}}
		return d
	}
	for _, in := range inputs {
		d.Inputs = append(d.Inputs, in.name)
	}
	d.Inputs = append(d.Inputs, d.conditions...)
	assignments, complete := combine(append(inputs, free...))
	d.Complete = complete
	seen := map[string]bool{}
	for _, values := range assignments {
		if !t.rulesHold(values) {
			continue // CloudFormation refuses to deploy it
		}
		s := Scenario{Values: map[string]string{}, Conditions: map[string]bool{}}
		for _, in := range inputs {
			// A Region the mappings do not name is one still: it takes
			// the lookups' default values.
			if v := values[in.name]; v != Unnamed || in.name == "AWS::Region" {
				s.Values[in.name] = v
			}
		}
		for _, name := range d.conditions {
			s.Conditions[name] = t.conditionHolds(name, values, map[string]bool{})
		}
		if key := s.key(); !seen[key] {
			seen[key] = true
			d.Scenarios = append(d.Scenarios, s)
		}
	}
	return d
}

func (s Scenario) key() string {
	return canonicalJSON(map[string]any{"v": s.Values, "c": s.Conditions})
}

// Under gives the template as a deployment in scenario s makes it: each
// Fn::If by its condition, a resource whose Condition is false left out,
// each parameter and the Region the scenario gives filled in. A resource
// that reads none of it is the template's own.
func (d Deployments) Under(s Scenario) *Template {
	if len(s.Values) == 0 && len(s.Conditions) == 0 {
		return d.t
	}
	key := s.key()
	if t, ok := d.templates.Load(key); ok {
		return t.(*Template)
	}
	n := normalizer{t: d.t, params: map[string]any{}, conditions: s.Conditions, reads: d.reads, made: d.made}
	n.variant = func(id string) string {
		var key strings.Builder
		key.WriteString(id)
		for _, name := range d.reads[id] {
			value, given := s.Values[name]
			if !given {
				value = strconv.FormatBool(s.Conditions[name])
			}
			key.WriteString("\x00" + name + "=" + value)
		}
		return key.String()
	}
	for name, v := range s.Values {
		if name == "AWS::Region" {
			n.region = v
			continue
		}
		n.params[name] = parameterValue(d.t.Section("Parameters")[name], v)
	}
	t, _ := d.templates.LoadOrStore(key, n.template())
	return t.(*Template)
}

// Describe names the scenarios of indexes in, as a finding found only in
// them says: "(when condition IsProd is false)", "(when parameter Env is
// prod)", "(in Region eu-west-1)"; "" when in is every scenario.
func (d Deployments) Describe(in []int) string {
	if len(in) == len(d.Scenarios) {
		return ""
	}
	matches := func(test func(Scenario) bool) bool {
		var got []int
		for i, s := range d.Scenarios {
			if test(s) {
				got = append(got, i)
			}
		}
		return slices.Equal(got, in)
	}
	for _, c := range d.conditions {
		for _, v := range []bool{true, false} {
			if matches(func(s Scenario) bool { return s.Conditions[c] == v }) {
				return fmt.Sprintf("(when condition %s is %v)", c, v)
			}
		}
	}
	for _, name := range d.Inputs {
		for _, s := range d.Scenarios {
			v, given := s.Values[name]
			if given && matches(func(o Scenario) bool { return o.Values[name] == v }) {
				switch {
				case name == "AWS::Region" && v == Unnamed:
					return "(in a Region the mappings do not name)"
				case name == "AWS::Region":
					return "(in Region " + v + ")"
				}
				return fmt.Sprintf("(when parameter %s is %s)", name, v)
			}
		}
	}
	return "(in some combinations of " + strings.Join(d.Inputs, ", ") + ")"
}

// deploymentInputs finds what a deployment decides that the template's
// resources or conditions read: parameters of a few allowed values, and
// parameters and the Region its conditions test against text or its
// mappings look up by; and, free, the tests no input decides.
func (t *Template) deploymentInputs(region string, used map[string]bool, found map[string]resourceIntrinsics) (inputs, free []input) {
	values := map[string][]string{}
	params := t.Section("Parameters")
	for name, p := range params {
		if allowed, ok := At(p, "AllowedValues").([]any); ok && len(allowed) >= 1 && len(allowed) <= 16 && !slices.ContainsFunc(allowed, IsIntrinsic) {
			for _, a := range allowed {
				values[name] = append(values[name], Text(a))
			}
		}
	}
	compared := map[string][]string{}
	var tests []string
	visitAll([]any{t.root["Conditions"], t.root["Rules"]}, func(v any) {
		name, arg, ok := Intrinsic(v)
		if !ok || name != "Fn::Equals" {
			return
		}
		args, _ := arg.([]any)
		for i, a := range args {
			ref, isRef := RefTarget(a)
			other := At(args, fmt.Sprint(1-i))
			_, isParam := params[ref]
			if isRef && (isParam || ref == "AWS::Region") && other != nil && !IsIntrinsic(other) {
				compared[ref] = append(compared[ref], Text(other))
				return
			}
		}
		tests = append(tests, canonicalJSON(v))
	})
	regionKeys := t.regionMappingKeys(found)
	if region != "" {
		values["AWS::Region"] = []string{region}
	} else if len(regionKeys) > 0 {
		values["AWS::Region"] = regionKeys
	}
	for name, texts := range compared {
		if _, allowed := values[name]; allowed {
			continue
		}
		if name == "AWS::Region" && len(regionKeys) > 0 {
			continue
		}
		values[name] = append(texts, Unnamed)
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if used[name] || (name == "AWS::Region" && region != "") {
			inputs = append(inputs, input{name, set(values[name])})
		}
	}
	for _, test := range set(tests) {
		if used[test] {
			free = append(free, input{test, []string{"true", "false"}})
		}
	}
	return inputs, free
}

// uses finds what the parts of the resources that reads reads take from a
// deployment: the conditions they name (a resource's Condition, a Fn::If)
// and those these name, and the parameters, AWS::Region and Fn::Equals
// tests (by their JSON) that these conditions and parts read; and what
// the Rules test beside any of them, since a rule ties them together.
func (t *Template) uses(found map[string]resourceIntrinsics) map[string]bool {
	used := map[string]bool{}
	var pending []string
	noteCall := func(x intrinsicCall) {
		name, arg := x.name, x.arg
		switch {
		case name == "Fn::If" || name == "Condition":
			c := Text(arg)
			if name == "Fn::If" {
				c = Text(At(arg, "0"))
			}
			if !used[c] {
				used[c] = true
				pending = append(pending, c)
			}
		// AWS::Region is decided where a test compares it or a mapping
		// is looked up by it: written in a value, it stays a reference.
		case name == "Ref" && arg != "AWS::Region":
			used[Text(arg)] = true
		case name == "Fn::Sub":
			text, _ := arg.(string)
			if list, isList := arg.([]any); isList && len(list) > 0 {
				text, _ = list[0].(string)
			}
			for _, n := range SubNames(text) {
				used[n] = used[n] || n != "AWS::Region"
			}
		case name == "Fn::Equals":
			used[canonicalJSON(x.value)] = true
			for _, side := range List(arg) {
				if ref, isRef := RefTarget(side); isRef {
					used[ref] = true
				}
			}
		case name == "Fn::FindInMap":
			if ref, _ := RefTarget(At(arg, "1")); ref == "AWS::Region" {
				used[ref] = true
			}
		}
	}
	for _, f := range found {
		for _, x := range f.inRead {
			noteCall(x)
		}
	}
	conditions := t.Section("Conditions")
	for len(pending) > 0 {
		c := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		visitAll(conditions[c], func(x any) {
			if name, arg, ok := Intrinsic(x); ok {
				noteCall(intrinsicCall{x, name, arg})
			}
		})
	}
	for _, rule := range t.Section("Rules") {
		mentioned := map[string]bool{}
		visitAll(rule, func(x any) {
			if ref, ok := RefTarget(x); ok {
				mentioned[ref] = true
			}
		})
		if slices.ContainsFunc(slices.Collect(maps.Keys(mentioned)), func(n string) bool { return used[n] }) {
			maps.Copy(used, mentioned)
		}
	}
	return used
}

// regionMappingKeys lists the Regions of the mappings that Fn::FindInMap
// looks up by AWS::Region in the resources: a deployment in any other
// Region fails, so those are the Regions there are; but for a lookup with
// a DefaultValue, which any other Region (Unnamed) gives.
func (t *Template) regionMappingKeys(found map[string]resourceIntrinsics) []string {
	var out []string
	for _, f := range found {
		for _, x := range f.all {
			if name, arg := x.name, x.arg; name == "Fn::FindInMap" {
				if ref, _ := RefTarget(At(arg, "1")); ref == "AWS::Region" {
					if m, ok := At(t.Section("Mappings"), Text(At(arg, "0"))).(map[string]any); ok {
						out = append(out, sortedKeys(m)...)
					}
					if At(arg, "3", "DefaultValue") != nil {
						out = append(out, Unnamed)
					}
				}
			}
		}
	}
	return set(out)
}

// readers lists the resources whose entry, in the parts reads reads,
// reads what a deployment decides: a Fn::If or a Condition of a decided
// condition, an input; and, for each, all it reads that is decided. Under
// leaves the others as they are.
func (t *Template) readers(inputs []input, conditions []string, found map[string]resourceIntrinsics) map[string][]string {
	decided := map[string]bool{}
	for _, in := range inputs {
		decided[in.name] = true
	}
	for _, c := range conditions {
		decided[c] = true
	}
	namesRead := func(intrinsics []intrinsicCall) []string {
		var out []string
		for _, x := range intrinsics {
			// Under decides AWS::Region where a mapping is looked up by it;
			// written in a value, it stays a reference, as uses finds.
			switch name, arg := x.name, x.arg; {
			case name == "Fn::If":
				out = append(out, Text(At(arg, "0")))
			case name == "Ref" && arg != "AWS::Region":
				out = append(out, Text(arg))
			case name == "Fn::Sub":
				text, _ := arg.(string)
				if list, isList := arg.([]any); isList && len(list) > 0 {
					text, _ = list[0].(string)
				}
				for _, n := range SubNames(text) {
					if n != "AWS::Region" {
						out = append(out, n)
					}
				}
			case name == "Fn::FindInMap":
				if ref, _ := RefTarget(At(arg, "1")); ref == "AWS::Region" {
					out = append(out, ref)
				}
			}
		}
		return slices.DeleteFunc(out, func(n string) bool { return !decided[n] })
	}
	out := map[string][]string{}
	for id, entry := range t.Section("Resources") {
		c, _ := At(entry, "Condition").(string)
		if !decided[c] && len(namesRead(found[id].inRead)) == 0 {
			continue
		}
		names := namesRead(found[id].all)
		if decided[c] {
			names = append(names, c)
		}
		out[id] = set(names)
	}
	return out
}

// resourceIntrinsics are the intrinsic functions of a resource's entry, at
// any depth: all of them, and those in the parts a Reads reads, its
// Condition among them as the intrinsic {"Condition": name}.
type resourceIntrinsics struct {
	all, inRead []intrinsicCall
}

// intrinsicCall is an intrinsic function as Intrinsic reads it.
type intrinsicCall struct {
	value any
	name  string
	arg   any
}

// intrinsics finds the intrinsic functions of each resource, in one walk
// of its entry: Deployments looks for several kinds, in every resource.
func (t *Template) intrinsics(reads Reads) map[string]resourceIntrinsics {
	resources := t.Section("Resources")
	ids := slices.Collect(maps.Keys(resources))
	found := make([]resourceIntrinsics, len(ids))
	find := func(i int) { found[i] = intrinsicsOf(resources[ids[i]], reads) }
	if len(ids) < inParallelFrom {
		for i := range ids {
			find(i)
		}
	} else {
		parallel.For(len(ids), find)
	}
	out := make(map[string]resourceIntrinsics, len(ids))
	for i, id := range ids {
		out[id] = found[i]
	}
	return out
}

// intrinsicsOf finds the intrinsic functions of one resource's entry. Most
// of what the walk costs is reading maps, so it reads each once: the
// entry's, where a part is, and every other where it is walked.
func intrinsicsOf(entry any, reads Reads) resourceIntrinsics {
	var f resourceIntrinsics
	e, isMap := entry.(map[string]any)
	if !isMap {
		f.scan(entry, false)
		return f
	}
	f.note(e, false)
	typ := Text(e["Type"])
	reading := func(part string) bool { return reads == nil || reads(typ, part) }
	for part, v := range e {
		switch properties, isMap := v.(map[string]any); {
		case part == "Type":
			f.scan(v, false)
		case part == "Properties" && isMap:
			f.note(properties, false)
			for property, pv := range properties {
				f.scan(pv, reading(property))
			}
		case part == "Properties":
			f.scan(v, false)
		case part == "Condition":
			if reading(part) {
				f.inRead = append(f.inRead, intrinsicCall{map[string]any{"Condition": v}, "Condition", v})
			}
			f.scan(v, reading(part))
		default:
			f.scan(v, reading(part))
		}
	}
	return f
}

// scan notes the intrinsic functions of v and of every value within it,
// reading each map once.
func (f *resourceIntrinsics) scan(v any, read bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if len(v) == 1 && isIntrinsicName(k) {
				f.add(intrinsicCall{v, k, e}, read)
			}
			f.scan(e, read)
		}
	case []any:
		for _, e := range v {
			f.scan(e, read)
		}
	}
}

// note notes v, if it is an intrinsic function, without walking it.
func (f *resourceIntrinsics) note(v any, read bool) {
	if name, arg, ok := Intrinsic(v); ok {
		f.add(intrinsicCall{v, name, arg}, read)
	}
}

func (f *resourceIntrinsics) add(c intrinsicCall, read bool) {
	f.all = append(f.all, c)
	if read {
		f.inRead = append(f.inRead, c)
	}
}

// visitAll calls visit on v and every value within it.
func visitAll(v any, visit func(any)) {
	visit(v)
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			visitAll(e, visit)
		}
	case []any:
		for _, e := range v {
			visitAll(e, visit)
		}
	}
}

// combine lists every assignment of a value to each input, or, past
// maxCombinations, the assignments that vary one input at a time from the
// first value of each (complete is then false).
func combine(inputs []input) (assignments []map[string]string, complete bool) {
	total := 1
	for _, in := range inputs {
		if total *= len(in.values); total > maxCombinations {
			break
		}
	}
	if total <= maxCombinations {
		out := []map[string]string{{}}
		for _, in := range inputs {
			var next []map[string]string
			for _, a := range out {
				for _, v := range in.values {
					m := maps.Clone(a)
					m[in.name] = v
					next = append(next, m)
				}
			}
			out = next
		}
		return out, true
	}
	base := map[string]string{}
	for _, in := range inputs {
		base[in.name] = in.values[0]
	}
	out := []map[string]string{base}
	for _, in := range inputs {
		for _, v := range in.values[1:] {
			m := maps.Clone(base)
			m[in.name] = v
			out = append(out, m)
		}
	}
	return out, false
}

// conditionHolds evaluates a condition of the template given values of its
// inputs; a test no input decides takes the value given under its JSON.
func (t *Template) conditionHolds(name string, values map[string]string, seen map[string]bool) bool {
	if seen[name] {
		return false // a loop CloudFormation refuses
	}
	seen[name] = true
	defer delete(seen, name)
	return t.truth(t.Section("Conditions")[name], values, seen)
}

func (t *Template) truth(v any, values map[string]string, seen map[string]bool) bool {
	name, arg, _ := Intrinsic(v)
	args, _ := arg.([]any)
	switch name {
	case "Condition":
		return t.conditionHolds(Text(arg), values, seen)
	case "Fn::Not":
		return len(args) == 1 && !t.truth(args[0], values, seen)
	case "Fn::And":
		return !slices.ContainsFunc(args, func(a any) bool { return !t.truth(a, values, seen) })
	case "Fn::Or":
		return slices.ContainsFunc(args, func(a any) bool { return t.truth(a, values, seen) })
	case "Fn::Equals":
		if len(args) == 2 {
			a, aKnown := equalsSide(args[0], values)
			b, bKnown := equalsSide(args[1], values)
			if aKnown && bKnown {
				return a == b
			}
		}
	}
	return values[canonicalJSON(v)] == "true"
}

// rulesHold reports whether the template's Rules let a deployment with
// the inputs' values go ahead: each rule whose RuleCondition holds has
// every Assert hold. What a rule tests that the inputs do not decide may
// hold.
func (t *Template) rulesHold(values map[string]string) bool {
	for _, rule := range t.Section("Rules") {
		if c := At(rule, "RuleCondition"); c != nil && !t.asserted(c, values) {
			continue
		}
		for _, a := range List(At(rule, "Assertions")) {
			if !t.asserted(At(a, "Assert"), values) {
				return false
			}
		}
	}
	return true
}

// asserted evaluates a rule function; what it does not decide holds.
func (t *Template) asserted(v any, values map[string]string) bool {
	name, arg, _ := Intrinsic(v)
	args, _ := arg.([]any)
	switch name {
	case "Fn::Not":
		return len(args) != 1 || !t.asserted(args[0], values)
	case "Fn::And":
		return !slices.ContainsFunc(args, func(a any) bool { return !t.asserted(a, values) })
	case "Fn::Or":
		return len(args) == 0 || slices.ContainsFunc(args, func(a any) bool { return t.asserted(a, values) })
	case "Fn::Equals":
		if len(args) == 2 {
			a, aKnown := equalsSide(args[0], values)
			b, bKnown := equalsSide(args[1], values)
			return !aKnown || !bKnown || a == b
		}
	case "Fn::Contains":
		list, isList := At(args, "0").([]any)
		value, known := equalsSide(At(args, "1"), values)
		if isList && known && !slices.ContainsFunc(list, IsIntrinsic) {
			return slices.ContainsFunc(list, func(e any) bool { return Text(e) == value })
		}
	}
	return true
}

// equalsSide gives the text one side of a Fn::Equals stands for, given the
// values of inputs: Unnamed equals nothing the template writes.
func equalsSide(v any, values map[string]string) (string, bool) {
	if ref, ok := RefTarget(v); ok {
		value, given := values[ref]
		return value, given
	}
	if IsIntrinsic(v) {
		return "", false
	}
	return Text(v), true
}

// Without gives each template with the parts of its resources that drop
// names left out, as if never written: a judgement that must not read them
// cannot. An entry the templates share, as those Under makes share what a
// deployment leaves as it was, is made once for all of them. Positions
// stay those of the source.
func Without(templates []*Template, drop Reads) []*Template {
	made := map[unsafe.Pointer]map[string]any{}
	out := make([]*Template, len(templates))
	for i, t := range templates {
		resources := t.Section("Resources")
		kept := make(map[string]any, len(resources))
		for id, entry := range resources {
			e, ok := entry.(map[string]any)
			if !ok {
				kept[id] = entry
				continue
			}
			identity := reflect.ValueOf(e).UnsafePointer()
			if _, done := made[identity]; !done {
				made[identity] = withoutParts(e, drop)
			}
			kept[id] = made[identity]
		}
		without := *t
		without.root = maps.Clone(t.root)
		without.root["Resources"] = kept
		out[i] = &without
	}
	return out
}

// withoutParts gives a resource's entry without the parts drop names: the
// entry itself when it names none.
func withoutParts(entry map[string]any, drop Reads) map[string]any {
	typ := Text(entry["Type"])
	out := keptOf(entry, func(part string) bool { return part == "Type" || part == "Properties" || !drop(typ, part) })
	if properties, ok := entry["Properties"].(map[string]any); ok {
		if kept := keptOf(properties, func(property string) bool { return !drop(typ, property) }); len(kept) != len(properties) {
			if len(out) == len(entry) {
				out = maps.Clone(entry)
			}
			out["Properties"] = kept
		}
	}
	return out
}

// keptOf gives the entries of m whose keys keep takes: m itself when it
// takes every one. keep is asked once for each key.
func keptOf(m map[string]any, keep func(string) bool) map[string]any {
	var dropped []string
	for k := range m {
		if !keep(k) {
			dropped = append(dropped, k)
		}
	}
	if len(dropped) == 0 {
		return m
	}
	out := make(map[string]any, len(m)-len(dropped))
	for k, v := range m {
		if !slices.Contains(dropped, k) {
			out[k] = v
		}
	}
	return out
}

// Same reports whether the parts of the resources that reads reads are
// the same values in both templates, such as two that Under makes: a
// judgement of those parts judges both alike. Under shares what a
// deployment leaves as it was, so most parts are the very same values,
// and the rest are compared whole.
func Same(a, b *Template, reads Reads) bool {
	ra, rb := a.Section("Resources"), b.Section("Resources")
	if len(ra) != len(rb) {
		return false
	}
	for id, ea := range ra {
		eb, ok := rb[id]
		if !ok {
			return false
		}
		if shared(ea, eb) {
			continue
		}
		ma, _ := ea.(map[string]any)
		mb, _ := eb.(map[string]any)
		typ := Text(ma["Type"])
		if len(ma) != len(mb) || !sameParts(ma, mb, func(part string) bool { return part == "Properties" || reads(typ, part) }) {
			return false
		}
		pa, _ := ma["Properties"].(map[string]any)
		pb, _ := mb["Properties"].(map[string]any)
		if len(pa) != len(pb) || !sameParts(pa, pb, func(property string) bool { return reads(typ, property) }) {
			return false
		}
	}
	return true
}

// sameParts compares the parts of two mappings that count, by identity.
func sameParts(a, b map[string]any, counts func(string) bool) bool {
	for k, va := range a {
		vb, ok := b[k]
		if !ok {
			return false
		}
		if k != "Properties" && !shared(va, vb) && counts(k) && !identical(va, vb) {
			return false
		}
	}
	return true
}

// identical reports whether two values are the same: the very same mapping
// or list, as Under shares, or equal ones, as it makes again where a
// deployment decides one.
func identical(a, b any) bool {
	switch a.(type) {
	case map[string]any, []any:
		return shared(a, b) || reflect.DeepEqual(a, b)
	}
	return a == b
}

// shared reports whether two values are the very same mapping or list, or
// equal scalars: what tells most parts of two scenarios alike at once.
func shared(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		return ok && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	case []any:
		b, ok := b.([]any)
		return ok && len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
	}
	return a == b
}
