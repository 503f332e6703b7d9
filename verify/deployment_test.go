package verify

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// golden/global deployed: a multi-Region primary key in us-east-1 and its
// replicas in eu-west-1 and ap-southeast-2, and a global table with a
// replica in each, as awsServer holds them.
const (
	globalAccount = "123456789012"
	mrk           = "mrk-1234abcd12ab34cd56ef1234567890ab" // AWS's documented form of a multi-Region key id
	globalTable   = "orders-global-OrdersTable-1A2B3C4D5E6F"
	globalRole    = "orders-global-keys-us-east-1-OrdersWriteFunctionRo-1A2B3C4D5E6F"
	otherKey      = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

var globalRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}

func mrkARN(region string) string {
	return "arn:aws:kms:" + region + ":" + globalAccount + ":key/" + mrk
}

func globalTableARN(region string) string {
	return "arn:aws:dynamodb:" + region + ":" + globalAccount + ":table/" + globalTable
}

func globalRoleARN() string { return "arn:aws:iam::" + globalAccount + ":role/" + globalRole }

// keyStackName is the name of the key stack of a Region.
func keyStackName(region string) string { return "orders-global-keys-" + region }

// globalDeployment reads golden/global and gives what awsServer holds of
// it deployed. The table stack's template is held as CloudFormation
// processes it, without its writer function and log group: what verify
// checks of a function is proven on moto and in verify_test.go.
func globalDeployment(t *testing.T) (*deployment.Dir, *awsServer) {
	t.Helper()
	d, err := deployment.Load("../golden/global")
	if err != nil {
		t.Fatal(err)
	}
	a := &awsServer{stacks: map[string]map[string]*cfnStack{}, tables: map[string]map[string]map[string]any{}, keys: map[string]map[string]*kmsKey{}, roles: map[string]*iamRole{}}
	for _, region := range globalRegions {
		a.stacks[region], a.tables[region], a.keys[region] = map[string]*cfnStack{}, map[string]map[string]any{}, map[string]*kmsKey{}
		src, err := os.ReadFile("../golden/global/keys-" + region + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		keyType, parameters := "AWS::KMS::ReplicaKey", map[string]string{"OrdersPrimaryKeyArn": mrkARN("us-east-1")}
		policy := `{"Version": "2012-10-17", "Statement": [
			{"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
			{"Sid": "DynamoDBDescribesKey", "Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"}, "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"}]}`
		resources := []cfnResource{{"OrdersTableKmsKey", mrk, keyType}, {"OrdersTableKmsKeyAlias", "alias/orders-global/OrdersTable", "AWS::KMS::Alias"}}
		outputs := map[string]string{"OrdersKeyArn": mrkARN(region)}
		config := map[string]any{"MultiRegionKeyType": "REPLICA", "PrimaryKey": map[string]any{"Arn": mrkARN("us-east-1"), "Region": "us-east-1"}}
		var replicas []any
		for _, r := range globalRegions[1:] {
			replicas = append(replicas, map[string]any{"Arn": mrkARN(r), "Region": r})
		}
		config["ReplicaKeys"] = replicas
		if region == "us-east-1" {
			keyType, parameters, config["MultiRegionKeyType"] = "AWS::KMS::Key", map[string]string{}, "PRIMARY"
			resources[0].typ = keyType
			resources = append(resources, cfnResource{"OrdersWriteFunctionRole", globalRole, "AWS::IAM::Role"})
			outputs["OrdersWriterRoleArn"], outputs["OrdersWriterRoleName"] = globalRoleARN(), globalRole
			policy = `{"Version": "2012-10-17", "Statement": [
				{"Sid": "AccountRootAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
				{"Sid": "WriterUsesKeyThroughDynamoDB", "Effect": "Allow", "Principal": {"AWS": "` + globalRoleARN() + `"},
				 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
				 "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}},
				{"Sid": "DynamoDBDescribesKey", "Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"}, "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"}]}`
		}
		a.stacks[region][keyStackName(region)] = &cfnStack{
			id:       "arn:aws:cloudformation:" + region + ":" + globalAccount + ":stack/" + keyStackName(region) + "/b5a0a0d0-0000-11f0-8000-0a1b2c3d4e5f",
			template: string(src), parameters: parameters, outputs: outputs, resources: resources,
		}
		a.keys[region][mrk] = &kmsKey{
			metadata: map[string]any{
				"AWSAccountId": globalAccount, "KeyId": mrk, "Arn": mrkARN(region), "CreationDate": 1.7959104e9, "Enabled": true,
				"Description": "Encrypts OrdersTable in " + region + " at rest", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled",
				"Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"},
				"MultiRegion": true, "MultiRegionConfiguration": config,
			},
			policy: policy, rotation: true,
			grants: []map[string]any{{
				"KeyId": mrkARN(region), "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60", "CreationDate": 1.7959104e9,
				"GranteePrincipal": "dynamodb." + region + ".amazonaws.com", "RetiringPrincipal": "dynamodb." + region + ".amazonaws.com",
				"IssuingAccount": "arn:aws:iam::" + globalAccount + ":root", "Operations": []string{"Decrypt", "Encrypt", "GenerateDataKey", "ReEncryptFrom", "ReEncryptTo", "RetireGrant", "DescribeKey"},
				"Constraints": map[string]any{"EncryptionContextSubset": map[string]string{"aws:dynamodb:tableName": globalTable, "aws:dynamodb:subscriberId": globalAccount}},
			}},
		}
	}
	a.roles[globalRole] = &iamRole{
		arn:      globalRoleARN(),
		trust:    `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`,
		inline:   map[string]string{"PutItemsIntoTable": `{"Version": "2012-10-17", "Statement": [{"Sid": "PutItemsIntoTable", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "` + globalTableARN("us-east-1") + `"}]}`},
		attached: []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
	}
	a.stacks["us-east-1"]["orders-global"] = &cfnStack{
		id:       "arn:aws:cloudformation:us-east-1:" + globalAccount + ":stack/orders-global/c6b1b1e1-0000-11f0-8000-0a1b2c3d4e5f",
		template: processedWithoutWriter(t, d.Templates["orders-global"]),
		parameters: map[string]string{
			"OrdersKeyArnUsEast1": mrkARN("us-east-1"), "OrdersKeyArnEuWest1": mrkARN("eu-west-1"), "OrdersKeyArnApSoutheast2": mrkARN("ap-southeast-2"),
			"OrdersWriterRoleArn": globalRoleARN(), "OrdersWriterRoleName": globalRole,
		},
		outputs:   map[string]string{"OrdersTableName": globalTable, "OrdersTableArn": globalTableARN("us-east-1"), "OrdersKeyArn": mrkARN("us-east-1")},
		resources: []cfnResource{{"OrdersTable", globalTable, "AWS::DynamoDB::GlobalTable"}, {"OrdersWriteFunctionPolicy", "order-Orde-1A2B3C4D5E6F", "AWS::IAM::Policy"}},
	}
	a.tables["us-east-1"][globalTable] = map[string]any{
		"TableName": globalTable, "TableArn": globalTableARN("us-east-1"), "TableId": "2f1b7e0c-0000-11f0-8000-0a1b2c3d4e5f",
		"TableStatus": "ACTIVE", "CreationDateTime": 1.7959104e9, "GlobalTableVersion": "2019.11.21",
		"AttributeDefinitions": []any{map[string]string{"AttributeName": "customerId", "AttributeType": "S"}, map[string]string{"AttributeName": "orderId", "AttributeType": "S"}},
		"KeySchema":            []any{map[string]string{"AttributeName": "customerId", "KeyType": "HASH"}, map[string]string{"AttributeName": "orderId", "KeyType": "RANGE"}},
		"BillingModeSummary":   map[string]string{"BillingMode": "PAY_PER_REQUEST"},
		"StreamSpecification":  map[string]any{"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
		"LatestStreamArn":      globalTableARN("us-east-1") + "/stream/2026-11-27T10:00:00.000",
		"SSEDescription":       map[string]string{"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": mrkARN("us-east-1")},
		// The other Regions' replicas, as DescribeTable in the table's
		// own Region lists them.
		"Replicas": []any{
			map[string]any{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": mrkARN("eu-west-1")},
			map[string]any{"RegionName": "ap-southeast-2", "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": mrkARN("ap-southeast-2")},
		},
		"DeletionProtectionEnabled": false,
	}
	return d, a
}

// processedWithoutWriter is the table stack's template as CloudFormation
// holds it processed, as JSON, without the writer's function and log group.
func processedWithoutWriter(t *testing.T, tmpl *cfn.Template) string {
	t.Helper()
	root := map[string]any{}
	for section, v := range tmpl.Value() {
		root[section] = v
	}
	delete(root, "Transform")
	resources := map[string]any{}
	for id, r := range tmpl.Section("Resources") {
		if id != "OrdersWriteFunction" && id != "OrdersWriteFunctionLogGroup" {
			resources[id] = r
		}
	}
	outputs := map[string]any{}
	for id, o := range tmpl.Section("Outputs") {
		if !strings.HasPrefix(id, "OrdersWriterFunction") {
			outputs[id] = o
		}
	}
	root["Resources"], root["Outputs"] = resources, outputs
	out, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func verifyDeployment(t *testing.T, d *deployment.Dir, a *awsServer, emulator bool) []Line {
	t.Helper()
	return Deployment(context.Background(), d, verifiers(t, a, emulator), nil)
}

// golden/global, deployed as the API references document AWS's answers,
// passes every check: each stack in its Region, and what the deployment
// promises across them.
func TestADeploymentOfGlobalTablesPassesEveryCheck(t *testing.T) {
	d, a := globalDeployment(t)
	want := []string{
		"PASS orders-global-keys-us-east-1 template: gen check finds no error (0 warnings)",
		"PASS orders-global-keys-us-east-1 key OrdersTableKmsKey: Enabled",
		"PASS orders-global-keys-us-east-1 key OrdersTableKmsKey: rotation on, every 365 days",
		"PASS orders-global-keys-us-east-1 key OrdersTableKmsKey: key policy as the template promised (AccountRootAdministers, WriterUsesKeyThroughDynamoDB, DynamoDBDescribesKey), and gen check's key rules pass",
		"PASS orders-global-keys-us-east-1 key OrdersTableKmsKey: no grant but DynamoDB's (1)",
		"PASS orders-global-keys-us-east-1 key OrdersTableKmsKey: a multi-Region primary key, the primary of the deployment's replica keys key OrdersTableKmsKey of stack orders-global-keys-eu-west-1, key OrdersTableKmsKey of stack orders-global-keys-ap-southeast-2",
		"PASS orders-global-keys-us-east-1 role OrdersWriteFunctionRole: trust policy as the template promised",
		"PASS orders-global-keys-us-east-1 role OrdersWriteFunctionRole: inline policies as the template promised: PutItemsIntoTable",
		"PASS orders-global-keys-us-east-1 role OrdersWriteFunctionRole: managed policies as the template promised: arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		"PASS orders-global-keys-us-east-1 role OrdersWriteFunctionRole: no function outside the stack runs as it in us-east-1 (0 functions and versions there in all)",
	}
	for _, region := range globalRegions[1:] {
		stack := keyStackName(region)
		want = append(want,
			"PASS "+stack+" template: gen check finds no error (0 warnings)",
			"PASS "+stack+" key OrdersTableKmsKey: Enabled",
			"PASS "+stack+" key OrdersTableKmsKey: a replica of the primary key "+mrkARN("us-east-1")+", whose rotation it shares",
			"PASS "+stack+" key OrdersTableKmsKey: key policy as the template promised (AccountRootAdministers, DynamoDBDescribesKey), and gen check's key rules pass",
			"PASS "+stack+" key OrdersTableKmsKey: no grant but DynamoDB's (1)",
			"PASS "+stack+" parameter OrdersPrimaryKeyArn: output OrdersKeyArn of stack orders-global-keys-us-east-1, as stacks.json gives it")
	}
	want = append(want,
		"PASS orders-global template: gen check finds no error (0 warnings)",
		"PASS orders-global table OrdersTable: replica us-east-1 ACTIVE, encrypted with key OrdersTableKmsKey of stack orders-global-keys-us-east-1",
		"PASS orders-global table OrdersTable: replica eu-west-1 ACTIVE, encrypted with key OrdersTableKmsKey of stack orders-global-keys-eu-west-1",
		"PASS orders-global table OrdersTable: replica ap-southeast-2 ACTIVE, encrypted with key OrdersTableKmsKey of stack orders-global-keys-ap-southeast-2",
		"PASS orders-global parameter OrdersKeyArnApSoutheast2: output OrdersKeyArn of stack orders-global-keys-ap-southeast-2, as stacks.json gives it",
		"PASS orders-global parameter OrdersKeyArnEuWest1: output OrdersKeyArn of stack orders-global-keys-eu-west-1, as stacks.json gives it",
		"PASS orders-global parameter OrdersKeyArnUsEast1: output OrdersKeyArn of stack orders-global-keys-us-east-1, as stacks.json gives it",
		"PASS orders-global parameter OrdersWriterRoleArn: output OrdersWriterRoleArn of stack orders-global-keys-us-east-1, as stacks.json gives it",
		"PASS orders-global parameter OrdersWriterRoleName: output OrdersWriterRoleName of stack orders-global-keys-us-east-1, as stacks.json gives it",
		"PASS deployment gen check: the deployment rules find no error in the 4 stacks' templates as deployed")
	assertLines(t, verifyDeployment(t, d, a, false), want)
}

// Each way a deployed global table or its keys can differ from what the
// deployment promises fails, naming the stack and what differs.
func TestATamperedDeploymentOfGlobalTablesFails(t *testing.T) {
	replicaOf := func(a *awsServer, region string) map[string]any {
		for _, r := range a.tables["us-east-1"][globalTable]["Replicas"].([]any) {
			if r.(map[string]any)["RegionName"] == region {
				return r.(map[string]any)
			}
		}
		t.Fatalf("no replica in %s", region)
		return nil
	}
	tests := []struct {
		name     string
		tamper   func(a *awsServer)
		emulator bool
		want     []string
	}{
		{"a replica moved to another key", func(a *awsServer) { replicaOf(a, "eu-west-1")["KMSMasterKeyId"] = otherKey }, false, []string{
			"FAIL orders-global table OrdersTable: replica eu-west-1 is encrypted with " + otherKey + ", not key OrdersTableKmsKey of stack orders-global-keys-eu-west-1 (" + mrkARN("eu-west-1") + ")",
		}},
		{"a replica key's policy opened to any account", func(a *awsServer) {
			k := a.keys["eu-west-1"][mrk]
			k.policy = strings.Replace(k.policy, `"Statement": [`, `"Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}, `, 1)
		}, false, []string{
			"FAIL orders-global-keys-eu-west-1 key OrdersTableKmsKey: key policy allows more than the template: Anyone: nothing in the other policy allows * kms:Decrypt on *",
			"FAIL orders-global-keys-eu-west-1 key OrdersTableKmsKey: deployed key policy: gen check KEY005: an Allow to the * principal lets principals of any account call kms:Decrypt on the key: it has no condition",
		}},
		{"a replica inaccessible", func(a *awsServer) {
			replicaOf(a, "ap-southeast-2")["ReplicaStatus"] = "INACCESSIBLE_ENCRYPTION_CREDENTIALS"
		}, false, []string{
			"FAIL orders-global table OrdersTable: replica ap-southeast-2 is INACCESSIBLE_ENCRYPTION_CREDENTIALS: DynamoDB cannot use its key; after 20 hours so, DynamoDB converts it to a single-Region table",
		}},
		{"a replica key that is not a replica of the primary", func(a *awsServer) {
			other := "arn:aws:kms:us-west-2:123456789012:key/mrk-0000abcd12ab34cd56ef1234567890ab"
			a.keys["eu-west-1"][mrk].metadata["MultiRegionConfiguration"] = map[string]any{"MultiRegionKeyType": "REPLICA",
				"PrimaryKey": map[string]any{"Arn": other, "Region": "us-west-2"}, "ReplicaKeys": []any{map[string]any{"Arn": mrkARN("eu-west-1"), "Region": "eu-west-1"}}}
			primary := a.keys["us-east-1"][mrk].metadata["MultiRegionConfiguration"].(map[string]any)
			primary["ReplicaKeys"] = []any{map[string]any{"Arn": mrkARN("ap-southeast-2"), "Region": "ap-southeast-2"}}
		}, false, []string{
			"FAIL orders-global-keys-us-east-1 key OrdersTableKmsKey: not the primary of key OrdersTableKmsKey of stack orders-global-keys-eu-west-1 (" + mrkARN("eu-west-1") + "), which the deployment makes its replicas: they do not share its key material or rotation",
			"FAIL orders-global-keys-eu-west-1 key OrdersTableKmsKey: a replica of arn:aws:kms:us-west-2:123456789012:key/mrk-0000abcd12ab34cd56ef1234567890ab, not of the primary key the template names, " + mrkARN("us-east-1"),
		}},
		{"the primary key made single-Region, as moto makes it", func(a *awsServer) {
			m := a.keys["us-east-1"][mrk].metadata
			m["MultiRegion"] = false
			delete(m, "MultiRegionConfiguration")
		}, false, []string{
			"FAIL orders-global-keys-us-east-1 key OrdersTableKmsKey: the template makes it a multi-Region primary key; it is a single-Region key",
		}},
		{"a key disabled in a replica's Region", func(a *awsServer) { a.keys["ap-southeast-2"][mrk].metadata["KeyState"] = "Disabled" }, false, []string{
			"FAIL orders-global-keys-ap-southeast-2 key OrdersTableKmsKey: state is Disabled, not Enabled: its tables become inaccessible",
		}},
		{"a grant on a replica key to someone other than DynamoDB", func(a *awsServer) {
			k := a.keys["eu-west-1"][mrk]
			k.grants = append(k.grants, map[string]any{"KeyId": mrkARN("eu-west-1"), "GrantId": "g-other", "GranteePrincipal": "arn:aws:iam::111122223333:root", "Operations": []string{"Decrypt"}})
		}, false, []string{
			"FAIL orders-global-keys-eu-west-1 key OrdersTableKmsKey: grants the template does not make: g-other lets arn:aws:iam::111122223333:root [Decrypt]",
		}},
		{"a replica in a Region the template does not make", func(a *awsServer) {
			table := a.tables["us-east-1"][globalTable]
			table["Replicas"] = append(table["Replicas"].([]any), map[string]any{"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"})
		}, false, []string{
			"FAIL orders-global table OrdersTable: a replica in us-west-2, which the template does not make: its data and key are outside the deployment",
		}},
		{"the table stack given another Region's key for a replica", func(a *awsServer) {
			a.stacks["us-east-1"]["orders-global"].parameters["OrdersKeyArnEuWest1"] = mrkARN("ap-southeast-2")
			replicaOf(a, "eu-west-1")["KMSMasterKeyId"] = mrkARN("ap-southeast-2")
		}, false, []string{
			"FAIL orders-global table OrdersTable: replica eu-west-1: the stack was deployed with key " + mrkARN("ap-southeast-2") + " (parameter OrdersKeyArnEuWest1 of stack orders-global (tables.yaml), output OrdersKeyArn of stack orders-global-keys-eu-west-1 (keys-eu-west-1.yaml)), not key OrdersTableKmsKey of stack orders-global-keys-eu-west-1, " + mrkARN("eu-west-1"),
			`FAIL orders-global parameter OrdersKeyArnEuWest1: is "` + mrkARN("ap-southeast-2") + `", not output OrdersKeyArn of stack orders-global-keys-eu-west-1, "` + mrkARN("eu-west-1") + `": the stacks are not wired as stacks.json says`,
		}},
		{"a replica key's template updated to close it to DynamoDB in its Region", func(a *awsServer) {
			s := a.stacks["eu-west-1"][keyStackName("eu-west-1")]
			s.template = strings.Replace(s.template, "          - Sid: DynamoDBDescribesKey\n",
				"          - Sid: NeverThroughDynamoDBHere\n            Effect: Deny\n            Principal: '*'\n            Action: kms:Decrypt\n            Resource: '*'\n            Condition:\n              StringEquals:\n                kms:ViaService: !Sub dynamodb.${AWS::Region}.amazonaws.com\n          - Sid: DynamoDBDescribesKey\n", 1)
			k := a.keys["eu-west-1"][mrk]
			k.policy = strings.Replace(k.policy, `{"Sid": "DynamoDBDescribesKey"`, `{"Sid": "NeverThroughDynamoDBHere", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"}}}, {"Sid": "DynamoDBDescribesKey"`, 1)
		}, false, []string{
			"FAIL deployment gen check: keys-eu-west-1.yaml DEP002 OrdersTableKmsKey: encrypts replica 2 (eu-west-1) of table OrdersTable of stack orders-global (tables.yaml), but lets no principal of the account call kms:Decrypt through DynamoDB in eu-west-1 (kms:ViaService dynamodb.eu-west-1.amazonaws.com), by itself or through IAM: the replica cannot be created, or becomes inaccessible",
		}},
		{"a key stack not deployed", func(a *awsServer) { delete(a.stacks["ap-southeast-2"], keyStackName("ap-southeast-2")) }, false, []string{
			"FAIL orders-global-keys-ap-southeast-2 stack: cannot be read in ap-southeast-2: stack \"orders-global-keys-ap-southeast-2\": operation error CloudFormation: DescribeStacks, https response error StatusCode: 400, RequestID: b9b4b068-3a41-11e5-94eb-example, api error ValidationError: Stack with id orders-global-keys-ap-southeast-2 does not exist",
			"FAIL orders-global table OrdersTable: replica ap-southeast-2: stack orders-global-keys-ap-southeast-2, which makes its key, could not be read",
			"FAIL orders-global parameter OrdersKeyArnApSoutheast2: stack orders-global-keys-ap-southeast-2, whose output OrdersKeyArn it takes, could not be read",
		}},
		{"a global table moto skipped, on the emulator", func(a *awsServer) {
			s := a.stacks["us-east-1"]["orders-global"]
			s.resources[s.resource("OrdersTable")] = cfnResource{}
		}, true, []string{
			"FAIL orders-global-keys-us-east-1 role OrdersWriteFunctionRole: the template's inline policies cannot be known: policy PutItemsIntoTable: Fn::GetAtt OrdersTable.Arn: the stack has no such resource",
			"FAIL orders-global resource OrdersTable: AWS::DynamoDB::GlobalTable, which the template makes, is not in the stack: moto's CloudFormation skips the type, as the stack's listing shows, and nothing made in its place holds a replica or its key: it is not deployed",
		}},
		{"a replica key moto skipped, on the emulator", func(a *awsServer) {
			s := a.stacks["eu-west-1"][keyStackName("eu-west-1")]
			s.resources[s.resource("OrdersTableKmsKey")] = cfnResource{}
		}, true, []string{
			"FAIL orders-global-keys-eu-west-1 resource OrdersTableKmsKey: AWS::KMS::ReplicaKey, which the template makes, is not in the stack: moto's CloudFormation skips the type, as the stack's listing shows, and nothing made in its place holds a replica or its key: it is not deployed",
			"FAIL orders-global table OrdersTable: replica eu-west-1: its key leads to OrdersTableKmsKey of stack orders-global-keys-eu-west-1, which is not a KMS key the stack holds",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := globalDeployment(t)
			tt.tamper(a)
			got := notPassing(verifyDeployment(t, d, a, tt.emulator))
			assertLines(t, got, tt.want)
		})
	}
}

// A global table verified as one stack passes only what one stack proves:
// a replica's key given by a parameter is another stack's, which verify
// -manifest verifies.
func TestAGlobalTableVerifiedAloneDoesNotPassItsReplicasKeys(t *testing.T) {
	_, a := globalDeployment(t)
	lines, err := verifiers(t, a, false)("us-east-1").Stack(context.Background(), "orders-global")
	if err != nil {
		t.Fatal(err)
	}
	var replicas []string
	for _, l := range lines {
		if strings.HasPrefix(l.Subject, "table OrdersTable") {
			replicas = append(replicas, l.String())
		}
	}
	slices.Sort(replicas)
	for _, want := range []string{"FAIL table OrdersTable: replica eu-west-1: its key, ${OrdersKeyArnEuWest1}, is not a key of the stack: verify -manifest DIR/stacks.json verifies it with the stack that makes it"} {
		if !slices.Contains(replicas, want) {
			t.Errorf("no line %q in\n%s", want, strings.Join(replicas, "\n"))
		}
	}
	if len(replicas) != 3 {
		t.Errorf("%d lines of the table's replicas, want one failure for each of 3", len(replicas))
	}
}

// Whether DescribeTable lists the table's own Region among its replicas,
// the API reference does not say: listed too, it is compared as listed.
func TestAGlobalTableListingItsOwnRegionPasses(t *testing.T) {
	d, a := globalDeployment(t)
	table := a.tables["us-east-1"][globalTable]
	table["Replicas"] = append(table["Replicas"].([]any), map[string]any{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE", "KMSMasterKeyId": mrkARN("us-east-1")})
	for _, l := range verifyDeployment(t, d, a, false) {
		if l.Outcome != Pass {
			t.Error(l)
		}
	}
	replicaOwn := table["Replicas"].([]any)[2].(map[string]any)
	replicaOwn["ReplicaStatus"] = "UPDATING"
	var failed []string
	for _, l := range verifyDeployment(t, d, a, false) {
		if l.Outcome != Pass {
			failed = append(failed, l.String())
		}
	}
	if want := "FAIL orders-global table OrdersTable: replica us-east-1 is UPDATING, not ACTIVE"; !slices.Contains(failed, want) {
		t.Errorf("got %q, want %q", failed, want)
	}
}

// A deployment's stacks of one Region share one Verifier, so that its
// bound on the requests in flight to each service holds for the Region.
func TestEachRegionHasOneVerifier(t *testing.T) {
	made := map[string]int{}
	in := oncePerRegion(func(region string) Verifier { made[region]++; return Verifier{} })
	for _, region := range []string{"us-east-1", "eu-west-1", "us-east-1", "eu-west-1", "us-east-1"} {
		in(region)
	}
	if want := map[string]int{"us-east-1": 1, "eu-west-1": 1}; !maps.Equal(made, want) {
		t.Errorf("Verifiers made %v, want %v", made, want)
	}
}
