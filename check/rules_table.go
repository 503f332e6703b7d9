package check

import (
	"strconv"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var tableRules = []Rule{
	{
		ID: "SSE001", Title: "table not encrypted with a KMS key", Severity: Error,
		Why:      "without SSE on a KMS key, DynamoDB encrypts the table with an AWS owned key: no one can audit its use, rotate it or revoke it",
		Fix:      "add SSESpecification {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: <your key's ARN>}",
		Auditors: []string{"checkov CKV_AWS_119"},
		find:     tablesWithoutSSE,
		family:   postureFamily,
	},
	{
		ID: "SSE002", Title: "table encrypted with the AWS managed key", Severity: Error,
		Why:      "the AWS managed key aws/dynamodb lets every principal of the account use it through DynamoDB, and its policy cannot be changed",
		Fix:      "set KMSMasterKeyId to a customer managed key of the stack",
		Auditors: []string{"checkov CKV_AWS_119"},
		find:     tablesWithAWSManagedKey,
		family:   postureFamily,
	},
	{
		ID: "SSE003", Title: "KMSMasterKeyId without SSEType KMS", Severity: Error,
		Why:    "CloudFormation rejects a KMSMasterKeyId without SSEType KMS: the stack does not deploy",
		Fix:    "set SSEType: KMS; CloudFormation rejects KMSMasterKeyId without it",
		find:   keyIDWithoutSSETypeKMS,
		family: postureFamily,
	},
	{
		ID: "SSE004", Title: "table key from a parameter", Severity: Info,
		Why:    "a key given at deployment (a parameter, an import, another stack's output) cannot be proven customer managed from the template",
		Fix:    "check the value the stack is deployed with, or make the key part of the stack",
		find:   tablesWithKeyFromParameter,
		family: postureFamily,
	},
	{
		ID: "LIF001", Title: "retained table whose key is deleted", Severity: Error,
		Why:    "once its key is deleted a table becomes inaccessible, and DynamoDB archives it after 7 days",
		Fix:    "give the key the same DeletionPolicy and UpdateReplacePolicy (Retain) as its table",
		find:   retainedTablesWithDeletedKey,
		family: postureFamily,
	},
	{
		ID: "DDB001", Title: "no point-in-time recovery", Severity: Info, StricterInProduction: true,
		Why:      "without point-in-time recovery a bad write or delete cannot be undone",
		Fix:      "set PointInTimeRecoverySpecification {PointInTimeRecoveryEnabled: true}",
		Auditors: []string{"checkov CKV_AWS_28", "Control Tower CT.DYNAMODB.PR.1", "Security Hub DynamoDB.2"},
		find:     tablesWithout([]string{"PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"}, "point-in-time recovery is off: a bad write cannot be undone"),
		family:   postureFamily,
	},
	{
		ID: "DDB005", Title: "provisioned capacity without auto scaling", Severity: Info,
		Why:    "a table of provisioned capacity that no Application Auto Scaling target scales throttles requests past its capacity, and pays for it when idle",
		Fix:    "add a scalable target and a target-tracking policy for reads and writes (gen's capacity: {mode: provisioned}), or use on-demand capacity",
		Basis:  []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/AutoScaling.html"},
		find:   provisionedTablesWithoutAutoScaling,
		family: postureFamily,
	},
	{
		ID: "DDB002", Title: "no deletion protection", Severity: Info, StricterInProduction: true,
		Why:      "without deletion protection one API call deletes the table and its items",
		Fix:      "set DeletionProtectionEnabled: true",
		Auditors: []string{"Security Hub DynamoDB.6"},
		find:     tablesWithout([]string{"DeletionProtectionEnabled"}, "deletion protection is off: one API call deletes the table"),
		family:   postureFamily,
	},
}

func tablesWithoutSSE(t *model, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		e := encryptionOf(r)
		switch {
		case cfn.At(r.Entry, e.ssePath...) == nil:
			hits = append(hits, hitf(r.ID, nil, "no SSESpecification: DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"))
		case !e.enabled:
			hits = append(hits, hitf(r.ID, e.enabledPath, "SSEEnabled is not true: DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"))
		}
	}
	return hits
}

func tablesWithAWSManagedKey(t *model, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		e := encryptionOf(r)
		if !e.enabled {
			continue
		}
		for _, k := range e.keys {
			switch kind, parameter := classify(t.Template, k.value); {
			case kind == noKey:
				hits = append(hits, hitf(r.ID, e.keyPath(k), "%sSSE is on without KMSMasterKeyId: DynamoDB uses the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it", e.where(k)))
			case kind == awsManaged && parameter != "":
				hits = append(hits, hitf(r.ID, k.path, "%sKMSMasterKeyId comes from parameter %s, whose default is the AWS managed key aws/dynamodb", e.where(k), parameter))
			case kind == awsManaged:
				hits = append(hits, hitf(r.ID, k.path, "%sKMSMasterKeyId names the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it", e.where(k)))
			}
		}
	}
	return hits
}

func keyIDWithoutSSETypeKMS(t *model, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		e := encryptionOf(r)
		for _, k := range e.keys {
			if k.value != nil && cfn.Text(e.sseType) != "KMS" {
				hits = append(hits, hitf(r.ID, k.path, "KMSMasterKeyId is set but SSEType is %s, not KMS", describe(e.sseType)))
				break
			}
		}
	}
	return hits
}

func tablesWithKeyFromParameter(t *model, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		e := encryptionOf(r)
		for _, k := range e.keys {
			if kind, from := classify(t.Template, k.value); e.enabled && kind == unprovenKey {
				hits = append(hits, hitf(r.ID, k.path, "%sKMSMasterKeyId comes from %s: the template cannot prove it is a customer managed key", e.where(k), from))
			}
		}
	}
	return hits
}

func retainedTablesWithDeletedKey(t *model, _ Options) []hit {
	var hits []hit
	for _, tk := range t.tableKeys {
		for _, policy := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
			if retains(tk.table.Policy(policy)) && !retains(tk.key.Policy(policy)) {
				hits = append(hits, hitf(tk.table.ID, []string{policy}, "%s retains the table but not its key %s: once the key is gone the table becomes inaccessible, and DynamoDB archives it after 7 days", policy, tk.key.ID))
			}
		}
	}
	return hits
}

func retains(policy string) bool {
	return policy == "Retain" || policy == "RetainExceptOnCreate" || policy == "Snapshot"
}

// tablesWithout finds tables whose property at path is not true; for a
// global table, replicas whose property is not.
func tablesWithout(path []string, message string) func(*model, Options) []hit {
	return func(t *model, _ Options) []hit {
		var hits []hit
		for _, r := range t.Resources("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable") {
			for _, at := range settingPaths(r, path) {
				if !cfn.IsTrue(cfn.At(r.Entry, at...)) {
					hits = append(hits, hit{resource: r.ID, path: pointable(r, at), message: message})
				}
			}
		}
		return hits
	}
}

// settingPaths gives where a table's setting at path is: below Properties,
// or below each replica's for a global table.
func settingPaths(r cfn.Resource, path []string) [][]string {
	if r.Type != "AWS::DynamoDB::GlobalTable" {
		return [][]string{append([]string{"Properties"}, path...)}
	}
	replicas, _ := r.Prop("Replicas").([]any)
	var out [][]string
	for i := range replicas {
		out = append(out, append([]string{"Properties", "Replicas", strconv.Itoa(i)}, path...))
	}
	return out
}

// pointable shortens path to the part of it the resource has, so that a
// missing setting points at where it would go, or at the resource.
func pointable(r cfn.Resource, path []string) []string {
	for len(path) > 0 && cfn.At(r.Entry, path...) == nil {
		path = path[:len(path)-1]
	}
	if len(path) == 1 && path[0] == "Properties" {
		return nil
	}
	return path
}

func describe(v any) string {
	if v == nil {
		return "not set"
	}
	return cfn.Text(v)
}

// provisionedTablesWithoutAutoScaling finds the tables of provisioned
// capacity that no scalable target of the template names.
func provisionedTablesWithoutAutoScaling(t *model, _ Options) []hit {
	scaled := map[string]bool{}
	for _, target := range t.Resources("AWS::ApplicationAutoScaling::ScalableTarget") {
		for _, name := range cfn.SubNames(cfn.Text(target.Prop("ResourceId"))) {
			scaled[name] = true
		}
	}
	var hits []hit
	for _, r := range t.Resources("AWS::DynamoDB::Table") {
		provisioned := cfn.Text(r.Prop("BillingMode")) == "PROVISIONED" || (r.Prop("BillingMode") == nil && r.Prop("ProvisionedThroughput") != nil)
		if provisioned && !scaled[r.ID] {
			hits = append(hits, hitf(r.ID, pointable(r, []string{"Properties", "ProvisionedThroughput"}), "provisioned capacity that no Application Auto Scaling target scales: requests past it are throttled"))
		}
	}
	return hits
}
