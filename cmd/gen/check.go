package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/template"
)

var accountID = regexp.MustCompile(`^\d{12}$`)

var reportWriters = map[string]func(w io.Writer, reports []check.Report, showSuppressed bool) error{
	"text":  check.WriteText,
	"json":  check.WriteJSON,
	"sarif": func(w io.Writer, reports []check.Report, _ bool) error { return check.WriteSARIF(w, reports) },
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gen check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	profile := flags.String("profile", string(template.ProfileDefault), "judge as this profile: one of "+template.ProfileNames()+"; production makes recovery and grant rules errors")
	format := flags.String("format", "text", "report format: text, json or sarif")
	showSuppressed := flags.Bool("show-suppressed", false, "list the findings the templates suppress with a reason (SARIF always has them)")
	var accounts []string
	flags.Func("account", "an account `ID` the templates are deployed to (may repeat): a literal account id in a policy is another account unless named here", func(id string) error {
		if !accountID.MatchString(id) {
			return fmt.Errorf("got %q, want a 12-digit account id", id)
		}
		accounts = append(accounts, id)
		return nil
	})
	if err := flags.Parse(args); err != nil {
		return exitUsage
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
	if flags.NArg() == 0 {
		fmt.Fprintln(stderr, "gen check: name at least one template file or directory")
		return exitUsage
	}
	reports, err := check.Files(flags.Args(), check.Options{Production: template.Profile(*profile) == template.ProfileProduction, Accounts: accounts})
	if err != nil {
		fmt.Fprintf(stderr, "gen check: %v\n", err)
		return exitUsage
	}
	if err := write(stdout, reports, *showSuppressed); err != nil {
		fmt.Fprintf(stderr, "gen check: %v\n", err)
		return exitInput
	}
	for _, r := range reports {
		if check.Count(r.Findings, check.Error) > 0 {
			return exitInput
		}
	}
	return exitOK
}
