package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// tableTypes are the resources that create a DynamoDB table.
var tableTypes = []string{"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable"}

// encryption is how one table is encrypted: whether SSE is on, its type, and
// each key that encrypts it with where it is given. A table has one key; a
// global table one per replica.
type encryption struct {
	table   cfn.Resource
	enabled bool
	sseType any
	// ssePath leads to the SSESpecification, enabledPath to SSEEnabled.
	ssePath, enabledPath []string
	keys                 []tableKey
}

// tableKey is a KMSMasterKeyId of a table, and where it is.
type tableKey struct {
	value any // nil when it is not set
	path  []string
}

func encryptionOf(r cfn.Resource) encryption {
	e := encryption{table: r, ssePath: []string{"Properties", "SSESpecification"}}
	e.enabledPath = append(slices.Clone(e.ssePath), "SSEEnabled")
	e.enabled = cfn.IsTrue(cfn.At(r.Entry, e.enabledPath...))
	e.sseType = r.Prop("SSESpecification", "SSEType")
	switch r.Type {
	case "AWS::DynamoDB::Table":
		path := append(slices.Clone(e.ssePath), "KMSMasterKeyId")
		e.keys = []tableKey{{cfn.At(r.Entry, path...), path}}
	case "AWS::DynamoDB::GlobalTable":
		replicas, _ := r.Prop("Replicas").([]any)
		for i := range replicas {
			path := []string{"Properties", "Replicas", strconv.Itoa(i), "SSESpecification", "KMSMasterKeyId"}
			e.keys = append(e.keys, tableKey{cfn.At(r.Entry, path...), path})
		}
	}
	return e
}

// keyPath is where a finding about a key points: the key, or, where it is
// missing, the nearest part of the table that is there.
func (e encryption) keyPath(k tableKey) []string { return pointable(e.table, k.path) }

// where names a key's place in messages: "" for a table's one key, "replica
// 2 (us-east-1): " for a global table's.
func (e encryption) where(k tableKey) string {
	if e.table.Type != "AWS::DynamoDB::GlobalTable" {
		return ""
	}
	replica := k.path[:4] // Properties, Replicas, i, SSESpecification
	i, _ := strconv.Atoi(replica[2])
	return fmt.Sprintf("replica %d (%s): ", i+1, cfn.Text(cfn.At(e.table.Entry, append(replica[:3], "Region")...)))
}

// keyKind is what a KMSMasterKeyId names.
type keyKind int

const (
	noKey            keyKind = iota
	awsManaged               // aws/dynamodb, however written, or a parameter defaulting to it
	stackKey                 // a key (or an alias of a key) of the template
	parameterKey             // a parameter or an import: it cannot be proven customer managed
	otherCustomerKey         // a key ARN or id outside the template
)

// classify tells what a KMSMasterKeyId names, and, for a parameter, which.
func classify(t *cfn.Template, v any) (keyKind, string) {
	if v == nil {
		return noKey, ""
	}
	if id, ok := cfn.RefTarget(v); ok {
		if _, isResource := t.Resource(id); isResource {
			return stackKey, id
		}
		if def, isParameter := cfn.At(t.Section("Parameters"), id, "Default").(string); isParameter && isAWSManagedKey(def) {
			return awsManaged, id
		}
		return parameterKey, id
	}
	text := cfn.Text(v)
	switch {
	case isAWSManagedKey(text):
		return awsManaged, ""
	case isIntrinsic(v):
		return parameterKey, text
	}
	return otherCustomerKey, text
}

// isAWSManagedKey reports whether a key id names DynamoDB's AWS managed key,
// as alias/aws/dynamodb or its ARN in any partition and region.
func isAWSManagedKey(id string) bool {
	return strings.HasSuffix(strings.ToLower(id), "alias/aws/dynamodb")
}

func isIntrinsic(v any) bool {
	_, _, ok := cfn.Intrinsic(v)
	return ok
}

// keyOfTable finds the AWS::KMS::Key of the template that a KMSMasterKeyId
// names, following an alias.
func keyOfTable(t *cfn.Template, v any) (cfn.Resource, bool) {
	id, ok := cfn.RefTarget(v)
	if !ok {
		return cfn.Resource{}, false
	}
	r, ok := t.Resource(id)
	if ok && r.Type == "AWS::KMS::Alias" {
		if id, ok = cfn.RefTarget(r.Prop("TargetKeyId")); ok {
			r, ok = t.Resource(id)
		}
	}
	if !ok || r.Type != "AWS::KMS::Key" {
		return cfn.Resource{}, false
	}
	return r, true
}

// tableKeys lists, for each table of the template, the keys of the template
// that encrypt it.
func tableKeys(t *cfn.Template) []struct{ table, key cfn.Resource } {
	var out []struct{ table, key cfn.Resource }
	for _, r := range t.Resources(tableTypes...) {
		for _, k := range encryptionOf(r).keys {
			if key, ok := keyOfTable(t, k.value); ok {
				out = append(out, struct{ table, key cfn.Resource }{r, key})
			}
		}
	}
	return out
}

// Encryption is who holds the key that encrypts a table, weakest first.
type Encryption int

// The keys a table may be encrypted with.
const (
	NotATable Encryption = iota
	AWSOwnedKey
	AWSManagedKey
	// KeyFromDeployment is a key given by a parameter or an import: the
	// template cannot prove it customer managed.
	KeyFromDeployment
	CustomerManagedKey
)

// String names the key as findings and reviews do.
func (e Encryption) String() string {
	return [...]string{"", "an AWS owned key", "the AWS managed key aws/dynamodb", "a key given at deployment", "a customer managed key"}[e]
}

// TableEncryption says which key encrypts a table of t, as SSE001, SSE002
// and SSE004 judge it: for a global table, the weakest of its replicas'.
func TableEncryption(t *cfn.Template, r cfn.Resource) Encryption {
	if !slices.Contains(tableTypes, r.Type) {
		return NotATable
	}
	e := encryptionOf(r)
	switch {
	case !e.enabled:
		return AWSOwnedKey
	case r.Type == "AWS::Serverless::SimpleTable" || len(e.keys) == 0:
		return AWSManagedKey
	}
	weakest := CustomerManagedKey
	for _, k := range e.keys {
		switch kind, _ := classify(t, k.value); kind {
		case noKey, awsManaged:
			weakest = min(weakest, AWSManagedKey)
		case parameterKey:
			weakest = min(weakest, KeyFromDeployment)
		}
	}
	return weakest
}
