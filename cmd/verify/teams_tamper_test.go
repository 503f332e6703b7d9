package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// golden/teams.yaml deployed to moto, its auto scaling and its tables'
// resource policies made through moto's API by scripts/moto-compat (moto's
// CloudFormation skips them), then tampered with one way at a time: the
// key statement of a principal a table grants to, the tables' resource
// policies, their indexes and capacity, their scalable targets and scaling
// policies. What moto cannot hold (a stream's resource policy, an
// on-demand ceiling) verify's own tests prove against a stub and a server
// that answers as the DynamoDB API reference documents.
func TestATamperedTeamsStackFailsNamingTheTamperingAndARestoredOnePasses(t *testing.T) {
	src, err := os.ReadFile("../../golden/teams.yaml")
	check(t, err)
	s := deploy(t, templateBesideBuild(t, src), "verify-tamper-teams")
	s.readKey(t, "StackKmsKey")
	ctx := context.Background()
	orders, payments := s.physical["OrdersTable"], s.physical["PaymentsTable"]
	ordersPolicy, paymentsPolicy := s.resourcePolicy(t, orders), s.resourcePolicy(t, payments)
	const key, ordersFail, paymentsFail = "FAIL key StackKmsKey: key policy allows ", "FAIL table OrdersTable: ", "FAIL table PaymentsTable: "
	const tableRead, tableWrite = "dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"
	ordersID := "table/" + orders
	updateTable := func(in *dynamodb.UpdateTableInput) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.dynamodb.UpdateTable(ctx, in)
			check(t, err)
		}
	}
	register := func(resourceID, dimension string, min, max int32, suspended *scalingtypes.SuspendedState) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.autoscaling.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb,
				ResourceId: &resourceID, ScalableDimension: scalingtypes.ScalableDimension(dimension), MinCapacity: &min, MaxCapacity: &max, SuspendedState: suspended})
			check(t, err)
		}
	}
	deregister := func(resourceID, dimension string) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.autoscaling.DeregisterScalableTarget(ctx, &applicationautoscaling.DeregisterScalableTargetInput{ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb,
				ResourceId: &resourceID, ScalableDimension: scalingtypes.ScalableDimension(dimension)})
			check(t, gone(err))
		}
	}
	putScalingPolicy := func(name, resourceID, dimension string, metric scalingtypes.MetricType, target float64) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.autoscaling.PutScalingPolicy(ctx, &applicationautoscaling.PutScalingPolicyInput{PolicyName: &name, PolicyType: scalingtypes.PolicyTypeTargetTrackingScaling,
				ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb, ResourceId: &resourceID, ScalableDimension: scalingtypes.ScalableDimension(dimension),
				TargetTrackingScalingPolicyConfiguration: &scalingtypes.TargetTrackingScalingPolicyConfiguration{TargetValue: &target,
					PredefinedMetricSpecification: &scalingtypes.PredefinedMetricSpecification{PredefinedMetricType: metric}}})
			check(t, err)
		}
	}
	deleteScalingPolicy := func(name, resourceID, dimension string) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.autoscaling.DeleteScalingPolicy(ctx, &applicationautoscaling.DeleteScalingPolicyInput{PolicyName: &name, ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb,
				ResourceId: &resourceID, ScalableDimension: scalingtypes.ScalableDimension(dimension)})
			check(t, gone(err))
		}
	}
	putTablePolicy := func(table, policy string) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			_, err := s.dynamodb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(tableARNOf(table)), Policy: &policy})
			check(t, err)
		}
	}
	// globalIndex creates or deletes a global index, and checks the table
	// has it or not: UpdateTable is not idempotent, and when a loaded moto
	// does what a request asks but its answer is lost, the SDK's retry of
	// it fails.
	globalIndex := func(table string, attributes []dbtypes.AttributeDefinition, update dbtypes.GlobalSecondaryIndexUpdate) func(*testing.T, *deployedStack) {
		return func(t *testing.T, s *deployedStack) {
			name, present := update.Delete, false
			if update.Create != nil {
				name, present = &dbtypes.DeleteGlobalSecondaryIndexAction{IndexName: update.Create.IndexName}, true
			}
			_, err := s.dynamodb.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &table, AttributeDefinitions: attributes, GlobalSecondaryIndexUpdates: []dbtypes.GlobalSecondaryIndexUpdate{update}})
			out, describeErr := s.dynamodb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
			check(t, describeErr)
			if slices.ContainsFunc(out.Table.GlobalSecondaryIndexes, func(i dbtypes.GlobalSecondaryIndexDescription) bool { return *i.IndexName == *name.IndexName }) != present {
				t.Fatalf("UpdateTable of index %s: %v", *name.IndexName, err)
			}
		}
	}
	attribute := func(name string, typ dbtypes.ScalarAttributeType) dbtypes.AttributeDefinition {
		return dbtypes.AttributeDefinition{AttributeName: &name, AttributeType: typ}
	}
	// moto's UpdateTable replaces the table's attribute definitions with
	// those it is given, so each gives them all.
	ordersAttributes := []dbtypes.AttributeDefinition{attribute("customerId", "S"), attribute("orderId", "S"), attribute("status", "S"), attribute("createdAt", "N"), attribute("couponCode", "S")}
	paymentsAttributes := []dbtypes.AttributeDefinition{attribute("paymentId", "S"), attribute("orderId", "S"), attribute("card", "S")}
	throughput := func(read, write int64) *dbtypes.ProvisionedThroughput {
		return &dbtypes.ProvisionedThroughput{ReadCapacityUnits: &read, WriteCapacityUnits: &write}
	}
	proveEach(t, s, []tampering{
		{"a grant principal's key statement without its encryption context", keyPolicyEdit(statementEdit("PaymentsGrant1UsesKeyThroughDynamoDB", func(st map[string]any) {
			delete(st["Condition"].(map[string]any), "StringLike")
		})), restoreKeyPolicy, key + "more than the template: PaymentsGrant1UsesKeyThroughDynamoDB: condition StringLike kms:EncryptionContext:aws:dynamodb:tableName verify-tamper-teams-PaymentsTable-* removed"},
		{"another account's grant principal's key statement without kms:ViaService", keyPolicyEdit(statementEdit("OrdersGrant2UsesKeyThroughDynamoDB", func(st map[string]any) {
			delete(st["Condition"].(map[string]any)["StringEquals"].(map[string]any), "kms:ViaService")
		})), restoreKeyPolicy, key + "more than the template: OrdersGrant2UsesKeyThroughDynamoDB: condition StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com removed"},
		{"a grant principal's key statement for every table of the account", keyPolicyEdit(statementEdit("OrdersGrant1UsesKeyThroughDynamoDB", func(st map[string]any) {
			st["Condition"].(map[string]any)["StringLike"] = map[string]any{"kms:EncryptionContext:aws:dynamodb:tableName": "*"}
		})), restoreKeyPolicy, key + "more than the template: OrdersGrant1UsesKeyThroughDynamoDB: condition StringLike kms:EncryptionContext:aws:dynamodb:tableName verify-tamper-teams-OrdersTable-* widened to StringLike kms:EncryptionContext:aws:dynamodb:tableName *"},
		{"a table's resource policy gaining a principal", putTablePolicy(orders, policyEdit(ordersPolicy, "Grant2ReadsItems", func(st map[string]any) {
			st["Principal"] = map[string]any{"AWS": []any{"arn:aws:iam::210987654321:role/analytics", "arn:aws:iam::444455556666:root"}}
		})), putTablePolicy(orders, ordersPolicy), ordersFail + "resource policy allows more than the template: Grant2ReadsItems: principal arn:aws:iam::444455556666:root added"},
		{"a table's resource policy deleted", func(t *testing.T, s *deployedStack) {
			_, err := s.dynamodb.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(tableARNOf(payments))})
			check(t, gone(err))
		}, putTablePolicy(payments, paymentsPolicy), paymentsFail + "resource policy allows less than the template: Grant2WritesItems: no longer allows arn:aws:iam::123456789012:role/refunds "},
		{"a global index deleted", globalIndex(orders, nil, dbtypes.GlobalSecondaryIndexUpdate{Delete: &dbtypes.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("by-coupon")}}),
			globalIndex(orders, ordersAttributes, dbtypes.GlobalSecondaryIndexUpdate{Create: &dbtypes.CreateGlobalSecondaryIndexAction{IndexName: aws.String("by-coupon"),
				KeySchema:             []dbtypes.KeySchemaElement{{AttributeName: aws.String("couponCode"), KeyType: dbtypes.KeyTypeHash}},
				Projection:            &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeInclude, NonKeyAttributes: []string{"total", "currency"}},
				ProvisionedThroughput: throughput(5, 5)}}),
			ordersFail + "global index by-coupon, which the template makes, is not on the table: its queries fail"},
		{"a global index the template does not make", globalIndex(payments, paymentsAttributes, dbtypes.GlobalSecondaryIndexUpdate{Create: &dbtypes.CreateGlobalSecondaryIndexAction{IndexName: aws.String("ByCard"),
			KeySchema:  []dbtypes.KeySchemaElement{{AttributeName: aws.String("card"), KeyType: dbtypes.KeyTypeHash}},
			Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll}}}),
			globalIndex(payments, nil, dbtypes.GlobalSecondaryIndexUpdate{Delete: &dbtypes.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("ByCard")}}),
			paymentsFail + "global index ByCard (card (S) HASH, projecting ALL), which the template does not make, is on the table"},
		{"provisioned capacity switched to on demand", updateTable(&dynamodb.UpdateTableInput{TableName: &orders, BillingMode: dbtypes.BillingModePayPerRequest}),
			updateTable(&dynamodb.UpdateTableInput{TableName: &orders, BillingMode: dbtypes.BillingModeProvisioned, ProvisionedThroughput: throughput(5, 5)}),
			ordersFail + "billing mode is PAY_PER_REQUEST, the template sets PROVISIONED"},
		{"read capacity above the auto scaling range", updateTable(&dynamodb.UpdateTableInput{TableName: &orders, ProvisionedThroughput: throughput(300, 5)}),
			updateTable(&dynamodb.UpdateTableInput{TableName: &orders, ProvisionedThroughput: throughput(5, 5)}),
			ordersFail + "read capacity of the table is 300 units, outside the template's auto scaling range of 5 to 200"},
		{"a scalable target's maximum raised", register(ordersID, tableRead, 5, 40000, nil), register(ordersID, tableRead, 5, 200, nil),
			ordersFail + "scalable target OrdersTableReadScalableTarget scales the read capacity of the table between 5 and 40000, the template says 5 and 200"},
		{"a scalable target's minimum lowered", register(ordersID+"/index/ByStatus", "dynamodb:index:WriteCapacityUnits", 1, 100, nil),
			register(ordersID+"/index/ByStatus", "dynamodb:index:WriteCapacityUnits", 5, 100, nil),
			ordersFail + "scalable target OrdersTableIndexByStatusWriteScalableTarget scales the write capacity of index ByStatus between 1 and 100, the template says 5 and 100"},
		{"a scalable target's scaling out suspended", register(ordersID, tableRead, 5, 200, &scalingtypes.SuspendedState{DynamicScalingOutSuspended: aws.Bool(true)}),
			register(ordersID, tableRead, 5, 200, &scalingtypes.SuspendedState{DynamicScalingOutSuspended: aws.Bool(false)}),
			ordersFail + "scalable target OrdersTableReadScalableTarget has suspended scaling out, the template suspends none"},
		{"a scalable target deregistered", deregister(ordersID, tableWrite), register(ordersID, tableWrite, 5, 100, nil),
			ordersFail + "scalable target OrdersTableWriteScalableTarget (" + ordersID + " " + tableWrite + "), which the template registers, is not registered: the write capacity of the table no longer follows the load"},
		{"a scalable target on a table the template scales none of", register("table/"+payments, tableRead, 1, 40000, nil), deregister("table/"+payments, tableRead),
			paymentsFail + "a scalable target the template does not register scales the read capacity of the table between 1 and 40000: it can lower the capacity to throttle the table, or raise the bill"},
		{"a scaling policy added", putScalingPolicy("x", ordersID, tableWrite, scalingtypes.MetricTypeDynamoDBWriteCapacityUtilization, 99), deleteScalingPolicy("x", ordersID, tableWrite),
			ordersFail + "scaling policy x (TargetTrackingScaling, tracks DynamoDBWriteCapacityUtilization at 99) on the write capacity of the table, which the template does not make: it can lower the capacity to throttle the table, or raise the bill"},
		{"a scaling policy's target value lowered",
			putScalingPolicy("OrdersTableIndexbycouponReadScalingPolicy", ordersID+"/index/by-coupon", "dynamodb:index:ReadCapacityUnits", scalingtypes.MetricTypeDynamoDBReadCapacityUtilization, 20),
			putScalingPolicy("OrdersTableIndexbycouponReadScalingPolicy", ordersID+"/index/by-coupon", "dynamodb:index:ReadCapacityUnits", scalingtypes.MetricTypeDynamoDBReadCapacityUtilization, 70),
			ordersFail + "scaling policy OrdersTableIndexbycouponReadScalingPolicy on the read capacity of index by-coupon tracks DynamoDBReadCapacityUtilization at 20, the template says it tracks DynamoDBReadCapacityUtilization at 70"},
		{"a scaling policy deleted", deleteScalingPolicy("OrdersTableWriteScalingPolicy", ordersID, tableWrite),
			putScalingPolicy("OrdersTableWriteScalingPolicy", ordersID, tableWrite, scalingtypes.MetricTypeDynamoDBWriteCapacityUtilization, 70),
			ordersFail + "scaling policy OrdersTableWriteScalingPolicy (OrdersTableWriteScalingPolicy), which the template puts on the write capacity of the table, is not there: the capacity no longer follows the load"},
	})
}

// gone takes a delete that finds nothing to delete for done: when a loaded
// moto deletes what a request asks but its answer is lost, the SDK sends
// the request again. verify's next run says whether it is gone.
func gone(err error) error {
	if apiErr, ok := errors.AsType[smithy.APIError](err); ok && strings.HasSuffix(apiErr.ErrorCode(), "NotFoundException") {
		return nil
	}
	return err
}

func tableARNOf(name string) string { return "arn:aws:dynamodb:us-east-1:123456789012:table/" + name }

// resourcePolicy is the table's resource policy as deployed, to restore it.
func (s *deployedStack) resourcePolicy(t *testing.T, table string) string {
	t.Helper()
	out, err := s.dynamodb.GetResourcePolicy(context.Background(), &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(tableARNOf(table))})
	check(t, err)
	return aws.ToString(out.Policy)
}

// statementEdit edits the statement of a policy with the given Sid.
func statementEdit(sid string, edit func(map[string]any)) func(string) string {
	return func(policy string) string { return policyEdit(policy, sid, edit) }
}

// policyEdit gives policy with its statement sid edited; policy itself
// when it has no such statement or is not JSON, which the caller's check
// then catches.
func policyEdit(policy, sid string, edit func(map[string]any)) string {
	var doc map[string]any
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return policy
	}
	statements, _ := doc["Statement"].([]any)
	for _, s := range statements {
		if st, ok := s.(map[string]any); ok && st["Sid"] == sid {
			edit(st)
		}
	}
	edited, err := json.Marshal(doc)
	if err != nil {
		return policy
	}
	return string(edited)
}
