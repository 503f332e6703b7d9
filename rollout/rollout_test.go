package rollout

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/deployment"
)

func load(t *testing.T, dir string) *deployment.Dir {
	t.Helper()
	d, err := deployment.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestADeployCommandNamesTheRegionCapabilitiesBucketAndParameters(t *testing.T) {
	d := load(t, "../golden/global")
	s, _ := d.Stack("orders-global")
	got := deployCommand(d, s, map[string]string{"B": "2", "A": "1 2"}, "artifacts-us-east-1")
	want := []string{"cloudformation", "deploy", "--region", "us-east-1", "--stack-name", "orders-global", "--template-file", "../golden/global/tables.yaml",
		"--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND", "--s3-bucket", "artifacts-us-east-1", "--no-fail-on-empty-changeset",
		"--parameter-overrides", "A=1 2", "B=2"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestAParameterIsTheOutputOfTheStackItNames(t *testing.T) {
	d := load(t, "../golden/global")
	s, _ := d.Stack("orders-global-keys-eu-west-1")
	got, err := resolve(s, map[string]map[string]string{"orders-global-keys-us-east-1": {"OrdersKeyArn": "arn:primary"}})
	if err != nil || got["OrdersPrimaryKeyArn"] != "arn:primary" {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := resolve(s, map[string]map[string]string{}); err == nil ||
		err.Error() != "stack orders-global-keys-eu-west-1: parameter OrdersPrimaryKeyArn: stack orders-global-keys-us-east-1 gave no output OrdersKeyArn" {
		t.Errorf("a missing output: %v", err)
	}
}

// What moto's CloudFormation would skip or ignore keeps a stack from being
// deployed there; a stack of single-Region keys and a role has none.
func TestTheEmulatorRefusesWhatItWouldSkip(t *testing.T) {
	tests := []struct {
		dir, stack string
		want       []string
	}{
		{"../golden/global-independent-keys", "orders-independent-keys-us-east-1", nil},
		{"../golden/global-independent-keys", "orders-independent-keys-eu-west-1", nil},
		{"../golden/global-independent-keys", "orders-independent", []string{"OrdersTable: moto's CloudFormation skips AWS::DynamoDB::GlobalTable"}},
		{"../golden/global", "orders-global-keys-us-east-1", []string{"OrdersTableKmsKey: moto's CloudFormation ignores an AWS::KMS::Key's MultiRegion, and makes a single-Region key"}},
		{"../golden/global", "orders-global-keys-eu-west-1", []string{"OrdersTableKmsKey: moto's CloudFormation skips AWS::KMS::ReplicaKey"}},
	}
	for _, tt := range tests {
		if got := skippedOnEmulator(load(t, tt.dir).Templates[tt.stack]); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.stack, got, tt.want)
		}
	}
}

// On the emulator, the first stack of a multi-Region deployment is refused
// before any command runs: nothing is deployed, nothing is claimed.
func TestDeployOnTheEmulatorStopsBeforeAStackItWouldSkip(t *testing.T) {
	var out bytes.Buffer
	r := Runner{AWS: "/nonexistent/aws", Emulator: true, Out: &out, Err: &out}
	err := r.Deploy(context.Background(), load(t, "../golden/global"))
	if err == nil || !strings.Contains(err.Error(), "stack orders-global-keys-us-east-1 and any after it: not deployed on the emulator") {
		t.Errorf("got %v", err)
	}
	if strings.Contains(out.String(), "+ ") {
		t.Errorf("a command ran:\n%s", &out)
	}
}

func TestTheDeleteCommandsGoInTheReverseOrderAndWait(t *testing.T) {
	var out bytes.Buffer
	if err := PrintDelete(&out, load(t, "../golden/global")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"aws cloudformation delete-stack --region us-east-1 --stack-name orders-global",
		"aws cloudformation wait stack-delete-complete --region us-east-1 --stack-name orders-global",
		"aws cloudformation delete-stack --region ap-southeast-2 --stack-name orders-global-keys-ap-southeast-2",
	}
	if !slices.Equal(lines[:3], want) || lines[len(lines)-1] != "aws cloudformation wait stack-delete-complete --region us-east-1 --stack-name orders-global-keys-us-east-1" {
		t.Errorf("got\n%s", &out)
	}
}

// The printed script reads each parameter from the stack that gives it,
// in that stack's Region, where it is needed.
func TestThePrintedDeployReadsEachParameterFromItsStacksOutput(t *testing.T) {
	var out bytes.Buffer
	if err := PrintDeploy(&out, load(t, "../golden/global"), ""); err != nil {
		t.Fatal(err)
	}
	want := `aws cloudformation deploy --region eu-west-1 --stack-name orders-global-keys-eu-west-1 --template-file ../golden/global/keys-eu-west-1.yaml --no-fail-on-empty-changeset --parameter-overrides \
    OrdersPrimaryKeyArn="$(aws cloudformation describe-stacks --region us-east-1 --stack-name orders-global-keys-us-east-1 --query "Stacks[0].Outputs[?OutputKey=='OrdersKeyArn'].OutputValue" --output text)"
`
	if !strings.Contains(out.String(), want) {
		t.Errorf("got\n%s\nwant it to hold\n%s", &out, want)
	}
}

func TestShellLineQuotesWhatTheShellWouldRead(t *testing.T) {
	got := shellLine([]string{"aws", "--query", "Stacks[0].Outputs", "a b", `it's $x`, "Key=arn:aws:kms:eu-west-1:1:key/x"})
	want := `aws --query "Stacks[0].Outputs" "a b" 'it'\''s $x' Key=arn:aws:kms:eu-west-1:1:key/x`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPackageNeedsABucketInEachRegionWithCode(t *testing.T) {
	d := load(t, "testdata/two-regions")
	out := filepath.Join(t.TempDir(), "packaged")
	tests := []struct{ bucket, want string }{
		{"", "a bucket for the code of stacks in eu-west-1, us-east-1 is needed"},
		{"artifacts", "-bucket artifacts: stacks in eu-west-1, us-east-1 have code, and a bucket is in one Region: write {region}"},
	}
	for _, tt := range tests {
		r := Runner{Bucket: tt.bucket, Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
		if err := r.Package(context.Background(), d, out); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("-bucket %q: got %v", tt.bucket, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the refused package wrote %s", out)
	}
}

// docs/global-tables.md shows, for gen -o global, the very commands rollout
// prints: a person running them by hand runs what make deploy-all does.
func TestTheDocsShowTheCommandsDeployAllRuns(t *testing.T) {
	docs, err := os.ReadFile("../docs/global-tables.md")
	if err != nil {
		t.Fatal(err)
	}
	d := load(t, "../golden/global")
	d.Path = "global"
	var deploy, remove bytes.Buffer
	if err := PrintDeploy(&deploy, d, ""); err != nil {
		t.Fatal(err)
	}
	if err := PrintDelete(&remove, d); err != nil {
		t.Fatal(err)
	}
	for name, printed := range map[string]string{"deploy": deploy.String(), "delete": remove.String()} {
		if !strings.Contains(string(docs), "```sh\n"+printed+"```\n") {
			t.Errorf("docs/global-tables.md does not show the %s commands rollout prints:\n%s", name, printed)
		}
	}
}
