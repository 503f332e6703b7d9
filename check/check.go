package check

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Severity says how bad a finding is.
type Severity int

// Severities, from least to most severe.
const (
	Info Severity = iota
	Warning
	Error
)

// String gives the severity's name, as reports print it.
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Finding is one thing wrong with one resource.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Resource string   `json:"resource"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	Auditors []string `json:"auditors,omitempty"`
}

// Options set how strictly a template is judged.
type Options struct {
	// Production raises the rules a production stack must pass to errors.
	Production bool
	// Today dates the runtime deprecation table; the zero value means now.
	Today time.Time
	// Size is the template's length in bytes, where it is known.
	Size int
}

// Rule is one posture rule.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	// StricterInProduction makes the rule an error under Options.Production.
	StricterInProduction bool
	Fix                  string
	Auditors             []string
	find                 func(*cfn.Template, Options) []hit
}

// hit is where a rule found a problem, and what exactly.
type hit struct {
	resource string
	message  string
}

// Rules lists every rule, in the order the README documents them.
func Rules() []Rule {
	return slices.Concat(tableRules, keyRules, iamRules, lambdaRules, stackRules)
}

// Run judges t by every rule. Findings come sorted by resource and rule, so
// the same template always gives the same report.
func Run(t *cfn.Template, opts Options) []Finding {
	return run(Rules(), t, opts)
}

// KeyPolicy judges a key policy by the key rules (KEY004 to KEY008) on its
// own, as deployed: doc is a policy document as ReadPolicy takes it, such as
// the JSON KMS's GetKeyPolicy returns. Findings name the key id.
func KeyPolicy(id string, doc any, opts Options) []Finding {
	t := cfn.New(map[string]any{"Resources": map[string]any{
		id: map[string]any{"Type": "AWS::KMS::Key", "Properties": map[string]any{"KeyPolicy": doc}},
	}})
	return run(keyRules, t, opts)
}

func run(rules []Rule, t *cfn.Template, opts Options) []Finding {
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	var out []Finding
	for _, r := range rules {
		severity := r.Severity
		if r.StricterInProduction && opts.Production {
			severity = Error
		}
		for _, h := range r.find(t, opts) {
			out = append(out, Finding{
				Rule: r.ID, Severity: severity, Resource: h.resource,
				Message: h.message, Fix: r.Fix, Auditors: r.Auditors,
			})
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}

// Source parses a template's source and judges it, its size included.
func Source(src []byte, opts Options) ([]Finding, error) {
	t, err := cfn.Parse(src)
	if err != nil {
		return nil, err
	}
	opts.Size = len(src)
	return Run(t, opts), nil
}

// Count gives how many findings have the given severity.
func Count(findings []Finding, s Severity) int {
	n := 0
	for _, f := range findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

func hitf(resource, format string, args ...any) hit {
	return hit{resource: resource, message: fmt.Sprintf(format, args...)}
}
