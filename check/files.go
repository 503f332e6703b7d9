package check

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// templateExtensions are the file names a directory is searched for.
var templateExtensions = []string{".yaml", ".yml", ".json", ".template"}

// Files judges the templates that paths name and reports on each, in
// order: a file as given; below a directory, every *.yaml, *.yml, *.json
// and *.template file that holds a Resources section, in lexical order.
// Other files, and .git, are skipped quietly: a directory holds more than
// templates. The error names a directory that holds no template (lest a
// pipeline check the wrong one and pass), a file that cannot be read, or a
// template that cannot be parsed.
func Files(paths []string, opts Options) ([]Report, error) {
	files, err := templateFiles(paths)
	if err != nil {
		return nil, err
	}
	var reports []Report
	for _, f := range files {
		if f.err != nil {
			return nil, f.err
		}
		fileOpts := opts
		fileOpts.Size = len(f.src)
		reports = append(reports, Report{File: f.path, Findings: Run(f.template, fileOpts)})
	}
	return reports, nil
}

// templateFile is a file to judge: its source and the template parsed from
// it, or why it cannot be read or parsed. Each file is read and parsed
// once, whether to tell it is a template or to judge it.
type templateFile struct {
	path     string
	src      []byte // nil when the file cannot be read
	template *cfn.Template
	err      error
}

func readTemplateFile(path string) templateFile {
	f := templateFile{path: path}
	if f.src, f.err = os.ReadFile(path); f.err != nil {
		return f
	}
	if f.template, f.err = cfn.Parse(f.src); f.err != nil {
		f.err = fmt.Errorf("%s: %w", path, f.err)
	}
	return f
}

// templateFiles reads the files Files judges. Where a directory is
// searched, a file counts as a template when it parses with a Resources
// section, or does not parse but its text has a Resources key, at the
// start of a line as YAML writes a section, or quoted as JSON does: its
// parse error is then reported; skipped, a broken template would let the
// directory pass. Any other file that does not parse, such as a Helm
// chart's, is not a template. A file that cannot be read is kept too, for
// its error to be reported.
func templateFiles(paths []string) ([]templateFile, error) {
	var out []templateFile
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, readTemplateFile(p))
			continue
		}
		found := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == ".git":
				return filepath.SkipDir
			case d.IsDir() || !slices.Contains(templateExtensions, strings.ToLower(filepath.Ext(path))):
				return nil
			}
			f := readTemplateFile(path)
			if f.src == nil || (f.err == nil && f.template.Section("Resources") != nil) || (f.err != nil && resourcesKey.Match(f.src)) {
				out = append(out, f)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == found {
			return nil, fmt.Errorf("%s holds no template (a *.yaml, *.yml, *.json or *.template file with a Resources section)", p)
		}
	}
	return out, nil
}

// resourcesKey matches a Resources key in a template's text.
var resourcesKey = regexp.MustCompile(`(?m)^['"]?Resources['"]?[ \t]*:|"Resources"\s*:`)
