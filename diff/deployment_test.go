package diff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// deploymentOf writes a deployment into a new directory and loads it: its
// stacks, each with a template of the same name (stack name + .yaml).
func deploymentOf(t *testing.T, stacks []deployment.Stack, templates map[string]string) *deployment.Dir {
	t.Helper()
	dir := t.TempDir()
	for i, s := range stacks {
		stacks[i].Template = s.Name + ".yaml"
		if err := os.WriteFile(filepath.Join(dir, stacks[i].Template), []byte(templates[s.Name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifest, err := (&deployment.Deployment{Stacks: stacks}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, deployment.Manifest), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := deployment.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The templates of a key stack and of a table stack that takes the key's
// ARN from it, or as a literal.
const (
	keyStack   = "Resources: {Key: {Type: AWS::KMS::Key}}\nOutputs: {KeyArn: {Value: !GetAtt Key.Arn}}\n"
	tableStack = "Parameters: {KeyArn: {Type: String}}\nResources: {T: {Type: AWS::DynamoDB::Table, Properties: {SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref KeyArn}}}}\n"
)

// The templates of a table stack and of a stack that lets a role read the
// table, its ARN taken from the table stack's output.
const (
	tablesStack  = "Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PROVISIONED, KeySchema: [{AttributeName: id, KeyType: HASH}]}}}\nOutputs: {TableArn: {Value: !GetAtt T.Arn}}\n"
	readersStack = "Parameters: {TableArn: {Type: String}}\nResources: {P: {Type: AWS::IAM::Policy, Properties: {Roles: [reader], PolicyDocument: {Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: !Ref TableArn}]}}}}\n"
)

func stack(name, region string, parameters map[string]deployment.Value) deployment.Stack {
	return deployment.Stack{Name: name, Region: region, Parameters: parameters}
}

// deploymentLines writes each stack's review as one line: name, Region,
// state, the parameters stacks.json changes, and its summary.
func deploymentLines(d DeploymentReport) string {
	var lines []string
	for _, s := range d.Stacks {
		lines = append(lines, fmt.Sprintf("%s %s %s %v: %s", s.Stack, s.Region, s.state(), s.Parameters, s.Report.Summary()))
	}
	return strings.Join(lines, "\n")
}

// Each case is one way a deployment changes, and the stacks its review
// must list, one line each.
func TestCompareDeploymentsStackByStack(t *testing.T) {
	fromKeys := map[string]deployment.Value{"KeyArn": deployment.FromOutput("keys", "KeyArn")}
	fromTables := map[string]deployment.Value{"TableArn": deployment.FromOutput("tables", "TableArn")}
	literal := func(arn string) map[string]deployment.Value {
		return map[string]deployment.Value{"KeyArn": deployment.Literal(arn)}
	}
	const arn1, arn2 = "arn:aws:kms:us-east-1:111122223333:key/1111", "arn:aws:kms:us-east-1:111122223333:key/2222"
	tests := []struct {
		name     string
		old, new []deployment.Stack
		oldT     map[string]string
		newT     map[string]string
		want     string
	}{
		{"the same deployment",
			[]deployment.Stack{stack("keys", "us-east-1", nil), stack("tables", "us-east-1", fromKeys)},
			[]deployment.Stack{stack("keys", "us-east-1", nil), stack("tables", "us-east-1", fromKeys)},
			map[string]string{"keys": keyStack, "tables": tableStack}, map[string]string{"keys": keyStack, "tables": tableStack},
			"keys us-east-1 unchanged []: no change\ntables us-east-1 unchanged []: no change"},
		{"a stack only the new deployment has is all added",
			[]deployment.Stack{stack("tables", "us-east-1", literal(arn1))},
			[]deployment.Stack{stack("keys", "us-east-1", nil), stack("tables", "us-east-1", literal(arn1))},
			map[string]string{"tables": tableStack}, map[string]string{"keys": keyStack, "tables": tableStack},
			"keys us-east-1 added []: Key: added; also changed: Outputs\ntables us-east-1 unchanged []: no change"},
		{"a stack only the old deployment has is all removed: its key's data lost",
			[]deployment.Stack{stack("keys", "us-east-1", nil), stack("tables", "us-east-1", literal(arn1))},
			[]deployment.Stack{stack("tables", "us-east-1", literal(arn1))},
			map[string]string{"keys": keyStack, "tables": tableStack}, map[string]string{"tables": tableStack},
			"tables us-east-1 unchanged []: no change\nkeys us-east-1 removed []: Key: removed, data loss; also changed: Outputs"},
		{"a stack moved to another Region is removed there and added here",
			[]deployment.Stack{stack("keys", "us-east-1", nil)}, []deployment.Stack{stack("keys", "eu-west-1", nil)},
			map[string]string{"keys": keyStack}, map[string]string{"keys": keyStack},
			"keys eu-west-1 added []: Key: added; also changed: Outputs\nkeys us-east-1 removed []: Key: removed, data loss; also changed: Outputs"},
		{"a literal stacks.json changes moves the table to another key",
			[]deployment.Stack{stack("tables", "us-east-1", literal(arn1))}, []deployment.Stack{stack("tables", "us-east-1", literal(arn2))},
			map[string]string{"tables": tableStack}, map[string]string{"tables": tableStack},
			"tables us-east-1 changed [KeyArn]: posture: 1 weakening"},
		{"an output that reads a table the update replaces",
			[]deployment.Stack{stack("tables", "us-east-1", nil), stack("readers", "us-east-1", fromTables)},
			[]deployment.Stack{stack("tables", "us-east-1", nil), stack("readers", "us-east-1", fromTables)},
			map[string]string{"tables": tablesStack, "readers": readersStack},
			map[string]string{"tables": strings.Replace(tablesStack, "AttributeName: id", "AttributeName: pk", 1), "readers": readersStack},
			"tables us-east-1 changed []: T: replaced, data loss\nreaders us-east-1 changed [TableArn]: security: 1 broadening"},
		{"an output whose definition changes",
			[]deployment.Stack{stack("keys", "us-east-1", nil), stack("tables", "us-east-1", fromKeys)},
			[]deployment.Stack{stack("keys", "us-east-1", nil), stack("tables", "us-east-1", fromKeys)},
			map[string]string{"keys": keyStack, "tables": tableStack},
			map[string]string{"keys": strings.Replace(keyStack, "!GetAtt Key.Arn", "!Ref Key", 1), "tables": tableStack},
			"keys us-east-1 changed []: also changed: Outputs\ntables us-east-1 changed [KeyArn]: posture: 1 weakening"},
		{"an output of a stack the update leaves alone",
			[]deployment.Stack{stack("tables", "us-east-1", nil), stack("readers", "us-east-1", fromTables)},
			[]deployment.Stack{stack("tables", "us-east-1", nil), stack("readers", "us-east-1", fromTables)},
			map[string]string{"tables": tablesStack, "readers": readersStack},
			map[string]string{"tables": strings.Replace(tablesStack, "BillingMode: PROVISIONED", "BillingMode: PAY_PER_REQUEST", 1), "readers": readersStack},
			"tables us-east-1 changed []: T: modified\nreaders us-east-1 unchanged []: no change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := deploymentLines(CompareDeployments(deploymentOf(t, tt.old, tt.oldT), deploymentOf(t, tt.new, tt.newT)))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
