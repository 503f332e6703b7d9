package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
)

// grantChanges weighs the changes to identity policies holder by holder
// (check.Grants): what each role, user, group or permission set is given,
// wherever the template writes it. A policy that grows where no holder of
// it is given more (a statement moved from an AWS::IAM::Policy to an
// AWS::IAM::RolePolicy of the same role) is no broadening; a holder given
// more where no policy it holds grew (a connector added, a user added to a
// group, a function switched to another role) is one.
//
// Where a policy has a part only deployment decides (Fn::If), each holder
// is weighed as each deployment makes the two templates, and a growth only
// some deployments make names them.
func grantChanges(old, new *cfn.Template, was, is cfn.Deployments, security []SecurityChange) []SecurityChange {
	type grants struct{ was, is check.Grants }
	var made []grants
	if !hasIf(old.Section("Resources")) && !hasIf(new.Section("Resources")) {
		made = []grants{{check.GrantsOf(old), check.GrantsOf(new)}}
	} else {
		for _, s := range is.Scenarios {
			made = append(made, grants{check.GrantsOf(was.Under(s)), check.GrantsOf(is.Under(s))})
		}
	}
	broadened := map[string][]string{}
	in := map[string][]int{} // the deployments that give a holder's growth
	for i, g := range made {
		for _, h := range unionKeys(g.was.ByHolder, g.is.ByHolder) {
			for _, d := range grantGrowth(g.was.ByHolder[h], g.is.ByHolder[h]) {
				key := h + "\x00" + d
				if in[key] == nil {
					broadened[h] = append(broadened[h], d)
				}
				in[key] = append(in[key], i)
			}
		}
	}
	holdersOf := func(resource string) []string {
		var out []string
		for _, g := range made {
			out = append(out, g.is.Holders[resource]...)
			out = append(out, g.was.Holders[resource]...)
		}
		return out
	}
	explained := map[string]bool{}
	var out []SecurityChange
	for _, s := range security {
		holders := holdersOf(s.Resource)
		if s.Kind == Broadening && s.identity && len(holders) > 0 && !slices.ContainsFunc(holders, func(h string) bool { return broadened[h] != nil }) {
			continue // moved: its holders are given no more
		}
		for _, h := range holders {
			explained[h] = explained[h] || (s.Kind == Broadening && s.identity)
		}
		out = append(out, s)
	}
	for _, h := range unionKeys(broadened, nil) {
		if explained[h] {
			continue
		}
		for _, d := range broadened[h] {
			detail := "what it is given grows, wherever the template writes it: " + d
			if len(made) > 1 {
				if when := is.Describe(in[h+"\x00"+d]); when != "" {
					detail += " " + when
				}
			}
			out = append(out, SecurityChange{Resource: h, Kind: Broadening, Detail: detail})
		}
	}
	for _, fn := range new.Resources("AWS::Serverless::Function", "AWS::Lambda::Function", "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine") {
		for _, g := range made {
			for _, c := range roleSwitch(old, fn, g.was, g.is) {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return append(out, keySwitches(old, new)...)
}

// grantGrowth tells how a holder is given more in is than in was: more
// statements allow more, or what cannot be read changes.
func grantGrowth(was, is check.Grant) []string {
	var out []string
	for _, e := range cfn.Broader(is.Policy, was.Policy) {
		out = append(out, e.String())
	}
	if !slices.Equal(set(is.Unread), set(was.Unread)) && len(is.Unread) > 0 {
		out = append(out, fmt.Sprintf("it holds %s, which cannot be compared: taken as broader", strings.Join(is.Unread, ", ")))
	}
	return out
}

func set(values []string) []string {
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// roleSwitch tells of a function or state machine that runs as another
// role than it did: its code is given what that role is.
func roleSwitch(old *cfn.Template, fn cfn.Resource, was, is check.Grants) []SecurityChange {
	o, existed := old.Resource(fn.ID)
	if !existed {
		return nil
	}
	from, to := check.RoleOf(o), check.RoleOf(fn)
	if from == to {
		return nil
	}
	_, madeHere := was.ByHolder[to]
	if _, inNew := is.ByHolder[to]; !inNew && !madeHere {
		return []SecurityChange{{Resource: fn.ID, Kind: Broadening, Detail: fmt.Sprintf("runs as %s instead of %s, a role whose policies the template does not show: taken as broader", to, from)}}
	}
	var out []SecurityChange
	for _, d := range grantGrowth(was.ByHolder[from], is.ByHolder[to]) {
		out = append(out, SecurityChange{Resource: fn.ID, Kind: Broadening, Detail: fmt.Sprintf("runs as %s instead of %s, which is given more: %s", to, from, d)})
	}
	return out
}

// keySwitches tells of a table moved to another key of the template whose
// key policy allows more than its old key's: who may read its data grows.
func keySwitches(old, new *cfn.Template) []SecurityChange {
	var out []SecurityChange
	for _, n := range new.Resources("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable") {
		o, existed := old.Resource(n.ID)
		if !existed {
			continue
		}
		was, is := check.TableKeys(old, o), check.TableKeys(new, n)
		for i := range min(len(was), len(is)) {
			if was[i] == is[i] {
				continue
			}
			from, _ := old.Resource(was[i])
			to, _ := new.Resource(is[i])
			for _, c := range comparePolicies(n.ID, fmt.Sprintf("moved from key %s to key %s, whose key policy", was[i], is[i]), from.Prop("KeyPolicy"), to.Prop("KeyPolicy")) {
				if c.Kind == Broadening {
					out = append(out, c)
				}
			}
		}
	}
	return out
}
