package check

import (
	"os"
	"strings"
	"testing"
)

func TestTheREADMEDocumentsEveryRule(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.Contains(string(readme), "| "+r.ID+" | ") {
			t.Errorf("README.md has no row for %s (%s)", r.ID, r.Title)
		}
	}
}
