package deployment

import (
	"reflect"
	"strings"
	"testing"
)

// Follow leads a value of a template through parameters and earlier
// stacks' outputs to the resource that makes it, or to the text given.
func TestFollowLeadsThroughParametersAndOutputs(t *testing.T) {
	d, err := Load("../golden/global")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		stack string
		value any
		want  Source
	}{
		{"a resource of the template", "orders-global", map[string]any{"Fn::GetAtt": []any{"OrdersTable", "Arn"}},
			Source{Stack: "orders-global", Resource: "OrdersTable"}},
		{"a parameter read from an earlier stack's output", "orders-global", map[string]any{"Ref": "OrdersKeyArnEuWest1"},
			Source{Stack: "orders-global-keys-eu-west-1", Resource: "OrdersTableKmsKey", Via: []string{
				"parameter OrdersKeyArnEuWest1 of stack orders-global (tables.yaml)",
				"output OrdersKeyArn of stack orders-global-keys-eu-west-1 (keys-eu-west-1.yaml)"}}},
		{"a replica key's primary, in the first stack", "orders-global-keys-ap-southeast-2", map[string]any{"Ref": "OrdersPrimaryKeyArn"},
			Source{Stack: "orders-global-keys-us-east-1", Resource: "OrdersTableKmsKey", Via: []string{
				"parameter OrdersPrimaryKeyArn of stack orders-global-keys-ap-southeast-2 (keys-ap-southeast-2.yaml)",
				"output OrdersKeyArn of stack orders-global-keys-us-east-1 (keys-us-east-1.yaml)"}}},
		{"text written out", "orders-global", "alias/orders", Source{Literal: "alias/orders"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.Follow(tt.stack, tt.value)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestFollowGivesALiteralOrDefaultParameterItsValue(t *testing.T) {
	d := twoStacks()
	d.Stacks[1].Parameters["OrdersKeyArnEuWest1"] = Literal("arn:aws:kms:eu-west-1:111122223333:key/k")
	dir := writeDeployment(t, d, map[string]string{"keys-eu-west-1.yaml": keysTemplate, "tables.yaml": tablesTemplate})
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	delete(loaded.Stacks[1].Parameters, "Team")
	tests := []struct {
		name, parameter, literal, via string
	}{
		{"written in the manifest", "OrdersKeyArnEuWest1", "arn:aws:kms:eu-west-1:111122223333:key/k", "parameter OrdersKeyArnEuWest1 of stack app (tables.yaml)"},
		{"left to its default", "Team", "none", "parameter Team's default in stack app (tables.yaml)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loaded.Follow("app", map[string]any{"Ref": tt.parameter})
			if err != nil || got.Literal != tt.literal || got.Resource != "" || got.Path() != tt.via {
				t.Errorf("got %+v, %v", got, err)
			}
		})
	}
}

// What only deployment knows is an error that says what, never a guess.
func TestFollowRefusesWhatOnlyDeploymentKnows(t *testing.T) {
	d, err := Load("../golden/global")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"an import", map[string]any{"Fn::ImportValue": "keys"}, `stack orders-global (tables.yaml) gives {"Fn::ImportValue":"keys"}, which only deployment knows`},
		{"a pseudo parameter", map[string]any{"Ref": "AWS::Region"}, "stack orders-global (tables.yaml) reads AWS::Region, which is neither a resource nor a parameter of its template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := d.Follow("orders-global", tt.value); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
