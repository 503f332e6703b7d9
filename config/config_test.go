package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/template"
)

func load(t *testing.T, src string) (template.Config, error) {
	t.Helper()
	f, err := Parse([]byte(src))
	if err != nil {
		return template.Config{}, err
	}
	return f.Config()
}

func TestTheEmbeddedDefaultIsTheDefaultProfile(t *testing.T) {
	f, err := Parse(Default)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, template.DefaultConfig()) {
		t.Errorf("embedded default gives %+v, want %+v", cfg, template.DefaultConfig())
	}
}

func TestEveryExampleIsAValidConfig(t *testing.T) {
	examples, _ := filepath.Glob("../examples/*.yaml")
	if len(examples) < 4 {
		t.Fatalf("found %d examples", len(examples))
	}
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := load(t, string(src)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestTheProfileGivesWhatTheFileLeavesOut(t *testing.T) {
	table := "tables:\n  - name: Orders\n    partitionKey: {name: id, type: S}\n"
	tests := []struct {
		name       string
		src        string
		pitr, dp   bool
		pending    int
		logs       int
		limitGrant bool
	}{
		{"default", "profile: default\n" + table, false, false, 7, 14, false},
		{"production", "profile: production\n" + table, true, true, 30, 365, true},
		{"production with recovery turned off", "profile: production\n" + table + "    pointInTimeRecovery: false\n", false, true, 30, 365, true},
		{"no profile means default", table, false, false, 7, 14, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Tables[0]
			if got.PointInTimeRecovery != tt.pitr || got.DeletionProtection != tt.dp || cfg.Key.PendingWindowInDays != tt.pending ||
				cfg.Writer.LogRetentionInDays != tt.logs || cfg.Key.LimitGrantsToAWSResources != tt.limitGrant {
				t.Errorf("got PITR %v, protection %v, pending %d, logs %d, grant limit %v",
					got.PointInTimeRecovery, got.DeletionProtection, cfg.Key.PendingWindowInDays, cfg.Writer.LogRetentionInDays, cfg.Key.LimitGrantsToAWSResources)
			}
		})
	}
}

func TestEverySettingReachesTheConfig(t *testing.T) {
	src, err := os.ReadFile("testdata/everything.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := load(t, string(src))
	if err != nil {
		t.Fatal(err)
	}
	want := template.Config{
		Profile: template.ProfileDefault, Account: "111122223333", Region: "eu-west-1", MaxGlobalIndexes: 25,
		Tables: []template.TableConfig{{
			Name: "Orders", PartitionKey: template.Attribute{Name: "id", Type: "S"}, SortKey: &template.Attribute{Name: "createdAt", Type: "N"},
			PointInTimeRecovery: true, DeletionProtection: true, TTLAttribute: "expiresAt", Stream: "NEW_AND_OLD_IMAGES", TableClass: "STANDARD",
			GlobalIndexes: []template.GlobalIndex{{
				Name: "ByStatus", PartitionKey: template.Attribute{Name: "status", Type: "S"}, SortKey: &template.Attribute{Name: "createdAt", Type: "N"},
				Projection: template.Projection{Type: template.ProjectInclude, NonKeyAttributes: []string{"total"}},
			}},
			LocalIndexes: []template.LocalIndex{{
				Name: "ByPrice", SortKey: template.Attribute{Name: "price", Type: "N"}, Projection: template.Projection{Type: template.ProjectKeysOnly},
			}},
			Capacity: &template.Capacity{Mode: template.Provisioned,
				Read: &template.AutoScaling{Min: 5, Max: 200, Target: 70}, Write: &template.AutoScaling{Min: 2, Max: 100, Target: 60}},
			NoWriter: true,
			Grants:   []template.Grant{{Principal: "arn:aws:iam::111122223333:role/orders-api", Allow: template.AllowRead}},
		}, {
			Name: "Events", PartitionKey: template.Attribute{Name: "id", Type: "S"},
			Capacity: &template.Capacity{Mode: template.OnDemand, MaxReadUnits: 1000, MaxWriteUnits: 500},
		}},
		Key: template.KeyConfig{RotationPeriodInDays: 180, PendingWindowInDays: 10, Scope: template.KeyScopeStack, Access: template.AccessIAM,
			Admins: []string{"arn:aws:iam::${AWS::AccountId}:role/KeyAdmin"}, LimitGrantsToAWSResources: true, MultiRegion: true},
		Writer: template.WriterConfig{MemorySize: 256, Timeout: 20, Architecture: "x86_64", LogRetentionInDays: 30, CodeURI: "../dist/writer"},
		Tags:   map[string]string{"team": "payments"},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got\n%+v\nwant\n%+v", cfg, want)
	}
}

func TestTheDeploymentSettingsReachTheConfig(t *testing.T) {
	cfg, err := load(t, "region: us-east-1\nstackName: orders\nkey: {multiRegion: false}\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: [eu-west-1, ap-southeast-2]\n")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-1" || cfg.StackName != "orders" || cfg.Key.MultiRegion || !reflect.DeepEqual(cfg.Tables[0].Replicas, []string{"eu-west-1", "ap-southeast-2"}) {
		t.Errorf("region %q, stackName %q, multiRegion %v, replicas %v", cfg.Region, cfg.StackName, cfg.Key.MultiRegion, cfg.Tables[0].Replicas)
	}
	cfg, err = load(t, "region: us-east-1\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: [eu-west-1]\n")
	if err != nil || !cfg.Key.MultiRegion {
		t.Errorf("a table with replicas gets multi-Region keys unless the file says otherwise: %v, %v", cfg.Key.MultiRegion, err)
	}
}

func TestRejectedConfigs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"an unknown key", "profile: default\ntabels: []\n", "line 2: tabels: unknown key (did you mean tables?); want one of profile, account, region, stackName, maxGlobalIndexes, tables, key, writer, tags"},
		{"a key in the wrong case", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    sortkey: {name: at, type: N}\n",
			"line 4: tables[0].sortkey: unknown key (did you mean sortKey?); want one of name, partitionKey, sortKey, pointInTimeRecovery, deletionProtection, ttlAttribute, stream, tableClass"},
		{"an unknown key like none", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    ttl: x\n",
			"line 4: tables[0].ttl: unknown key; want one of name, partitionKey, sortKey, pointInTimeRecovery, deletionProtection, ttlAttribute, stream, tableClass"},
		{"an unknown writer key", "writer: {codeURI: dist/writer}\n", "line 1: writer.codeURI: unknown key (did you mean codeUri?); want one of memorySize, timeout, architecture, logRetentionInDays, codeUri"},
		{"a list for the file", "- profile: default\n", "line 1: the file: got a list, want a mapping of profile, account, region, stackName, maxGlobalIndexes, tables, key, writer, tags"},
		{"a mapping for the tables", "tables: {name: A}\n", "line 1: tables: got a mapping, want a list"},
		{"a string where a number goes", "key:\n  rotationPeriodInDays: often\n", `line 2: key.rotationPeriodInDays: got "often", want a whole number`},
		{"a fraction where a whole number goes", "writer: {memorySize: 1.5}\n", `line 1: writer.memorySize: got "1.5", want a whole number`},
		{"yes where a boolean goes", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    pointInTimeRecovery: yes\n",
			`line 4: tables[0].pointInTimeRecovery: got "yes", want true or false`},
		{"a list for a tag value", "tags: {team: [a]}\n", "line 1: tags.team: got a list, want text"},
		{"a key given twice", "profile: default\nprofile: production\n", `line 2: mapping key "profile" already defined at line 1`},
		{"a tag key AWS keeps for itself", "tags: {'AWS:team': payments}\n", `tags: key "AWS:team": keys beginning with aws: are AWS's own, and CloudFormation refuses them at deploy; choose another key`},
		{"an empty file", "", "the file is empty"},
		{"two documents", "profile: default\n---\nprofile: seed\n", "more than one YAML document"},
		{"an unknown profile", "profile: prod\n", `profile: got "prod", want one of default, production, seed`},
		{"an unknown access model", "key: {access: anyone}\n", `key.access: got "anyone", want one of writer, iam, account`},
		{"a table without a partition key", "tables:\n  - name: A\n", "tables[0].partitionKey: missing; want {name: ..., type: S|N|B}"},
		{"a bad key type", "tables:\n  - name: A\n    partitionKey: {name: id, type: X}\n", `tables[0].partitionKey.type: got "X", want one of [S N B]`},
		{"tables for the seed profile", "profile: seed\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n", "profile: seed reproduces the reference template"},
		{"writer settings for the seed profile", "profile: seed\nwriter: {timeout: 5}\n", "profile: seed reproduces the reference template"},
		{"a global index without a partition key", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    globalIndexes:\n      - {name: ByX, projection: ALL}\n",
			"tables[0].globalIndexes[0].partitionKey: missing; want {name: ..., type: S|N|B}"},
		{"a local index without a sort key", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    sortKey: {name: at, type: N}\n    localIndexes:\n      - {name: ByX, projection: ALL}\n",
			"tables[0].localIndexes[0].sortKey: missing; want {name: ..., type: S|N|B}"},
		{"a projection that is a mapping", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    globalIndexes:\n      - name: ByX\n        partitionKey: {name: x, type: S}\n        projection: {type: ALL}\n",
			"line 7: tables[0].globalIndexes[0].projection: want ALL, KEYS_ONLY or a list of attributes"},
		{"an unknown capacity key", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    capacity: {mode: on-demand, maxReads: 5}\n",
			`line 4: tables[0].capacity.maxReads: unknown key; want one of mode, read, write, maxReadUnits, maxWriteUnits`},
		{"an unknown grant key", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    grants:\n      - {principal: x, level: read}\n",
			`line 5: tables[0].grants[0].level: unknown key; want one of principal, allow`},
		{"an unknown key scope", "key: {scope: region}\n", `key.scope: got "region", want one of table, stack`},
		{"an account for the seed profile", "profile: seed\naccount: \"123456789012\"\n", "profile: seed reproduces the reference template"},
		{"a Region for the seed profile", "profile: seed\nregion: us-east-1\n", "profile: seed reproduces the reference template"},
		{"replicas without a Region", "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: [eu-west-1]\n",
			"region: missing; tables[0].replicas makes the configuration a deployment"},
		{"a replica in the primary Region", "region: eu-west-1\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: [eu-west-1]\n",
			`tables[0].replicas[0]: got "eu-west-1", the primary Region (region)`},
		{"a Region named twice", "region: us-east-1\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: [eu-west-1, eu-west-1]\n",
			`tables[0].replicas[1]: got "eu-west-1", already tables[0].replicas[0]`},
		{"an unknown Region", "region: us-east-1\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: [eu-west1]\n",
			`tables[0].replicas[0]: got "eu-west1", which is not an AWS Region (did you mean eu-west-1?)`},
		{"a Region that is not a list", "region: us-east-1\ntables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    replicas: eu-west-1\n",
			`line 5: tables[0].replicas: got "eu-west-1", want a list`},
		{"multiRegion without replicas", "key: {multiRegion: false}\n", "key.multiRegion: no table has replicas"},
		{"a stack name without replicas", "stackName: orders\n", `stackName: got "orders", but no table has replicas`},
		{"more tables than a stack holds", tables(34), "tables: got 34 tables, which make 238 resources and 204 outputs; a stack holds 500 resources and 200 outputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestTheSeedProfileAcceptsTheEmbeddedDefaultTable(t *testing.T) {
	cfg, err := load(t, strings.Replace(string(Default), "profile: default", "profile: seed", 1))
	if err != nil || cfg.Profile != template.ProfileSeed {
		t.Errorf("got %v, %v", cfg.Profile, err)
	}
}

func TestThirtyThreeTablesFit(t *testing.T) {
	if _, err := load(t, tables(33)); err != nil {
		t.Error(err)
	}
}

func TestOverridesWinOverTheFile(t *testing.T) {
	cfg, err := Load("../examples/key-and-writer.yaml", Overrides{Profile: "production", KeyAccess: "writer"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Profile != template.ProfileProduction || cfg.Key.Access != template.AccessWriter || cfg.Writer.Architecture != "x86_64" {
		t.Errorf("profile %s, access %s, architecture %s; want production, writer and the file's x86_64", cfg.Profile, cfg.Key.Access, cfg.Writer.Architecture)
	}
}

func TestTheSeedProfileRefusesAKeyAccessOverride(t *testing.T) {
	_, err := Load("", Overrides{Profile: "seed", KeyAccess: "iam"})
	if err == nil || !strings.Contains(err.Error(), "the embedded default configuration: profile: seed reproduces the reference template") {
		t.Errorf("error %v", err)
	}
}

func tables(n int) string {
	var b strings.Builder
	b.WriteString("tables:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: T%d\n    partitionKey: {name: id, type: S}\n", i)
	}
	return b.String()
}

func TestTeamsWriterFunctionFalseLeavesTheTableWithoutAWriter(t *testing.T) {
	cfg, err := load(t, "tables:\n  - name: A\n    partitionKey: {name: id, type: S}\n    writerFunction: false\n  - name: B\n    partitionKey: {name: id, type: S}\n    writerFunction: true\n")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Tables[0].NoWriter || cfg.Tables[1].NoWriter {
		t.Errorf("NoWriter %v and %v, want true and false", cfg.Tables[0].NoWriter, cfg.Tables[1].NoWriter)
	}
}

// An account id with a leading zero stays the text it was, not a number.
func TestTheAccountIsReadAsWritten(t *testing.T) {
	cfg, err := load(t, "account: 012345678901\n")
	if err != nil || cfg.Account != "012345678901" {
		t.Errorf("account %q, %v", cfg.Account, err)
	}
}
