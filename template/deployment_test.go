package template

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/intrinsics"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// globalConfig is one Orders table in us-east-1 with replicas in eu-west-1
// and ap-southeast-2, its keys as change sets.
func globalConfig(change func(*Config)) Config {
	cfg := DefaultConfig()
	cfg.Region = "us-east-1"
	cfg.StackName = "orders"
	cfg.Tables = []TableConfig{cfg.Table("Orders", Attribute{Name: "id", Type: "S"})}
	cfg.Tables[0].Replicas = []string{"eu-west-1", "ap-southeast-2"}
	if change != nil {
		change(&cfg)
	}
	return cfg
}

func buildDeployment(t *testing.T, cfg Config) *Deployment {
	t.Helper()
	d, err := BuildDeployment(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// stackOf gives the template of the stack named name.
func stackOf(t *testing.T, d *Deployment, name string) *cloudformation.Template {
	t.Helper()
	for i, s := range d.Manifest.Stacks {
		if s.Name == name {
			return d.Stacks[i].Template
		}
	}
	t.Fatalf("no stack %s", name)
	return nil
}

// resolved is v serialised with its intrinsics spelled out.
func resolved(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	raw, err = intrinsics.ProcessJSON(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func sids(policy any) []string {
	var out []string
	for _, s := range policy.(cfn.PolicyDocument).Statement {
		out = append(out, s.Sid)
	}
	return out
}

func TestKeyStacksComeFirstThePrimaryRegionsFirstThenTheTableStack(t *testing.T) {
	d := buildDeployment(t, globalConfig(nil))
	var got []string
	for _, s := range d.Manifest.Stacks {
		got = append(got, s.Name+" "+s.Region+" "+s.Template)
	}
	want := []string{
		"orders-keys-us-east-1 us-east-1 keys-us-east-1.yaml",
		"orders-keys-eu-west-1 eu-west-1 keys-eu-west-1.yaml",
		"orders-keys-ap-southeast-2 ap-southeast-2 keys-ap-southeast-2.yaml",
		"orders us-east-1 tables.yaml",
	}
	if !slices.Equal(got, want) {
		t.Errorf("stacks\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(d.Stacks) != len(d.Manifest.Stacks) {
		t.Errorf("%d templates for %d stacks", len(d.Stacks), len(d.Manifest.Stacks))
	}
}

func TestEachMultiRegionReplicaKeyReplicatesThePrimaryKeyOfTheFirstStack(t *testing.T) {
	d := buildDeployment(t, globalConfig(nil))
	primary, err := stackOf(t, d, "orders-keys-us-east-1").GetKMSKeyWithName("OrdersTableKmsKey")
	if err != nil {
		t.Fatal(err)
	}
	if primary.MultiRegion == nil || !*primary.MultiRegion || primary.EnableKeyRotation == nil || !*primary.EnableKeyRotation {
		t.Errorf("the primary key is not a multi-Region key with rotation on: %+v", primary)
	}
	for _, region := range []string{"eu-west-1", "ap-southeast-2"} {
		name := "orders-keys-" + region
		replica, err := stackOf(t, d, name).GetKMSReplicaKeyWithName("OrdersTableKmsKey")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := resolved(t, replica.PrimaryKeyArn); !reflect.DeepEqual(got, map[string]any{"Ref": "OrdersPrimaryKeyArn"}) {
			t.Errorf("%s: PrimaryKeyArn is %v", name, got)
		}
		m, _ := d.Manifest.Stack(name)
		if got := m.Parameters["OrdersPrimaryKeyArn"]; !reflect.DeepEqual(got, deployment.FromOutput("orders-keys-us-east-1", "OrdersKeyArn")) {
			t.Errorf("%s: the primary key's ARN comes from %+v", name, got)
		}
		pattern := *stackOf(t, d, name).Parameters["OrdersPrimaryKeyArn"].AllowedPattern
		if !strings.Contains(pattern, ":kms:us-east-1:") || !strings.Contains(pattern, "key/mrk-") {
			t.Errorf("%s: the primary key's ARN may be %s, want a multi-Region key of us-east-1", name, pattern)
		}
	}
}

func TestIndependentKeysAreSingleRegionKeysEachRotatingInItsOwnRegion(t *testing.T) {
	d := buildDeployment(t, globalConfig(func(c *Config) { c.Key.MultiRegion = false }))
	for _, m := range d.Manifest.Stacks[:3] {
		key, err := stackOf(t, d, m.Name).GetKMSKeyWithName("OrdersTableKmsKey")
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if key.MultiRegion != nil || key.EnableKeyRotation == nil || !*key.EnableKeyRotation {
			t.Errorf("%s: want a single-Region key with rotation on, got MultiRegion %v", m.Name, key.MultiRegion)
		}
		if len(m.Parameters) != 0 {
			t.Errorf("%s: an independent key needs nothing of another stack, got %v", m.Name, m.Parameters)
		}
	}
}

func TestTheTableStackEncryptsEachReplicaWithTheKeyOfItsRegion(t *testing.T) {
	for _, multiRegion := range []bool{true, false} {
		d := buildDeployment(t, globalConfig(func(c *Config) { c.Key.MultiRegion = multiRegion }))
		tables := stackOf(t, d, "orders")
		table, err := tables.GetDynamoDBGlobalTableWithName("OrdersTable")
		if err != nil {
			t.Fatal(err)
		}
		if !table.SSESpecification.SSEEnabled || *table.SSESpecification.SSEType != "KMS" || *table.BillingMode != "PAY_PER_REQUEST" {
			t.Errorf("SSE %+v, billing %s", table.SSESpecification, *table.BillingMode)
		}
		m, _ := d.Manifest.Stack("orders")
		for i, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
			r := table.Replicas[i]
			parameter := "OrdersKeyArn" + regionSuffix(region)
			if r.Region != region || !reflect.DeepEqual(resolved(t, r.SSESpecification.KMSMasterKeyId), map[string]any{"Ref": parameter}) {
				t.Errorf("replica %d: %s with key %v, want %s with %s", i, r.Region, resolved(t, r.SSESpecification.KMSMasterKeyId), region, parameter)
			}
			if got := m.Parameters[parameter]; !reflect.DeepEqual(got, deployment.FromOutput("orders-keys-"+region, "OrdersKeyArn")) {
				t.Errorf("%s comes from %+v", parameter, got)
			}
			if pattern := *tables.Parameters[parameter].AllowedPattern; !strings.Contains(pattern, ":kms:"+region+":") || strings.Contains(pattern, "mrk-") != multiRegion {
				t.Errorf("%s may be %s", parameter, pattern)
			}
		}
	}
}

func TestAGlobalTableHasTheStreamCloudFormationRequiresOfMoreThanOneReplica(t *testing.T) {
	table, err := stackOf(t, buildDeployment(t, globalConfig(nil)), "orders").GetDynamoDBGlobalTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	if table.StreamSpecification == nil || table.StreamSpecification.StreamViewType != "NEW_AND_OLD_IMAGES" {
		t.Errorf("stream %+v, want NEW_AND_OLD_IMAGES", table.StreamSpecification)
	}
	table, err = stackOf(t, buildDeployment(t, globalConfig(func(c *Config) { c.Tables[0].Stream = "KEYS_ONLY" })), "orders").GetDynamoDBGlobalTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	if table.StreamSpecification.StreamViewType != "KEYS_ONLY" {
		t.Errorf("the table's own stream view became %s", table.StreamSpecification.StreamViewType)
	}
}

func TestEveryReplicaTakesTheTablesProtectionClassAndTags(t *testing.T) {
	cfg := globalConfig(func(c *Config) {
		c.Tables[0].PointInTimeRecovery, c.Tables[0].DeletionProtection = true, true
		c.Tables[0].TableClass = "STANDARD_INFREQUENT_ACCESS"
		c.Tags = map[string]string{"team": "payments"}
	})
	table, err := stackOf(t, buildDeployment(t, cfg), "orders").GetDynamoDBGlobalTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range table.Replicas {
		if r.PointInTimeRecoverySpecification == nil || !*r.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled ||
			r.DeletionProtectionEnabled == nil || !*r.DeletionProtectionEnabled || *r.TableClass != "STANDARD_INFREQUENT_ACCESS" ||
			len(r.Tags) != 1 || r.Tags[0].Key != "team" {
			t.Errorf("replica in %s: %+v", r.Region, r)
		}
	}
}

// DynamoDB reaches a replica's key through the grants it makes for the
// replica, on behalf of whoever creates it (the stack's deployer, whom the
// account root statement lets IAM decide); its replication role's policy
// holds no KMS action. So a key outside the primary Region names no writer
// and allows no kms:ViaService of another Region.
func TestAReplicaRegionsKeyAllowsOnlyTheAccountRootAndDynamoDBToDescribeIt(t *testing.T) {
	for _, multiRegion := range []bool{true, false} {
		d := buildDeployment(t, globalConfig(func(c *Config) { c.Key.MultiRegion = multiRegion }))
		for _, name := range []string{"orders-keys-eu-west-1", "orders-keys-ap-southeast-2"} {
			r := stackOf(t, d, name).Resources["OrdersTableKmsKey"]
			var policy any
			switch k := r.(type) {
			case *kms.Key:
				policy = k.KeyPolicy
			case *kms.ReplicaKey:
				policy = k.KeyPolicy
			}
			if got := sids(policy); !slices.Equal(got, []string{"AccountRootAdministers", "DynamoDBDescribesKey"}) {
				t.Errorf("multiRegion %v, %s: statements %v", multiRegion, name, got)
			}
		}
	}
}

func TestThePrimaryRegionsKeyNamesTheWriterRoleItsOwnStackMakes(t *testing.T) {
	keys := stackOf(t, buildDeployment(t, globalConfig(nil)), "orders-keys-us-east-1")
	key, err := keys.GetKMSKeyWithName("OrdersTableKmsKey")
	if err != nil {
		t.Fatal(err)
	}
	if got := sids(key.KeyPolicy); !slices.Equal(got, []string{"AccountRootAdministers", "WriterUsesKeyThroughDynamoDB", "DynamoDBDescribesKey"}) {
		t.Errorf("statements %v", got)
	}
	if _, err := keys.GetIAMRoleWithName("OrdersWriteFunctionRole"); err != nil {
		t.Errorf("the key stack does not make the role its key policy names: %v", err)
	}
}

func TestUnderAccountAccessEveryRegionsKeyServesTheAccountThroughDynamoDBInItsRegion(t *testing.T) {
	d := buildDeployment(t, globalConfig(func(c *Config) { c.Key.Access = AccessAccount }))
	replica, err := stackOf(t, d, "orders-keys-eu-west-1").GetKMSReplicaKeyWithName("OrdersTableKmsKey")
	if err != nil {
		t.Fatal(err)
	}
	if got := sids(replica.KeyPolicy); !slices.Equal(got, []string{"AccountRootAdministers", "AccountUsesKeyThroughDynamoDB", "DynamoDBDescribesKey"}) {
		t.Errorf("statements %v", got)
	}
}

func TestTheWriterIsInThePrimaryRegionAndReachesItsRoleAndKeyThroughParameters(t *testing.T) {
	d := buildDeployment(t, globalConfig(func(c *Config) { c.Key.Access = AccessIAM }))
	tables := stackOf(t, d, "orders")
	fn, err := tables.GetServerlessFunctionWithName("OrdersWriteFunction")
	if err != nil {
		t.Fatal(err)
	}
	if got := resolved(t, fn.Role); !reflect.DeepEqual(got, map[string]any{"Ref": "OrdersWriterRoleArn"}) {
		t.Errorf("the writer's role is %v", got)
	}
	policy, err := tables.GetIAMPolicyWithName("OrdersWriteFunctionPolicy")
	if err != nil {
		t.Fatal(err)
	}
	doc := resolved(t, policy.PolicyDocument).(map[string]any)
	keyStatement := doc["Statement"].([]any)[1].(map[string]any)
	if !reflect.DeepEqual(keyStatement["Resource"], map[string]any{"Ref": "OrdersKeyArnUsEast1"}) {
		t.Errorf("the writer may use key %v, want the primary Region's", keyStatement["Resource"])
	}
	if got := resolved(t, policy.Roles); !reflect.DeepEqual(got, []any{map[string]any{"Ref": "OrdersWriterRoleName"}}) {
		t.Errorf("the policy is attached to %v", got)
	}
	m, _ := d.Manifest.Stack("orders")
	for _, name := range []string{"OrdersWriterRoleArn", "OrdersWriterRoleName"} {
		if got := m.Parameters[name]; !reflect.DeepEqual(got, deployment.FromOutput("orders-keys-us-east-1", name)) {
			t.Errorf("%s comes from %+v", name, got)
		}
	}
}

// Two replicated tables under key.scope stack share each Region's key; the
// key stack comes first, so it names the tables by the table stack's name.
func TestASharedKeyHoldsEachWriterToItsTableByTheTableStacksName(t *testing.T) {
	d := buildDeployment(t, globalConfig(func(c *Config) {
		c.Key.Scope = KeyScopeStack
		payments := c.Table("Payments", Attribute{Name: "id", Type: "S"})
		payments.Replicas = []string{"eu-west-1"}
		c.Tables = append(c.Tables, payments)
	}))
	key, err := stackOf(t, d, "orders-keys-us-east-1").GetKMSKeyWithName("StackKmsKey")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range key.KeyPolicy.(cfn.PolicyDocument).Statement {
		if !strings.HasSuffix(s.Sid, "WriterUsesKeyThroughDynamoDB") {
			continue
		}
		table := strings.TrimSuffix(s.Sid, "WriterUsesKeyThroughDynamoDB")
		if got := s.Condition["StringLike"][tableNameKey]; got != "orders-"+table+"Table-*" {
			t.Errorf("%s is held to %v", s.Sid, got)
		}
	}
	if _, err := stackOf(t, d, "orders-keys-ap-southeast-2").GetKMSReplicaKeyWithName("StackKmsKey"); err != nil {
		t.Errorf("ap-southeast-2, where Orders alone has a replica, has no shared key: %v", err)
	}
	if got := len(stackOf(t, d, "orders").Parameters); got != 3+2+2 {
		t.Errorf("the table stack takes %d parameters, want the key in 3 Regions and 2 writer roles", got)
	}
}

func TestSingleRegionTablesStayAsBuildMakesThemBesideTheGlobalTables(t *testing.T) {
	d := buildDeployment(t, globalConfig(func(c *Config) {
		c.Tables = append(c.Tables, c.Table("Audit", Attribute{Name: "id", Type: "S"}))
	}))
	single, err := Build(func() Config {
		c := DefaultConfig()
		c.Tables = []TableConfig{c.Table("Audit", Attribute{Name: "id", Type: "S"})}
		c.Writer.CodeURI = deploymentCodeURI("arm64")
		return c
	}())
	if err != nil {
		t.Fatal(err)
	}
	tables := stackOf(t, d, "orders")
	for _, id := range single.ResourceOrder {
		if !reflect.DeepEqual(resolved(t, tables.Resources[id]), resolved(t, single.Template.Resources[id])) {
			t.Errorf("%s differs from the single-Region template's", id)
		}
	}
	if _, err := tables.GetDynamoDBTableWithName("AuditTable"); err != nil {
		t.Errorf("the single-Region table is not an AWS::DynamoDB::Table: %v", err)
	}
}

func TestADeploymentsWritersFindTheirCodeBesideItsDirectory(t *testing.T) {
	fn, err := stackOf(t, buildDeployment(t, globalConfig(nil)), "orders").GetServerlessFunctionWithName("OrdersWriteFunction")
	if err != nil {
		t.Fatal(err)
	}
	if got := *fn.CodeUri.String; got != "../build/writer-arm64" {
		t.Errorf("CodeUri %s", got)
	}
}

func TestEachStackAcknowledgesWhatItsTemplateDoes(t *testing.T) {
	d := buildDeployment(t, globalConfig(nil))
	want := map[string][]string{
		"orders-keys-us-east-1":      {"CAPABILITY_IAM"}, // the writer's role
		"orders-keys-eu-west-1":      {},
		"orders-keys-ap-southeast-2": {},
		"orders":                     {"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}, // the writer's policy; SAM
	}
	for i, m := range d.Manifest.Stacks {
		if !slices.Equal(m.Capabilities, want[m.Name]) {
			t.Errorf("%s: %v, want %v", m.Name, m.Capabilities, want[m.Name])
		}
		if m.Name != "orders" && d.Stacks[i].Template.Transform != nil {
			t.Errorf("%s has a transform, which a service-managed stack set refuses", m.Name)
		}
	}
}

func TestBuildAndBuildDeploymentEachRefuseTheOthersConfiguration(t *testing.T) {
	if _, err := Build(globalConfig(nil)); err == nil || !strings.Contains(err.Error(), "tables[0] has replicas: the configuration is a deployment") {
		t.Errorf("Build: %v", err)
	}
	if _, err := BuildDeployment(DefaultConfig()); err == nil || !strings.Contains(err.Error(), "no table has replicas") {
		t.Errorf("BuildDeployment: %v", err)
	}
}

func TestAddTableRefusesATableWithReplicas(t *testing.T) {
	table := DefaultTable()
	table.Replicas = []string{"eu-west-1"}
	cfg := DefaultConfig()
	cfg.Region = "us-east-1"
	if _, err := AddTable(cloudformation.NewTemplate(), cfg, table); err == nil || !strings.Contains(err.Error(), "table.replicas") {
		t.Errorf("got %v", err)
	}
}

func TestBuildDeploymentRefusesBadRegionsAndWhatAGlobalTableDoesNotTakeYet(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"replicas without a primary Region", func(c *Config) { c.Region = "" }, "region: missing; tables[0].replicas makes the configuration a deployment"},
		{"an unknown primary Region", func(c *Config) { c.Region = "us-east-9" }, `region: got "us-east-9", which is not an AWS Region`},
		{"a replica in the primary Region", func(c *Config) { c.Tables[0].Replicas[1] = "us-east-1" }, `tables[0].replicas[1]: got "us-east-1", the primary Region (region)`},
		{"a replica Region named twice", func(c *Config) { c.Tables[0].Replicas[1] = "eu-west-1" }, `tables[0].replicas[1]: got "eu-west-1", already tables[0].replicas[0]`},
		{"an unknown replica Region", func(c *Config) { c.Tables[0].Replicas[0] = "euwest-1" }, `tables[0].replicas[0]: got "euwest-1", which is not an AWS Region (did you mean eu-west-1?)`},
		{"a replica in another partition", func(c *Config) { c.Tables[0].Replicas[0] = "cn-north-1" }, `tables[0].replicas[0]: got "cn-north-1", in partition aws-cn; the primary Region us-east-1 is in aws`},
		{"a stack name CloudFormation refuses", func(c *Config) { c.StackName = "orders_v2" }, `stackName: got "orders_v2"`},
		{"provisioned capacity", func(c *Config) {
			c.Tables[0].Capacity = &Capacity{Mode: Provisioned, Read: &AutoScaling{1, 2, 70}, Write: &AutoScaling{1, 2, 70}}
		}, "tables[0].capacity: a table with replicas is generated on demand"},
		{"an on-demand ceiling", func(c *Config) { c.Tables[0].Capacity = &Capacity{Mode: OnDemand, MaxReadUnits: 10} }, "tables[0].capacity"},
		{"grants", func(c *Config) {
			c.Account = "123456789012"
			c.Tables[0].Grants = []Grant{{Principal: "arn:aws:iam::123456789012:role/api", Allow: AllowRead}}
		}, "tables[0].grants: grants on a table with replicas are not generated yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := BuildDeployment(globalConfig(tt.change)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestAStackNameWithoutReplicasIsRefusedAndARegionIsNot(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Region = "eu-west-1"
	if _, err := Build(cfg); err != nil {
		t.Errorf("a single-Region config with its Region: %v", err)
	}
	cfg.StackName = "orders"
	if _, err := Build(cfg); err == nil || !strings.Contains(err.Error(), `stackName: got "orders", but no table has replicas`) {
		t.Errorf("got %v", err)
	}
}

func TestAGlobalTablesAttributesIndexesAndTTLAreTheTables(t *testing.T) {
	cfg := globalConfig(func(c *Config) {
		c.Tables[0].SortKey = &Attribute{Name: "at", Type: "N"}
		c.Tables[0].TTLAttribute = "expiresAt"
		c.Tables[0].GlobalIndexes = []GlobalIndex{{Name: "ByStatus", PartitionKey: Attribute{Name: "status", Type: "S"}, Projection: Projection{Type: ProjectKeysOnly}}}
		c.Tables[0].LocalIndexes = []LocalIndex{{Name: "ByCreated", SortKey: Attribute{Name: "createdAt", Type: "N"}, Projection: Projection{Type: ProjectAll}}}
	})
	table, err := stackOf(t, buildDeployment(t, cfg), "orders").GetDynamoDBGlobalTableWithName("OrdersTable")
	if err != nil {
		t.Fatal(err)
	}
	want := &dynamodb.GlobalTable{
		AttributeDefinitions: []dynamodb.GlobalTable_AttributeDefinition{{AttributeName: "id", AttributeType: "S"}, {AttributeName: "at", AttributeType: "N"},
			{AttributeName: "status", AttributeType: "S"}, {AttributeName: "createdAt", AttributeType: "N"}},
		KeySchema: []dynamodb.GlobalTable_KeySchema{{AttributeName: "id", KeyType: "HASH"}, {AttributeName: "at", KeyType: "RANGE"}},
		GlobalSecondaryIndexes: []dynamodb.GlobalTable_GlobalSecondaryIndex{{IndexName: "ByStatus",
			KeySchema: []dynamodb.GlobalTable_KeySchema{{AttributeName: "status", KeyType: "HASH"}}, Projection: &dynamodb.GlobalTable_Projection{ProjectionType: cloudformation.String("KEYS_ONLY")}}},
		LocalSecondaryIndexes: []dynamodb.GlobalTable_LocalSecondaryIndex{{IndexName: "ByCreated",
			KeySchema:  []dynamodb.GlobalTable_KeySchema{{AttributeName: "id", KeyType: "HASH"}, {AttributeName: "createdAt", KeyType: "RANGE"}},
			Projection: &dynamodb.GlobalTable_Projection{ProjectionType: cloudformation.String("ALL")}}},
		TimeToLiveSpecification: &dynamodb.GlobalTable_TimeToLiveSpecification{AttributeName: cloudformation.String("expiresAt"), Enabled: true},
	}
	got := &dynamodb.GlobalTable{AttributeDefinitions: table.AttributeDefinitions, KeySchema: table.KeySchema, GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
		LocalSecondaryIndexes: table.LocalSecondaryIndexes, TimeToLiveSpecification: table.TimeToLiveSpecification}
	if !reflect.DeepEqual(resolved(t, got), resolved(t, want)) {
		t.Errorf("got\n%v\nwant\n%v", resolved(t, got), resolved(t, want))
	}
}
