// Package check judges the encryption posture of any CloudFormation or SAM
// template: is every table encrypted with a customer managed key, does the
// key rotate, who may use it and how, can it be locked out, will a retained
// table outlive its key. cfn-lint checks that a template is valid; this
// package checks what a security reviewer checks.
//
// Each rule is one entry in rules_*.go: its id, severity, what is at stake,
// fix, the auditor rules (checkov, Control Tower, Security Hub) it
// corresponds to, and the function that finds it; docs/rules.md lists them.
// Every finding points at the line and column of what it is about; a
// template may accept a finding with a reason ([Suppression]); reports are
// text, JSON or SARIF. What the check cannot judge it says (CHK001), never
// passing it in silence.
package check
