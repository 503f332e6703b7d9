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
		Fix:      "set EnableKeyRotation: true on the key",
		Auditors: []string{"checkov CKV_AWS_7", "Control Tower CT.KMS.PR.1", "Security Hub KMS.4"},
		find:     tableKeysWithoutRotation,
	},
	{
		ID: "KEY002", Title: "rotation period out of range", Severity: Error,
		Fix:  fmt.Sprintf("set RotationPeriodInDays between %d and %d (KMS's default is 365)", contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays),
		find: keysWithNumberOutside("RotationPeriodInDays", contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays),
	},
	{
		ID: "KEY003", Title: "pending window out of range", Severity: Error,
		Fix:  fmt.Sprintf("set PendingWindowInDays between %d and %d", contract.MinPendingWindowDays, contract.MaxPendingWindowDays),
		find: keysWithNumberOutside("PendingWindowInDays", contract.MinPendingWindowDays, contract.MaxPendingWindowDays),
	},
	{
		ID: "KEY004", Title: "no account-root statement", Severity: Error,
		Fix:  "add an Allow of kms:* to arn:${AWS::Partition}:iam::${AWS::AccountId}:root, so IAM can always manage the key",
		find: keysWithoutAccountRoot,
	},
	{
		ID: "KEY005", Title: "* principal without a condition", Severity: Error,
		Fix:      "name the principals that use the key, or limit the statement with conditions",
		Auditors: []string{"checkov CKV_AWS_33", "cfn_nag F76"},
		find:     wildcardPrincipals(false),
	},
	{
		ID: "KEY006", Title: "* principal limited by conditions", Severity: Warning,
		Fix:      "name the writer's role as the principal (gen -key-access writer), or delegate to IAM (gen -key-access iam)",
		Auditors: []string{"checkov CKV_AWS_33", "cfn_nag F76"},
		find:     wildcardPrincipals(true),
	},
	{
		ID: "KEY007", Title: "kms:* for a principal other than the account root", Severity: Error,
		Fix:  "grant that principal only the actions it needs; administrators need no Encrypt or Decrypt",
		find: fullAccessBeyondRoot,
	},
	{
		ID: "KEY008", Title: "grants not limited to AWS resources", Severity: Info, StricterInProduction: true,
		Fix:      "add a Deny of kms:CreateGrant with condition Bool kms:GrantIsForAWSResource: false",
		Auditors: []string{"Control Tower CT.KMS.PR.3"},
		find:     keysWithoutGrantLimit,
	},
}

// keyPolicy is a key of the template with the statements of its key policy.
type keyPolicy struct {
	key        cfn.Resource
	statements []cfn.Statement
	explicit   bool
}

// keyPolicies gives each key of the template with its key policy. A key
// without a KeyPolicy gets KMS's default, which names the account root.
func keyPolicies(t *cfn.Template) []keyPolicy {
	var out []keyPolicy
	for _, k := range t.Resources("AWS::KMS::Key") {
		doc, explicit := k.Properties["KeyPolicy"]
		out = append(out, keyPolicy{key: k, statements: statements(doc), explicit: explicit})
	}
	return out
}

func tableKeysWithoutRotation(t *cfn.Template, _ Options) []hit {
	var hits []hit
	seen := map[string]bool{}
	for _, table := range t.Resources(tableTypes...) {
		key, ok := tableKey(t, table)
		if !ok || seen[key.ID] || isTrue(key.Properties["EnableKeyRotation"]) {
			continue
		}
		seen[key.ID] = true
		hits = append(hits, hitf(key.ID, "encrypts table %s but EnableKeyRotation is not true: the same key material protects the table forever", table.ID))
	}
	return hits
}

func keysWithNumberOutside(property string, min, max int) func(*cfn.Template, Options) []hit {
	return func(t *cfn.Template, _ Options) []hit {
		var hits []hit
		for _, k := range t.Resources("AWS::KMS::Key") {
			if n, ok := number(k.Properties[property]); ok && (n < float64(min) || n > float64(max)) {
				hits = append(hits, hitf(k.ID, "%s is %g; KMS accepts %d to %d", property, n, min, max))
			}
		}
		return hits
	}
}

func keysWithoutAccountRoot(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, kp := range keyPolicies(t) {
		if !kp.explicit {
			continue
		}
		rootAdministers := slices.ContainsFunc(kp.statements, func(s cfn.Statement) bool {
			return allows(s) && hasPrincipal(s, isAccountRoot) && hasAction(s, isKMSWildcard)
		})
		if !rootAdministers {
			hits = append(hits, hitf(kp.key.ID, "no statement allows kms:* to the account root: if the principals it names are deleted, nobody can manage the key again"))
		}
	}
	return hits
}

// wildcardPrincipals finds Allow statements with the * principal: those
// without conditions, or those with them.
func wildcardPrincipals(withConditions bool) func(*cfn.Template, Options) []hit {
	return func(t *cfn.Template, _ Options) []hit {
		var hits []hit
		for _, kp := range keyPolicies(t) {
			for _, s := range kp.statements {
				if !allows(s) || !slices.Contains(s.Principals(), cfn.Anyone) || (len(s.Condition) > 0) != withConditions {
					continue
				}
				hits = append(hits, hit{kp.key.ID, wildcardMessage(s)})
			}
		}
		return hits
	}
}

func wildcardMessage(s cfn.Statement) string {
	keys := conditionKeys(s)
	switch {
	case len(keys) == 0:
		return "an Allow statement with the * principal and no condition lets anyone, in any account, use the key"
	case slices.Contains(keys, "kms:calleraccount") && slices.Contains(keys, "kms:viaservice"):
		return "an Allow statement with the * principal, limited by kms:CallerAccount and kms:ViaService, lets every principal in the account use the key through the service: the pattern of an AWS managed key"
	}
	return "an Allow statement with the * principal lets every principal that meets its conditions (" + strings.Join(keys, ", ") + ") use the key"
}

func fullAccessBeyondRoot(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, kp := range keyPolicies(t) {
		for _, s := range kp.statements {
			if !allows(s) || !hasAction(s, isKMSWildcard) {
				continue
			}
			for _, p := range s.Principals() {
				if !isAccountRoot(p) && p != cfn.Anyone {
					hits = append(hits, hitf(kp.key.ID, "kms:* is allowed to %s, which may then decrypt, re-grant and delete the key", p))
				}
			}
		}
	}
	return hits
}

func keysWithoutGrantLimit(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, kp := range keyPolicies(t) {
		limited := slices.ContainsFunc(kp.statements, func(s cfn.Statement) bool {
			return s.Effect == cfn.Deny && hasAction(s, func(a string) bool { return a == "kms:creategrant" }) &&
				slices.Contains(conditionKeys(s), "kms:grantisforawsresource")
		})
		if !limited {
			hits = append(hits, hitf(kp.key.ID, "the key policy does not deny kms:CreateGrant for grants that are not for AWS resources: a principal that may create grants can hand the key to anyone"))
		}
	}
	return hits
}

// isKMSWildcard reports whether an action, in lower case as statements give
// them, is every KMS action.
func isKMSWildcard(action string) bool { return action == "*" || action == "kms:*" }
