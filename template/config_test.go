package template

import (
	"strings"
	"testing"
)

func TestConfigForKnowsEveryProfile(t *testing.T) {
	for _, p := range Profiles {
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
	if err == nil || err.Error() != `profile: got "prod", want one of default, seed` {
		t.Errorf("error = %v", err)
	}
}

func TestBuildRejectsAnOutOfRangeConfig(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"an unknown profile", func(c *Config) { c.Profile = "prod" }, `profile: got "prod", want one of default, seed`},
		{"rotation faster than 90 days", func(c *Config) { c.Key.RotationPeriodInDays = 89 }, "key.rotationPeriodInDays: got 89, want 90 to 2560"},
		{"rotation slower than 2560 days", func(c *Config) { c.Key.RotationPeriodInDays = 2561 }, "key.rotationPeriodInDays: got 2561, want 90 to 2560"},
		{"a pending window under 7 days", func(c *Config) { c.Key.PendingWindowInDays = 6 }, "key.pendingWindowInDays: got 6, want 7 to 30"},
		{"a pending window over 30 days", func(c *Config) { c.Key.PendingWindowInDays = 31 }, "key.pendingWindowInDays: got 31, want 7 to 30"},
		{"less memory than Lambda allows", func(c *Config) { c.Writer.MemorySize = 64 }, "writer.memorySize: got 64, want 128 to 10240"},
		{"more memory than Lambda allows", func(c *Config) { c.Writer.MemorySize = 10241 }, "writer.memorySize: got 10241, want 128 to 10240"},
		{"a zero timeout", func(c *Config) { c.Writer.Timeout = 0 }, "writer.timeout: got 0, want 1 to 900"},
		{"a timeout over 15 minutes", func(c *Config) { c.Writer.Timeout = 901 }, "writer.timeout: got 901, want 1 to 900"},
		{"a log retention CloudWatch does not offer", func(c *Config) { c.Writer.LogRetentionInDays = 10 }, "writer.logRetentionInDays: got 10, want one of [1 3 5 7 14"},
		{"no code location", func(c *Config) { c.Writer.CodeURI = "" }, "writer.codeUri: got nothing"},
		{"an unknown key access model", func(c *Config) { c.Key.Access = "public" }, `key.access: got "public", want one of writer, iam, account`},
		{"an administrator that is not an IAM ARN", func(c *Config) { c.Key.Admins = []string{"alice"} },
			`key.admins[0]: got "alice", want an IAM ARN such as arn:aws:iam::111122223333:role/KeyAdmin`},
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
