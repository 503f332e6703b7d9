package diff

import (
	"fmt"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// weakenings tells how a resource present in both templates gets weaker:
// Retain given up, key rotation off, point-in-time recovery or deletion
// protection off, SSE moved off a customer managed key.
func weakenings(o, n cfn.Resource) []Weakening {
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
	case "AWS::DynamoDB::Table":
		turnedOff("point-in-time recovery", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")
		turnedOff("deletion protection", "DeletionProtectionEnabled")
	}
	if was, is := tableEncryption(o), tableEncryption(n); is < was {
		weaker("SSE moved from %s to %s", was, is)
	}
	return out
}

// encryption is who holds the key that encrypts a table, weakest first.
type encryption int

const (
	notATable encryption = iota
	awsOwnedKey
	awsManagedKey
	customerManagedKey
)

func (e encryption) String() string {
	return [...]string{"", "an AWS owned key", "the AWS managed key aws/dynamodb", "a customer managed key"}[e]
}

// tableEncryption says which key encrypts a DynamoDB table, a global table
// (every replica needs a key of its own) or a SAM simple table (on or off).
func tableEncryption(r cfn.Resource) encryption {
	sse := func(path ...string) any { return r.Prop(append([]string{"SSESpecification"}, path...)...) }
	managed := func(key any) bool { return key == nil || strings.Contains(cfn.Text(key), "alias/aws/dynamodb") }
	switch r.Type {
	case "AWS::DynamoDB::Table":
		if !cfn.IsTrue(sse("SSEEnabled")) {
			return awsOwnedKey
		}
		if managed(sse("KMSMasterKeyId")) {
			return awsManagedKey
		}
		return customerManagedKey
	case "AWS::DynamoDB::GlobalTable":
		if !cfn.IsTrue(sse("SSEEnabled")) {
			return awsOwnedKey
		}
		replicas, _ := r.Prop("Replicas").([]any)
		for _, replica := range replicas {
			if managed(cfn.At(replica, "SSESpecification", "KMSMasterKeyId")) {
				return awsManagedKey
			}
		}
		return customerManagedKey
	case "AWS::Serverless::SimpleTable":
		if cfn.IsTrue(sse("SSEEnabled")) {
			return awsManagedKey
		}
		return awsOwnedKey
	}
	return notATable
}
