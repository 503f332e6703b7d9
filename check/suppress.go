package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Suppression is a finding the template accepts, with its reason, written
// in the Metadata of the resource (of the template, for findings about the
// whole template) as gen check, checkov or cfn_nag reads it:
//
//	gen-check: {skip: [{id: KEY006, reason: ...}]}
//	checkov:   {skip: [{id: CKV_AWS_33, comment: ...}]}
//	cfn_nag:   {rules_to_suppress: [{id: F76, reason: ...}]}
//
// A checkov or cfn_nag id suppresses the rules that list it among their
// auditors, so a template reviewed for those tools needs no second note.
type Suppression struct {
	Tool   string `json:"tool"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// suppressionFormats are the tools whose suppressions are read: the key
// under Metadata, the list below it, and the key of the reason.
var suppressionFormats = []struct{ tool, list, reason string }{
	{"gen-check", "skip", "reason"},
	{"checkov", "skip", "comment"},
	{"cfn_nag", "rules_to_suppress", "reason"},
}

// written is a suppression as written: its resource (stackLevel for the
// template's Metadata) and its path below the resource's entry (below the
// template, for the template's).
type written struct {
	Suppression
	resource string
	path     []string
}

// suppressionsIn reads the suppressions of one Metadata value.
func suppressionsIn(metadata any, resource string) []written {
	var out []written
	for _, f := range suppressionFormats {
		list, _ := cfn.At(metadata, f.tool, f.list).([]any)
		for i, entry := range list {
			out = append(out, written{
				Suppression: Suppression{Tool: f.tool, ID: cfn.Text(cfn.At(entry, "id")), Reason: strings.TrimSpace(cfn.Text(cfn.At(entry, f.reason)))},
				resource:    resource,
				path:        []string{"Metadata", f.tool, f.list, strconv.Itoa(i)},
			})
		}
	}
	return out
}

// ruleIDs are the ids of every rule.
var ruleIDs = sync.OnceValue(func() map[string]bool {
	ids := map[string]bool{}
	for _, r := range Rules() {
		ids[r.ID] = true
	}
	return ids
})

// suppress marks the findings the template accepts with a reason, and adds
// a finding for each suppression that gives no reason (it suppresses
// nothing) or names a gen check rule that does not exist.
func suppress(t *cfn.Template, findings []Finding) []Finding {
	all := suppressionsIn(t.Value()["Metadata"], stackLevel)
	for _, r := range t.Resources() {
		all = append(all, suppressionsIn(r.Entry["Metadata"], r.ID)...)
	}
	rules := ruleIDs()
	var accepted []written
	for _, s := range all {
		switch {
		case s.Reason == "":
			findings = append(findings, suppressionWithoutReason.finding(t, hitf(s.resource, s.path,
				"%s suppresses %s without a reason: it suppresses nothing until it gives one", s.Tool, s.ID), Options{}))
		case s.Tool == "gen-check" && !rules[s.ID]:
			findings = append(findings, unknownSuppression.finding(t, hitf(s.resource, s.path,
				"gen-check suppresses %s, which is not a rule of gen check", s.ID), Options{}))
		default:
			accepted = append(accepted, s)
		}
	}
	for i, f := range findings {
		for _, s := range accepted {
			if s.resource == f.Resource && suppresses(s.Suppression, f) {
				findings[i].Suppression = &s.Suppression
				break
			}
		}
	}
	sortFindings(findings)
	return findings
}

// suppresses reports whether s accepts f: by the rule's id, or by the id of
// one of its auditors in that tool.
func suppresses(s Suppression, f Finding) bool {
	if s.Tool == "gen-check" {
		return s.ID == f.Rule
	}
	for _, a := range f.Auditors {
		tool, ids, _ := strings.Cut(a, " ")
		if tool == s.Tool && slices.Contains(strings.Split(ids, "/"), s.ID) {
			return true
		}
	}
	return false
}

// String writes the suppression as reports show it.
func (s Suppression) String() string { return fmt.Sprintf("%s %s: %s", s.Tool, s.ID, s.Reason) }
