package check

import (
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// judgeScenarios judges the template once for each way a deployment may
// make it (cfn.Deployments), and names the scenarios in a finding that only
// some of them give. Scenarios that cannot happen are never judged. The
// posture rules judge each scenario; the policy rules judge the policies
// once for each different set a scenario makes (judged.go).
func judgeScenarios(t *cfn.Template, rules []Rule, opts Options) []Finding {
	d := t.Deployments(opts.Region, judgedParts)
	var note []Finding
	if !d.Complete {
		note = append(note, templateRule.finding(t, hitf(stackLevel, nil,
			"the template's conditions and parameters (%s) have too many combinations to judge each: every one is judged varied on its own from the first values",
			strings.Join(d.Inputs, ", ")), opts))
	}
	posture := slices.DeleteFunc(slices.Clone(rules), func(r Rule) bool { return !r.posture })
	policy := slices.DeleteFunc(slices.Clone(rules), func(r Rule) bool { return r.posture })
	type judged struct {
		template *cfn.Template
		findings []Finding
	}
	var policies []judged
	type seen struct {
		finding   Finding
		scenarios []int
	}
	var order []string
	found := map[string]*seen{}
	for i, s := range d.Scenarios {
		u := d.Under(s)
		j := slices.IndexFunc(policies, func(p judged) bool { return cfn.Same(p.template, u, policyParts) })
		if j < 0 {
			policies = append(policies, judged{u, judge(u.Without(notPolicyParts), policy, opts)})
			j = len(policies) - 1
		}
		for _, f := range slices.Concat(judge(u, posture, opts), policies[j].findings) {
			key := strings.Join([]string{f.Rule, f.Resource, f.Path, f.Message}, "\x00")
			if found[key] == nil {
				found[key] = &seen{finding: f}
				order = append(order, key)
			}
			found[key].scenarios = append(found[key].scenarios, i)
		}
	}
	out := note
	for _, key := range order {
		s := found[key]
		if when := d.Describe(s.scenarios); when != "" {
			s.finding.Message += " " + when
		}
		out = append(out, s.finding)
	}
	sortFindings(out)
	return out
}
