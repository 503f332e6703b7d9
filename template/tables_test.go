package template

import (
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
			id := tableIDs(table.Name)
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
