package check

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// The rules only a whole deployment shows (DeploymentRule) are tested
// here, each by tampering with a golden deployment, not in testdata/rules.

// The golden deployments, one per key model.
const (
	multiRegion = "../golden/global"
	independent = "../golden/global-independent-keys"
)

// edit replaces old with new in a file of a deployment's directory.
type edit struct{ file, old, new string }

// tampered copies a golden deployment's directory into a temporary one and
// makes the edits, each of which must change its file.
func tampered(t *testing.T, golden string, edits ...edit) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(golden)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		src, err := os.ReadFile(filepath.Join(golden, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		for _, ed := range edits {
			if ed.file != e.Name() {
				continue
			}
			if !strings.Contains(text, ed.old) {
				t.Fatalf("%s has no %q to edit", ed.file, ed.old)
			}
			text = strings.Replace(text, ed.old, ed.new, 1)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// judgeDir judges the deployment in dir and writes each finding as
// FILE:LINE:COL: severity RULE Resource: message, the file by its name.
func judgeDir(t *testing.T, dir string, opts Options) []string {
	t.Helper()
	d, err := deployment.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts.Today = today
	var out []string
	for _, r := range Deployment(d, opts) {
		for _, f := range r.Findings {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s %s %s: %s", filepath.Base(r.File), f.Line, f.Column, f.Severity, f.Rule, f.Resource, f.Message))
		}
	}
	return out
}

// Both golden deployments, judged whole, raise no error and no warning;
// what a template alone told as info of a key it could not see (SSE004) the
// deployment follows to its key stack, and no longer tells.
func TestTheGoldenDeploymentsPassJudgedWhole(t *testing.T) {
	for _, golden := range []string{multiRegion, independent} {
		t.Run(filepath.Base(golden), func(t *testing.T) {
			for _, f := range judgeDir(t, golden, Options{Production: false}) {
				if !strings.Contains(f, ": info ") || strings.Contains(f, "SSE004") {
					t.Error(f)
				}
			}
		})
	}
}

// What a deployment may write differently from gen, and soundly, raises no
// deployment finding.
func TestSoundVariantsOfADeploymentRaiseNothing(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		edits  []edit
	}{
		{"a replica key's policy denying use but through DynamoDB of its own Region, written ${AWS::Region}", multiRegion, []edit{{"keys-eu-west-1.yaml",
			"          - Sid: DynamoDBDescribesKey\n",
			"          - Sid: OnlyThroughDynamoDBHere\n            Effect: Deny\n            Principal: '*'\n            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:CreateGrant']\n            Resource: '*'\n            Condition:\n              StringNotEquals:\n                kms:ViaService: !Sub dynamodb.${AWS::Region}.amazonaws.com\n          - Sid: DynamoDBDescribesKey\n"}}},
		{"a replica key's policy letting a named role, not the account, use it through DynamoDB of its Region", independent, []edit{{"keys-eu-west-1.yaml",
			"            Action: kms:*\n",
			"            Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion']\n"}, {"keys-eu-west-1.yaml",
			"          - Sid: DynamoDBDescribesKey\n",
			"          - Sid: DeployerUsesKeyThroughDynamoDB\n            Effect: Allow\n            Principal:\n              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/deployer\n            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant']\n            Resource: '*'\n            Condition:\n              StringEquals:\n                kms:ViaService: !Sub dynamodb.${AWS::Region}.amazonaws.com\n          - Sid: DynamoDBDescribesKey\n"}}},
		{"a replica's key given in stacks.json as the ARN of a key of its Region", independent, []edit{{"stacks.json",
			`"OrdersKeyArnEuWest1": {
          "stack": "orders-independent-keys-eu-west-1",
          "output": "OrdersKeyArn"
        }`, `"OrdersKeyArnEuWest1": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range judgeDir(t, tampered(t, tt.golden, tt.edits...), Options{}) {
				if strings.Contains(f, " DEP0") || !strings.Contains(f, ": info ") {
					t.Error(f)
				}
			}
		})
	}
}

// Each fault seeded in a golden deployment is found, in the file and at
// the place it is, naming the other stacks it rests on.
func TestEachSeededFaultOfADeploymentIsFound(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		edits  []edit
		want   string
	}{
		{"a replica given the key of another Region's stack", independent, []edit{{"stacks.json",
			`"stack": "orders-independent-keys-eu-west-1",`, `"stack": "orders-independent-keys-ap-southeast-2",`}},
			"tables.yaml:53:13: error DEP001 OrdersTable: replica 2 (eu-west-1): KMSMasterKeyId leads to key OrdersTableKmsKey of stack orders-independent-keys-ap-southeast-2 (keys-ap-southeast-2.yaml), in ap-southeast-2, not in the replica's Region eu-west-1: DynamoDB encrypts a replica only with a key of its own Region"},
		{"a replica given a key ARN of another Region in stacks.json", independent, []edit{{"stacks.json",
			`"OrdersKeyArnEuWest1": {
          "stack": "orders-independent-keys-eu-west-1",
          "output": "OrdersKeyArn"
        }`, `"OrdersKeyArnEuWest1": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"`}},
			"tables.yaml:53:13: error DEP001 OrdersTable: replica 2 (eu-west-1): KMSMasterKeyId is arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, a key in us-west-2, not in the replica's Region eu-west-1: DynamoDB encrypts a replica only with a key of its own Region"},
		{"a replica key's policy letting DynamoDB use it only through another Region", multiRegion, []edit{{"keys-eu-west-1.yaml",
			"          - Sid: DynamoDBDescribesKey\n",
			"          - Sid: OnlyThroughDynamoDBInUsEast1\n            Effect: Deny\n            Principal: '*'\n            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:CreateGrant']\n            Resource: '*'\n            Condition:\n              StringNotEquals:\n                kms:ViaService: dynamodb.us-east-1.amazonaws.com\n          - Sid: DynamoDBDescribesKey\n"}},
			"keys-eu-west-1.yaml:16:7: error DEP002 OrdersTableKmsKey: encrypts replica 2 (eu-west-1) of table OrdersTable of stack orders-global (tables.yaml), but lets no principal of the account call kms:CreateGrant, kms:Decrypt, kms:Encrypt, kms:GenerateDataKey, kms:ReEncryptFrom, kms:ReEncryptTo through DynamoDB in eu-west-1 (kms:ViaService dynamodb.eu-west-1.amazonaws.com), by itself or through IAM: the replica cannot be created, or becomes inaccessible"},
		{"a replica key's policy denying DynamoDB of its own Region, written ${AWS::Region}", independent, []edit{{"keys-eu-west-1.yaml",
			"          - Sid: DynamoDBDescribesKey\n",
			"          - Sid: NeverThroughDynamoDBHere\n            Effect: Deny\n            Principal: '*'\n            Action: kms:Decrypt\n            Resource: '*'\n            Condition:\n              StringEquals:\n                kms:ViaService: !Sub dynamodb.${AWS::Region}.amazonaws.com\n          - Sid: DynamoDBDescribesKey\n"}},
			"keys-eu-west-1.yaml:11:7: error DEP002 OrdersTableKmsKey: encrypts replica 2 (eu-west-1) of table OrdersTable of stack orders-independent (tables.yaml), but lets no principal of the account call kms:Decrypt through DynamoDB in eu-west-1 (kms:ViaService dynamodb.eu-west-1.amazonaws.com), by itself or through IAM: the replica cannot be created, or becomes inaccessible"},
		{"a replica on the AWS managed key beside customer managed keys", independent, []edit{{"tables.yaml",
			"          SSESpecification:\n            KMSMasterKeyId: !Ref OrdersKeyArnApSoutheast2\n", ""}},
			"tables.yaml:43:7: error DEP003 OrdersTable: replicas in ap-southeast-2 are on the AWS managed key aws/dynamodb, those in us-east-1, eu-west-1 on customer managed keys: a global table's replicas use one kind of key"},
		{"a replica on the AWS managed key given in stacks.json", independent, []edit{{"stacks.json",
			`"OrdersKeyArnEuWest1": {
          "stack": "orders-independent-keys-eu-west-1",
          "output": "OrdersKeyArn"
        }`, `"OrdersKeyArnEuWest1": "alias/aws/dynamodb"`}},
			"tables.yaml:53:13: error SSE002 OrdersTable: replica 2 (eu-west-1): KMSMasterKeyId is parameter OrdersKeyArnEuWest1 of stack orders-independent (tables.yaml), which is the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it"},
		{"a replica on an independent key beside replicas of a multi-Region key", multiRegion, []edit{{"keys-ap-southeast-2.yaml",
			"    Type: AWS::KMS::ReplicaKey\n", "    Type: AWS::KMS::Key\n"}, {"keys-ap-southeast-2.yaml",
			"      PrimaryKeyArn: !Ref OrdersPrimaryKeyArn\n", "      EnableKeyRotation: true\n"}, {"keys-ap-southeast-2.yaml",
			"Parameters:\n  OrdersPrimaryKeyArn:\n", "Parameters:\n  Unused:\n"}, {"stacks.json",
			`"OrdersPrimaryKeyArn": {
          "stack": "orders-global-keys-us-east-1",
          "output": "OrdersKeyArn"
        }
      },
      "capabilities": []
    },
    {
      "name": "orders-global",`, `"Unused": {
          "stack": "orders-global-keys-us-east-1",
          "output": "OrdersKeyArn"
        }
      },
      "capabilities": []
    },
    {
      "name": "orders-global",`}},
			"tables.yaml:43:7: warning DEP003 OrdersTable: replicas on different kinds of customer managed key: us-east-1, eu-west-1 on the multi-Region key OrdersTableKmsKey of stack orders-global-keys-us-east-1 (keys-us-east-1.yaml) or its replicas; ap-southeast-2 on single-Region keys"},
		{"replica keys of a primary that is not multi-Region", multiRegion, []edit{{"keys-us-east-1.yaml", "      MultiRegion: true\n", ""}},
			"keys-eu-west-1.yaml:35:7: error DEP003 OrdersTableKmsKey: its PrimaryKeyArn leads to key OrdersTableKmsKey of stack orders-global-keys-us-east-1 (keys-us-east-1.yaml), which is not a multi-Region key (MultiRegion is not true): KMS replicates only a multi-Region primary key"},
		{"a multi-Region primary key that does not rotate, nor its replica keys with it", multiRegion, []edit{{"keys-us-east-1.yaml", "      EnableKeyRotation: true\n", "      EnableKeyRotation: false\n"}},
			"keys-us-east-1.yaml:10:7: error DEP004 OrdersTableKmsKey: encrypts replica 1 (us-east-1) of table OrdersTable of stack orders-global (tables.yaml); " +
				"through its replica key OrdersTableKmsKey of stack orders-global-keys-eu-west-1 (keys-eu-west-1.yaml), replica 2 (eu-west-1) of table OrdersTable of stack orders-global (tables.yaml); " +
				"through its replica key OrdersTableKmsKey of stack orders-global-keys-ap-southeast-2 (keys-ap-southeast-2.yaml), replica 3 (ap-southeast-2) of table OrdersTable of stack orders-global (tables.yaml), " +
				"but EnableKeyRotation is not true: the same key material protects them forever (a replica key rotates only as its primary does)"},
		{"an independent key of a replica Region that does not rotate", independent, []edit{{"keys-eu-west-1.yaml", "      EnableKeyRotation: true\n", ""}},
			"keys-eu-west-1.yaml:4:3: error DEP004 OrdersTableKmsKey: encrypts replica 2 (eu-west-1) of table OrdersTable of stack orders-independent (tables.yaml), but EnableKeyRotation is not true: the same key material protects them forever (a replica key rotates only as its primary does)"},
		{"a replica's key imported, which the deployment does not lead to", independent, []edit{{"tables.yaml",
			"KMSMasterKeyId: !Ref OrdersKeyArnEuWest1", "KMSMasterKeyId: !ImportValue orders-eu-west-1-key"}},
			`tables.yaml:53:13: warning DEP005 OrdersTable: replica 2 (eu-west-1): KMSMasterKeyId cannot be followed through the deployment: stack orders-independent (tables.yaml) gives {"Fn::ImportValue":"orders-eu-west-1-key"}, which only deployment knows: its Region, key policy and rotation are not judged`},
		{"a replica key's policy open to any account, judged as any key policy", multiRegion, []edit{{"keys-eu-west-1.yaml",
			"          - Sid: DynamoDBDescribesKey\n",
			"          - Sid: Anyone\n            Effect: Allow\n            Principal: '*'\n            Action: kms:Decrypt\n            Resource: '*'\n          - Sid: DynamoDBDescribesKey\n"}},
			"keys-eu-west-1.yaml:25:13: error KEY005 OrdersTableKmsKey: an Allow to the * principal lets principals of any account call kms:Decrypt on the key: it has no condition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judgeDir(t, tampered(t, tt.golden, tt.edits...), Options{})
			for _, f := range got {
				if f == tt.want {
					return
				}
			}
			t.Errorf("no finding\n  %s\nin\n  %s", tt.want, strings.Join(got, "\n  "))
		})
	}
}
