// Command gen writes the stack's SAM template.
//
// Usage:
//
//	gen [-profile default|seed] [-o sam.yaml | -o -] [-format yaml|json]
//
// Exit status: 0 written, 1 invalid input or a failed write (the old file is
// left as it was), 2 usage error.
package main

//go:generate go run . -o ../../sam.yaml

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dynamodb-sse-cmk/stack/internal/atomicfile"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

var renderers = map[string]func(*template.Stack) ([]byte, error){
	"yaml": render.YAML,
	"json": render.JSON,
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	profile := flags.String("profile", string(template.ProfileDefault), "profile: one of "+template.ProfileNames())
	out := flags.String("o", "sam.yaml", "file to write, or - for standard output")
	format := flags.String("format", "yaml", "output format: yaml or json")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "gen: unexpected argument %q\n", flags.Arg(0))
		return exitUsage
	}
	renderer, ok := renderers[*format]
	if !ok {
		fmt.Fprintf(stderr, "gen: -format: got %q, want yaml or json\n", *format)
		return exitUsage
	}
	cfg, err := template.ConfigFor(*profile)
	if err != nil {
		fmt.Fprintf(stderr, "gen: -%v\n", err)
		return exitUsage
	}
	if err := generate(cfg, renderer, *out, stdout); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return exitInput
	}
	return exitOK
}

func generate(cfg template.Config, renderer func(*template.Stack) ([]byte, error), out string, stdout io.Writer) error {
	stack, err := template.Build(cfg)
	if err != nil {
		return err
	}
	data, err := renderer(stack)
	if err != nil {
		return err
	}
	if out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfile.Write(out, data)
}
