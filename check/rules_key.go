package check

import (
	"slices"
	"strings"
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
		Fix:  "set RotationPeriodInDays between 90 and 2560 (KMS's default is 365)",
		find: keysWithNumberOutside("RotationPeriodInDays", 90, 2560),
	},
	{
		ID: "KEY003", Title: "pending window out of range", Severity: Error,
		Fix:  "set PendingWindowInDays between 7 and 30",
		find: keysWithNumberOutside("PendingWindowInDays", 7, 30),
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
	key        resource
	statements []Statement
	explicit   bool
}

// keyPolicies gives each key of the template with its key policy. A key
// without a KeyPolicy gets KMS's default, which names the account root.
func keyPolicies(t Template) []keyPolicy {
	var out []keyPolicy
	for _, k := range t.resources("AWS::KMS::Key") {
		doc, explicit := k.Props["KeyPolicy"]
		out = append(out, keyPolicy{key: k, statements: PolicyStatements(doc), explicit: explicit})
	}
	return out
}

func tableKeysWithoutRotation(t Template, _ Options) []hit {
	var hits []hit
	seen := map[string]bool{}
	for _, table := range t.resources(tableTypes...) {
		key, ok := t.tableKey(table)
		if !ok || seen[key.ID] || isTrue(key.Props["EnableKeyRotation"]) {
			continue
		}
		seen[key.ID] = true
		hits = append(hits, hitf(key.ID, "encrypts table %s but EnableKeyRotation is not true: the same key material protects the table forever", table.ID))
	}
	return hits
}

func keysWithNumberOutside(property string, min, max float64) func(Template, Options) []hit {
	return func(t Template, _ Options) []hit {
		var hits []hit
		for _, k := range t.resources("AWS::KMS::Key") {
			if n, ok := number(k.Props[property]); ok && (n < min || n > max) {
				hits = append(hits, hitf(k.ID, "%s is %g; KMS accepts %g to %g", property, n, min, max))
			}
		}
		return hits
	}
}

func keysWithoutAccountRoot(t Template, _ Options) []hit {
	var hits []hit
	for _, kp := range keyPolicies(t) {
		if !kp.explicit {
			continue
		}
		rootAdministers := slices.ContainsFunc(kp.statements, func(s Statement) bool {
			return s.allows() && slices.ContainsFunc(s.Principals, isAccountRoot) && s.hasAction(isKMSWildcard)
		})
		if !rootAdministers {
			hits = append(hits, hitf(kp.key.ID, "no statement allows kms:* to the account root: if the principals it names are deleted, nobody can manage the key again"))
		}
	}
	return hits
}

// wildcardPrincipals finds Allow statements with the * principal: those
// without conditions, or those with them.
func wildcardPrincipals(withConditions bool) func(Template, Options) []hit {
	return func(t Template, _ Options) []hit {
		var hits []hit
		for _, kp := range keyPolicies(t) {
			for _, s := range kp.statements {
				if !s.allows() || !slices.Contains(s.Principals, "*") || (len(s.Condition) > 0) != withConditions {
					continue
				}
				hits = append(hits, hit{kp.key.ID, wildcardMessage(s)})
			}
		}
		return hits
	}
}

func wildcardMessage(s Statement) string {
	keys := s.conditionKeys()
	switch {
	case len(keys) == 0:
		return "an Allow statement with the * principal and no condition lets anyone, in any account, use the key"
	case slices.Contains(keys, "kms:calleraccount") && slices.Contains(keys, "kms:viaservice"):
		return "an Allow statement with the * principal, limited by kms:CallerAccount and kms:ViaService, lets every principal in the account use the key through the service: the pattern of an AWS managed key"
	}
	return "an Allow statement with the * principal lets every principal that meets its conditions (" + strings.Join(keys, ", ") + ") use the key"
}

func fullAccessBeyondRoot(t Template, _ Options) []hit {
	var hits []hit
	for _, kp := range keyPolicies(t) {
		for _, s := range kp.statements {
			if !s.allows() || !s.hasAction(isKMSWildcard) {
				continue
			}
			for _, p := range s.Principals {
				if !isAccountRoot(p) && p != "*" {
					hits = append(hits, hitf(kp.key.ID, "kms:* is allowed to %s, which may then decrypt, re-grant and delete the key", p))
				}
			}
		}
	}
	return hits
}

func keysWithoutGrantLimit(t Template, _ Options) []hit {
	var hits []hit
	for _, kp := range keyPolicies(t) {
		limited := slices.ContainsFunc(kp.statements, func(s Statement) bool {
			return s.Effect == "Deny" && s.hasAction(func(a string) bool { return strings.EqualFold(a, "kms:CreateGrant") }) &&
				slices.Contains(s.conditionKeys(), "kms:grantisforawsresource")
		})
		if !limited {
			hits = append(hits, hitf(kp.key.ID, "the key policy does not deny kms:CreateGrant for grants that are not for AWS resources: a principal that may create grants can hand the key to anyone"))
		}
	}
	return hits
}

func isKMSWildcard(action string) bool { return action == "*" || strings.EqualFold(action, "kms:*") }
