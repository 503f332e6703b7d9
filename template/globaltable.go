package template

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
)

// globalStreamView is the stream a global table has when its table sets
// none: CloudFormation requires a StreamSpecification once a global table
// has more than one replica, and NEW_AND_OLD_IMAGES is the view DynamoDB
// itself turns on when a table becomes global (docs/global-tables.md).
const globalStreamView = "NEW_AND_OLD_IMAGES"

// globalTableResource is a replicated table: a version 2019.11.21 global
// table owned by the stack in the primary Region, with a replica there and
// in each of the table's replica Regions, each encrypted with the key of
// its own Region that keyArns names (a parameter of the stack). All
// replicas take the table's settings; the table is on demand.
func globalTableResource(t TableConfig, cfg Config, keyArns map[string]string) *dynamodb.GlobalTable {
	var definitions []dynamodb.GlobalTable_AttributeDefinition
	for _, d := range attributeDefinitions(t) {
		definitions = append(definitions, dynamodb.GlobalTable_AttributeDefinition{AttributeName: d.AttributeName, AttributeType: d.AttributeType})
	}
	stream := t.Stream
	if stream == "" {
		stream = globalStreamView
	}
	r := &dynamodb.GlobalTable{
		AttributeDefinitions:                 definitions,
		KeySchema:                            globalKeySchema(t.PartitionKey, t.SortKey),
		GlobalSecondaryIndexes:               globalTableIndexes(t),
		LocalSecondaryIndexes:                globalTableLocalIndexes(t),
		BillingMode:                          cloudformation.String(billingMode(nil)),
		SSESpecification:                     &dynamodb.GlobalTable_SSESpecification{SSEEnabled: true, SSEType: cloudformation.String("KMS")},
		StreamSpecification:                  &dynamodb.GlobalTable_StreamSpecification{StreamViewType: stream},
		AWSCloudFormationDeletionPolicy:      policies.DeletionPolicy(cfg.statefulPolicy()),
		AWSCloudFormationUpdateReplacePolicy: policies.UpdateReplacePolicy(cfg.statefulPolicy()),
	}
	if t.TTLAttribute != "" {
		r.TimeToLiveSpecification = &dynamodb.GlobalTable_TimeToLiveSpecification{AttributeName: cloudformation.String(t.TTLAttribute), Enabled: true}
	}
	for _, region := range append([]string{cfg.Region}, t.Replicas...) {
		r.Replicas = append(r.Replicas, replica(region, t, cfg, keyArns[region]))
	}
	return r
}

// replica is the table's replica in region, encrypted with keyArn.
func replica(region string, t TableConfig, cfg Config, keyArn string) dynamodb.GlobalTable_ReplicaSpecification {
	r := dynamodb.GlobalTable_ReplicaSpecification{
		Region:           region,
		SSESpecification: &dynamodb.GlobalTable_ReplicaSSESpecification{KMSMasterKeyId: keyArn},
		Tags:             resourceTags(cfg.Tags),
	}
	if t.PointInTimeRecovery {
		r.PointInTimeRecoverySpecification = &dynamodb.GlobalTable_PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: cloudformation.Bool(true)}
	}
	if t.DeletionProtection {
		r.DeletionProtectionEnabled = cloudformation.Bool(true)
	}
	if t.TableClass != "" {
		r.TableClass = cloudformation.String(t.TableClass)
	}
	return r
}

func globalKeySchema(partition Attribute, sort *Attribute) []dynamodb.GlobalTable_KeySchema {
	schema := []dynamodb.GlobalTable_KeySchema{{AttributeName: partition.Name, KeyType: "HASH"}}
	if sort != nil {
		schema = append(schema, dynamodb.GlobalTable_KeySchema{AttributeName: sort.Name, KeyType: "RANGE"})
	}
	return schema
}

func globalProjection(p Projection) *dynamodb.GlobalTable_Projection {
	return &dynamodb.GlobalTable_Projection{ProjectionType: cloudformation.String(p.Type), NonKeyAttributes: p.NonKeyAttributes}
}

func globalTableIndexes(t TableConfig) []dynamodb.GlobalTable_GlobalSecondaryIndex {
	var out []dynamodb.GlobalTable_GlobalSecondaryIndex
	for _, g := range t.GlobalIndexes {
		out = append(out, dynamodb.GlobalTable_GlobalSecondaryIndex{
			IndexName: g.Name, KeySchema: globalKeySchema(g.PartitionKey, g.SortKey), Projection: globalProjection(g.Projection),
		})
	}
	return out
}

func globalTableLocalIndexes(t TableConfig) []dynamodb.GlobalTable_LocalSecondaryIndex {
	var out []dynamodb.GlobalTable_LocalSecondaryIndex
	for _, l := range t.LocalIndexes {
		out = append(out, dynamodb.GlobalTable_LocalSecondaryIndex{
			IndexName: l.Name, KeySchema: globalKeySchema(t.PartitionKey, &l.SortKey), Projection: globalProjection(l.Projection),
		})
	}
	return out
}
