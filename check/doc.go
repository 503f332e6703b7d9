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
// text, JSON or SARIF. What the check cannot judge it says (CHK001) rather
// than pass it in silence: a transform it does not apply, a nested stack, a
// loop over values only deployment knows, a policy, principal or action it
// cannot read. Outside what it judges: resource policies other than key
// policies, the managed policies a role attaches beyond the few
// awsManagedPolicies holds, and a statement's Resource only deployment
// gives, which IAM003 takes for any key but IAM002 not for every table.
//
// A deployment of several stacks (a directory with a stacks.json) is judged
// whole by [Deployment]: each template in its stack's Region, then what only
// the whole shows (the DEP rules), each table's key followed through the
// deployment's parameters to the stack that makes it.
package check
