package template

import (
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/kms"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

func twoTables() Config {
	cfg := DefaultConfig()
	cfg.Tables = []TableConfig{
		{Name: "Orders", PartitionKey: Attribute{Name: "orderId", Type: "S"}},
		{Name: "Customers", PartitionKey: Attribute{Name: "customerId", Type: "N"}},
	}
	return cfg
}

func build(t *testing.T, cfg Config) *Stack {
	t.Helper()
	s, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEachTableGetsItsOwnKeyAndWriter(t *testing.T) {
	s := build(t, twoTables())
	if got := len(s.Template.Resources); got != 2*ResourcesPerTable {
		t.Fatalf("%d resources, want %d", got, 2*ResourcesPerTable)
	}
	for _, want := range []struct{ key, role, policy, table string }{
		{"OrdersTableKmsKey", "OrdersWriteFunctionRole", "OrdersWriteFunctionPolicy", "OrdersTable"},
		{"CustomersTableKmsKey", "CustomersWriteFunctionRole", "CustomersWriteFunctionPolicy", "CustomersTable"},
	} {
		key := s.Template.Resources[want.key].(*kms.Key)
		assertRendersAs(t, key.KeyPolicy.(cfn.PolicyDocument).Statement[1].Principal, `{"AWS": {"Fn::GetAtt": ["`+want.role+`", "Arn"]}}`)
		policy := s.Template.Resources[want.policy].(*iam.Policy)
		assertRendersAs(t, policy.PolicyDocument.(cfn.PolicyDocument).Statement[0].Resource, `{"Fn::GetAtt": ["`+want.table+`", "Arn"]}`)
		table := s.Template.Resources[want.table].(*dynamodb.Table)
		assertRendersAs(t, table.SSESpecification.KMSMasterKeyId, `{"Fn::GetAtt": ["`+want.key+`", "Arn"]}`)
	}
}

func TestTheWriterIsToldItsTablesKeyAttributes(t *testing.T) {
	cfg := twoTables()
	cfg.Tables[1].SortKey = &Attribute{Name: "since", Type: "N"}
	s := build(t, cfg)
	orders, _ := s.Template.GetServerlessFunctionWithName("OrdersWriteFunction")
	customers, _ := s.Template.GetServerlessFunctionWithName("CustomersWriteFunction")
	assertRendersAs(t, orders.Environment.Variables, `{"TABLE_NAME": {"Ref": "OrdersTable"}, "PARTITION_KEY": "orderId", "PARTITION_KEY_TYPE": "S"}`)
	assertRendersAs(t, customers.Environment.Variables, `{"TABLE_NAME": {"Ref": "CustomersTable"}, "PARTITION_KEY": "customerId", "PARTITION_KEY_TYPE": "N", "SORT_KEY": "since", "SORT_KEY_TYPE": "N"}`)
}

func TestTableOptions(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tables[0] = TableConfig{
		Name: "Events", PartitionKey: Attribute{Name: "id", Type: "S"}, SortKey: &Attribute{Name: "at", Type: "N"},
		PointInTimeRecovery: true, DeletionProtection: true, TTLAttribute: "expiresAt",
		Stream: "NEW_AND_OLD_IMAGES", TableClass: "STANDARD_INFREQUENT_ACCESS",
	}
	table, err := build(t, cfg).Template.GetDynamoDBTableWithName("EventsTable")
	if err != nil {
		t.Fatal(err)
	}
	table.SSESpecification = nil
	assertRendersAs(t, table, `{
		"Type": "AWS::DynamoDB::Table",
		"DeletionPolicy": "Delete",
		"UpdateReplacePolicy": "Delete",
		"Properties": {
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "at", "AttributeType": "N"}],
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
			"BillingMode": "PAY_PER_REQUEST",
			"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true},
			"DeletionProtectionEnabled": true,
			"TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": true},
			"StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
			"TableClass": "STANDARD_INFREQUENT_ACCESS"
		}
	}`)
}

func TestProductionNeverLosesATable(t *testing.T) {
	s := build(t, ProductionConfig())
	table, _ := s.Template.GetDynamoDBTableWithName(defaultIDs.Table)
	key, _ := s.Template.GetKMSKeyWithName(defaultIDs.Key)
	for name, policies := range map[string][2]string{
		"table": {string(table.AWSCloudFormationDeletionPolicy), string(table.AWSCloudFormationUpdateReplacePolicy)},
		"key":   {string(key.AWSCloudFormationDeletionPolicy), string(key.AWSCloudFormationUpdateReplacePolicy)},
	} {
		if policies != [2]string{Retain, Retain} {
			t.Errorf("%s: DeletionPolicy/UpdateReplacePolicy %v, want Retain/Retain", name, policies)
		}
	}
	if table.DeletionProtectionEnabled == nil || !*table.DeletionProtectionEnabled {
		t.Error("deletion protection is off")
	}
	if table.PointInTimeRecoverySpecification == nil || !*table.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled {
		t.Error("point-in-time recovery is off")
	}
	last := key.KeyPolicy.(cfn.PolicyDocument).Statement
	if last[len(last)-1].Sid != "DenyGrantsNotForAWSResources" {
		t.Error("the key policy does not limit grants to AWS resources")
	}
	group, _ := s.Template.GetLogsLogGroupWithName(defaultIDs.LogGroup)
	if *group.RetentionInDays != 365 {
		t.Errorf("logs kept %d days, want 365", *group.RetentionInDays)
	}
}

// A table whose key is deleted becomes inaccessible, then archived.
func TestTheKeyIsRetainedWheneverItsTableIs(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(), ProductionConfig(), twoTables()} {
		s := build(t, cfg)
		for _, table := range cfg.Tables {
			id := tableIDs(table, cfg.Key.Scope)
			tbl := s.Template.Resources[id.Table].(*dynamodb.Table)
			key := s.Template.Resources[id.Key].(*kms.Key)
			if tbl.AWSCloudFormationDeletionPolicy == Retain && key.AWSCloudFormationDeletionPolicy != Retain ||
				tbl.AWSCloudFormationUpdateReplacePolicy == Retain && key.AWSCloudFormationUpdateReplacePolicy != Retain {
				t.Errorf("%s %s: table retained, key not", cfg.Profile, table.Name)
			}
		}
	}
}

func TestTagsGoOnEveryResourceThatTakesThem(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tags = map[string]string{"team": "payments", "cost-center": "42"}
	s := build(t, cfg)
	out, err := s.Template.JSON()
	if err != nil {
		t.Fatal(err)
	}
	tagged := strings.Count(string(out), `"Key": "cost-center"`)
	// Key, table, role and log group take a tag list; the function a map.
	if tagged != 4 || strings.Count(string(out), `"cost-center": "42"`) != 1 {
		t.Errorf("tags on %d resources with a tag list, want 4:\n%s", tagged, out)
	}
	if strings.Index(string(out), `"Key": "cost-center"`) > strings.Index(string(out), `"Key": "team"`) {
		t.Error("tags are not sorted by key")
	}
}

// indexedOrders has a sort key, a global and a local index, and a stream.
func indexedOrders() Config {
	cfg := DefaultConfig()
	cfg.Tables[0] = TableConfig{
		Name: "Orders", PartitionKey: Attribute{"customerId", "S"}, SortKey: &Attribute{"orderId", "S"}, Stream: "NEW_IMAGE",
		GlobalIndexes: []GlobalIndex{
			{Name: "ByStatus", PartitionKey: Attribute{"status", "S"}, SortKey: &Attribute{"createdAt", "N"},
				Projection: Projection{Type: ProjectInclude, NonKeyAttributes: []string{"total"}}},
			{Name: "ByOrder", PartitionKey: Attribute{"orderId", "S"}, Projection: Projection{Type: ProjectKeysOnly}},
		},
		LocalIndexes: []LocalIndex{{Name: "ByCreated", SortKey: Attribute{"createdAt", "N"}, Projection: Projection{Type: ProjectAll}}},
	}
	return cfg
}

func TestIndexesAreWrittenWithTheirKeysAndProjections(t *testing.T) {
	table, err := build(t, indexedOrders()).Template.GetDynamoDBTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, []any{table.GlobalSecondaryIndexes, table.LocalSecondaryIndexes}, `[[
		{"IndexName": "ByStatus",
			"KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}, {"AttributeName": "createdAt", "KeyType": "RANGE"}],
			"Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}},
		{"IndexName": "ByOrder", "KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}
	], [
		{"IndexName": "ByCreated",
			"KeySchema": [{"AttributeName": "customerId", "KeyType": "HASH"}, {"AttributeName": "createdAt", "KeyType": "RANGE"}],
			"Projection": {"ProjectionType": "ALL"}}
	]]`)
}

// CloudFormation refuses a definition no key uses, and one attribute defined twice.
func TestAttributeDefinitionsHoldEveryKeyAttributeOnce(t *testing.T) {
	table, err := build(t, indexedOrders()).Template.GetDynamoDBTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, table.AttributeDefinitions, `[
		{"AttributeName": "customerId", "AttributeType": "S"}, {"AttributeName": "orderId", "AttributeType": "S"},
		{"AttributeName": "status", "AttributeType": "S"}, {"AttributeName": "createdAt", "AttributeType": "N"}
	]`)
}

func TestTheWriterIsToldTheIndexKeysThatAreNotTheTables(t *testing.T) {
	fn, err := build(t, indexedOrders()).Template.GetServerlessFunctionWithName("OrdersWriteFunction")
	if err != nil {
		t.Fatal(err)
	}
	vars := fn.Environment.Variables
	if vars["INDEX_PARTITION_KEYS"] != `{"status":"S"}` || vars["INDEX_SORT_KEYS"] != `{"createdAt":"N"}` {
		t.Errorf("index keys %q and %q", vars["INDEX_PARTITION_KEYS"], vars["INDEX_SORT_KEYS"])
	}
}

func TestATableWithoutAWriterHasNoWriterResourcesOrOutputs(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tables[0].NoWriter = true
	s := build(t, cfg)
	want := []string{"DynamoDbTableKmsKey", "DynamoDbTableKmsKeyAlias", "DynamoDbTable"}
	if !slices.Equal(s.ResourceOrder, want) || len(s.Template.Resources) != len(want) {
		t.Errorf("resources %v, want %v", s.ResourceOrder, want)
	}
	if !slices.Equal(s.OutputOrder, []string{"DynamoDbTableName", "DynamoDbTableArn", "DynamoDbKeyArn", "DynamoDbKeyAlias"}) {
		t.Errorf("outputs %v", s.OutputOrder)
	}
	if s.Template.Description != "DynamoDB table encrypted at rest with a customer managed KMS key" {
		t.Errorf("description %q", s.Template.Description)
	}
}

func TestTheStacksTablesShareOneKey(t *testing.T) {
	cfg := twoTables()
	cfg.Key.Scope = KeyScopeStack
	s := build(t, cfg)
	want := []string{"StackKmsKey", "StackKmsKeyAlias",
		"OrdersTable", "OrdersWriteFunctionRole", "OrdersWriteFunctionPolicy", "OrdersWriteFunction", "OrdersWriteFunctionLogGroup",
		"CustomersTable", "CustomersWriteFunctionRole", "CustomersWriteFunctionPolicy", "CustomersWriteFunction", "CustomersWriteFunctionLogGroup"}
	if !slices.Equal(s.ResourceOrder, want) || len(s.Template.Resources) != len(want) {
		t.Errorf("resources %v, want %v", s.ResourceOrder, want)
	}
	for _, table := range []string{"OrdersTable", "CustomersTable"} {
		assertRendersAs(t, s.Template.Resources[table].(*dynamodb.Table).SSESpecification.KMSMasterKeyId, `{"Fn::GetAtt": ["StackKmsKey", "Arn"]}`)
	}
	assertRendersAs(t, s.Template.Outputs["CustomersKeyArn"].Value, `{"Fn::GetAtt": ["StackKmsKey", "Arn"]}`)
	assertRendersAs(t, s.Template.Resources["StackKmsKeyAlias"].(*kms.Alias).AliasName, `{"Fn::Sub": "alias/${AWS::StackName}/tables"}`)
}

// Under IAM access the writer's own policy grants it the key: held to its
// table exactly, since nothing the table needs depends on that policy.
func TestTheIAMPolicyOfAWriterOfASharedKeyNamesItsTable(t *testing.T) {
	cfg := twoTables()
	cfg.Key.Scope, cfg.Key.Access = KeyScopeStack, AccessIAM
	policy := build(t, cfg).Template.Resources["CustomersWriteFunctionPolicy"].(*iam.Policy)
	assertRendersAs(t, policy.PolicyDocument.(cfn.PolicyDocument).Statement[1].Condition, `{"StringEquals": {
		"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"},
		"kms:EncryptionContext:aws:dynamodb:tableName": {"Ref": "CustomersTable"}
	}}`)
}

func TestATableWithGrantsGivesItsStreamsARN(t *testing.T) {
	cfg := indexedOrders()
	cfg.Account = "123456789012"
	cfg.Tables[0].Grants = []Grant{{Principal: "arn:aws:iam::123456789012:role/consumer", Allow: AllowStream}}
	s := build(t, cfg)
	assertRendersAs(t, s.Template.Outputs["OrdersStreamArn"].Value, `{"Fn::GetAtt": ["OrdersTable", "StreamArn"]}`)
	table := s.Template.Resources["OrdersTable"].(*dynamodb.Table)
	if table.ResourcePolicy != nil || table.StreamSpecification.ResourcePolicy == nil {
		t.Error("a stream grant is not on the stream's policy alone")
	}
}

// Two tables whose resources would have one logical id: the one-id-per-table
// rule of logical ids cannot stop it, Build does.
func TestTablesWhoseLogicalIDsMeetAreRefused(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tables = []TableConfig{
		{Name: "A", PartitionKey: Attribute{"id", "S"}, GlobalIndexes: []GlobalIndex{gsi("BTableIndexCCC", "k", "S")}, Capacity: provisioned()},
		{Name: "ATableIndexB", PartitionKey: Attribute{"id", "S"}, GlobalIndexes: []GlobalIndex{gsi("CCC", "k", "S")}, Capacity: provisioned()},
	}
	_, err := Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "tables[1]: the template already has a resource ATableIndexBTableIndexCCCReadScalableTarget") {
		t.Errorf("error %v", err)
	}
}
