package diff

import "testing"

func TestPropertyReplacement(t *testing.T) {
	tests := []struct {
		typ  string
		path []string
		want Replacement
	}{
		{"AWS::DynamoDB::Table", []string{"TableName"}, Always},
		{"AWS::DynamoDB::Table", []string{"KeySchema", "0", "AttributeName"}, Always},
		{"AWS::DynamoDB::Table", []string{"LocalSecondaryIndexes"}, Always},
		{"AWS::DynamoDB::Table", []string{"BillingMode"}, Never},
		{"AWS::DynamoDB::Table", []string{"SSESpecification", "KMSMasterKeyId"}, Never},
		{"AWS::DynamoDB::GlobalTable", []string{"KeySchema"}, Always},
		{"AWS::DynamoDB::GlobalTable", []string{"GlobalTableSourceArn"}, Conditional},
		{"AWS::KMS::Key", []string{"KeyPolicy"}, Never},
		{"AWS::KMS::Alias", []string{"AliasName"}, Always},
		{"AWS::Logs::LogGroup", []string{"LogGroupName"}, Always},
		{"AWS::Lambda::Function", []string{"PackageType"}, Always},
		{"AWS::Lambda::Function", []string{"DurableConfig", "X"}, Conditional},
		{"AWS::RDS::DBInstance", []string{"Engine"}, Conditional},
		{"AWS::Serverless::Function", []string{"FunctionName"}, Always},
		{"AWS::Serverless::Function", []string{"MemorySize"}, Never},
		{"AWS::Serverless::Function", []string{"CodeUri"}, Never},
		{"AWS::Serverless::Function", []string{"Environment", "Variables", "A"}, Never},
		{"Custom::Anything", []string{"ServiceToken"}, Conditional},
	}
	for _, tt := range tests {
		if got := propertyReplacement(tt.typ, tt.path); got != tt.want {
			t.Errorf("%s %v: %s, want %s", tt.typ, tt.path, got, tt.want)
		}
	}
}

func TestNameProperty(t *testing.T) {
	for typ, want := range map[string]string{
		"AWS::DynamoDB::Table": "TableName", "AWS::IAM::Role": "RoleName", "AWS::KMS::Key": "",
		"AWS::Serverless::Function": "FunctionName", "Custom::X": "",
	} {
		if got := nameProperty(typ); got != want {
			t.Errorf("nameProperty(%s) = %q, want %q", typ, got, want)
		}
	}
}
