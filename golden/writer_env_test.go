package golden

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/handler"
)

// The environment each golden gives its Go writer is one the writer starts
// with, and it names the key the writer's table has: the contract between
// template and writer, proven without deploying.
func TestEveryGoldenWriterEnvironmentSuitsTheWriter(t *testing.T) {
	for _, c := range configurations {
		t.Run(c.name, func(t *testing.T) {
			if writers := assertWriterEnvironments(t, parseGolden(t, c.golden)); c.golden != "seed.yaml" && writers == 0 {
				t.Error("no Go writer in the template")
			}
		})
	}
	for _, c := range deployments {
		t.Run(c.name, func(t *testing.T) {
			d, err := deployment.Load(c.golden)
			if err != nil {
				t.Fatal(err)
			}
			writers := 0
			for _, s := range d.Stacks {
				writers += assertWriterEnvironments(t, d.Templates[s.Name])
			}
			if writers == 0 {
				t.Error("no Go writer in the deployment")
			}
		})
	}
}

// assertWriterEnvironments checks each Go writer of tmpl and counts them.
func assertWriterEnvironments(t *testing.T, tmpl *cfn.Template) int {
	t.Helper()
	writers := 0
	for _, fn := range tmpl.Resources("AWS::Serverless::Function") {
		if fn.Prop("Handler") != "bootstrap" { // the seed's inline Python is not our writer
			continue
		}
		writers++
		vars, _ := fn.Prop("Environment", "Variables").(map[string]any)
		getenv := func(name string) string { return cfn.Text(vars[name]) }
		if _, err := handler.KeySchemaFromEnv(getenv); err != nil {
			t.Errorf("%s: the writer would not start: %v", fn.ID, err)
		}
		tableID, ok := cfn.RefTarget(vars[contract.EnvTableName])
		table, isTable := tmpl.Resource(tableID)
		if !ok || !isTable || (table.Type != "AWS::DynamoDB::Table" && table.Type != "AWS::DynamoDB::GlobalTable") {
			t.Errorf("%s: %s is %s, not a table of the template", fn.ID, contract.EnvTableName, cfn.Text(vars[contract.EnvTableName]))
			continue
		}
		assertKeyAttribute(t, fn.ID, table, "HASH", getenv(contract.EnvPartitionKey), getenv(contract.EnvPartitionKeyType))
		assertKeyAttribute(t, fn.ID, table, "RANGE", getenv(contract.EnvSortKey), getenv(contract.EnvSortKeyType))
		assertIndexKeys(t, fn.ID, table, getenv)
	}
	return writers
}

// assertKeyAttribute checks that the table's key of keyType (HASH or RANGE)
// is the attribute name of type typ; an empty name means it has none.
func assertKeyAttribute(t *testing.T, fn string, table cfn.Resource, keyType, name, typ string) {
	t.Helper()
	gotName, gotType := "", ""
	schema, _ := table.Prop("KeySchema").([]any)
	for _, k := range schema {
		if cfn.At(k, "KeyType") == keyType {
			gotName = cfn.Text(cfn.At(k, "AttributeName"))
		}
	}
	attributes, _ := table.Prop("AttributeDefinitions").([]any)
	for _, a := range attributes {
		if gotName != "" && cfn.At(a, "AttributeName") == gotName {
			gotType = cfn.Text(cfn.At(a, "AttributeType"))
		}
	}
	if gotName != name || gotType != typ {
		t.Errorf("%s is told the %s key is %q of type %q; %s's is %q of type %q", fn, keyType, name, typ, table.ID, gotName, gotType)
	}
}

// assertIndexKeys checks that the writer is told every key attribute of the
// table's indexes that is not a key of the table, with its type, as a sort
// key when it is one of any index.
func assertIndexKeys(t *testing.T, fn string, table cfn.Resource, getenv func(string) string) {
	t.Helper()
	types := map[string]string{}
	for _, a := range cfn.List(table.Prop("AttributeDefinitions")) {
		types[cfn.Text(cfn.At(a, "AttributeName"))] = cfn.Text(cfn.At(a, "AttributeType"))
	}
	tableKeys := map[string]bool{}
	for _, k := range cfn.List(table.Prop("KeySchema")) {
		tableKeys[cfn.Text(cfn.At(k, "AttributeName"))] = true
	}
	partitions, sorts := map[string]string{}, map[string]string{}
	for _, kind := range []string{"GlobalSecondaryIndexes", "LocalSecondaryIndexes"} {
		for _, index := range cfn.List(table.Prop(kind)) {
			for _, k := range cfn.List(cfn.At(index, "KeySchema")) {
				name := cfn.Text(cfn.At(k, "AttributeName"))
				switch {
				case tableKeys[name]:
				case cfn.At(k, "KeyType") == "RANGE":
					sorts[name] = types[name]
				default:
					partitions[name] = types[name]
				}
			}
		}
	}
	maps.DeleteFunc(partitions, func(name, _ string) bool { _, sort := sorts[name]; return sort })
	for variable, want := range map[string]map[string]string{contract.EnvIndexPartitionKeys: partitions, contract.EnvIndexSortKeys: sorts} {
		got := map[string]string{}
		if value := getenv(variable); value != "" {
			if err := json.Unmarshal([]byte(value), &got); err != nil {
				t.Errorf("%s: %s: %v", fn, variable, err)
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s is told %s %v; %s's indexes have %v", fn, variable, got, table.ID, want)
		}
	}
}
