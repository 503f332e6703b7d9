package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/diff"
)

// review is what gen diff writes and judges: the review of two templates
// (diff.Report) or of two deployments (diff.DeploymentReport).
type review interface {
	WriteText(io.Writer) error
	WriteMarkdown(io.Writer) error
	WriteJSON(io.Writer) error
	Has(class string) bool
}

var diffWriters = map[string]func(review, io.Writer) error{
	"text":     review.WriteText,
	"markdown": review.WriteMarkdown,
	"json":     review.WriteJSON,
}

func runDiff(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("diff", stderr)
	format := flags.String("format", "text", "report format: text, markdown or json")
	failOn := flags.String("fail-on", diff.DefaultFailOn, "exit 1 when the change is of one of these classes: "+strings.Join(diff.Classes(), ", "))
	gitRef := flags.String("git", "", "compare FILE as it is in git revision `REF` (gen diff -git REF FILE) with FILE as it is now; a FILE absent at REF is all added")
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
	if strings.HasPrefix(*gitRef, "-") {
		fmt.Fprintf(stderr, "gen diff: -git: got %q; a revision never begins with -\n", *gitRef)
		return exitUsage
	}
	var report review
	switch {
	case *gitRef != "" && len(files) == 1:
		report, err = compareTemplates(*gitRef+":"+files[0], files[0], func() ([]byte, error) { return gitShow(*gitRef, files[0]) })
	case *gitRef == "" && len(files) == 2 && (isDir(files[0]) || isDir(files[1])):
		report, err = compareDeployments(files[0], files[1])
	case *gitRef == "" && len(files) == 2:
		report, err = compareTemplates(files[0], files[1], func() ([]byte, error) { return os.ReadFile(files[0]) })
	default:
		fmt.Fprintln(stderr, "gen diff: want OLD NEW (two templates, or two deployment directories), or -git REF FILE")
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "gen diff: %v\n", err)
		return exitUsage
	}
	if err := write(report, stdout); err != nil {
		fmt.Fprintf(stderr, "gen diff: %v\n", err)
		return exitInput
	}
	var failed []string
	for _, c := range classes {
		if report.Has(c) {
			failed = append(failed, c)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(stderr, "gen diff: exit 1: the change has %s (-fail-on %s)\n", strings.Join(failed, " and "), *failOn)
		return exitInput
	}
	return exitOK
}

// compareTemplates reviews the change from the template readOld gives,
// named old, to the template in file new.
func compareTemplates(old, new string, readOld func() ([]byte, error)) (review, error) {
	was, err := readTemplate(old, readOld)
	if err != nil {
		return nil, err
	}
	is, err := readTemplate(new, func() ([]byte, error) { return os.ReadFile(new) })
	if err != nil {
		return nil, err
	}
	return diff.Compare(was, is), nil
}

// compareDeployments reviews the change from the deployment in directory
// old to the one in directory new, each a stacks.json and its templates.
func compareDeployments(old, new string) (review, error) {
	for _, dir := range []string{old, new} {
		if !isDir(dir) {
			return nil, fmt.Errorf("%s is not a directory: OLD and NEW are two templates, or two deployment directories, each holding a %s and the templates it names", dir, deployment.Manifest)
		}
	}
	was, err := deployment.Load(old)
	if err != nil {
		return nil, err
	}
	is, err := deployment.Load(new)
	if err != nil {
		return nil, err
	}
	return diff.CompareDeployments(was, is), nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
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

// absentTemplate stands for a file that a revision does not have: every
// resource of the file as it is now is added.
const absentTemplate = "Resources: {}\n"

// gitShow reads file as it is in revision ref, the path taken from the
// current directory as git show REF:./PATH does; a file the revision does
// not have reads as a template without resources. --end-of-options keeps
// git from taking ref as an option.
func gitShow(ref, file string) ([]byte, error) {
	path := filepath.ToSlash(file)
	if !filepath.IsAbs(file) && !strings.HasPrefix(path, "./") && !strings.HasPrefix(path, "../") {
		path = "./" + path
	}
	if _, err := git("rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("git: %q is not a commit of this repository (git rev-parse --verify %s^{commit})", ref, ref)
	}
	listed, err := git("ls-tree", "--name-only", "--end-of-options", ref, "--", path)
	if err != nil {
		return nil, err
	}
	if len(listed) == 0 {
		return []byte(absentTemplate), nil
	}
	return git("show", "--end-of-options", ref+":"+path)
}

// git runs git with args and gives its standard output; the error has what
// git said.
func git(args ...string) ([]byte, error) {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), strings.TrimSpace(string(exit.Stderr)))
		}
		return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return out, nil
}
