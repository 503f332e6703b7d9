package diff

import (
	"fmt"
	"slices"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// stateful are the types whose contents a deletion or a replacement
// destroys: data stores, keys (what they encrypt cannot be read without
// them), logs, queues and streams with messages in them, secrets, user
// pools, registries and vaults.
var stateful = map[string]bool{
	"AWS::DynamoDB::Table": true, "AWS::DynamoDB::GlobalTable": true,
	"AWS::KMS::Key": true, "AWS::KMS::ReplicaKey": true,
	"AWS::Logs::LogGroup": true, "AWS::S3::Bucket": true, "AWS::S3Express::DirectoryBucket": true,
	"AWS::RDS::DBInstance": true, "AWS::RDS::DBCluster": true, "AWS::Neptune::DBCluster": true, "AWS::DocDB::DBCluster": true,
	"AWS::Redshift::Cluster": true, "AWS::ElastiCache::CacheCluster": true, "AWS::ElastiCache::ReplicationGroup": true,
	"AWS::EFS::FileSystem": true, "AWS::FSx::FileSystem": true, "AWS::EC2::Volume": true,
	"AWS::Kinesis::Stream": true, "AWS::SQS::Queue": true, "AWS::SecretsManager::Secret": true,
	"AWS::Cognito::UserPool": true, "AWS::ECR::Repository": true, "AWS::Backup::BackupVault": true,
	"AWS::OpenSearchService::Domain": true, "AWS::Elasticsearch::Domain": true,
	"AWS::Timestream::Table": true, "AWS::QLDB::Ledger": true, "AWS::MSK::Cluster": true,
}

// snapshots are the types for which Snapshot keeps the data: CloudFormation
// backs them up before deleting them.
var snapshots = map[string]bool{
	"AWS::RDS::DBInstance": true, "AWS::RDS::DBCluster": true, "AWS::Neptune::DBCluster": true, "AWS::DocDB::DBCluster": true,
	"AWS::Redshift::Cluster": true, "AWS::ElastiCache::CacheCluster": true, "AWS::ElastiCache::ReplicationGroup": true,
	"AWS::EC2::Volume": true,
}

// keeps reports whether a DeletionPolicy or UpdateReplacePolicy keeps the
// data of a resource of type typ.
func keeps(policy, typ string) bool {
	switch policy {
	case "Retain", "RetainExceptOnCreate":
		return true
	case "Snapshot":
		return snapshots[typ]
	}
	return false
}

// retained reports whether CloudFormation keeps r when it leaves the
// stack, whatever its type.
func retained(r cfn.Resource) bool {
	switch r.Policy("DeletionPolicy") {
	case "Retain", "RetainExceptOnCreate":
		return true
	}
	return false
}

// deletionPolicy is the resource's DeletionPolicy, or CloudFormation's
// default: Snapshot for an RDS cluster, and for an RDS instance outside one;
// Delete for everything else.
func deletionPolicy(r cfn.Resource) string {
	if p := r.Policy("DeletionPolicy"); p != "" {
		return p
	}
	if r.Type == "AWS::RDS::DBCluster" || (r.Type == "AWS::RDS::DBInstance" && r.Prop("DBClusterIdentifier") == nil) {
		return "Snapshot"
	}
	return "Delete"
}

func updateReplacePolicy(r cfn.Resource) string {
	if p := r.Policy("UpdateReplacePolicy"); p != "" {
		return p
	}
	return "Delete"
}

// dataLoss reports whether a change destroys a stateful resource's data: it
// is removed, and its DeletionPolicy does not keep it, or replaced, and the
// new UpdateReplacePolicy does not keep the old one, or it is a global
// table that loses a replica, whatever its policies. A conditional
// replacement counts: the reviewer cannot rule it out.
func dataLoss(c ResourceChange, o, n cfn.Resource, deployments cfn.Deployments) bool {
	switch typ := cfn.DeployedType(c.Type); {
	case !stateful[typ]:
		return false
	case c.Change == Remove:
		return !keeps(deletionPolicy(o), typ)
	case c.Change == Modify && typ == globalTableType && c.Replacement != Always && replicasRemoved(o, n):
		return true
	case c.Change == Modify && c.Replacement != Never:
		return !keeps(updateReplacePolicy(n), typ)
	case c.Change == Modify && gainsCondition(o, n, deployments):
		return !keeps(deletionPolicy(n), typ)
	}
	return false
}

// gainsCondition reports whether a resource the stack always made is now
// made only where a condition holds, and a deployment may make the
// condition false: that deployment deletes it.
func gainsCondition(o, n cfn.Resource, deployments cfn.Deployments) bool {
	condition, ok := n.Entry["Condition"].(string)
	if o.Entry["Condition"] != nil || !ok {
		return false
	}
	return slices.ContainsFunc(deployments.Scenarios, func(s cfn.Scenario) bool {
		holds, decided := s.Conditions[condition]
		return !decided || !holds
	})
}

// emptied reports whether a change replaces a stateful resource while its
// UpdateReplacePolicy retains the old one: no data is deleted, but the
// stack, and whatever reads its outputs, moves to a new, empty resource.
func emptied(c ResourceChange, n cfn.Resource) bool {
	typ := cfn.DeployedType(c.Type)
	return stateful[typ] && c.Change == Modify && c.Replacement != Never && keeps(updateReplacePolicy(n), typ)
}

// consequences says in words what a change does to a resource and its
// data; o and n are the resource before and after, deployments the new
// template's.
func consequences(c ResourceChange, o, n cfn.Resource, deployments cfn.Deployments) []string {
	var notes []string
	switch {
	case c.RenamedTo != "":
		notes = append(notes, fmt.Sprintf("renamed to %s: CloudFormation deletes this resource and creates %s", c.RenamedTo, c.RenamedTo))
	case c.RenamedFrom != "":
		notes = append(notes, fmt.Sprintf("renamed from %s: a new resource, created empty", c.RenamedFrom))
	}
	typ := cfn.DeployedType(c.Type)
	if !stateful[typ] {
		return notes
	}
	may := ""
	if c.Replacement == Conditional {
		may = "may be "
	}
	if c.Change == Modify && c.DataLoss && c.Replacement == Never && gainsCondition(o, n, deployments) {
		notes = append(notes, "it gains a Condition: a deployment in which the condition is false deletes it and its data")
	}
	switch {
	case c.Change == Remove && c.DataLoss && typ == "AWS::KMS::Key":
		notes = append(notes, "the key is scheduled for deletion: everything it encrypts becomes unreadable when its pending window ends")
	case c.Change == Remove && c.DataLoss:
		notes = append(notes, "removed without DeletionPolicy Retain: its data is deleted")
	case c.Change == Remove:
		notes = append(notes, "removed from the stack but retained: it keeps its data, and its bill, outside the stack")
	case c.Change == Modify && c.DataLoss && c.Replacement != Never:
		notes = append(notes, fmt.Sprintf("%sreplaced without UpdateReplacePolicy Retain: the old resource and its data are deleted", may))
	case c.Change == Modify && c.Replacement != Never:
		notes = append(notes, fmt.Sprintf("%sreplaced: the old resource is retained outside the stack with its data; the stack now points at a new, empty one", may))
	}
	return notes
}
