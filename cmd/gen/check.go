package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/template"
)

var accountID = regexp.MustCompile(`^\d{12}$`)

var reportWriters = map[string]func(w io.Writer, reports []check.Report, showSuppressed bool) error{
	"text":  check.WriteText,
	"json":  check.WriteJSON,
	"sarif": func(w io.Writer, reports []check.Report, _ bool) error { return check.WriteSARIF(w, reports) },
}

// globs is a flag that may be given more than once.
type globs []string

func (g *globs) String() string     { return strings.Join(*g, ",") }
func (g *globs) Set(v string) error { *g = append(*g, v); return nil }

func runCheck(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("check", stderr)
	profile := flags.String("profile", string(template.ProfileDefault), "judge as this profile: one of "+template.ProfileNames()+"; production makes recovery and grant rules errors")
	format := flags.String("format", "text", "report format: text, json or sarif")
	showSuppressed := flags.Bool("show-suppressed", false, "list the findings the templates suppress with a reason (SARIF always has them)")
	var accounts []string
	flags.Func("account", "an account `ID` the templates are deployed to (repeatable): a literal account id in a policy is another account unless named here", func(id string) error {
		if !accountID.MatchString(id) {
			return fmt.Errorf("got %q, want a 12-digit account id", id)
		}
		accounts = append(accounts, id)
		return nil
	})
	var exclude globs
	flags.Var(&exclude, "exclude", "in directories, do not walk a file or directory whose name or path matches this `GLOB` (repeatable); node_modules, .git, cdk.out and .aws-sam are never walked")
	paths, err := parseArgs(flags, args)
	if err != nil {
		return parseStatus(err)
	}
	write, ok := reportWriters[*format]
	if !ok {
		fmt.Fprintf(stderr, "gen check: -format: got %q, want text, json or sarif\n", *format)
		return exitUsage
	}
	if _, err := template.ParseProfile(*profile); err != nil {
		fmt.Fprintf(stderr, "gen check: -%v\n", err)
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "gen check: name at least one template file or directory, or - for standard input")
		return exitUsage
	}
	reports, err := check.Files(paths, check.Options{Production: template.Profile(*profile) == template.ProfileProduction, Accounts: accounts}, exclude...)
	if reports == nil && err != nil { // a bad -exclude: nothing was judged
		fmt.Fprintf(stderr, "gen check: -%v\n", err)
		return exitUsage
	}
	if err := write(stdout, reports, *showSuppressed); err != nil {
		fmt.Fprintf(stderr, "gen check: %v\n", err)
		return exitInput
	}
	if check.Failed(reports) {
		// A JSON or SARIF report goes to a file more often than not: say
		// it on stderr too. The text report says it already.
		for _, r := range reports {
			if r.Error != "" && *format != "text" {
				fmt.Fprintf(stderr, "gen check: %s: not judged: %s\n", r.File, r.Error)
			}
		}
		return exitUsage
	}
	for _, r := range reports {
		if check.Count(r.Findings, check.Error) > 0 {
			return exitInput
		}
	}
	return exitOK
}
