package template

import (
	"fmt"
	"maps"
	"slices"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/tags"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Deletion and replacement policies. Always explicit: reviewers (and
// cfn-lint I3011) should not have to know the defaults.
const (
	// Delete leaves nothing behind that keeps billing.
	Delete = "Delete"
	// Retain keeps a production table, and the key it cannot be read without.
	Retain = "Retain"
)

func (c Config) statefulPolicy() string {
	if c.retains() {
		return Retain
	}
	return Delete
}

// key is a customer managed key with its policy; encrypts says what it
// encrypts in its description.
func key(encrypts string, cfg Config, policy cfn.PolicyDocument) *kms.Key {
	return &kms.Key{
		Description:                          cloudformation.String("Encrypts " + encrypts + " at rest"),
		EnableKeyRotation:                    cloudformation.Bool(true),
		RotationPeriodInDays:                 cloudformation.Int(cfg.Key.RotationPeriodInDays),
		PendingWindowInDays:                  cloudformation.Int(cfg.Key.PendingWindowInDays),
		KeyPolicy:                            policy,
		Tags:                                 resourceTags(cfg.Tags),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(cfg.statefulPolicy()),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(cfg.statefulPolicy()),
	}
}

// alias names the key after the stack and what it encrypts, so a person
// finds it in the KMS console; the alias goes when the stack goes. stack
// names the stack the alias is named after when it is not the alias's own:
// a deployment's keys are named after its table stack in every Region.
func alias(keyID, stack, name string) *kms.Alias {
	aliasName := cloudformation.Sub("alias/${AWS::StackName}/" + name)
	if stack != "" {
		aliasName = "alias/" + stack + "/" + name
	}
	return &kms.Alias{AliasName: aliasName, TargetKeyId: cloudformation.Ref(keyID)}
}

// tableResource is the table: its keys and indexes, its capacity, its
// encryption with its key, and the resource policies of the table and its
// stream that let the grants' principals in.
func tableResource(id TableIDs, t TableConfig, cfg Config) cloudformation.Resource {
	schema := []dynamodb.Table_KeySchema{{AttributeName: t.PartitionKey.Name, KeyType: "HASH"}}
	if t.SortKey != nil {
		schema = append(schema, dynamodb.Table_KeySchema{AttributeName: t.SortKey.Name, KeyType: "RANGE"})
	}
	r := &dynamodb.Table{
		AttributeDefinitions:   attributeDefinitions(t),
		KeySchema:              schema,
		GlobalSecondaryIndexes: globalIndexes(t),
		LocalSecondaryIndexes:  localIndexes(t),
		BillingMode:            cloudformation.String(billingMode(t.Capacity)),
		ProvisionedThroughput:  initialThroughput(t.Capacity),
		SSESpecification: &dynamodb.Table_SSESpecification{
			SSEEnabled:     true,
			SSEType:        cloudformation.String("KMS"),
			KMSMasterKeyId: cloudformation.String(cloudformation.GetAtt(id.Key, "Arn")),
		},
		ResourcePolicy:                       tableResourcePolicy(t.Grants),
		Tags:                                 resourceTags(cfg.Tags),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(cfg.statefulPolicy()),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(cfg.statefulPolicy()),
	}
	if t.PointInTimeRecovery {
		r.PointInTimeRecoverySpecification = &dynamodb.Table_PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: cloudformation.Bool(true)}
	}
	if t.DeletionProtection {
		r.DeletionProtectionEnabled = cloudformation.Bool(true)
	}
	if t.TTLAttribute != "" {
		r.TimeToLiveSpecification = &dynamodb.Table_TimeToLiveSpecification{AttributeName: cloudformation.String(t.TTLAttribute), Enabled: true}
	}
	if t.Stream != "" {
		r.StreamSpecification = &dynamodb.Table_StreamSpecification{StreamViewType: t.Stream, ResourcePolicy: streamResourcePolicy(t.Grants)}
	}
	if t.TableClass != "" {
		r.TableClass = cloudformation.String(t.TableClass)
	}
	return withCeiling(r, t.Capacity)
}

// attributeUse is one place a key attribute is used: as the partition or
// sort key of the table or of one of its indexes.
type attributeUse struct {
	path      string // below the table: partitionKey, globalIndexes[0].sortKey
	attribute Attribute
	index     bool // a key of a secondary index, not of the table
	sort      bool
}

// attributeUses lists every place the table and its indexes use a key
// attribute, in the order the config names them.
func attributeUses(t TableConfig) []attributeUse {
	uses := []attributeUse{{"partitionKey", t.PartitionKey, false, false}}
	if t.SortKey != nil {
		uses = append(uses, attributeUse{"sortKey", *t.SortKey, false, true})
	}
	for i, g := range t.GlobalIndexes {
		uses = append(uses, attributeUse{fmt.Sprintf("globalIndexes[%d].partitionKey", i), g.PartitionKey, true, false})
		if g.SortKey != nil {
			uses = append(uses, attributeUse{fmt.Sprintf("globalIndexes[%d].sortKey", i), *g.SortKey, true, true})
		}
	}
	for i, l := range t.LocalIndexes {
		uses = append(uses, attributeUse{fmt.Sprintf("localIndexes[%d].sortKey", i), l.SortKey, true, true})
	}
	return uses
}

// attributeDefinitions are exactly the attributes some key uses:
// CloudFormation refuses a definition no key uses.
func attributeDefinitions(t TableConfig) []dynamodb.Table_AttributeDefinition {
	var out []dynamodb.Table_AttributeDefinition
	for _, use := range attributeUses(t) {
		a := use.attribute
		if !slices.ContainsFunc(out, func(d dynamodb.Table_AttributeDefinition) bool { return d.AttributeName == a.Name }) {
			out = append(out, dynamodb.Table_AttributeDefinition{AttributeName: a.Name, AttributeType: a.Type})
		}
	}
	return out
}

func globalIndexes(t TableConfig) []dynamodb.Table_GlobalSecondaryIndex {
	var out []dynamodb.Table_GlobalSecondaryIndex
	for _, g := range t.GlobalIndexes {
		schema := []dynamodb.Table_KeySchema{{AttributeName: g.PartitionKey.Name, KeyType: "HASH"}}
		if g.SortKey != nil {
			schema = append(schema, dynamodb.Table_KeySchema{AttributeName: g.SortKey.Name, KeyType: "RANGE"})
		}
		out = append(out, dynamodb.Table_GlobalSecondaryIndex{
			IndexName:             g.Name,
			KeySchema:             schema,
			Projection:            projection(g.Projection),
			ProvisionedThroughput: initialThroughput(t.Capacity),
		})
	}
	return out
}

func localIndexes(t TableConfig) []dynamodb.Table_LocalSecondaryIndex {
	var out []dynamodb.Table_LocalSecondaryIndex
	for _, l := range t.LocalIndexes {
		out = append(out, dynamodb.Table_LocalSecondaryIndex{
			IndexName: l.Name,
			KeySchema: []dynamodb.Table_KeySchema{
				{AttributeName: t.PartitionKey.Name, KeyType: "HASH"},
				{AttributeName: l.SortKey.Name, KeyType: "RANGE"},
			},
			Projection: projection(l.Projection),
		})
	}
	return out
}

func projection(p Projection) *dynamodb.Table_Projection {
	return &dynamodb.Table_Projection{ProjectionType: cloudformation.String(p.Type), NonKeyAttributes: p.NonKeyAttributes}
}

// resourceTags turns the config's tags into CloudFormation's tag list,
// sorted by key so the template is the same every time.
func resourceTags(m map[string]string) []tags.Tag {
	var out []tags.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, tags.Tag{Key: k, Value: m[k]})
	}
	return out
}
