package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/dynamodb-sse-cmk/stack/config"
	"github.com/dynamodb-sse-cmk/stack/cost"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func runCost(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gen cost", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "configuration file (default: the embedded default)")
	warm := flags.Int("warm-writers", 1, "busy writer connections per table, each refreshing the table key every 5 minutes")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "gen cost: unexpected argument %q\n", flags.Arg(0))
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
	stack, err := template.Build(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "gen cost: %v\n", err)
		return exitInput
	}
	if err := cost.ForStack(stack, *warm).Write(stdout); err != nil {
		fmt.Fprintf(stderr, "gen cost: %v\n", err)
		return exitInput
	}
	return exitOK
}
