package template

import (
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/cfn"
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
	key, err := buildDefaultStack(t).Template.GetKMSKeyWithName(defaultIDs.Key)
	if err != nil {
		t.Fatal(err)
	}
	policy := key.KeyPolicy.(cfn.PolicyDocument)
	var sids []string
	for _, s := range policy.Statement {
		sids = append(sids, s.Sid)
		if s.Effect == cfn.Allow && s.Principal.(map[string]any)["AWS"] == "*" {
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
	assertRendersAs(t, policy.Statement[1].Principal, `{"AWS": {"Fn::GetAtt": ["DynamoDbWriteFunctionRole", "Arn"]}}`)
}

func TestAccountUsesTheKeyOnlyThroughDynamoDB(t *testing.T) {
	assertRendersAs(t, accountUsesKeyThroughDynamoDB(), `{
		"Sid": "AccountUsesKeyThroughDynamoDB",
		"Effect": "Allow",
		"Principal": {"AWS": "*"},
		"Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
		"Resource": "*",
		"Condition": {"StringEquals": {
			"kms:CallerAccount": {"Ref": "AWS::AccountId"},
			"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}
		}}
	}`)
}

func TestAdministratorsManageTheKeyWithoutUsingIt(t *testing.T) {
	statement := administratorsManageKey([]string{"arn:aws:iam::${AWS::AccountId}:role/KeyAdmin", "arn:aws:iam::111122223333:role/KeyAdmin"})
	assertRendersAs(t, statement, `{
		"Sid": "AdministratorsManageKeyWithoutUsingIt",
		"Effect": "Allow",
		"Principal": {"AWS": [{"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/KeyAdmin"}, "arn:aws:iam::111122223333:role/KeyAdmin"]},
		"Action": ["kms:Describe*", "kms:List*", "kms:Get*", "kms:Enable*", "kms:Disable*", "kms:Update*",
			"kms:Revoke*", "kms:CreateAlias", "kms:DeleteAlias", "kms:TagResource", "kms:UntagResource",
			"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
		"Resource": "*"
	}`)
	for _, action := range statement.Action.([]string) {
		for _, use := range []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:*"} {
			if strings.HasPrefix(use, strings.TrimSuffix(action, "*")) {
				t.Errorf("administrators get %s, which covers %s", action, use)
			}
		}
	}
}

func TestGrantsAreDeniedUnlessForAnAWSResource(t *testing.T) {
	assertRendersAs(t, denyGrantsNotForAWSResources(), `{
		"Sid": "DenyGrantsNotForAWSResources",
		"Effect": "Deny",
		"Principal": {"AWS": "*"},
		"Action": "kms:CreateGrant",
		"Resource": "*",
		"Condition": {"Bool": {"kms:GrantIsForAWSResource": "false"}}
	}`)
}

func TestKeyPolicyOfEachAccessModel(t *testing.T) {
	tests := []struct {
		name string
		key  KeyConfig
		sids []string
	}{
		{"writer access names the writer's role", KeyConfig{Access: AccessWriter},
			[]string{"AccountRootAdministers", "WriterUsesKeyThroughDynamoDB", "DynamoDBDescribesKey"}},
		{"IAM access delegates to the account root only", KeyConfig{Access: AccessIAM},
			[]string{"AccountRootAdministers"}},
		{"account access lets the account use the key through DynamoDB", KeyConfig{Access: AccessAccount},
			[]string{"AccountRootAdministers", "AccountUsesKeyThroughDynamoDB", "DynamoDBDescribesKey"}},
		{"hardening adds administrators and the grant limit", KeyConfig{Access: AccessWriter, LimitGrantsToAWSResources: true, Admins: []string{"arn:aws:iam::111122223333:role/A"}},
			[]string{"AccountRootAdministers", "WriterUsesKeyThroughDynamoDB", "DynamoDBDescribesKey", "AdministratorsManageKeyWithoutUsingIt", "DenyGrantsNotForAWSResources"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Key = tt.key
			var sids []string
			for _, s := range keyPolicy(cfg, cfg.keyUses(), "").Statement {
				sids = append(sids, s.Sid)
			}
			if !slices.Equal(sids, tt.sids) {
				t.Errorf("statements %v, want %v", sids, tt.sids)
			}
		})
	}
}

func TestIAMAccessGrantsTheWriterTheKeyThroughDynamoDBOnly(t *testing.T) {
	assertRendersAs(t, useTableKeyThroughDynamoDB(cloudformation.GetAtt(defaultIDs.Key, "Arn")), `{
		"Sid": "UseTableKeyThroughDynamoDB",
		"Effect": "Allow",
		"Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
		"Resource": {"Fn::GetAtt": ["DynamoDbTableKmsKey", "Arn"]},
		"Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}}}
	}`)
	for access, statements := range map[KeyAccess]int{AccessWriter: 1, AccessAccount: 1, AccessIAM: 2} {
		cfg := DefaultConfig()
		cfg.Key.Access = access
		if got := len(writerPolicy(defaultIDs, wiringInTemplate(defaultIDs, false), cfg).PolicyDocument.(cfn.PolicyDocument).Statement); got != statements {
			t.Errorf("%s access: the writer's policy has %d statements, want %d", access, got, statements)
		}
	}
}

func TestAGrantUsesTheKeyOnlyToDecryptThroughDynamoDBAsItsOwnAccount(t *testing.T) {
	assertRendersAs(t, grantUsesKeyThroughDynamoDB(1, Grant{Principal: "arn:aws:iam::210987654321:role/analytics", Allow: AllowRead}), `{
		"Sid": "Grant2UsesKeyThroughDynamoDB",
		"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::210987654321:role/analytics"},
		"Action": ["kms:Decrypt"],
		"Resource": "*",
		"Condition": {"StringEquals": {
			"kms:CallerAccount": "210987654321",
			"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}
		}}
	}`)
}

func TestAStatementOfASharedKeyIsHeldToItsOwnTable(t *testing.T) {
	assertRendersAs(t, heldToTable(writerUsesKeyThroughDynamoDB("OrdersWriteFunctionRole"), "Orders", "OrdersTable", ""), `{
		"Sid": "OrdersWriterUsesKeyThroughDynamoDB",
		"Effect": "Allow",
		"Principal": {"AWS": {"Fn::GetAtt": ["OrdersWriteFunctionRole", "Arn"]}},
		"Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
		"Resource": "*",
		"Condition": {
			"StringEquals": {
				"kms:CallerAccount": {"Ref": "AWS::AccountId"},
				"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}
			},
			"StringLike": {"kms:EncryptionContext:aws:dynamodb:tableName": {"Fn::Sub": "${AWS::StackName}-OrdersTable-*"}}
		}
	}`)
}

// The generated table name CloudFormation makes, which the StringLike of a
// shared key's statements must match for its own table and no other of the
// stack's, even when one table's name begins with another's.
func TestTheTableNamePatternMatchesOnlyItsOwnTable(t *testing.T) {
	pattern := func(tableID string) string { return "my-stack-" + tableID + "-*" }
	names := map[string]string{"OrdersTable": "my-stack-OrdersTable-1A2B3C4D5E6F7", "OrdersArchiveTable": "my-stack-OrdersArchiveTable-0Z9Y8X7W6V5U4"}
	for id := range names {
		for other, otherName := range names {
			if got := cfn.Covers(pattern(id), otherName); got != (id == other) {
				t.Errorf("%s's pattern matches %s: %v", id, otherName, got)
			}
		}
	}
}

func TestKeyPolicyStatementsOfTheGrants(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		sids   []string
	}{
		{"writer access names every principal", func(*Config) {},
			[]string{"AccountRootAdministers", "WriterUsesKeyThroughDynamoDB", "DynamoDBDescribesKey",
				"Grant1UsesKeyThroughDynamoDB", "Grant2UsesKeyThroughDynamoDB", "Grant3UsesKeyThroughDynamoDB"}},
		{"IAM access names only the principal of another account", func(c *Config) { c.Key.Access = AccessIAM },
			[]string{"AccountRootAdministers", "Grant2UsesKeyThroughDynamoDB"}},
		{"account access names only the principal of another account", func(c *Config) { c.Key.Access = AccessAccount },
			[]string{"AccountRootAdministers", "AccountUsesKeyThroughDynamoDB", "DynamoDBDescribesKey", "Grant2UsesKeyThroughDynamoDB"}},
		{"a table without a writer has no writer statement", func(c *Config) { c.Tables[0].NoWriter = true },
			[]string{"AccountRootAdministers", "DynamoDBDescribesKey",
				"Grant1UsesKeyThroughDynamoDB", "Grant2UsesKeyThroughDynamoDB", "Grant3UsesKeyThroughDynamoDB"}},
		{"a key the tables share names each statement after its table", func(c *Config) {
			c.Key.Scope = KeyScopeStack
			c.Tables = append(c.Tables, TableConfig{Name: "Events", PartitionKey: Attribute{"id", "S"},
				Grants: []Grant{{Principal: "arn:aws:iam::123456789012:role/events", Allow: AllowWrite}}})
		}, []string{"AccountRootAdministers", "DynamoDbWriterUsesKeyThroughDynamoDB", "EventsWriterUsesKeyThroughDynamoDB", "DynamoDBDescribesKey",
			"DynamoDbGrant1UsesKeyThroughDynamoDB", "DynamoDbGrant2UsesKeyThroughDynamoDB", "DynamoDbGrant3UsesKeyThroughDynamoDB",
			"EventsGrant1UsesKeyThroughDynamoDB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := teams()
			tt.change(&cfg)
			var sids []string
			for _, s := range keyPolicy(cfg, cfg.keyUses(), "").Statement {
				sids = append(sids, s.Sid)
			}
			if !slices.Equal(sids, tt.sids) {
				t.Errorf("statements %v, want %v", sids, tt.sids)
			}
		})
	}
}

// The table condition is for a key that serves several tables: a stack key
// of one table needs none.
func TestAKeyOfOneTableHoldsNoStatementToATable(t *testing.T) {
	cfg := teams()
	cfg.Key.Scope = KeyScopeStack
	for _, s := range keyPolicy(cfg, cfg.keyUses(), "").Statement {
		if _, held := s.Condition["StringLike"]; held || strings.HasPrefix(s.Sid, "DynamoDb") {
			t.Errorf("statement %s is held to a table", s.Sid)
		}
	}
}
