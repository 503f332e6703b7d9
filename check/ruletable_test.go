package check

import (
	"bytes"
	"os"
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
