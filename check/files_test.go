package check

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A broken template in a directory is returned, for its parse error to be
// reported, not skipped as a file that is no template.
func TestADirectoryKeepsItsBrokenTemplates(t *testing.T) {
	tests := []struct {
		name, content string
		template      bool
	}{
		{"good.yaml", "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n", true},
		{"broken.yaml", "Resources:\n  Topic: {Type: AWS::SNS::Topic\n", true},
		{"broken-quoted.yml", "'Resources':\n  - [\n", true},
		{"broken.json", "{\"Resources\": {\"Topic\": }}", true},
		{"broken.template", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: !GetAtt B\n", true},
		{"settings.yaml", "profile: production\n", false},
		{"helm.yaml", "metadata:\n  name: {{ .Values.name }}\n  labels: [\n", false},
		{"nested-key.yaml", "spec:\n  Resources: [\n", false},
	}
	dir := t.TempDir()
	var want []string
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if tt.template {
			want = append(want, path)
		}
	}
	files, err := templateFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.path)
	}
	slices.Sort(want) // in lexical order, as the directory is walked
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
