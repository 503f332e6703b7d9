package diff

import (
	"slices"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// DeploymentReport is the review of a change between two deployments (a
// directory of stacks.json and its templates each), stack by stack.
type DeploymentReport struct {
	Stacks []StackReport `json:"stacks"`
}

// StackReport is the review of one stack of a deployment: its template's
// change, as Compare gives it, in the stack's Region.
type StackReport struct {
	Stack  string `json:"stack"`
	Region string `json:"region"`
	// Change is add for a stack only the new deployment has (everything
	// in it is added), remove for one only the old has (everything in it
	// is removed), modify for one both have, changed or not. A stack moved
	// to another Region is a stack removed and a stack added.
	Change Change `json:"change"`
	// Parameters names the parameters whose value stacks.json changes,
	// a literal or the output it reads: the template may read the same,
	// and deploy otherwise.
	Parameters []string `json:"parameters,omitempty"`
	Report
}

// CompareDeployments reviews the change from deployment old to deployment
// new: the stacks of new in their deployment order, then those only old
// has, in its order.
func CompareDeployments(old, new *deployment.Dir) DeploymentReport {
	var out DeploymentReport
	matched := map[string]bool{}
	for _, s := range new.Stacks {
		was, inOld := old.Stack(s.Name)
		if !inOld || was.Region != s.Region {
			out.Stacks = append(out.Stacks, StackReport{Stack: s.Name, Region: s.Region, Change: Add,
				Report: compare(noTemplate(), new.Templates[s.Name], stackFacts{region: s.Region})})
			continue
		}
		matched[s.Name] = true
		parameters := changedParameters(old, new, was, s, out)
		out.Stacks = append(out.Stacks, StackReport{Stack: s.Name, Region: s.Region, Change: Modify, Parameters: parameters,
			Report: compare(old.Templates[s.Name], new.Templates[s.Name], stackFacts{region: s.Region, parameters: parameters})})
	}
	for _, s := range old.Stacks {
		if !matched[s.Name] {
			out.Stacks = append(out.Stacks, StackReport{Stack: s.Name, Region: s.Region, Change: Remove,
				Report: compare(old.Templates[s.Name], noTemplate(), stackFacts{region: s.Region})})
		}
	}
	return out
}

// noTemplate stands for a stack a deployment does not have.
var noTemplate = sync.OnceValue(func() *cfn.Template {
	t, err := cfn.Parse([]byte("Resources: {}\n"))
	if err != nil {
		panic("diff: a template without resources does not parse: " + err.Error())
	}
	return t
})

// changedParameters names the parameters of a stack both deployments have
// whose value changes outside its template: the manifest gives another
// literal or reads another output, or the output it reads may give
// another value, as the review of the earlier stack that makes it says.
func changedParameters(old, new *deployment.Dir, was, is deployment.Stack, earlier DeploymentReport) []string {
	var out []string
	for _, name := range unionKeys(was.Parameters, is.Parameters) {
		a, inOld := was.Parameters[name]
		b, inNew := is.Parameters[name]
		switch {
		case inOld != inNew || a.Literal != b.Literal || (a.From == nil) != (b.From == nil):
			out = append(out, name)
		case a.From != nil && (*a.From != *b.From || outputMayChange(old, new, *b.From, earlier)):
			out = append(out, name)
		}
	}
	return out
}

// outputMayChange reports whether an output of an earlier stack may give
// another value after the update: the stack is new, or the output's
// definition changed, or it reads a resource that is replaced, added or
// removed, or an input of its stack that changed.
func outputMayChange(old, new *deployment.Dir, from deployment.Output, earlier DeploymentReport) bool {
	i := slices.IndexFunc(earlier.Stacks, func(s StackReport) bool { return s.Stack == from.Stack })
	if i < 0 || earlier.Stacks[i].Change != Modify {
		return true
	}
	source := earlier.Stacks[i]
	was, is := old.Templates[from.Stack], new.Templates[from.Stack]
	definition := is.Section("Outputs")[from.Output]
	if !equal(was.Section("Outputs")[from.Output], definition) {
		return true
	}
	changed := changedInputs(was, is)
	for _, p := range source.Parameters {
		changed[p] = true
	}
	for _, ref := range references(nil, definition) {
		c := slices.IndexFunc(source.Resources, func(c ResourceChange) bool { return c.ID == ref.target })
		if changed[ref.target] || c >= 0 && (source.Resources[c].Change != Modify || source.Resources[c].Replacement != Never) {
			return true
		}
	}
	return false
}

// Has reports whether the change of any stack is of the class.
func (d DeploymentReport) Has(class string) bool {
	return slices.ContainsFunc(d.Stacks, func(s StackReport) bool { return s.Has(class) })
}

// Has reports whether the stack's change is of the class; a parameter
// stacks.json changes is a change.
func (s StackReport) Has(class string) bool {
	return s.Report.Has(class) || class == ClassAny && len(s.Parameters) > 0
}
