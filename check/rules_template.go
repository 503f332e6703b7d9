package check

import "github.com/dynamodb-sse-cmk/stack/cfn"

// The rules about the template itself: what could not be judged, and
// suppressions that cannot be accepted.
var (
	templateRule = Rule{
		ID: "CHK001", Title: "part of the template not judged", Severity: Warning,
		Why: "a transform the check does not apply, a loop whose collection is only known at deployment, or a policy it cannot read " +
			"leaves resources unjudged; the check says so rather than pass them in silence",
		Fix:  "judge the template CloudFormation processes (aws cloudformation get-template --template-stage Processed), or review that part by hand",
		find: unreadablePolicies,
	}
	suppressionWithoutReason = Rule{
		ID: "CHK002", Title: "suppression without a reason", Severity: Error,
		Why: "an accepted finding must say why it is acceptable, so that a reviewer and an auditor can judge the reason",
		Fix: "give the suppression a reason (gen-check, cfn_nag) or a comment (checkov)",
	}
	unknownSuppression = Rule{
		ID: "CHK003", Title: "suppression of a rule that does not exist", Severity: Warning,
		Why: "a misspelt rule id suppresses nothing, and the finding it meant to accept still fails the build",
		Fix: "name a rule gen check has (gen check lists them in its SARIF output and docs/rules.md)",
	}
	templateRules = []Rule{templateRule, suppressionWithoutReason, unknownSuppression}
)

// unreadablePolicies finds the key and IAM policy documents that cannot be
// read as policies, which the other rules then cannot judge.
func unreadablePolicies(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, k := range t.Resources("AWS::KMS::Key") {
		if k.Prop("KeyPolicy") == nil {
			continue
		}
		if _, err := statementsAt(k, keyPolicyPath); err != nil {
			hits = append(hits, unreadable(k.ID, keyPolicyPath, err))
		}
	}
	for _, p := range iamPolicies(t) {
		if _, err := p.statements(); err != nil {
			hits = append(hits, unreadable(p.resource.ID, p.path, err))
		}
	}
	return hits
}

// skippedParts turns what the model left as written into findings.
func skippedParts(t *cfn.Template) []Finding {
	var out []Finding
	for _, s := range t.Skipped() {
		out = append(out, templateRule.finding(t, hit{stackLevel, s.Path, s.Reason}, Options{}))
	}
	return out
}
