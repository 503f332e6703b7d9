package diff

import (
	"fmt"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
)

// weakenings tells how a resource present in both templates gets weaker:
// Retain given up, key rotation off, point-in-time recovery or deletion
// protection off, SSE moved off a customer managed key.
func weakenings(old, new *cfn.Template, o, n cfn.Resource) []Weakening {
	var out []Weakening
	weaker := func(format string, args ...any) {
		out = append(out, Weakening{n.ID, fmt.Sprintf(format, args...)})
	}
	typ := judgedType(n.Type)
	for _, attribute := range []struct {
		name   string
		policy func(cfn.Resource) string
	}{{"DeletionPolicy", deletionPolicy}, {"UpdateReplacePolicy", updateReplacePolicy}} {
		if was, is := attribute.policy(o), attribute.policy(n); keeps(was, typ) && !keeps(is, typ) {
			weaker("%s %s → %s: the data is no longer kept", attribute.name, was, is)
		}
	}
	turnedOff := func(what string, path ...string) {
		if cfn.IsTrue(o.Prop(path...)) && !cfn.IsTrue(n.Prop(path...)) {
			weaker("%s turned off", what)
		}
	}
	switch n.Type {
	case "AWS::KMS::Key":
		turnedOff("key rotation", "EnableKeyRotation")
		if enabled := n.Prop("Enabled"); enabled != nil && !cfn.IsTrue(enabled) && (o.Prop("Enabled") == nil || cfn.IsTrue(o.Prop("Enabled"))) {
			weaker("the key is disabled: the tables it encrypts become inaccessible")
		}
	case "AWS::DynamoDB::Table":
		turnedOff("point-in-time recovery", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")
		turnedOff("deletion protection", "DeletionProtectionEnabled")
	}
	if was, is := check.TableEncryption(old, o), check.TableEncryption(new, n); is < was {
		weaker("SSE moved from %s to %s", was, is)
	}
	return out
}
