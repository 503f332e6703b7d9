package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/config"
	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/internal/atomicfile"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

var renderers = map[string]func(*cloudformation.Template, ...render.Option) ([]byte, error){
	"yaml": render.YAML,
	"json": render.JSON,
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { writeUsage(stderr, flags) }
	configPath := flags.String("config", "", "configuration file (default: the embedded default, one table with partition key id)")
	profile := flags.String("profile", "", "profile, overriding the configuration's: one of "+template.ProfileNames())
	keyAccess := flags.String("key-access", "", "how each writer may use its key, overriding the configuration's: one of "+template.KeyAccessNames())
	out := flags.String("o", "sam.yaml", "file to write, or - for standard output; for a configuration with replicated tables, the directory of its stacks' templates and stacks.json")
	format := flags.String("format", "yaml", "output format: yaml or json")
	operands, err := parseArgs(flags, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(operands) > 0 {
		fmt.Fprintf(stderr, "gen: unexpected argument %q; gen writes the template from a configuration (-config FILE), and takes no operands\n", operands[0])
		return exitUsage
	}
	renderer, ok := renderers[*format]
	if !ok {
		fmt.Fprintf(stderr, "gen: -format: got %q, want yaml or json\n", *format)
		return exitUsage
	}
	if _, err := template.ParseProfile(*profile); *profile != "" && err != nil {
		fmt.Fprintf(stderr, "gen: -%v\n", err)
		return exitUsage
	}
	if _, err := template.ParseKeyAccess(*keyAccess); *keyAccess != "" && err != nil {
		fmt.Fprintf(stderr, "gen: -key-access: got %q, want one of %s\n", *keyAccess, template.KeyAccessNames())
		return exitUsage
	}
	cfg, err := config.Load(*configPath, config.Overrides{Profile: *profile, KeyAccess: *keyAccess})
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return exitInput
	}
	if cfg.IsDeployment() {
		if why := notADirectory(*out); why != "" {
			fmt.Fprintf(stderr, "gen: -o %s: %s; the configuration is a deployment (a table has replicas): a directory of its stacks' templates and %s; give -o DIR\n", *out, why, deployment.Manifest)
			return exitUsage
		}
		if err := generateDeployment(cfg, *format == "json", *out, stderr); err != nil {
			fmt.Fprintf(stderr, "gen: %v\n", err)
			return exitInput
		}
		return exitOK
	}
	if err := generate(cfg, renderer, *out, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return exitInput
	}
	return exitOK
}

var errPostureFailed = errors.New("the template fails the posture check; nothing written")

func generate(cfg template.Config, renderer func(*cloudformation.Template, ...render.Option) ([]byte, error), out string, stdout, stderr io.Writer) error {
	stack, err := template.Build(cfg)
	if err != nil {
		return err
	}
	consumers, err := template.ConsumerPolicies(cfg)
	if err != nil {
		return err
	}
	data, err := renderer(stack.Template, render.Order(stack.ResourceOrder, stack.OutputOrder))
	if err != nil {
		return err
	}
	if err := refuseErrors(data, cfg, cfg.Region, out, stderr); err != nil {
		return err
	}
	if out == "-" {
		if _, err := stdout.Write(data); err != nil {
			return err
		}
	} else if err := atomicfile.Write(out, data); err != nil {
		return err
	}
	// What the template cannot do for principals it does not own.
	for _, p := range consumers {
		if _, err := fmt.Fprint(stderr, p); err != nil {
			return err
		}
	}
	return nil
}

// refuseErrors runs gen check's rules on the template about to be written,
// as deployed to region (any, when empty), shows its errors and warnings (a
// template too big to deploy inline, the account access model), and
// refuses to write it when any is an error.
func refuseErrors(data []byte, cfg template.Config, region, out string, stderr io.Writer) error {
	opts := check.Options{Production: cfg.Profile == template.ProfileProduction, Region: region}
	if cfg.Account != "" {
		opts.Accounts = []string{cfg.Account}
	}
	findings, err := check.Source(data, opts)
	if err != nil {
		return fmt.Errorf("read back the rendered template: %w", err)
	}
	errors, warnings := check.Count(findings, check.Error), check.Count(findings, check.Warning)
	if errors+warnings == 0 {
		return nil
	}
	shown := slices.DeleteFunc(findings, func(f check.Finding) bool { return f.Severity == check.Info })
	if err := check.WriteText(stderr, []check.Report{{File: out, Findings: shown}}, false); err != nil {
		return err
	}
	if errors > 0 {
		return errPostureFailed
	}
	return nil
}

// notADirectory says why out cannot be a deployment's directory, or
// nothing: standard output, an existing file, or a name that looks like a
// template's.
func notADirectory(out string) string {
	if out == "-" {
		return "standard output takes one template"
	}
	if info, err := os.Stat(out); err == nil && !info.IsDir() {
		return "a file"
	} else if err == nil {
		return ""
	}
	switch filepath.Ext(out) {
	case ".yaml", ".yml", ".json", ".template":
		return "a file name"
	}
	return ""
}

// generateDeployment builds the deployment of cfg, runs gen check on each
// template as deployed to its stack's Region, and writes the directory out
// whole, or nothing when any template fails the check or out holds files
// gen did not write.
func generateDeployment(cfg template.Config, asJSON bool, out string, stderr io.Writer) error {
	d, err := template.BuildDeployment(cfg)
	if err != nil {
		return err
	}
	files, err := render.Deployment(d, asJSON)
	if err != nil {
		return err
	}
	failed := false
	for i, s := range d.Manifest.Stacks {
		err := refuseErrors(files[i].Data, cfg, s.Region, filepath.Join(out, files[i].Name), stderr)
		switch {
		case errors.Is(err, errPostureFailed):
			failed = true
		case err != nil:
			return err
		}
	}
	if failed {
		return fmt.Errorf("a template of the deployment fails the posture check; nothing written")
	}
	if err := render.WriteDir(out, files); err != nil {
		return err
	}
	consumers, err := template.ConsumerPolicies(cfg)
	if err != nil {
		return err
	}
	for _, p := range consumers {
		if _, err := fmt.Fprint(stderr, p); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stderr, "%s: %d stacks, in the order they deploy in %s; make deploy-all DIR=%s deploys them\n",
		out, len(d.Manifest.Stacks), filepath.Join(out, deployment.Manifest), out)
	return err
}
