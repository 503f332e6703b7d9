package check

import (
	"fmt"
	"io"
	"strings"
)

//go:generate go run ./internal/rulesdoc ../docs/rules.md

// WriteRuleTable writes docs/rules.md: every rule in a table, then a section
// per rule (its id as anchor, which SARIF's helpUri points at) with what is
// at stake, the fix, and the auditor rules it matches.
func WriteRuleTable(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# gen check rules\n\n")
	b.WriteString("Generated from `check.Rules()` by `go generate ./check`; a test fails when it is stale.\n\n")
	b.WriteString("| rule | severity | finds | auditors |\n|---|---|---|---|\n")
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), severityText(r), r.Title, strings.Join(r.Auditors, ", "))
	}
	b.WriteString(suppressionHelp)
	for _, r := range Rules() {
		fmt.Fprintf(&b, "\n## %s\n\n**%s**, %s.\n\n%s.\n\nFix: %s.\n", r.ID, r.Title, severityText(r), capitalize(r.Why), r.Fix)
		if len(r.Auditors) > 0 {
			fmt.Fprintf(&b, "\nAuditors: %s.\n", strings.Join(r.Auditors, ", "))
		}
		if len(r.Basis) > 0 {
			fmt.Fprintf(&b, "\nAWS documentation: %s.\n", strings.Join(r.Basis, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

const suppressionHelp = `
A finding is accepted, with a reason, in the Metadata of its resource (of the template, for a finding
about the whole template). gen check also honours checkov's and cfn_nag's suppressions of the auditor ids a
rule lists, so a template already reviewed for those tools needs no second note:

` + "```yaml" + `
Metadata:
  gen-check:
    skip:
      - id: KEY006
        reason: the account-wide model of the reference, kept on purpose
  checkov:
    skip:
      - id: CKV_AWS_33
        comment: every principal is limited by kms:ViaService
  cfn_nag:
    rules_to_suppress:
      - id: F76
        reason: every principal is limited by kms:ViaService
` + "```" + `

A suppressed finding does not fail the build; it is counted in the summary, listed with
` + "`-show-suppressed`" + `, and written to SARIF with its justification. A suppression without a reason suppresses
nothing (CHK002).
`

func severityText(r Rule) string {
	if r.StricterInProduction {
		return r.Severity.String() + " (error with `-profile production`)"
	}
	return r.Severity.String()
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
