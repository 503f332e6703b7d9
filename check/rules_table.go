package check

import "strings"

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

func sse(r resource) map[string]any {
	m, _ := r.Props["SSESpecification"].(map[string]any)
	return m
}

func tablesWithoutSSE(t Template, _ Options) []hit {
	var hits []hit
	for _, r := range t.resources(tableTypes...) {
		switch spec := sse(r); {
		case spec == nil:
			hits = append(hits, hitf(r.ID, "no SSESpecification: DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"))
		case !isTrue(spec["SSEEnabled"]):
			hits = append(hits, hitf(r.ID, "SSEEnabled is not true: DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"))
		}
	}
	return hits
}

func tablesWithAWSManagedKey(t Template, _ Options) []hit {
	var hits []hit
	for _, r := range t.resources(tableTypes...) {
		spec := sse(r)
		if spec == nil || !isTrue(spec["SSEEnabled"]) {
			continue
		}
		key, set := spec["KMSMasterKeyId"]
		switch {
		case !set:
			hits = append(hits, hitf(r.ID, "SSE is on without KMSMasterKeyId: DynamoDB uses the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it"))
		case strings.Contains(text(key), "alias/aws/dynamodb"):
			hits = append(hits, hitf(r.ID, "KMSMasterKeyId names the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it"))
		}
	}
	return hits
}

func keyIDWithoutSSETypeKMS(t Template, _ Options) []hit {
	var hits []hit
	for _, r := range t.resources(tableTypes...) {
		spec := sse(r)
		if _, set := spec["KMSMasterKeyId"]; set && spec["SSEType"] != "KMS" {
			hits = append(hits, hitf(r.ID, "KMSMasterKeyId is set but SSEType is %v, not KMS", describe(spec["SSEType"])))
		}
	}
	return hits
}

func retainedTablesWithDeletedKey(t Template, _ Options) []hit {
	var hits []hit
	for _, table := range t.resources(tableTypes...) {
		key, ok := t.tableKey(table)
		if !ok {
			continue
		}
		for _, policy := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
			if retains(table.Attrs[policy]) && !retains(key.Attrs[policy]) {
				hits = append(hits, hitf(table.ID, "%s retains the table but not its key %s: once the key is gone the table becomes inaccessible, and DynamoDB archives it after 7 days", policy, key.ID))
			}
		}
	}
	return hits
}

func retains(policy any) bool {
	s, _ := policy.(string)
	return s == "Retain" || s == "RetainExceptOnCreate" || s == "Snapshot"
}

// tablesWithout finds tables whose property at path (dotted) is not true.
func tablesWithout(path, message string) func(Template, Options) []hit {
	return func(t Template, _ Options) []hit {
		var hits []hit
		for _, r := range t.resources("AWS::DynamoDB::Table") {
			var v any = r.Props
			for part := range strings.SplitSeq(path, ".") {
				m, _ := v.(map[string]any)
				v = m[part]
			}
			if !isTrue(v) {
				hits = append(hits, hitf(r.ID, "%s", message))
			}
		}
		return hits
	}
}

// tableKey finds the AWS::KMS::Key of the template that encrypts table,
// following an alias.
func (t Template) tableKey(table resource) (resource, bool) {
	id, ok := Reference(sse(table)["KMSMasterKeyId"])
	if !ok {
		return resource{}, false
	}
	r, ok := t.resource(id)
	if ok && r.Type == "AWS::KMS::Alias" {
		if id, ok = Reference(r.Props["TargetKeyId"]); ok {
			r, ok = t.resource(id)
		}
	}
	if !ok || r.Type != "AWS::KMS::Key" {
		return resource{}, false
	}
	return r, true
}

func describe(v any) string {
	if v == nil {
		return "not set"
	}
	return text(v)
}
