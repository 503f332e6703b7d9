package template

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
)

// provisionedOrders is a provisioned table with a global index, ByStatus.
func provisionedOrders() Config {
	cfg := DefaultConfig()
	cfg.Tables[0] = TableConfig{Name: "Orders", PartitionKey: Attribute{"id", "S"},
		GlobalIndexes: []GlobalIndex{gsi("by-status", "status", "S")}, Capacity: provisioned()}
	return cfg
}

func TestProvisionedCapacityScalesTheTableAndEachGlobalIndex(t *testing.T) {
	ids := tableIDs(provisionedOrders().Tables[0], KeyScopeTable)
	want := []string{
		"OrdersTableReadScalableTarget", "OrdersTableReadScalingPolicy", "OrdersTableWriteScalableTarget", "OrdersTableWriteScalingPolicy",
		"OrdersTableIndexbystatusReadScalableTarget", "OrdersTableIndexbystatusReadScalingPolicy",
		"OrdersTableIndexbystatusWriteScalableTarget", "OrdersTableIndexbystatusWriteScalingPolicy",
	}
	if !slices.Equal(ids.Scaling, want) {
		t.Errorf("scaling %v, want %v", ids.Scaling, want)
	}
	s := build(t, provisionedOrders())
	for _, id := range want {
		if s.Template.Resources[id] == nil || !slices.Contains(s.ResourceOrder, id) {
			t.Errorf("no resource %s", id)
		}
	}
}

func TestAGlobalIndexsWritesAreAScalableTargetBetweenMinAndMax(t *testing.T) {
	s := build(t, provisionedOrders())
	assertRendersAs(t, s.Template.Resources["OrdersTableIndexbystatusWriteScalableTarget"], `{
		"Type": "AWS::ApplicationAutoScaling::ScalableTarget",
		"Properties": {
			"ServiceNamespace": "dynamodb",
			"ResourceId": {"Fn::Sub": "table/${OrdersTable}/index/by-status"},
			"ScalableDimension": "dynamodb:index:WriteCapacityUnits",
			"MinCapacity": 5,
			"MaxCapacity": 100
		}
	}`)
}

func TestATablesReadsTrackTheirTargetUtilisation(t *testing.T) {
	s := build(t, provisionedOrders())
	assertRendersAs(t, s.Template.Resources["OrdersTableReadScalingPolicy"], `{
		"Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
		"Properties": {
			"PolicyName": "OrdersTableReadScalingPolicy",
			"PolicyType": "TargetTrackingScaling",
			"ScalingTargetId": {"Ref": "OrdersTableReadScalableTarget"},
			"TargetTrackingScalingPolicyConfiguration": {
				"TargetValue": 70,
				"PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"}
			}
		}
	}`)
}

func TestAProvisionedTableAndItsGlobalIndexesStartAtTheMinimum(t *testing.T) {
	table, err := build(t, provisionedOrders()).Template.GetDynamoDBTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, []any{table.BillingMode, table.ProvisionedThroughput, table.GlobalSecondaryIndexes[0].ProvisionedThroughput}, `[
		"PROVISIONED", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
	]`)
}

func TestAnOnDemandCeilingCapsTheTableAndEachGlobalIndex(t *testing.T) {
	cfg := provisionedOrders()
	cfg.Tables[0].Capacity = &Capacity{Mode: OnDemand, MaxReadUnits: 1000, MaxWriteUnits: 500}
	s := build(t, cfg)
	if len(tableIDs(cfg.Tables[0], KeyScopeTable).Scaling) != 0 {
		t.Error("an on-demand table is auto scaled")
	}
	out, err := json.Marshal(s.Template.Resources["OrdersTable"])
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Type       string
		Properties struct {
			BillingMode            string
			OnDemandThroughput     map[string]int
			GlobalSecondaryIndexes []struct{ OnDemandThroughput map[string]int }
			SSESpecification       map[string]any
		}
	}
	if err := json.Unmarshal(out, &table); err != nil {
		t.Fatal(err)
	}
	ceiling := map[string]int{"MaxReadRequestUnits": 1000, "MaxWriteRequestUnits": 500}
	p := table.Properties
	if table.Type != "AWS::DynamoDB::Table" || p.BillingMode != "PAY_PER_REQUEST" || p.SSESpecification == nil ||
		!mapsEqual(p.OnDemandThroughput, ceiling) || len(p.GlobalSecondaryIndexes) != 1 || !mapsEqual(p.GlobalSecondaryIndexes[0].OnDemandThroughput, ceiling) {
		t.Errorf("rendered %s", out)
	}
}

func TestOnDemandWithoutACeilingIsGoformationsOwnTable(t *testing.T) {
	for _, c := range []*Capacity{nil, {Mode: OnDemand}} {
		if _, plain := withCeiling(&dynamodb.Table{}, c).(*dynamodb.Table); !plain {
			t.Errorf("%+v: not a *dynamodb.Table", c)
		}
	}
	if _, plain := withCeiling(&dynamodb.Table{}, &Capacity{Mode: OnDemand, MaxReadUnits: 1}).(*dynamodb.Table); plain {
		t.Error("a ceiling is dropped")
	}
}

// An index name holds characters a logical id cannot: they are left out.
func TestTwoIndexesWhoseLogicalIDsMeetAreRefused(t *testing.T) {
	cfg := provisionedOrders()
	cfg.Tables[0].GlobalIndexes = append(cfg.Tables[0].GlobalIndexes, gsi("by.status", "state", "S"))
	_, err := Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "tables[0]: two of the table's resources would be OrdersTableIndexbystatusReadScalableTarget: its index names differ only in what a logical id leaves out") {
		t.Errorf("error %v", err)
	}
}

func TestALogicalIDLongerThanCloudFormationTakesIsRefused(t *testing.T) {
	cfg := provisionedOrders()
	cfg.Tables[0].GlobalIndexes[0].Name = strings.Repeat("x", 255)
	_, err := Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "characters; CloudFormation allows 255 (shorten the table's or the index's name)") {
		t.Errorf("error %v", err)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
