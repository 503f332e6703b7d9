package template

import (
	"slices"
	"testing"
)

// Renaming a logical id makes CloudFormation replace the resource, and a
// replaced table loses its items.
func TestLogicalIDsUnchanged(t *testing.T) {
	s := buildDefaultStack(t)
	for id, typ := range map[string]string{
		"DynamoDbTableKmsKey":   "AWS::KMS::Key",
		"DynamoDbTable":         "AWS::DynamoDB::Table",
		"DynamoDbWriteFunction": "AWS::Serverless::Function",
	} {
		r, ok := s.Template.Resources[id]
		if !ok {
			t.Errorf("no resource %s", id)
			continue
		}
		if r.AWSCloudFormationType() != typ {
			t.Errorf("%s is a %s, want %s", id, r.AWSCloudFormationType(), typ)
		}
	}
}

func TestDefaultStackAddsItsResourcesInReadingOrder(t *testing.T) {
	want := []string{
		"DynamoDbTableKmsKey", "DynamoDbTableKmsKeyAlias", "DynamoDbTable",
		"DynamoDbWriteFunctionRole", "DynamoDbWriteFunctionPolicy", "DynamoDbWriteFunction", "DynamoDbWriteFunctionLogGroup",
	}
	s := buildDefaultStack(t)
	if !slices.Equal(s.ResourceOrder, want) {
		t.Errorf("resources %v, want %v", s.ResourceOrder, want)
	}
	if len(s.Template.Resources) != len(want) {
		t.Errorf("template holds %d resources, order lists %d", len(s.Template.Resources), len(want))
	}
}

func TestKeyRotatesAndIsDeletedWithTheStack(t *testing.T) {
	s := buildDefaultStack(t)
	key, err := s.Template.GetKMSKeyWithName(defaultIDs.Key)
	if err != nil {
		t.Fatal(err)
	}
	if key.EnableKeyRotation == nil || !*key.EnableKeyRotation {
		t.Error("key rotation is off")
	}
	if *key.RotationPeriodInDays != 365 || *key.PendingWindowInDays != 7 {
		t.Errorf("rotation every %d days, pending window %d days; want 365 and 7", *key.RotationPeriodInDays, *key.PendingWindowInDays)
	}
	if key.AWSCloudFormationDeletionPolicy != Delete || key.AWSCloudFormationUpdateReplacePolicy != Delete {
		t.Errorf("deletion policies %q/%q, want Delete/Delete", key.AWSCloudFormationDeletionPolicy, key.AWSCloudFormationUpdateReplacePolicy)
	}
}

func TestTableIsEncryptedWithTheStacksKey(t *testing.T) {
	table, err := buildDefaultStack(t).Template.GetDynamoDBTableWithName(defaultIDs.Table)
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, table.SSESpecification, `{
		"SSEEnabled": true,
		"SSEType": "KMS",
		"KMSMasterKeyId": {"Fn::GetAtt": ["DynamoDbTableKmsKey", "Arn"]}
	}`)
	if table.AWSCloudFormationDeletionPolicy != Delete || table.AWSCloudFormationUpdateReplacePolicy != Delete {
		t.Errorf("deletion policies %q/%q, want Delete/Delete", table.AWSCloudFormationDeletionPolicy, table.AWSCloudFormationUpdateReplacePolicy)
	}
}

func TestWriterMayOnlyPutItemsIntoItsTable(t *testing.T) {
	policy, err := buildDefaultStack(t).Template.GetIAMPolicyWithName(defaultIDs.Policy)
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, policy, `{
		"Type": "AWS::IAM::Policy",
		"Properties": {
			"PolicyName": "PutItemsIntoTable",
			"Roles": [{"Ref": "DynamoDbWriteFunctionRole"}],
			"PolicyDocument": {"Version": "2012-10-17", "Statement": [{
				"Sid": "PutItemsIntoTable",
				"Effect": "Allow",
				"Action": "dynamodb:PutItem",
				"Resource": {"Fn::GetAtt": ["DynamoDbTable", "Arn"]}
			}]}
		}
	}`)
}

func TestWriterRoleIsAssumedByLambdaWithBasicExecutionOnly(t *testing.T) {
	role, err := buildDefaultStack(t).Template.GetIAMRoleWithName(defaultIDs.Role)
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, role, `{
		"Type": "AWS::IAM::Role",
		"Properties": {
			"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
				"Effect": "Allow",
				"Principal": {"Service": "lambda.amazonaws.com"},
				"Action": "sts:AssumeRole"
			}]},
			"ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}]
		}
	}`)
}

func TestWriterIsTheGoBootstrapOnArm64WithItsTableInItsEnvironment(t *testing.T) {
	fn, err := buildDefaultStack(t).Template.GetServerlessFunctionWithName(defaultIDs.Function)
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, fn, `{
		"Type": "AWS::Serverless::Function",
		"DependsOn": ["DynamoDbWriteFunctionPolicy"],
		"Properties": {
			"Description": "Puts items into DynamoDbTable",
			"CodeUri": "build/writer-arm64",
			"Handler": "bootstrap",
			"Runtime": "provided.al2023",
			"Architectures": ["arm64"],
			"MemorySize": 128,
			"Timeout": 10,
			"Role": {"Fn::GetAtt": ["DynamoDbWriteFunctionRole", "Arn"]},
			"Environment": {"Variables": {"TABLE_NAME": {"Ref": "DynamoDbTable"}, "PARTITION_KEY": "id", "PARTITION_KEY_TYPE": "S"}}
		}
	}`)
}

// A template generated outside this repository names where its writer is.
func TestTheWritersCodeURIIsConfigurable(t *testing.T) {
	for _, tt := range []struct{ codeURI, architecture, want string }{
		{"", "arm64", "build/writer-arm64"},
		{"", "x86_64", "build/writer-x86_64"},
		{"dist/writer", "arm64", "dist/writer"},
		{"s3://artifacts/writer.zip", "x86_64", "s3://artifacts/writer.zip"},
	} {
		cfg := DefaultConfig()
		cfg.Writer.CodeURI, cfg.Writer.Architecture = tt.codeURI, tt.architecture
		stack, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		fn, err := stack.Template.GetServerlessFunctionWithName(defaultIDs.Function)
		if err != nil {
			t.Fatal(err)
		}
		if got := *fn.CodeUri.String; got != tt.want {
			t.Errorf("CodeURI %q on %s: CodeUri %q, want %q", tt.codeURI, tt.architecture, got, tt.want)
		}
	}
}

func TestStackOwnsTheWritersLogGroup(t *testing.T) {
	group, err := buildDefaultStack(t).Template.GetLogsLogGroupWithName(defaultIDs.LogGroup)
	if err != nil {
		t.Fatal(err)
	}
	assertRendersAs(t, group, `{
		"Type": "AWS::Logs::LogGroup",
		"DeletionPolicy": "Delete",
		"UpdateReplacePolicy": "Delete",
		"Properties": {
			"LogGroupName": {"Fn::Sub": "/aws/lambda/${DynamoDbWriteFunction}"},
			"RetentionInDays": 14
		}
	}`)
}

func TestOutputsNameTableKeyAndWriter(t *testing.T) {
	want := []string{"DynamoDbTableName", "DynamoDbTableArn", "DynamoDbKeyArn", "DynamoDbKeyAlias", "DynamoDbWriterFunctionName", "DynamoDbWriterFunctionArn"}
	s := buildDefaultStack(t)
	if !slices.Equal(s.OutputOrder, want) {
		t.Errorf("outputs %v, want %v", s.OutputOrder, want)
	}
	assertRendersAs(t, s.Template.Outputs["DynamoDbKeyArn"].Value, `{"Fn::GetAtt": ["DynamoDbTableKmsKey", "Arn"]}`)
	assertRendersAs(t, s.Template.Outputs["DynamoDbWriterFunctionName"].Value, `{"Ref": "DynamoDbWriteFunction"}`)
}
