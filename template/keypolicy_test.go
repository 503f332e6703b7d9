package template

import (
	"testing"
)

func TestAccountRootAdministersTheKey(t *testing.T) {
	assertRendersAs(t, accountRootAdministers(), `{
		"Sid": "AccountRootAdministers",
		"Effect": "Allow",
		"Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
		"Action": "kms:*",
		"Resource": "*"
	}`)
}

func TestWriterUsesTheKeyOnlyThroughDynamoDBInThisAccountAndRegion(t *testing.T) {
	assertRendersAs(t, writerUsesKeyThroughDynamoDB("WriterRole"), `{
		"Sid": "WriterUsesKeyThroughDynamoDB",
		"Effect": "Allow",
		"Principal": {"AWS": {"Fn::GetAtt": ["WriterRole", "Arn"]}},
		"Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
		"Resource": "*",
		"Condition": {"StringEquals": {
			"kms:CallerAccount": {"Ref": "AWS::AccountId"},
			"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}
		}}
	}`)
}

func TestDynamoDBServiceDescribesTheKey(t *testing.T) {
	assertRendersAs(t, dynamoDBDescribesKey(), `{
		"Sid": "DynamoDBDescribesKey",
		"Effect": "Allow",
		"Principal": {"Service": "dynamodb.amazonaws.com"},
		"Action": ["kms:Describe*", "kms:Get*", "kms:List*"],
		"Resource": "*"
	}`)
}

func TestReferenceStatementsAreTheReferenceTemplates(t *testing.T) {
	assertRendersAs(t, referenceAccountRoot(), `{
		"Effect": "Allow",
		"Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}},
		"Action": "kms:*",
		"Resource": "*"
	}`)
	assertRendersAs(t, anyPrincipalInAccountThroughDynamoDB(), `{
		"Effect": "Allow",
		"Principal": {"AWS": "*"},
		"Action": ["kms:Encrypt", "kms:Decrypt"],
		"Resource": "*",
		"Condition": {"StringEquals": {
			"kms:CallerAccount": {"Ref": "AWS::AccountId"},
			"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}
		}}
	}`)
}

func TestDefaultKeyPolicyHoldsExactlyItsThreeStatements(t *testing.T) {
	key, err := buildDefaultStack(t).Template.GetKMSKeyWithName(referenceIDs.Key)
	if err != nil {
		t.Fatal(err)
	}
	policy := key.KeyPolicy.(PolicyDocument)
	var sids []string
	for _, s := range policy.Statement {
		sids = append(sids, s.Sid)
		if s.Effect == Allow && s.Principal["AWS"] == "*" {
			t.Errorf("statement %s allows the * principal", s.Sid)
		}
	}
	want := []string{"AccountRootAdministers", "WriterUsesKeyThroughDynamoDB", "DynamoDBDescribesKey"}
	if len(sids) != len(want) {
		t.Fatalf("statements %v, want %v", sids, want)
	}
	for i := range want {
		if sids[i] != want[i] {
			t.Errorf("statement %d is %s, want %s", i, sids[i], want[i])
		}
	}
	if policy.Statement[1].Principal["AWS"] != writerUsesKeyThroughDynamoDB(referenceIDs.Role).Principal["AWS"] {
		t.Errorf("the writer statement names %v, not the writer's role", policy.Statement[1].Principal)
	}
}
