package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// configurations are the named configurations with a golden file each.
var configurations = []struct {
	name   string
	cfg    template.Config
	golden string
}{
	{"the default profile", template.DefaultConfig(), "default.yaml"},
	{"the seed profile", template.SeedConfig(), "seed.yaml"},
	{"key access through IAM", withKey(func(k *template.KeyConfig) { k.Access = template.AccessIAM }), "access-iam.yaml"},
	{"key access for the whole account", withKey(func(k *template.KeyConfig) { k.Access = template.AccessAccount }), "access-account.yaml"},
	{"a hardened key policy", withKey(func(k *template.KeyConfig) {
		k.LimitGrantsToAWSResources = true
		k.Admins = []string{"arn:aws:iam::111122223333:role/KeyAdmin"}
	}), "key-hardening.yaml"},
}

func withKey(change func(*template.KeyConfig)) template.Config {
	cfg := template.DefaultConfig()
	change(&cfg.Key)
	return cfg
}

func rendered(t *testing.T, cfg template.Config) []byte {
	t.Helper()
	s, err := template.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := render.YAML(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGoldenFiles(t *testing.T) {
	for _, c := range configurations {
		t.Run(c.name, func(t *testing.T) {
			got := rendered(t, c.cfg)
			want, err := os.ReadFile(c.golden)
			if bytes.Equal(got, want) {
				return
			}
			if *update {
				if err := os.WriteFile(c.golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v (run go test ./golden -update to create it)", err)
			}
			t.Errorf("output differs from %s (go test ./golden -update rewrites it):\n%s", c.golden, unifiedDiff(c.golden, want, got))
		})
	}
}

func TestSamYAMLIsTheDefaultGolden(t *testing.T) {
	want, err := os.ReadFile("default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../sam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("sam.yaml is stale; run go generate ./...:\n%s", unifiedDiff("golden/default.yaml", want, got))
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	for _, c := range configurations {
		first := rendered(t, c.cfg)
		for range 20 {
			if again := rendered(t, c.cfg); !bytes.Equal(again, first) {
				t.Fatalf("%s: two renderings differ:\n%s", c.name, unifiedDiff("first", first, again))
			}
		}
	}
}

func unifiedDiff(name string, want, got []byte) string {
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
		FromFile: name, ToFile: "got", Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	return diff
}
