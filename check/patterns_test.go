package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The templates people write, one pattern each in testdata/patterns, with
// every finding they must give and where it must point.
func TestTemplatesPeopleWrite(t *testing.T) {
	const (
		awsManaged   = "whose policy lets every principal in the account use it"
		owned        = "DynamoDB encrypts the table with an AWS owned key that you cannot audit, rotate or revoke"
		viaService   = "a policy allows KMS data actions on a key that can encrypt a table, without a kms:ViaService condition: the principal can decrypt with the key directly, not only through DynamoDB"
		noGrantLimit = "the key policy does not deny kms:CreateGrant for grants that are not for AWS resources: a principal that may create grants can hand the key to anyone"
		unproven     = "the template cannot prove it is a customer managed key"
		nested       = "the resources of its template are not judged; check that template on its own"
		atDeployment = "only known at deployment: what the statement allows through it is not judged"
	)
	tests := []struct {
		file string
		want []string
	}{
		{"global-table.yaml", []string{
			"29:3: error KEY001 Key: encrypts table ManagedReplica but EnableKeyRotation is not true: the same key material protects the table forever",
			"26:11: error SSE002 ManagedReplica: replica 2 (us-east-1): SSE is on without KMSMasterKeyId: DynamoDB uses the AWS managed key aws/dynamodb, " + awsManaged,
			"49:26: error SSE001 SSEOff: SSEEnabled is not true: " + owned,
			"55:13: error SSE003 SSEOff: KMSMasterKeyId is set but SSEType is not set, not KMS",
			"3:3: error SSE001 Unencrypted: no SSESpecification: " + owned,
		}},
		{"simple-table.yaml", []string{
			"17:3: info DDB001 FromGlobals: point-in-time recovery is off: a bad write cannot be undone",
			"17:3: info DDB002 FromGlobals: deletion protection is off: one API call deletes the table",
			"9:5: error SSE002 FromGlobals: SSE is on without KMSMasterKeyId: DynamoDB uses the AWS managed key aws/dynamodb, " + awsManaged,
			"12:3: info DDB001 Plain: point-in-time recovery is off: a bad write cannot be undone",
			"12:3: info DDB002 Plain: deletion protection is off: one API call deletes the table",
			"16:9: error SSE001 Plain: SSEEnabled is not true: " + owned,
			"19:3: info DDB001 WithKey: point-in-time recovery is off: a bad write cannot be undone",
			"19:3: info DDB002 WithKey: deletion protection is off: one API call deletes the table",
			"7:5: error LMB001 Writer: runtime python3.7 is deprecated since 2023-12-04: Lambda blocks creating, then updating, functions on it; its successor is python3.14",
		}},
		{"foreach.yaml", []string{
			`17:3: warning CHK001 (template): Fn::ForEach::Zones is not expanded: its collection {"Fn::GetAZs":""} cannot be known before deployment`,
			"8:7: error SSE001 CustomersTable: no SSESpecification: " + owned,
			"8:7: error SSE001 OrdersTable: no SSESpecification: " + owned,
		}},
		{"parameters.yaml", []string{
			"18:58: error SSE002 OnManagedDefault: KMSMasterKeyId comes from parameter ManagedKey, whose default is the AWS managed key aws/dynamodb",
			"27:58: info SSE004 OnUnknownKey: KMSMasterKeyId comes from SomeKey: the template cannot prove it is a customer managed key",
		}},
		{"managed-key-spellings.yaml", []string{
			"14:58: error SSE002 ByARN: KMSMasterKeyId names the AWS managed key aws/dynamodb, " + awsManaged,
			"8:58: error SSE002 ByAlias: KMSMasterKeyId names the AWS managed key aws/dynamodb, " + awsManaged,
			"32:9: error SSE002 ByJoin: KMSMasterKeyId names the AWS managed key aws/dynamodb, " + awsManaged,
			"23:9: error SSE002 BySub: KMSMasterKeyId names the AWS managed key aws/dynamodb, " + awsManaged,
		}},
		{"conditions.yaml", []string{
			"25:7: error SSE002 Table: SSE is on without KMSMasterKeyId: DynamoDB uses the AWS managed key aws/dynamodb, " + awsManaged + " (when condition UseOwnKey is false)",
		}},
		{"root-principals.yaml", []string{
			"43:25: warning CHK001 FromParameter: Properties.KeyPolicy.Statement.0.Principal.AWS is arn:aws:iam::${Account}:root, " + atDeployment,
		}},
		{"kms-precision.yaml", []string{
			"39:17: warning IAM003 Reader: " + viaService,
			"42:17: warning IAM003 Reader: " + viaService,
			"45:17: warning IAM003 Reader: " + viaService,
			"11:3: info KEY008 StreamKey: " + noGrantLimit,
			"7:3: info KEY008 TableKey: " + noGrantLimit,
		}},
		{"suppressions.yaml", []string{
			"13:13: error CHK002 Key: cfn_nag suppresses F76 without a reason: it suppresses nothing until it gives one",
			"22:13: suppressed warning KEY006 Key: an Allow to the * principal, held to the account by its conditions (kms:CallerAccount, kms:ViaService), lets every principal of the account use the key through DynamoDB, whatever its IAM policies say: the pattern of an AWS managed key",
			"16:7: info KEY008 Key: " + noGrantLimit,
			"37:13: error CHK002 Table: gen-check suppresses DDB002 without a reason: it suppresses nothing until it gives one",
			"30:3: suppressed info DDB001 Table: point-in-time recovery is off: a bad write cannot be undone",
			"30:3: info DDB002 Table: deletion protection is off: one API call deletes the table",
		}},
		{"conditional-statement.yaml", []string{
			"20:13: error IAM001 Policy: a policy allows every DynamoDB action",
		}},
		{"broad-statements.yaml", []string{
			"39:13: error IAM001 Broad: a policy allows every action but those NotAction lists, every DynamoDB action among them",
			"42:13: error IAM001 Broad: a policy allows every DynamoDB action, by patterns or a list that take in all of them",
			"39:13: error IAM002 Broad: a policy allows DynamoDB actions on every table in the account: dynamodb:AssociateTableReplica, dynamodb:BatchGetItem, dynamodb:BatchWriteItem and 63 more",
			"42:13: error IAM002 Broad: a policy allows DynamoDB actions on every table in the account: dynamodb:AssociateTableReplica, dynamodb:BatchGetItem, dynamodb:BatchWriteItem and 61 more",
			"39:13: warning IAM003 Broad: " + viaService,
			"45:13: warning IAM003 Broad: " + viaService,
			"39:13: error IAM004 Broad: a policy allows kms:PutKeyPolicy on every key: full use and administration of every key whose policy delegates to IAM",
			"15:13: error KEY005 Key: an Allow with NotPrincipal lets principals of any account call kms:Decrypt on the key: it has no condition",
			"9:7: info KEY008 Key: " + noGrantLimit,
			// NotPrincipal names the role, not the sessions it calls through.
			"15:13: error KEY009 Key: arn:aws:iam::111122223333:role/Auditor of account 111122223333 may call kms:Decrypt other than through DynamoDB: another account may decrypt with the key directly",
			"19:13: error KEY009 Key: arn:aws:iam::111122223333:role/Admin of account 111122223333 may call kms:CreateGrant: another account may manage the key",
		}},
		{"sam-policy-templates.yaml", []string{
			"25:11: warning CHK001 Reader: Properties.Policies.3 cannot be read as a policy (the SAM policy template MadeUpPolicy is not one gen check knows): it is not judged",
			"24:11: error IAM002 Reader: a policy allows DynamoDB actions on every table in the account: dynamodb:BatchGetItem, dynamodb:BatchWriteItem, dynamodb:ConditionCheckItem and 7 more",
			"23:11: warning IAM003 Reader: " + viaService,
			"5:3: info KEY008 TableKey: " + noGrantLimit,
		}},
		{"other-transform.yaml", []string{
			"2:1: warning CHK001 (template): the transform MyCompany::Macro is not applied: the resources are judged as written",
		}},
		{"key-conditions-in-branches.yaml", []string{
			"18:13: error KEY005 Key: an Allow to the * principal lets principals of any account call kms:Decrypt on the key: it has no condition (when condition IsShared is false)",
			"18:13: error KEY006 Key: an Allow to the * principal, held to the account by its conditions (kms:CallerAccount), lets every principal of the account call kms:Decrypt other than through DynamoDB, whatever its IAM policies say (when condition IsShared is true)",
		}},
		{"key-from-another-stack.yaml", []string{
			"24:58: info SSE004 FromCustomResource: KMSMasterKeyId comes from ${KeyLookup.Arn}: " + unproven,
			"18:58: info SSE004 FromStack: KMSMasterKeyId comes from ${KeyStack.Outputs.KeyArn}: " + unproven,
			"5:3: warning CHK001 KeyStack: a nested stack (AWS::CloudFormation::Stack): " + nested,
			"30:13: warning IAM003 Reader: " + viaService,
		}},
		{"unknown-values.yaml", []string{
			"26:15: warning CHK001 Key: Properties.KeyPolicy.Statement.1.Principal.AWS is ${Consumer}, " + atDeployment,
			`45:13: warning CHK001 Writer: Properties.PolicyDocument.Statement.1.Action is {"Fn::FindInMap":["Actions",{"Ref":"Env"},"Writer"]}, ` + atDeployment,
			`48:36: warning CHK001 Writer: Properties.PolicyDocument.Statement.2.Action.1 is {"Fn::ImportValue":"SharedActions"}, ` + atDeployment,
			`51:13: warning CHK001 Writer: Properties.PolicyDocument.Statement.3.NotAction is {"Fn::Split":[",",{"Fn::ImportValue":"ExcludedActions"}]}, ` + atDeployment,
			"41:13: error IAM001 Writer: a policy allows every DynamoDB action",
			"50:13: error IAM001 Writer: a policy allows every action but those NotAction lists, every DynamoDB action among them",
			"53:13: warning IAM003 Writer: " + viaService,
		}},
		{"managed-policies.yaml", []string{
			"7:3: warning CHK001 (template): Globals section Functions is not one SAM applies to a resource type the model knows: it is not merged into any resource",
			"37:11: warning CHK001 Admin: Properties.ManagedPolicyArns.1 cannot be read as a policy (the managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess is not one gen check knows): it is not judged",
			"38:11: error IAM001 Admin: AWS managed policy PowerUserAccess: a policy allows every action but those NotAction lists, every DynamoDB action among them",
			"38:11: error IAM002 Admin: AWS managed policy PowerUserAccess: a policy allows DynamoDB actions on every table in the account: dynamodb:AssociateTableReplica, dynamodb:BatchGetItem, dynamodb:BatchWriteItem and 63 more",
			"38:11: warning IAM003 Admin: AWS managed policy PowerUserAccess: " + viaService,
			"38:11: error IAM004 Admin: AWS managed policy PowerUserAccess: a policy allows kms:PutKeyPolicy on every key: full use and administration of every key whose policy delegates to IAM",
			"10:3: info KEY008 Key: " + noGrantLimit,
			"29:11: warning CHK001 Writer: Properties.Policies.2 cannot be read as a policy (the managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess is not one gen check knows): it is not judged",
			"28:11: error IAM001 Writer: AWS managed policy AmazonDynamoDBFullAccess: a policy allows every DynamoDB action",
			"28:11: error IAM002 Writer: AWS managed policy AmazonDynamoDBFullAccess: a policy allows DynamoDB actions on every table in the account: dynamodb:AssociateTableReplica, dynamodb:BatchGetItem, dynamodb:BatchWriteItem and 63 more",
		}},
		{"unjudged-parts.yaml", []string{
			"5:3: warning CHK001 (template): Fn::Transform AWS::Include is not applied: what it inserts is not judged",
			"39:9: warning CHK001 (template): Fn::Transform AWS::Include is not applied: what it inserts is not judged",
			"8:3: warning CHK001 App: a nested stack (AWS::Serverless::Application): " + nested,
			`38:7: warning CHK001 Policy: Properties.PolicyDocument cannot be read as a policy (policy: want a document with a Statement list, got {"Fn::Transform":{"Name":"AWS::Include","Parameters":{"Location":"s3://bucket/policy.yaml"}}}): it is not judged`,
			"15:7: warning CHK001 Replica: encrypts table Table, but a replica key rotates as its primary key does, which is not in this template: its rotation is not judged",
			"16:7: error KEY003 Replica: PendingWindowInDays is 3; KMS accepts 7 to 30",
			"25:13: error KEY005 Replica: an Allow to the * principal lets principals of any account call kms:Decrypt on the key: it has no condition",
			"17:7: info KEY008 Replica: " + noGrantLimit,
		}},
		{"key-through-alias.yaml", []string{
			"5:3: error KEY001 Key: encrypts table Customers but EnableKeyRotation is not true: the same key material protects the table forever",
			"16:13: warning KEY012 Key: encrypts Customers, Orders, and ${Writer.Arn} may use it through DynamoDB for any of them, not only its own (no kms:EncryptionContext:aws:dynamodb:tableName condition)",
		}},
		{"json-string-policy.yaml", []string{
			"11:7: error IAM001 Policy: a policy allows every DynamoDB action",
			"11:7: error IAM001 Policy: a policy allows every DynamoDB action",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var got []string
			for _, f := range Run(parseFile(t, filepath.Join("testdata/patterns", tt.file)), Options{Today: today}) {
				severity := f.Severity.String()
				if f.Suppressed() {
					severity = "suppressed " + severity
				}
				got = append(got, fmt.Sprintf("%d:%d: %s %s %s: %s", f.Line, f.Column, severity, f.Rule, f.Resource, f.Message))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// A suppression names its tool, id and reason on the finding it accepts.
func TestASuppressedFindingCarriesItsReason(t *testing.T) {
	for _, f := range Run(parseFile(t, "testdata/patterns/suppressions.yaml"), Options{Today: today}) {
		if f.Rule == "KEY006" {
			if got := f.Suppression.String(); got != "checkov CKV_AWS_33: every principal of the account, only through DynamoDB" {
				t.Errorf("suppression %q", got)
			}
			return
		}
	}
	t.Error("no KEY006 finding")
}

// What the AWS CDK synthesizes for the same design: its role may decrypt
// with the table's key without kms:ViaService.
func TestTheCDKTemplateFindings(t *testing.T) {
	var got []string
	for _, f := range Run(parseFile(t, "../reference/cdk/table-cmk.template.json"), Options{Today: today}) {
		got = append(got, fmt.Sprintf("%d:%d %s %s %s", f.Line, f.Column, f.Severity, f.Rule, f.Resource))
	}
	want := "39:3 info DDB001 TableCD117FA1, 39:3 info DDB002 TableCD117FA1, 7:5 info KEY008 TableKeyF581D96F, " +
		"123:7 warning IAM003 WriterFunctionServiceRoleDefaultPolicyCB7AE64F"
	if strings.Join(got, ", ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ", "), want)
	}
}
