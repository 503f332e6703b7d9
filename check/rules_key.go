package check

import (
	"fmt"
	"slices"
	"strings"

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
	},
	{
		ID: "KEY002", Title: "rotation period out of range", Severity: Error,
		Why:  "KMS rejects a rotation period outside its range: the stack does not deploy",
		Fix:  fmt.Sprintf("set RotationPeriodInDays between %d and %d (KMS's default is %d)", contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays, contract.DefaultRotationPeriodDays),
		find: keysWithNumberOutside("RotationPeriodInDays", contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays),
	},
	{
		ID: "KEY003", Title: "pending window out of range", Severity: Error,
		Why:  "KMS rejects a pending window outside its range: the stack does not deploy",
		Fix:  fmt.Sprintf("set PendingWindowInDays between %d and %d", contract.MinPendingWindowDays, contract.MaxPendingWindowDays),
		find: keysWithNumberOutside("PendingWindowInDays", contract.MinPendingWindowDays, contract.MaxPendingWindowDays),
	},
	{
		ID: "KEY004", Title: "no account-root statement", Severity: Error,
		Why:  "without the account root in its policy no IAM policy can grant the key, and if the principals it names are deleted no one can manage it again",
		Fix:  "add an Allow of kms:* to arn:${AWS::Partition}:iam::${AWS::AccountId}:root, so IAM can always manage the key",
		find: keysWithoutAccountRoot,
	},
	{
		ID: "KEY005", Title: "* principal without a condition", Severity: Error,
		Why:      "an Allow to the * principal without a condition lets anyone, in any account, use the key",
		Fix:      "name the principals that use the key, or limit the statement with conditions",
		Auditors: []string{"checkov CKV_AWS_33", "cfn_nag F76"},
		find:     wildcardPrincipals(false),
	},
	{
		ID: "KEY006", Title: "* principal limited by conditions", Severity: Warning,
		Why:      "an Allow to the * principal lets every principal that meets its conditions use the key, not only the one that needs it",
		Fix:      "name the writer's role as the principal, or delegate to IAM; with gen, leave the seed profile, which keeps the reference's model and takes no -key-access: gen -profile default (writer access) or gen -profile default -key-access iam",
		Auditors: []string{"checkov CKV_AWS_33", "cfn_nag F76"},
		find:     wildcardPrincipals(true),
	},
	{
		ID: "KEY007", Title: "kms:* for a principal other than the account root", Severity: Error,
		Why:  "kms:* lets a principal decrypt, re-grant and schedule the deletion of the key",
		Fix:  "grant that principal only the actions it needs; administrators need no Encrypt or Decrypt",
		find: fullAccessBeyondRoot,
	},
	{
		ID: "KEY008", Title: "grants not limited to AWS resources", Severity: Info, StricterInProduction: true,
		Why:      "a principal that may create grants can hand the key to anyone, unless grants are limited to AWS resources",
		Fix:      "add a Deny of kms:CreateGrant with condition Bool kms:GrantIsForAWSResource: false",
		Auditors: []string{"Control Tower CT.KMS.PR.3"},
		find:     keysWithoutGrantLimit,
	},
}

var keyPolicyPath = []string{"Properties", "KeyPolicy"}

// keyPolicy is a key of the template with the statements of its key policy.
type keyPolicy struct {
	key        cfn.Resource
	statements []statement
	explicit   bool
}

// keyPoliciesOf gives each key of the template with its key policy. A key
// without a KeyPolicy gets KMS's default, which names the account root; one
// whose policy cannot be read is left to CHK001, with why.
func keyPoliciesOf(t *cfn.Template) (readable []keyPolicy, unreadableKeys []hit) {
	for _, k := range t.Resources(keyTypes...) {
		if k.Prop("KeyPolicy") == nil {
			readable = append(readable, keyPolicy{key: k})
			continue
		}
		statements, err := statementsAt(k, keyPolicyPath)
		if err != nil {
			unreadableKeys = append(unreadableKeys, unreadable(k.ID, keyPolicyPath, err))
			continue
		}
		readable = append(readable, keyPolicy{key: k, statements: statements, explicit: true})
	}
	return readable, unreadableKeys
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

func keysWithoutAccountRoot(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies {
		if !kp.explicit {
			continue
		}
		rootAdministers := slices.ContainsFunc(kp.statements, func(s statement) bool {
			return allows(s.Statement) && hasPrincipal(s.Statement, isAccountRoot) && s.CoversAction("kms:*")
		})
		if !rootAdministers {
			hits = append(hits, hitf(kp.key.ID, keyPolicyPath, "no statement allows kms:* to the account root: if the principals it names are deleted, nobody can manage the key again"))
		}
	}
	return hits
}

// wildcardPrincipals finds Allow statements with the * principal, or with
// NotPrincipal (everyone but those it names): those without conditions, or
// those with them.
func wildcardPrincipals(withConditions bool) func(*model, Options) []hit {
	return func(t *model, _ Options) []hit {
		var hits []hit
		for _, kp := range t.keyPolicies {
			for _, s := range kp.statements {
				// By the tests read, not the block as written: a branch of
				// Fn::If may leave an operator with no test.
				everyone := slices.Contains(s.Principals(), cfn.Anyone) || s.NotPrincipal != nil
				if !allows(s.Statement) || !everyone || (len(s.Conditions()) > 0) != withConditions {
					continue
				}
				hits = append(hits, hit{kp.key.ID, s.path, wildcardMessage(s.Statement)})
			}
		}
		return hits
	}
}

func wildcardMessage(s cfn.Statement) string {
	keys := conditionKeys(s)
	if s.NotPrincipal != nil {
		message := "an Allow statement with NotPrincipal lets every principal but those it names use the key"
		if len(keys) > 0 {
			message += ", when its conditions (" + strings.Join(keys, ", ") + ") hold"
		}
		return message
	}
	switch {
	case len(keys) == 0:
		return "an Allow statement with the * principal and no condition lets anyone, in any account, use the key"
	case slices.Contains(keys, "kms:calleraccount") && slices.Contains(keys, "kms:viaservice"):
		return "an Allow statement with the * principal, limited by kms:CallerAccount and kms:ViaService, lets every principal in the account use the key through the service: the pattern of an AWS managed key"
	}
	return "an Allow statement with the * principal lets every principal that meets its conditions (" + strings.Join(keys, ", ") + ") use the key"
}

// fullAccessBeyondRoot finds Allow statements that give a principal other
// than the root every KMS action, or, through NotAction, every one but a few,
// decryption and grants among them.
func fullAccessBeyondRoot(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies {
		for _, s := range kp.statements {
			broad := s.CoversAction("kms:*") || (s.NotAction != nil && s.CoversAction("kms:decrypt") && s.CoversAction("kms:creategrant"))
			if !allows(s.Statement) || !broad {
				continue
			}
			what := "kms:*"
			if s.NotAction != nil {
				what = "every KMS action but " + strings.Join(s.NotActions(), ", ")
			}
			for _, p := range s.Principals() {
				if !isAccountRoot(p) && p != cfn.Anyone {
					hits = append(hits, hitf(kp.key.ID, s.path, "%s is allowed to %s, which may then decrypt, re-grant and delete the key", what, p))
				}
			}
		}
	}
	return hits
}

func keysWithoutGrantLimit(t *model, _ Options) []hit {
	var hits []hit
	for _, kp := range t.keyPolicies {
		limited := slices.ContainsFunc(kp.statements, func(s statement) bool {
			return s.Effect == cfn.Deny && s.CoversAction("kms:CreateGrant") && deniesGrantsNotForAWSResources(s.Statement)
		})
		if !limited {
			hits = append(hits, hitf(kp.key.ID, pointable(kp.key, keyPolicyPath), "the key policy does not deny kms:CreateGrant for grants that are not for AWS resources: a principal that may create grants can hand the key to anyone"))
		}
	}
	return hits
}

// deniesGrantsNotForAWSResources reports whether a Deny applies to grants
// that are not for an AWS resource: Bool kms:GrantIsForAWSResource false.
func deniesGrantsNotForAWSResources(s cfn.Statement) bool {
	return slices.ContainsFunc(s.Conditions(), func(c cfn.Condition) bool {
		return c.Operator == "Bool" && c.Key == "kms:grantisforawsresource" && slices.Equal(c.Values, []string{"false"})
	})
}
