package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var iamRules = []Rule{
	{
		ID: "IAM001", Title: "dynamodb:* granted", Severity: Error,
		Why:   "dynamodb:* lets a principal delete tables, change their encryption and read every item; so do dynamodb:?*, a list of every DynamoDB action, and NotAction",
		Fix:   "grant the DynamoDB actions the principal calls, such as dynamodb:PutItem",
		Basis: []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"},
		find:  everyDynamoDBAction,
	},
	{
		ID: "IAM002", Title: "DynamoDB actions on every resource", Severity: Error,
		Why: "DynamoDB actions on Resource '*', or on an ARN whose table name is a wildcard, reach every table in the account, not only the stack's; " +
			"actions that take only Resource '*' (dynamodb:ListTables, dynamodb:DescribeLimits...) reach no table",
		Fix:   "set Resource to the table's ARN (!GetAtt Table.Arn)",
		Basis: []string{"https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html"},
		find: iamStatements(func(_ *model, s statement, _ cfn.PolicyDocument) (string, bool) {
			if actions := reachesEveryTable(s.Statement); len(actions) > 0 {
				return "a policy allows DynamoDB actions on every table in the account: " + someOf(actions), true
			}
			return "", false
		}),
	},
	{
		ID: "IAM003", Title: "KMS data actions without kms:ViaService", Severity: Warning,
		Why:   "without kms:ViaService a principal can decrypt with a table's key directly, or grant it, not only use it through DynamoDB",
		Fix:   "add Condition StringEquals kms:ViaService: dynamodb.${AWS::Region}.amazonaws.com",
		Basis: []string{"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service"},
		find: iamStatements(func(t *model, s statement, doc cfn.PolicyDocument) (string, bool) {
			if reachesTableKey(t, s.Statement) && usesKeysDirectly(doc, t.env) {
				return "a policy allows KMS data actions on a key that can encrypt a table, without a kms:ViaService condition: the principal can decrypt with the key directly, not only through DynamoDB", true
			}
			return "", false
		}),
	},
	{
		ID: "IAM005", Title: "a role anyone may assume reaches a table or its key", Severity: Error,
		Why: "a role whose trust policy lets principals of any account, or the guests of a Cognito identity pool, assume it gives them " +
			"whatever it may do: read the table, or use its key",
		Fix: "name the principals that assume the role (a service, a role of this account) or hold them to the account with aws:PrincipalAccount",
		Basis: []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
			"https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html"},
		find: openRoles,
	},
	{
		ID: "IAM004", Title: "KMS administration of every key, or full use of a table's key", Severity: Error,
		Why: "an identity policy that lets a principal change the policy of, or delete, every key (kms:* on Resource '*') gives it full use and administration " +
			"of every key whose key policy delegates to IAM, the table's among them; one that lets it both administer and decrypt with a table's key gives it that key",
		Fix:   "name the keys the principal administers in Resource, and leave their use to the key policy",
		Basis: []string{"https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html"},
		find: iamStatements(func(t *model, s statement, doc cfn.PolicyDocument) (string, bool) {
			action, administers := administersKeys(doc, direct, t.env)
			switch {
			case !administers:
			case reachesEvery(s.Statement, "kms", "key/"+cfn.Unnamed):
				if _, everyKey := administersKeys(doc, anotherKeyDirectly, t.env); !everyKey {
					return "", false // held to keys with the tags it names
				}
				return fmt.Sprintf("a policy allows %s on every key: full use and administration of every key whose policy delegates to IAM", action), true
			case reachesTableKey(t, s.Statement) && usesKeysDirectly(doc, t.env):
				return fmt.Sprintf("a policy allows %s and direct use of a key that encrypts a table: full use and administration of that key", action), true
			}
			return "", false
		}),
	},
}

// iamStatements finds Allow statements of the template's IAM policies that
// match, each judged with the Denies of its document.
func iamStatements(match func(*model, statement, cfn.PolicyDocument) (string, bool)) func(*model, Options) []hit {
	return func(t *model, _ Options) []hit {
		var hits []hit
		for _, p := range t.iamPolicies() {
			statements, err := p.statements()
			if err != nil {
				continue // CHK001 says so
			}
			for _, s := range statements {
				if !allows(s.Statement) {
					continue
				}
				if message, ok := match(t, s, withDenies(s.Statement, statements)); ok {
					hits = append(hits, hit{resource: p.resource.ID, path: s.path, message: p.prefix + message})
				}
			}
		}
		return hits
	}
}

// openRoles finds the roles whose trust policy lets principals of any
// account, or anyone at all as the guest of a Cognito identity pool,
// assume them, and that reach a table or a key: through an identity policy
// they hold, or a key policy that names them.
func openRoles(t *model, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources("AWS::IAM::Role", "AWS::Serverless::Function") {
		// A SAM function without a Role gets one that trusts whom its
		// AssumeRolePolicyDocument says (lambda.amazonaws.com unless set).
		role := r
		if r.Type == "AWS::Serverless::Function" {
			if r.Prop("Role") != nil || r.Prop("AssumeRolePolicyDocument") == nil {
				continue
			}
			role = cfn.Resource{ID: RoleOf(r), Type: "AWS::IAM::Role"}
		}
		path := []string{"Properties", "AssumeRolePolicyDocument"}
		statements, err := statementsAt(r, path)
		if err != nil || !reachesData(t, role) {
			continue
		}
		trust := judgeable(documentOf(statements))
		who := ""
		if g, ok := permits(trust, anyoneElse, []string{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"}, nil, t.env, false); ok {
			path, who = statements[g.Statement].path, "principals of any account"
		} else if g, ok := permits(trust, cognitoGuest, []string{"sts:AssumeRoleWithWebIdentity"}, unauthenticated, t.env, false); ok {
			path, who = statements[g.Statement].path, "the unauthenticated guests of a Cognito identity pool, anyone on the internet,"
		}
		if who != "" {
			hits = append(hits, hitf(r.ID, path, "%s may assume the role, which may read or use a table or its key: they may too", who))
		}
	}
	return hits
}

// cognitoGuest is a web identity of Amazon Cognito; unauthenticated is the
// context of a guest, who signed in as no one.
var (
	cognitoGuest    = caller{Principal: cfn.Principal{Kind: "Federated", ID: "cognito-identity.amazonaws.com"}}
	unauthenticated = map[string][]string{"cognito-identity.amazonaws.com:amr": {"unauthenticated"}}
)

// reachesData reports whether a role may act on a table or use a key: an
// identity policy it holds takes a DynamoDB action or a KMS use, or a key
// policy names it.
func reachesData(t *model, role cfn.Resource) bool {
	for _, p := range t.iamPolicies() {
		statements, _ := p.statements()
		if !slices.Contains(holdersOf(t.Template, p), role.ID) {
			continue
		}
		if slices.ContainsFunc(statements, func(s statement) bool {
			return allows(s.Statement) && (s.TouchesAction("dynamodb:*") || slices.ContainsFunc(kmsUseActions, s.TakesAction))
		}) {
			return true
		}
	}
	return slices.ContainsFunc(t.keyPolicies(), func(kp keyPolicy) bool {
		return slices.ContainsFunc(kp.statements, func(s statement) bool {
			return slices.ContainsFunc(s.Principals(), func(p cfn.Principal) bool { return p.ID == "${"+role.ID+".Arn}" })
		})
	})
}

// everyDynamoDBAction finds the Allow statements that give every DynamoDB
// action: one alone (dynamodb:*, dynamodb:?*, a list of them all,
// NotAction), or several of a document together.
func everyDynamoDBAction(t *model, _ Options) []hit {
	var hits []hit
	for _, p := range t.iamPolicies() {
		statements, err := p.statements()
		if err != nil {
			continue // CHK001 says so
		}
		var takers []statement
		for _, s := range statements {
			if !allows(s.Statement) || !s.TouchesAction("dynamodb:*") {
				continue
			}
			takers = append(takers, s)
			switch {
			case !s.CoversAction("dynamodb:*"):
			case s.NotAction != nil:
				hits = append(hits, hit{resource: p.resource.ID, path: s.path, message: p.prefix + "a policy allows every action but those NotAction lists, every DynamoDB action among them"})
			case !slices.ContainsFunc(s.Actions(), func(a string) bool { return strings.EqualFold(a, "dynamodb:*") || a == "*" }):
				hits = append(hits, hit{resource: p.resource.ID, path: s.path, message: p.prefix + "a policy allows every DynamoDB action, by patterns or a list that take in all of them"})
			default:
				hits = append(hits, hit{resource: p.resource.ID, path: s.path, message: p.prefix + "a policy allows every DynamoDB action"})
			}
		}
		if len(takers) > 1 && !slices.ContainsFunc(takers, func(s statement) bool { return s.CoversAction("dynamodb:*") }) && together(takers).CoversAction("dynamodb:*") {
			hits = append(hits, hit{resource: p.resource.ID, path: takers[0].path, message: p.prefix + fmt.Sprintf("a policy's %d statements together allow every DynamoDB action", len(takers))})
		}
	}
	return hits
}

// together is one statement that takes the actions of several.
func together(statements []statement) cfn.Statement {
	var actions []any
	for _, s := range statements {
		for _, a := range s.Actions() {
			actions = append(actions, a)
		}
	}
	return cfn.Statement{Effect: cfn.Allow, Action: actions}
}

// withDenies is a statement as its document applies it: with the Denies
// beside it.
func withDenies(s cfn.Statement, statements []statement) cfn.PolicyDocument {
	doc := cfn.PolicyDocument{Statement: []cfn.Statement{s}}
	for _, d := range statements {
		if d.Effect == cfn.Deny {
			doc.Statement = append(doc.Statement, d.Statement)
		}
	}
	return doc
}

// tableResources are, for each resource type of DynamoDB that holds a
// table's data or configuration, the resource part of its ARN for a table
// no template names.
var tableResources = map[string]string{
	"table":        "table/" + cfn.Unnamed,
	"index":        "table/" + cfn.Unnamed + "/index/" + cfn.Unnamed,
	"stream":       "table/" + cfn.Unnamed + "/stream/" + cfn.Unnamed,
	"backup":       "table/" + cfn.Unnamed + "/backup/" + cfn.Unnamed,
	"export":       "table/" + cfn.Unnamed + "/export/" + cfn.Unnamed,
	"import":       "table/" + cfn.Unnamed + "/import/" + cfn.Unnamed,
	"global-table": "global-table/" + cfn.Unnamed,
}

// reachesEveryTable gives the DynamoDB actions the statement allows on
// every table, index or stream of the account, by what each action takes.
func reachesEveryTable(s cfn.Statement) []string {
	var out []string
	for _, a := range s.ActionsTaken("dynamodb") {
		if slices.ContainsFunc(a.ResourceTypes, func(typ string) bool {
			resource, ok := tableResources[typ]
			return ok && reachesEvery(s, "dynamodb", resource)
		}) {
			out = append(out, a.Name)
		}
	}
	return out
}

// someOf names the first few of a list and counts the rest.
func someOf(names []string) string {
	const shown = 3
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}

// reachesEvery reports whether a statement's resources take in every
// resource of a service whose ARN ends in resource (table/NAME), whatever
// account and Region: a wildcard where its name goes, or a NotResource.
func reachesEvery(s cfn.Statement, service, resource string) bool {
	return s.NotResource != nil || slices.ContainsFunc(s.Resources(), func(r string) bool {
		parts := arnParts(referencesAsRef(r))
		return cfn.Covers(parts[0], "arn") && cfn.Covers(parts[2], service) && cfn.Covers(parts[5], resource)
	})
}

// arnParts reads a resource pattern as the six parts of an ARN. IAM's *
// matches across colons, so a pattern whose last part ends in * (*,
// arn:aws:dynamodb:*) goes on to cover the parts it leaves out; any other
// missing part is empty, which covers no table.
func arnParts(pattern string) []string {
	parts := strings.SplitN(pattern, ":", 6)
	rest := ""
	if strings.HasSuffix(parts[len(parts)-1], "*") {
		rest = "*"
	}
	for len(parts) < 6 {
		parts = append(parts, rest)
	}
	return parts
}

// referencesAsRef writes each ${...} of a resource's text as ref: a
// reference may hold colons (${AWS::Region}) that are not the ARN's.
func referencesAsRef(text string) string {
	var b strings.Builder
	for {
		start := strings.Index(text, "${")
		if start < 0 {
			break
		}
		end := strings.IndexByte(text[start:], '}')
		if end < 0 {
			break
		}
		b.WriteString(text[:start] + "ref")
		text = text[start+end+1:]
	}
	if b.Len() == 0 {
		return text
	}
	return b.String() + text
}

// usesKeysDirectly reports whether a statement, with its document's
// Denies, lets its holder use a key's material, or grant it, other than
// through a service (kms:ViaService), as a direct call does.
func usesKeysDirectly(doc cfn.PolicyDocument, env cfn.Env) bool {
	_, _, ok := doc.Permits(cfn.Probe{Principal: everyoneHere.Principal, Actions: append(slices.Clone(kmsUseActions), "kms:CreateGrant"),
		Context: notThroughDynamoDB}, env)
	return ok
}

// administersKeys finds an action of a key's administration that the
// statement, with its document's Denies, allows (on the keys it names).
func administersKeys(doc cfn.PolicyDocument, context map[string][]string, env cfn.Env) (string, bool) {
	r, _, ok := doc.Permits(cfn.Probe{Principal: everyoneHere.Principal, Actions: []string{"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"},
		Context: context}, env)
	return r.Action, ok
}

// iamPolicy is an identity policy document of the template: its resource,
// its path below the resource's entry, and, for a SAM policy template or an
// AWS managed policy, the document it stands for.
type iamPolicy struct {
	resource cfn.Resource
	path     []string
	expanded any
	prefix   string // begins the messages about an AWS managed policy: "AWS managed policy X: "
	err      error  // a SAM policy template or a managed policy gen check does not know
	read     []statement
}

func (p iamPolicy) statements() ([]statement, error) { return p.read, p.err }

// readStatements reads the policy's statements once, for every rule that
// judges them; a document that cannot be read keeps why in err.
func (p iamPolicy) readStatements() iamPolicy {
	switch {
	case p.err != nil:
	case p.expanded != nil:
		p.read, p.err = policyStatements(p.expanded, p.path)
	default:
		p.read, p.err = statementsAt(p.resource, p.path)
	}
	return p
}

// iamPoliciesOf finds every identity policy document in the template: the IAM
// policy resources, inline policies of roles, users and groups, the AWS
// managed policies they attach that gen check knows, and the policy
// documents of SAM functions and state machines.
func iamPoliciesOf(t *cfn.Template) []iamPolicy {
	var out []iamPolicy
	for _, r := range t.Resources() {
		switch r.Type {
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
			out = append(out, iamPolicy{resource: r, path: []string{"Properties", "PolicyDocument"}})
		case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
			inline, _ := r.Prop("Policies").([]any)
			for i := range inline {
				out = append(out, iamPolicy{resource: r, path: []string{"Properties", "Policies", strconv.Itoa(i), "PolicyDocument"}})
			}
			out = append(out, managedPolicies(t, r)...)
		case "AWS::Serverless::Function", "AWS::Serverless::StateMachine":
			out = append(out, samPolicies(r)...)
		case "AWS::SSO::PermissionSet":
			out = append(out, permissionSetPolicies(r)...)
		}
	}
	out = append(out, connectorPolicies(t)...)
	for i := range out {
		out[i] = out[i].readStatements()
	}
	return out
}

// permissionSetPolicies reads an IAM Identity Center permission set: its
// inline policy, a document or its JSON, and the AWS managed policies it
// attaches, which a user of each account it is assigned to gets; the
// customer managed policies it names by name, in each account, are not
// judged, and CHK001 says so.
func permissionSetPolicies(r cfn.Resource) []iamPolicy {
	var out []iamPolicy
	if r.Prop("InlinePolicy") != nil {
		out = append(out, iamPolicy{resource: r, path: []string{"Properties", "InlinePolicy"}})
	}
	for i, arn := range cfn.List(r.Prop("ManagedPolicies")) {
		at := []string{"Properties", "ManagedPolicies", strconv.Itoa(i)}
		if name, doc, known := awsManagedPolicy(arn); known {
			out = append(out, iamPolicy{resource: r, path: at, expanded: doc, prefix: "AWS managed policy " + name + ": "})
		} else {
			out = append(out, iamPolicy{resource: r, path: at, err: fmt.Errorf("the managed policy %s is not one gen check knows", cfn.Text(arn))})
		}
	}
	for i, ref := range cfn.List(r.Prop("CustomerManagedPolicyReferences")) {
		out = append(out, iamPolicy{resource: r, path: []string{"Properties", "CustomerManagedPolicyReferences", strconv.Itoa(i)},
			err: fmt.Errorf("the customer managed policy %s is each account's own", cfn.Text(cfn.At(ref, "Name")))})
	}
	return out
}

// managedPolicies reads the ManagedPolicyArns of a role, user or group:
// an AWS managed policy gen check knows is judged by its document; one the
// template makes is judged where it is made; any other is not judged, and
// CHK001 says so.
func managedPolicies(t *cfn.Template, r cfn.Resource) []iamPolicy {
	var out []iamPolicy
	for i, arn := range cfn.List(r.Prop("ManagedPolicyArns")) {
		at := []string{"Properties", "ManagedPolicyArns", strconv.Itoa(i)}
		if id, isRef := cfn.RefTarget(arn); isRef {
			if _, made := t.Resource(id); made {
				continue
			}
		}
		if name, doc, known := awsManagedPolicy(arn); known {
			out = append(out, iamPolicy{resource: r, path: at, expanded: doc, prefix: "AWS managed policy " + name + ": "})
		} else {
			out = append(out, iamPolicy{resource: r, path: at, err: fmt.Errorf("the managed policy %s is not one gen check knows", cfn.Text(arn))})
		}
	}
	return out
}

// samPolicies reads a SAM function's Policies: documents, SAM policy
// templates expanded to the documents they stand for, and AWS managed
// policies gen check knows. Any other managed policy, named by its name or
// ARN, is not judged, and CHK001 says so.
func samPolicies(r cfn.Resource) []iamPolicy {
	policies := r.Prop("Policies")
	_, isList := policies.([]any)
	var out []iamPolicy
	for i, p := range cfn.List(policies) {
		at := []string{"Properties", "Policies"}
		if isList {
			at = append(at, strconv.Itoa(i))
		}
		m, isMap := p.(map[string]any)
		name, doc, known := awsManagedPolicy(p)
		switch {
		case known:
			out = append(out, iamPolicy{resource: r, path: at, expanded: doc, prefix: "AWS managed policy " + name + ": "})
		case !isMap:
			out = append(out, iamPolicy{resource: r, path: at, err: fmt.Errorf("the managed policy %s is not one gen check knows", cfn.Text(p))})
		case m["Statement"] != nil:
			out = append(out, iamPolicy{resource: r, path: at})
		case len(m) == 1 && !cfn.IsIntrinsic(m):
			doc, err := expandSAMTemplate(m)
			out = append(out, iamPolicy{resource: r, path: at, expanded: doc, err: err})
		default:
			out = append(out, iamPolicy{resource: r, path: at, err: fmt.Errorf("%s is neither a policy nor a SAM policy template", cfn.Text(p))})
		}
	}
	return out
}

// reachesTableKey reports whether a statement's resources can include a key
// that encrypts a table: a wildcard, a key (or alias) of the template that
// encrypts a table, the key a table names outright, or a key that cannot be
// known before deployment (a parameter, an import, a map lookup by a
// reference, another stack's output). A key that provably serves another
// service, such as alias/aws/kinesis, or a key of the template that encrypts
// no table, is left alone.
func reachesTableKey(t *model, s cfn.Statement) bool {
	if s.NotResource != nil || s.Resource == nil {
		return true
	}
	return slices.ContainsFunc(cfn.List(s.Resource), func(r any) bool {
		text := cfn.Text(r)
		if id, ok := cfn.RefTarget(r); ok {
			res, isResource := t.Resource(id)
			return !isResource || encryptsTable(t, res)
		}
		switch {
		case strings.ContainsAny(text, "*?"):
			parts := arnParts(referencesAsRef(text))
			return cfn.Overlaps(parts[0], "arn") && cfn.Overlaps(parts[2], "kms")
		case strings.Contains(text, "alias/aws/"):
			return isAWSManagedKey(text)
		case cfn.Opaque(r):
			return true
		case cfn.IsIntrinsic(r):
			return referencesTableKeyOrParameter(t, text)
		}
		return namedByTable(t, text)
	})
}

// encryptsTable reports whether a resource is, or is an alias of, a key that
// encrypts a table of the template, or may give any key.
func encryptsTable(t *model, r cfn.Resource) bool {
	key, isKey := KeyOf(t.Template, r.ID)
	if !isKey {
		return givesAnyValue(r)
	}
	return slices.ContainsFunc(t.tableKeys, func(tk tableKeyPair) bool { return tk.key.ID == key.ID })
}

// givesAnyValue reports whether what a resource gives, by Ref or Fn::GetAtt,
// may be any value, a table's key among them: a nested stack's outputs, a
// custom resource's attributes, a Systems Manager parameter.
func givesAnyValue(r cfn.Resource) bool {
	switch r.Type {
	case "AWS::CloudFormation::Stack", "AWS::Serverless::Application", "AWS::CloudFormation::CustomResource", "AWS::SSM::Parameter":
		return true
	}
	return strings.HasPrefix(r.Type, "Custom::")
}

// referencesTableKeyOrParameter reports whether a Sub or Join's text names
// (as ${X} or ${X.Arn}) a key that encrypts a table, or a parameter.
func referencesTableKeyOrParameter(t *model, text string) bool {
	for _, name := range cfn.SubNames(text) {
		if strings.HasPrefix(name, "AWS::") {
			continue
		}
		r, isResource := t.Resource(name)
		if !isResource || encryptsTable(t, r) {
			return true
		}
	}
	return false
}

// namedByTable reports whether a key ARN or id is the KMSMasterKeyId a table
// of the template gives outright.
func namedByTable(t *model, key string) bool {
	for _, r := range t.Resources(tableTypes...) {
		for _, k := range encryptionOf(r).keys {
			if text := cfn.Text(k.value); k.value != nil && !cfn.IsIntrinsic(k.value) && (text == key || strings.HasSuffix(key, "/"+text)) {
				return true
			}
		}
	}
	return false
}
