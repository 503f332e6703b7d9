package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRolloutRefusesBadUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "Usage: rollout deploy"},
		{[]string{"apply", "dir"}, "Usage: rollout deploy"},
		{[]string{"deploy"}, "rollout deploy: want one deployment's directory, got 0 arguments"},
		{[]string{"delete", "a", "b"}, "rollout delete: want one deployment's directory, got 2 arguments"},
		{[]string{"package", "../../golden/global"}, "rollout package: want -bucket NAME and -o OUT"},
		{[]string{"delete", "-emulator", "../../golden/global"}, "flag provided but not defined: -emulator"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if code := run(context.Background(), tt.args, &bytes.Buffer{}, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", tt.args, code, exitUsage)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: stderr %q does not say %q", tt.args, &stderr, tt.want)
		}
	}
}

func TestRolloutOfADirectoryThatIsNoDeploymentFails(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"deploy", t.TempDir()}, &bytes.Buffer{}, &stderr); code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(stderr.String(), "no stacks.json: not a deployment's directory") {
		t.Errorf("stderr %q", &stderr)
	}
}

func TestRolloutPrintsTheCommandsItWouldRun(t *testing.T) {
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"deploy", "-print", "-bucket", "cfn-{region}", "../../golden/global"}, &stdout, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if got := strings.Count(stdout.String(), "aws cloudformation deploy --region"); got != 4 {
		t.Errorf("%d deploy commands, want 4:\n%s", got, &stdout)
	}
	if !strings.Contains(stdout.String(), "--region eu-west-1 --stack-name orders-global-keys-eu-west-1 --template-file ../../golden/global/keys-eu-west-1.yaml --s3-bucket cfn-eu-west-1") {
		t.Errorf("the eu-west-1 stack is not sent through its Region's bucket:\n%s", &stdout)
	}
}

// On the emulator a stack holding what moto skips is refused with its own
// exit status, so that a script tells it from a failure.
func TestRolloutOnTheEmulatorExitsThreeForAStackItWouldSkip(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"deploy", "-emulator", "../../golden/global"}, &stdout, &stderr); code != exitSkipped {
		t.Errorf("exit %d, want %d: %s", code, exitSkipped, &stderr)
	}
}
