package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestVerifyRefusesBadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no stack", nil, "verify: want -stack NAME and no arguments"},
		{"a stray argument", []string{"-stack", "s", "extra"}, "verify: want -stack NAME and no arguments"},
		{"an unknown flag", []string{"-stack", "s", "-verbose"}, "flag provided but not defined: -verbose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(context.Background(), tt.args, &bytes.Buffer{}, &stderr); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.want)
			}
		})
	}
}
