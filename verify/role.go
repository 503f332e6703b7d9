package verify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// roleTrust checks who may assume a role, and its permissions boundary,
// against the template; inlinePolicies and managedPolicies check what it
// may do. Anything more than the template grants (an extra inline policy, a
// wider statement, a managed policy attached by hand) or anything less
// fails.
func (v Verifier) roleTrust(ctx context.Context, s *stack, role string) []Line {
	subject := "role " + role
	out, err := v.getRole(ctx, s, s.physical[role])
	if err == nil && out.Role == nil {
		err = errors.New("no role in the answer")
	}
	if err != nil {
		return []Line{v.unanswered(subject, "trust policy and permissions boundary", fmt.Errorf("GetRole: %w", err))}
	}
	lines := v.trustPolicy(s, role, aws.ToString(out.Role.AssumeRolePolicyDocument))
	return append(lines, permissionsBoundary(s, role, out.Role.PermissionsBoundary)...)
}

// permissionsBoundary compares the role's permissions boundary with the
// template's: a boundary removed or swapped outside the stack lets the
// role's policies grant more. A role the template gives none passes
// without a line whatever it has, since a boundary only takes away.
func permissionsBoundary(s *stack, role string, deployed *iamtypes.AttachedPermissionsBoundary) []Line {
	subject := "role " + role
	promised, err := s.resolve(s.resource(role).Prop("PermissionsBoundary"))
	if err != nil {
		return []Line{unresolved(subject, "the template's permissions boundary", err)}
	}
	if promised == nil {
		return nil
	}
	var got string
	if deployed != nil {
		got = aws.ToString(deployed.PermissionsBoundaryArn)
	}
	if got != cfn.Text(promised) {
		return []Line{{Fail, subject, fmt.Sprintf("permissions boundary is %q, the template says %s", got, cfn.Text(promised))}}
	}
	return []Line{{Pass, subject, "permissions boundary as the template set it: " + got}}
}

func (v Verifier) trustPolicy(s *stack, role, deployedDoc string) []Line {
	subject := "role " + role
	promised, err := s.promisedPolicy(s.resource(role).Prop("AssumeRolePolicyDocument"))
	if err != nil {
		return []Line{unresolved(subject, "the template's trust policy", err)}
	}
	deployed, err := readIAMPolicy(deployedDoc)
	if err != nil {
		return []Line{{Fail, subject, "deployed trust policy: " + err.Error()}}
	}
	if lines := policyLines(subject, "trust policy", deployed, promised); len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, "trust policy as the template promised"}}
}

// readIAMPolicy reads a policy document as IAM returns it: URL-encoded JSON
// (moto returns it plain).
func readIAMPolicy(doc string) (cfn.PolicyDocument, error) {
	if decoded, err := url.QueryUnescape(doc); err == nil {
		doc = decoded
	}
	return cfn.ReadPolicy(doc)
}

func (v Verifier) inlinePolicies(ctx context.Context, s *stack, role string) []Line {
	subject := "role " + role
	promised, err := s.promisedInlinePolicies(role)
	if err != nil {
		return []Line{unresolved(subject, "the template's inline policies", err)}
	}
	deployed, err := v.deployedInlinePolicies(ctx, s.physical[role])
	if err != nil {
		return []Line{v.unanswered(subject, "inline policies", err)}
	}
	var lines []Line
	for _, name := range sortedKeys(deployed) {
		want, granted := promised[name]
		if !granted {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("inline policy %s is not in the template; it allows %s", name, allowed(deployed[name]))})
			continue
		}
		lines = append(lines, policyLines(subject, "inline policy "+name, deployed[name], want)...)
	}
	for _, name := range sortedKeys(promised) {
		if _, ok := deployed[name]; !ok {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("inline policy %s, which the template grants, is not on the role", name)})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, "inline policies as the template promised: " + joinOr(sortedKeys(promised), "none")}}
}

// allowed says what a policy allows, for a policy the template never granted.
func allowed(p cfn.PolicyDocument) string {
	var what []string
	for _, e := range cfn.Broader(p, cfn.PolicyDocument{}) {
		what = append(what, e.String())
	}
	return joinOr(what, "nothing")
}

// promisedInlinePolicies gives the inline policies the template puts on a
// role, by name: its own Policies, and each AWS::IAM::Policy or
// AWS::IAM::RolePolicy that names it.
func (s *stack) promisedInlinePolicies(role string) (map[string]cfn.PolicyDocument, error) {
	out := map[string]cfn.PolicyDocument{}
	add := func(from *stack, name, doc any) error {
		n, err := from.resolve(name)
		if err != nil {
			return err
		}
		p, err := from.promisedPolicy(doc)
		if err != nil {
			return fmt.Errorf("policy %s: %w", cfn.Text(n), err)
		}
		out[cfn.Text(n)] = p
		return nil
	}
	own, _ := s.resource(role).Prop("Policies").([]any)
	for _, p := range own {
		if err := add(s, cfn.At(p, "PolicyName"), cfn.At(p, "PolicyDocument")); err != nil {
			return nil, err
		}
	}
	for _, from := range s.deploymentStacks() {
		for _, r := range from.template.Resources("AWS::IAM::Policy", "AWS::IAM::RolePolicy") {
			if names, err := from.namesRole(r, role, s); err != nil || !names {
				if err != nil {
					return nil, fmt.Errorf("whether policy %s names the role: %w", r.ID, err)
				}
				continue
			}
			if err := add(from, r.Prop("PolicyName"), r.Prop("PolicyDocument")); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// deploymentStacks is the stack, then, verifying a deployment, the others
// of it that were read: a role may be given policies, and run functions,
// of another stack of the deployment.
func (s *stack) deploymentStacks() []*stack {
	out := []*stack{s}
	if s.fleet == nil {
		return out
	}
	for _, ds := range s.fleet.dir.Stacks {
		if o, ok := s.fleet.stacks[ds.Name]; ok && o != s {
			out = append(out, o)
		}
	}
	return out
}

// namesRole reports whether a policy resource of the template attaches to
// role of stack owner: by Ref, in the role's own stack, or by the role's
// physical name, as another stack's template gives it (a parameter).
func (s *stack) namesRole(r cfn.Resource, role string, owner *stack) (bool, error) {
	targets := []any{r.Prop("RoleName")}
	if roles, ok := r.Prop("Roles").([]any); ok {
		targets = roles
	}
	for _, t := range targets {
		if id, isRef := cfn.RefTarget(t); isRef && s == owner && id == role {
			return true, nil
		}
		if s == owner {
			if cfn.Text(t) == owner.physical[role] {
				return true, nil
			}
			continue
		}
		name, err := s.resolve(t)
		if err != nil {
			return false, err
		}
		if cfn.Text(name) == owner.physical[role] {
			return true, nil
		}
	}
	return false, nil
}

func (v Verifier) deployedInlinePolicies(ctx context.Context, role string) (map[string]cfn.PolicyDocument, error) {
	out := map[string]cfn.PolicyDocument{}
	pages := iam.NewListRolePoliciesPaginator(v.IAM, &iam.ListRolePoliciesInput{RoleName: &role})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListRolePolicies: %w", err)
		}
		for _, name := range page.PolicyNames {
			got, err := v.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &role, PolicyName: &name})
			if err != nil {
				return nil, fmt.Errorf("GetRolePolicy %s: %w", name, err)
			}
			if out[name], err = readIAMPolicy(aws.ToString(got.PolicyDocument)); err != nil {
				return nil, fmt.Errorf("inline policy %s: %w", name, err)
			}
		}
	}
	return out, nil
}

func (v Verifier) managedPolicies(ctx context.Context, s *stack, role string) []Line {
	subject := "role " + role
	promised, err := s.promisedManagedPolicies(role)
	if err != nil {
		return []Line{unresolved(subject, "the template's managed policies", err)}
	}
	var attached []string
	pages := iam.NewListAttachedRolePoliciesPaginator(v.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(s.physical[role])})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return []Line{v.unanswered(subject, "managed policies", fmt.Errorf("ListAttachedRolePolicies: %w", err))}
		}
		for _, p := range page.AttachedPolicies {
			attached = append(attached, aws.ToString(p.PolicyArn))
		}
	}
	var lines []Line
	for _, arn := range attached {
		if !slices.Contains(promised, arn) {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("managed policy %s is attached but not in the template", arn)})
		}
	}
	for _, arn := range promised {
		if !slices.Contains(attached, arn) {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("managed policy %s, which the template attaches, is not attached", arn)})
		}
	}
	lines = append(lines, v.stackPolicyVersions(ctx, s, subject, attached)...)
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, "managed policies as the template promised: " + joinOr(promised, "none")}}
}

// stackPolicyVersions compares each attached managed policy the stack made
// with its template: its default version is what applies, and anyone who
// may create versions can change it outside the stack.
func (v Verifier) stackPolicyVersions(ctx context.Context, s *stack, subject string, attached []string) []Line {
	var lines []Line
	for _, id := range s.ofType["AWS::IAM::ManagedPolicy"] {
		arn := s.physical[id]
		if !slices.Contains(attached, arn) {
			continue
		}
		what := "managed policy " + id
		promised, err := s.promisedPolicy(s.resource(id).Prop("PolicyDocument"))
		if err != nil {
			lines = append(lines, unresolved(subject, "the template's "+what, err))
			continue
		}
		policy, err := v.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
		if err == nil && policy.Policy == nil {
			err = errors.New("no policy in the answer")
		}
		if err != nil {
			lines = append(lines, v.unanswered(subject, what, fmt.Errorf("GetPolicy: %w", err)))
			continue
		}
		version, err := v.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: policy.Policy.DefaultVersionId})
		if err == nil && version.PolicyVersion == nil {
			err = errors.New("no version in the answer")
		}
		if err != nil {
			lines = append(lines, v.unanswered(subject, what, fmt.Errorf("GetPolicyVersion: %w", err)))
			continue
		}
		deployed, err := readIAMPolicy(aws.ToString(version.PolicyVersion.Document))
		if err != nil {
			lines = append(lines, Line{Fail, subject, what + ": " + err.Error()})
			continue
		}
		lines = append(lines, policyLines(subject, what, deployed, promised)...)
	}
	return lines
}

// promisedManagedPolicies gives the ARNs of the managed policies the template
// attaches to a role: its ManagedPolicyArns, and each AWS::IAM::ManagedPolicy
// that names it.
func (s *stack) promisedManagedPolicies(role string) ([]string, error) {
	arns, err := s.resolve(s.resource(role).Prop("ManagedPolicyArns"))
	if err != nil {
		return nil, err
	}
	out := cfn.Texts(arns)
	for _, r := range s.template.Resources("AWS::IAM::ManagedPolicy") {
		if names, _ := s.namesRole(r, role, s); names {
			out = append(out, s.physical[r.ID])
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func joinOr(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}
