package check

import (
	"slices"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// The questions the policy rules ask of a policy — may this principal do
// this, and held to what — answered by cfn's evaluation of IAM's rules, so
// that a rule judges what a policy means, however it is written.

// kmsUseActions are the KMS actions that use a symmetric key's material,
// as DynamoDB does on a caller's behalf.
var kmsUseActions = []string{
	"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
	"kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
}

// kmsAdministration are the KMS actions that change a key, its policy, its
// grants or its state: the Write, Permissions management and Tagging
// actions on a key in AWS's service authorization reference, but for the
// cryptographic operations and CreateGrant, which rules judge on its own
// (a grant for an AWS resource is how DynamoDB uses a key).
var kmsAdministration = sync.OnceValue(func() []string {
	cryptographic := append([]string{"kms:CreateGrant", "kms:Sign", "kms:Verify", "kms:GenerateMac", "kms:VerifyMac", "kms:DeriveSharedSecret"}, kmsUseActions...)
	var out []string
	for _, a := range cfn.ServiceActions("kms") {
		if !slices.Contains(a.ResourceTypes, "key") || slices.Contains(cryptographic, a.Name) {
			continue
		}
		if strings.Contains(a.AccessLevel, "Write") || strings.Contains(a.AccessLevel, "Permissions management") || strings.Contains(a.AccessLevel, "Tagging") {
			out = append(out, a.Name)
		}
	}
	return out
})

// keyActions are every KMS action that takes a key.
var keyActions = sync.OnceValue(func() []string {
	var out []string
	for _, a := range cfn.ServiceActions("kms") {
		if slices.Contains(a.ResourceTypes, "key") {
			out = append(out, a.Name)
		}
	}
	return out
})

// Contexts of the requests asked about.
var (
	// direct is a call made straight to KMS: not through a service, for
	// no table.
	direct = map[string][]string{"kms:viaservice": {cfn.Absent}, "kms:encryptioncontext:aws:dynamodb:tablename": {cfn.Absent}}
	// anotherKeyDirectly is a direct call on a key whose tags no policy
	// names: any key, not those a condition on their tags picks.
	anotherKeyDirectly = map[string][]string{"kms:viaservice": {cfn.Absent}, "kms:encryptioncontext:aws:dynamodb:tablename": {cfn.Absent},
		"aws:resourcetag/": {cfn.Unnamed, cfn.Absent}}
	// notThroughDynamoDB is use of a key directly or through another
	// service.
	notThroughDynamoDB = map[string][]string{"kms:viaservice": {cfn.Absent, "s3.${AWS::Region}.amazonaws.com"}}
	// foreignGrant is a grant that is not for an AWS resource.
	foreignGrant = map[string][]string{"kms:grantisforawsresource": {"false"}, "kms:viaservice": {cfn.Absent}}
)

// cfn.UnnamedAccount is an account no template names, for a principal of
// another account that a policy does not name.

// caller is a principal a policy is asked about.
type caller struct {
	cfn.Principal
	// account is the principal's account: cfn.ThisAccount, another
	// account's id, or "" when it is not known.
	account string
	// named: the policy names the principal, or its account as a whole
	// (wholeAccount), or a condition admits its account (byCondition);
	// else it stands for every principal of its account the policy does
	// not name.
	named, wholeAccount, byCondition bool
}

// thisAccount reports whether the caller belongs to the deploying account.
func (c caller) thisAccount(env cfn.Env) bool { return c.account != "" && env.IsThisAccount(c.account) }

// everyoneHere stands for the principals of this account a policy does not
// name; anyoneElse for those of an account no policy names.
var (
	everyoneHere = caller{Principal: cfn.RoleIn(cfn.ThisAccount), account: cfn.ThisAccount}
	anyoneElse   = caller{Principal: cfn.RoleIn(cfn.UnnamedAccount), account: cfn.UnnamedAccount}
)

// callers lists whom a policy is asked about: each AWS principal it names
// (but *), another account it names as a whole by a role of it, a role of
// each account and each principal its conditions admit, and everyoneHere
// and anyoneElse.
func callers(p cfn.PolicyDocument, env cfn.Env) []caller {
	var out []caller
	seen := map[cfn.Principal]bool{}
	for _, c := range admittedByConditions(p, env) {
		if !seen[c.Principal] {
			seen[c.Principal] = true
			out = append(out, c)
		}
	}
	for _, s := range p.Statement {
		for _, q := range slices.Concat(s.Principals(), s.NotPrincipals()) {
			c := caller{Principal: q, account: cfn.AccountOf(q), named: true}
			switch account, isRoot := cfn.AccountRoot(q); {
			case isRoot && env.IsThisAccount(account):
				continue // everyoneHere
			case isRoot:
				c = caller{Principal: cfn.RoleIn(account), account: account, named: true, wholeAccount: true}
			case isAccountRoot(q):
				c.wholeAccount = true // an account only deployment names: CHK001 says so
			}
			if q.Kind != "AWS" || q == cfn.Anyone || seen[c.Principal] {
				continue
			}
			seen[c.Principal] = true
			out = append(out, c)
		}
	}
	return append(out, everyoneHere, anyoneElse)
}

// admittedByConditions gives a caller for each account and principal a
// policy's conditions admit (cfn.ConditionPrincipals) outside this account.
func admittedByConditions(p cfn.PolicyDocument, env cfn.Env) []caller {
	var out []caller
	for _, s := range p.Statement {
		for _, q := range cfn.ConditionPrincipals(s) {
			if account := cfn.AccountOf(q); account != "" && !env.IsThisAccount(account) {
				out = append(out, caller{Principal: q, account: account, named: account != cfn.UnnamedAccount, byCondition: true})
			}
		}
	}
	return out
}

// tableNameKey is the encryption context DynamoDB gives KMS: the table's
// name.
const tableNameKey = "kms:encryptioncontext:aws:dynamodb:tablename"

// otherTables is use through DynamoDB for a table that is none of the
// template's: one no policy names, and one of every name a pattern of the
// policy's table names matches that is not one of the template's tables
// (${AWS::StackName}-* takes in every table of the stack, *-orders any
// account's orders). A pattern of the name CloudFormation gives a table
// of the template, ${AWS::StackName}-LogicalId-*, is that table: logical
// ids hold no hyphen, so no other table of the stack has that name.
func (m *model) otherTables(doc cfn.PolicyDocument) map[string][]string {
	own := map[string]bool{}
	for _, r := range m.Resources(tableTypes...) {
		own["${"+r.ID+"}"] = true
		if name := r.Prop("TableName"); name != nil {
			own[cfn.Text(name)] = true
		} else {
			own["${AWS::StackName}-"+r.ID+"-*"] = true
		}
	}
	for id, name := range m.deployedTables {
		own[name] = true
		own[m.stackName+"-"+id+"-*"] = true
	}
	values := []string{cfn.Unnamed, cfn.Absent}
	for _, s := range doc.Statement {
		for _, c := range s.Conditions() {
			if !strings.EqualFold(c.Key, tableNameKey) {
				continue
			}
			for _, v := range c.Values {
				if !own[v] {
					values = append(values, cfn.FillWildcards(v))
				}
			}
		}
	}
	return map[string][]string{tableNameKey: values}
}

// grant is a request a policy allows: the action and how the policy
// decides it.
type grant struct {
	action string
	cfn.Decision
}

// judgedPolicy is a policy as the rules ask it questions: its statements,
// and the same read once for evaluation.
type judgedPolicy struct {
	cfn.PolicyDocument
	compiled func() *cfn.Compiled // when first asked: not every rule asks
}

func judgeable(doc cfn.PolicyDocument) judgedPolicy {
	return judgedPolicy{doc, sync.OnceValue(doc.Compile)}
}

// permits asks whether a policy allows the caller any of actions in the
// given context, and gives the first it allows; when viaPolicy, only by
// the policy itself, not through the caller's account (where the
// account's IAM policies decide).
func permits(p judgedPolicy, c caller, actions []string, context map[string][]string, env cfn.Env, viaPolicy bool) (grant, bool) {
	r, d, ok := p.compiled().Permits(cfn.Probe{Principal: c.Principal, Actions: actions, Context: context, ByPolicyAlone: viaPolicy}, env)
	if !ok {
		return grant{}, false
	}
	return grant{r.Action, d}, true
}

// allowedActions lists the actions of a set the policy allows the caller
// in some context (in context, where it gives one), as AWS names them.
func allowedActions(p judgedPolicy, c caller, actions []string, context map[string][]string, env cfn.Env) []string {
	var out []string
	for r := range p.compiled().Allowed(cfn.Probe{Principal: c.Principal, Actions: actions, Context: context}, env) {
		out = append(out, r.Action)
	}
	return out
}

// describe names a caller in a message.
func (c caller) describe(env cfn.Env) string {
	switch {
	case c.wholeAccount:
		return "every principal of account " + c.account + " that its IAM policies allow"
	case c.byCondition && c.account == cfn.UnnamedAccount:
		return c.ID + ", in any account,"
	case c.byCondition:
		return "principals of account " + c.account
	case c.named:
		return c.ID
	case c.thisAccount(env):
		return "every principal of this account"
	}
	return "principals of any account"
}
