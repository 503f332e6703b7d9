package deployment

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// twoStacks is a key stack whose output the table stack reads.
func twoStacks() *Deployment {
	return &Deployment{Stacks: []Stack{
		{Name: "app-keys-eu-west-1", Region: "eu-west-1", Template: "keys-eu-west-1.yaml"},
		{Name: "app", Region: "us-east-1", Template: "tables.yaml",
			Parameters: map[string]Value{
				"OrdersKeyArnEuWest1": FromOutput("app-keys-eu-west-1", "OrdersKeyArn"),
				"Team":                Literal("payments"),
			},
			Capabilities: []string{"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}},
	}}
}

func TestTheManifestIsWrittenAsTheIssueShowsIt(t *testing.T) {
	got, err := twoStacks().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "stacks": [
    {
      "name": "app-keys-eu-west-1",
      "region": "eu-west-1",
      "template": "keys-eu-west-1.yaml",
      "parameters": {},
      "capabilities": []
    },
    {
      "name": "app",
      "region": "us-east-1",
      "template": "tables.yaml",
      "parameters": {
        "OrdersKeyArnEuWest1": {
          "stack": "app-keys-eu-west-1",
          "output": "OrdersKeyArn"
        },
        "Team": "payments"
      },
      "capabilities": [
        "CAPABILITY_IAM",
        "CAPABILITY_AUTO_EXPAND"
      ]
    }
  ]
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	back, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	shaped := twoStacks()
	shaped.Stacks[0].Parameters, shaped.Stacks[0].Capabilities = map[string]Value{}, []string{}
	if !reflect.DeepEqual(back, shaped) {
		t.Errorf("parses back to %+v", back)
	}
}

func TestParseRefusesWhatTheFormatDoesNotHold(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"an unknown field", `{"stacks": [], "account": "1"}`, `unknown field "account"`},
		{"a value neither text nor an output", `{"stacks": [{"name": "a", "parameters": {"P": 3}}]}`, `want a string, or {"stack": NAME, "output": NAME}`},
		{"an output with another field", `{"stacks": [{"name": "a", "parameters": {"P": {"stack": "b", "output": "O", "region": "x"}}}]}`, `want a string`},
		{"two values", `{"stacks": []} {}`, "more than one JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.src)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestValidateRefusesEachBadStack(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Deployment)
		want   string
	}{
		{"no stacks", func(d *Deployment) { d.Stacks = nil }, "stacks: got none"},
		{"a bad stack name", func(d *Deployment) { d.Stacks[0].Name = "1keys" }, `stacks[0].name: got "1keys"`},
		{"a name given twice", func(d *Deployment) { d.Stacks[1].Name = d.Stacks[0].Name }, `stacks[1].name: got "app-keys-eu-west-1", already the name of stacks[0]`},
		{"an unknown Region", func(d *Deployment) { d.Stacks[0].Region = "eu-west-9" }, `stacks[0].region: got "eu-west-9"`},
		{"a template outside the directory", func(d *Deployment) { d.Stacks[0].Template = "../keys.yaml" }, `stacks[0].template: got "../keys.yaml"`},
		{"a hidden template", func(d *Deployment) { d.Stacks[0].Template = ".keys.yaml" }, `stacks[0].template: got ".keys.yaml"`},
		{"an unknown capability", func(d *Deployment) { d.Stacks[1].Capabilities = []string{"CAPABILITY_ALL"} }, `stacks[1].capabilities: got "CAPABILITY_ALL"`},
		{"a bad parameter name", func(d *Deployment) { d.Stacks[1].Parameters["Key-Arn"] = Literal("x") }, "stacks[1].parameters.Key-Arn: a parameter's name is letters and digits"},
		{"an output of a later stack", func(d *Deployment) {
			d.Stacks[0].Parameters = map[string]Value{"TableName": FromOutput("app", "OrdersTableName")}
		}, `stacks[0].parameters.TableName: reads stack "app", which is not earlier in the list`},
		{"an output of the stack itself", func(d *Deployment) {
			d.Stacks[1].Parameters["Own"] = FromOutput("app", "OrdersTableName")
		}, `stacks[1].parameters.Own: reads stack "app", which is not earlier`},
		{"an output of no stack", func(d *Deployment) {
			d.Stacks[1].Parameters["OrdersKeyArnEuWest1"] = FromOutput("app-keys", "OrdersKeyArn")
		}, `reads stack "app-keys", which is not earlier in the list`},
		{"a bad output name", func(d *Deployment) {
			d.Stacks[1].Parameters["OrdersKeyArnEuWest1"] = FromOutput("app-keys-eu-west-1", "Orders.KeyArn")
		}, `stacks[1].parameters.OrdersKeyArnEuWest1.output: got "Orders.KeyArn"`},
	}
	if err := twoStacks().Validate(); err != nil {
		t.Fatalf("the valid manifest: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := twoStacks()
			tt.change(d)
			if err := d.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestOutputsReadAreThoseLaterStacksName(t *testing.T) {
	d := twoStacks()
	if got := d.OutputsRead("app-keys-eu-west-1"); !reflect.DeepEqual(got, []string{"OrdersKeyArn"}) {
		t.Errorf("got %v", got)
	}
	if got := d.OutputsRead("app"); got != nil {
		t.Errorf("the last stack's outputs are read by no one, got %v", got)
	}
}

// writeDeployment writes d and templates into a new directory.
func writeDeployment(t *testing.T, d *Deployment, templates map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	manifest, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{Manifest: string(manifest)}
	for name, src := range templates {
		files[name] = src
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	keysTemplate = `Resources:
  OrdersTableKmsKey: {Type: AWS::KMS::Key}
Outputs:
  OrdersKeyArn: {Value: !GetAtt OrdersTableKmsKey.Arn}
`
	tablesTemplate = `{"Parameters": {"OrdersKeyArnEuWest1": {"Type": "String"}, "Team": {"Type": "String", "Default": "none"}},
 "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}`
)

func TestLoadReadsTheManifestAndParsesEveryTemplate(t *testing.T) {
	dir := writeDeployment(t, twoStacks(), map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate})
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Stacks[1].Parameters["OrdersKeyArnEuWest1"]; !reflect.DeepEqual(got, FromOutput("app-keys-eu-west-1", "OrdersKeyArn")) {
		t.Errorf("the table stack's key parameter reads %+v", got)
	}
	if _, ok := d.Templates["app"].Resource("Topic"); !ok {
		t.Error("the table stack's template was not parsed")
	}
}

func TestLoadRefusesAManifestItsTemplatesContradict(t *testing.T) {
	tests := []struct {
		name      string
		change    func(*Deployment)
		templates map[string]string
		want      string
	}{
		{"no manifest", nil, nil, "no stacks.json: not a deployment's directory"},
		{"a missing template", func(*Deployment) {}, map[string]string{"keys-eu-west-1.yaml": keysTemplate}, "stack app: open"},
		{"a template that does not parse", func(*Deployment) {}, map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": "{"}, "tables.yaml"},
		{"a parameter the template does not declare", func(d *Deployment) { d.Stacks[1].Parameters["Other"] = Literal("x") },
			map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate}, "stacks[1].parameters.Other: tables.yaml declares no such parameter"},
		{"a parameter without default not given", func(d *Deployment) { delete(d.Stacks[1].Parameters, "OrdersKeyArnEuWest1") },
			map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate}, "tables.yaml needs parameter OrdersKeyArnEuWest1, which has no default"},
		{"an output the source template lacks", func(d *Deployment) {
			d.Stacks[1].Parameters["OrdersKeyArnEuWest1"] = FromOutput("app-keys-eu-west-1", "StackKeyArn")
		}, map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate}, "stack app-keys-eu-west-1's template keys-eu-west-1.yaml has no output StackKeyArn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.change != nil {
				d := twoStacks()
				d.Stacks[0].Parameters = map[string]Value{}
				tt.change(d)
				dir = writeDeployment(t, d, tt.templates)
			}
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestADirectoryGenWroteOrAnEmptyOneMayBeReplaced(t *testing.T) {
	dir := writeDeployment(t, twoStacks(), map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate})
	for _, d := range []string{dir, t.TempDir(), filepath.Join(t.TempDir(), "new")} {
		if err := Replaceable(d); err != nil {
			t.Errorf("%s: %v", d, err)
		}
	}
}

func TestADirectoryHoldingWhatGenDidNotWriteIsNotReplaced(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a file its manifest does not name", map[string]string{Manifest: `{"stacks": [{"template": "tables.yaml"}]}`, "tables.yaml": "", "README.md": ""},
			"holds README.md, which its stacks.json does not name"},
		{"files and no manifest", map[string]string{"main.go": ""}, "holds files and no stacks.json"},
		{"a manifest gen cannot read", map[string]string{Manifest: "{"}, "will not replace one it cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := Replaceable(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
	dir := writeDeployment(t, twoStacks(), map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate})
	if err := os.Mkdir(filepath.Join(dir, "build"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Replaceable(dir); err == nil || !strings.Contains(err.Error(), "holds build") {
		t.Errorf("a directory inside: %v", err)
	}
}
