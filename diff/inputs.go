package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// changedInputs names the parameters, mappings (as mappingInput) and
// conditions whose definition differs between the templates, and the
// conditions that read them in turn: a resource that reads one can change
// without a character of its own changing. A condition is compared by
// what it tests, the conditions it names spelt out, not by its name.
func changedInputs(old, new *cfn.Template) map[string]bool {
	changed := map[string]bool{}
	was, is := old.Section("Parameters"), new.Section("Parameters")
	for _, name := range unionKeys(was, is) {
		if !equal(was[name], is[name]) {
			changed[name] = true
		}
	}
	// A rule that changed lets through, or keeps out, other values of the
	// parameters it tests.
	was, is = old.Section("Rules"), new.Section("Rules")
	for _, name := range unionKeys(was, is) {
		if !equal(was[name], is[name]) {
			for _, in := range append(references(nil, was[name]), references(nil, is[name])...) {
				if !in.condition {
					changed[in.target] = true
				}
			}
		}
	}
	was, is = old.Section("Mappings"), new.Section("Mappings")
	for _, name := range unionKeys(was, is) {
		if !equal(was[name], is[name]) {
			changed[mappingInput(name)] = true
		}
	}
	for _, name := range unionKeys(old.Section("Conditions"), new.Section("Conditions")) {
		if !equal(conditionMeaning(old, name), conditionMeaning(new, name)) {
			changed[name] = true
		}
	}
	conditions := new.Section("Conditions")
	reads := map[string][]reference{}
	for name, definition := range conditions {
		reads[name] = references(nil, definition)
	}
	for grew := true; grew; {
		grew = false
		for _, name := range unionKeys(conditions, nil) {
			if !changed[name] && slices.ContainsFunc(reads[name], func(in reference) bool { return changed[in.target] }) {
				changed[name], grew = true, true
			}
		}
	}
	return changed
}

// mappingInput names a mapping among the inputs, apart from a parameter of
// the same name.
func mappingInput(name string) string { return "Mappings." + name }

// conditionMeaning writes what a condition tests, each condition it names
// spelt out: the same whatever the condition is called.
func conditionMeaning(t *cfn.Template, name string) any {
	return spellConditions(t, t.Section("Conditions")[name], map[string]bool{name: true})
}

func spellConditions(t *cfn.Template, v any, seen map[string]bool) any {
	if name, arg, ok := cfn.Intrinsic(v); ok && name == "Condition" {
		c := cfn.Text(arg)
		if seen[c] {
			return "a loop through " + c
		}
		seen[c] = true
		defer delete(seen, c)
		return spellConditions(t, t.Section("Conditions")[c], seen)
	}
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = spellConditions(t, e, seen)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = spellConditions(t, e, seen)
		}
		return out
	}
	return v
}

// postureProperties are where a table or key keeps what weakenings judge.
var postureProperties = []string{
	"SSESpecification", "PointInTimeRecoverySpecification", "DeletionProtectionEnabled", "Replicas",
	"EnableKeyRotation", "RotationPeriodInDays", "Enabled",
}

// inputChanges tells of each resource of both templates that reads a
// changed input where it matters, though the resource reads the same: in a
// policy or an access setting (taken as broader), in a property whose
// change replaces a stateful resource or in its Condition (possible data
// loss), or in what a table or key's posture hangs on (possibly weaker).
func inputChanges(old, new *cfn.Template, changed map[string]bool, byID map[string]*ResourceChange) ([]SecurityChange, []Weakening) {
	var security []SecurityChange
	var weaker []Weakening
	for _, r := range new.Resources() {
		if _, inOld := old.Resource(r.ID); !inOld {
			continue // an added resource is judged whole, as new
		}
		var access, posture, replacing, removing []string
		replacement := Never
		for _, in := range references(nil, r.Entry) {
			if !changed[in.target] {
				continue
			}
			where := in.path[0]
			var below []string
			if where == "Properties" && len(in.path) > 1 {
				below = in.path[1:]
			}
			if slices.Contains(accessTypes, r.Type) || underAny(policyPaths(r.Type), below) || (where == "Condition" && len(policyChanges(r.ID, cfn.Resource{}, r)) > 0) {
				access = append(access, in.target)
			}
			if where == "DeletionPolicy" || where == "UpdateReplacePolicy" || (len(below) > 0 && slices.Contains(postureProperties, below[0])) {
				posture = append(posture, in.target)
			}
			switch {
			case where == "Condition" && sameCondition(old, new, r):
			case where == "Condition":
				removing = append(removing, in.target)
			case below != nil && propertyReplacement(r.Type, below) != Never:
				replacing = append(replacing, in.target)
				replacement = Conditional
			}
		}
		if len(access) > 0 {
			security = append(security, SecurityChange{Resource: r.ID, Kind: Broadening, Detail: reads(access) + ": what it allows cannot be compared, so it is taken as broader"})
		}
		if len(posture) > 0 && (r.Type == "AWS::DynamoDB::Table" || r.Type == "AWS::DynamoDB::GlobalTable" || r.Type == "AWS::KMS::Key") {
			weaker = append(weaker, Weakening{r.ID, reads(posture) + ": its encryption and recovery may be weaker"})
		}
		if !stateful[cfn.DeployedType(r.Type)] || len(replacing)+len(removing) == 0 {
			continue
		}
		c := byID[r.ID]
		if c == nil {
			c = &ResourceChange{ID: r.ID, Type: r.Type, Change: Modify, Replacement: Never}
			byID[r.ID] = c
		}
		c.Replacement = worst(c.Replacement, replacement)
		if len(replacing) > 0 {
			c.Notes = append(c.Notes, reads(replacing)+": it may be replaced")
		}
		if len(removing) > 0 {
			c.Notes = append(c.Notes, reads(removing)+": it may be removed from the stack")
			c.DataLoss = c.DataLoss || !keeps(deletionPolicy(r), cfn.DeployedType(r.Type))
		}
	}
	return security, weaker
}

func reads(names []string) string {
	slices.Sort(names)
	return fmt.Sprintf("it reads %s, which changed", strings.Join(slices.Compact(names), ", "))
}

// underAny reports whether path lies at or below one of paths, * matching
// any step.
func underAny(paths [][]string, path []string) bool {
	return slices.ContainsFunc(paths, func(p []string) bool {
		return len(path) >= len(p) && matchesAny([][]string{p}, path)
	})
}

// sameCondition reports whether a resource is made in the same deployments
// by both templates: its Condition, whatever it is called, tests the same.
func sameCondition(old, new *cfn.Template, r cfn.Resource) bool {
	o, inOld := old.Resource(r.ID)
	was, _ := o.Entry["Condition"].(string)
	is, _ := r.Entry["Condition"].(string)
	return inOld && (was == "") == (is == "") && equal(conditionMeaning(old, was), conditionMeaning(new, is))
}
