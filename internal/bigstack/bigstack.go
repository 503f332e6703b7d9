// Package bigstack writes a large template, of the size and shape of the
// large stacks people deploy, for the benchmarks of gen check: the checks
// must stay fast on it.
package bigstack

import (
	"fmt"
	"strings"
)

// services is how many services Template makes: 35 of 7
// resources each, 245 in all.
const services = 35

// Template writes a template of the size and shape of the large ones
// people deploy (an AWS Solutions stack): 245 resources, services of a
// function, its role and log group, a table and its key, a queue and its
// dead-letter queue; 7 conditions over Yes/No parameters and the Region that make
// resources and choose values; inline policies, key policies, parameters,
// mappings and outputs; about 228 KB of YAML. The same bytes every time.
func Template() string {
	var b strings.Builder
	b.WriteString(`AWSTemplateFormatVersion: '2010-09-09'
Description: A large stack of services, each a function that writes to its own table through its own key and reads its own queue
Parameters:
  Environment: {Type: String, AllowedValues: [prod, staging], Default: staging, Description: Where the stack runs}
  EnableTracing: {Type: String, AllowedValues: ['Yes', 'No'], Default: 'No', Description: Turn on X-Ray tracing for every function}
  EnableRecovery: {Type: String, AllowedValues: ['Yes', 'No'], Default: 'Yes', Description: Keep point-in-time recovery on every table}
  UseDeadLetterQueues: {Type: String, AllowedValues: ['Yes', 'No'], Default: 'Yes', Description: Give every queue a dead-letter queue}
  RetainData: {Type: String, AllowedValues: ['Yes', 'No'], Default: 'Yes', Description: Keep tables and keys when the stack is deleted}
  LogRetentionDays: {Type: Number, Default: 90, Description: How long the functions' logs are kept}
Mappings:
  Partitions:
    aws: {LambdaArchitecture: arm64, LogsPrincipal: logs.amazonaws.com}
    aws-us-gov: {LambdaArchitecture: x86_64, LogsPrincipal: logs.amazonaws.com}
  Sizes:
    prod: {Memory: 1024, Timeout: 30}
    staging: {Memory: 256, Timeout: 15}
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  IsStaging: !Not [!Condition IsProd]
  Tracing: !Equals [!Ref EnableTracing, 'Yes']
  Recovery: !Equals [!Ref EnableRecovery, 'Yes']
  DeadLetters: !Equals [!Ref UseDeadLetterQueues, 'Yes']
  Retain: !Equals [!Ref RetainData, 'Yes']
  InUsEast1: !Equals [!Ref AWS::Region, us-east-1]
Resources:
`)
	for i := range services {
		fmt.Fprintf(&b, service, i)
	}
	b.WriteString("Outputs:\n")
	for i := range services {
		fmt.Fprintf(&b, outputs, i)
	}
	return b.String()
}

// service is one service of Template: %[1]d is its number.
const service = `  Service%[1]dKey:
    Type: AWS::KMS::Key
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      Description: !Sub Encrypts the table of service %[1]d in ${AWS::StackName}
      EnableKeyRotation: true
      PendingWindowInDays: 30
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Sid: AccountRootAdministers
            Effect: Allow
            Principal:
              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: '*'
          - Sid: FunctionUsesKeyThroughDynamoDB
            Effect: Allow
            Principal:
              AWS: !GetAtt Service%[1]dRole.Arn
            Action: [kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey]
            Resource: '*'
            Condition:
              StringEquals:
                kms:CallerAccount: !Ref AWS::AccountId
                kms:ViaService: !Sub dynamodb.${AWS::Region}.amazonaws.com
          - Sid: DynamoDBDescribesKey
            Effect: Allow
            Principal:
              Service: dynamodb.amazonaws.com
            Action: [kms:Describe*, kms:Get*, kms:List*]
            Resource: '*'
          - Sid: GrantsOnlyForAWSResources
            Effect: Deny
            Principal:
              AWS: '*'
            Action: kms:CreateGrant
            Resource: '*'
            Condition:
              Bool:
                kms:GrantIsForAWSResource: 'false'
      Tags:
        - {Key: service, Value: service-%[1]d}
  Service%[1]dTable:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      TableName: !Sub ${AWS::StackName}-service-%[1]d
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
        - {AttributeName: status, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: ByStatus
          KeySchema:
            - {AttributeName: status, KeyType: HASH}
            - {AttributeName: sk, KeyType: RANGE}
          Projection: {ProjectionType: KEYS_ONLY}
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: !If [Recovery, true, false]
      DeletionProtectionEnabled: !If [IsProd, true, false]
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !GetAtt Service%[1]dKey.Arn
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      Tags:
        - {Key: service, Value: service-%[1]d}
        - {Key: environment, Value: !Ref Environment}
  Service%[1]dQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub ${AWS::StackName}-service-%[1]d
      KmsMasterKeyId: alias/aws/sqs
      VisibilityTimeout: 90
      MessageRetentionPeriod: 1209600
      RedrivePolicy: !If
        - DeadLetters
        - {deadLetterTargetArn: !GetAtt Service%[1]dDeadLetters.Arn, maxReceiveCount: 5}
        - !Ref AWS::NoValue
  Service%[1]dDeadLetters:
    Type: AWS::SQS::Queue
    Condition: DeadLetters
    Properties:
      QueueName: !Sub ${AWS::StackName}-service-%[1]d-dead-letters
      KmsMasterKeyId: alias/aws/sqs
      MessageRetentionPeriod: 1209600
  Service%[1]dRole:
    Type: AWS::IAM::Role
    Properties:
      Description: !Sub Runs the function of service %[1]d
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
            Condition:
              StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - !If [Tracing, !Sub 'arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess', !Ref AWS::NoValue]
      Policies:
        - PolicyName: WritesItsTable
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Sid: PutsAndReadsItems
                Effect: Allow
                Action: [dynamodb:PutItem, dynamodb:GetItem, dynamodb:UpdateItem, dynamodb:Query]
                Resource:
                  - !GetAtt Service%[1]dTable.Arn
                  - !Sub ${Service%[1]dTable.Arn}/index/ByStatus
              - Sid: UsesItsKeyThroughDynamoDB
                Effect: Allow
                Action: [kms:Decrypt, kms:GenerateDataKey]
                Resource: !GetAtt Service%[1]dKey.Arn
                Condition:
                  StringEquals:
                    kms:ViaService: !Sub dynamodb.${AWS::Region}.amazonaws.com
              - Sid: ReadsItsQueue
                Effect: Allow
                Action: [sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:ChangeMessageVisibility]
                Resource: !GetAtt Service%[1]dQueue.Arn
  Service%[1]dFunction:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub ${AWS::StackName}-service-%[1]d
      Description: !Sub Takes the messages of service %[1]d off its queue and writes them to its table
      Runtime: provided.al2023
      Handler: bootstrap
      Architectures: [!FindInMap [Partitions, !Ref AWS::Partition, LambdaArchitecture]]
      MemorySize: !FindInMap [Sizes, !Ref Environment, Memory]
      Timeout: !FindInMap [Sizes, !Ref Environment, Timeout]
      Role: !GetAtt Service%[1]dRole.Arn
      Code:
        S3Bucket: !Sub artifacts-${AWS::AccountId}-${AWS::Region}
        S3Key: !Sub services/%[1]d/bootstrap.zip
      TracingConfig:
        Mode: !If [Tracing, Active, PassThrough]
      LoggingConfig:
        LogGroup: !Ref Service%[1]dLogs
        LogFormat: JSON
      Environment:
        Variables:
          TABLE_NAME: !Ref Service%[1]dTable
          QUEUE_URL: !Ref Service%[1]dQueue
          ENVIRONMENT: !Ref Environment
          IN_HOME_REGION: !If [InUsEast1, 'true', 'false']
      Tags:
        - {Key: service, Value: service-%[1]d}
        - {Key: environment, Value: !Ref Environment}
  Service%[1]dLogs:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: !If [Retain, Retain, Delete]
    UpdateReplacePolicy: !If [Retain, Retain, Delete]
    Properties:
      LogGroupName: !Sub /aws/lambda/${AWS::StackName}-service-%[1]d
      RetentionInDays: !If [IsStaging, 14, !Ref LogRetentionDays]
`

// outputs are the outputs of one service of Template.
const outputs = `  Service%[1]dTableName:
    Description: The table of service %[1]d
    Value: !Ref Service%[1]dTable
    Export: {Name: !Sub '${AWS::StackName}-Service%[1]dTable'}
  Service%[1]dQueueUrl:
    Value: !Ref Service%[1]dQueue
`
