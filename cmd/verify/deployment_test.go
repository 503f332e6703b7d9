package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/rollout"
)

// This file deploys what moto can make of a deployment of global tables,
// golden/global-independent-keys, with the commands a person runs (make
// package DIR=..., make deploy-all DIR=... EMULATOR=1): the key stack of
// each of its three Regions. moto's CloudFormation skips
// AWS::DynamoDB::GlobalTable, so the table stack is refused, and fails on
// moto if deployed anyway. verify -manifest then verifies each key stack in
// its own Region, fails the table stack, which does not exist, and fails
// each Region's key tampered with, naming its stack. What moto cannot make
// (the global table, replica keys, multi-Region keys) verify's own tests
// prove against a server answering as the API references document.

// independentKeysOnMoto deploys the key stacks of golden/global-independent-keys
// to moto and gives the deployment's directory as deployed (its manifest
// and the templates as moto can deploy them), and the parameters deploy-all
// says it would have given the table stack it refused.
func independentKeysOnMoto(t *testing.T) (string, []string) {
	t.Helper()
	endpoint := motoEndpoint(t)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
	} {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_PROFILE", "")
	os.Unsetenv("AWS_PROFILE")
	build, err := filepath.Abs("../../build")
	check(t, err)
	if _, err := os.Stat(filepath.Join(build, "writer-arm64/bootstrap")); err != nil {
		t.Fatalf("the writer is not built (run make build, or make test): %v", err)
	}
	work := t.TempDir()
	check(t, os.CopyFS(filepath.Join(work, "dir"), os.DirFS("../../golden/global-independent-keys")))
	check(t, os.Symlink(build, filepath.Join(work, "build"))) // the writers' CodeUri, ../build/writer-ARCH
	const bucket = "verify-deployment-artifacts-us-east-1"
	if exec.Command("aws", "s3api", "head-bucket", "--bucket", bucket).Run() != nil {
		if out, err := exec.Command("aws", "s3api", "create-bucket", "--bucket", bucket).CombinedOutput(); err != nil {
			t.Fatalf("create the bucket: %v\n%s", err, out)
		}
	}
	ctx := context.Background()
	var log bytes.Buffer
	runner := rollout.Runner{Out: &log, Err: &log, Bucket: "verify-deployment-artifacts-{region}"}
	d, err := deployment.Load(filepath.Join(work, "dir"))
	check(t, err)
	if err := runner.Package(ctx, d, filepath.Join(work, "packaged")); err != nil {
		t.Fatalf("package: %v\n%s", err, log.String())
	}
	moto := filepath.Join(work, "moto")
	if out, err := exec.Command("../../scripts/moto-deployment", filepath.Join(work, "packaged"), moto).CombinedOutput(); err != nil {
		t.Fatalf("scripts/moto-deployment: %v\n%s", err, out)
	}
	d, err = deployment.Load(moto)
	check(t, err)
	// Templates go inline: moto cannot read one back from its own S3.
	runner.Emulator, runner.Bucket = true, ""
	if err := runner.Deploy(ctx, d); !errors.Is(err, rollout.ErrSkipped) || !strings.Contains(log.String(), "stack orders-independent (us-east-1): not deployed: OrdersTable: moto's CloudFormation skips AWS::DynamoDB::GlobalTable") {
		t.Fatalf("deploy-all on the emulator: %v, want the table stack refused\n%s", err, log.String())
	}
	// What moto's CloudFormation leaves undone, done as CloudFormation
	// would: the role's managed policy attached.
	for _, s := range d.Stacks[:3] {
		cmd := exec.Command("../../scripts/moto-compat", "--after-deploy", d.TemplatePath(s), s.Name)
		cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION="+s.Region, "AWS_REGION="+s.Region)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("scripts/moto-compat --after-deploy %s: %v\n%s", s.Name, err, out)
		}
	}
	var tableParameters []string
	for _, l := range strings.Split(log.String(), "\n") {
		if p, ok := strings.CutPrefix(l, "  it would take "); ok {
			tableParameters = append(tableParameters, p)
		}
	}
	return moto, tableParameters
}

// keyOf gives the KMS client of a Region and the id of the key its key
// stack makes (moto answers DisableKey given a key's ARN with HTTP 500).
func keyOf(t *testing.T, region string) (*kms.Client, *string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	check(t, err)
	resources, err := cloudformation.NewFromConfig(cfg).DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{
		StackName: aws.String("orders-independent-keys-" + region), LogicalResourceId: aws.String("OrdersTableKmsKey"),
	})
	check(t, err)
	return kms.NewFromConfig(cfg), resources.StackResourceDetail.PhysicalResourceId
}

func TestADeploymentOfIndependentKeysOnMotoIsVerifiedInEachRegion(t *testing.T) {
	moto, tableParameters := independentKeysOnMoto(t)
	manifest := filepath.Join(moto, "stacks.json")
	ctx := context.Background()
	verifyDeployment := func(t *testing.T) (int, []string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := run(ctx, []string{"-emulator", "-manifest", manifest}, &stdout, &stderr)
		if stderr.Len() > 0 {
			t.Errorf("stderr: %s", stderr.String())
		}
		return code, strings.Split(strings.TrimSpace(stdout.String()), "\n")
	}
	// The table stack, which moto cannot make, fails; nothing else does.
	const tableStack = `FAIL orders-independent stack: cannot be read in us-east-1: stack "orders-independent": operation error CloudFormation: DescribeStacks`
	failures := func(lines []string) []string {
		var out []string
		for _, l := range lines {
			if strings.HasPrefix(l, "FAIL") && !strings.HasPrefix(l, tableStack) {
				out = append(out, l)
			}
		}
		return out
	}
	t.Run("as deployed", func(t *testing.T) {
		code, lines := verifyDeployment(t)
		if code != exitFailed || !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, tableStack) }) {
			t.Errorf("exit %d, want %d, failing the table stack moto cannot make:\n%s", code, exitFailed, strings.Join(lines, "\n"))
		}
		if f := failures(lines); len(f) > 0 {
			t.Errorf("failed:\n%s", strings.Join(f, "\n"))
		}
		for _, region := range []string{"us-east-1", "eu-west-1", "ap-southeast-2"} {
			want := "PASS orders-independent-keys-" + region + " key OrdersTableKmsKey: key policy as the template promised"
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
				t.Errorf("no line %q in\n%s", want, strings.Join(lines, "\n"))
			}
		}
	})
	// Each tampering gives what undoes it.
	tests := []struct {
		name, region string
		tamper       func(t *testing.T, client *kms.Client, key *string) (undo func())
		want         []string
	}{
		{"a key's policy opened to any account", "eu-west-1",
			func(t *testing.T, client *kms.Client, key *string) func() {
				policy, err := client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: key, PolicyName: aws.String("default")})
				check(t, err)
				opened := strings.Replace(*policy.Policy, `"Statement": [`, `"Statement": [{"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}, `, 1)
				if opened == *policy.Policy {
					t.Fatalf("the policy was not opened:\n%s", opened)
				}
				_, err = client.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: key, PolicyName: aws.String("default"), Policy: &opened})
				check(t, err)
				return func() {
					_, err := client.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: key, PolicyName: aws.String("default"), Policy: policy.Policy})
					check(t, err)
				}
			},
			[]string{"FAIL orders-independent-keys-eu-west-1 key OrdersTableKmsKey: key policy allows more than the template: Anyone: nothing in the other policy allows * kms:Decrypt on *",
				"FAIL orders-independent-keys-eu-west-1 key OrdersTableKmsKey: deployed key policy: gen check KEY005: an Allow to the * principal lets principals of any account call kms:Decrypt on the key: it has no condition"}},
		{"a key disabled", "ap-southeast-2",
			func(t *testing.T, client *kms.Client, key *string) func() {
				_, err := client.DisableKey(ctx, &kms.DisableKeyInput{KeyId: key})
				check(t, err)
				return func() {
					_, err := client.EnableKey(ctx, &kms.EnableKeyInput{KeyId: key})
					check(t, err)
				}
			},
			[]string{"FAIL orders-independent-keys-ap-southeast-2 key OrdersTableKmsKey: state is Disabled, not Enabled: its tables become inaccessible"}},
		{"a key's rotation turned off", "ap-southeast-2",
			func(t *testing.T, client *kms.Client, key *string) func() {
				_, err := client.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: key})
				check(t, err)
				return func() {
					_, err := client.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: key})
					check(t, err)
				}
			},
			[]string{"FAIL orders-independent-keys-ap-southeast-2 key OrdersTableKmsKey: rotation is off"}},
		{"a grant to another account", "us-east-1",
			func(t *testing.T, client *kms.Client, key *string) func() {
				grant, err := client.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: key, GranteePrincipal: aws.String("arn:aws:iam::111122223333:root"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt}})
				check(t, err)
				return func() {
					_, err := client.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: key, GrantId: grant.GrantId})
					check(t, err)
				}
			},
			[]string{"FAIL orders-independent-keys-us-east-1 key OrdersTableKmsKey: grants the template does not make: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, key := keyOf(t, tt.region)
			undo := tt.tamper(t, client, key)
			code, lines := verifyDeployment(t)
			f := failures(lines)
			matched := len(f) == len(tt.want)
			for i := 0; matched && i < len(f); i++ {
				matched = strings.HasPrefix(f[i], tt.want[i])
			}
			if code != exitFailed || !matched {
				t.Errorf("exit %d, failed:\n%s\nwant:\n%s", code, strings.Join(f, "\n"), strings.Join(tt.want, "\n"))
			}
			undo()
			if _, lines := verifyDeployment(t); len(failures(lines)) > 0 {
				t.Errorf("undone, still failed:\n%s", strings.Join(failures(lines), "\n"))
			}
		})
	}
	// Last, as it leaves moto holding what it made of the stack: the table
	// stack deployed anyway fails on moto, which makes the writer and then
	// finds the global table it skipped missing; verify fails it, and the
	// writer it left running as the key stack's role.
	t.Run("the table stack deployed anyway", func(t *testing.T) {
		args := append([]string{"cloudformation", "deploy", "--region", "us-east-1", "--stack-name", "orders-independent", "--template-file", filepath.Join(moto, "tables.yaml"),
			"--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND", "--parameter-overrides"}, tableParameters...)
		if out, err := exec.Command("aws", args...).CombinedOutput(); err == nil || !strings.Contains(string(out), "Fn::GetAtt references undefined resource OrdersTable") {
			t.Fatalf("moto deployed the table stack (%v), or failed it otherwise than for the global table it skips:\n%s", err, out)
		}
		code, lines := verifyDeployment(t)
		if want := "FAIL orders-independent stack: cannot be read in us-east-1:"; code != exitFailed || !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("exit %d, want %d and a line %q:\n%s", code, exitFailed, want, strings.Join(lines, "\n"))
		}
		if want := "FAIL orders-independent-keys-us-east-1 role OrdersWriteFunctionRole: functions outside the stack run as it in us-east-1: "; !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("no line %q:\n%s", want, strings.Join(lines, "\n"))
		}
	})
}
