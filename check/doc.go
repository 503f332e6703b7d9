// Package check judges the encryption posture of any CloudFormation or SAM
// template: is every table encrypted with a customer managed key, does the
// key rotate, who may use it and how, can it be locked out, will a retained
// table outlive its key. cfn-lint checks that a template is valid; this
// package checks what a security reviewer checks.
//
// Each rule is one entry in rules_*.go: its id, severity, fix, the auditor
// rules (checkov, Control Tower, Security Hub) it corresponds to, and the
// function that finds it.
package check
