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
	"github.com/dynamodb-sse-cmk/stack/internal/parallel"
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

// Files judges the templates that paths name, on every core, and reports
// on each, in order: a file as given (- for standard input); below a directory, every
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
	// Each path's files are found, and a deployment judged, on its own;
	// then every file is judged, on every core, and reported in order.
	type found struct {
		deployment []Report
		files      []templateFile
	}
	byPath := make([]found, len(paths))
	parallel.For(len(paths), func(i int) {
		byPath[i].files = templateFiles(paths[i:i+1], exclude)
		if isDeploymentDir(paths[i]) {
			byPath[i].deployment, byPath[i].files = deploymentReports(paths[i], opts, byPath[i].files)
		}
	})
	var files []templateFile
	var errs []error
	for _, f := range byPath {
		for _, file := range f.files {
			if file.err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", file.path, file.err))
			}
		}
		files = append(files, f.files...)
	}
	judged := make([]Report, len(files))
	parallel.For(len(files), func(i int) {
		f := files[i]
		if f.err != nil {
			judged[i] = Report{File: f.path, Findings: []Finding{}, Error: f.err.Error()}
			return
		}
		fileOpts := opts
		fileOpts.Size = len(f.src)
		judged[i] = Report{File: f.path, Findings: Run(f.template, fileOpts)}
	})
	for _, f := range byPath {
		reports = append(reports, f.deployment...)
		reports, judged = append(reports, judged[:len(f.files)]...), judged[len(f.files):]
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
	// The files to read, in order, are found first; read and parsed on
	// every core, they are then kept, or not, in order.
	type candidate struct {
		path string
		read func() ([]byte, error)
		// named: an argument, which must be a template; dirEnd: where the
		// files of a directory end, err the walk's.
		named, dirEnd bool
		err           error
	}
	var candidates []candidate
	for _, p := range paths {
		if p == "-" {
			candidates = append(candidates, candidate{path: Stdin, read: func() ([]byte, error) { return io.ReadAll(os.Stdin) }, named: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			candidates = append(candidates, candidate{path: p, read: func() ([]byte, error) { return os.ReadFile(p) }, named: true})
			continue
		}
		err = filepath.WalkDir(p, func(file string, d fs.DirEntry, err error) error {
			if err != nil {
				candidates = append(candidates, candidate{path: file, err: fmt.Errorf("cannot read: %w", err)})
				return nil
			}
			if file != p && excluded(p, file, d, exclude) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && slices.Contains(templateExtensions, strings.ToLower(filepath.Ext(file))) {
				candidates = append(candidates, candidate{path: file, read: func() ([]byte, error) { return os.ReadFile(file) }})
			}
			return nil
		})
		candidates = append(candidates, candidate{path: p, dirEnd: true, err: err})
	}
	read := make([]templateFile, len(candidates))
	parallel.For(len(candidates), func(i int) {
		if c := candidates[i]; c.read != nil {
			read[i] = readTemplateFile(c.path, c.read)
		}
	})
	var out []templateFile
	found := 0 // templates found in the directory being walked
	for i, c := range candidates {
		f := read[i]
		switch {
		case c.named:
			out = append(out, named(f))
		case c.dirEnd:
			err := c.err
			if err == nil && found == 0 {
				err = errors.New("holds no template (a *.yaml, *.yml, *.json or *.template file with a Resources section)")
			}
			if err != nil {
				out = append(out, templateFile{path: c.path, err: err})
			}
			found = 0
		case c.err != nil:
			out = append(out, templateFile{path: c.path, err: c.err})
			found++
		case f.src == nil || (f.err == nil && f.isTemplate()) || (f.err != nil && resourcesKey.Match(f.src)):
			out = append(out, f)
			found++
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
