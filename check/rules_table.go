package check

import (
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var tableRules = []Rule{
	{
		ID: "SSE001", Title: "table not encrypted with a KMS key", Severity: Error,
		Fix:      "add SSESpecification {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: <your key's ARN>}",
		Auditors: []string{"checkov CKV_AWS_119"},
		find:     tablesWithoutSSE,
	},
	{
		ID: "SSE002", Title: "table encrypted with the AWS managed key", Severity: Error,
		Fix:      "set KMSMasterKeyId to a customer managed key of the stack",
		Auditors: []string{"checkov CKV_AWS_119"},
		find:     tablesWithAWSManagedKey,
	},
	{
		ID: "SSE003", Title: "KMSMasterKeyId without SSEType KMS", Severity: Error,
		Fix:  "set SSEType: KMS; CloudFormation rejects KMSMasterKeyId without it",
		find: keyIDWithoutSSETypeKMS,
	},
	{
		ID: "LIF001", Title: "retained table whose key is deleted", Severity: Error,
		Fix:  "give the key the same DeletionPolicy and UpdateReplacePolicy (Retain) as its table",
		find: retainedTablesWithDeletedKey,
	},
	{
		ID: "DDB001", Title: "no point-in-time recovery", Severity: Info, StricterInProduction: true,
		Fix:      "set PointInTimeRecoverySpecification {PointInTimeRecoveryEnabled: true}",
		Auditors: []string{"checkov CKV_AWS_28", "Control Tower CT.DYNAMODB.PR.1", "Security Hub DynamoDB.2"},
		find:     tablesWithout("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "point-in-time recovery is off: a bad write cannot be undone"),
	},
	{
		ID: "DDB002", Title: "no deletion protection", Severity: Info, StricterInProduction: true,
		Fix:      "set DeletionProtectionEnabled: true",
		Auditors: []string{"Security Hub DynamoDB.6"},
		find:     tablesWithout("DeletionProtectionEnabled", "deletion protection is off: one API call deletes the table"),
	},
}

// tableTypes are the resources that create a DynamoDB table.
var tableTypes = []string{"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"}

func sse(r cfn.Resource) map[string]any {
	m, _ := r.Properties["SSESpecification"].(map[string]any)
	return m
}

func tablesWithoutSSE(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		switch spec := sse(r); {
		case spec == nil:
			hits = append(hits, hitf(r.ID, "no SSESpecification: DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"))
		case !isTrue(spec["SSEEnabled"]):
			hits = append(hits, hitf(r.ID, "SSEEnabled is not true: DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"))
		}
	}
	return hits
}

func tablesWithAWSManagedKey(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		spec := sse(r)
		if spec == nil || !isTrue(spec["SSEEnabled"]) {
			continue
		}
		key, set := spec["KMSMasterKeyId"]
		switch {
		case !set:
			hits = append(hits, hitf(r.ID, "SSE is on without KMSMasterKeyId: DynamoDB uses the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it"))
		case strings.Contains(cfn.Text(key), "alias/aws/dynamodb"):
			hits = append(hits, hitf(r.ID, "KMSMasterKeyId names the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it"))
		}
	}
	return hits
}

func keyIDWithoutSSETypeKMS(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, r := range t.Resources(tableTypes...) {
		spec := sse(r)
		if _, set := spec["KMSMasterKeyId"]; set && spec["SSEType"] != "KMS" {
			hits = append(hits, hitf(r.ID, "KMSMasterKeyId is set but SSEType is %v, not KMS", describe(spec["SSEType"])))
		}
	}
	return hits
}

func retainedTablesWithDeletedKey(t *cfn.Template, _ Options) []hit {
	var hits []hit
	for _, table := range t.Resources(tableTypes...) {
		key, ok := tableKey(t, table)
		if !ok {
			continue
		}
		for _, policy := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
			if retains(table.Policy(policy)) && !retains(key.Policy(policy)) {
				hits = append(hits, hitf(table.ID, "%s retains the table but not its key %s: once the key is gone the table becomes inaccessible, and DynamoDB archives it after 7 days", policy, key.ID))
			}
		}
	}
	return hits
}

func retains(policy string) bool {
	return policy == "Retain" || policy == "RetainExceptOnCreate" || policy == "Snapshot"
}

// tablesWithout finds tables whose property at path (dotted) is not true.
func tablesWithout(path, message string) func(*cfn.Template, Options) []hit {
	return func(t *cfn.Template, _ Options) []hit {
		var hits []hit
		for _, r := range t.Resources("AWS::DynamoDB::Table") {
			if !isTrue(r.Prop(strings.Split(path, ".")...)) {
				hits = append(hits, hitf(r.ID, "%s", message))
			}
		}
		return hits
	}
}

// tableKey finds the AWS::KMS::Key of the template that encrypts table,
// following an alias.
func tableKey(t *cfn.Template, table cfn.Resource) (cfn.Resource, bool) {
	id, ok := cfn.RefTarget(sse(table)["KMSMasterKeyId"])
	if !ok {
		return cfn.Resource{}, false
	}
	r, ok := t.Resource(id)
	if ok && r.Type == "AWS::KMS::Alias" {
		if id, ok = cfn.RefTarget(r.Properties["TargetKeyId"]); ok {
			r, ok = t.Resource(id)
		}
	}
	if !ok || r.Type != "AWS::KMS::Key" {
		return cfn.Resource{}, false
	}
	return r, true
}

func describe(v any) string {
	if v == nil {
		return "not set"
	}
	return cfn.Text(v)
}
