package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/diff"
)

var diffWriters = map[string]func(diff.Report, io.Writer) error{
	"text":     diff.Report.WriteText,
	"markdown": diff.Report.WriteMarkdown,
	"json":     diff.Report.WriteJSON,
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	c, _ := findCommand("diff")
	flags := newFlags(c, stderr)
	format := flags.String("format", "text", "report format: text, markdown or json")
	failOn := flags.String("fail-on", diff.ClassDataLoss+","+diff.ClassBroadening, "exit 1 when the change is of one of these classes: "+strings.Join(diff.Classes(), ", "))
	gitRef := flags.String("git", "", "compare FILE as it is in git revision REF (gen diff -git REF FILE) with FILE as it is now")
	files, err := parseArgs(flags, args)
	if err != nil {
		return parseStatus(err)
	}
	write, ok := diffWriters[*format]
	if !ok {
		fmt.Fprintf(stderr, "gen diff: -format: got %q, want text, markdown or json\n", *format)
		return exitUsage
	}
	classes, err := diff.ParseClasses(*failOn)
	if err != nil {
		fmt.Fprintf(stderr, "gen diff: -fail-on: %v\n", err)
		return exitUsage
	}
	var old, new *cfn.Template
	switch {
	case *gitRef != "" && len(files) == 1:
		file := files[0]
		old, err = readTemplate(*gitRef+":"+file, func() ([]byte, error) { return gitShow(*gitRef, file) })
		if err == nil {
			new, err = readTemplate(file, func() ([]byte, error) { return os.ReadFile(file) })
		}
	case *gitRef == "" && len(files) == 2:
		old, err = readTemplate(files[0], func() ([]byte, error) { return os.ReadFile(files[0]) })
		if err == nil {
			new, err = readTemplate(files[1], func() ([]byte, error) { return os.ReadFile(files[1]) })
		}
	default:
		fmt.Fprintln(stderr, "gen diff: want OLD NEW, or -git REF FILE")
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "gen diff: %v\n", err)
		return exitUsage
	}
	report := diff.Compare(old, new)
	if err := write(report, stdout); err != nil {
		fmt.Fprintf(stderr, "gen diff: %v\n", err)
		return exitInput
	}
	for _, c := range classes {
		if report.Has(c) {
			return exitInput
		}
	}
	return exitOK
}

// readTemplate reads a template with read and parses it; errors name it.
func readTemplate(name string, read func() ([]byte, error)) (*cfn.Template, error) {
	src, err := read()
	if err != nil {
		return nil, err
	}
	t, err := cfn.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// gitShow reads file as it is in revision ref, the path taken from the
// current directory as git show REF:./PATH does.
func gitShow(ref, file string) ([]byte, error) {
	path := filepath.ToSlash(file)
	if !filepath.IsAbs(file) && !strings.HasPrefix(path, "./") && !strings.HasPrefix(path, "../") {
		path = "./" + path
	}
	out, err := exec.Command("git", "show", ref+":"+path).Output()
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("git show %s:%s: %s", ref, path, strings.TrimSpace(string(exit.Stderr)))
		}
		return nil, fmt.Errorf("git show %s:%s: %w", ref, path, err)
	}
	return out, nil
}
