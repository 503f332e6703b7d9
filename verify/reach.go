package verify

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Who can reach a function of the stack, and who can act as its role. A
// function's role may use the table's key, so whoever may invoke the
// function, or run other code as its role, may use the key: each way in
// must be one the template made.

// The types of resource that attach to a function, each on the function
// itself or on one of its qualifiers (an alias or a version).
const (
	permissionType = "AWS::Lambda::Permission"
	urlType        = "AWS::Lambda::Url"
	mappingType    = "AWS::Lambda::EventSourceMapping"
	versionType    = "AWS::Lambda::Version"
	aliasType      = "AWS::Lambda::Alias"
)

// target is what a resource attaches to: a function of the stack, by
// logical id, and its qualifier, "" for the function itself.
type target struct{ function, qualifier string }

// attachments is what the template attaches to its functions: by type, the
// logical ids of the resources on each target.
type attachments struct {
	on map[string]map[target][]string
	// unmatched says, by logical id, why a resource of these types is not
	// compared: it names no function of the stack, or what it names cannot
	// be known.
	unmatched map[string]string
}

// of gives the resources of typ that attach to function fn, by the
// qualifier they are on.
func (a attachments) of(typ, fn string) map[string][]string {
	out := map[string][]string{}
	for t, ids := range a.on[typ] {
		if t.function == fn {
			out[t.qualifier] = ids
		}
	}
	return out
}

// attachments reads what each Lambda permission, URL, event source mapping,
// version and alias of the template attaches to.
func (s *stack) attachments() attachments {
	a := attachments{on: map[string]map[target][]string{}, unmatched: map[string]string{}}
	property := map[string]string{permissionType: "FunctionName", urlType: "TargetFunctionArn", mappingType: "FunctionName", versionType: "FunctionName", aliasType: "FunctionName"}
	for _, typ := range []string{permissionType, urlType, mappingType, versionType, aliasType} {
		a.on[typ] = map[target][]string{}
		for _, id := range s.ofType[typ] {
			t, err := s.target(s.resource(id).Prop(property[typ]))
			if err == nil {
				t.qualifier, err = s.qualifier(typ, id, t.qualifier)
			}
			if err != nil {
				a.unmatched[id] = fmt.Sprintf("%s %s: %v", typ, property[typ], err)
				continue
			}
			a.on[typ][t] = append(a.on[typ][t], id)
		}
	}
	return a
}

// qualifier gives the qualifier a resource is on: a version's own number,
// an alias's name, a URL's Qualifier, else the one its function reference
// names.
func (s *stack) qualifier(typ, id, named string) (string, error) {
	var q any
	switch typ {
	case versionType:
		// Its physical id is its ARN, which ends in its number.
		_, number, _ := strings.Cut(strings.TrimPrefix(s.physical[id], s.functionARNPrefix()), ":")
		if number == "" {
			return "", fmt.Errorf("physical id %q is not the ARN of a version", s.physical[id])
		}
		return number, nil
	case aliasType:
		q = s.resource(id).Prop("Name")
	case urlType:
		q = s.resource(id).Prop("Qualifier")
	}
	resolved, err := s.resolve(q)
	if err != nil || resolved == nil {
		return named, err
	}
	return cfn.Text(resolved), nil
}

// functionARNPrefix is what the ARN of each function of the stack's Region
// and account starts with.
func (s *stack) functionARNPrefix() string {
	p := s.values.Pseudo
	return "arn:" + p["AWS::Partition"] + ":lambda:" + p["AWS::Region"] + ":" + p["AWS::AccountId"] + ":function:"
}

// functionReference is what Lambda takes for a function: its name, its
// partial ARN or its ARN, each with a qualifier or without.
var functionReference = regexp.MustCompile(`^(?:arn:[^:]+:lambda:([^:]+):)?(?:(\d{12}):function:)?([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$`)

// target resolves a reference to a function to the function of the stack it
// names and the qualifier it names.
func (s *stack) target(reference any) (target, error) {
	resolved, err := s.resolve(reference)
	if err != nil {
		return target{}, err
	}
	m := functionReference.FindStringSubmatch(cfn.Text(resolved))
	switch {
	case m == nil:
		return target{}, fmt.Errorf("%q names no function", cfn.Text(resolved))
	case m[1] != "" && m[1] != s.values.Pseudo["AWS::Region"], m[2] != "" && m[2] != s.values.Pseudo["AWS::AccountId"]:
		return target{}, fmt.Errorf("%s is a function of another Region or account", cfn.Text(resolved))
	}
	for _, fn := range s.ofType["AWS::Lambda::Function"] {
		if s.physical[fn] == m[3] {
			return target{fn, strings.TrimPrefix(m[4], "$LATEST")}, nil
		}
	}
	return target{}, fmt.Errorf("%s is not a function of the stack", m[3])
}

// unmatchedAttachments fails each Lambda permission, URL, event source
// mapping, version or alias the checks of the stack's functions do not
// compare.
func unmatchedAttachments(s *stack) []Line {
	var lines []Line
	unmatched := s.attached().unmatched
	for _, id := range sortedKeys(unmatched) {
		lines = append(lines, Line{Fail, "resource " + id, unmatched[id] + ": verify does not compare it, so the stack is not proven"})
	}
	return lines
}

// qualifiers checks that the function's aliases and published versions
// are the template's: a version runs the code it was published with, as the
// role it was published with, so one the template does not publish (by
// hand, or left by an earlier deployment) runs code the template no longer
// names; an alias the template does not make is a name more to grant
// access to.
func (v Verifier) qualifiers(ctx context.Context, s *stack, fn string) []Line {
	subject := "function " + fn
	aliases, err := v.aliases(ctx, s, fn)
	if err != nil {
		return []Line{v.unanswered(subject, "aliases", err)}
	}
	versions, err := v.versions(ctx, s, fn)
	if err != nil {
		return []Line{v.unanswered(subject, "versions", err)}
	}
	deployedAliases, deployedVersions := map[string]string{}, map[string]string{}
	for _, a := range aliases {
		deployedAliases[aws.ToString(a.Name)] = "points at version " + aws.ToString(a.FunctionVersion)
	}
	for _, c := range versions {
		deployedVersions[aws.ToString(c.Version)] = fmt.Sprintf("runs code %s as %s", aws.ToString(c.CodeSha256), aws.ToString(c.Role))
	}
	attached := s.attached()
	promisedAliases, promisedVersions := attached.of(aliasType, fn), attached.of(versionType, fn)
	lines := compareQualifiers(subject, "alias", deployedAliases, promisedAliases)
	lines = append(lines, compareQualifiers(subject, "version", deployedVersions, promisedVersions)...)
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, fmt.Sprintf("aliases and versions as the template makes them: %s; %s",
		joinOr(sortedKeys(promisedAliases), "no alias"), joinOr(sortedKeys(promisedVersions), "no version"))}}
}

// compareQualifiers fails each alias or version deployed, described by
// deployed, that the template does not make, and each it makes, by the
// logical ids in promised, that is not deployed.
func compareQualifiers(subject, kind string, deployed map[string]string, promised map[string][]string) []Line {
	var lines []Line
	for _, q := range sortedKeys(deployed) {
		if _, ok := promised[q]; !ok {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s %s, which the template does not make, %s", kind, q, deployed[q])})
		}
	}
	for _, q := range sortedKeys(promised) {
		if _, ok := deployed[q]; !ok {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s %s, which the template makes (%s), is not deployed", kind, q, strings.Join(promised[q], ", "))})
		}
	}
	return lines
}

// functionPolicies compares the resource policy of the function, of each
// of its aliases and of each of its versions with the permissions the
// template grants on it (AWS::Lambda::Permission, which SAM makes of a
// function's events): each qualifier has a policy of its own, and a
// statement for * lets anyone invoke it.
func (v Verifier) functionPolicies(ctx context.Context, s *stack, fn string) []Line {
	subject := "function " + fn
	config, err := v.functionConfiguration(ctx, s, s.physical[fn])
	if err != nil {
		return []Line{v.unanswered(subject, "resource policy", fmt.Errorf("GetFunctionConfiguration: %w", err))}
	}
	qualifiers, err := v.deployedQualifiers(ctx, s, fn, true)
	if err != nil {
		return []Line{v.unanswered(subject, "resource policy", err)}
	}
	granted := s.attached().of(permissionType, fn)
	qualifiers = unique(append(qualifiers, sortedKeys(granted)...))
	var lines []Line
	var sids []string
	for _, q := range qualifiers {
		what := "resource policy" + of(q)
		promised, err := s.promisedPermissions(granted[q], qualified(aws.ToString(config.FunctionArn), q))
		if err != nil {
			lines = append(lines, unresolved(subject, "the template's "+what, err))
			continue
		}
		deployed, err := v.functionPolicy(ctx, s.physical[fn], q)
		if err != nil {
			lines = append(lines, v.unanswered(subject, what, err))
			continue
		}
		lines = append(lines, policyLines(subject, what, deployed, promised)...)
		sids = append(sids, granted[q]...)
	}
	if len(lines) > 0 {
		return lines
	}
	if len(sids) == 0 {
		return []Line{{Pass, subject, fmt.Sprintf("no resource policy on %s, as the template grants none", on(qualifiers))}}
	}
	return []Line{{Pass, subject, fmt.Sprintf("resource policies on %s as the template grants them (%s)", on(qualifiers), strings.Join(sids, ", "))}}
}

// functionPolicy reads the resource policy Lambda holds for a function or
// one of its qualifiers; none is an empty policy.
func (v Verifier) functionPolicy(ctx context.Context, function, qualifier string) (cfn.PolicyDocument, error) {
	in := &lambda.GetPolicyInput{FunctionName: &function}
	if qualifier != "" {
		in.Qualifier = &qualifier
	}
	out, err := v.Lambda.GetPolicy(ctx, in)
	var none *lambdatypes.ResourceNotFoundException
	switch {
	case errors.As(err, &none):
		return cfn.PolicyDocument{}, nil
	case err != nil:
		return cfn.PolicyDocument{}, fmt.Errorf("GetPolicy: %w", err)
	}
	deployed, err := cfn.ReadPolicy(aws.ToString(out.Policy))
	if err != nil {
		return cfn.PolicyDocument{}, fmt.Errorf("GetPolicy: %w", err)
	}
	return deployed, nil
}

// promisedPermissions writes the permissions the template grants on a
// function or qualifier, whose ARN is arn, as the statements Lambda makes
// of them (AddPermission): an account becomes its root, a service a
// Service principal, and each source a condition.
func (s *stack) promisedPermissions(ids []string, arn string) (cfn.PolicyDocument, error) {
	policy := cfn.PolicyDocument{Version: cfn.PolicyVersion}
	for _, id := range ids {
		resolved, err := s.resolve(s.resource(id).Properties)
		if err != nil {
			return cfn.PolicyDocument{}, fmt.Errorf("%s: %w", id, err)
		}
		props, _ := resolved.(map[string]any)
		st := cfn.Statement{Sid: s.physical[id], Effect: cfn.Allow, Action: props["Action"], Resource: arn, Condition: map[string]map[string]any{}}
		for _, name := range sortedKeys(props) {
			text := cfn.Text(props[name])
			switch name {
			case "FunctionName", "Action":
			case "Principal":
				if st.Principal, err = s.lambdaPrincipal(text); err != nil {
					return cfn.PolicyDocument{}, fmt.Errorf("%s: %w", id, err)
				}
			case "SourceArn":
				addCondition(st.Condition, "ArnLike", "AWS:SourceArn", text)
			case "SourceAccount":
				addCondition(st.Condition, "StringEquals", "AWS:SourceAccount", text)
			case "PrincipalOrgID":
				addCondition(st.Condition, "StringEquals", "aws:PrincipalOrgID", text)
			case "FunctionUrlAuthType":
				addCondition(st.Condition, "StringEquals", "lambda:FunctionUrlAuthType", text)
			case "EventSourceToken":
				addCondition(st.Condition, "StringEquals", "lambda:EventSourceToken", text)
			default:
				return cfn.PolicyDocument{}, fmt.Errorf("%s: verify does not know what statement Lambda makes of %s", id, name)
			}
		}
		if len(st.Condition) == 0 {
			st.Condition = nil
		}
		policy.Statement = append(policy.Statement, st)
	}
	return policy, nil
}

func addCondition(c map[string]map[string]any, operator, key, value string) {
	if c[operator] == nil {
		c[operator] = map[string]any{}
	}
	c[operator][key] = value
}

// accountID is the form of an AWS account's id.
var accountID = regexp.MustCompile(`^\d{12}$`)

// lambdaPrincipal writes a permission's Principal as Lambda writes it in the
// function's policy.
func (s *stack) lambdaPrincipal(p string) (any, error) {
	switch {
	case p == "*":
		return "*", nil
	case accountID.MatchString(p):
		return map[string]any{"AWS": "arn:" + s.values.Pseudo["AWS::Partition"] + ":iam::" + p + ":root"}, nil
	case strings.HasPrefix(p, "arn:"):
		return map[string]any{"AWS": p}, nil
	case strings.Contains(p, "."):
		return map[string]any{"Service": p}, nil
	}
	return nil, fmt.Errorf("principal %q is no account, ARN or service", p)
}

// functionURLs compares the function's URLs, on the function and on each
// alias (Lambda puts them nowhere else), with the template's: a URL whose
// AuthType is NONE lets anyone on the internet invoke it, and one with
// AWS_IAM, anyone its policy lets.
func (v Verifier) functionURLs(ctx context.Context, s *stack, fn string) []Line {
	subject := "function " + fn
	qualifiers, err := v.deployedQualifiers(ctx, s, fn, false)
	if err != nil {
		return []Line{v.unanswered(subject, "function URLs", err)}
	}
	promised := s.attached().of(urlType, fn)
	qualifiers = unique(append(qualifiers, sortedKeys(promised)...))
	var lines, urls []Line
	for _, q := range qualifiers {
		what := "function URL" + of(q)
		want := "none"
		if ids := promised[q]; len(ids) > 0 {
			auth, err := s.resolve(s.resource(ids[0]).Prop("AuthType"))
			if err != nil {
				lines = append(lines, unresolved(subject, "the template's "+what, err))
				continue
			}
			want = "AuthType " + cfn.Text(auth)
		}
		got, url, err := v.functionURL(ctx, s.physical[fn], q)
		if err != nil {
			lines = append(lines, v.unanswered(subject, what, err))
			continue
		}
		switch {
		case got != want && got == "AuthType NONE":
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s %s has %s, the template %s: Lambda does not authenticate who calls it", what, url, got, says(want))})
		case got != want:
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s is %s, the template %s", what, describeURL(got, url), says(want))})
		case url != "":
			urls = append(urls, Line{Pass, subject, fmt.Sprintf("%s %s has %s, as the template makes it", what, url, got)})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	if len(urls) > 0 {
		return urls
	}
	return []Line{{Pass, subject, fmt.Sprintf("no function URL on %s, as the template makes none", on(qualifiers))}}
}

func says(want string) string {
	if want == "none" {
		return "makes none"
	}
	return "says " + want
}

func describeURL(auth, url string) string {
	if url == "" {
		return "missing"
	}
	return url + " with " + auth
}

// functionURL reads the URL of a function or alias: its AuthType, as
// "AuthType X", and its address; "none" where it has none.
func (v Verifier) functionURL(ctx context.Context, function, qualifier string) (auth, url string, err error) {
	in := &lambda.GetFunctionUrlConfigInput{FunctionName: &function}
	if qualifier != "" {
		in.Qualifier = &qualifier
	}
	out, err := v.Lambda.GetFunctionUrlConfig(ctx, in)
	var none *lambdatypes.ResourceNotFoundException
	switch {
	case errors.As(err, &none):
		return "none", "", nil
	case err != nil:
		return "", "", fmt.Errorf("GetFunctionUrlConfig: %w", err)
	}
	return "AuthType " + string(out.AuthType), aws.ToString(out.FunctionUrl), nil
}

// eventSourceMappings compares the event source mappings that invoke the
// function, or one of its qualifiers, with the template's: a mapping hands
// each record of its source (a stream of the table, a queue) to the
// function, as its role.
func (v Verifier) eventSourceMappings(ctx context.Context, s *stack, fn string) []Line {
	subject := "function " + fn
	config, err := v.functionConfiguration(ctx, s, s.physical[fn])
	if err != nil {
		return []Line{v.unanswered(subject, "event source mappings", fmt.Errorf("GetFunctionConfiguration: %w", err))}
	}
	all, err := s.asked.mappings.ask("", func() ([]lambdatypes.EventSourceMappingConfiguration, error) {
		var out []lambdatypes.EventSourceMappingConfiguration
		pages := lambda.NewListEventSourceMappingsPaginator(v.Lambda, &lambda.ListEventSourceMappingsInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("ListEventSourceMappings: %w", err)
			}
			out = append(out, page.EventSourceMappings...)
		}
		return out, nil
	})
	if err != nil {
		return []Line{v.unanswered(subject, "event source mappings", err)}
	}
	arn := aws.ToString(config.FunctionArn)
	promised := map[string]string{} // physical id -> the ARN it invokes
	for q, ids := range s.attached().of(mappingType, fn) {
		for _, id := range ids {
			promised[s.physical[id]] = qualified(arn, q)
		}
	}
	deployed := map[string]lambdatypes.EventSourceMappingConfiguration{}
	for _, m := range all {
		if invoked := aws.ToString(m.FunctionArn); invoked == arn || strings.HasPrefix(invoked, arn+":") {
			deployed[aws.ToString(m.UUID)] = m
		}
	}
	var lines []Line
	for _, id := range sortedKeys(deployed) {
		m := deployed[id]
		switch want, ok := promised[id]; {
		case !ok:
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("event source mapping %s, which the template does not make, invokes %s with the records of %s", id, aws.ToString(m.FunctionArn), aws.ToString(m.EventSourceArn))})
		case want != aws.ToString(m.FunctionArn):
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("event source mapping %s invokes %s, the template says %s", id, aws.ToString(m.FunctionArn), want)})
		}
	}
	for _, id := range sortedKeys(promised) {
		if _, ok := deployed[id]; !ok {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("event source mapping %s, which the template makes, does not invoke %s", id, promised[id])})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, "event source mappings as the template makes them: " + joinOr(sortedKeys(promised), "none")}}
}

// functionsOutside checks that no function outside the stack, in the
// stack's Region, runs as the role: the role trusts Lambda, so anyone who
// may pass it to a function they make or change acts as it.
func (v Verifier) functionsOutside(ctx context.Context, s *stack, role string) Line {
	subject := "role " + role
	out, err := v.getRole(ctx, s, s.physical[role])
	if err == nil && out.Role == nil {
		err = errors.New("no role in the answer")
	}
	if err != nil {
		return v.unanswered(subject, "functions that run as it", fmt.Errorf("GetRole: %w", err))
	}
	all, err := v.functionsInRegion(ctx, s)
	if err != nil {
		return v.unanswered(subject, "functions that run as it", err)
	}
	ours := map[string]bool{}
	for _, o := range s.deploymentStacks() {
		if o.region() != s.region() {
			continue
		}
		for _, fn := range o.ofType["AWS::Lambda::Function"] {
			ours[o.physical[fn]] = true
		}
	}
	var outside []string
	for _, c := range all {
		if aws.ToString(c.Role) == aws.ToString(out.Role.Arn) && !ours[aws.ToString(c.FunctionName)] {
			outside = append(outside, aws.ToString(c.FunctionArn))
		}
	}
	region := s.values.Pseudo["AWS::Region"]
	if len(outside) > 0 {
		slices.Sort(outside)
		return Line{Fail, subject, fmt.Sprintf("functions outside the stack run as it in %s: %s", region, strings.Join(outside, ", "))}
	}
	return Line{Pass, subject, fmt.Sprintf("no function outside the stack runs as it in %s (%d functions and versions there in all)", region, len(all))}
}

// functionsInRegion lists every function of the stack's Region, each
// version included: a published version keeps the role it was published
// with.
func (v Verifier) functionsInRegion(ctx context.Context, s *stack) ([]lambdatypes.FunctionConfiguration, error) {
	return s.asked.inRegion.ask("", func() ([]lambdatypes.FunctionConfiguration, error) {
		var out []lambdatypes.FunctionConfiguration
		pages := lambda.NewListFunctionsPaginator(v.Lambda, &lambda.ListFunctionsInput{FunctionVersion: lambdatypes.FunctionVersionAll})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("ListFunctions: %w", err)
			}
			out = append(out, page.Functions...)
		}
		return out, nil
	})
}

// aliases lists the function's aliases.
func (v Verifier) aliases(ctx context.Context, s *stack, fn string) ([]lambdatypes.AliasConfiguration, error) {
	physical := s.physical[fn]
	return s.asked.aliases.ask(physical, func() ([]lambdatypes.AliasConfiguration, error) {
		var out []lambdatypes.AliasConfiguration
		pages := lambda.NewListAliasesPaginator(v.Lambda, &lambda.ListAliasesInput{FunctionName: &physical})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("ListAliases: %w", err)
			}
			out = append(out, page.Aliases...)
		}
		return out, nil
	})
}

// versions lists the function's published versions, $LATEST aside.
func (v Verifier) versions(ctx context.Context, s *stack, fn string) ([]lambdatypes.FunctionConfiguration, error) {
	all, err := v.functionsInRegion(ctx, s)
	if err != nil {
		return nil, err
	}
	var out []lambdatypes.FunctionConfiguration
	for _, c := range all {
		if aws.ToString(c.FunctionName) == s.physical[fn] && aws.ToString(c.Version) != "$LATEST" {
			out = append(out, c)
		}
	}
	return out, nil
}

// deployedQualifiers lists "" for the function itself, then its aliases,
// then, when withVersions, its published versions.
func (v Verifier) deployedQualifiers(ctx context.Context, s *stack, fn string, withVersions bool) ([]string, error) {
	aliases, err := v.aliases(ctx, s, fn)
	if err != nil {
		return nil, err
	}
	out := []string{""}
	for _, a := range aliases {
		out = append(out, aws.ToString(a.Name))
	}
	if !withVersions {
		return out, nil
	}
	versions, err := v.versions(ctx, s, fn)
	if err != nil {
		return nil, err
	}
	for _, c := range versions {
		out = append(out, aws.ToString(c.Version))
	}
	return out, nil
}

// unique keeps the first of each qualifier, in order.
func unique(qualifiers []string) []string {
	var out []string
	for _, q := range qualifiers {
		if !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out
}

func qualified(arn, qualifier string) string {
	if qualifier == "" {
		return arn
	}
	return arn + ":" + qualifier
}

// of names a qualifier in a check's question: " of alias live", " of
// version 3"; Lambda's alias names are never all digits.
func of(qualifier string) string {
	if qualifier == "" {
		return ""
	}
	return " of " + qualifierName(qualifier)
}

func qualifierName(qualifier string) string {
	if strings.Trim(qualifier, "0123456789") == "" {
		return "version " + qualifier
	}
	return "alias " + qualifier
}

// on names what a check looked at: the function and its qualifiers.
func on(qualifiers []string) string {
	names := []string{"it"}
	for _, q := range qualifiers[1:] {
		names = append(names, qualifierName(q))
	}
	return strings.Join(names, ", ")
}
