package verify

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/dynamodb-sse-cmk/stack/internal/policyserver"
)

// The stack of golden/teams.yaml, tables as teams run them: two tables
// under one key, Orders provisioned with global and local indexes, auto
// scaling on the table and its global indexes, and a stream; Payments on
// demand with a ceiling on the table and its index; grants through the
// tables' and the stream's resource policies and the key's statements.
const (
	orders        = "stack-orders-1"
	payments      = "stack-payments-1"
	ordersARN     = "arn:aws:dynamodb:us-east-1:123456789012:table/" + orders
	paymentsARN   = "arn:aws:dynamodb:us-east-1:123456789012:table/" + payments
	ordersStream  = ordersARN + "/stream/2026-12-02T17:02:24.559"
	readDimension = "dynamodb:table:ReadCapacityUnits"
)

// grantStatement is a grant's key statement as the template writes it: the
// principal may decrypt through DynamoDB, from its own account, for one
// table of the stack.
func grantStatement(sid, principal, account, table string) string {
	return `{"Sid": "` + sid + `", "Effect": "Allow", "Principal": {"AWS": "` + principal + `"}, "Action": "kms:Decrypt", "Resource": "*",
		"Condition": {"StringEquals": {"kms:CallerAccount": "` + account + `", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"},
		"StringLike": {"kms:EncryptionContext:aws:dynamodb:tableName": "` + stackName + `-` + table + `Table-*"}}}`
}

// readActions are what a read grant allows on a table.
const readActions = `["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"]`

func teams(t *testing.T) *deployed {
	t.Helper()
	golden, err := os.ReadFile("../golden/teams.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := healthy(t)
	d.template = processed(string(golden))
	d.listed = []cfntypes.StackResourceSummary{
		stackResource("StackKmsKey", "key-1", "AWS::KMS::Key"),
		stackResource("StackKmsKeyAlias", "alias/stack/tables", "AWS::KMS::Alias"),
		stackResource("OrdersTable", orders, "AWS::DynamoDB::Table"),
		stackResource("PaymentsTable", payments, "AWS::DynamoDB::Table"),
		stackResource("OrdersWriteFunctionRole", "stack-role-1", "AWS::IAM::Role"),
		stackResource("OrdersWriteFunctionPolicy", "stack-Orde-1", "AWS::IAM::Policy"),
		stackResource("OrdersWriteFunction", writerName, "AWS::Lambda::Function"),
		stackResource("OrdersWriteFunctionLogGroup", "/aws/lambda/"+writerName, "AWS::Logs::LogGroup"),
	}
	d.scalableTargets, d.scalingPolicies = nil, nil
	for _, s := range ordersScaling {
		target := "table/" + orders + s.index
		d.listed = append(d.listed,
			stackResource(s.prefix+"ScalableTarget", target+"|"+s.dimension+"|dynamodb", "AWS::ApplicationAutoScaling::ScalableTarget"),
			stackResource(s.prefix+"ScalingPolicy", "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/dynamodb/"+target+":policyName/"+s.prefix+"ScalingPolicy", "AWS::ApplicationAutoScaling::ScalingPolicy"))
		d.scalableTargets = append(d.scalableTargets, scalableTarget(target, s.dimension, 5, s.max))
		d.scalingPolicies = append(d.scalingPolicies, targetTrackingPolicy(s.prefix+"ScalingPolicy", target, s.dimension, s.metric, 70))
	}
	d.scalableTargets = append(d.scalableTargets, scalableTarget("table/another-teams-table", readDimension, 1, 10))
	keys := func(hash, rangeKey string) []dbtypes.KeySchemaElement {
		out := []dbtypes.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: dbtypes.KeyTypeHash}}
		if rangeKey != "" {
			out = append(out, dbtypes.KeySchemaElement{AttributeName: aws.String(rangeKey), KeyType: dbtypes.KeyTypeRange})
		}
		return out
	}
	attributes := func(nameTypes ...string) []dbtypes.AttributeDefinition {
		var out []dbtypes.AttributeDefinition
		for i := 0; i < len(nameTypes); i += 2 {
			out = append(out, dbtypes.AttributeDefinition{AttributeName: aws.String(nameTypes[i]), AttributeType: dbtypes.ScalarAttributeType(nameTypes[i+1])})
		}
		return out
	}
	sse := func() *dbtypes.SSEDescription {
		return &dbtypes.SSEDescription{Status: dbtypes.SSEStatusEnabled, SSEType: dbtypes.SSETypeKms, KMSMasterKeyArn: aws.String(keyARN)}
	}
	d.tables = map[string]*dbtypes.TableDescription{
		orders: {
			TableName: aws.String(orders), TableArn: aws.String(ordersARN), LatestStreamArn: aws.String(ordersStream),
			SSEDescription: sse(), DeletionProtectionEnabled: aws.Bool(false),
			AttributeDefinitions:  attributes("customerId", "S", "orderId", "S", "status", "S", "createdAt", "N", "couponCode", "S"),
			KeySchema:             keys("customerId", "orderId"),
			BillingModeSummary:    &dbtypes.BillingModeSummary{BillingMode: dbtypes.BillingModeProvisioned},
			ProvisionedThroughput: provisionedThroughput(5, 5),
			GlobalSecondaryIndexes: []dbtypes.GlobalSecondaryIndexDescription{
				{IndexName: aws.String("ByStatus"), KeySchema: keys("status", "createdAt"), Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll},
					ProvisionedThroughput: provisionedThroughput(5, 5), IndexStatus: dbtypes.IndexStatusActive},
				// DynamoDB keeps the included attributes in another order than the template's.
				{IndexName: aws.String("by-coupon"), KeySchema: keys("couponCode", ""), Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeInclude, NonKeyAttributes: []string{"currency", "total"}},
					ProvisionedThroughput: provisionedThroughput(5, 5), IndexStatus: dbtypes.IndexStatusActive},
			},
			LocalSecondaryIndexes: []dbtypes.LocalSecondaryIndexDescription{
				{IndexName: aws.String("ByCreated"), KeySchema: keys("customerId", "createdAt"), Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeKeysOnly}},
			},
		},
		payments: {
			TableName: aws.String(payments), TableArn: aws.String(paymentsARN),
			SSEDescription: sse(), DeletionProtectionEnabled: aws.Bool(false),
			AttributeDefinitions:  attributes("paymentId", "S", "orderId", "S"),
			KeySchema:             keys("paymentId", ""),
			BillingModeSummary:    &dbtypes.BillingModeSummary{BillingMode: dbtypes.BillingModePayPerRequest},
			ProvisionedThroughput: provisionedThroughput(0, 0),
			OnDemandThroughput:    &dbtypes.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(1000), MaxWriteRequestUnits: aws.Int64(500)},
			GlobalSecondaryIndexes: []dbtypes.GlobalSecondaryIndexDescription{
				{IndexName: aws.String("ByOrder"), KeySchema: keys("orderId", ""), Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeKeysOnly},
					ProvisionedThroughput: provisionedThroughput(0, 0), OnDemandThroughput: &dbtypes.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(1000), MaxWriteRequestUnits: aws.Int64(500)},
					IndexStatus: dbtypes.IndexStatusActive},
			},
		},
	}
	d.policies = map[string]string{
		ordersARN: `{"Version": "2012-10-17", "Statement": [
			{"Sid": "Grant1ReadsItems", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/orders-api"}, "Action": ` + readActions + `, "Resource": "*"},
			{"Sid": "Grant2ReadsItems", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:role/analytics"}, "Action": ` + readActions + `, "Resource": "*"}]}`,
		ordersStream: `{"Version": "2012-10-17", "Statement": [
			{"Sid": "Grant3ReadsStream", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/orders-consumer"},
			 "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], "Resource": "*"}]}`,
		paymentsARN: `{"Version": "2012-10-17", "Statement": [
			{"Sid": "Grant1ReadsAndWritesItems", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/payments-service"},
			 "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
			            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"], "Resource": "*"},
			{"Sid": "Grant2WritesItems", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/refunds"},
			 "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"], "Resource": "*"}]}`,
	}
	d.keyPolicy = `{"Version": "2012-10-17", "Statement": [
		{"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
		{"Sid": "OrdersWriterUsesKeyThroughDynamoDB", "Effect": "Allow", "Principal": {"AWS": "` + roleARN + `"},
		 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
		 "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"},
		 "StringLike": {"kms:EncryptionContext:aws:dynamodb:tableName": "` + stackName + `-OrdersTable-*"}}},
		{"Sid": "DynamoDBDescribesKey", "Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"}, "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"},
		` + grantStatement("OrdersGrant1UsesKeyThroughDynamoDB", "arn:aws:iam::123456789012:role/orders-api", "123456789012", "Orders") + `,
		` + grantStatement("OrdersGrant2UsesKeyThroughDynamoDB", "arn:aws:iam::210987654321:role/analytics", "210987654321", "Orders") + `,
		` + grantStatement("OrdersGrant3UsesKeyThroughDynamoDB", "arn:aws:iam::123456789012:role/orders-consumer", "123456789012", "Orders") + `,
		` + grantStatement("PaymentsGrant1UsesKeyThroughDynamoDB", "arn:aws:iam::123456789012:role/payments-service", "123456789012", "Payments") + `,
		` + grantStatement("PaymentsGrant2UsesKeyThroughDynamoDB", "arn:aws:iam::123456789012:role/refunds", "123456789012", "Payments") + `]}`
	d.inline = map[string]string{"PutItemsIntoTable": `{"Version": "2012-10-17", "Statement": [
		{"Sid": "PutItemsIntoTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "` + ordersARN + `"}]}`}
	d.env = map[string]string{
		"INDEX_PARTITION_KEYS": `{"couponCode":"S","status":"S"}`, "INDEX_SORT_KEYS": `{"createdAt":"N"}`,
		"PARTITION_KEY": "customerId", "PARTITION_KEY_TYPE": "S", "SORT_KEY": "orderId", "SORT_KEY_TYPE": "S", "TABLE_NAME": orders,
	}
	return d
}

// ordersScaling is the template's auto scaling of Orders: reads and writes
// of the table and of each global index.
var ordersScaling = []struct {
	prefix, index, dimension, metric string
	max                              int32
}{
	{"OrdersTableRead", "", readDimension, "DynamoDBReadCapacityUtilization", 200},
	{"OrdersTableWrite", "", "dynamodb:table:WriteCapacityUnits", "DynamoDBWriteCapacityUtilization", 100},
	{"OrdersTableIndexByStatusRead", "/index/ByStatus", "dynamodb:index:ReadCapacityUnits", "DynamoDBReadCapacityUtilization", 200},
	{"OrdersTableIndexByStatusWrite", "/index/ByStatus", "dynamodb:index:WriteCapacityUnits", "DynamoDBWriteCapacityUtilization", 100},
	{"OrdersTableIndexbycouponRead", "/index/by-coupon", "dynamodb:index:ReadCapacityUnits", "DynamoDBReadCapacityUtilization", 200},
	{"OrdersTableIndexbycouponWrite", "/index/by-coupon", "dynamodb:index:WriteCapacityUnits", "DynamoDBWriteCapacityUtilization", 100},
}

func provisionedThroughput(read, write int64) *dbtypes.ProvisionedThroughputDescription {
	return &dbtypes.ProvisionedThroughputDescription{ReadCapacityUnits: aws.Int64(read), WriteCapacityUnits: aws.Int64(write), NumberOfDecreasesToday: aws.Int64(0)}
}

func scalableTarget(resourceID, dimension string, min, max int32) scalingtypes.ScalableTarget {
	return scalingtypes.ScalableTarget{ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb, ResourceId: aws.String(resourceID), ScalableDimension: scalingtypes.ScalableDimension(dimension),
		MinCapacity: aws.Int32(min), MaxCapacity: aws.Int32(max), RoleARN: aws.String("arn:aws:iam::123456789012:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"),
		SuspendedState: &scalingtypes.SuspendedState{DynamicScalingInSuspended: aws.Bool(false), DynamicScalingOutSuspended: aws.Bool(false), ScheduledScalingSuspended: aws.Bool(false)}}
}

func targetTrackingPolicy(name, resourceID, dimension, metric string, target float64) scalingtypes.ScalingPolicy {
	return scalingtypes.ScalingPolicy{PolicyName: aws.String(name), ServiceNamespace: scalingtypes.ServiceNamespaceDynamodb, ResourceId: aws.String(resourceID),
		ScalableDimension: scalingtypes.ScalableDimension(dimension), PolicyType: scalingtypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &scalingtypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(target), PredefinedMetricSpecification: &scalingtypes.PredefinedMetricSpecification{PredefinedMetricType: scalingtypes.MetricType(metric)}}}
}

func TestTablesAsTeamsRunThemPassEveryCheck(t *testing.T) {
	const orders, payments, key = "PASS table OrdersTable: ", "PASS table PaymentsTable: ", "PASS key StackKmsKey: "
	want := []string{
		"PASS template: gen check finds no error (0 warnings)",
		orders + "SSE ENABLED, type KMS, with the stack's key StackKmsKey",
		orders + "resource policy as the template promised (Grant1ReadsItems, Grant2ReadsItems)",
		orders + "stream resource policy as the template promised (Grant3ReadsStream)",
		orders + "key schema customerId (S) HASH, orderId (S) RANGE and indexes as the template makes them: global ByStatus, by-coupon; local ByCreated",
		orders + "billing mode PROVISIONED, capacity as the template sets it: the table has 5 read units (scaled 5 to 200) and 5 write units (scaled 5 to 100); index ByStatus has 5 read units (scaled 5 to 200) and 5 write units (scaled 5 to 100); index by-coupon has 5 read units (scaled 5 to 200) and 5 write units (scaled 5 to 100)",
		orders + "auto scaling as the template makes it: 6 scalable targets and 6 target-tracking policies, on the read capacity of index ByStatus, write capacity of index ByStatus, read capacity of index by-coupon, write capacity of index by-coupon, read capacity of the table, write capacity of the table",
		orders + "deletion protection is off, as the template leaves it",
		orders + "point-in-time recovery is off, as the template leaves it",
		payments + "SSE ENABLED, type KMS, with the stack's key StackKmsKey",
		payments + "resource policy as the template promised (Grant1ReadsAndWritesItems, Grant2WritesItems)",
		payments + "key schema paymentId (S) HASH and indexes as the template makes them: global ByOrder; local none",
		payments + "billing mode PAY_PER_REQUEST, capacity as the template sets it: the table has an on-demand ceiling of 1000 read and 500 write request units a second; index ByOrder has an on-demand ceiling of 1000 read and 500 write request units a second",
		payments + "no auto scaling, as the template makes none",
		payments + "deletion protection is off, as the template leaves it",
		payments + "point-in-time recovery is off, as the template leaves it",
		key + "Enabled",
		key + "rotation on, every 365 days",
		key + "key policy as the template promised (AccountRootAdministers, OrdersWriterUsesKeyThroughDynamoDB, DynamoDBDescribesKey, OrdersGrant1UsesKeyThroughDynamoDB, OrdersGrant2UsesKeyThroughDynamoDB, OrdersGrant3UsesKeyThroughDynamoDB, PaymentsGrant1UsesKeyThroughDynamoDB, PaymentsGrant2UsesKeyThroughDynamoDB), and gen check's key rules pass",
		key + "no grant but DynamoDB's (1)",
		"PASS role OrdersWriteFunctionRole: trust policy as the template promised",
		"PASS role OrdersWriteFunctionRole: inline policies as the template promised: PutItemsIntoTable",
		"PASS role OrdersWriteFunctionRole: managed policies as the template promised: " + basicRole,
		"PASS role OrdersWriteFunctionRole: no function outside the stack runs as it in us-east-1 (1 functions and versions there in all)",
		"PASS function OrdersWriteFunction: runs as its role, with the layers and environment the template set (INDEX_PARTITION_KEYS, INDEX_SORT_KEYS, PARTITION_KEY, PARTITION_KEY_TYPE, SORT_KEY, SORT_KEY_TYPE, TABLE_NAME); TABLE_NAME names OrdersTable",
		"PASS function OrdersWriteFunction: runs the code of s3://artifacts/5d41402abc4b2a76 (CodeSha256 Ja49GjvMZy57y+dPM0HbmXfwH6hQaem03evcaz4qslo=)",
		"PASS function OrdersWriteFunction: aliases and versions as the template makes them: no alias; no version",
		"PASS function OrdersWriteFunction: no resource policy on it, as the template grants none",
		"PASS function OrdersWriteFunction: no function URL on it, as the template makes none",
		"PASS function OrdersWriteFunction: event source mappings as the template makes them: none",
	}
	assertLines(t, run(t, teams(t), false), want)
}

// Each way of tampering with the tables, their auto scaling, their
// policies and the key they share, one at a time, and the lines it must
// give that do not pass: nothing else may.
func TestEveryTamperingWithTeamsTablesFailsNamingIt(t *testing.T) {
	const ordersFail, paymentsFail, key = "FAIL table OrdersTable: ", "FAIL table PaymentsTable: ", "FAIL key StackKmsKey: key policy allows "
	index := func(d *deployed, table, name string) *dbtypes.GlobalSecondaryIndexDescription {
		i := slices.IndexFunc(d.tables[table].GlobalSecondaryIndexes, func(g dbtypes.GlobalSecondaryIndexDescription) bool { return *g.IndexName == name })
		return &d.tables[table].GlobalSecondaryIndexes[i]
	}
	target := func(d *deployed, resourceID, dimension string) *scalingtypes.ScalableTarget {
		i := slices.IndexFunc(d.scalableTargets, func(t scalingtypes.ScalableTarget) bool {
			return *t.ResourceId == resourceID && string(t.ScalableDimension) == dimension
		})
		return &d.scalableTargets[i]
	}
	policy := func(d *deployed, name string) *scalingtypes.ScalingPolicy {
		return &d.scalingPolicies[slices.IndexFunc(d.scalingPolicies, func(p scalingtypes.ScalingPolicy) bool { return *p.PolicyName == name })]
	}
	tests := []struct {
		name   string
		tamper func(*deployed)
		want   []string
	}{
		{"a global index deleted", func(d *deployed) {
			d.tables[orders].GlobalSecondaryIndexes = d.tables[orders].GlobalSecondaryIndexes[:1]
		}, []string{ordersFail + "global index by-coupon, which the template makes, is not on the table: its queries fail"}},
		{"a global index the template does not make", func(d *deployed) {
			d.tables[payments].GlobalSecondaryIndexes = append(d.tables[payments].GlobalSecondaryIndexes, dbtypes.GlobalSecondaryIndexDescription{
				IndexName: aws.String("ByCard"), KeySchema: []dbtypes.KeySchemaElement{{AttributeName: aws.String("card"), KeyType: dbtypes.KeyTypeHash}},
				Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll}})
			d.tables[payments].AttributeDefinitions = append(d.tables[payments].AttributeDefinitions, dbtypes.AttributeDefinition{AttributeName: aws.String("card"), AttributeType: dbtypes.ScalarAttributeTypeS})
		}, []string{paymentsFail + "global index ByCard (card (S) HASH, projecting ALL), which the template does not make, is on the table: it copies the table's items, at a cost, and a global index short of write capacity throttles the table's writes"}},
		{"a global index projecting every attribute", func(d *deployed) {
			index(d, orders, "by-coupon").Projection = &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll}
		}, []string{ordersFail + "global index by-coupon projects ALL, the template says INCLUDE currency, total"}},
		{"a global index keyed otherwise", func(d *deployed) {
			index(d, orders, "ByStatus").KeySchema = index(d, orders, "ByStatus").KeySchema[:1]
		}, []string{ordersFail + "global index ByStatus has keys status (S) HASH, the template says status (S) HASH, createdAt (N) RANGE"}},
		{"the table made again without its local index", func(d *deployed) { d.tables[orders].LocalSecondaryIndexes = nil },
			[]string{ordersFail + "local index ByCreated, which the template makes, is not on the table: its queries fail"}},
		{"the table made again with another key type", func(d *deployed) {
			d.tables[payments].AttributeDefinitions[0].AttributeType = dbtypes.ScalarAttributeTypeN
		}, []string{paymentsFail + "key schema is paymentId (N) HASH, the template says paymentId (S) HASH"}},
		{"provisioned capacity switched to on demand", func(d *deployed) {
			d.tables[orders].BillingModeSummary.BillingMode = dbtypes.BillingModePayPerRequest
		}, []string{ordersFail + "billing mode is PAY_PER_REQUEST, the template sets PROVISIONED"}},
		{"capacity within the auto scaling range", func(d *deployed) {
			d.tables[orders].ProvisionedThroughput = provisionedThroughput(200, 37)
			index(d, orders, "ByStatus").ProvisionedThroughput = provisionedThroughput(5, 100)
		}, nil},
		{"read capacity above the auto scaling range", func(d *deployed) { d.tables[orders].ProvisionedThroughput = provisionedThroughput(300, 5) },
			[]string{ordersFail + "read capacity of the table is 300 units, outside the template's auto scaling range of 5 to 200"}},
		{"an index's write capacity below the auto scaling range", func(d *deployed) {
			index(d, orders, "by-coupon").ProvisionedThroughput = provisionedThroughput(5, 1)
		}, []string{ordersFail + "write capacity of index by-coupon is 1 units, outside the template's auto scaling range of 5 to 100"}},
		{"the on-demand ceiling raised", func(d *deployed) { d.tables[payments].OnDemandThroughput.MaxReadRequestUnits = aws.Int64(40000) },
			[]string{paymentsFail + "the table has an on-demand ceiling of 40000 read and 500 write request units a second, the template sets an on-demand ceiling of 1000 read and 500 write request units a second"}},
		{"an index's on-demand ceiling removed, as DynamoDB writes none", func(d *deployed) {
			index(d, payments, "ByOrder").OnDemandThroughput = &dbtypes.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(-1), MaxWriteRequestUnits: aws.Int64(-1)}
		}, []string{paymentsFail + "on-demand ceiling of index ByOrder: DescribeTable gives no OnDemandThroughput; the template sets an on-demand ceiling of 1000 read and 500 write request units a second"}},
		{"a scalable target's maximum raised", func(d *deployed) { target(d, "table/"+orders, readDimension).MaxCapacity = aws.Int32(40000) },
			[]string{ordersFail + "scalable target OrdersTableReadScalableTarget scales the read capacity of the table between 5 and 40000, the template says 5 and 200"}},
		{"a scalable target's minimum lowered", func(d *deployed) {
			target(d, "table/"+orders+"/index/ByStatus", "dynamodb:index:WriteCapacityUnits").MinCapacity = aws.Int32(1)
		}, []string{ordersFail + "scalable target OrdersTableIndexByStatusWriteScalableTarget scales the write capacity of index ByStatus between 1 and 100, the template says 5 and 100"}},
		{"a scalable target's scaling out suspended", func(d *deployed) {
			target(d, "table/"+orders, readDimension).SuspendedState.DynamicScalingOutSuspended = aws.Bool(true)
		}, []string{ordersFail + "scalable target OrdersTableReadScalableTarget has suspended scaling out, the template suspends none"}},
		{"a scalable target deregistered, and its policy with it", func(d *deployed) {
			d.scalableTargets = slices.DeleteFunc(d.scalableTargets, func(t scalingtypes.ScalableTarget) bool {
				return *t.ResourceId == "table/"+orders && string(t.ScalableDimension) == readDimension
			})
			d.scalingPolicies = slices.DeleteFunc(d.scalingPolicies, func(p scalingtypes.ScalingPolicy) bool { return *p.PolicyName == "OrdersTableReadScalingPolicy" })
		}, []string{
			ordersFail + "scalable target OrdersTableReadScalableTarget (table/" + orders + " dynamodb:table:ReadCapacityUnits), which the template registers, is not registered: the read capacity of the table no longer follows the load",
			ordersFail + "scaling policy OrdersTableReadScalingPolicy (OrdersTableReadScalingPolicy), which the template puts on the read capacity of the table, is not there: the capacity no longer follows the load",
		}},
		{"a scalable target on a table the template scales none of", func(d *deployed) {
			d.scalableTargets = append(d.scalableTargets, scalableTarget("table/"+payments, readDimension, 1, 40000))
		}, []string{paymentsFail + "a scalable target the template does not register scales the read capacity of the table between 1 and 40000: it can lower the capacity to throttle the table, or raise the bill"}},
		{"a scaling policy added", func(d *deployed) {
			d.scalingPolicies = append(d.scalingPolicies, targetTrackingPolicy("x", "table/"+orders, "dynamodb:table:WriteCapacityUnits", "DynamoDBWriteCapacityUtilization", 99))
		}, []string{ordersFail + "scaling policy x (TargetTrackingScaling, tracks DynamoDBWriteCapacityUtilization at 99) on the write capacity of the table, which the template does not make: it can lower the capacity to throttle the table, or raise the bill"}},
		{"a scaling policy's target value changed", func(d *deployed) {
			policy(d, "OrdersTableIndexbycouponReadScalingPolicy").TargetTrackingScalingPolicyConfiguration.TargetValue = aws.Float64(20)
		}, []string{ordersFail + "scaling policy OrdersTableIndexbycouponReadScalingPolicy on the read capacity of index by-coupon tracks DynamoDBReadCapacityUtilization at 20, the template says it tracks DynamoDBReadCapacityUtilization at 70"}},
		{"a scaling policy that never scales in", func(d *deployed) {
			policy(d, "OrdersTableWriteScalingPolicy").TargetTrackingScalingPolicyConfiguration.DisableScaleIn = aws.Bool(true)
		}, []string{ordersFail + "scaling policy OrdersTableWriteScalingPolicy on the write capacity of the table tracks DynamoDBWriteCapacityUtilization at 70, never scaling in, the template says it tracks DynamoDBWriteCapacityUtilization at 70"}},
		{"a scaling policy cooling down an hour before scaling out again", func(d *deployed) {
			policy(d, "OrdersTableWriteScalingPolicy").TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown = aws.Int32(3600)
		}, []string{ordersFail + "scaling policy OrdersTableWriteScalingPolicy on the write capacity of the table tracks DynamoDBWriteCapacityUtilization at 70, cooling down 0 s after scaling in and 3600 s after scaling out, the template says it tracks DynamoDBWriteCapacityUtilization at 70"}},
		{"a step scaling policy in place of the template's", func(d *deployed) {
			p := policy(d, "OrdersTableWriteScalingPolicy")
			p.PolicyType, p.TargetTrackingScalingPolicyConfiguration = scalingtypes.PolicyTypeStepScaling, nil
		}, []string{ordersFail + "scaling policy OrdersTableWriteScalingPolicy on the write capacity of the table is of type StepScaling, the template says TargetTrackingScaling"}},
		{"a grant principal's key statement without its encryption context", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `,
		"StringLike": {"kms:EncryptionContext:aws:dynamodb:tableName": "`+stackName+`-PaymentsTable-*"}}}`, `}}`, 1)
		}, []string{key + "more than the template: PaymentsGrant1UsesKeyThroughDynamoDB: condition StringLike kms:EncryptionContext:aws:dynamodb:tableName " + stackName + "-PaymentsTable-* removed"}},
		{"a grant principal's key statement without kms:ViaService", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `"kms:CallerAccount": "210987654321", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"`, `"kms:CallerAccount": "210987654321"`, 1)
		}, []string{
			key + "more than the template: OrdersGrant2UsesKeyThroughDynamoDB: condition StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com removed",
			"FAIL key StackKmsKey: deployed key policy: gen check KEY009: arn:aws:iam::210987654321:role/analytics of account 210987654321 may call kms:Decrypt other than through DynamoDB: another account may decrypt with the key directly",
		}},
		{"a grant principal's key statement for another table", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, stackName+`-PaymentsTable-*"}}}`, stackName+`-*"}}}`, 1)
		}, []string{key + "more than the template: PaymentsGrant1UsesKeyThroughDynamoDB: condition StringLike kms:EncryptionContext:aws:dynamodb:tableName " + stackName + "-PaymentsTable-* widened to StringLike kms:EncryptionContext:aws:dynamodb:tableName " + stackName + "-*"}},
		{"a grant principal's key statement removed", func(d *deployed) {
			d.keyPolicy = strings.Replace(d.keyPolicy, `,
		`+grantStatement("PaymentsGrant2UsesKeyThroughDynamoDB", "arn:aws:iam::123456789012:role/refunds", "123456789012", "Payments"), "", 1)
		}, []string{key + "less than the template: PaymentsGrant2UsesKeyThroughDynamoDB: no longer allows arn:aws:iam::123456789012:role/refunds kms:Decrypt on * when StringEquals kms:CallerAccount 123456789012 and StringLike kms:EncryptionContext:aws:dynamodb:tableName " + stackName + "-PaymentsTable-* and StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com"}},
		{"a table's resource policy gaining a principal", func(d *deployed) {
			d.policies[ordersARN] = strings.Replace(d.policies[ordersARN], `{"AWS": "arn:aws:iam::210987654321:role/analytics"}`, `{"AWS": ["arn:aws:iam::210987654321:role/analytics", "arn:aws:iam::444455556666:root"]}`, 1)
		}, []string{ordersFail + "resource policy allows more than the template: Grant2ReadsItems: principal arn:aws:iam::444455556666:root added"}},
		{"a table's resource policy removed", func(d *deployed) { delete(d.policies, paymentsARN) }, []string{
			paymentsFail + "resource policy allows less than the template: Grant1ReadsAndWritesItems: no longer allows arn:aws:iam::123456789012:role/payments-service dynamodb:BatchGetItem, dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem, dynamodb:DeleteItem, dynamodb:DescribeTable, dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query, dynamodb:Scan, dynamodb:UpdateItem on *",
			paymentsFail + "resource policy allows less than the template: Grant2WritesItems: no longer allows arn:aws:iam::123456789012:role/refunds dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem, dynamodb:DeleteItem, dynamodb:DescribeTable, dynamodb:PutItem, dynamodb:UpdateItem on *",
		}},
		{"the stream's resource policy gaining a principal", func(d *deployed) {
			d.policies[ordersStream] = strings.Replace(d.policies[ordersStream], `"Resource": "*"}`, `"Resource": "*"}, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "dynamodb:GetRecords", "Resource": "*"}`, 1)
		}, []string{ordersFail + "stream resource policy allows more than the template: statement 2: nothing in the other policy allows arn:aws:iam::444455556666:root dynamodb:GetRecords on *"}},
		{"the stream's resource policy removed", func(d *deployed) { delete(d.policies, ordersStream) }, []string{
			ordersFail + "stream resource policy allows less than the template: Grant3ReadsStream: no longer allows arn:aws:iam::123456789012:role/orders-consumer dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator on *",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := teams(t)
			tt.tamper(d)
			failed := notPassing(run(t, d, false))
			assertLines(t, failed, tt.want)
		})
	}
}

// One key encrypts both tables (key.scope: stack): it is asked about once
// per question, whatever the number of tables, and its policy is compared
// statement by statement, each grant principal's with its own table's
// encryption context, above. Each table is described once for its checks,
// and the Region's auto scaling is listed once for every table.
func TestAKeySharedByTablesIsVerifiedOnce(t *testing.T) {
	d := teams(t)
	var keyLines int
	for _, l := range run(t, d, false) {
		if l.Subject == "key StackKmsKey" {
			keyLines++
		}
	}
	if keyLines != 4 {
		t.Errorf("%d lines for the key, want 4: its state, rotation, policy and grants", keyLines)
	}
	want := map[string]int{
		"DescribeKey": 1, "GetKeyRotationStatus": 1, "GetKeyPolicy": 1, "ListGrants": 1, "DescribeTable": 2,
		"DescribeScalableTargets": 4, "DescribeScalingPolicies": 3, // 7 targets and 6 policies, two to a page
	}
	for operation, n := range want {
		if d.asked[operation] != n {
			t.Errorf("%s asked %d times, want %d", operation, d.asked[operation], n)
		}
	}
}

// Auto scaling that cannot be listed is not verifiable on an emulator and
// fails on AWS, for each table: a scalable target may be there unseen.
func TestAutoScalingThatCannotBeListedNeverPasses(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: application-autoscaling:DescribeScalableTargets"}
	for _, emulator := range []bool{false, true} {
		d := teams(t)
		d.scalingErr = denied
		got := notPassing(run(t, d, emulator))
		question := "auto scaling: DescribeScalableTargets: api error AccessDeniedException: not authorized to perform: application-autoscaling:DescribeScalableTargets"
		outcome := "FAIL"
		if emulator {
			question, outcome = strings.Replace(question, "auto scaling:", "auto scaling not verifiable on this emulator:", 1), "N/A"
		}
		assertLines(t, got, []string{outcome + " table OrdersTable: " + question, outcome + " table PaymentsTable: " + question})
	}
}

// Auto scaling of the template that verify does not compare fails, naming
// why: another service's, a policy other than target tracking, and a
// policy on a target verify does not compare.
func TestAutoScalingVerifyDoesNotCompareFails(t *testing.T) {
	d := teams(t)
	d.template = strings.Replace(d.template, "  OrdersWriteFunctionRole:\n", `  ProvisionedConcurrency:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 10
      MinCapacity: 1
      ResourceId: function:orders:live
      ScalableDimension: lambda:function:ProvisionedConcurrency
      ServiceNamespace: lambda
  ProvisionedConcurrencyPolicy:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: utilization
      PolicyType: TargetTrackingScaling
      ScalingTargetId: !Ref ProvisionedConcurrency
      TargetTrackingScalingPolicyConfiguration:
        PredefinedMetricSpecification:
          PredefinedMetricType: LambdaProvisionedConcurrencyUtilization
        TargetValue: 70
  OrdersTableWriteStepPolicy:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: steps
      PolicyType: StepScaling
      ScalingTargetId: !Ref OrdersTableWriteScalableTarget
      StepScalingPolicyConfiguration:
        AdjustmentType: ChangeInCapacity
        StepAdjustments:
          - MetricIntervalLowerBound: 0
            ScalingAdjustment: 10
  OrdersWriteFunctionRole:
`, 1)
	d.listed = append(d.listed,
		stackResource("ProvisionedConcurrency", "function:orders:live|lambda:function:ProvisionedConcurrency|lambda", "AWS::ApplicationAutoScaling::ScalableTarget"),
		stackResource("ProvisionedConcurrencyPolicy", "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:2:resource/lambda/function:orders:live:policyName/utilization", "AWS::ApplicationAutoScaling::ScalingPolicy"),
		stackResource("OrdersTableWriteStepPolicy", "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:3:resource/dynamodb/table/"+orders+":policyName/steps", "AWS::ApplicationAutoScaling::ScalingPolicy"))
	got := notPassing(run(t, d, false))
	const notCompared = ": verify does not compare it, so the stack is not proven"
	assertLines(t, got, []string{
		`FAIL resource OrdersTableWriteStepPolicy: AWS::ApplicationAutoScaling::ScalingPolicy PolicyType "StepScaling": verify compares target-tracking policies only` + notCompared,
		`FAIL resource ProvisionedConcurrency: AWS::ApplicationAutoScaling::ScalableTarget ServiceNamespace "lambda": verify compares DynamoDB's auto scaling only` + notCompared,
		"FAIL resource ProvisionedConcurrencyPolicy: AWS::ApplicationAutoScaling::ScalingPolicy its scalable target ProvisionedConcurrency is not compared" + notCompared,
	})
}

// policiesOverHTTP answers GetResourcePolicy as DynamoDB does over HTTP, a
// policyserver's, and everything else as deployed does.
type policiesOverHTTP struct {
	*deployed
	client *dynamodb.Client
}

func (p policiesOverHTTP) GetResourcePolicy(ctx context.Context, in *dynamodb.GetResourcePolicyInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetResourcePolicyOutput, error) {
	return p.client.GetResourcePolicy(ctx, in, opts...)
}

// moto 5.2.1 cannot attach a resource policy to a stream, so what verify
// does with one on AWS is proven against a server that answers
// PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy as the
// DynamoDB API reference documents them, through the SDK's client: the
// policies put as CloudFormation puts them (the template's documents as
// JSON), then changed as someone with the account's credentials could.
func TestTheStreamsPolicyIsComparedAsDynamoDBAnswers(t *testing.T) {
	const subject = "table OrdersTable"
	another := `{"Version": "2012-10-17", "Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "dynamodb:GetRecords", "Resource": "*"}]}`
	tests := []struct {
		name     string
		known    []string // the resources DynamoDB knows
		change   func(context.Context, *dynamodb.Client) error
		emulator bool
		want     []string
	}{
		{"as CloudFormation put it", []string{ordersARN, ordersStream, paymentsARN}, nil, false, []string{
			"PASS " + subject + ": resource policy as the template promised (Grant1ReadsItems, Grant2ReadsItems)",
			"PASS " + subject + ": stream resource policy as the template promised (Grant3ReadsStream)",
		}},
		{"replaced by one for another account", []string{ordersARN, ordersStream, paymentsARN}, func(ctx context.Context, c *dynamodb.Client) error {
			_, err := c.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(ordersStream), Policy: &another})
			return err
		}, false, []string{
			"PASS " + subject + ": resource policy as the template promised (Grant1ReadsItems, Grant2ReadsItems)",
			"FAIL " + subject + ": stream resource policy allows more than the template: Partner: nothing in the other policy allows arn:aws:iam::444455556666:root dynamodb:GetRecords on *",
			"FAIL " + subject + ": stream resource policy allows less than the template: Grant3ReadsStream: no longer allows arn:aws:iam::123456789012:role/orders-consumer dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator on *",
		}},
		{"deleted", []string{ordersARN, ordersStream, paymentsARN}, func(ctx context.Context, c *dynamodb.Client) error {
			_, err := c.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(ordersStream)})
			return err
		}, false, []string{
			"PASS " + subject + ": resource policy as the template promised (Grant1ReadsItems, Grant2ReadsItems)",
			"FAIL " + subject + ": stream resource policy allows less than the template: Grant3ReadsStream: no longer allows arn:aws:iam::123456789012:role/orders-consumer dynamodb:DescribeStream, dynamodb:GetRecords, dynamodb:GetShardIterator on *",
		}},
		{"a stream DynamoDB does not know, on AWS", []string{ordersARN, paymentsARN}, nil, false, []string{
			"PASS " + subject + ": resource policy as the template promised (Grant1ReadsItems, Grant2ReadsItems)",
			"FAIL " + subject + ": stream resource policy: GetResourcePolicy: operation error DynamoDB: GetResourcePolicy, https response error StatusCode: 400, RequestID: , ResourceNotFoundException: Requested resource not found: " + ordersStream,
		}},
		{"a stream the emulator does not know", []string{ordersARN, paymentsARN}, nil, true, []string{
			"PASS " + subject + ": resource policy as the template promised (Grant1ReadsItems, Grant2ReadsItems)",
			"N/A " + subject + ": stream resource policy not verifiable on this emulator: GetResourcePolicy: operation error DynamoDB: GetResourcePolicy, https response error StatusCode: 400, RequestID: , ResourceNotFoundException: Requested resource not found: " + ordersStream,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := teams(t)
			client, stop := policyserver.Start(tt.known...)
			defer stop()
			ctx := context.Background()
			for _, arn := range tt.known {
				if _, err := client.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(d.policies[arn])}); err != nil {
					t.Fatalf("PutResourcePolicy %s: %v", arn, err)
				}
			}
			if tt.change != nil {
				if err := tt.change(ctx, client); err != nil {
					t.Fatal(err)
				}
			}
			v := Verifier{CloudFormation: d, DynamoDB: policiesOverHTTP{d, client}, KMS: d, Lambda: deployedLambda{d}, IAM: d, S3: d, AutoScaling: d, Emulator: tt.emulator}
			lines, err := v.Stack(ctx, stackName)
			if err != nil {
				t.Fatal(err)
			}
			var got []Line
			for _, l := range lines {
				if l.Subject == subject && strings.Contains(l.Detail, "resource policy") {
					got = append(got, l)
				}
			}
			assertLines(t, got, tt.want)
		})
	}
}

// skippedByMoto lists the template's auto scaling as moto 5.2.1 lists what
// its CloudFormation skips: each with no logical id, no physical id and no
// type.
func skippedByMoto(d *deployed) {
	skipped := 0
	d.listed = slices.DeleteFunc(d.listed, func(r cfntypes.StackResourceSummary) bool {
		if strings.HasPrefix(*r.ResourceType, "AWS::ApplicationAutoScaling::") {
			skipped++
			return true
		}
		return false
	})
	for range skipped {
		d.listed = append(d.listed, cfntypes.StackResourceSummary{LogicalResourceId: aws.String(""), PhysicalResourceId: aws.String(""), ResourceType: aws.String(""), ResourceStatus: cfntypes.ResourceStatusCreateComplete})
	}
}

// A resource the template makes that the stack does not hold with a
// physical id never passes as deployed: on AWS it fails; with -emulator it
// is not verifiable, saying what moto skipped, and what was made in its
// place through the API is still compared by its own id; a global table or
// a replica key, which nothing made through the API stands in for, fails.
func TestAResourceTheStackDoesNotHoldNeverPassesAsDeployed(t *testing.T) {
	skippedLines := func(outcome Outcome) []string {
		var out []string
		for _, s := range ordersScaling {
			key := "table/" + orders + s.index + " " + s.dimension
			if outcome == Fail {
				out = append(out,
					"FAIL resource "+s.prefix+"ScalableTarget: AWS::ApplicationAutoScaling::ScalableTarget, which the template makes, is not in the stack: the stack is not as its template says",
					"FAIL resource "+s.prefix+"ScalingPolicy: AWS::ApplicationAutoScaling::ScalingPolicy, which the template makes, is not in the stack: the stack is not as its template says")
				continue
			}
			const skipped = " not verifiable on this emulator: the stack does not list it by name, and lists 12 resources with no logical id, as moto's CloudFormation lists the types it skips; in its place, "
			out = append(out,
				"N/A resource "+s.prefix+"ScalableTarget: AWS::ApplicationAutoScaling::ScalableTarget"+skipped+"the scalable target made through Application Auto Scaling's API (scripts/moto-compat) is compared by its id ("+key+") under table OrdersTable",
				"N/A resource "+s.prefix+"ScalingPolicy: AWS::ApplicationAutoScaling::ScalingPolicy"+skipped+"the scaling policy put through Application Auto Scaling's API (scripts/moto-compat) is compared by its name and target ("+s.prefix+"ScalingPolicy on "+key+") under table OrdersTable")
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name     string
		change   func(*deployed)
		emulator bool
		want     []string
	}{
		{"auto scaling skipped as moto skips it, on AWS", skippedByMoto, false, append(skippedLines(Fail),
			"FAIL stack: lists 12 resources with no logical id, which verify cannot match with the template's: the stack is not as its template says")},
		{"auto scaling skipped as moto skips it, on the emulator, made in its place", skippedByMoto, true, skippedLines(NotVerifiable)},
		{"auto scaling skipped as moto skips it, on the emulator, one target not made in its place", func(d *deployed) {
			skippedByMoto(d)
			d.scalableTargets = d.scalableTargets[1:]
		}, true, append(skippedLines(NotVerifiable),
			"FAIL table OrdersTable: scalable target OrdersTableReadScalableTarget (table/"+orders+" dynamodb:table:ReadCapacityUnits), which the template registers, is not registered: the read capacity of the table no longer follows the load")},
		{"more resources missing than moto lists without ids", func(d *deployed) {
			skippedByMoto(d)
			d.listed = slices.DeleteFunc(d.listed, func(r cfntypes.StackResourceSummary) bool { return *r.LogicalResourceId == "StackKmsKeyAlias" })
		}, true, append(skippedLines(Fail),
			"FAIL resource StackKmsKeyAlias: AWS::KMS::Alias, which the template makes, is not in the stack: the stack is not as its template says",
			"FAIL stack: lists 12 resources with no logical id, which verify cannot match with the template's: the stack is not as its template says")},
		{"a resource listed by name without a physical id, on AWS", func(d *deployed) { d.listed[1].PhysicalResourceId = aws.String("") }, false, []string{
			"FAIL resource StackKmsKeyAlias: AWS::KMS::Alias, which the template makes, has no physical id (status CREATE_COMPLETE): the stack is not as its template says",
		}},
		{"a resource listed by name without a physical id, on the emulator", func(d *deployed) { d.listed[1].PhysicalResourceId = aws.String("") }, true, []string{
			"N/A resource StackKmsKeyAlias: AWS::KMS::Alias not verifiable on this emulator: the stack lists it with no physical id (status CREATE_COMPLETE), as moto's CloudFormation lists a type it skips; nothing made in its place is compared: it is not proven",
		}},
		{"a resource whose condition is false for the stack", func(d *deployed) {
			d.template = strings.Replace(d.template, "Resources:\n", "Conditions:\n  Aliased: !Equals [!Ref AWS::Region, eu-west-1]\nResources:\n", 1)
			d.template = strings.Replace(d.template, "  StackKmsKeyAlias:\n    Type: AWS::KMS::Alias\n", "  StackKmsKeyAlias:\n    Type: AWS::KMS::Alias\n    Condition: Aliased\n", 1)
			d.template = strings.Replace(d.template, "    Value: !Ref StackKmsKeyAlias\n", "    Value: !If [Aliased, !Ref StackKmsKeyAlias, !Ref AWS::NoValue]\n", 2)
			d.listed = slices.Delete(d.listed, 1, 2)
		}, false, nil},
		{"a resource whose condition cannot be known", func(d *deployed) {
			d.template = strings.Replace(d.template, "Resources:\n", "Conditions:\n  Aliased: !Equals [!ImportValue aliased, 'true']\nResources:\n", 1)
			d.template = strings.Replace(d.template, "  StackKmsKeyAlias:\n    Type: AWS::KMS::Alias\n", "  StackKmsKeyAlias:\n    Type: AWS::KMS::Alias\n    Condition: Aliased\n", 1)
			d.template = strings.Replace(d.template, "    Value: !Ref StackKmsKeyAlias\n", "    Value: !If [Aliased, !Ref StackKmsKeyAlias, !Ref AWS::NoValue]\n", 2)
			d.listed = slices.Delete(d.listed, 1, 2)
		}, false, []string{
			"FAIL resource StackKmsKeyAlias: whether the template makes it cannot be known: Fn::ImportValue aliased: not known before deployment",
		}},
		{"a replica key moto skipped", func(d *deployed) {
			d.template = strings.Replace(d.template, "  StackKmsKeyAlias:\n", "  StackKmsKeyReplica:\n    Type: AWS::KMS::ReplicaKey\n    Properties:\n      PrimaryKeyArn: !GetAtt StackKmsKey.Arn\n      KeyPolicy:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root\n            Action: kms:*\n            Resource: '*'\n  StackKmsKeyAlias:\n", 1)
			d.listed = append(d.listed, cfntypes.StackResourceSummary{LogicalResourceId: aws.String(""), PhysicalResourceId: aws.String(""), ResourceType: aws.String(""), ResourceStatus: cfntypes.ResourceStatusCreateComplete})
		}, true, []string{
			"FAIL resource StackKmsKeyReplica: AWS::KMS::ReplicaKey, which the template makes, is not in the stack: moto's CloudFormation skips the type, as the stack's listing shows, and nothing made in its place holds a replica or its key: it is not deployed",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := teams(t)
			tt.change(d)
			got := notPassing(run(t, d, tt.emulator))
			assertLines(t, got, tt.want)
		})
	}
}
