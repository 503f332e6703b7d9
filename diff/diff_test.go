package diff

import (
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

func compareYAML(t *testing.T, old, new string) Report {
	t.Helper()
	parse := func(src string) *cfn.Template {
		tmpl, err := cfn.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return tmpl
	}
	return Compare(parse(old), parse(new))
}

func reportText(t *testing.T, r Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Each case is one resource's change, and the lines its review must hold.
func TestCompareJudgesEachKindOfChange(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"a changed type replaces the resource",
			"Resources: {A: {Type: AWS::SQS::Queue}}", "Resources: {A: {Type: AWS::SNS::Topic}}",
			[]string{"A: replaced", "Type: AWS::SQS::Queue → AWS::SNS::Topic (replacement: always)"}},
		{"a type the schemas do not know may be replaced",
			"Resources: {A: {Type: Custom::Thing, Properties: {Size: 1}}}", "Resources: {A: {Type: Custom::Thing, Properties: {Size: 2}}}",
			[]string{"A: may be replaced", "note: Custom::Thing is not in the resource provider schemas: an update may replace it"}},
		{"a number written as a string is no change",
			"Resources: {A: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 14}}}", "Resources: {A: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: '14'}}}",
			[]string{"gen diff: no change"}},
		{"an RDS cluster removed without a policy is snapshotted",
			"Resources: {DB: {Type: AWS::RDS::DBCluster}}", "Resources: {}",
			[]string{"DB: removed", "removed from the stack but retained"}},
		{"Snapshot does not keep a DynamoDB table",
			"Resources: {T: {Type: AWS::DynamoDB::Table, DeletionPolicy: Snapshot}}", "Resources: {}",
			[]string{"T: removed, data loss"}},
		{"a conditional replacement of a stateful resource may lose data",
			"Resources: {DB: {Type: AWS::RDS::DBInstance, Properties: {DBClusterIdentifier: c, Engine: mysql}}}",
			"Resources: {DB: {Type: AWS::RDS::DBInstance, Properties: {DBClusterIdentifier: c, Engine: postgres}}}",
			[]string{"DB: may be replaced, data loss", "may be replaced without UpdateReplacePolicy Retain"}},
		{"a SAM simple table's primary key replaces it",
			"Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: id, Type: String}}}}",
			"Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: pk, Type: String}}}}",
			[]string{"T: replaced, data loss"}},
		{"a SAM simple table written as the table the transform makes of it",
			"Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::Serverless::SimpleTable, Properties: {PrimaryKey: {Name: pk, Type: Number}}}}",
			"Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {AttributeDefinitions: [{AttributeName: pk, AttributeType: N}], KeySchema: [{AttributeName: pk, KeyType: HASH}], BillingMode: PAY_PER_REQUEST}}}",
			[]string{"gen diff: no change"}},
		{"SSE turned off on a SAM simple table",
			"Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::Serverless::SimpleTable, Properties: {SSESpecification: {SSEEnabled: true}}}}",
			"Transform: AWS::Serverless-2016-10-31\nResources: {T: {Type: AWS::Serverless::SimpleTable}}",
			[]string{"weakening T: SSE moved from the AWS managed key aws/dynamodb to an AWS owned key"}},
		{"a global table replica moved to the AWS managed key",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {SSESpecification: {SSEEnabled: true, SSEType: KMS}, Replicas: [{Region: eu-west-1, SSESpecification: {KMSMasterKeyId: k}}]}}}",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {SSESpecification: {SSEEnabled: true, SSEType: KMS}, Replicas: [{Region: eu-west-1}]}}}",
			[]string{"weakening G: SSE moved from a key outside the template to the AWS managed key aws/dynamodb"}},
		{"a managed policy and a policy template added to a SAM function",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [AWSLambdaBasicExecutionRole]}}}",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [AWSLambdaBasicExecutionRole, AmazonS3FullAccess, {DynamoDBCrudPolicy: {TableName: t}}]}}}",
			[]string{"broadening F: managed policy AmazonS3FullAccess attached", `broadening F: policy template {"DynamoDBCrudPolicy":{"TableName":"t"}} added`}},
		{"a statement added to a SAM function's inline policy",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}}}}",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [{Statement: [{Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: '*'}]}]}}}",
			[]string{"broadening F: inline policy: statement 1: action s3:PutObject added"}},
		{"a Lambda permission opened to every account",
			"Resources: {P: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: s3.amazonaws.com, SourceAccount: '111122223333'}}}",
			"Resources: {P: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: s3.amazonaws.com}}}",
			[]string{"broadening P: invoke permission: statement 1: condition StringEquals AWS:SourceAccount 111122223333 removed"}},
		{"a policy that cannot be read is taken as broader when it changes",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {'Fn::If': [C, {Statement: []}, {Statement: []}]}}}}",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {'Fn::If': [C, {Statement: []}, {Statement: [x]}]}}}}",
			[]string{"broadening K: key policy: changed, and cannot be compared statement by statement"}},
		{"a bucket policy statement for anyone",
			"Resources: {B: {Type: AWS::S3::BucketPolicy, Properties: {PolicyDocument: {Statement: []}}}}",
			"Resources: {B: {Type: AWS::S3::BucketPolicy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: '*'}]}}}}",
			[]string{"broadening B: resource policy: statement 1: nothing in the other policy allows * s3:GetObject on *"}},
		{"a dependant whose reference cannot change in place is replaced in turn",
			"Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {KeySchema: [{AttributeName: a}]}}, G: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Sub 'logs-${T}'}}}",
			"Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {KeySchema: [{AttributeName: b}]}}, G: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Sub 'logs-${T}'}}}",
			[]string{"G: replaced, data loss", "T: replaced, data loss", "Properties.LogGroupName: logs-${T} → logs-${T} (replacement: always; T is replaced)"}},
		{"a loop only deployment can expand, changed: data loss and broadening, never nothing",
			"Transform: AWS::LanguageExtensions\nParameters: {Names: {Type: CommaDelimitedList}}\nResources:\n  Fn::ForEach::T: [N, !Ref Names, {'${N}': {Type: AWS::DynamoDB::Table, DeletionPolicy: Retain}}]",
			"Transform: AWS::LanguageExtensions\nParameters: {Names: {Type: CommaDelimitedList}}\nResources:\n  Fn::ForEach::T: [N, !Ref Names, {'${N}': {Type: AWS::DynamoDB::Table}}]",
			[]string{"Fn::ForEach::T: may be replaced, data loss", "broadening Fn::ForEach::T: Fn::ForEach::T is not expanded"}},
		{"a loop inside a loop only deployment can expand, its policy widened",
			"Transform: AWS::LanguageExtensions\nParameters: {Names: {Type: CommaDelimitedList}}\nResources:\n  Fn::ForEach::Outer: [O, [a], {'Fn::ForEach::Inner${O}': [N, !Ref Names, {'${N}${O}': {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}}}}]}]",
			"Transform: AWS::LanguageExtensions\nParameters: {Names: {Type: CommaDelimitedList}}\nResources:\n  Fn::ForEach::Outer: [O, [a], {'Fn::ForEach::Inner${O}': [N, !Ref Names, {'${N}${O}': {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}}}]}]",
			[]string{"Fn::ForEach::Innera: may be replaced, data loss", "broadening Fn::ForEach::Innera: Fn::ForEach::Innera is not expanded"}},
		{"a change under a macro the review does not run",
			"Transform: Acme::Expand\nResources: {P: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: []}}}}",
			"Transform: Acme::Expand\nResources: {P: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: []}, Acme: wide}}}",
			[]string{"Transform: may be replaced, data loss", "broadening Transform: the transform Acme::Expand is not applied"}},
		{"a principal from Mappings widened to anyone",
			"Mappings: {Trust: {Account: {Principal: 'arn:aws:iam::111122223333:role/r'}}}\nResources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: !FindInMap [Trust, Account, Principal]}, Action: kms:Decrypt, Resource: '*'}]}}}}",
			"Mappings: {Trust: {Account: {Principal: '*'}}}\nResources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: !FindInMap [Trust, Account, Principal]}, Action: kms:Decrypt, Resource: '*'}]}}}}",
			[]string{"broadening K: key policy: statement 1: nothing in the other policy allows * kms:Decrypt on *"}},
		{"an inline policy under Fn::If changed",
			"Resources: {R: {Type: AWS::IAM::Role, Properties: {Policies: [!If [C, {PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: '*'}]}}, !Ref AWS::NoValue]]}}}",
			"Resources: {R: {Type: AWS::IAM::Role, Properties: {Policies: [!If [C, {PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}}, !Ref AWS::NoValue]]}}}",
			[]string{"broadening R: inline policy written so that it cannot be compared statement by statement changed: taken as broader"}},
		{"a SAM document that cannot be read added",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [{Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}]}}}",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [{Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}, {Statement: [!If [C, {Effect: Allow, Action: '*', Resource: '*'}, !Ref AWS::NoValue]]}]}}}",
			[]string{"broadening F: a policy written so that it cannot be compared statement by statement changed: taken as broader"}},
		{"an invoke permission no longer limited to the organization",
			"Resources: {P: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: '*', PrincipalOrgID: o-1}}}",
			"Resources: {P: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunction, FunctionName: f, Principal: '*'}}}",
			[]string{"broadening P: invoke permission: statement 1: condition StringEquals aws:PrincipalOrgID o-1 removed"}},
		{"a function URL opened to anyone",
			"Resources: {P: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunctionUrl, FunctionName: f, Principal: '*', FunctionUrlAuthType: AWS_IAM}}}",
			"Resources: {P: {Type: AWS::Lambda::Permission, Properties: {Action: lambda:InvokeFunctionUrl, FunctionName: f, Principal: '*', FunctionUrlAuthType: NONE}}}",
			[]string{"broadening P: invoke permission: statement 1: condition StringEquals lambda:FunctionUrlAuthType AWS_IAM widened to StringEquals lambda:FunctionUrlAuthType NONE"}},
		{"a permissions boundary removed",
			"Resources: {R: {Type: AWS::IAM::Role, Properties: {PermissionsBoundary: arn:aws:iam::111122223333:policy/cap}}}",
			"Resources: {R: {Type: AWS::IAM::Role}}",
			[]string{"broadening R: permissions boundary arn:aws:iam::111122223333:policy/cap removed"}},
		{"a SAM function's permissions boundary removed",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {PermissionsBoundary: arn:aws:iam::111122223333:policy/cap}}}",
			"Resources: {F: {Type: AWS::Serverless::Function}}",
			[]string{"broadening F: permissions boundary arn:aws:iam::111122223333:policy/cap removed"}},
		{"a rule that kept a parameter from opening the key dropped",
			"Parameters: {Who: {Type: String, AllowedValues: ['arn:aws:iam::111122223333:role/r', '*']}}\nRules: {NotAnyone: {Assertions: [{Assert: !Not [!Equals [!Ref Who, '*']]}]}}\nResources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: !Ref Who}, Action: kms:Decrypt, Resource: '*'}]}}}}",
			"Parameters: {Who: {Type: String, AllowedValues: ['arn:aws:iam::111122223333:role/r', '*']}}\nResources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Effect: Allow, Principal: {AWS: !Ref Who}, Action: kms:Decrypt, Resource: '*'}]}}}}",
			[]string{"broadening K: it reads Who, which changed: what it allows cannot be compared, so it is taken as broader"}},
		{"statements reordered around one only deployment decides",
			"Conditions: {C: !Equals [!Ref AWS::AccountId, '1']}\nResources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [r], PolicyDocument: {Statement: [{Effect: Allow, Action: dynamodb:PutItem, Resource: t}, !If [C, {Effect: Allow, Action: dynamodb:GetItem, Resource: t}, !Ref AWS::NoValue]]}}}}",
			"Conditions: {C: !Equals [!Ref AWS::AccountId, '1']}\nResources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [r], PolicyDocument: {Statement: [!If [C, {Effect: Allow, Action: dynamodb:GetItem, Resource: t}, !Ref AWS::NoValue], {Effect: Allow, Action: dynamodb:PutItem, Resource: t}]}}}}",
			[]string{"gen diff: P: modified\n"}},
		{"a role given more only where a condition holds",
			"Conditions: {C: !Equals [!Ref AWS::AccountId, '1']}\nResources: {R: {Type: AWS::IAM::Role}, P: {Type: AWS::IAM::Policy, Properties: {Roles: [!Ref R], PolicyDocument: {Statement: [!If [C, {Effect: Allow, Action: dynamodb:GetItem, Resource: t}, !Ref AWS::NoValue]]}}}}",
			"Conditions: {C: !Equals [!Ref AWS::AccountId, '1']}\nResources: {R: {Type: AWS::IAM::Role}, P: {Type: AWS::IAM::Policy, Properties: {Roles: [!Ref R], PolicyDocument: {Statement: [!If [C, {Effect: Allow, Action: 'dynamodb:*', Resource: t}, !Ref AWS::NoValue]]}}}}",
			[]string{"(when condition C is true)"}},
		{"a policy put on one more role",
			"Resources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [a], PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}}}}",
			"Resources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [a, b], PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}}}}",
			[]string{"broadening P: role b now holds the policy"}},
		{"a policy that allows nothing put on one more role",
			"Resources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [a], PolicyDocument: {Statement: []}}}}",
			"Resources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [a, b], PolicyDocument: {Statement: []}}}}",
			[]string{"gen diff: P: modified\n"}},
		{"a global table replica opened to anyone",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1}]}}}",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1, ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'dynamodb:*', Resource: '*'}]}}}]}}}",
			[]string{"broadening G: statement 1 of the new resource policy of replica eu-west-1 allows * dynamodb:* on *"}},
		{"a table stream opened to another account",
			"Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {StreamSpecification: {StreamViewType: NEW_IMAGE}}}}",
			"Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {StreamSpecification: {StreamViewType: NEW_IMAGE, ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: '444455556666'}, Action: 'dynamodb:GetRecords', Resource: '*'}]}}}}}}",
			[]string{"broadening T: statement 1 of the new stream resource policy allows 444455556666 dynamodb:GetRecords on *"}},
		{"a global table replica's stream opened to anyone",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1}]}}}",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1, ReplicaStreamSpecification: {ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'dynamodb:GetRecords', Resource: '*'}]}}}}]}}}",
			[]string{"broadening G: statement 1 of the new stream resource policy of replica eu-west-1 allows * dynamodb:GetRecords on *"}},
		{"a function URL's auth turned off",
			"Resources: {U: {Type: AWS::Lambda::Url, Properties: {AuthType: AWS_IAM, TargetFunctionArn: f}}}",
			"Resources: {U: {Type: AWS::Lambda::Url, Properties: {AuthType: NONE, TargetFunctionArn: f}}}",
			[]string{"broadening U: function URL auth type AWS_IAM → NONE: anyone may call the function"}},
		{"a SAM function given a URL without auth",
			"Resources: {F: {Type: AWS::Serverless::Function}}",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {FunctionUrlConfig: {AuthType: NONE}}}}",
			[]string{"broadening F: function URL auth type no URL → NONE: anyone may call the function"}},
		{"point-in-time recovery from a parameter that defaults to on, turned off",
			"Parameters: {P: {Type: String, Default: 'true'}}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: !Ref P}}}}",
			"Parameters: {P: {Type: String, Default: 'true'}}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: false}}}}",
			[]string{"weakening T: point-in-time recovery may be turned off"}},
		{"a DeletionPolicy that only deployment decides",
			"Resources: {T: {Type: AWS::DynamoDB::Table, DeletionPolicy: Retain}}",
			"Resources: {T: {Type: AWS::DynamoDB::Table, DeletionPolicy: !If [Prod, Retain, Delete]}}",
			[]string{"weakening T: DeletionPolicy Retain → "}},
		{"a global table replica's recovery and protection turned off",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1, DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}}]}}}",
			"Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {Replicas: [{Region: eu-west-1}]}}}",
			[]string{"weakening G: point-in-time recovery of replica eu-west-1 turned off", "weakening G: deletion protection of replica eu-west-1 turned off"}},
		{"a key rotating less often",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: true, RotationPeriodInDays: 90}}}",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: true}}}",
			[]string{"weakening K: key rotation period 90 → 365 days: keys rotate less often"}},
		{"a table moved from the stack's key to a key outside the template",
			"Resources: {K: {Type: AWS::KMS::Key}, T: {Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref K}}}}",
			"Resources: {K: {Type: AWS::KMS::Key}, T: {Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: 'arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab'}}}}",
			[]string{"weakening T: SSE moved from a customer managed key of the template to a key outside the template"}},
		{"a key disabled",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {Enabled: true}}}", "Resources: {K: {Type: AWS::KMS::Key, Properties: {Enabled: false}}}",
			[]string{"weakening K: the key is disabled: the tables it encrypts become inaccessible"}},
		{"a table moved to a parameter defaulting to the AWS managed key",
			"Parameters: {K: {Type: String, Default: alias/aws/dynamodb}}\nResources: {Key: {Type: AWS::KMS::Key}, T: {Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: true, KMSMasterKeyId: !Ref Key}}}}",
			"Parameters: {K: {Type: String, Default: alias/aws/dynamodb}}\nResources: {Key: {Type: AWS::KMS::Key}, T: {Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: true, KMSMasterKeyId: !Ref K}}}}",
			[]string{"weakening T: SSE moved from a customer managed key of the template to the AWS managed key aws/dynamodb"}},
		{"a Deny's NotIpAddress given more ranges, which turns it off",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Sid: D, Effect: Deny, Principal: '*', Action: 'kms:*', Resource: '*', Condition: {NotIpAddress: {aws:SourceIp: [10.0.0.0/8]}}}]}}}}",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Sid: D, Effect: Deny, Principal: '*', Action: 'kms:*', Resource: '*', Condition: {NotIpAddress: {aws:SourceIp: [10.0.0.0/8, 0.0.0.0/1, 128.0.0.0/1]}}}]}}}}",
			[]string{"broadening K: key policy: D: the Deny's condition"}},
		{"a condition flipped that decides a policy's action",
			"Parameters: {Env: {Type: String, Default: prod}}\nConditions: {IsProd: !Equals [!Ref Env, prod]}\nResources: {P: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: !If [IsProd, s3:GetObject, '*'], Resource: '*'}]}}}}",
			"Parameters: {Env: {Type: String, Default: dev}}\nConditions: {IsProd: !Equals [!Ref Env, prod]}\nResources: {P: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: [{Effect: Allow, Action: !If [IsProd, s3:GetObject, '*'], Resource: '*'}]}}}}",
			[]string{"broadening P: it reads IsProd, which changed: what it allows cannot be compared, so it is taken as broader"}},
		{"a table's Condition changed, which may remove it",
			"Conditions: {Keep: !Equals [a, a]}\nResources: {T: {Type: AWS::DynamoDB::Table, Condition: Keep}}",
			"Conditions: {Keep: !Equals [a, b]}\nResources: {T: {Type: AWS::DynamoDB::Table, Condition: Keep}}",
			[]string{"T: modified, data loss", "it reads Keep, which changed: it may be removed from the stack"}},
		{"a table's key schema from a parameter whose default changed",
			"Parameters: {Key: {Type: String, Default: id}}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {KeySchema: [{AttributeName: !Ref Key, KeyType: HASH}]}}}",
			"Parameters: {Key: {Type: String, Default: pk}}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {KeySchema: [{AttributeName: !Ref Key, KeyType: HASH}]}}}",
			[]string{"T: may be replaced, data loss", "it reads Key, which changed: it may be replaced"}},
		{"a table's recovery from a condition that changed",
			"Conditions: {Prod: !Equals [a, a]}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: !If [Prod, true, false]}}}}",
			"Conditions: {Prod: !Equals [a, b]}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: !If [Prod, true, false]}}}}",
			[]string{"weakening T: it reads Prod, which changed: its encryption and recovery may be weaker"}},
		{"a parameter no resource reads changed",
			"Parameters: {Unused: {Type: String, Default: a}}\nResources: {T: {Type: AWS::DynamoDB::Table}}",
			"Parameters: {Unused: {Type: String, Default: b}}\nResources: {T: {Type: AWS::DynamoDB::Table}}",
			[]string{"gen diff: also changed: Parameters"}},
		{"a new key's policy reads as new",
			"Resources: {}",
			"Resources: {K: {Type: AWS::KMS::Key, Properties: {KeyPolicy: {Statement: [{Sid: Root, Effect: Allow, Principal: {AWS: '111122223333'}, Action: 'kms:*', Resource: '*'}]}}}}",
			[]string{"broadening K: Root of the new key policy allows 111122223333 kms:* on *\n"}},
		{"a new SAM function's inline policy reads as new",
			"Resources: {}",
			"Resources: {F: {Type: AWS::Serverless::Function, Properties: {Policies: [{Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}]}}}",
			[]string{"broadening F: statement 1 of the new inline policy allows s3:GetObject on *"}},
		{"a retained key leaving the stack keeps its policy: no broadening",
			"Resources: {K: {Type: AWS::KMS::Key, DeletionPolicy: Retain, Properties: {KeyPolicy: {Statement: [" +
				"{Effect: Allow, Principal: {AWS: '111122223333'}, Action: 'kms:*', Resource: '*'}, " +
				"{Effect: Deny, Principal: '*', Action: 'kms:CreateGrant', Resource: '*', Condition: {Bool: {'kms:GrantIsForAWSResource': 'false'}}}]}}}}",
			"Resources: {}",
			[]string{"gen diff: K: removed\n", "retained with its policies as deployed: removing it from the stack changes no access"}},
		{"another section changed",
			"Resources: {}\nOutputs: {A: {Value: 1}}", "Resources: {}\nOutputs: {A: {Value: 2}}",
			[]string{"gen diff: also changed: Outputs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReview(t, reportText(t, compareYAML(t, tt.old, tt.new)), tt.want, nil)
		})
	}
}

// checkReview fails t unless the review's text says each of want and none
// of not.
func checkReview(t *testing.T, text string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the review does not say %q:\n%s", w, text)
		}
	}
	for _, w := range not {
		if strings.Contains(text, w) {
			t.Errorf("the review says %q:\n%s", w, text)
		}
	}
}

func TestParseClasses(t *testing.T) {
	if got, err := ParseClasses("data-loss, broadening"); err != nil || len(got) != 2 {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := ParseClasses("data-loss,,"); err == nil {
		t.Error("an empty class was accepted")
	}
}
