package template

import (
	"fmt"
	"strings"
	"testing"
)

func TestConfigForKnowsEveryProfile(t *testing.T) {
	for _, p := range Profiles() {
		cfg, err := ConfigFor(string(p))
		if err != nil {
			t.Errorf("ConfigFor(%q): %v", p, err)
			continue
		}
		if _, err := Build(cfg); err != nil {
			t.Errorf("Build(%s config): %v", p, err)
		}
	}
}

func TestConfigForRejectsAnUnknownProfileNamingTheAllowedOnes(t *testing.T) {
	_, err := ConfigFor("prod")
	if err == nil || err.Error() != `profile: got "prod", want one of default, production, seed` {
		t.Errorf("error = %v", err)
	}
}

func TestBuildRejectsAnOutOfRangeConfig(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"an unknown profile", func(c *Config) { c.Profile = "prod" }, `profile: got "prod", want one of default, production, seed`},
		{"rotation faster than 90 days", func(c *Config) { c.Key.RotationPeriodInDays = 89 }, "key.rotationPeriodInDays: got 89, want 90 to 2560"},
		{"rotation slower than 2560 days", func(c *Config) { c.Key.RotationPeriodInDays = 2561 }, "key.rotationPeriodInDays: got 2561, want 90 to 2560"},
		{"a pending window under 7 days", func(c *Config) { c.Key.PendingWindowInDays = 6 }, "key.pendingWindowInDays: got 6, want 7 to 30"},
		{"a pending window over 30 days", func(c *Config) { c.Key.PendingWindowInDays = 31 }, "key.pendingWindowInDays: got 31, want 7 to 30"},
		{"less memory than Lambda allows", func(c *Config) { c.Writer.MemorySize = 64 }, "writer.memorySize: got 64, want 128 to 10240"},
		{"more memory than Lambda allows", func(c *Config) { c.Writer.MemorySize = 10241 }, "writer.memorySize: got 10241, want 128 to 10240"},
		{"a zero timeout", func(c *Config) { c.Writer.Timeout = 0 }, "writer.timeout: got 0, want 1 to 900"},
		{"a timeout over 15 minutes", func(c *Config) { c.Writer.Timeout = 901 }, "writer.timeout: got 901, want 1 to 900"},
		{"a log retention CloudWatch does not offer", func(c *Config) { c.Writer.LogRetentionInDays = 10 }, "writer.logRetentionInDays: got 10, want one of [1 3 5 7 14"},
		{"an unknown architecture", func(c *Config) { c.Writer.Architecture = "arm" }, `writer.architecture: got "arm", want one of [arm64 x86_64]`},
		{"no table", func(c *Config) { c.Tables = nil }, "tables: got none, want at least one"},
		{"a table name with a dash", func(c *Config) { c.Tables[0].Name = "my-table" }, `tables[0].name: got "my-table", want a letter, then up to 63 letters and digits`},
		{"a table name starting with a digit", func(c *Config) { c.Tables[0].Name = "1st" }, `tables[0].name: got "1st"`},
		{"two tables with one name", func(c *Config) { c.Tables = append(c.Tables, c.Tables[0]) }, `tables[1].name: got "DynamoDb", already the name of tables[0]`},
		{"a key type DynamoDB does not have", func(c *Config) { c.Tables[0].PartitionKey.Type = "BOOL" }, `tables[0].partitionKey.type: got "BOOL", want one of [S N B]`},
		{"a key attribute the writer takes for a batch", func(c *Config) { c.Tables[0].PartitionKey.Name = "items" },
			`tables[0].partitionKey.name: got "items", which the writer reads as a batch of items; want another name`},
		{"an empty partition key name", func(c *Config) { c.Tables[0].PartitionKey.Name = "" }, `tables[0].partitionKey.name: got "", want 1 to 255 bytes`},
		{"a sort key named like the partition key", func(c *Config) { c.Tables[0].SortKey = &Attribute{Name: "id", Type: "N"} },
			`tables[0].sortKey.name: got "id", the partition key's name; want another attribute`},
		{"a sort key without a type", func(c *Config) { c.Tables[0].SortKey = &Attribute{Name: "at"} }, `tables[0].sortKey.type: got "", want one of [S N B]`},
		{"an unknown stream view", func(c *Config) { c.Tables[0].Stream = "ALL" }, `tables[0].stream: got "ALL", want one of [KEYS_ONLY NEW_IMAGE OLD_IMAGE NEW_AND_OLD_IMAGES]`},
		{"an unknown table class", func(c *Config) { c.Tables[0].TableClass = "COLD" }, `tables[0].tableClass: got "COLD", want one of [STANDARD STANDARD_INFREQUENT_ACCESS]`},
		{"an unknown key access model", func(c *Config) { c.Key.Access = "public" }, `key.access: got "public", want one of writer, iam, account`},
		{"a tag key AWS keeps for itself", func(c *Config) { c.Tags = map[string]string{"aws:cost-center": "1"} },
			`tags: key "aws:cost-center": keys beginning with aws: are AWS's own, and CloudFormation refuses them at deploy; choose another key`},
		{"the reserved prefix in capitals", func(c *Config) { c.Tags = map[string]string{"AWS:team": "a"} }, `tags: key "AWS:team": keys beginning with aws:`},
		{"an empty tag key", func(c *Config) { c.Tags = map[string]string{"": "a"} }, `tags: key "": got 0 characters, want 1 to 128`},
		{"a tag key over 128 characters", func(c *Config) { c.Tags = map[string]string{strings.Repeat("k", 129): "a"} }, `got 129 characters, want 1 to 128`},
		{"a tag value over 256 characters", func(c *Config) { c.Tags = map[string]string{"team": strings.Repeat("é", 257)} }, `tags.team: got 257 characters, want at most 256`},
		{"an administrator that is not an IAM ARN", func(c *Config) { c.Key.Admins = []string{"alice"} },
			`key.admins[0]: got "alice", want an IAM ARN such as arn:aws:iam::${AWS::AccountId}:role/KeyAdmin (this account) or arn:aws:iam::111122223333:role/KeyAdmin`},
		{"an unknown key scope", func(c *Config) { c.Key.Scope = "account" }, `key.scope: got "account", want one of table, stack`},
		{"an account that is not 12 digits", func(c *Config) { c.Account = "1234" }, `account: got "1234", want the 12-digit id of the account the stack deploys to`},
		{"a global index quota below DynamoDB's default", func(c *Config) { c.MaxGlobalIndexes = 5 },
			"maxGlobalIndexes: got 5, want 20 or more (DynamoDB's default quota), or leave it out"},
		{"an attribute given two types", func(c *Config) { c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("ByOwner", "id", "N")} },
			`tables[0].globalIndexes[0].partitionKey.type: got "N" for "id", which tables[0].partitionKey gives type "S"; want one type per attribute`},
		{"a local index on a table without a sort key", func(c *Config) { c.Tables[0].LocalIndexes = []LocalIndex{lsi("ByAt", "at")} },
			"tables[0].localIndexes: got 1, want none: the table has no sort key, and a local index is the table's partition key with another sort key"},
		{"six local indexes", func(c *Config) { withSortKey(c); c.Tables[0].LocalIndexes = lsis(6) },
			"tables[0].localIndexes: got 6, want at most 5: DynamoDB's fixed limit"},
		{"21 global indexes", func(c *Config) { c.Tables[0].GlobalIndexes = gsis(21) },
			"tables[0].globalIndexes: got 21, want at most 20: DynamoDB's quota (the default is 20; an account that raised it says so with maxGlobalIndexes)"},
		{"more global indexes than a raised quota", func(c *Config) { c.MaxGlobalIndexes = 25; c.Tables[0].GlobalIndexes = gsis(26) },
			"tables[0].globalIndexes: got 26, want at most 25"},
		{"101 projected non-key attributes", func(c *Config) { c.Tables[0].GlobalIndexes = projecting(51, 50) },
			"tables[0]: the indexes' projections name 101 non-key attributes in all, want at most 100"},
		{"two indexes of one name", func(c *Config) {
			withSortKey(c)
			c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("ByStatus", "status", "S")}
			c.Tables[0].LocalIndexes = []LocalIndex{lsi("ByStatus", "created")}
		}, `tables[0].localIndexes[0].name: got "ByStatus", already the name of tables[0].globalIndexes[0]`},
		{"an index name DynamoDB does not take", func(c *Config) { c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("by status", "status", "S")} },
			`tables[0].globalIndexes[0].name: got "by status", want 3 to 255 letters, digits, '_', '-' or '.'`},
		{"an index sort key named like its partition key", func(c *Config) {
			c.Tables[0].GlobalIndexes = []GlobalIndex{{Name: "ByStatus", PartitionKey: Attribute{"status", "S"}, SortKey: &Attribute{"status", "S"}, Projection: Projection{Type: ProjectAll}}}
		}, `tables[0].globalIndexes[0].sortKey.name: got "status", the index's partition key's name; want another attribute`},
		{"a local index sorting by the table's partition key", func(c *Config) { withSortKey(c); c.Tables[0].LocalIndexes = []LocalIndex{lsi("ById", "id")} },
			`tables[0].localIndexes[0].sortKey.name: got "id", the table's partition key's name; want another attribute`},
		{"an index key of a type DynamoDB does not have", func(c *Config) { c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("ByFlag", "flag", "BOOL")} },
			`tables[0].globalIndexes[0].partitionKey.type: got "BOOL", want one of [S N B]`},
		{"an unknown projection", func(c *Config) {
			c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("ByStatus", "status", "S")}
			c.Tables[0].GlobalIndexes[0].Projection.Type = "SOME"
		},
			`tables[0].globalIndexes[0].projection: got "SOME", want ALL, KEYS_ONLY or a list of attributes (INCLUDE)`},
		{"an INCLUDE projection without attributes", func(c *Config) {
			c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("ByStatus", "status", "S")}
			c.Tables[0].GlobalIndexes[0].Projection = Projection{Type: ProjectInclude}
		}, "tables[0].globalIndexes[0].projection: got INCLUDE with no attributes, want at least one"},
		{"an ALL projection with attributes", func(c *Config) {
			c.Tables[0].GlobalIndexes = []GlobalIndex{gsi("ByStatus", "status", "S")}
			c.Tables[0].GlobalIndexes[0].Projection.NonKeyAttributes = []string{"total"}
		}, "tables[0].globalIndexes[0].projection: got ALL with 1 attributes, want attributes only with INCLUDE"},
		{"an unknown capacity mode", func(c *Config) { c.Tables[0].Capacity = &Capacity{Mode: "auto"} },
			`tables[0].capacity.mode: got "auto", want one of provisioned, on-demand`},
		{"provisioned capacity without reads", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.Read = nil },
			"tables[0].capacity.read: missing; provisioned capacity wants {min, max, target}"},
		{"a minimum above the maximum", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.Read.Min = 300 },
			"tables[0].capacity.read.min: got 300, want 1 to 200"},
		{"a minimum below 1", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.Write.Min = 0 },
			"tables[0].capacity.write.min: got 0, want 1 to 100"},
		{"a maximum below 1", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.Write.Max = 0 },
			"tables[0].capacity.write.max: got 0, want 1 or more"},
		{"a target above 90 percent", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.Read.Target = 95 },
			"tables[0].capacity.read.target: got 95, want 20 to 90"},
		{"a target below 20 percent", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.Write.Target = 19 },
			"tables[0].capacity.write.target: got 19, want 20 to 90"},
		{"a ceiling on provisioned capacity", func(c *Config) { c.Tables[0].Capacity = provisioned(); c.Tables[0].Capacity.MaxReadUnits = 1000 },
			"tables[0].capacity.maxReadUnits: got 1000, want none: a ceiling is for on-demand capacity; provisioned capacity stops at read.max"},
		{"auto scaling on demand", func(c *Config) { c.Tables[0].Capacity = &Capacity{Mode: OnDemand, Write: &AutoScaling{1, 2, 70}} },
			"tables[0].capacity.write: got auto scaling, want none: on-demand capacity provisions nothing; cap it with maxWriteUnits"},
		{"a negative ceiling", func(c *Config) { c.Tables[0].Capacity = &Capacity{Mode: OnDemand, MaxReadUnits: -1} },
			"tables[0].capacity.maxReadUnits: got -1, want 1 or more, or leave it out for no ceiling"},
		{"an unknown access level", func(c *Config) { grant(c, "arn:aws:iam::111122223333:role/api", "admin") },
			`tables[0].grants[0].allow: got "admin", want one of read, write, readwrite, stream`},
		{"a principal that is an account root", func(c *Config) { grant(c, "arn:aws:iam::210987654321:root", AllowRead) },
			`tables[0].grants[0].principal: got "arn:aws:iam::210987654321:root", want an IAM role or user ARN: an account root stands for every principal that account allows`},
		{"a principal that is not an IAM role or user ARN", func(c *Config) { grant(c, "arn:aws:iam::111122223333:group/devs", AllowRead) },
			`tables[0].grants[0].principal: got "arn:aws:iam::111122223333:group/devs", want an IAM role or user ARN such as arn:aws:iam::111122223333:role/orders-api`},
		{"a wildcard principal", func(c *Config) { grant(c, "*", AllowRead) }, `tables[0].grants[0].principal: got "*", want an IAM role or user ARN`},
		{"stream access to a table without a stream", func(c *Config) { grant(c, "arn:aws:iam::111122223333:role/consumer", AllowStream) },
			`tables[0].grants[0].allow: got "stream", but the table has no stream; set tables[0].stream, or allow read`},
		{"grants without the stack's account", func(c *Config) { grant(c, "arn:aws:iam::111122223333:role/api", AllowRead); c.Account = "" },
			"account: missing; tables[0].grants needs it to tell the principals of other accounts; want the 12-digit id of the account the stack deploys to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.change(&cfg)
			s, err := Build(cfg)
			if err == nil {
				t.Fatal("Build accepted the config")
			}
			if s != nil {
				t.Error("Build returned a stack with its error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestBuildReportsEveryBadFieldAtOnce(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Key.RotationPeriodInDays = 1
	cfg.Writer.Timeout = 0
	_, err := Build(cfg)
	if err == nil || !strings.Contains(err.Error(), "key.rotationPeriodInDays") || !strings.Contains(err.Error(), "writer.timeout") {
		t.Errorf("error = %v, want both fields named", err)
	}
}

// gsi is a global index of the given partition key, projecting all.
func gsi(name, key, typ string) GlobalIndex {
	return GlobalIndex{Name: name, PartitionKey: Attribute{key, typ}, Projection: Projection{Type: ProjectAll}}
}

// lsi is a local index of the given sort key, of type N, projecting keys.
func lsi(name, sortKey string) LocalIndex {
	return LocalIndex{Name: name, SortKey: Attribute{sortKey, "N"}, Projection: Projection{Type: ProjectKeysOnly}}
}

func gsis(n int) []GlobalIndex {
	out := make([]GlobalIndex, n)
	for i := range out {
		out[i] = gsi(fmt.Sprintf("By%d", i), fmt.Sprintf("k%d", i), "S")
	}
	return out
}

func lsis(n int) []LocalIndex {
	out := make([]LocalIndex, n)
	for i := range out {
		out[i] = lsi(fmt.Sprintf("By%d", i), fmt.Sprintf("k%d", i))
	}
	return out
}

// projecting gives two global indexes that include a and b attributes.
func projecting(a, b int) []GlobalIndex {
	indexes := gsis(2)
	for i, n := range []int{a, b} {
		indexes[i].Projection = Projection{Type: ProjectInclude}
		for j := range n {
			indexes[i].Projection.NonKeyAttributes = append(indexes[i].Projection.NonKeyAttributes, fmt.Sprintf("a%d", j))
		}
	}
	return indexes
}

func withSortKey(c *Config) { c.Tables[0].SortKey = &Attribute{"at", "S"} }

func provisioned() *Capacity {
	return &Capacity{Mode: Provisioned, Read: &AutoScaling{Min: 5, Max: 200, Target: 70}, Write: &AutoScaling{Min: 5, Max: 100, Target: 70}}
}

// grant gives the first table one grant, and the config the account the
// grants need.
func grant(c *Config, principal string, allow Access) {
	c.Account = "111122223333"
	c.Tables[0].Grants = []Grant{{Principal: principal, Allow: allow}}
}

// The limits the refusals enforce are reached exactly.
func TestConfigsAtTheIndexAndCapacityLimitsBuild(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"five local indexes", func(c *Config) { withSortKey(c); c.Tables[0].LocalIndexes = lsis(5) }},
		{"20 global indexes", func(c *Config) { c.Tables[0].GlobalIndexes = gsis(20) }},
		{"25 global indexes under a raised quota", func(c *Config) { c.MaxGlobalIndexes = 25; c.Tables[0].GlobalIndexes = gsis(25) }},
		{"100 projected non-key attributes", func(c *Config) { c.Tables[0].GlobalIndexes = projecting(50, 50) }},
		{"targets of 20 and 90 percent, a minimum equal to the maximum", func(c *Config) {
			c.Tables[0].Capacity = &Capacity{Mode: Provisioned, Read: &AutoScaling{1, 1, 20}, Write: &AutoScaling{1, 10, 90}}
		}},
		{"on demand with one ceiling", func(c *Config) { c.Tables[0].Capacity = &Capacity{Mode: OnDemand, MaxWriteUnits: 1} }},
		{"a user of another account streaming", func(c *Config) {
			c.Tables[0].Stream = "KEYS_ONLY"
			grant(c, "arn:aws-us-gov:iam::210987654321:user/path/to/analyst", AllowStream)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.change(&cfg)
			if _, err := Build(cfg); err != nil {
				t.Error(err)
			}
		})
	}
}
