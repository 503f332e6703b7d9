package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// maxBranchConditions bounds the conditions whose every combination is
// judged: 2^5 templates.
const maxBranchConditions = 5

// judgeBranches judges the template once for each way the conditions its
// Fn::If functions test may hold, and names the condition in a finding that
// only some of them give.
func judgeBranches(t *cfn.Template, rules []Rule, opts Options) []Finding {
	conditions := t.IfConditions()
	if len(conditions) == 0 {
		return judge(t, rules, opts)
	}
	var branches []map[string]bool
	var note []Finding
	if len(conditions) <= maxBranchConditions {
		branches = combinations(conditions)
	} else {
		// Every combination of more would take 2^n templates: time and
		// memory a template could exhaust.
		branches = []map[string]bool{allOf(conditions, true), allOf(conditions, false)}
		note = append(note, templateRule.finding(t, hit{resource: stackLevel, path: nil, message: fmt.Sprintf(
			"Fn::If tests %d conditions (%s): the template is judged with all of them true, then all false, not in every combination",
			len(conditions), strings.Join(conditions, ", "))}, opts))
	}
	type seen struct {
		finding  Finding
		branches []int
	}
	var order []string
	found := map[string]*seen{}
	for i, holds := range branches {
		for _, f := range judge(t.Branch(holds), rules, opts) {
			key := strings.Join([]string{f.Rule, f.Resource, f.Path, f.Message}, "\x00")
			if found[key] == nil {
				found[key] = &seen{finding: f}
				order = append(order, key)
			}
			found[key].branches = append(found[key].branches, i)
		}
	}
	out := note
	for _, key := range order {
		s := found[key]
		if len(s.branches) < len(branches) {
			s.finding.Message += " " + when(conditions, branches, s.branches)
		}
		out = append(out, s.finding)
	}
	sortFindings(out)
	return out
}

// combinations lists every way conditions may hold.
func combinations(conditions []string) []map[string]bool {
	out := []map[string]bool{{}}
	for _, c := range conditions {
		var next []map[string]bool
		for _, holds := range out {
			for _, v := range []bool{true, false} {
				m := map[string]bool{c: v}
				for k, w := range holds {
					m[k] = w
				}
				next = append(next, m)
			}
		}
		out = next
	}
	return out
}

func allOf(conditions []string, v bool) map[string]bool {
	m := map[string]bool{}
	for _, c := range conditions {
		m[c] = v
	}
	return m
}

// when names the branches a finding came from: "when condition IsProd is
// false", or, where no one condition tells them apart, the conditions.
func when(conditions []string, branches []map[string]bool, in []int) string {
	for _, c := range conditions {
		for _, v := range []bool{true, false} {
			var match []int
			for i, holds := range branches {
				if holds[c] == v {
					match = append(match, i)
				}
			}
			if slices.Equal(match, in) {
				return fmt.Sprintf("(when condition %s is %v)", c, v)
			}
		}
	}
	return "(in some combinations of conditions " + strings.Join(conditions, ", ") + ")"
}
