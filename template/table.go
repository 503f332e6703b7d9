package template

import (
	"maps"
	"slices"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/tags"
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

func key(id TableIDs, cfg Config) *kms.Key {
	return &kms.Key{
		Description:                          cloudformation.String("Encrypts " + id.Table + " at rest"),
		EnableKeyRotation:                    cloudformation.Bool(true),
		RotationPeriodInDays:                 cloudformation.Int(cfg.Key.RotationPeriodInDays),
		PendingWindowInDays:                  cloudformation.Int(cfg.Key.PendingWindowInDays),
		KeyPolicy:                            keyPolicy(id, cfg.Key),
		Tags:                                 resourceTags(cfg.Tags),
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(cfg.statefulPolicy()),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(cfg.statefulPolicy()),
	}
}

// alias names the key after the stack and the table, so a person finds it in
// the KMS console; the alias goes when the stack goes.
func alias(id TableIDs) *kms.Alias {
	return &kms.Alias{
		AliasName:   cloudformation.Sub("alias/${AWS::StackName}/" + id.Table),
		TargetKeyId: cloudformation.Ref(id.Key),
	}
}

func tableResource(id TableIDs, t TableConfig, cfg Config) *dynamodb.Table {
	attributes := []dynamodb.Table_AttributeDefinition{{AttributeName: t.PartitionKey.Name, AttributeType: t.PartitionKey.Type}}
	schema := []dynamodb.Table_KeySchema{{AttributeName: t.PartitionKey.Name, KeyType: "HASH"}}
	if t.SortKey != nil {
		attributes = append(attributes, dynamodb.Table_AttributeDefinition{AttributeName: t.SortKey.Name, AttributeType: t.SortKey.Type})
		schema = append(schema, dynamodb.Table_KeySchema{AttributeName: t.SortKey.Name, KeyType: "RANGE"})
	}
	r := &dynamodb.Table{
		AttributeDefinitions: attributes,
		KeySchema:            schema,
		BillingMode:          cloudformation.String("PAY_PER_REQUEST"),
		SSESpecification: &dynamodb.Table_SSESpecification{
			SSEEnabled:     true,
			SSEType:        cloudformation.String("KMS"),
			KMSMasterKeyId: cloudformation.String(cloudformation.GetAtt(id.Key, "Arn")),
		},
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
		r.StreamSpecification = &dynamodb.Table_StreamSpecification{StreamViewType: t.Stream}
	}
	if t.TableClass != "" {
		r.TableClass = cloudformation.String(t.TableClass)
	}
	return r
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
