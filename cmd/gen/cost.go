package main

import (
	"fmt"
	"io"

	"github.com/dynamodb-sse-cmk/stack/config"
	"github.com/dynamodb-sse-cmk/stack/cost"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func runCost(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("cost", stderr)
	configPath := flags.String("config", "", "configuration file (default: the embedded default)")
	warm := flags.Int("warm-writers", 1, "busy writer connections per table, each refreshing the table key every 5 minutes")
	operands, err := parseArgs(flags, args)
	if err != nil {
		return parseStatus(err)
	}
	if len(operands) > 0 {
		fmt.Fprintf(stderr, "gen cost: unexpected argument %q: gen cost reads the configuration a template is generated from, not a template; pass it as -config FILE (without -config: the embedded default)\n", operands[0])
		return exitUsage
	}
	if *warm < 0 {
		fmt.Fprintf(stderr, "gen cost: -warm-writers: got %d, want 0 or more\n", *warm)
		return exitUsage
	}
	cfg, err := config.Load(*configPath, config.Overrides{})
	if err != nil {
		fmt.Fprintf(stderr, "gen cost: %v\n", err)
		return exitInput
	}
	estimate, err := estimate(cfg, *warm)
	if err != nil {
		fmt.Fprintf(stderr, "gen cost: %v\n", err)
		return exitInput
	}
	if err := estimate.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "gen cost: %v\n", err)
		return exitInput
	}
	return exitOK
}

// estimate is the bill of the stack, or of the deployment, cfg makes.
func estimate(cfg template.Config, warm int) (cost.Estimate, error) {
	if cfg.IsDeployment() {
		d, err := template.BuildDeployment(cfg)
		if err != nil {
			return cost.Estimate{}, err
		}
		return cost.ForDeployment(d, warm), nil
	}
	stack, err := template.Build(cfg)
	if err != nil {
		return cost.Estimate{}, err
	}
	return cost.ForStack(stack, warm), nil
}
