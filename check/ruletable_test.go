package check

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestTheRuleDocumentationIsCurrent(t *testing.T) {
	want, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := WriteRuleTable(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Error("docs/rules.md is stale: run go generate ./check")
	}
}

// sam_policy_templates.json is what scripts/sam-policy-templates writes from
// the aws-sam-translator on this machine; go generate ./check rewrites it
// after an upgrade.
func TestTheSAMPolicyTemplatesAreCurrent(t *testing.T) {
	if err := exec.Command("python3", "-c", "import samtranslator").Run(); err != nil {
		const msg = "python3 with aws-sam-translator is needed to regenerate sam_policy_templates.json"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	out := filepath.Join(t.TempDir(), "templates.json")
	if msg, err := exec.Command("../scripts/sam-policy-templates", out).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, samPolicyTemplatesJSON) {
		t.Error("sam_policy_templates.json is stale; run go generate ./check")
	}
}
