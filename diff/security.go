package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// place is where a resource type holds a policy document: at path below
// Properties or, for inline policies, in a list of {PolicyName,
// PolicyDocument} at path.
type place struct {
	label  string
	path   []string
	inline bool
	// identity: a policy its holder has, which grantChanges also compares
	// holder by holder.
	identity bool
}

var (
	keyPolicy      = place{"key policy", []string{"KeyPolicy"}, false, false}
	policyDocument = place{"policy", []string{"PolicyDocument"}, false, true}
	inlinePolicies = place{"inline policy", []string{"Policies"}, true, true}
	resourcePolicy = func(path ...string) place { return place{"resource policy", path, false, false} }
)

// policyPlaces are the identity, key and resource policies each type holds.
var policyPlaces = map[string][]place{
	"AWS::KMS::Key":                       {keyPolicy},
	"AWS::KMS::ReplicaKey":                {keyPolicy},
	"AWS::IAM::Role":                      {{"trust policy", []string{"AssumeRolePolicyDocument"}, false, false}, inlinePolicies},
	"AWS::IAM::User":                      {inlinePolicies},
	"AWS::IAM::Group":                     {inlinePolicies},
	"AWS::IAM::Policy":                    {policyDocument},
	"AWS::IAM::ManagedPolicy":             {policyDocument},
	"AWS::IAM::RolePolicy":                {policyDocument},
	"AWS::IAM::UserPolicy":                {policyDocument},
	"AWS::IAM::GroupPolicy":               {policyDocument},
	"AWS::S3::BucketPolicy":               {resourcePolicy("PolicyDocument")},
	"AWS::SQS::QueuePolicy":               {resourcePolicy("PolicyDocument")},
	"AWS::SNS::TopicPolicy":               {resourcePolicy("PolicyDocument")},
	"AWS::Logs::ResourcePolicy":           {resourcePolicy("PolicyDocument")},
	"AWS::SecretsManager::ResourcePolicy": {resourcePolicy("ResourcePolicy")},
	"AWS::ECR::Repository":                {resourcePolicy("RepositoryPolicyText")},
	"AWS::DynamoDB::Table": {
		resourcePolicy("ResourcePolicy", "PolicyDocument"),
		{"stream resource policy", []string{"StreamSpecification", "ResourcePolicy", "PolicyDocument"}, false, false},
	},
	"AWS::S3::AccessPoint":           {resourcePolicy("Policy")},
	"AWS::EFS::FileSystem":           {resourcePolicy("FileSystemPolicy")},
	"AWS::ApiGateway::RestApi":       {resourcePolicy("Policy")},
	"AWS::OpenSearchService::Domain": {resourcePolicy("AccessPolicies")},
	"AWS::Elasticsearch::Domain":     {resourcePolicy("AccessPolicies")},
	"AWS::Backup::BackupVault":       {resourcePolicy("AccessPolicy")},
	"AWS::SSO::PermissionSet":        {{"inline policy", []string{"InlinePolicy"}, false, true}},
}

// accessTypes give access other than through a policy document.
var accessTypes = []string{"AWS::Lambda::Permission", "AWS::Lambda::Url"}

// policyPaths are the paths below Properties of a type's policy documents,
// which changes compares by what they allow.
func policyPaths(typ string) [][]string {
	var out [][]string
	for _, p := range policyPlaces[typ] {
		if p.inline {
			out = append(out, append(slices.Clone(p.path), "*", "PolicyDocument"))
		} else {
			out = append(out, p.path)
		}
	}
	if typ == "AWS::Serverless::Function" || typ == "AWS::Serverless::StateMachine" {
		out = append(out, []string{"Policies"})
	}
	return out
}

// policyChangesIn tells how the policies of resource id grow or shrink, as
// each deployment makes them where a policy has a part only deployment
// decides (Fn::If): a change some deployments make names them. Where the
// old template cannot be made the same way (its conditions differ), the
// policy cannot be compared, and counts as broader.
func policyChangesIn(was, is cfn.Deployments, id string, o, n cfn.Resource) []SecurityChange {
	if !hasIf(o.Entry) && !hasIf(n.Entry) {
		return policyChanges(id, o, n)
	}
	var order []SecurityChange
	in := map[SecurityChange][]int{}
	for i, s := range is.Scenarios {
		oS, _ := was.Under(s).Resource(id)
		nS, _ := is.Under(s).Resource(id)
		for _, c := range policyChanges(id, oS, nS) {
			if in[c] == nil {
				order = append(order, c)
			}
			in[c] = append(in[c], i)
		}
	}
	for i, c := range order {
		if when := is.Describe(in[c]); when != "" {
			order[i].Detail += " " + when
		}
	}
	return order
}

// hasIf reports whether a value holds a Fn::If.
func hasIf(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if name, _, ok := cfn.Intrinsic(v); ok && name == "Fn::If" {
			return true
		}
		for _, e := range v {
			if hasIf(e) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, hasIf)
	}
	return false
}

// policyChanges tells how the policies of resource id grow or shrink from o
// to n; either may be absent (the zero Resource).
func policyChanges(id string, o, n cfn.Resource) []SecurityChange {
	typ := n.Type
	if typ == "" {
		typ = o.Type
	}
	var out []SecurityChange
	for _, p := range policyPlaces[typ] {
		var changes []SecurityChange
		if !p.inline {
			changes = comparePolicies(id, p.label, cfn.At(o.Properties, p.path...), cfn.At(n.Properties, p.path...))
		} else {
			was, wasOpaque := inlineDocuments(o, p.path)
			is, isOpaque := inlineDocuments(n, p.path)
			for _, name := range unionKeys(was, is) {
				changes = append(changes, comparePolicies(id, p.label+" "+name, was[name], is[name])...)
			}
			changes = append(changes, opaqueChanges(id, p.label, wasOpaque, isOpaque)...)
		}
		out = append(out, heldBy(p.identity, changes)...)
	}
	switch typ {
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		out = append(out, heldBy(true, compareSets(id, "managed policy", "attached", "detached", cfn.Texts(o.Prop("ManagedPolicyArns")), cfn.Texts(n.Prop("ManagedPolicyArns"))))...)
		out = append(out, boundaryChanges(id, o.Prop("PermissionsBoundary"), n.Prop("PermissionsBoundary"))...)
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
		for _, h := range []struct{ property, holder string }{{"Roles", "role"}, {"Users", "user"}, {"Groups", "group"}} {
			out = append(out, heldBy(true, compareSets(id, h.holder, "now holds the policy", "no longer holds the policy", cfn.Texts(o.Prop(h.property)), cfn.Texts(n.Prop(h.property))))...)
		}
	case "AWS::Serverless::Function":
		out = append(out, heldBy(true, samPolicyChanges(id, o.Prop("Policies"), n.Prop("Policies")))...)
		// SAM puts it on the role it makes for the function.
		out = append(out, boundaryChanges(id, o.Prop("PermissionsBoundary"), n.Prop("PermissionsBoundary"))...)
		out = append(out, urlAuthChanges(id, o.Prop("FunctionUrlConfig", "AuthType"), n.Prop("FunctionUrlConfig", "AuthType"))...)
	case "AWS::Serverless::StateMachine":
		out = append(out, heldBy(true, samPolicyChanges(id, o.Prop("Policies"), n.Prop("Policies")))...)
	case "AWS::Lambda::Url":
		out = append(out, urlAuthChanges(id, o.Prop("AuthType"), n.Prop("AuthType"))...)
	case "AWS::Lambda::Permission":
		out = append(out, comparePolicies(id, "invoke permission", permission(o), permission(n))...)
	case "AWS::DynamoDB::GlobalTable":
		was, is := replicaPolicies(o), replicaPolicies(n)
		for _, label := range unionKeys(was, is) {
			out = append(out, comparePolicies(id, label, was[label], is[label])...)
		}
	}
	return out
}

// heldBy marks changes to policies a holder has (identity policies), which
// grantChanges weighs holder by holder.
func heldBy(identity bool, changes []SecurityChange) []SecurityChange {
	for i := range changes {
		changes[i].identity = identity
	}
	return changes
}

// urlAuthChanges tells of a function URL whose AuthType becomes NONE:
// anyone on the internet may then call the function.
func urlAuthChanges(id string, was, is any) []SecurityChange {
	if cfn.Text(is) != "NONE" || cfn.Text(was) == "NONE" {
		return nil
	}
	from := cfn.Text(was)
	if was == nil {
		from = "no URL"
	}
	return []SecurityChange{{Resource: id, Kind: Broadening, Detail: fmt.Sprintf("function URL auth type %s → NONE: anyone may call the function", from)}}
}

// replicaPolicies reads the resource policies of each replica of a global
// table and of its stream, by what the review calls them.
func replicaPolicies(r cfn.Resource) map[string]any {
	out := map[string]any{}
	for region, replica := range replicasByRegion(r) {
		if doc := cfn.At(replica, "ResourcePolicy", "PolicyDocument"); doc != nil {
			out["resource policy of replica "+region] = doc
		}
		if doc := cfn.At(replica, "ReplicaStreamSpecification", "ResourcePolicy", "PolicyDocument"); doc != nil {
			out["stream resource policy of replica "+region] = doc
		}
	}
	return out
}

// boundaryChanges tells how a permissions boundary, which caps what a
// principal's policies may give, is removed (broadening), set (narrowing)
// or swapped (which cannot be compared here: taken as broader).
func boundaryChanges(id string, was, is any) []SecurityChange {
	switch {
	case equal(was, is):
		return nil
	case is == nil:
		return []SecurityChange{{Resource: id, Kind: Broadening, Detail: "permissions boundary " + cfn.Text(was) + " removed"}}
	case was == nil:
		return []SecurityChange{{Resource: id, Kind: Narrowing, Detail: "permissions boundary " + cfn.Text(is) + " set"}}
	}
	return []SecurityChange{{Resource: id, Kind: Broadening, Detail: fmt.Sprintf("permissions boundary %s replaced by %s, which cannot be compared here: taken as broader", cfn.Text(was), cfn.Text(is))}}
}

// opaqueChanges tells of policies written in a way that cannot be read
// statement by statement (an inline policy under Fn::If, a SAM document the
// policy language does not take): when they change, taken as broader.
func opaqueChanges(id, label string, was, is []any) []SecurityChange {
	if equal(listValue(was), listValue(is)) {
		return nil
	}
	return []SecurityChange{{Resource: id, Kind: Broadening, Detail: label + " written so that it cannot be compared statement by statement changed: taken as broader"}}
}

func listValue(l []any) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

// inlineDocuments reads a list of inline policies into documents by name;
// an entry that is not one, such as an Fn::If, is opaque.
func inlineDocuments(r cfn.Resource, path []string) (documents map[string]any, opaque []any) {
	documents = map[string]any{}
	for _, p := range cfn.List(cfn.At(r.Properties, path...)) {
		name, isPolicy := cfn.At(p, "PolicyName"), isMapping(p)
		if !isPolicy || name == nil {
			opaque = append(opaque, p)
			continue
		}
		documents[cfn.Text(name)] = cfn.At(p, "PolicyDocument")
	}
	return documents, opaque
}

// comparePolicies tells how policy document b allows more (broadening) or
// less (narrowing) than a; an absent document allows nothing. A document
// that cannot be read and changed is taken as broadened: never silence.
func comparePolicies(id, label string, a, b any) []SecurityChange {
	if equal(a, b) {
		return nil
	}
	was, errA := readOrEmpty(a)
	is, errB := readOrEmpty(b)
	if errA != nil || errB != nil {
		if equal(a, b) {
			return nil
		}
		err := errB
		if err == nil {
			err = errA
		}
		return []SecurityChange{{Resource: id, Kind: Broadening, Detail: fmt.Sprintf("%s: changed, and cannot be compared statement by statement (%v): taken as broader", label, err)}}
	}
	return documentChanges(id, label, was, is, a == nil)
}

// documentChanges tells how policy is allows more or less than policy was;
// added when there was no policy, so that what it allows reads as new.
func documentChanges(id, label string, was, is cfn.PolicyDocument, added bool) []SecurityChange {
	var out []SecurityChange
	for _, e := range cfn.Broader(is, was) {
		detail := label + ": " + e.String()
		if allows, ok := strings.CutPrefix(e.Detail, nothingElseAllows); ok && added {
			detail = e.Statement + " of the new " + label + " allows " + allows
		}
		out = append(out, SecurityChange{Resource: id, Kind: Broadening, Detail: detail})
	}
	for _, e := range cfn.Broader(was, is) {
		out = append(out, SecurityChange{Resource: id, Kind: Narrowing, Detail: label + ": " + e.Statement + ": " + e.Reverse})
	}
	return out
}

// nothingElseAllows begins cfn's account of a statement that the other
// policy has nothing like: for a new policy, there is no other policy.
const nothingElseAllows = "nothing in the other policy allows "

func readOrEmpty(doc any) (cfn.PolicyDocument, error) {
	if doc == nil {
		return cfn.PolicyDocument{}, nil
	}
	return cfn.ReadPolicy(doc)
}

// compareSets tells which members of a set, such as managed policy ARNs,
// came (broadening) or went (narrowing).
func compareSets(id, what, came, went string, a, b []string) []SecurityChange {
	var out []SecurityChange
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, SecurityChange{Resource: id, Kind: Broadening, Detail: fmt.Sprintf("%s %s %s", what, x, came)})
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, SecurityChange{Resource: id, Kind: Narrowing, Detail: fmt.Sprintf("%s %s %s", what, x, went)})
		}
	}
	return out
}

// samPolicyChanges compares a SAM function's Policies: managed policy names
// or ARNs, SAM policy templates, and inline documents, which the transform
// puts on the function's role.
func samPolicyChanges(id string, a, b any) []SecurityChange {
	wasNames, wasTemplates, wasDoc, wasOpaque := samPolicies(a)
	isNames, isTemplates, isDoc, isOpaque := samPolicies(b)
	out := compareSets(id, "managed policy", "attached", "detached", wasNames, isNames)
	out = append(out, compareSets(id, "policy template", "added", "removed", wasTemplates, isTemplates)...)
	out = append(out, documentChanges(id, "inline policy", wasDoc, isDoc, len(wasDoc.Statement) == 0)...)
	return append(out, opaqueChanges(id, "a policy", wasOpaque, isOpaque)...)
}

// samPolicies splits a SAM Policies value into managed policy names, policy
// templates (as canonical JSON), the statements of its documents, merged,
// and what is none of these or cannot be read (opaque).
func samPolicies(v any) (names, templates []string, doc cfn.PolicyDocument, opaque []any) {
	for _, p := range cfn.List(v) {
		switch {
		case cfn.At(p, "Statement") != nil:
			read, err := cfn.ReadPolicy(p)
			if err != nil {
				opaque = append(opaque, p)
				continue
			}
			doc.Statement = append(doc.Statement, read.Statement...)
		case isMapping(p):
			templates = append(templates, cfn.Text(p))
		case cfn.IsIntrinsic(p):
			opaque = append(opaque, p)
		default:
			names = append(names, cfn.Text(p))
		}
	}
	return names, templates, doc, opaque
}

func isMapping(v any) bool {
	_, ok := mapping(v)
	return ok
}

// permission reads an AWS::Lambda::Permission as the statement it adds to
// the function's resource policy; nil for an absent resource.
func permission(r cfn.Resource) any {
	if r.Properties == nil {
		return nil
	}
	statement := map[string]any{
		"Effect": cfn.Allow, "Principal": map[string]any{"AWS": r.Prop("Principal")},
		"Action": r.Prop("Action"), "Resource": r.Prop("FunctionName"),
	}
	condition := map[string]any{}
	if arn := r.Prop("SourceArn"); arn != nil {
		condition["ArnLike"] = map[string]any{"AWS:SourceArn": arn}
	}
	equals := map[string]any{}
	for key, property := range map[string]string{
		"AWS:SourceAccount": "SourceAccount", "aws:PrincipalOrgID": "PrincipalOrgID", "lambda:FunctionUrlAuthType": "FunctionUrlAuthType",
	} {
		if v := r.Prop(property); v != nil {
			equals[key] = v
		}
	}
	if len(equals) > 0 {
		condition["StringEquals"] = equals
	}
	if len(condition) > 0 {
		statement["Condition"] = condition
	}
	return map[string]any{"Statement": []any{statement}}
}
