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
	if r.Type == "AWS::DynamoDB::Table" || r.Type == "AWS::DynamoDB::GlobalTable" {
		for _, path := range settingPaths(r, []string{"SSESpecification", "KMSMasterKeyId"}) {
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
	index := k.path[2] // Properties, Replicas, i, SSESpecification, KMSMasterKeyId
	i, _ := strconv.Atoi(index)
	return fmt.Sprintf("replica %d (%s): ", i+1, cfn.Text(cfn.At(e.table.Entry, "Properties", "Replicas", index, "Region")))
}

// keyKind is what a KMSMasterKeyId names.
type keyKind int

const (
	noKey            keyKind = iota
	awsManaged               // aws/dynamodb, however written, or a parameter defaulting to it
	stackKey                 // a key (or an alias of a key) of the template
	unprovenKey              // a parameter, an import, a nested stack's output: it cannot be proven customer managed
	otherCustomerKey         // a key ARN or id outside the template
)

// classify tells what a KMSMasterKeyId names, and, for a key the template
// does not make, where it comes from.
func classify(t *cfn.Template, v any) (keyKind, string) {
	if v == nil {
		return noKey, ""
	}
	if _, isKey := keyOfTable(t, v); isKey {
		return stackKey, ""
	}
	if id, ok := cfn.RefTarget(v); ok {
		if def, isParameter := cfn.At(t.Section("Parameters"), id, "Default").(string); isParameter && isAWSManagedKey(def) {
			return awsManaged, id
		}
		if _, isResource := t.Resource(id); isResource {
			// A nested stack's output, a custom resource's attribute: what
			// they give is not known from this template.
			return unprovenKey, cfn.Text(v)
		}
		return unprovenKey, id
	}
	text := cfn.Text(v)
	switch {
	case isAWSManagedKey(text):
		return awsManaged, ""
	case cfn.IsIntrinsic(v), cfn.HasDynamicReference(text):
		return unprovenKey, text
	}
	return otherCustomerKey, text
}

// isAWSManagedKey reports whether a key id names DynamoDB's AWS managed key,
// as alias/aws/dynamodb or its ARN in any partition and region.
func isAWSManagedKey(id string) bool {
	return strings.HasSuffix(strings.ToLower(id), "alias/aws/dynamodb")
}

// replicaKey is a replica of a multi-Region key: a key of the stack, with
// its own key policy, whose rotation is its primary key's.
const replicaKey = "AWS::KMS::ReplicaKey"

// keyTypes are the resources that make a KMS key.
var keyTypes = []string{"AWS::KMS::Key", replicaKey}

// keyOfTable finds the key of the template that a KMSMasterKeyId names
// with Ref or Fn::GetAtt, following an alias.
func keyOfTable(t *cfn.Template, v any) (cfn.Resource, bool) {
	id, ok := cfn.RefTarget(v)
	if !ok {
		return cfn.Resource{}, false
	}
	return KeyOf(t, id)
}

// KeyOf finds the key of template t that resource id is, or that it is an
// alias of.
func KeyOf(t *cfn.Template, id string) (cfn.Resource, bool) {
	r, ok := t.Resource(id)
	if ok && r.Type == "AWS::KMS::Alias" {
		if id, ok = cfn.RefTarget(r.Prop("TargetKeyId")); ok {
			r, ok = t.Resource(id)
		}
	}
	if !ok || !slices.Contains(keyTypes, r.Type) {
		return cfn.Resource{}, false
	}
	return r, true
}

// tableKeysOf lists, for each table of the template, the keys of the template
// that encrypt it.
func tableKeysOf(t *cfn.Template) []tableKeyPair {
	var out []tableKeyPair
	for _, r := range t.Resources(tableTypes...) {
		for _, k := range encryptionOf(r).keys {
			if key, ok := keyOfTable(t, k.value); ok {
				out = append(out, tableKeyPair{r, key})
			}
		}
	}
	return out
}

// tableKeyPair is a table and a key of the template that encrypts it.
type tableKeyPair struct{ table, key cfn.Resource }

// Encryption is who holds the key that encrypts a table, weakest first.
type Encryption int

// The keys a table may be encrypted with.
const (
	NotATable Encryption = iota
	AWSOwnedKey
	AWSManagedKey
	// KeyFromDeployment is a key given by a parameter, an import or
	// another stack: the template cannot prove it customer managed.
	KeyFromDeployment
	// KeyOutsideTemplate is a key named by its ARN or id: whoever holds
	// it, its key policy is not the template's to review.
	KeyOutsideTemplate
	// CustomerManagedKey is a key the template makes, key policy and all.
	CustomerManagedKey
)

// String names the key as findings and reviews do.
func (e Encryption) String() string {
	return [...]string{"", "an AWS owned key", "the AWS managed key aws/dynamodb", "a key given at deployment",
		"a key outside the template", "a customer managed key of the template"}[e]
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
	case len(e.keys) == 0:
		return AWSManagedKey
	}
	weakest := CustomerManagedKey
	for _, k := range e.keys {
		switch kind, _ := classify(t, k.value); kind {
		case noKey, awsManaged:
			weakest = min(weakest, AWSManagedKey)
		case unprovenKey:
			weakest = min(weakest, KeyFromDeployment)
		case otherCustomerKey:
			weakest = min(weakest, KeyOutsideTemplate)
		}
	}
	return weakest
}

// TableKeys gives the keys of the template that encrypt a table, by
// logical id (an alias followed to its key): one, or one per replica of a
// global table; none for a key the template does not make.
func TableKeys(t *cfn.Template, r cfn.Resource) []string {
	var out []string
	for _, k := range encryptionOf(r).keys {
		if key, ok := keyOfTable(t, k.value); ok {
			out = append(out, key.ID)
		}
	}
	return out
}
