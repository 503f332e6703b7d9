package diff

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// equal compares two template values as CloudFormation reads them: a number
// and the string of its digits are one value, as are true and "true".
func equal(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			w, found := b[k]
			if !found || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equal)
	case nil:
		return b == nil
	}
	switch b.(type) {
	case map[string]any, []any, nil:
		return false
	}
	return cfn.Text(a) == cfn.Text(b)
}

// propertyChange is a PropertyChange with its path as steps.
type propertyChange struct {
	PropertyChange
	steps []string
}

// changes lists where b differs from a, at path and below: into mappings by
// key and into lists of one length by index; anywhere else the whole value
// changes. A policy document at one of policies (paths below Properties,
// * for any item) is compared by what it allows, not by how it is written.
func changes(path []string, a, b any, policies [][]string) []propertyChange {
	if len(path) > 1 && isPolicyPath(policies, path[1:]) {
		if samePolicy(a, b) {
			return nil
		}
		c := leaf(path, a, b)
		c.policy = true
		return []propertyChange{c}
	}
	if equal(a, b) {
		return nil
	}
	am, aIsMap := mapping(a)
	bm, bIsMap := mapping(b)
	if aIsMap && bIsMap {
		var out []propertyChange
		for _, k := range unionKeys(am, bm) {
			out = append(out, changes(append(slices.Clip(path), k), am[k], bm[k], policies)...)
		}
		return out
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList && bIsList && len(al) == len(bl) {
		var out []propertyChange
		for i := range al {
			out = append(out, changes(append(slices.Clip(path), strconv.Itoa(i)), al[i], bl[i], policies)...)
		}
		return out
	}
	return []propertyChange{leaf(path, a, b)}
}

func leaf(path []string, a, b any) propertyChange {
	return propertyChange{PropertyChange{Path: strings.Join(path, "."), Old: a, New: b}, path}
}

// mapping gives v as a mapping of keys, unless it is an intrinsic function,
// which changes as a whole.
func mapping(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if ok && cfn.IsIntrinsic(m) {
		return nil, false
	}
	return m, ok
}

func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func isPolicyPath(policies [][]string, path []string) bool {
	return slices.ContainsFunc(policies, func(p []string) bool {
		return len(p) == len(path) && matchesAny([][]string{p}, path)
	})
}

// samePolicy reports whether two policy documents allow and deny the same;
// documents that cannot be read are compared as values.
func samePolicy(a, b any) bool {
	if equal(a, b) {
		return true
	}
	pa, errA := cfn.ReadPolicy(a)
	pb, errB := cfn.ReadPolicy(b)
	if errA != nil || errB != nil {
		return equal(a, b)
	}
	return len(cfn.Broader(pa, pb)) == 0 && len(cfn.Broader(pb, pa)) == 0
}

// reference is a place in a value that reads a name: a resource (or a
// parameter) whose value or attribute it takes, or a condition.
type reference struct {
	path      []string // from where the walk began
	target    string
	condition bool
}

// references lists where v, at path, reads a name: a resource or parameter
// with Ref, Fn::GetAtt or a ${Name} or ${Name.Attribute} of Fn::Sub; a
// condition with Fn::If, a resource's Condition or a condition's
// {Condition: Name}.
func references(path []string, v any) []reference {
	if name, arg, ok := cfn.Intrinsic(v); ok {
		var out []reference
		for _, target := range intrinsicTargets(name, arg) {
			out = append(out, reference{slices.Clone(path), target, false})
		}
		if condition, tests := conditionRead(name, arg); tests {
			out = append(out, reference{slices.Clone(path), condition, true})
		}
		return append(out, references(path, arg)...)
	}
	var out []reference
	switch v := v.(type) {
	case map[string]any:
		if name, ok := v["Condition"].(string); ok {
			out = append(out, reference{append(slices.Clone(path), "Condition"), name, true})
		}
		for _, k := range unionKeys(v, nil) {
			out = append(out, references(append(slices.Clip(path), k), v[k])...)
		}
	case []any:
		for i, e := range v {
			out = append(out, references(append(slices.Clip(path), strconv.Itoa(i)), e)...)
		}
	}
	return out
}

// conditionRead gives the condition an intrinsic reads: Fn::If's first
// argument, or the name {Condition: Name} refers to.
func conditionRead(name string, arg any) (string, bool) {
	switch name {
	case "Fn::If":
		if args := cfn.List(arg); len(args) > 0 {
			return cfn.Text(args[0]), true
		}
	case "Condition":
		return cfn.Text(arg), true
	}
	return "", false
}

func intrinsicTargets(name string, arg any) []string {
	switch name {
	case "Fn::FindInMap":
		if m, ok := cfn.At(arg, "0").(string); ok {
			return []string{mappingInput(m)}
		}
	case "Ref", "Fn::GetAtt":
		if id, ok := cfn.RefTarget(map[string]any{name: arg}); ok && !strings.HasPrefix(id, "AWS::") {
			return []string{id}
		}
	case "Fn::Sub":
		s, ok := arg.(string)
		var vars map[string]any
		if list, isList := arg.([]any); isList && len(list) == 2 {
			s, ok = list[0].(string)
			vars, _ = list[1].(map[string]any)
		}
		if ok {
			return subTargets(s, vars)
		}
	}
	return nil
}

// subTargets lists the resources a Fn::Sub string names: ${X} and ${X.Attr},
// but not its own variables or pseudo parameters.
func subTargets(s string, vars map[string]any) []string {
	var out []string
	for _, name := range cfn.SubNames(s) {
		if _, isVar := vars[name]; !isVar && !strings.HasPrefix(name, "AWS::") {
			out = append(out, name)
		}
	}
	return out
}

// findRenames links each removed resource to an added one of the same type
// whose entry is the same: a logical id change.
func findRenames(old, new *cfn.Template, byID map[string]*ResourceChange) {
	for _, removed := range sortedChanges(byID, Remove) {
		o, _ := old.Resource(removed.ID)
		for _, added := range sortedChanges(byID, Add) {
			n, _ := new.Resource(added.ID)
			if added.RenamedFrom == "" && o.Type == n.Type && equal(o.Entry, n.Entry) {
				removed.RenamedTo, added.RenamedFrom = added.ID, removed.ID
				break
			}
		}
	}
}

func sortedChanges(byID map[string]*ResourceChange, change Change) []*ResourceChange {
	var out []*ResourceChange
	for _, c := range byID {
		if c.Change == change {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *ResourceChange) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// replaceDependants marks what refers to a replaced resource as changing
// too, since the reference then gives the replacement's id: a property that
// cannot change in place replaces its resource in turn.
func replaceDependants(new *cfn.Template, byID map[string]*ResourceChange) {
	resources := new.Resources()
	refs := make([][]reference, len(resources))
	for i, d := range resources {
		refs[i] = slices.DeleteFunc(references(nil, d.Properties), func(r reference) bool { return r.condition })
	}
	for grew := true; grew; {
		grew = false
		for i, d := range resources {
			c := byID[d.ID]
			if c != nil && c.Change != Modify {
				continue
			}
			for _, ref := range refs[i] {
				target := byID[ref.target]
				if target == nil || target.Change != Modify || target.Replacement == Never || hasCause(c, ref) {
					continue
				}
				if c == nil {
					c = &ResourceChange{ID: d.ID, Type: d.Type, Change: Modify, Replacement: Never}
					byID[d.ID] = c
				}
				replacement := propertyReplacement(d.Type, ref.path)
				if target.Replacement == Conditional && replacement == Always {
					replacement = Conditional
				}
				value := cfn.At(d.Properties, ref.path...)
				c.Properties = append(c.Properties, PropertyChange{
					Path: "Properties." + strings.Join(ref.path, "."), Old: value, New: value, Replacement: replacement, Cause: ref.target,
				})
				c.Replacement = worst(c.Replacement, replacement)
				grew = true
			}
		}
	}
}

func hasCause(c *ResourceChange, ref reference) bool {
	if c == nil {
		return false
	}
	path := "Properties." + strings.Join(ref.path, ".")
	return slices.ContainsFunc(c.Properties, func(p PropertyChange) bool { return p.Path == path && p.Cause == ref.target })
}
