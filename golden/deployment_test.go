package golden

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

// deployments are the example configurations that need more than one
// stack, each with a golden directory: its stacks' templates and
// stacks.json, as gen -o DIR writes them.
var deployments = []struct {
	name, example, golden string
}{
	{"multi-Region keys", "global.yaml", "global"},
	{"an independent key in each Region", "global-independent-keys.yaml", "global-independent-keys"},
}

func renderedDeployment(t *testing.T, name string) []render.File {
	t.Helper()
	cfg, err := example(name)()
	if err != nil {
		t.Fatal(err)
	}
	d, err := template.BuildDeployment(cfg)
	if err != nil {
		t.Fatal(err)
	}
	files, err := render.Deployment(d, false)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDeploymentGoldens(t *testing.T) {
	for _, c := range deployments {
		t.Run(c.name, func(t *testing.T) {
			files := renderedDeployment(t, c.example)
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
				path := filepath.Join(c.golden, f.Name)
				want, err := os.ReadFile(path)
				if bytes.Equal(f.Data, want) {
					continue
				}
				if *update {
					if err := os.MkdirAll(c.golden, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%v (run go test ./golden -update to create it)", err)
				}
				t.Errorf("output differs from %s (go test ./golden -update rewrites it):\n%s\n%s", path, review(want, f.Data), unifiedDiff(path, want, f.Data))
			}
			entries, err := os.ReadDir(c.golden)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if slices.Contains(names, e.Name()) {
					continue
				}
				if *update {
					if err := os.Remove(filepath.Join(c.golden, e.Name())); err != nil {
						t.Fatal(err)
					}
					continue
				}
				t.Errorf("%s holds %s, which gen no longer writes (go test ./golden -update removes it)", c.golden, e.Name())
			}
		})
	}
}

// Each golden directory is a deployment Load accepts: its manifest agrees
// with its templates, every parameter given from an earlier stack's output
// that exists.
func TestDeploymentGoldensLoad(t *testing.T) {
	for _, c := range deployments {
		if _, err := deployment.Load(c.golden); err != nil {
			t.Errorf("%s: %v", c.golden, err)
		}
	}
}

func TestEachDeploymentTemplateParsesBackToWhatItWasRenderedFrom(t *testing.T) {
	for _, c := range deployments {
		cfg, err := example(c.example)()
		if err != nil {
			t.Fatal(err)
		}
		d, err := template.BuildDeployment(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range d.Stacks {
			built, err := s.Template.JSON()
			if err != nil {
				t.Fatal(err)
			}
			want, err := cfn.Parse(built)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(c.golden, d.Manifest.Stacks[i].Template)
			if got := parseGolden(t, path); !reflect.DeepEqual(got.Value(), want.Value()) {
				t.Errorf("%s parses back to another template", path)
			}
		}
	}
}

// gen check judges each template as deployed to its stack's Region. The
// table stack's keys come in as parameters, which gen check tells as info
// (SSE004: a key it cannot see); nothing is a warning or an error.
func TestDeploymentGoldensPassThePostureCheckInTheirRegions(t *testing.T) {
	for _, c := range deployments {
		d, err := deployment.Load(c.golden)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range d.Stacks {
			opts := check.Options{Region: s.Region, Today: time.Now()}
			for _, f := range check.Run(d.Templates[s.Name], opts) {
				if f.Severity != check.Info {
					t.Errorf("%s %s: %s %s %s: %s", c.golden, s.Template, f.Severity, f.Rule, f.Resource, f.Message)
				}
			}
		}
	}
}

// cfn-lint checks each template against the resource schemas of its own
// stack's Region, informational checks included: a Region without a
// resource type the template uses fails here. One run per Region.
func TestDeploymentGoldensPassCfnLintInTheirRegions(t *testing.T) {
	if _, err := exec.LookPath("cfn-lint"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cfn-lint is not installed; make test needs it (tools.txt)")
		}
		t.Skip("cfn-lint is not installed")
	}
	byRegion := map[string][]string{}
	for _, c := range deployments {
		d, err := deployment.Load(c.golden)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range d.Stacks {
			byRegion[s.Region] = append(byRegion[s.Region], d.TemplatePath(s))
		}
	}
	for _, region := range slices.Sorted(maps.Keys(byRegion)) {
		args := append([]string{"--include-checks", "I", "--regions", region, "--"}, byRegion[region]...)
		if out, err := exec.Command("cfn-lint", args...).CombinedOutput(); err != nil {
			t.Errorf("cfn-lint --regions %s %v: %v\n%s", region, byRegion[region], err, out)
		}
	}
}
