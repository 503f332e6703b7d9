// Command rollout deploys a deployment's stacks in order, reading each
// stack's outputs for the stacks after it, deletes them in the reverse
// order, and packages their code into each Region's bucket, with the AWS
// CLI. make deploy-all, delete-all and package DIR=... run it.
//
// Usage:
//
//	rollout deploy [-emulator] [-bucket NAME] [-print] DIR
//	rollout delete [-print] DIR
//	rollout package -bucket NAME -o OUT DIR
//
// A bucket's name may hold {region}, which stands for each stack's Region.
// -print writes the commands instead of running them.
//
// Exit status: 0 done; 1 a command failed or DIR is not a deployment; 2
// usage error; 3 (-emulator) a stack holds what the emulator skips, and it
// and the stacks after it were not deployed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/rollout"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitSkipped = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Usage: rollout deploy [-emulator] [-bucket NAME] [-print] DIR
       rollout delete [-print] DIR
       rollout package -bucket NAME -o OUT DIR

Deploys the stacks of the deployment in DIR (gen -o DIR) in order, one aws cloudformation
deploy --region each, reading each stack's outputs for the stacks after it; deletes them in the
reverse order; packages their code into the bucket of each stack's Region. {region} in a
bucket's name stands for the stack's Region.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "deploy" && args[0] != "delete" && args[0] != "package") {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	command := args[0]
	flags := flag.NewFlagSet("rollout "+command, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, usage); flags.PrintDefaults() }
	runner := rollout.Runner{Out: stdout, Err: stderr}
	print := false
	out := ""
	if command != "delete" {
		flags.StringVar(&runner.Bucket, "bucket", "", "S3 bucket for templates over 51,200 bytes (deploy) or the code (package); {region} stands for the stack's Region")
	}
	if command == "deploy" {
		flags.BoolVar(&runner.Emulator, "emulator", false, "the endpoint is moto: refuse a stack holding what it skips; read outputs it does not give from their resources")
	}
	if command == "package" {
		flags.StringVar(&out, "o", "", "directory to write the packaged deployment to")
	} else {
		flags.BoolVar(&print, "print", false, "print the commands instead of running them")
	}
	if err := flags.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if flags.NArg() != 1 {
		fmt.Fprintf(stderr, "rollout %s: want one deployment's directory, got %d arguments\n", command, flags.NArg())
		return exitUsage
	}
	if command == "package" && (out == "" || runner.Bucket == "") {
		fmt.Fprintln(stderr, "rollout package: want -bucket NAME and -o OUT")
		return exitUsage
	}
	d, err := deployment.Load(flags.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "rollout %s: %v\n", command, err)
		return exitFailed
	}
	switch {
	case command == "deploy" && print:
		err = rollout.PrintDeploy(stdout, d, runner.Bucket)
	case command == "delete" && print:
		err = rollout.PrintDelete(stdout, d)
	case command == "deploy":
		err = runner.Deploy(ctx, d)
	case command == "delete":
		err = runner.Delete(ctx, d)
	default:
		err = runner.Package(ctx, d, out)
	}
	switch {
	case errors.Is(err, rollout.ErrSkipped):
		fmt.Fprintf(stderr, "rollout %s: %v\n", command, err)
		return exitSkipped
	case err != nil:
		fmt.Fprintf(stderr, "rollout %s: %v\n", command, err)
		return exitFailed
	}
	return exitOK
}
