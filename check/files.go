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

// Templates lists the template files paths name: a file as given; below a
// directory, every *.yaml, *.yml, *.json and *.template file that holds a
// Resources section, in lexical order. Other files, and .git, are skipped
// quietly: a directory holds more than templates. A directory that holds no
// template is an error, lest a pipeline check the wrong one and pass.
func Templates(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		found := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == ".git":
				return filepath.SkipDir
			case !d.IsDir() && slices.Contains(templateExtensions, strings.ToLower(filepath.Ext(path))) && hasResources(path):
				out = append(out, path)
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

// hasResources reports whether a file is a template: one that parses with a
// Resources section, or one that does not parse but whose text has a
// Resources key, at the start of a line as YAML writes a section, or quoted
// as JSON does. Such a file is returned so that its parse error is
// reported; skipped, a broken template would let the directory pass. Any
// other file that does not parse, such as a Helm chart's, is not a template.
// A file that cannot be read is returned too, for its error to be reported.
func hasResources(path string) bool {
	src, err := os.ReadFile(path)
	if err != nil {
		return true
	}
	t, err := cfn.Parse(src)
	if err != nil {
		return resourcesKey.Match(src)
	}
	return t.Section("Resources") != nil
}

// resourcesKey matches a Resources key in a template's text.
var resourcesKey = regexp.MustCompile(`(?m)^['"]?Resources['"]?[ \t]*:|"Resources"\s*:`)
