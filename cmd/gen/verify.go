package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/dynamodb-sse-cmk/stack/verify"
)

func runVerify(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gen verify", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "name of the deployed stack (required)")
	region := flags.String("region", "", "AWS region (default: from the environment)")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	if *stackName == "" || flags.NArg() > 0 {
		fmt.Fprintln(stderr, "gen verify: want -stack NAME and no arguments")
		return exitUsage
	}
	ctx := context.Background()
	var opts []func(*awsconfig.LoadOptions) error
	if *region != "" {
		opts = append(opts, awsconfig.WithRegion(*region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "gen verify: %v\n", err)
		return exitInput
	}
	lines, err := verify.New(cfg).Stack(ctx, *stackName)
	if err != nil {
		fmt.Fprintf(stderr, "gen verify: %v\n", err)
		return exitInput
	}
	counts := map[verify.Outcome]int{}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
		counts[l.Outcome]++
	}
	fmt.Fprintf(stdout, "gen verify %s: %d pass, %d fail, %d not verifiable on this endpoint\n",
		*stackName, counts[verify.Pass], counts[verify.Fail], counts[verify.NotVerifiable])
	if counts[verify.Fail] > 0 {
		return exitInput
	}
	return exitOK
}
