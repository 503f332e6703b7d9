package check

import (
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// judgeScenarios judges the template once for each way a deployment may
// make it (cfn.Deployments), and names the scenarios in a finding that only
// some of them give. Scenarios that cannot happen are never judged.
func judgeScenarios(t *cfn.Template, rules []Rule, opts Options) []Finding {
	d := t.Deployments(opts.Region)
	if len(d.Scenarios) == 1 {
		return judge(d.Under(d.Scenarios[0]), rules, opts)
	}
	var note []Finding
	if !d.Complete {
		note = append(note, templateRule.finding(t, hitf(stackLevel, nil,
			"the template's conditions and parameters (%s) have too many combinations to judge each: every one is judged varied on its own from the first values",
			strings.Join(d.Inputs, ", ")), opts))
	}
	type seen struct {
		finding   Finding
		scenarios []int
	}
	var order []string
	found := map[string]*seen{}
	for i, s := range d.Scenarios {
		for _, f := range judge(d.Under(s), rules, opts) {
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
