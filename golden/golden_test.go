package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
	"github.com/pmezard/go-difflib/difflib"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/config"
	"github.com/dynamodb-sse-cmk/stack/diff"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// configurations are the named configurations with a golden file each: the
// profiles, the key access models, and every example configuration.
var configurations = []struct {
	name   string
	cfg    func() (template.Config, error)
	golden string
}{
	{"the default profile", profile(template.DefaultConfig), "default.yaml"},
	{"the production profile", profile(template.ProductionConfig), "production.yaml"},
	{"the seed profile", profile(template.SeedConfig), "seed.yaml"},
	{"key access through IAM", withKey(func(k *template.KeyConfig) { k.Access = template.AccessIAM }), "access-iam.yaml"},
	{"key access for the whole account", withKey(func(k *template.KeyConfig) { k.Access = template.AccessAccount }), "access-account.yaml"},
	{"a hardened key policy", withKey(func(k *template.KeyConfig) {
		k.LimitGrantsToAWSResources = true
		k.Admins = []string{"arn:aws:iam::${AWS::AccountId}:role/KeyAdmin"}
	}), "key-hardening.yaml"},
	{"examples/multi-table.yaml", example("multi-table.yaml"), "multi-table.yaml"},
	{"examples/production.yaml", example("production.yaml"), "example-production.yaml"},
	{"examples/sort-key-ttl-stream.yaml", example("sort-key-ttl-stream.yaml"), "sort-key-ttl-stream.yaml"},
	{"examples/key-and-writer.yaml", example("key-and-writer.yaml"), "key-and-writer.yaml"},
	{"examples/teams.yaml", example("teams.yaml"), "teams.yaml"},
}

func profile(cfg func() template.Config) func() (template.Config, error) {
	return func() (template.Config, error) { return cfg(), nil }
}

func withKey(change func(*template.KeyConfig)) func() (template.Config, error) {
	return func() (template.Config, error) {
		cfg := template.DefaultConfig()
		change(&cfg.Key)
		return cfg, nil
	}
}

func example(name string) func() (template.Config, error) {
	return func() (template.Config, error) {
		src, err := os.ReadFile(filepath.Join("../examples", name))
		if err != nil {
			return template.Config{}, err
		}
		file, err := config.Parse(src)
		if err != nil {
			return template.Config{}, err
		}
		return file.Config()
	}
}

func rendered(t *testing.T, configuration func() (template.Config, error)) []byte {
	t.Helper()
	cfg, err := configuration()
	if err != nil {
		t.Fatal(err)
	}
	s, err := template.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := render.YAML(s.Template, render.Order(s.ResourceOrder, s.OutputOrder))
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
			t.Errorf("output differs from %s (go test ./golden -update rewrites it):\n%s\n%s", c.golden, review(want, got), unifiedDiff(c.golden, want, got))
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
		t.Errorf("sam.yaml is stale; run go generate ./...:\n%s\n%s", review(got, want), unifiedDiff("golden/default.yaml", want, got))
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

// review is gen diff's review of the change from template old to new, which
// a reviewer reads before the line diff: "DynamoDbTable: replaced, data loss".
func review(old, new []byte) string {
	o, err := cfn.Parse(old)
	if err != nil {
		return "gen diff: the old template does not parse: " + err.Error()
	}
	n, err := cfn.Parse(new)
	if err != nil {
		return "gen diff: the new template does not parse: " + err.Error()
	}
	var b strings.Builder
	if err := diff.Compare(o, n).WriteText(&b); err != nil {
		return err.Error()
	}
	return b.String()
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

// Every golden parses back, with cfn and, unless it holds what goformation
// v7.14.9 cannot parse, with goformation (intrinsics kept), to the very
// template it was rendered from.
func TestEveryGoldenParsesBackToItsTemplate(t *testing.T) {
	keepIntrinsics := &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: cloudformation.EncoderIntrinsics}
	for _, c := range configurations {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := c.cfg()
			if err != nil {
				t.Fatal(err)
			}
			built, err := template.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			want, err := built.Template.JSON()
			if err != nil {
				t.Fatal(err)
			}
			model, err := cfn.Parse(want)
			if err != nil {
				t.Fatal(err)
			}
			if back := parseGolden(t, c.golden); !reflect.DeepEqual(back.Value(), model.Value()) {
				t.Errorf("%s parses back with cfn to another template", c.golden)
			}
			if why := goformationCannotParse(cfg); why != "" {
				t.Logf("%s: not parsed with goformation: %s", c.golden, why)
				return
			}
			src, err := os.ReadFile(c.golden)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := goformation.ParseYAMLWithOptions(src, keepIntrinsics)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parsed.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s parses back to another template:\n%s", c.golden, unifiedDiff("built", want, got))
			}
		})
	}
}

// goformationCannotParse says why goformation v7.14.9 refuses a template
// built from cfg, or nothing: it has no OnDemandThroughput and refuses a
// table that has one (template's TestGoformationTableLacksOnDemandThroughput).
func goformationCannotParse(cfg template.Config) string {
	for _, t := range cfg.Tables {
		if c := t.Capacity; c != nil && c.Mode == template.OnDemand && c.MaxReadUnits+c.MaxWriteUnits > 0 {
			return "table " + t.Name + " has an on-demand ceiling, OnDemandThroughput"
		}
	}
	return ""
}

// parseGolden reads a golden file as the template model.
func parseGolden(t *testing.T, path string) *cfn.Template {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfn.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}
