package verify

import (
	"fmt"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
)

// templatePosture runs gen check on the stack's own template: a stack
// updated with a weaker template would otherwise match it perfectly. What
// gen check could not judge (CHK001) fails too: it is not proven.
func templatePosture(s *stack) []Line {
	const subject = "template"
	findings := check.Run(s.template, s.checkOptions())
	var lines []Line
	for _, f := range findings {
		if f.Severity == check.Error || f.Rule == "CHK001" {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("gen check: %s %s: %s", f.Rule, f.Resource, f.Message)})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, fmt.Sprintf("gen check finds no error (%d warnings)", check.Count(findings, check.Warning))}}
}

// policyLines compares a deployed policy with the one the template promised:
// a FAIL for each way it allows more, and for each way it allows less.
func policyLines(subject, what string, deployed, promised cfn.PolicyDocument) []Line {
	var lines []Line
	for _, e := range cfn.Broader(deployed, promised) {
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s allows more than the template: %s", what, e)})
	}
	for _, e := range cfn.Broader(promised, deployed) {
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s allows less than the template: %s: %s", what, e.Statement, e.Reverse)})
	}
	return lines
}

// promisedPolicy resolves a policy document of the template against the stack.
func (s *stack) promisedPolicy(doc any) (cfn.PolicyDocument, error) {
	resolved, err := s.resolve(doc)
	if err != nil {
		return cfn.PolicyDocument{}, err
	}
	return cfn.ReadPolicy(resolved)
}

func sids(p cfn.PolicyDocument) string {
	var names []string
	for i, st := range p.Statement {
		names = append(names, st.Name(i))
	}
	return joinOr(names, "no statement")
}

// checkOptions judges the stack as deployed: in its account, so that the
// account ids its resolved policies write are this account, and Region.
func (s *stack) checkOptions() check.Options {
	tables := map[string]string{}
	for _, r := range s.template.Resources("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable") {
		tables[r.ID] = s.physical[r.ID]
	}
	return check.Options{Accounts: []string{s.values.Pseudo["AWS::AccountId"]}, Region: s.values.Pseudo["AWS::Region"],
		StackName: s.values.Pseudo["AWS::StackName"], Tables: tables}
}
