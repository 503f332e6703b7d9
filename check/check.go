package check

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/internal/parallel"
	"github.com/dynamodb-sse-cmk/stack/render"
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

// Finding is one thing wrong with one resource, and where: the line and
// column of the offending property, or of the resource's logical id.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Resource string   `json:"resource"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	Auditors []string `json:"auditors,omitempty"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	// Path is the offending property, dotted from the resource's entry:
	// Properties.SSESpecification.KMSMasterKeyId; empty for the resource.
	Path string `json:"path,omitempty"`
	// Suppression is the reason given in the template for accepting the
	// finding; a suppressed finding does not fail a build.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Suppressed reports whether the template accepts the finding with a reason.
func (f Finding) Suppressed() bool { return f.Suppression != nil }

// Options set how strictly a template is judged.
type Options struct {
	// Production raises the rules a production stack must pass to errors.
	Production bool
	// Today dates the runtime deprecation table; the zero value means now.
	Today time.Time
	// Size is the template's length in bytes, where it is known.
	Size int
	// Accounts are account ids that are the deploying account: any other
	// literal account id a policy names is another account.
	Accounts []string
	// Region is the Region the template is deployed to; "" when any.
	Region string
	// StackName and Tables (a table's physical name by its logical id)
	// are the deployed stack a policy read from it belongs to: a
	// table-name condition naming one of its tables, or the name
	// CloudFormation gives one (StackName-LogicalId-*), holds a principal
	// to that table.
	StackName string
	Tables    map[string]string
}

// Rule is one posture rule.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	// StricterInProduction makes the rule an error under Options.Production.
	StricterInProduction bool
	// Why says what is at stake, for a rule's full description.
	Why      string
	Fix      string
	Auditors []string
	// Basis lists the AWS documentation the rule's judgement rests on.
	Basis []string
	find  func(*model, Options) []hit
	// family names the parts of a template the rule reads (judged.go).
	family family
}

// hit is where a rule found a problem, and what exactly. path leads from
// the resource's entry to the offending property (from the top of the
// template for the whole template); nil points at the resource itself.
type hit struct {
	resource string
	path     []string
	message  string
	// info lowers the finding to an info: what the rule looks for, in a
	// form that is no danger, told so a reviewer knows; raise makes it an
	// error: the rule's concern, at its worst.
	info, raise bool
}

// Rules lists every rule, in the order the rule table documents them.
func Rules() []Rule {
	return slices.Concat(tableRules, resourceRules, keyRules, iamRules, lambdaRules, stackRules, deploymentRules, templateRules)
}

// rulesByFamily are the rules that judge a template, by family; the
// suppression and deployment rules judge elsewhere.
var rulesByFamily = sync.OnceValue(func() map[family][]Rule {
	out := map[family][]Rule{}
	for _, r := range Rules() {
		if r.find != nil {
			out[r.family] = append(out[r.family], r)
		}
	}
	return out
})

// Run judges t by every rule, as normalised (cfn.Template.Normalize), in
// each way a deployment may make it. Findings come sorted by resource, rule
// and position, so the same template always gives the same report.
func Run(t *cfn.Template, opts Options) []Finding {
	return run(t.Normalize(), opts, nil)
}

// run judges a normalised template; more are its findings judged
// elsewhere (a deployment's), which its suppressions apply to too.
func run(t *cfn.Template, opts Options, more []Finding) []Finding {
	findings := judgeScenarios(t, opts)
	findings = append(findings, skippedParts(t)...)
	return suppress(t, append(findings, more...))
}

// KeyPolicy judges a key policy by the key rules (KEY004 to KEY008) on its
// own, as deployed: doc is a policy document as cfn.ReadPolicy takes it,
// such as the JSON KMS's GetKeyPolicy returns. Findings name the key id.
func KeyPolicy(id string, doc any, opts Options) []Finding {
	t := cfn.New(map[string]any{"Resources": map[string]any{
		id: map[string]any{"Type": "AWS::KMS::Key", "Properties": map[string]any{"KeyPolicy": doc}},
	}})
	return judge(t, keyRules, opts)
}

// judge runs rules on one template.
func judge(t *cfn.Template, rules []Rule, opts Options) []Finding {
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	m := newModel(t, cfn.Env{Accounts: opts.Accounts, Now: opts.Today})
	m.stackName, m.deployedTables = opts.StackName, opts.Tables
	found := make([][]Finding, len(rules))
	parallel.For(len(rules), func(i int) {
		for _, h := range rules[i].find(m, opts) {
			found[i] = append(found[i], rules[i].finding(t, h, opts))
		}
	})
	out := slices.Concat(found...)
	sortFindings(out)
	return out
}

func (r Rule) finding(t *cfn.Template, h hit, opts Options) Finding {
	severity := r.Severity
	switch {
	case h.info:
		severity = Info
	case h.raise, r.StricterInProduction && opts.Production:
		severity = Error
	}
	at := position(t, h.resource, h.path)
	return Finding{
		Rule: r.ID, Severity: severity, Resource: h.resource, Message: h.message, Fix: r.Fix, Auditors: r.Auditors,
		Line: at.Line, Column: at.Column, Path: strings.Join(writtenPath(t, h), "."),
	}
}

// writtenPath is a hit's path as the resource's entry was written: in a
// branch of the template, a list item after one the branch removed keeps
// its index, so that the same statement is the same finding in every branch.
func writtenPath(t *cfn.Template, h hit) []string {
	if h.resource == stackLevel {
		return h.path
	}
	source := t.Source(append([]string{"Resources", h.resource}, h.path...)...)
	if len(source) >= 2 && source[0] == "Resources" && source[1] == h.resource {
		return source[2:]
	}
	return h.path
}

// position is where a finding points: the property at path below the
// resource's entry, or the resource's logical id; for the whole template,
// the part at path from the top, or its Resources section.
func position(t *cfn.Template, resource string, path []string) cfn.Pos {
	if resource != stackLevel {
		return t.Pos(append([]string{"Resources", resource}, path...)...)
	}
	if path == nil {
		path = []string{"Resources"}
	}
	return t.Pos(path...)
}

func sortFindings(findings []Finding) {
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Message, b.Message))
	})
}

// Template judges a template built with goformation, such as one a table
// was added to with template.AddTable: as gen check judges the YAML that
// render.YAML writes of it.
func Template(t *cloudformation.Template, opts Options) ([]Finding, error) {
	src, err := render.YAML(t)
	if err != nil {
		return nil, err
	}
	return Source(src, opts)
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

// Count gives how many findings have the given severity, suppressed ones
// left out.
func Count(findings []Finding, s Severity) int {
	n := 0
	for _, f := range findings {
		if f.Severity == s && !f.Suppressed() {
			n++
		}
	}
	return n
}

// CountSuppressed gives how many findings the template accepts with a reason.
func CountSuppressed(findings []Finding) int {
	n := 0
	for _, f := range findings {
		if f.Suppressed() {
			n++
		}
	}
	return n
}

func hitf(resource string, path []string, format string, args ...any) hit {
	return hit{resource: resource, path: path, message: fmt.Sprintf(format, args...)}
}
