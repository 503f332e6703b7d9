// Package check judges the encryption posture of any CloudFormation or SAM
// template: is every table encrypted with a customer managed key, does the
// key rotate, who may use it and how, can it be locked out, will a retained
// table outlive its key. cfn-lint checks that a template is valid; this
// package checks what a security reviewer checks.
//
// Each rule is one function in rules_*.go, with its id, severity, fix and the
// auditor rules (checkov, Control Tower, Security Hub) it corresponds to.
package check
