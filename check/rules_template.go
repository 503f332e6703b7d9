package check

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// The rules about the template itself: what could not be judged, and
// suppressions that cannot be accepted.
var (
	templateRule = Rule{
		ID: "CHK001", Title: "part of the template not judged", Severity: Warning,
		Why: "a transform the check does not apply, a nested stack, a loop whose collection is only known at deployment, " +
			"a policy it cannot read, or a principal or action only known at deployment leaves resources unjudged; " +
			"the check says so rather than pass them in silence",
		Fix:  "judge the template CloudFormation processes (aws cloudformation get-template --template-stage Processed), or review that part by hand",
		find: unjudgedParts,
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

// unjudgedParts finds what the other rules cannot judge in the resources:
// policies and policy values that cannot be read, nested stacks, and the
// rotation of replica keys.
func unjudgedParts(t *model, _ Options) []hit {
	return slices.Concat(unreadablePolicies(t), unknownPolicyValues(t), nestedStacks(t), replicaKeyRotation(t))
}

// unreadablePolicies finds the key, IAM and resource policies that cannot be
// read as policies, which the other rules then cannot judge.
func unreadablePolicies(m *model) []hit {
	hits := slices.Clone(m.unreadableKeys())
	for _, p := range m.iamPolicies() {
		if _, err := p.statements(); err != nil {
			hits = append(hits, unreadable(p.resource.ID, p.path, err))
		}
	}
	for _, p := range m.resourcePolicies() {
		if p.err != nil {
			hits = append(hits, unreadable(p.table.ID, p.path, p.err))
		}
	}
	return hits
}

// unknownPolicyValues finds the principals and actions of key and IAM
// policies that only deployment gives: read as the text of an intrinsic,
// they would match nothing, and a broad grant would pass unseen.
func unknownPolicyValues(t *model) []hit {
	var hits []hit
	judge := func(resource string, statements []statement) {
		for _, s := range statements {
			for _, u := range unknownValues(t.Template, s) {
				path := append(slices.Clone(s.path), u.path...)
				hits = append(hits, hitf(resource, path, "%s is %s, only known at deployment: what the statement allows through it is not judged", strings.Join(path, "."), cfn.Text(u.value)))
			}
		}
	}
	for _, kp := range t.keyPolicies() {
		judge(kp.key.ID, kp.statements)
	}
	for _, rp := range t.resourcePolicies() {
		judge(rp.table.ID, rp.statements)
	}
	for _, p := range t.iamPolicies() {
		if statements, err := p.statements(); err == nil {
			judge(p.resource.ID, statements)
		}
	}
	return hits
}

// unknownValue is a value of a statement that only deployment gives, and
// its path below the statement.
type unknownValue struct {
	path  []string
	value any
}

// unknownValues finds the values of a statement's Principal, NotPrincipal,
// Action and NotAction that only deployment gives, in order of path.
func unknownValues(t *cfn.Template, s statement) []unknownValue {
	var out []unknownValue
	find := func(v any, path []string) {
		if _, isList := v.([]any); !isList {
			if unknownBeforeDeployment(t, v) {
				out = append(out, unknownValue{path, v})
			}
			return
		}
		for i, e := range cfn.List(v) {
			if unknownBeforeDeployment(t, e) {
				out = append(out, unknownValue{append(slices.Clone(path), strconv.Itoa(i)), e})
			}
		}
	}
	for field, v := range map[string]any{"Principal": s.Principal, "NotPrincipal": s.NotPrincipal} {
		kinds, isMap := v.(map[string]any)
		if !isMap || cfn.IsIntrinsic(v) {
			find(v, []string{field})
			continue
		}
		for kind, ids := range kinds {
			find(ids, []string{field, kind})
		}
	}
	find(s.Action, []string{"Action"})
	find(s.NotAction, []string{"NotAction"})
	slices.SortFunc(out, func(a, b unknownValue) int { return slices.Compare(a.path, b.path) })
	return out
}

// unknownBeforeDeployment reports whether a policy value is one only
// deployment gives: one that reads a parameter (a Ref, or a ${Name} of a
// Fn::Sub, also inside a Fn::Join), an intrinsic whose text tells nothing
// of its value (cfn.Opaque), such as Fn::ImportValue or a Fn::FindInMap by
// a reference, or a dynamic reference ({{resolve:ssm:...}}).
func unknownBeforeDeployment(t *cfn.Template, v any) bool {
	return cfn.Opaque(v) || readsParameter(t, v) || cfn.HasDynamicReference(cfn.Text(v))
}

func readsParameter(t *cfn.Template, v any) bool {
	isParameter := func(name string) bool {
		_, ok := t.Section("Parameters")[name]
		return ok
	}
	name, arg, ok := cfn.Intrinsic(v)
	switch {
	case !ok:
		return false
	case name == "Ref":
		return isParameter(cfn.Text(arg))
	case name == "Fn::Sub":
		text, _ := arg.(string)
		vars := map[string]any{}
		if list, isList := arg.([]any); isList && len(list) == 2 {
			text, _ = list[0].(string)
			vars, _ = list[1].(map[string]any)
		}
		for _, n := range cfn.SubNames(text) {
			if _, isVar := vars[n]; !isVar && isParameter(n) {
				return true
			}
		}
		return slices.ContainsFunc(slices.Collect(maps.Values(vars)), func(v any) bool { return readsParameter(t, v) })
	case name == "Fn::Join":
		parts, _ := cfn.At(arg, "1").([]any)
		return slices.ContainsFunc(parts, func(p any) bool { return readsParameter(t, p) })
	}
	return false
}

// nestedStacks finds the stacks the template nests, whose resources are
// in a template of their own.
func nestedStacks(t *model) []hit {
	var hits []hit
	for _, r := range t.Resources("AWS::CloudFormation::Stack", "AWS::Serverless::Application") {
		hits = append(hits, hitf(r.ID, nil, "a nested stack (%s): the resources of its template are not judged; check that template on its own", r.Type))
	}
	return hits
}

// replicaKeyRotation finds the replica keys that encrypt a table: whether
// their key rotates is set on the primary key, in another Region's stack.
func replicaKeyRotation(t *model) []hit {
	var hits []hit
	seen := map[string]bool{}
	for _, tk := range t.tableKeys {
		if tk.key.Type != replicaKey || seen[tk.key.ID] {
			continue
		}
		seen[tk.key.ID] = true
		hits = append(hits, hitf(tk.key.ID, pointable(tk.key, []string{"Properties", "PrimaryKeyArn"}),
			"encrypts table %s, but a replica key rotates as its primary key does, which is not in this template: its rotation is not judged", tk.table.ID))
	}
	return hits
}

// skippedParts turns what the model left as written into findings.
func skippedParts(t *cfn.Template) []Finding {
	var out []Finding
	for _, s := range t.Skipped() {
		out = append(out, templateRule.finding(t, hit{resource: stackLevel, path: s.Path, message: s.Reason}, Options{}))
	}
	return out
}
