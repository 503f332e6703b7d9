package diff

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Refusal is a change CloudFormation will not carry out: the stack update
// fails and rolls back, whatever else it holds.
type Refusal struct {
	Resource string `json:"resource"`
	Why      string `json:"why"`
}

// The deployed types whose indexes, replicas and keys the refusals read.
const (
	tableType       = "AWS::DynamoDB::Table"
	globalTableType = "AWS::DynamoDB::GlobalTable"
	keyType         = "AWS::KMS::Key"
)

// refusals lists the changes of byID that CloudFormation refuses, and those
// it may refuse because they read an input that changed, resource by
// resource in the order of their ids.
func refusals(old, new *cfn.Template, changed map[string]bool, byID map[string]*ResourceChange) []Refusal {
	var out []Refusal
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		c := byID[id]
		o, _ := old.Resource(id)
		n, _ := new.Resource(id)
		if c.Change != Modify || o.Type != n.Type {
			continue
		}
		var whys []string
		if c.Replacement != Never && customNameKept(c, n) {
			whys = append(whys, customNameRefusal(c, n))
		}
		switch cfn.DeployedType(n.Type) {
		case tableType, globalTableType:
			if c.Replacement == Always {
				break // a new table is made with its indexes and replicas
			}
			whys = append(whys, indexRefusals(o, n)...)
			whys = append(whys, replicaRefusals(o, n)...)
		case keyType:
			whys = append(whys, keyRefusals(o, n)...)
		}
		for _, why := range whys {
			out = append(out, Refusal{Resource: id, Why: why})
		}
	}
	for _, r := range new.Resources() {
		if o, inOld := old.Resource(r.ID); inOld && o.Type == r.Type {
			out = append(out, inputRefusals(r, changed)...)
		}
	}
	slices.SortStableFunc(out, func(a, b Refusal) int { return strings.Compare(a.Resource, b.Resource) })
	return out
}

func customNameRefusal(c *ResourceChange, n cfn.Resource) string {
	replaced := "it is replaced"
	if c.Replacement == Conditional {
		replaced = "it may be replaced"
	}
	return fmt.Sprintf("%s, and %s sets a custom name: CloudFormation cannot create the replacement under the same name, and fails the update", replaced, nameProperty(n.Type))
}

// The CloudFormation pages the refusals rest on.
const (
	tableIndexesPage = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html#cfn-dynamodb-table-globalsecondaryindexes"
	globalTablePage  = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html"
	keyPage          = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html"
)

// indexChangesInPlace are the properties of a global secondary index that
// CloudFormation changes in place: its throughput (a table's index, or a
// global table's) and contributor insights. Anything else changed on an
// index of the same name fails the update. AWS::DynamoDB::Table
// GlobalSecondaryIndexes: "Updates are not supported. The following are
// exceptions: ... contributor insights specification or the provisioned
// throughput values ... You can delete or add one global secondary index
// without interruption. If you do both in the same update (for example, by
// changing the index's logical ID), the update fails." (tableIndexesPage);
// AWS::DynamoDB::GlobalTable GlobalSecondaryIndexes: "You can only create
// or delete one global secondary index in a single stack operation."
// (globalTablePage). DynamoDB's UpdateTable itself takes one index
// created or deleted per call.
var indexChangesInPlace = []string{
	"ProvisionedThroughput", "ContributorInsightsSpecification", "OnDemandThroughput", "WarmThroughput",
	"WriteProvisionedThroughputSettings", "WriteOnDemandThroughputSettings",
}

// indexRefusals tells why CloudFormation refuses what changes among a
// table's global secondary indexes: more than one created or deleted (a
// rename is both), or one changed beyond its throughput and contributor
// insights. Indexes that cannot be read one by one (a list or a name from
// Fn::If) and changed may be refused: never taken as nothing.
func indexRefusals(o, n cfn.Resource) []string {
	was, wasRead := globalIndexes(o)
	is, isRead := globalIndexes(n)
	if !wasRead || !isRead {
		if equal(o.Prop("GlobalSecondaryIndexes"), n.Prop("GlobalSecondaryIndexes")) {
			return nil
		}
		return []string{fmt.Sprintf("GlobalSecondaryIndexes, written so that they cannot be read index by index, change: the change may be one CloudFormation refuses, more than one index created or deleted in one update, or an index changed beyond its throughput and contributor insights (%s)", indexesPage(n.Type))}
	}
	var out []string
	created, deleted := setChanges(was, is)
	if len(created)+len(deleted) > 1 {
		out = append(out, fmt.Sprintf("%s in one update: CloudFormation creates or deletes one global secondary index per update, a renamed index being a deletion and a creation, and fails the update; make the change one index per update (%s)",
			changeList("global secondary index", "global secondary indexes", "created", "deleted", created, deleted), indexesPage(n.Type)))
	}
	for _, name := range slices.Sorted(maps.Keys(is)) {
		if _, kept := was[name]; !kept {
			continue
		}
		if changed := indexPropertiesChanged(o, n, was[name], is[name]); len(changed) > 0 {
			out = append(out, fmt.Sprintf("global secondary index %s changes its %s in place: CloudFormation changes only an index's throughput and contributor insights, and fails the update; delete the index in one update and create it again in the next (%s)",
				name, strings.Join(changed, " and "), indexesPage(n.Type)))
		}
	}
	return out
}

func indexesPage(typ string) string {
	if cfn.DeployedType(typ) == globalTableType {
		return globalTablePage
	}
	return tableIndexesPage
}

// globalIndexes reads a table's global secondary indexes by IndexName;
// false when the list, an index or its name is not written out.
func globalIndexes(r cfn.Resource) (map[string]map[string]any, bool) {
	out := map[string]map[string]any{}
	v := r.Prop("GlobalSecondaryIndexes")
	list, isList := v.([]any)
	if v != nil && !isList {
		return nil, false
	}
	for _, e := range list {
		index, isMap := mapping(e)
		name, named := index["IndexName"].(string)
		if !isMap || !named {
			return nil, false
		}
		out[name] = index
	}
	return out, true
}

// indexPropertiesChanged names what changes on an index kept by name,
// other than what CloudFormation changes in place; a key attribute whose
// type changes changes the KeySchema, though its names stay.
func indexPropertiesChanged(o, n cfn.Resource, was, is map[string]any) []string {
	var out []string
	for _, property := range unionKeys(was, is) {
		if property == "IndexName" || slices.Contains(indexChangesInPlace, property) {
			continue
		}
		switch {
		case property == "KeySchema" && !equal(was[property], is[property]):
			out = append(out, "KeySchema")
		case property == "KeySchema":
			if retyped := keyTypesChanged(attributeTypes(o), attributeTypes(n), is[property]); retyped != "" {
				out = append(out, "KeySchema ("+retyped+")")
			}
		case !equal(was[property], is[property]):
			out = append(out, property)
		}
	}
	return out
}

// keyTypesChanged says which attributes of a key schema change type.
func keyTypesChanged(was, is map[string]string, schema any) string {
	var out []string
	for _, k := range cfn.List(schema) {
		name := cfn.Text(cfn.At(k, "AttributeName"))
		if w, ok := was[name]; ok && is[name] != "" && w != is[name] {
			out = append(out, fmt.Sprintf("the type of key attribute %s changes %s → %s", name, w, is[name]))
		}
	}
	return strings.Join(out, ", ")
}

// replicaRefusals tells why CloudFormation refuses the replicas a global
// table gains or loses: "You can add or remove replicas after table
// creation, but you can only add or remove a single replica in each
// update. For Multi-Region Strong Consistency (MRSC), you can add or
// remove up to 3 replicas, or 2 replicas plus a witness Region."
// (AWS::DynamoDB::GlobalTable Replicas, globalTablePage).
func replicaRefusals(o, n cfn.Resource) []string {
	if cfn.DeployedType(n.Type) != globalTableType {
		return nil
	}
	added, removed := setChanges(replicasByRegion(o), replicasByRegion(n))
	one, many, limit, allowed := "replica", "replicas", 1, "one replica"
	if strongConsistency(n) {
		witnessesAdded, witnessesRemoved := setChanges(witnessesByRegion(o), witnessesByRegion(n))
		added, removed = append(added, witnessesAdded...), append(removed, witnessesRemoved...)
		slices.Sort(added)
		slices.Sort(removed)
		one, many, limit, allowed = "replica or witness", "replicas and witnesses", 3, "up to 3 replicas and witnesses of a strongly consistent global table"
	}
	if len(added)+len(removed) <= limit {
		return nil
	}
	return []string{fmt.Sprintf("%s in one update: CloudFormation adds or removes %s per update, and fails the update; make the change over several updates (%s)",
		changeList(one, many, "added", "removed", added, removed), allowed, globalTablePage)}
}

func strongConsistency(r cfn.Resource) bool {
	return strings.EqualFold(cfn.Text(r.Prop("MultiRegionConsistency")), "STRONG")
}

func witnessesByRegion(r cfn.Resource) map[string]any {
	out := map[string]any{}
	for _, w := range cfn.List(r.Prop("GlobalTableWitnesses")) {
		out[cfn.Text(cfn.At(w, "Region"))] = w
	}
	return out
}

// immutableKeyProperties are the properties KMS cannot change on an
// existing key, with the value a key takes where a template sets none.
// The AWS::KMS::Key page marks each "Update requires: Replacement", and
// says in the same entry: "If you change the value of the MultiRegion
// [KeySpec, KeyUsage] property on an existing KMS key, the update request
// fails, regardless of the value of the UpdateReplacePolicy attribute.
// This prevents you from accidentally deleting a KMS key by changing an
// immutable property value." (keyPage); the registry schema in
// cfn-lint lists none of them as create-only. A refusal, then, not a
// replacement: the key and what it encrypts stay as they are, and no
// UpdateReplacePolicy, Retain included, turns the change into a new key
// beside the kept old one.
var immutableKeyProperties = []struct{ name, unset string }{
	{"KeySpec", "SYMMETRIC_DEFAULT"}, {"KeyUsage", "ENCRYPT_DECRYPT"}, {"MultiRegion", "false"},
}

// keyRefusals tells of a key whose KeySpec, KeyUsage or MultiRegion
// changes, or may, as only deployment decides.
func keyRefusals(o, n cfn.Resource) []string {
	var out []string
	for _, p := range immutableKeyProperties {
		was, is := o.Prop(p.name), n.Prop(p.name)
		undecided := cfn.IsIntrinsic(was) || cfn.IsIntrinsic(is)
		if equal(was, is) || !undecided && strings.EqualFold(orDefault(was, p.unset), orDefault(is, p.unset)) {
			continue
		}
		change := "changes"
		if undecided {
			change = "may change, as only deployment decides,"
		}
		out = append(out, fmt.Sprintf("%s %s (%s → %s): KMS cannot change it on an existing key, and CloudFormation fails the update whatever the UpdateReplacePolicy (%s)",
			p.name, change, orDefault(was, p.unset), orDefault(is, p.unset), keyPage))
	}
	return out
}

func orDefault(v any, unset string) string {
	if v == nil {
		return unset
	}
	return cfn.Text(v)
}

// inputRefusals tells of a resource that reads an input that changed
// (a parameter, a mapping, a condition) where a change may be refused: a
// global secondary index's name, key schema or projection, a replica's
// Region, a key's KeySpec, KeyUsage or MultiRegion. The template reads the same, but the
// deployment may not, so the refusal cannot be ruled out.
func inputRefusals(r cfn.Resource, changed map[string]bool) []Refusal {
	var names []string
	for _, in := range references(nil, r.Properties) {
		if changed[in.target] && refusingPlace(r.Type, in.path) {
			names = append(names, in.target)
		}
	}
	if len(names) == 0 {
		return nil
	}
	what := "its global secondary indexes or replicas may change as CloudFormation refuses: more than one index or replica created or deleted in one update, or an index changed in place"
	if cfn.DeployedType(r.Type) == keyType {
		what = "its KeySpec, KeyUsage or MultiRegion may change, which KMS cannot change on an existing key: CloudFormation fails the update"
	}
	return []Refusal{{Resource: r.ID, Why: reads(names) + ": " + what}}
}

// refusingPlace reports whether a value at path below a resource's
// Properties is one whose change CloudFormation may refuse.
func refusingPlace(typ string, path []string) bool {
	switch cfn.DeployedType(typ) {
	case tableType, globalTableType:
		switch {
		case len(path) == 0:
		case path[0] == "GlobalSecondaryIndexes":
			return len(path) <= 2 || slices.Contains([]string{"IndexName", "KeySchema", "Projection"}, path[2])
		case path[0] == "Replicas" || path[0] == "GlobalTableWitnesses":
			return len(path) <= 2 || path[2] == "Region"
		}
	case keyType:
		return len(path) > 0 && slices.ContainsFunc(immutableKeyProperties, func(p struct{ name, unset string }) bool { return p.name == path[0] })
	}
	return false
}

// setChanges gives the keys only b has (added) and those only a has
// (removed), sorted.
func setChanges[V any](a, b map[string]V) (added, removed []string) {
	for _, k := range unionKeys(a, b) {
		_, inA := a[k]
		_, inB := b[k]
		switch {
		case inB && !inA:
			added = append(added, k)
		case inA && !inB:
			removed = append(removed, k)
		}
	}
	return added, removed
}

// changeList writes what comes and goes: "replicas eu-west-1,
// ap-southeast-2 added and replica us-west-2 removed".
func changeList(one, many, came, went string, added, removed []string) string {
	var parts []string
	for _, p := range []struct {
		names []string
		verb  string
	}{{added, came}, {removed, went}} {
		switch len(p.names) {
		case 0:
		case 1:
			parts = append(parts, one+" "+p.names[0]+" "+p.verb)
		default:
			parts = append(parts, many+" "+strings.Join(p.names, ", ")+" "+p.verb)
		}
	}
	return strings.Join(parts, " and ")
}
