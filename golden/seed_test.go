package golden

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"
)

// referenceTemplate is the template of the document the project started from.
const referenceTemplate = "../reference/seed-template.yaml"

func parsedJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := goformation.ParseYAMLWithOptions(src, &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: cloudformation.EncoderIntrinsics})
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	out, err := tmpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(out, &tree); err != nil {
		t.Fatal(err)
	}
	return tree
}

// The seed profile is the reference template made deployable again: the
// runtime it names is blocked, and its stateful resources lacked explicit
// deletion policies. Nothing else may differ.
func TestSeedDiffersFromTheReferenceOnlyInRuntimeAndDeletionPolicies(t *testing.T) {
	reference := parsedJSON(t, referenceTemplate)
	seed := parsedJSON(t, "seed.yaml")

	resources := reference["Resources"].(map[string]any)
	function := resources["DynamoDbWriteFunction"].(map[string]any)["Properties"].(map[string]any)
	if function["Runtime"] != "python3.7" {
		t.Fatalf("the reference's runtime is %v, not python3.7", function["Runtime"])
	}
	function["Runtime"] = "python3.14"
	for _, id := range []string{"DynamoDbTableKmsKey", "DynamoDbTable"} {
		r := resources[id].(map[string]any)
		if _, set := r["DeletionPolicy"]; set {
			t.Fatalf("the reference already sets %s's DeletionPolicy", id)
		}
		r["DeletionPolicy"] = "Delete"
		r["UpdateReplacePolicy"] = "Delete"
	}

	if !reflect.DeepEqual(seed, reference) {
		want, _ := json.MarshalIndent(reference, "", "  ")
		got, _ := json.MarshalIndent(seed, "", "  ")
		t.Errorf("golden/seed.yaml differs from the reference beyond runtime and deletion policies:\n%s",
			unifiedDiff("reference, amended", want, got))
	}
}
