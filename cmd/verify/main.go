// Command verify checks a deployed stack against the template it was
// deployed from, semantically (package verify says what it checks), and
// prints one line per check:
//
//	verify -stack NAME [-region R] [-emulator] [-code FILE]
//	verify -manifest DIR/stacks.json [-emulator] [-code FILE]
//
// With -manifest it verifies every stack of a deployment (gen -o DIR), each
// in the Region stacks.json gives it, and what the deployment promises
// across them: the parameters' wiring, each global table replica's key, the
// multi-Region keys' replicas, gen check's deployment rules.
//
// It reads the usual AWS variables (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,
// AWS_MAX_ATTEMPTS, ...). With -emulator, for an endpoint such as moto, a
// question the emulator cannot answer says "not verifiable on this
// emulator", never PASS; without it, a missing answer fails. -code names a
// local copy of the functions' deployment package (a zip), compared with
// what each function runs where the package its template names cannot be
// read from S3. While it works, a terminal on stderr shows how many checks
// are done. Exit status: 0 when no check fails, 1 when any check fails, 2
// for a usage error or a stack that cannot be read.
//
// It is its own command so that gen, which go generate runs, links no AWS SDK.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/verify"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("verify", flag.ContinueOnError)
	flags.SetOutput(stderr)
	stackName := flags.String("stack", "", "name of the deployed stack")
	manifest := flags.String("manifest", "", "a deployment's stacks.json (gen -o DIR writes DIR/stacks.json): verify each of its stacks in its Region")
	region := flags.String("region", "", "AWS region of -stack (default: from the environment)")
	emulator := flags.Bool("emulator", false, "the endpoint is an emulator such as moto: what it cannot answer is N/A, not FAIL")
	code := flags.String("code", "", "a local copy of the functions' deployment package (zip), for where the template's cannot be read from S3")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	switch {
	case (*stackName == "") == (*manifest == "") || flags.NArg() > 0:
		fmt.Fprintln(stderr, "verify: want -stack NAME or -manifest DIR/stacks.json, and no arguments")
		return exitUsage
	case *manifest != "" && *region != "":
		fmt.Fprintln(stderr, "verify: -region: with -manifest, each stack is verified in the Region stacks.json gives it")
		return exitUsage
	}
	var opts []func(*awsconfig.LoadOptions) error
	if *region != "" {
		opts = append(opts, awsconfig.WithRegion(*region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return exitUsage
	}
	localCode := ""
	if *code != "" {
		if localCode, err = codeSHA256(*code); err != nil {
			fmt.Fprintf(stderr, "verify: -code: %v\n", err)
			return exitUsage
		}
	}
	// in is the Verifier of a Region: the SDK's clients for it, with the
	// endpoint and credentials of the environment.
	in := func(region string) verify.Verifier {
		regional := cfg.Copy()
		if region != "" {
			regional.Region = region
		}
		v := verify.New(regional)
		v.Emulator, v.LocalCode = *emulator, localCode
		return v
	}
	var report func(done, total int)
	if isTerminal(stderr) {
		report = progress(stderr)
	}
	name, lines, err := verifyTarget(ctx, *stackName, *manifest, in, report)
	if report != nil {
		fmt.Fprint(stderr, clearLine)
	}
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return exitUsage
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	summary, failed := verify.Summary(name, lines)
	fmt.Fprintln(stdout, summary)
	if failed {
		return exitFailed
	}
	return exitOK
}

// verifyTarget verifies the stack named, or the deployment whose manifest
// is named, and gives what the summary calls it.
func verifyTarget(ctx context.Context, stackName, manifest string, in func(string) verify.Verifier, report func(done, total int)) (string, []verify.Line, error) {
	if stackName != "" {
		v := in("")
		v.Progress = report
		lines, err := v.Stack(ctx, stackName)
		return stackName, lines, err
	}
	if filepath.Base(manifest) != deployment.Manifest {
		return "", nil, fmt.Errorf("-manifest %s: want the path of a deployment's %s (gen -o DIR writes DIR/%s)", manifest, deployment.Manifest, deployment.Manifest)
	}
	d, err := deployment.Load(filepath.Dir(manifest))
	if err != nil {
		return "", nil, err
	}
	return manifest, verify.Deployment(ctx, d, in, report), nil
}

func codeSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return verify.CodeSHA256(f)
}

// clearLine takes the progress line off the terminal.
const clearLine = "\r\033[K"

// progress writes how many checks are done over the line before.
func progress(w io.Writer) func(done, total int) {
	return func(done, total int) { fmt.Fprintf(w, "\rverify: %d of %d checks done", done, total) }
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
