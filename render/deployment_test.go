package render_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func globalDeployment(t *testing.T) *template.Deployment {
	t.Helper()
	cfg := template.DefaultConfig()
	cfg.Region = "us-east-1"
	cfg.Tables[0].Replicas = []string{"eu-west-1"}
	d, err := template.BuildDeployment(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func names(files []render.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func TestADeploymentIsItsTemplatesThenItsManifest(t *testing.T) {
	for _, tt := range []struct {
		asJSON bool
		want   []string
	}{
		{false, []string{"keys-us-east-1.yaml", "keys-eu-west-1.yaml", "tables.yaml", "stacks.json"}},
		{true, []string{"keys-us-east-1.json", "keys-eu-west-1.json", "tables.json", "stacks.json"}},
	} {
		files, err := render.Deployment(globalDeployment(t), tt.asJSON)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(files); !slices.Equal(got, tt.want) {
			t.Errorf("files %v, want %v", got, tt.want)
		}
		manifest, err := deployment.Parse(files[len(files)-1].Data)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range manifest.Stacks {
			if s.Template != tt.want[i] {
				t.Errorf("the manifest names %s for %s, the file is %s", s.Template, s.Name, tt.want[i])
			}
		}
		if tt.asJSON && !json.Valid(files[0].Data) {
			t.Errorf("%s is not JSON", files[0].Name)
		}
	}
}

// Rendering as JSON names the files in what it returns, not in the
// deployment it was given, which a library user may render again.
func TestRenderingLeavesTheDeploymentAsItWas(t *testing.T) {
	d := globalDeployment(t)
	if _, err := render.Deployment(d, true); err != nil {
		t.Fatal(err)
	}
	if got := d.Manifest.Stacks[0].Template; got != "keys-us-east-1.yaml" {
		t.Errorf("the deployment's manifest now names %s", got)
	}
}
