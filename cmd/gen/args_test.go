package main

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"testing"
)

func TestFlagsMayComeAfterTheOperands(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		operands []string
		format   string
		verbose  bool
	}{
		{"flags first", []string{"-format", "sarif", "a.yaml"}, []string{"a.yaml"}, "sarif", false},
		{"flags last", []string{"a.yaml", "-format", "sarif"}, []string{"a.yaml"}, "sarif", false},
		{"flags between", []string{"a.yaml", "-v", "b.yaml", "-format=json", "c"}, []string{"a.yaml", "b.yaml", "c"}, "json", true},
		{"-- ends the flags", []string{"a.yaml", "--", "-format", "-v"}, []string{"a.yaml", "-format", "-v"}, "text", false},
		{"-- as a flag's value is a value", []string{"-format", "--", "a.yaml", "-v"}, []string{"a.yaml"}, "--", true},
		{"- is standard input", []string{"-", "-v", "-"}, []string{"-", "-"}, "text", true},
		{"nothing", nil, nil, "text", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags := flag.NewFlagSet("test", flag.ContinueOnError)
			format := flags.String("format", "text", "")
			verbose := flags.Bool("v", false, "")
			operands, err := parseArgs(flags, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(operands, tt.operands) || *format != tt.format || *verbose != tt.verbose {
				t.Errorf("operands %q, -format %q, -v %v; want %q, %q, %v", operands, *format, *verbose, tt.operands, tt.format, tt.verbose)
			}
		})
	}
}

func TestAnUnknownFlagAfterTheOperandsIsAUsageError(t *testing.T) {
	flags := flag.NewFlagSet("test", flag.ContinueOnError)
	var stderr bytes.Buffer
	flags.SetOutput(&stderr)
	_, err := parseArgs(flags, []string{"a.yaml", "-fromat", "sarif"})
	if err == nil || parseStatus(err) != exitUsage || !bytes.Contains(stderr.Bytes(), []byte("flag provided but not defined: -fromat")) {
		t.Errorf("err %v, stderr %q", err, &stderr)
	}
	if _, err := parseArgs(flags, []string{"a.yaml", "-h"}); !errors.Is(err, flag.ErrHelp) || parseStatus(err) != exitOK {
		t.Errorf("-h after an operand: %v, want flag.ErrHelp and exit 0", err)
	}
}
