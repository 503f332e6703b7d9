// Command gen writes the stack's SAM template, judges the encryption
// posture of any template, reviews a change between two templates, and
// estimates the keys' cost. Checking a deployed stack is cmd/verify's job,
// so that gen links no AWS SDK.
//
// Usage:
//
//	gen [-config FILE] [-profile default|production|seed] [-key-access writer|iam|account] [-o sam.yaml | -o -] [-format yaml|json]
//	gen check [-profile default|production|seed] [-format text|json|sarif] [-show-suppressed] FILE|DIR...
//	gen cost [-config FILE] [-warm-writers N]
//	gen diff [-format text|markdown|json] [-fail-on LIST] OLD NEW
//	gen diff [-format text|markdown|json] [-fail-on LIST] -git REF FILE
//
// gen refuses to write a template that gen check finds an error in.
// Exit status: 0 done, 1 invalid input, a failed write, an error-level
// finding (the old file is left as it was) or, for diff, a change of a
// -fail-on class; 2 usage error or, for check and diff, a file that cannot
// be read or parsed.
package main

//go:generate go run . -o ../../sam.yaml

import (
	"io"
	"os"
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

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return runCheck(args[1:], stdout, stderr)
		case "cost":
			return runCost(args[1:], stdout, stderr)
		case "diff":
			return runDiff(args[1:], stdout, stderr)
		}
	}
	return runGenerate(args, stdout, stderr)
}
