package diff

import (
	"fmt"
	"strconv"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

// weakenings tells how a resource present in both templates gets weaker:
// Retain given up, key rotation off or slower, point-in-time recovery or
// deletion protection off (on a table or a global table's replica), SSE
// moved off a customer managed key. A value known only at deployment, such
// as !If, that may be the weaker one counts: the reviewer cannot rule it out.
func weakenings(old, new *cfn.Template, o, n cfn.Resource) []Weakening {
	var out []Weakening
	weaker := func(format string, args ...any) {
		out = append(out, Weakening{n.ID, fmt.Sprintf(format, args...)})
	}
	typ := cfn.DeployedType(n.Type)
	for _, attribute := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
		wasKeeps, wasKnown, was := keepsData(o, attribute, typ)
		isKeeps, isKnown, is := keepsData(n, attribute, typ)
		switch {
		case was == is || isKeeps:
		case wasKeeps && isKnown:
			weaker("%s %s → %s: the data is no longer kept", attribute, was, is)
		case wasKeeps || !wasKnown:
			weaker("%s %s → %s: the data may no longer be kept, as only deployment decides", attribute, was, is)
		}
	}
	turnedOff := func(what string, was, is any) {
		switch {
		case equal(was, is) || cfn.IsTrue(is) || !(cfn.IsTrue(was) || cfn.IsIntrinsic(was)):
		case cfn.IsTrue(was) && !cfn.IsIntrinsic(is):
			weaker("%s turned off", what)
		default:
			weaker("%s may be turned off: %s → %s, as only deployment decides", what, cfn.Text(was), cfn.Text(is))
		}
	}
	switch n.Type {
	case "AWS::KMS::Key":
		turnedOff("key rotation", o.Prop("EnableKeyRotation"), n.Prop("EnableKeyRotation"))
		if was, is := rotationPeriod(o), rotationPeriod(n); was != is && (is == "" || was == "" || atoi(is) > atoi(was)) {
			weaker("key rotation period %s → %s days: keys rotate less often", orUnknown(was, o.Prop("RotationPeriodInDays")), orUnknown(is, n.Prop("RotationPeriodInDays")))
		}
		if enabled := n.Prop("Enabled"); enabled != nil && !cfn.IsTrue(enabled) && (o.Prop("Enabled") == nil || cfn.IsTrue(o.Prop("Enabled"))) {
			weaker("the key is disabled: the tables it encrypts become inaccessible")
		}
	case "AWS::DynamoDB::Table":
		turnedOff("point-in-time recovery", o.Prop("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"), n.Prop("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
		turnedOff("deletion protection", o.Prop("DeletionProtectionEnabled"), n.Prop("DeletionProtectionEnabled"))
	case "AWS::DynamoDB::GlobalTable":
		was, is := replicasByRegion(o), replicasByRegion(n)
		for _, region := range unionKeys(was, is) {
			if was[region] == nil || is[region] == nil {
				continue // a replica added or removed is a change of its own
			}
			turnedOff("point-in-time recovery of replica "+region, cfn.At(was[region], "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"), cfn.At(is[region], "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
			turnedOff("deletion protection of replica "+region, cfn.At(was[region], "DeletionProtectionEnabled"), cfn.At(is[region], "DeletionProtectionEnabled"))
		}
	}
	if was, is := check.TableEncryption(old, o), check.TableEncryption(new, n); is < was {
		weaker("SSE moved from %s to %s", was, is)
	}
	return out
}

// keepsData reports whether a resource's DeletionPolicy or
// UpdateReplacePolicy keeps its data, whether that is known before
// deployment (it is not when the policy is an intrinsic), and the policy
// as the review shows it.
func keepsData(r cfn.Resource, attribute, typ string) (kept, known bool, text string) {
	if v, written := r.Entry[attribute]; written && cfn.IsIntrinsic(v) {
		return false, false, cfn.Text(v)
	}
	policy := updateReplacePolicy(r)
	if attribute == "DeletionPolicy" {
		policy = deletionPolicy(r)
	}
	return keeps(policy, typ), true, policy
}

// rotationPeriod is a key's rotation period in days as written, KMS's
// default where it sets none, or "" where only deployment knows it.
func rotationPeriod(r cfn.Resource) string {
	v := r.Prop("RotationPeriodInDays")
	if v == nil {
		return strconv.Itoa(contract.DefaultRotationPeriodDays)
	}
	if _, err := strconv.Atoi(cfn.Text(v)); err != nil {
		return ""
	}
	return cfn.Text(v)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func orUnknown(period string, written any) string {
	if period == "" {
		return cfn.Text(written) + " (known only at deployment)"
	}
	return period
}

// replicasByRegion gives a global table's replicas by region.
func replicasByRegion(r cfn.Resource) map[string]any {
	out := map[string]any{}
	for _, replica := range cfn.List(r.Prop("Replicas")) {
		out[cfn.Text(cfn.At(replica, "Region"))] = replica
	}
	return out
}
