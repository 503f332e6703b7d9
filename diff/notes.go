package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
)

// The AWS pages the notes rest on.
const (
	capacityModesPage = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-switching-capacity-modes.html"
	keySwitchPage     = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html"
	replicaKeyPage    = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-globaltable-replicassespecification.html"
	terraformReplica  = "https://github.com/hashicorp/terraform-provider-aws/pull/29102"
)

// updateNotes says what a change to a table or a key does that no class
// names: a switch DynamoDB limits, the key a table leaves behind, the
// Region whose copy of a global table goes. A table replaced is a new
// table, and none of this applies to it.
func updateNotes(old, new *cfn.Template, c ResourceChange, o, n cfn.Resource) []string {
	if c.Change != Modify || c.Replacement == Always || o.Type != n.Type {
		return nil
	}
	var notes []string
	switch cfn.DeployedType(n.Type) {
	case tableType:
		notes = append(notes, billingModeNotes(o, n)...)
		if was, is := o.Prop("SSESpecification", "KMSMasterKeyId"), n.Prop("SSESpecification", "KMSMasterKeyId"); switchesKey(old, new, o, n, was, is) {
			notes = append(notes, keySwitchNote(old, new, "the table", was, is, check.TableKeys(old, o), check.TableEncryption(old, o)))
		}
	case globalTableType:
		notes = append(notes, billingModeNotes(o, n)...)
		notes = append(notes, replicaNotes(old, new, o, n)...)
	case keyType:
		if len(keyRefusals(o, n)) > 0 {
			notes = append(notes, "UpdateReplacePolicy Retain does not keep this key beside a new one: to change what KMS cannot change on a key, add a new key with the settings wanted, move what it encrypts to it, then remove this one")
		}
	}
	return notes
}

// billingModeNotes tells of a table switched from provisioned capacity to
// on-demand, which DynamoDB limits: "You can switch tables from
// provisioned capacity mode to on-demand mode up to four times in a
// 24-hour rolling window. You can switch tables from on-demand mode to
// provisioned capacity mode at any time." (capacityModesPage). Both
// table types default to PROVISIONED.
func billingModeNotes(o, n cfn.Resource) []string {
	was, is := billingMode(o), billingMode(n)
	if equal(was, is) || !isOrMay(was, "PROVISIONED") || !isOrMay(is, "PAY_PER_REQUEST") {
		return nil
	}
	return []string{fmt.Sprintf("BillingMode %s → %s: DynamoDB switches a table from provisioned to on-demand capacity at most four times in a 24-hour rolling window (back to provisioned at any time); past that, the update fails (%s)",
		cfn.Text(was), cfn.Text(is), capacityModesPage)}
}

func billingMode(r cfn.Resource) any {
	if v := r.Prop("BillingMode"); v != nil {
		return v
	}
	return "PROVISIONED"
}

// isOrMay reports whether v is value, or may be, as only deployment decides.
func isOrMay(v any, value string) bool { return cfn.IsIntrinsic(v) || cfn.Text(v) == value }

// switchesKey reports whether a table, or a one-replica projection of a
// global table, moves from the key was names to the key is names: both
// set, and not the same key of the template written two ways (its id and
// its ARN, or an alias of it).
func switchesKey(old, new *cfn.Template, o, n cfn.Resource, was, is any) bool {
	if was == nil || is == nil || equal(was, is) {
		return false
	}
	wasKeys, isKeys := check.TableKeys(old, o), check.TableKeys(new, n)
	return len(wasKeys) == 0 || !slices.Equal(wasKeys, isKeys)
}

// keySwitchNote says what moving a table, or a replica, from one key to
// another does: DynamoDB re-encrypts it in place, needs the old key until
// it is done, and on-demand backups stay under the old key; "When you
// transition to a new customer managed key, be sure to keep the original
// key enabled until the process is complete ... Any existing on-demand
// backups remain encrypted with the customer managed key that was used
// when those backups were created." (keySwitchPage). What becomes of the
// old key is the template's to say: oldKeys are the keys of the old
// template that encrypted it.
func keySwitchNote(old, new *cfn.Template, what string, was, is any, oldKeys []string, oldEncryption check.Encryption) string {
	note := fmt.Sprintf("KMSMasterKeyId %s → %s: DynamoDB re-encrypts %s under the new key in place, without downtime; the old key must stay enabled until %s's SSE description names the new key, and on-demand backups taken before stay encrypted under the old key, which restoring them needs (%s)",
		cfn.Text(was), cfn.Text(is), what, what, keySwitchPage)
	if len(oldKeys) == 0 {
		if oldEncryption == check.AWSManagedKey {
			return note
		}
		return note + ". The old key is not the template's: it stays as it is, and keeps billing while it exists"
	}
	var fates []string
	for _, id := range oldKeys {
		fates = append(fates, "the old key "+id+" "+keyFate(old, new, id))
	}
	return note + ". " + capitalize(strings.Join(fates, "; "))
}

// keyFate says what the update does with key id of the old template.
func keyFate(old, new *cfn.Template, id string) string {
	was, _ := old.Resource(id)
	if is, kept := new.Resource(id); kept && is.Type == was.Type {
		return "stays in the stack, and keeps billing, until the template removes it"
	}
	if retained(was) {
		return "leaves the stack but is retained (DeletionPolicy " + was.Policy("DeletionPolicy") + "): it stays, and keeps billing, outside the stack"
	}
	window := "30 days, the default"
	if v := was.Prop("PendingWindowInDays"); v != nil {
		window = cfn.Text(v) + " days"
	}
	return fmt.Sprintf("leaves the stack: CloudFormation schedules its deletion, after a waiting period of %s (PendingWindowInDays), as soon as the update completes; remove it in a later update instead, once the switch is complete", window)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// replicaNotes tells what a global table's replicas go through: a replica
// removed takes that Region's copy of the data with it (CloudFormation
// deletes the replica table; DeletionPolicy applies to the global table
// leaving the stack, not to a replica leaving it), and a replica moved to
// another key is re-encrypted in place. On the last point the sources
// differ: CloudFormation marks ReplicaSSESpecification KMSMasterKeyId
// "Update requires: No interruption" (replicaKeyPage), the registry
// schema makes no SSE path create-only, and DynamoDB's UpdateTable takes
// a replica's new key in ReplicaUpdates (its error to Terraform, in
// hashicorp/terraform-provider-aws#21726: "Customer Managed CMKs on Global
// Table Version 2019.11.21 replicas ... can only be updated through
// ReplicaUpdates parameter"); Terraform's aws_dynamodb_table re-creates
// the replica (terraformReplica), which is its provider's choice, not
// DynamoDB's. The review follows CloudFormation and DynamoDB: in place.
func replicaNotes(old, new *cfn.Template, o, n cfn.Resource) []string {
	var notes []string
	was, is := replicasByRegion(o), replicasByRegion(n)
	_, removed := setChanges(was, is)
	for _, region := range removed {
		notes = append(notes, fmt.Sprintf("replica %s removed: CloudFormation deletes the replica table in %s, and that Region's copy of the data with it; DeletionPolicy does not apply, as the global table stays in the stack", region, region))
	}
	for _, region := range unionKeys(was, is) {
		if was[region] == nil || is[region] == nil {
			continue
		}
		from, to := cfn.At(was[region], "SSESpecification", "KMSMasterKeyId"), cfn.At(is[region], "SSESpecification", "KMSMasterKeyId")
		replica := onlyReplica(o, was[region])
		if !switchesKey(old, new, replica, onlyReplica(n, is[region]), from, to) {
			continue
		}
		notes = append(notes, keySwitchNote(old, new, "replica "+region, from, to, check.TableKeys(old, replica), check.TableEncryption(old, replica))+
			fmt.Sprintf(". The replica is not re-created: CloudFormation changes its key with no interruption (%s), as DynamoDB's UpdateTable does; Terraform's aws_dynamodb_table re-creates it instead (%s)", replicaKeyPage, terraformReplica))
	}
	return notes
}

// onlyReplica is global table r with one replica, so that what check says
// of the table's keys it says of that replica's.
func onlyReplica(r cfn.Resource, replica any) cfn.Resource {
	properties := map[string]any{"Replicas": []any{replica}}
	if sse := r.Prop("SSESpecification"); sse != nil {
		properties["SSESpecification"] = sse
	}
	return cfn.Resource{ID: r.ID, Type: r.Type, Properties: properties, Entry: map[string]any{"Type": r.Type, "Properties": properties}}
}

// replicasRemoved reports whether a global table loses a replica, and so
// that Region's copy of its data.
func replicasRemoved(o, n cfn.Resource) bool {
	_, removed := setChanges(replicasByRegion(o), replicasByRegion(n))
	return len(removed) > 0
}
