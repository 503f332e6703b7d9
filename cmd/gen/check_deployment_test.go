package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gen check DIR, where DIR holds a stacks.json, judges the deployment
// whole: each template in its stack's Region, what only the whole shows,
// each finding at its file and line. A directory without one is walked as
// before; a manifest that cannot be read is not judged, never passed.
func TestCheckADeploymentsDirectory(t *testing.T) {
	deploymentDir := func(t *testing.T, change func(dir string)) string {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "global")
		if err := os.CopyFS(dir, os.DirFS("../../golden/global-independent-keys")); err != nil {
			t.Fatal(err)
		}
		change(dir)
		return dir
	}
	replace := func(file, old, new string) func(string) {
		return func(dir string) {
			path := filepath.Join(dir, file)
			src := readFileString(t, path)
			if !strings.Contains(src, old) {
				t.Fatalf("%s has no %q", file, old)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(src, old, new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		change func(dir string)
		code   int
		want   string // a line of the report, DIR standing for the directory
	}{
		{"the golden deployment", func(string) {}, exitOK,
			"DIR/tables.yaml: 0 errors, 0 warnings, 3 info, 0 suppressed"},
		{"a replica given another Region's key", replace("stacks.json", `"stack": "orders-independent-keys-eu-west-1",`, `"stack": "orders-independent-keys-ap-southeast-2",`), exitInput,
			"DIR/tables.yaml:53:13: error DEP001 OrdersTable: replica 2 (eu-west-1): KMSMasterKeyId leads to key OrdersTableKmsKey of stack orders-independent-keys-ap-southeast-2 (keys-ap-southeast-2.yaml), in ap-southeast-2, not in the replica's Region eu-west-1: DynamoDB encrypts a replica only with a key of its own Region"},
		{"a template beside the deployment that its manifest does not name", func(dir string) {
			if err := os.WriteFile(filepath.Join(dir, "extra.yaml"), []byte("Resources:\n  Topic: {Type: AWS::SNS::Topic}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, exitOK, "DIR/extra.yaml: 0 errors, 0 warnings, 0 info, 0 suppressed"},
		{"a manifest naming a stack whose template is missing", func(dir string) { os.Remove(filepath.Join(dir, "keys-eu-west-1.yaml")) }, exitUsage,
			"DIR/stacks.json: error: not judged: stack orders-independent-keys-eu-west-1: open DIR/keys-eu-west-1.yaml: no such file or directory"},
		{"a directory without stacks.json, walked as any directory", func(dir string) { os.Remove(filepath.Join(dir, "stacks.json")) }, exitOK,
			"DIR/tables.yaml:53:13: info SSE004 OrdersTable: replica 2 (eu-west-1): KMSMasterKeyId comes from OrdersKeyArnEuWest1: the template cannot prove it is a customer managed key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := deploymentDir(t, tt.change)
			var stdout, stderr bytes.Buffer
			code := run([]string{"check", dir}, &stdout, &stderr)
			report := strings.ReplaceAll(stdout.String(), dir, "DIR")
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, report, stderr.String())
			}
			if !strings.Contains(report, tt.want+"\n") {
				t.Errorf("the report does not say\n  %s\n%s", tt.want, report)
			}
		})
	}
}
