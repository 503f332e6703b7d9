package template

import (
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
