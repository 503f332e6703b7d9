package diff

import (
	"fmt"
	"strings"
	"testing"
)

// table writes a template of one AWS::DynamoDB::Table, keyed on id, with
// attributes a (S), b (S) and n (N) and the global secondary indexes given
// as YAML flow items, and more properties after.
func table(indexes string, more ...string) string {
	properties := []string{
		"KeySchema: [{AttributeName: id, KeyType: HASH}]",
		"AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: a, AttributeType: S}, {AttributeName: b, AttributeType: S}, {AttributeName: n, AttributeType: N}]",
	}
	if indexes != "" {
		properties = append(properties, "GlobalSecondaryIndexes: ["+indexes+"]")
	}
	return "Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {" + strings.Join(append(properties, more...), ", ") + "}}}"
}

// index writes a global secondary index keyed on attribute key.
func index(name, key string, more ...string) string {
	return "{" + strings.Join(append([]string{"IndexName: " + name, "KeySchema: [{AttributeName: " + key + ", KeyType: HASH}]", "Projection: {ProjectionType: KEYS_ONLY}"}, more...), ", ") + "}"
}

// globalTable writes a template of one AWS::DynamoDB::GlobalTable with the
// replicas (YAML flow items) and more properties.
func globalTable(replicas string, more ...string) string {
	properties := append([]string{
		"KeySchema: [{AttributeName: id, KeyType: HASH}]", "AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: a, AttributeType: S}, {AttributeName: b, AttributeType: S}]",
		"Replicas: [" + replicas + "]",
	}, more...)
	return "Resources: {G: {Type: AWS::DynamoDB::GlobalTable, Properties: {" + strings.Join(properties, ", ") + "}}}"
}

func replicas(regions ...string) string {
	var out []string
	for _, r := range regions {
		out = append(out, "{Region: "+r+"}")
	}
	return strings.Join(out, ", ")
}

// Each case is one change CloudFormation refuses, or one it carries out
// that looks like it, and the lines the review must hold.
func TestCompareTellsWhatCloudFormationRefuses(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		refused  bool
		want     []string
	}{
		{"two global secondary indexes created in one update",
			table(""), table(index("ByA", "a") + ", " + index("ByB", "b")), true,
			[]string{"refused T: global secondary indexes ByA, ByB created in one update: CloudFormation creates or deletes one global secondary index per update",
				"aws-resource-dynamodb-table.html#cfn-dynamodb-table-globalsecondaryindexes", "T: modified, refused"}},
		{"two global secondary indexes deleted in one update",
			table(index("ByA", "a") + ", " + index("ByB", "b")), table(""), true,
			[]string{"refused T: global secondary indexes ByA, ByB deleted in one update"}},
		{"a global secondary index renamed is a deletion and a creation",
			table(index("ByA", "a")), table(index("ByAlpha", "a")), true,
			[]string{"refused T: global secondary index ByAlpha created and global secondary index ByA deleted in one update"}},
		{"one global secondary index created",
			table(index("ByA", "a")), table(index("ByA", "a") + ", " + index("ByB", "b")), false,
			[]string{"T: modified\n"}},
		{"one global secondary index deleted",
			table(index("ByA", "a") + ", " + index("ByB", "b")), table(index("ByB", "b")), false,
			[]string{"T: modified\n"}},
		{"a global secondary index's key schema changed in place",
			table(index("ByA", "a")), table(index("ByA", "b")), true,
			[]string{"refused T: global secondary index ByA changes its KeySchema in place: CloudFormation changes only an index's throughput and contributor insights"}},
		{"a global secondary index's projection changed in place",
			table(index("ByA", "a")), table("{IndexName: ByA, KeySchema: [{AttributeName: a, KeyType: HASH}], Projection: {ProjectionType: ALL}}"), true,
			[]string{"refused T: global secondary index ByA changes its Projection in place"}},
		{"the type of a global secondary index's key attribute changed",
			table(index("ByN", "n")), strings.Replace(table(index("ByN", "n")), "{AttributeName: n, AttributeType: N}", "{AttributeName: n, AttributeType: S}", 1), true,
			[]string{"refused T: global secondary index ByN changes its KeySchema (the type of key attribute n changes N → S) in place"}},
		{"a global secondary index's throughput, contributor insights and on-demand ceiling changed",
			table(index("ByA", "a", "ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}")),
			table(index("ByA", "a", "ProvisionedThroughput: {ReadCapacityUnits: 50, WriteCapacityUnits: 5}", "ContributorInsightsSpecification: {Enabled: true}", "OnDemandThroughput: {MaxReadRequestUnits: 10}", "WarmThroughput: {ReadUnitsPerSecond: 12000}")), false,
			[]string{"T: modified\n"}},
		{"global secondary indexes that cannot be read index by index, changed",
			table("!If [C, " + index("ByA", "a") + ", !Ref AWS::NoValue]"), table("!If [C, " + index("ByB", "b") + ", !Ref AWS::NoValue]"), true,
			[]string{"refused T: GlobalSecondaryIndexes, written so that they cannot be read index by index, change"}},
		{"a table replaced is made with its new indexes",
			table(""), strings.Replace(table(index("ByA", "a")+", "+index("ByB", "b")), "{AttributeName: id, KeyType: HASH}", "{AttributeName: a, KeyType: HASH}", 1), false,
			[]string{"T: replaced, data loss"}},
		{"a global secondary index's name from a parameter whose default changed",
			"Parameters: {Name: {Type: String, Default: ByA}}\n" + table(index("!Ref Name", "a")), "Parameters: {Name: {Type: String, Default: ByB}}\n" + table(index("!Ref Name", "a")), true,
			[]string{"refused T: it reads Name, which changed: its global secondary indexes or replicas may change as CloudFormation refuses"}},
		{"a global secondary index's throughput from a parameter whose default changed",
			"Parameters: {Read: {Type: Number, Default: 5}}\n" + table(index("ByA", "a", "ProvisionedThroughput: {ReadCapacityUnits: !Ref Read, WriteCapacityUnits: 5}")),
			"Parameters: {Read: {Type: Number, Default: 50}}\n" + table(index("ByA", "a", "ProvisionedThroughput: {ReadCapacityUnits: !Ref Read, WriteCapacityUnits: 5}")), false,
			[]string{"gen diff: also changed: Parameters"}},
		{"a table replaced under its custom name",
			table("", "TableName: orders"), strings.Replace(table("", "TableName: orders"), "{AttributeName: id, KeyType: HASH}", "{AttributeName: a, KeyType: HASH}", 1), true,
			[]string{"refused T: it is replaced, and TableName sets a custom name: CloudFormation cannot create the replacement under the same name", "T: replaced, data loss, refused", "[~] T (AWS::DynamoDB::Table): REFUSED, DATA LOSS, replaced"}},
		{"a global table's two global secondary indexes created",
			globalTable(replicas("us-east-1")), globalTable(replicas("us-east-1"), "GlobalSecondaryIndexes: ["+index("ByA", "a")+", "+index("ByB", "b")+"]"), true,
			[]string{"refused G: global secondary indexes ByA, ByB created in one update", "aws-resource-dynamodb-globaltable.html"}},
		{"a global table's index write capacity changed",
			globalTable(replicas("us-east-1"), "GlobalSecondaryIndexes: ["+index("ByA", "a", "WriteProvisionedThroughputSettings: {WriteCapacityAutoScalingSettings: {MaxCapacity: 10}}")+"]"),
			globalTable(replicas("us-east-1"), "GlobalSecondaryIndexes: ["+index("ByA", "a", "WriteProvisionedThroughputSettings: {WriteCapacityAutoScalingSettings: {MaxCapacity: 20}}")+"]"), false,
			[]string{"G: modified\n"}},
		{"two replicas added in one update",
			globalTable(replicas("us-east-1")), globalTable(replicas("us-east-1", "eu-west-1", "ap-southeast-2")), true,
			[]string{"refused G: replicas ap-southeast-2, eu-west-1 added in one update: CloudFormation adds or removes one replica per update", "G: modified, refused"}},
		{"a replica added and another removed in one update",
			globalTable(replicas("us-east-1", "eu-west-1")), globalTable(replicas("us-east-1", "ap-southeast-2")), true,
			[]string{"refused G: replica ap-southeast-2 added and replica eu-west-1 removed in one update", "G: modified, data loss, refused"}},
		{"one replica added",
			globalTable(replicas("us-east-1")), globalTable(replicas("us-east-1", "eu-west-1")), false,
			[]string{"G: modified\n"}},
		{"a strongly consistent global table gains three replicas and a witness",
			globalTable(replicas("us-east-1"), "MultiRegionConsistency: STRONG"),
			globalTable(replicas("us-east-1", "us-east-2", "us-west-2", "eu-west-1"), "MultiRegionConsistency: STRONG", "GlobalTableWitnesses: [{Region: us-west-1}]"), true,
			[]string{"refused G: replicas and witnesses eu-west-1, us-east-2, us-west-1, us-west-2 added in one update: CloudFormation adds or removes up to 3 replicas and witnesses of a strongly consistent global table per update"}},
		{"a strongly consistent global table gains two replicas and a witness",
			globalTable(replicas("us-east-1"), "MultiRegionConsistency: STRONG"),
			globalTable(replicas("us-east-1", "us-east-2", "us-west-2"), "MultiRegionConsistency: STRONG", "GlobalTableWitnesses: [{Region: us-west-1}]"), false,
			[]string{"G: modified\n"}},
		{"a key made multi-Region",
			"Resources: {K: {Type: AWS::KMS::Key}}", "Resources: {K: {Type: AWS::KMS::Key, Properties: {MultiRegion: true}}}", true,
			[]string{"refused K: MultiRegion changes (false → true): KMS cannot change it on an existing key, and CloudFormation fails the update whatever the UpdateReplacePolicy",
				"aws-resource-kms-key.html", "note: UpdateReplacePolicy Retain does not keep this key beside a new one"}},
		{"a retained multi-Region key made single-Region",
			"Resources: {K: {Type: AWS::KMS::Key, UpdateReplacePolicy: Retain, Properties: {MultiRegion: true}}}", "Resources: {K: {Type: AWS::KMS::Key, UpdateReplacePolicy: Retain, Properties: {MultiRegion: false}}}", true,
			[]string{"refused K: MultiRegion changes (true → false)", "K: modified, refused"}},
		{"a key's MultiRegion that only deployment decides",
			"Resources: {K: {Type: AWS::KMS::Key}}", "Resources: {K: {Type: AWS::KMS::Key, Properties: {MultiRegion: !If [Global, true, false]}}}", true,
			[]string{"refused K: MultiRegion may change, as only deployment decides, (false → "}},
		{"a key's spec and usage changed",
			"Resources: {K: {Type: AWS::KMS::Key}}", "Resources: {K: {Type: AWS::KMS::Key, Properties: {KeySpec: HMAC_256, KeyUsage: GENERATE_VERIFY_MAC}}}", true,
			[]string{"refused K: KeySpec changes (SYMMETRIC_DEFAULT → HMAC_256)", "refused K: KeyUsage changes (ENCRYPT_DECRYPT → GENERATE_VERIFY_MAC)"}},
		{"a key's MultiRegion from a parameter whose default changed",
			"Parameters: {Global: {Type: String, Default: 'false'}}\nResources: {K: {Type: AWS::KMS::Key, Properties: {MultiRegion: !Ref Global}}}",
			"Parameters: {Global: {Type: String, Default: 'true'}}\nResources: {K: {Type: AWS::KMS::Key, Properties: {MultiRegion: !Ref Global}}}", true,
			[]string{"refused K: it reads Global, which changed: its KeySpec, KeyUsage or MultiRegion may change, which KMS cannot change on an existing key"}},
		{"a key's spec written out as its default",
			"Resources: {K: {Type: AWS::KMS::Key}}", "Resources: {K: {Type: AWS::KMS::Key, Properties: {KeySpec: SYMMETRIC_DEFAULT, KeyUsage: ENCRYPT_DECRYPT}}}", false,
			[]string{"K: modified\n"}},
		{"a key's MultiRegion written out as its default",
			"Resources: {K: {Type: AWS::KMS::Key}}", "Resources: {K: {Type: AWS::KMS::Key, Properties: {MultiRegion: false}}}", false,
			[]string{"K: modified\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compareYAML(t, tt.old, tt.new)
			text := reportText(t, r)
			if r.Has(ClassRefused) != tt.refused {
				t.Errorf("refused %v, want %v:\n%s", r.Has(ClassRefused), tt.refused, text)
			}
			checkReview(t, text, tt.want, nil)
		})
	}
}

// Each case is one change with a consequence no class names, and the note
// that must say it.
func TestCompareNotesWhatAnUpdateDoes(t *testing.T) {
	const sse = "SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: %s}"
	keys := func(table string, more ...string) string {
		return "Resources: {" + strings.Join(append(more, "T: {Type: AWS::DynamoDB::Table, Properties: {"+fmt.Sprintf(sse, table)+"}}"), ", ") + "}"
	}
	tests := []struct {
		name     string
		old, new string
		want     []string
		not      []string
	}{
		{"provisioned capacity switched to on-demand",
			table("", "BillingMode: PROVISIONED"), table("", "BillingMode: PAY_PER_REQUEST"),
			[]string{"note: BillingMode PROVISIONED → PAY_PER_REQUEST: DynamoDB switches a table from provisioned to on-demand capacity at most four times in a 24-hour rolling window", "bp-switching-capacity-modes.html"}, nil},
		{"a table of the default billing mode switched to on-demand",
			table(""), table("", "BillingMode: PAY_PER_REQUEST"),
			[]string{"note: BillingMode PROVISIONED → PAY_PER_REQUEST"}, nil},
		{"on-demand switched to provisioned capacity, which has no limit",
			table("", "BillingMode: PAY_PER_REQUEST"), table("", "BillingMode: PROVISIONED"),
			nil, []string{"four times"}},
		{"a global table switched to on-demand",
			globalTable(replicas("us-east-1")), globalTable(replicas("us-east-1"), "BillingMode: PAY_PER_REQUEST"),
			[]string{"note: BillingMode PROVISIONED → PAY_PER_REQUEST"}, nil},
		{"a table moved to another key of the stack, the old one kept",
			keys("!GetAtt Old.Arn", "Old: {Type: AWS::KMS::Key}", "New: {Type: AWS::KMS::Key}"), keys("!GetAtt New.Arn", "Old: {Type: AWS::KMS::Key}", "New: {Type: AWS::KMS::Key}"),
			[]string{"note: KMSMasterKeyId ${Old.Arn} → ${New.Arn}: DynamoDB re-encrypts the table under the new key in place, without downtime; the old key must stay enabled until the table's SSE description names the new key",
				"encryption.usagenotes.html", "The old key Old stays in the stack, and keeps billing, until the template removes it"}, nil},
		{"a table's key written as its alias instead of its ARN: the same key",
			keys("!GetAtt Old.Arn", "Old: {Type: AWS::KMS::Key}", "OldAlias: {Type: AWS::KMS::Alias, Properties: {AliasName: alias/old, TargetKeyId: !Ref Old}}"),
			keys("!Ref OldAlias", "Old: {Type: AWS::KMS::Key}", "OldAlias: {Type: AWS::KMS::Alias, Properties: {AliasName: alias/old, TargetKeyId: !Ref Old}}"),
			[]string{"T: modified\n"}, []string{"re-encrypts"}},
		{"a table moved to another key, the old one removed and retained",
			keys("!GetAtt Old.Arn", "Old: {Type: AWS::KMS::Key, DeletionPolicy: Retain}"), keys("!GetAtt New.Arn", "New: {Type: AWS::KMS::Key}"),
			[]string{"The old key Old leaves the stack but is retained (DeletionPolicy Retain): it stays, and keeps billing, outside the stack"}, nil},
		{"a table moved to another key, the old one removed",
			keys("!GetAtt Old.Arn", "Old: {Type: AWS::KMS::Key, Properties: {PendingWindowInDays: 7}}"), keys("!GetAtt New.Arn", "New: {Type: AWS::KMS::Key}"),
			[]string{"The old key Old leaves the stack: CloudFormation schedules its deletion, after a waiting period of 7 days (PendingWindowInDays), as soon as the update completes; remove it in a later update instead", "Old: removed, data loss"}, nil},
		{"a table moved off a key through its alias, the key removed with the default window",
			keys("!Ref OldAlias", "Old: {Type: AWS::KMS::Key}", "OldAlias: {Type: AWS::KMS::Alias, Properties: {AliasName: alias/old, TargetKeyId: !Ref Old}}"), keys("!GetAtt New.Arn", "New: {Type: AWS::KMS::Key}"),
			[]string{"The old key Old leaves the stack: CloudFormation schedules its deletion, after a waiting period of 30 days, the default"}, nil},
		{"a table moved off a key outside the template",
			keys("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), keys("!GetAtt New.Arn", "New: {Type: AWS::KMS::Key}"),
			[]string{"The old key is not the template's: it stays as it is, and keeps billing while it exists"}, nil},
		{"a replica removed from a global table",
			globalTable(replicas("us-east-1", "eu-west-1")), globalTable(replicas("us-east-1")),
			[]string{"G: modified, data loss", "note: replica eu-west-1 removed: CloudFormation deletes the replica table in eu-west-1, and that Region's copy of the data with it; DeletionPolicy does not apply"}, nil},
		{"a replica removed from a retained global table",
			strings.Replace(globalTable(replicas("us-east-1", "eu-west-1")), "{Type:", "{DeletionPolicy: Retain, Type:", 1), strings.Replace(globalTable(replicas("us-east-1")), "{Type:", "{DeletionPolicy: Retain, Type:", 1),
			[]string{"G: modified, data loss"}, nil},
		{"a replica moved to another key",
			globalTable("{Region: eu-west-1, SSESpecification: {KMSMasterKeyId: !GetAtt Old.Arn}}", "SSESpecification: {SSEEnabled: true, SSEType: KMS}") + "\n",
			globalTable("{Region: eu-west-1, SSESpecification: {KMSMasterKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1'}}", "SSESpecification: {SSEEnabled: true, SSEType: KMS}"),
			[]string{"note: KMSMasterKeyId ${Old.Arn} → arn:aws:kms:eu-west-1:111122223333:key/mrk-1: DynamoDB re-encrypts replica eu-west-1 under the new key in place",
				"The replica is not re-created: CloudFormation changes its key with no interruption", "terraform-provider-aws/pull/29102", "G: modified\n"}, []string{"data loss"}},
		{"a table's resource policy gains a principal",
			table("", "ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/api'}, Action: 'dynamodb:GetItem', Resource: '*'}]}}"),
			table("", "ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: ['arn:aws:iam::111122223333:role/api', 'arn:aws:iam::444455556666:role/analytics']}, Action: 'dynamodb:GetItem', Resource: '*'}]}}"),
			[]string{"broadening T: resource policy: statement 1: "}, nil},
		{"a table's resource policy gains an action",
			table("", "ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/api'}, Action: 'dynamodb:GetItem', Resource: '*'}]}}"),
			table("", "ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/api'}, Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: '*'}]}}"),
			[]string{"broadening T: resource policy: statement 1: action dynamodb:PutItem added"}, nil},
		{"a stream's resource policy gains a principal",
			table("", "StreamSpecification: {StreamViewType: NEW_IMAGE, ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/consumer'}, Action: 'dynamodb:GetRecords', Resource: '*'}]}}}"),
			table("", "StreamSpecification: {StreamViewType: NEW_IMAGE, ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: ['arn:aws:iam::111122223333:role/consumer', 'arn:aws:iam::444455556666:role/other']}, Action: 'dynamodb:GetRecords', Resource: '*'}]}}}"),
			[]string{"broadening T: stream resource policy: statement 1: "}, nil},
		{"a stream's resource policy gains an action",
			table("", "StreamSpecification: {StreamViewType: NEW_IMAGE, ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/consumer'}, Action: 'dynamodb:GetRecords', Resource: '*'}]}}}"),
			table("", "StreamSpecification: {StreamViewType: NEW_IMAGE, ResourcePolicy: {PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: 'arn:aws:iam::111122223333:role/consumer'}, Action: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: '*'}]}}}"),
			[]string{"broadening T: stream resource policy: statement 1: action dynamodb:GetShardIterator added"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReview(t, reportText(t, compareYAML(t, tt.old, tt.new)), tt.want, tt.not)
		})
	}
}
