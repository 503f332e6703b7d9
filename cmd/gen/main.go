// Command gen writes the stack's SAM template, judges the encryption
// posture of any template, reviews a change between two templates, and
// estimates the keys' cost. Checking a deployed stack is cmd/verify's job,
// so that gen links no AWS SDK.
//
// Usage:
//
//	gen [-config FILE] [-profile default|production|seed] [-key-access writer|iam|account] [-o sam.yaml | -o - | -o DIR] [-format yaml|json]
//	gen check [-profile default|production|seed] [-format text|json|sarif] [-show-suppressed] [-exclude GLOB]... FILE|DIR|-...
//	gen diff [-format text|markdown|json] [-fail-on LIST] OLD NEW
//	gen diff [-format text|markdown|json] [-fail-on LIST] OLD_DIR NEW_DIR
//	gen diff [-format text|markdown|json] [-fail-on LIST] -git REF FILE
//	gen cost [-config FILE] [-warm-writers N]
//	gen help [COMMAND]
//	gen version
//
// Flags may come before or after the operands; -- ends them, and - names
// standard input. gen refuses to write a template that gen check finds an
// error in. A configuration with replicated tables is a deployment of
// several stacks: gen -o DIR writes DIR whole, a template per stack and
// DIR/stacks.json, the order they deploy in.
//
// Exit status: 0 done, 1 invalid input, a failed write, an error-level
// finding (the old file is left as it was) or, for diff, a change of a
// -fail-on class; 2 usage error or, for check and diff, a file that cannot
// be read or parsed, or is not a template (2 wins over 1).
package main

//go:generate go run . -o ../../sam.yaml

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

func main() {
	collectLate()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// collectAbove is the heap at which gen starts collecting garbage. gen runs
// for tens of milliseconds and allocates less than this on one template
// (17 MB on bigstack's 245 resources); collecting as a server does, from
// 4 MB, would take a fifth of its time.
const collectAbove = 64 << 20

// collectLate holds the collector back until the heap reaches
// collectAbove, unless GOGC or GOMEMLIMIT say how to collect.
func collectLate() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(collectAbove)
	}
}

// Exit statuses.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

// subcommand is a command of gen; gen alone writes the template.
type subcommand struct {
	name     string // as typed after gen
	operands string // what it takes after its flags, for the usage line
	summary  string
	run      func(args []string, stdout, stderr io.Writer) int
}

// commands lists gen's subcommands in the order the usage shows them; a
// function, since help and the usages read it.
func commands() []subcommand {
	return []subcommand{
		{"check", "FILE|DIR|-...", "judge the encryption posture of templates: files, directories, - for standard input", runCheck},
		{"diff", "OLD NEW | -git REF FILE", "review a change between two templates or two deployments: replacement, data loss, broadening, weakening, refused", runDiff},
		{"cost", "", "estimate the keys' monthly KMS bill for a configuration", runCost},
		{"help", "[COMMAND]", "show this usage, or a command's", runHelp},
		{"version", "", "print gen's module version and VCS revision", runVersion},
	}
}

func findCommand(name string) (subcommand, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return subcommand{}, false
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if c, ok := findCommand(args[0]); ok {
			return c.run(args[1:], stdout, stderr)
		}
		if !strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(stderr, "gen: unknown command %q; want one of %s, or flags to write the template (gen -h)\n", args[0], commandNames())
			return exitUsage
		}
	}
	return runGenerate(args, stdout, stderr)
}

func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// newFlags makes the flag set of the subcommand name; its usage names the
// command, says what it does, and lists its flags.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	c, _ := findCommand(name)
	flags := flag.NewFlagSet("gen "+c.name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gen %s [flags] %s\n\n%s.\n", c.name, c.operands, capitalize(c.summary))
		printFlags(flags, stderr)
	}
	return flags
}

func printFlags(flags *flag.FlagSet, w io.Writer) {
	hasFlags := false
	flags.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nFlags:")
		flags.PrintDefaults()
	}
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// writeUsage is gen's own usage: every command with one line each, then
// the flags of gen alone.
func writeUsage(w io.Writer, flags *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %-33s %s\n", "gen [flags]", "write the stack's SAM template from a configuration")
	for _, c := range commands() {
		fmt.Fprintf(w, "       %-33s %s\n", strings.TrimSpace("gen "+c.name+" "+c.operands), c.summary)
	}
	fmt.Fprintln(w, "\nFlags may come before or after the operands; -- ends them. gen help COMMAND shows a command's flags.")
	fmt.Fprintln(w, "Exit status: 0 done; 1 invalid input, a failed write, an error finding, a -fail-on change; 2 usage error,")
	fmt.Fprintln(w, "or a file that cannot be read or parsed or is not a template.")
	printFlags(flags, w)
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		return runGenerate([]string{"-h"}, stdout, stdout)
	case 1:
		if c, ok := findCommand(args[0]); ok && c.name != "help" {
			return c.run([]string{"-h"}, stdout, stdout)
		}
	}
	fmt.Fprintf(stderr, "gen help: want one of %s, or nothing\n", commandNames())
	return exitUsage
}
