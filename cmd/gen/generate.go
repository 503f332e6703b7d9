package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/internal/atomicfile"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

var renderers = map[string]func(*template.Stack) ([]byte, error){
	"yaml": render.YAML,
	"json": render.JSON,
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	profile := flags.String("profile", string(template.ProfileDefault), "profile: one of "+template.ProfileNames())
	keyAccess := flags.String("key-access", "", "how the writer may use the key: one of "+template.KeyAccessNames()+" (default: the profile's)")
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
	if *keyAccess != "" {
		if !slices.Contains(template.KeyAccesses, template.KeyAccess(*keyAccess)) {
			fmt.Fprintf(stderr, "gen: -key-access: got %q, want one of %s\n", *keyAccess, template.KeyAccessNames())
			return exitUsage
		}
		cfg.Key.Access = template.KeyAccess(*keyAccess)
	}
	if err := generate(cfg, renderer, *out, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return exitInput
	}
	return exitOK
}

var errPostureFailed = errors.New("the template fails the posture check; nothing written")

func generate(cfg template.Config, renderer func(*template.Stack) ([]byte, error), out string, stdout, stderr io.Writer) error {
	stack, err := template.Build(cfg)
	if err != nil {
		return err
	}
	data, err := renderer(stack)
	if err != nil {
		return err
	}
	if err := refuseErrors(data, out, stderr); err != nil {
		return err
	}
	if out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfile.Write(out, data)
}

// refuseErrors runs gen check's rules on the template about to be written,
// and shows the findings when any is an error.
func refuseErrors(data []byte, out string, stderr io.Writer) error {
	parsed, err := check.Parse(data)
	if err != nil {
		return fmt.Errorf("read back the rendered template: %w", err)
	}
	findings := check.Run(parsed, check.Options{Today: time.Now()})
	if check.Count(findings, check.Error) == 0 {
		return nil
	}
	if err := check.WriteText(stderr, []check.Report{{File: out, Findings: findings}}); err != nil {
		return err
	}
	return errPostureFailed
}
