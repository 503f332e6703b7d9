package template

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/s3"
	"github.com/awslabs/goformation/v7/cloudformation/sns"
)

var orders = TableConfig{Name: "Orders", PartitionKey: Attribute{Name: "orderId", Type: "S"}}

// usersTemplate is a template a user already builds: a bucket and an output.
func usersTemplate() *cloudformation.Template {
	t := cloudformation.NewTemplate()
	t.Resources["Uploads"] = &s3.Bucket{}
	t.Outputs["UploadsName"] = cloudformation.Output{Value: cloudformation.Ref("Uploads")}
	return t
}

func TestAddTableAddsToTheUsersTemplateAndKeepsWhatItHad(t *testing.T) {
	tmpl := usersTemplate()
	ids, err := AddTable(tmpl, DefaultConfig(), orders)
	if err != nil {
		t.Fatal(err)
	}
	want := TableIDs{
		Key: "OrdersTableKmsKey", Alias: "OrdersTableKmsKeyAlias", Table: "OrdersTable", Role: "OrdersWriteFunctionRole",
		Policy: "OrdersWriteFunctionPolicy", Function: "OrdersWriteFunction", LogGroup: "OrdersWriteFunctionLogGroup",
		Outputs: []string{"OrdersTableName", "OrdersTableArn", "OrdersKeyArn", "OrdersKeyAlias", "OrdersWriterFunctionName", "OrdersWriterFunctionArn"},
	}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("ids %+v\nwant %+v", ids, want)
	}
	if len(tmpl.Resources) != 8 || len(tmpl.Outputs) != 7 || tmpl.Resources["Uploads"] == nil || tmpl.Outputs["UploadsName"].Value == nil {
		t.Errorf("%d resources and %d outputs, want the user's and the table's: 8 and 7", len(tmpl.Resources), len(tmpl.Outputs))
	}
}

func TestAddTableAddsTheSAMTransformAndKeepsTheOthers(t *testing.T) {
	tests := []struct {
		name      string
		transform *cloudformation.Transform
		want      string
	}{
		{"none", nil, "AWS::Serverless-2016-10-31"},
		{"another", &cloudformation.Transform{String: cloudformation.String("AWS::LanguageExtensions")}, "[AWS::LanguageExtensions AWS::Serverless-2016-10-31]"},
		{"SAM already", &cloudformation.Transform{String: cloudformation.String("AWS::Serverless-2016-10-31")}, "AWS::Serverless-2016-10-31"},
		{"a list without SAM", &cloudformation.Transform{StringArray: &[]string{"AWS::LanguageExtensions", "Macro"}}, "[AWS::LanguageExtensions Macro AWS::Serverless-2016-10-31]"},
		{"a list with SAM", &cloudformation.Transform{StringArray: &[]string{"AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"}}, "[AWS::LanguageExtensions AWS::Serverless-2016-10-31]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := usersTemplate()
			tmpl.Transform = tt.transform
			if _, err := AddTable(tmpl, DefaultConfig(), orders); err != nil {
				t.Fatal(err)
			}
			got := ""
			if tmpl.Transform.String != nil {
				got = *tmpl.Transform.String
			} else {
				got = fmt.Sprint(*tmpl.Transform.StringArray)
			}
			if got != tt.want {
				t.Errorf("Transform %s, want %s", got, tt.want)
			}
		})
	}
}

// A refused table leaves the template byte for byte as it was.
func TestAddTableTakesATemplateWrittenAsALiteral(t *testing.T) {
	tmpl := &cloudformation.Template{}
	if _, err := AddTable(tmpl, DefaultConfig(), orders); err != nil {
		t.Fatal(err)
	}
	if len(tmpl.Resources) != ResourcesPerTable || len(tmpl.Outputs) != OutputsPerTable {
		t.Errorf("%d resources and %d outputs, want %d and %d", len(tmpl.Resources), len(tmpl.Outputs), ResourcesPerTable, OutputsPerTable)
	}
}

func TestAddTableRefusesNoTemplate(t *testing.T) {
	_, err := AddTable(nil, DefaultConfig(), orders)
	if err == nil || !strings.Contains(err.Error(), `table "Orders": no template to add it to`) {
		t.Errorf("error %v", err)
	}
}

func TestAddTableRefusesAndLeavesTheTemplateAsItWas(t *testing.T) {
	tests := []struct {
		name   string
		change func(*cloudformation.Template, *Config, *TableConfig)
		want   string
	}{
		{"a logical id the template has", func(tm *cloudformation.Template, _ *Config, _ *TableConfig) {
			tm.Resources["OrdersTable"] = &sns.Topic{}
		},
			`table "Orders": the template already has a resource OrdersTable`},
		{"an output the template has", func(tm *cloudformation.Template, _ *Config, _ *TableConfig) {
			tm.Outputs["OrdersKeyArn"] = cloudformation.Output{Value: "x"}
		},
			`table "Orders": the template already has an output OrdersKeyArn`},
		{"an invalid table", func(_ *cloudformation.Template, _ *Config, tc *TableConfig) { tc.PartitionKey.Type = "BOOL" },
			`table "Orders": table.partitionKey.type: got "BOOL", want one of [S N B]`},
		{"an invalid config", func(_ *cloudformation.Template, c *Config, _ *TableConfig) { c.Key.RotationPeriodInDays = 10 },
			`table "Orders": key.rotationPeriodInDays: got 10, want 90 to 2560`},
		{"the seed profile", func(_ *cloudformation.Template, c *Config, _ *TableConfig) { *c = SeedConfig() },
			`table "Orders": profile: seed is the reference template, which has no table to add`},
		{"a key shared by the stack's tables", func(_ *cloudformation.Template, c *Config, _ *TableConfig) { c.Key.Scope = KeyScopeStack },
			`table "Orders": key.scope: got "stack", want "table": AddTable adds one table with its own key; Build makes tables that share one`},
		{"no room for seven more resources", func(tm *cloudformation.Template, _ *Config, _ *TableConfig) {
			for i := range 494 {
				tm.Resources[fmt.Sprintf("Topic%d", i)] = &sns.Topic{}
			}
		}, `table "Orders": the template would have 502 resources; CloudFormation allows 500`},
		{"no room for six more outputs", func(tm *cloudformation.Template, _ *Config, _ *TableConfig) {
			for i := range 195 {
				tm.Outputs[fmt.Sprintf("Out%d", i)] = cloudformation.Output{Value: "x"}
			}
		}, `table "Orders": the template would have 202 outputs; CloudFormation allows 200`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, cfg, table := usersTemplate(), DefaultConfig(), orders
			tt.change(tmpl, &cfg, &table)
			before, err := tmpl.JSON()
			if err != nil {
				t.Fatal(err)
			}
			ids, err := AddTable(tmpl, cfg, table)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
			if ids.Table != "" {
				t.Errorf("ids %+v with the error", ids)
			}
			if after, _ := tmpl.JSON(); string(after) != string(before) {
				t.Error("the template changed")
			}
		})
	}
}

func TestTheLibraryEnforcesWhatTheCLIDoes(t *testing.T) {
	tests := []struct {
		name string
		cfg  func() Config
		want string
	}{
		{"more tables than a stack holds", func() Config {
			cfg := DefaultConfig()
			cfg.Tables = nil
			for i := range 34 {
				cfg.Tables = append(cfg.Tables, TableConfig{Name: fmt.Sprintf("T%d", i), PartitionKey: Attribute{Name: "id", Type: "S"}})
			}
			return cfg
		}, "tables: got 34 tables, which make 238 resources and 204 outputs; a stack holds 500 resources and 200 outputs"},
		{"a seed with tables", func() Config { c := SeedConfig(); c.Tables = []TableConfig{orders}; return c }, "profile: seed reproduces the reference template"},
		{"a seed with a key setting", func() Config { c := SeedConfig(); c.Key.Access = AccessIAM; return c }, "takes no tables, key, writer, tags, account, region, stackName or maxGlobalIndexes"},
		{"a seed with a writer setting", func() Config { c := SeedConfig(); c.Writer.MemorySize = 256; return c }, "takes no tables, key, writer, tags, account, region, stackName or maxGlobalIndexes"},
		{"a seed with tags", func() Config { c := SeedConfig(); c.Tags = map[string]string{"a": "b"}; return c }, "takes no tables, key, writer, tags, account, region, stackName or maxGlobalIndexes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg().Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
	seed := SeedConfig()
	seed.Tables = []TableConfig{DefaultTable()}
	if err := seed.Validate(); err != nil {
		t.Errorf("a seed naming the default table, the one it has: %v", err)
	}
}

// The lists of names are copies: a caller that changes one changes nothing.
func TestProfilesAndKeyAccessesCannotBeChangedFromOutside(t *testing.T) {
	Profiles()[0] = "hacked"
	KeyAccesses()[0] = "hacked"
	if ProfileNames() != "default, production, seed" || KeyAccessNames() != "writer, iam, account" {
		t.Errorf("names changed: %s; %s", ProfileNames(), KeyAccessNames())
	}
}

// A program of another module compiles, and runs, the library call the README
// shows: AddTable on its own goformation template, then check and render.
func TestAnOutsideModuleCompilesTheLibraryCall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds another module")
	}
	bin := filepath.Join(t.TempDir(), "outside")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "testdata/outside"
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "OrdersTable: 0 findings\nAWSTemplateFormatVersion: '2010-09-09'\n") {
		t.Errorf("the outside program printed\n%s", out)
	}
}
