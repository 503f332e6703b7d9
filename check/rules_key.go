package check

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

var keyRules = []Rule{
	{
		ID: "KEY001", Title: "table key does not rotate", Severity: Error,
		Why:      "without rotation the same key material protects the table for as long as it exists",
		Fix:      "set EnableKeyRotation: true on the key",
		Auditors: []string{"checkov CKV_AWS_7", "Control Tower CT.KMS.PR.1", "Security Hub KMS.4"},
		find:     tableKeysWithoutRotation,
		family:   postureFamily,
	},
	{
		ID: "KEY002", Title: "rotation period out of range", Severity: Error,
		Why:    "KMS rejects a rotation period outside its range: the stack does not deploy",
		Fix:    fmt.Sprintf("set RotationPeriodInDays between %d and %d (KMS's default is %d)", contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays, contract.DefaultRotationPeriodDays),
		find:   keysWithNumberOutside("RotationPeriodInDays", contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays),
		family: postureFamily,
	},
	{
		ID: "KEY003", Title: "pending window out of range", Severity: Error,
		Why:    "KMS rejects a pending window outside its range: the stack does not deploy",
		Fix:    fmt.Sprintf("set PendingWindowInDays between %d and %d", contract.MinPendingWindowDays, contract.MaxPendingWindowDays),
		find:   keysWithNumberOutside("PendingWindowInDays", contract.MinPendingWindowDays, contract.MaxPendingWindowDays),
		family: postureFamily,
	},
	{
		ID: "KEY004", Title: "no one this account controls may change the key policy", Severity: Error,
		Why: "a key policy that lets no principal of the account call kms:PutKeyPolicy cannot be changed again: " +
			"if the principals it names are deleted, nobody can manage the key; a root that may change it but lacks other actions is told as info",
		Fix:    "add an Allow of kms:* to arn:${AWS::Partition}:iam::${AWS::AccountId}:root, so IAM can always manage the key",
		Basis:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam"},
		find:   keysLockedOut,
		family: keyFamily,
	},
	{
		ID: "KEY005", Title: "principals of any account may use the key", Severity: Error,
		Why: "an Allow to the * principal (or NotPrincipal) whose conditions do not hold the caller to an account " +
			"lets principals of any account use or manage the key; conditions on the network, the time or the service do not",
		Fix:      "name the principals that use the key, or hold the statement to this account with kms:CallerAccount",
		Auditors: []string{"checkov CKV_AWS_33", "cfn_nag F76"},
		Basis: []string{"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html#key-policy-elements",
			"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account"},
		find:   keysOpenToAnyAccount,
		family: keyFamily,
	},
	{
		ID: "KEY006", Title: "every principal of the account may use the key", Severity: Warning,
		Why: "an Allow to the * principal held to the account lets every principal of the account that meets its conditions use the key, whatever its IAM policies say, " +
			"not only the one that needs it; an error when they may use it other than through DynamoDB",
		Fix:      "name the writer's role as the principal, or delegate to IAM; with gen, leave the seed profile, which keeps the reference's model and takes no -key-access: gen -profile default (writer access) or gen -profile default -key-access iam",
		Auditors: []string{"checkov CKV_AWS_33", "cfn_nag F76"},
		Basis:    []string{"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account"},
		find:     keysOpenToTheAccount,
		family:   keyFamily,
	},
	{
		ID: "KEY007", Title: "a principal other than the account root has full use of the key", Severity: Error,
		Why: "a principal that may decrypt and change the key policy, or decrypt, create grants and delete the key, by kms:* or by a list or wildcards " +
			"that add up to it, may read everything the key protects and hand the key to anyone",
		Fix:    "grant that principal only the actions it needs; administrators need no Encrypt or Decrypt",
		Basis:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators"},
		find:   keysFullyUsedBeyondRoot,
		family: keyFamily,
	},
	{
		ID: "KEY008", Title: "grants not limited to AWS resources", Severity: Info, StricterInProduction: true,
		Why:      "a principal that may create grants can hand the key to anyone, unless grants are limited to AWS resources",
		Fix:      "add a Deny of kms:CreateGrant with condition Bool kms:GrantIsForAWSResource: false",
		Auditors: []string{"Control Tower CT.KMS.PR.3"},
		Basis:    []string{"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource"},
		find:     keysWithoutGrantLimit,
		family:   keyFamily,
	},
	{
		ID: "KEY011", Title: "a named principal may use the key directly", Severity: Warning,
		Why: "a principal the key policy names that may decrypt other than through DynamoDB (kms:ViaService) can read what the key protects " +
			"outside the table's access control, and its use is no longer only DynamoDB's",
		Fix:    "add Condition StringEquals kms:ViaService: dynamodb.${AWS::Region}.amazonaws.com to the principal's statement",
		Basis:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service"},
		find:   keysUsedDirectlyByNamedPrincipals,
		family: keyFamily,
	},
	{
		ID: "KEY012", Title: "a key shared by tables not held to each principal's table", Severity: Warning,
		Why: "when one key encrypts several tables, a principal allowed it through DynamoDB for any table can read every table the key encrypts, " +
			"not only the one it is meant to: kms:EncryptionContext:aws:dynamodb:tableName holds it to its own",
		Fix:    "hold each principal's statement to its table with kms:EncryptionContext:aws:dynamodb:tableName (gen does for key.scope: stack), or give each table its own key",
		Basis:  []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html#dynamodb-encryption-context"},
		find:   sharedKeysNotHeldToATable,
		family: keyFamily,
	},
	{
		ID: "KEY009", Title: "another account may manage the key or use it beyond one table", Severity: Error,
		Why: "a principal of another account that may manage the key, or use it other than through DynamoDB for one table, " +
			"holds the data of every table the key encrypts; a literal account id is another account unless gen check -account names it",
		Fix: "allow the other account's principal only the KMS actions DynamoDB needs, held by kms:ViaService to DynamoDB and by " +
			"kms:EncryptionContext:aws:dynamodb:tableName to its table, or suppress the finding with the reason",
		Basis: []string{"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
			"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html#dynamodb-kms-authz"},
		find:   keysUsedByOtherAccounts(false),
		family: keyFamily,
	},
	{
		ID: "KEY010", Title: "another account uses the key through DynamoDB for one table", Severity: Info,
		Why:    "cross-account use held to DynamoDB and to one table is how another account reads a shared table; the account is named so a reviewer knows who",
		Fix:    "nothing to fix if the account is meant to read the table; its own IAM policy must also allow the use",
		Basis:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html"},
		find:   keysUsedByOtherAccounts(true),
		family: keyFamily,
	},
}

var keyPolicyPath = []string{"Properties", "KeyPolicy"}

// keyPolicy is a key of the template with the statements of its key
// policy, and whom the rules ask it about.
type keyPolicy struct {
	key        cfn.Resource
	statements []statement
	explicit   bool
	policy     judgedPolicy
	callers    []caller
}

// keyPoliciesOf gives each key of the template with its key policy. A key
// without a KeyPolicy gets KMS's default, which names the account root; one
// whose policy cannot be read is left to CHK001, with why.
func keyPoliciesOf(t *cfn.Template, env cfn.Env) (readable []keyPolicy, unreadableKeys []hit) {
	for _, k := range t.Resources(keyTypes...) {
		kp, err := keyPolicyOf(k)
		if err != nil {
			unreadableKeys = append(unreadableKeys, unreadable(k.ID, keyPolicyPath, err))
			continue
		}
		kp.callers = callers(kp.policy.PolicyDocument, env)
		readable = append(readable, kp)
	}
	return readable, unreadableKeys
}

// keyPolicyOf reads the policy of key k: the one it gives, or KMS's
// default where it gives none.
func keyPolicyOf(k cfn.Resource) (keyPolicy, error) {
	kp := keyPolicy{key: k}
	if k.Prop("KeyPolicy") != nil {
		statements, err := statementsAt(k, keyPolicyPath)
		if err != nil {
			return kp, err
		}
		kp.statements, kp.explicit = statements, true
	}
	kp.policy = judgeable(kp.document())
	return kp, nil
}

func tableKeysWithoutRotation(t *model, _ Options) []hit {
	var hits []hit
	seen := map[string]bool{}
	for _, tk := range t.tableKeys {
		if seen[tk.key.ID] || cfn.IsTrue(tk.key.Prop("EnableKeyRotation")) || tk.key.Type == replicaKey {
			continue // a replica key's rotation is its primary key's: CHK001 says so
		}
		seen[tk.key.ID] = true
		hits = append(hits, hitf(tk.key.ID, pointable(tk.key, []string{"Properties", "EnableKeyRotation"}),
			"encrypts table %s but EnableKeyRotation is not true: the same key material protects the table forever", tk.table.ID))
	}
	return hits
}

func keysWithNumberOutside(property string, min, max int) func(*model, Options) []hit {
	return func(t *model, _ Options) []hit {
		var hits []hit
		for _, k := range t.Resources(keyTypes...) {
			if n, isNumber := k.Prop(property).(float64); isNumber && (n < float64(min) || n > float64(max)) {
				hits = append(hits, hitf(k.ID, []string{"Properties", property}, "%s is %g; KMS accepts %d to %d", property, n, min, max))
			}
		}
		return hits
	}
}

// document is a key's policy as one document, KMS's default (the account
// root may do anything) where the template gives none.
func (kp keyPolicy) document() cfn.PolicyDocument {
	if !kp.explicit {
		return cfn.PolicyDocument{Statement: []cfn.Statement{{Effect: cfn.Allow, Principal: map[string]any{"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, Action: "kms:*", Resource: "*"}}}
	}
	return documentOf(kp.statements)
}

// statementPath is where a finding about the statement that decides points.
func (kp keyPolicy) statementPath(d cfn.Decision) []string {
	if d.Statement < 0 || d.Statement >= len(kp.statements) {
		return pointable(kp.key, keyPolicyPath)
	}
	return kp.statements[d.Statement].path
}

func keysLockedOut(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		doc := kp.policy
		var managers []string
		root, unknown := false, false
		for _, c := range kp.callers {
			if c.account != "" && !c.thisAccount(t.env) {
				continue
			}
			if g, ok := permits(doc, c, []string{"kms:PutKeyPolicy"}, direct, t.env, false); ok {
				root = root || g.ThroughAccount
				unknown = unknown || c.account == "" // CHK001 says it is not judged
				managers = append(managers, c.describe(t.env))
			}
		}
		switch {
		case unknown:
		case len(managers) == 0:
			hits = append(hits, hitf(kp.key.ID, pointable(kp.key, keyPolicyPath), "no principal of this account may call kms:PutKeyPolicy: if the principals the policy names are deleted, nobody can manage the key again"))
		case !root:
			h := hitf(kp.key.ID, pointable(kp.key, keyPolicyPath), "only %s may change the key policy; the account root may not: if they are deleted, nobody can manage the key again", strings.Join(managers, ", "))
			h.info = true
			hits = append(hits, h)
		default:
			if lacks := missing(keyActions(), allowedActions(doc, everyoneHere, keyActions(), nil, t.env)); len(lacks) > 0 {
				h := hitf(kp.key.ID, pointable(kp.key, keyPolicyPath), "the account root may change the key policy but is not allowed %s: it can still grant itself these", strings.Join(lacks, ", "))
				h.info = true
				hits = append(hits, h)
			}
		}
	}
	return hits
}

func missing(all, have []string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(a string) bool { return slices.Contains(have, a) })
}

// keysOpenToAnyAccount finds the statements that let a principal of an
// account no policy names use or manage the key.
func keysOpenToAnyAccount(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		doc := kp.policy
		var g grant
		ok := false
		for _, c := range kp.callers {
			if c.account == cfn.UnnamedAccount {
				if g, ok = permits(doc, c, slices.Concat(kmsUseActions, []string{"kms:CreateGrant"}, kmsAdministration()), nil, t.env, true); ok {
					break
				}
			}
		}
		if ok {
			hits = append(hits, hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf(
				"%s lets principals of any account call %s on the key: %s", statementKind(doc, g), g.action, conditionsSaid(doc.Statement[g.Statement]))})
		}
		hits = append(hits, servicesForAnyAccount(kp, doc, t.env)...)
	}
	return hits
}

// foreignSource is a request a service makes for a resource of an account
// no policy names.
var foreignSource = map[string][]string{
	"aws:sourceaccount": {cfn.UnnamedAccount}, "aws:sourcearn": {"arn:aws:unnamed:unnamed:" + cfn.UnnamedAccount + ":" + cfn.Unnamed},
	"aws:sourceowner": {cfn.UnnamedAccount}, "kms:encryptioncontext:": {cfn.Unnamed},
}

// servicesForAnyAccount finds the services the key policy lets use the key
// for any account's resources: nothing holds them to this account's
// (aws:SourceAccount, aws:SourceArn, the encryption context), so another
// account may point a resource of its own at the key and have the service
// use it (the confused deputy).
func servicesForAnyAccount(kp keyPolicy, doc judgedPolicy, env cfn.Env) []hit {
	var hits []hit
	seen := map[cfn.Principal]bool{}
	for _, s := range doc.Statement {
		for _, q := range s.Principals() {
			if q.Kind != "Service" || seen[q] {
				continue
			}
			seen[q] = true
			// What statements that name the service allow it, less every Deny.
			named := cfn.PolicyDocument{Statement: slices.Clone(doc.Statement)}
			for i, t := range named.Statement {
				if t.Effect == cfn.Allow && !slices.Contains(t.Principals(), q) {
					named.Statement[i].Effect = "" // applies to nothing
				}
			}
			if g, ok := permits(judgeable(named), caller{Principal: q, named: true}, kmsUseActions, foreignSource, env, true); ok {
				hits = append(hits, hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf(
					"%s may call %s on the key for any account's resources: nothing holds it to this account's (aws:SourceAccount, aws:SourceArn or the encryption context)", q.ID, g.action)})
			}
		}
	}
	return hits
}

// statementKind names the statement that allows a request to anyone.
func statementKind(doc judgedPolicy, g grant) string {
	if doc.Statement[g.Statement].NotPrincipal != nil {
		return "an Allow with NotPrincipal"
	}
	return "an Allow to the * principal"
}

// conditionsSaid tells what a statement's conditions come to, for anyone.
func conditionsSaid(s cfn.Statement) string {
	keys := conditionKeys(s)
	if len(keys) == 0 {
		return "it has no condition"
	}
	return "its conditions (" + strings.Join(keys, ", ") + ") do not hold the caller to an account"
}

// keysOpenToTheAccount finds the statements that let every principal of
// the account use the key by the key policy alone.
func keysOpenToTheAccount(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		doc := kp.policy
		g, ok := permits(doc, everyoneHere, kmsUseActions, nil, t.env, true)
		if _, anyone := permits(doc, anyoneElse, kmsUseActions, nil, t.env, true); !ok || anyone {
			continue // KEY005 tells of a key open to any account
		}
		h := hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf(
			"an Allow to the * principal, held to the account by its conditions (%s), lets every principal of the account use the key through DynamoDB, whatever its IAM policies say: the pattern of an AWS managed key",
			strings.Join(conditionKeys(doc.Statement[g.Statement]), ", "))}
		if d, direct := permits(doc, everyoneHere, kmsUseActions, notThroughDynamoDB, t.env, true); direct {
			h = hit{resource: kp.key.ID, path: kp.statementPath(d.Decision), raise: true, message: fmt.Sprintf(
				"an Allow to the * principal, held to the account by its conditions (%s), lets every principal of the account call %s other than through DynamoDB, whatever its IAM policies say",
				strings.Join(conditionKeys(doc.Statement[d.Statement]), ", "), d.action)}
		}
		hits = append(hits, h)
	}
	return hits
}

// keysFullyUsedBeyondRoot finds principals of this account, other than
// those the root delegates to, that may decrypt, create grants and change
// or delete the key.
func keysFullyUsedBeyondRoot(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		doc := kp.policy
		for _, c := range kp.callers {
			if c.wholeAccount || (c.account != "" && !c.thisAccount(t.env)) {
				continue // the root delegates to IAM; KEY009 judges other accounts
			}
			decrypt, ok := permits(doc, c, []string{"kms:Decrypt"}, nil, t.env, true)
			if !ok {
				continue
			}
			// kms:PutKeyPolicy gives the principal whatever else it lacks.
			_, rewrites := permits(doc, c, []string{"kms:PutKeyPolicy"}, direct, t.env, true)
			_, grants := permits(doc, c, []string{"kms:CreateGrant"}, nil, t.env, true)
			_, deletes := permits(doc, c, []string{"kms:ScheduleKeyDeletion"}, direct, t.env, true)
			switch {
			case rewrites:
				hits = append(hits, hit{resource: kp.key.ID, path: kp.statementPath(decrypt.Decision), message: fmt.Sprintf(
					"%s may decrypt and change the key policy, which gives it anything else: %s", c.describe(t.env), fullUseSaid(doc, c, t.env))})
			case grants && deletes:
				hits = append(hits, hit{resource: kp.key.ID, path: kp.statementPath(decrypt.Decision), message: fmt.Sprintf(
					"%s may decrypt, create grants and delete the key: %s", c.describe(t.env), fullUseSaid(doc, c, t.env))})
			}
		}
	}
	return hits
}

// fullUseSaid names what a caller may do, as kms:* when it is every action.
func fullUseSaid(doc judgedPolicy, c caller, env cfn.Env) string {
	allowed := allowedActions(doc, c, keyActions(), nil, env)
	if len(allowed) == len(keyActions()) {
		return "every KMS action, as kms:* gives"
	}
	return "every KMS action but " + strings.Join(missing(keyActions(), allowed), ", ")
}

func keysWithoutGrantLimit(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		doc := kp.policy
		for _, c := range kp.callers {
			if _, ok := permits(doc, c, []string{"kms:CreateGrant"}, foreignGrant, t.env, false); ok {
				hits = append(hits, hitf(kp.key.ID, pointable(kp.key, keyPolicyPath), "the key policy does not deny kms:CreateGrant for grants that are not for AWS resources: a principal that may create grants can hand the key to anyone"))
				break
			}
		}
	}
	return hits
}

// keysUsedByOtherAccounts finds principals of other accounts the key
// policy names: those that may manage the key, or use it other than
// through DynamoDB for one table (an error), or, when held, only that use
// (an info naming the account).
func keysUsedByOtherAccounts(held bool) func(*model, Options) []hit {
	return func(t *model, _ Options) []hit {
		var hits []hit
		for _, kp := range t.keyPolicies() {
			doc := kp.policy
			other := sync.OnceValue(func() map[string][]string { return t.otherTables(doc.PolicyDocument) })
			for _, c := range kp.callers {
				if !c.named || c.account == "" || c.thisAccount(t.env) {
					continue
				}
				h, isHeld, ok := otherAccountUse(kp, doc, c, t.env, other())
				if ok && isHeld == held {
					hits = append(hits, h)
				}
			}
		}
		return hits
	}
}

// otherAccountUse judges what a principal of another account may do with
// the key.
func otherAccountUse(kp keyPolicy, doc judgedPolicy, c caller, env cfn.Env, otherTables map[string][]string) (h hit, held, ok bool) {
	who := c.describe(env)
	if !c.wholeAccount && !c.byCondition {
		who = fmt.Sprintf("%s of account %s", c.ID, c.account)
	}
	if g, manages := permits(doc, c, append([]string{"kms:CreateGrant"}, kmsAdministration()...), foreignGrant, env, false); manages {
		return hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf("%s may call %s: another account may manage the key", who, g.action)}, false, true
	}
	if g, direct := permits(doc, c, kmsUseActions, notThroughDynamoDB, env, false); direct {
		return hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf("%s may call %s other than through DynamoDB: another account may decrypt with the key directly", who, g.action)}, false, true
	}
	if g, anyTable := permits(doc, c, kmsUseActions, otherTables, env, false); anyTable {
		return hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf("%s may call %s through DynamoDB for any table, not only its own (no kms:EncryptionContext:aws:dynamodb:tableName condition)", who, g.action)}, false, true
	}
	if g, uses := permits(doc, c, kmsUseActions, nil, env, false); uses {
		return hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf("%s may use the key through DynamoDB for one table", who)}, true, true
	}
	return hit{}, false, false
}

// keysUsedDirectlyByNamedPrincipals finds the principals of this account a
// key policy names that may use the key other than through a service.
func keysUsedDirectlyByNamedPrincipals(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		doc := kp.policy
		for _, c := range kp.callers {
			if !c.named || c.wholeAccount || c.byCondition || !c.thisAccount(t.env) {
				continue
			}
			if _, full := permits(doc, c, []string{"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"}, direct, t.env, true); full {
				continue // KEY007 tells of more
			}
			if g, ok := permits(doc, c, kmsUseActions, notThroughDynamoDB, t.env, true); ok {
				hits = append(hits, hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf(
					"%s may call %s other than through DynamoDB: it may decrypt with the key directly", c.ID, g.action)})
			}
		}
	}
	return hits
}

// sharedKeysNotHeldToATable finds the keys that encrypt more than one
// table of the template and let a principal use them through DynamoDB for
// any table.
func sharedKeysNotHeldToATable(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies() {
		var tables []string
		for _, tk := range t.tableKeys {
			if tk.key.ID == kp.key.ID && !slices.Contains(tables, tk.table.ID) {
				tables = append(tables, tk.table.ID)
			}
		}
		if len(tables) < 2 {
			continue
		}
		doc := kp.policy
		other := t.otherTables(doc.PolicyDocument)
		for _, c := range kp.callers {
			if c.account != "" && !c.thisAccount(t.env) {
				continue // KEY009 judges other accounts
			}
			if g, ok := permits(doc, c, kmsUseActions, other, t.env, true); ok {
				hits = append(hits, hit{resource: kp.key.ID, path: kp.statementPath(g.Decision), message: fmt.Sprintf(
					"encrypts %s, and %s may use it through DynamoDB for any of them, not only its own (no kms:EncryptionContext:aws:dynamodb:tableName condition)",
					strings.Join(tables, ", "), c.describe(t.env))})
			}
		}
	}
	return hits
}
