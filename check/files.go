package check

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// templateExtensions are the file names a directory is searched for.
var templateExtensions = []string{".yaml", ".yml", ".json", ".template"}

// skippedDirs are not walked: they hold other projects' files (.git,
// node_modules) or copies of templates built from the sources beside them
// (cdk.out, .aws-sam). Named as an argument, such a directory is walked.
var skippedDirs = []string{".git", "node_modules", "cdk.out", ".aws-sam"}

// Stdin is the name Files gives the report on standard input, which the
// path - stands for.
const Stdin = "<stdin>"

// Files judges the templates that paths name and reports on each, in
// order: a file as given (- for standard input); below a directory, every
// *.yaml, *.yml, *.json and *.template file that holds a Resources
// section, in lexical order; a deployment's directory, one that holds a
// stacks.json, as Deployment judges it, then any other template below it.
// In a directory, other files are skipped quietly (a directory holds more
// than templates), and so are the directories in skippedDirs and every
// file or directory whose name, or path below the directory walked, or
// path as walked, matches one of the exclude globs (path.Match syntax,
// such as vendor or tests/*.yaml).
//
// A path that cannot be judged does not stop the others: its report has
// an Error and no findings, and err joins those errors. It is a file that
// cannot be read or parsed, a file named in paths that is not a template
// (no Resources section), or a directory that holds no template (lest a
// pipeline check the wrong one and pass). A bad exclude glob is an error
// and no report.
func Files(paths []string, opts Options, exclude ...string) (reports []Report, err error) {
	exclude = slices.Clone(exclude)
	for i, glob := range exclude {
		if _, err := path.Match(glob, ""); err != nil {
			return nil, fmt.Errorf("exclude %q: %w", glob, err)
		}
		exclude[i] = path.Clean(filepath.ToSlash(glob)) // ./vendor/ as vendor
	}
	var errs []error
	for _, p := range paths {
		files := templateFiles([]string{p}, exclude)
		if isDeploymentDir(p) {
			var judged []Report
			judged, files = deploymentReports(p, opts, files)
			reports = append(reports, judged...)
		}
		for _, f := range files {
			if f.err != nil {
				reports = append(reports, Report{File: f.path, Findings: []Finding{}, Error: f.err.Error()})
				errs = append(errs, fmt.Errorf("%s: %w", f.path, f.err))
				continue
			}
			fileOpts := opts
			fileOpts.Size = len(f.src)
			reports = append(reports, Report{File: f.path, Findings: Run(f.template, fileOpts)})
		}
	}
	return reports, errors.Join(errs...)
}

// templateFile is a path to judge: its source and the template parsed from
// it, or why it cannot be judged. Each file is read and parsed once,
// whether to tell it is a template or to judge it.
type templateFile struct {
	path     string
	src      []byte // nil when the file cannot be read
	template *cfn.Template
	err      error
}

func readTemplateFile(name string, read func() ([]byte, error)) templateFile {
	f := templateFile{path: name}
	if f.src, f.err = read(); f.err != nil {
		var pathErr *fs.PathError
		if errors.As(f.err, &pathErr) { // the report names the file already
			f.err = pathErr.Err
		}
		f.err = fmt.Errorf("cannot read: %w", f.err)
		return f
	}
	if bytes.IndexByte(f.src[:min(len(f.src), 8000)], 0) >= 0 {
		f.err = errors.New("a binary file, not a CloudFormation template")
		return f
	}
	if f.template, f.err = cfn.Parse(f.src); f.err != nil {
		f.err = fmt.Errorf("cannot parse: %w", f.err)
	}
	return f
}

// isTemplate reports whether a file read without error is a template.
func (f templateFile) isTemplate() bool { return f.template.Section("Resources") != nil }

// templateFiles gives the files Files judges. A file named in paths is
// judged, or said not to be a template. Where a directory is searched, a
// file counts as a template when it parses with a Resources section, or
// does not parse but its text has a Resources key, at the start of a line
// as YAML writes a section, or quoted as JSON does: its parse error is
// then reported; skipped, a broken template would let the directory pass.
// Any other file that does not parse, such as a Helm chart's, is not a
// template. A file that cannot be read is kept too, for its error to be
// reported.
func templateFiles(paths []string, exclude []string) []templateFile {
	var out []templateFile
	for _, p := range paths {
		if p == "-" {
			out = append(out, named(readTemplateFile(Stdin, func() ([]byte, error) { return io.ReadAll(os.Stdin) })))
			continue
		}
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			out = append(out, named(readTemplateFile(p, func() ([]byte, error) { return os.ReadFile(p) })))
			continue
		}
		found := len(out)
		err = filepath.WalkDir(p, func(file string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, templateFile{path: file, err: fmt.Errorf("cannot read: %w", err)})
				return nil
			}
			if file != p && excluded(p, file, d, exclude) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !slices.Contains(templateExtensions, strings.ToLower(filepath.Ext(file))) {
				return nil
			}
			f := readTemplateFile(file, func() ([]byte, error) { return os.ReadFile(file) })
			if f.src == nil || (f.err == nil && f.isTemplate()) || (f.err != nil && resourcesKey.Match(f.src)) {
				out = append(out, f)
			}
			return nil
		})
		if err == nil && len(out) == found {
			err = errors.New("holds no template (a *.yaml, *.yml, *.json or *.template file with a Resources section)")
		}
		if err != nil {
			out = append(out, templateFile{path: p, err: err})
		}
	}
	return out
}

// named is a file named as an argument: not being a template is an error.
func named(f templateFile) templateFile {
	if f.err == nil && !f.isTemplate() {
		f.err = errors.New("not a CloudFormation template: it has no Resources section")
	}
	return f
}

// excluded reports whether a file or directory below root is not walked.
func excluded(root, file string, d fs.DirEntry, exclude []string) bool {
	if d.IsDir() && slices.Contains(skippedDirs, d.Name()) {
		return true
	}
	rel, err := filepath.Rel(root, file)
	if err != nil {
		return false
	}
	for _, glob := range exclude {
		for _, name := range []string{d.Name(), filepath.ToSlash(rel), filepath.ToSlash(file)} {
			if ok, _ := path.Match(glob, name); ok {
				return true
			}
		}
	}
	return false
}

// resourcesKey matches a Resources key in a template's text.
var resourcesKey = regexp.MustCompile(`(?m)^['"]?Resources['"]?[ \t]*:|"Resources"\s*:`)
