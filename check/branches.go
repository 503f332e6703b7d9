package check

import (
	"runtime"
	"slices"
	"strings"
	"sync"

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
	made := make([]*cfn.Template, len(d.Scenarios))
	findings := make([][]Finding, len(d.Scenarios))
	inParallel(len(d.Scenarios), func(i int) {
		made[i] = d.Under(d.Scenarios[i])
		findings[i] = judge(made[i], posture, opts)
	})
	// Each scenario's policies are those of the first that makes the same.
	var firsts []int
	policiesOf := make([]int, len(d.Scenarios))
	for i, u := range made {
		j := slices.IndexFunc(firsts, func(first int) bool { return cfn.Same(made[first], u, policyParts) })
		if j < 0 {
			firsts = append(firsts, i)
			j = len(firsts) - 1
		}
		policiesOf[i] = j
	}
	policyFindings := make([][]Finding, len(firsts))
	inParallel(len(firsts), func(j int) {
		policyFindings[j] = judge(made[firsts[j]].Without(notPolicyParts), policy, opts)
	})
	type seen struct {
		finding   Finding
		scenarios []int
	}
	var order []string
	found := map[string]*seen{}
	for i := range d.Scenarios {
		for _, f := range slices.Concat(findings[i], policyFindings[policiesOf[i]]) {
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

// inParallel calls f for each index below n, on as many goroutines as Go
// runs at once, and returns when every call has.
func inParallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
