package check

import (
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/internal/parallel"
)

// judgeScenarios judges the template once for each way a deployment may
// make it (cfn.Deployments), and names the scenarios in a finding that only
// some of them give. Scenarios that cannot happen are never judged. Each
// family of rules judges once for each different set of the parts it reads
// (judged.go).
func judgeScenarios(t *cfn.Template, opts Options) []Finding {
	d := t.Deployments(opts.Region, judgedParts)
	var note []Finding
	if !d.Complete {
		note = append(note, templateRule.finding(t, hitf(stackLevel, nil,
			"the template's conditions and parameters (%s) have too many combinations to judge each: every one is judged varied on its own from the first values",
			strings.Join(d.Inputs, ", ")), opts))
	}
	made := make([]*cfn.Template, len(d.Scenarios))
	parallel.For(len(d.Scenarios), func(i int) { made[i] = d.Under(d.Scenarios[i]) })
	// A judgement of a family, on the first scenario that makes its parts
	// so; each scenario takes each family's findings from the judgement of
	// its parts. A family's judgements read templates without what it
	// does not read, made together: they share most of their entries.
	type judgement struct {
		family   family
		first    int
		judged   *cfn.Template
		findings []Finding
	}
	byFamily := make([][]judgement, len(families))
	judgementOf := make([][]int, len(families)) // of each scenario, in the family's
	parallel.For(len(families), func(k int) {
		f := families[k]
		judgementOf[k] = make([]int, len(made))
		for i, u := range made {
			j := slices.IndexFunc(byFamily[k], func(j judgement) bool { return cfn.Same(made[j.first], u, f.reads) })
			if j < 0 {
				byFamily[k] = append(byFamily[k], judgement{family: f, first: i})
				j = len(byFamily[k]) - 1
			}
			judgementOf[k][i] = j
		}
		firsts := make([]*cfn.Template, len(byFamily[k]))
		for j, jm := range byFamily[k] {
			firsts[j] = made[jm.first]
		}
		for j, t := range cfn.Without(firsts, f.ignores) {
			byFamily[k][j].judged = t
		}
	})
	var judgements []judgement
	judgedBy := make([][]int, len(d.Scenarios))
	for k := range families {
		for i := range made {
			judgedBy[i] = append(judgedBy[i], len(judgements)+judgementOf[k][i])
		}
		judgements = append(judgements, byFamily[k]...)
	}
	rulesOf := rulesByFamily()
	parallel.For(len(judgements), func(j int) {
		judgements[j].findings = judge(judgements[j].judged, rulesOf[judgements[j].family], opts)
	})
	type seen struct {
		finding   Finding
		scenarios []int
	}
	var order []string
	found := map[string]*seen{}
	for i := range d.Scenarios {
		for _, j := range judgedBy[i] {
			for _, f := range judgements[j].findings {
				key := strings.Join([]string{f.Rule, f.Resource, f.Path, f.Message}, "\x00")
				if found[key] == nil {
					found[key] = &seen{finding: f}
					order = append(order, key)
				}
				found[key].scenarios = append(found[key].scenarios, i)
			}
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
