package deployment

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Dir is a deployment read from its directory: the manifest, and each
// stack's template parsed, by stack name.
type Dir struct {
	Path string
	*Deployment
	Templates map[string]*cfn.Template
}

// TemplatePath is the path of a stack's template.
func (d *Dir) TemplatePath(s Stack) string { return filepath.Join(d.Path, s.Template) }

// Load reads the deployment in directory dir: its manifest, validated, and
// every template it names, parsed. It also refuses a manifest its templates
// contradict: a parameter a template does not declare, a parameter without
// a default that the manifest does not give, and an output read from a
// stack whose template has no such output. Errors name the file.
func Load(dir string) (*Dir, error) {
	path := filepath.Join(dir, Manifest)
	src, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s: not a deployment's directory (gen -config FILE -o DIR writes one)", dir, Manifest)
		}
		return nil, err
	}
	d, err := Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	loaded := &Dir{Path: dir, Deployment: d, Templates: map[string]*cfn.Template{}}
	for _, s := range d.Stacks {
		file := loaded.TemplatePath(s)
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: stack %s: %w", path, s.Name, err)
		}
		if loaded.Templates[s.Name], err = cfn.Parse(src); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	if err := loaded.agree(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return loaded, nil
}

// agree checks that the manifest and the templates say the same.
func (d *Dir) agree() error {
	var errs []error
	for i, s := range d.Stacks {
		at := fmt.Sprintf("stacks[%d]", i)
		declared := d.Templates[s.Name].Section("Parameters")
		for _, name := range slices.Sorted(maps.Keys(s.Parameters)) {
			if _, ok := declared[name]; !ok {
				errs = append(errs, fmt.Errorf("%s.parameters.%s: %s declares no such parameter", at, name, s.Template))
			}
		}
		for _, name := range slices.Sorted(maps.Keys(declared)) {
			_, given := s.Parameters[name]
			if cfn.At(declared, name, "Default") == nil && !given {
				errs = append(errs, fmt.Errorf("%s.parameters: %s needs parameter %s, which has no default", at, s.Template, name))
			}
		}
		for _, name := range slices.Sorted(maps.Keys(s.Parameters)) {
			from := s.Parameters[name].From
			if from == nil {
				continue
			}
			source, _ := d.Stack(from.Stack)
			if _, ok := d.Templates[source.Name].Section("Outputs")[from.Output]; !ok {
				errs = append(errs, fmt.Errorf("%s.parameters.%s: stack %s's template %s has no output %s", at, name, source.Name, source.Template, from.Output))
			}
		}
	}
	return errors.Join(errs...)
}

// Replaceable says why directory dir may not be replaced by a new
// deployment, or nothing: it may when it does not exist, is empty, or holds
// a manifest and nothing but the files that manifest names, which is what
// gen writes. Anything else in it would be lost with the directory.
func Replaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) == 0:
		return nil
	}
	src, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return fmt.Errorf("%s holds files and no %s: it is not a deployment gen wrote, and gen replaces a deployment's directory whole; give a new or empty directory", dir, Manifest)
	}
	d, err := Parse(src)
	if err != nil {
		return fmt.Errorf("%s: %w; gen replaces a deployment's directory whole, and will not replace one it cannot read", filepath.Join(dir, Manifest), err)
	}
	known := []string{Manifest}
	for _, s := range d.Stacks {
		known = append(known, s.Template)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !slices.Contains(known, e.Name()) {
			return fmt.Errorf("%s holds %s, which its %s does not name: gen replaces a deployment's directory whole; move it, or give another directory", dir, e.Name(), Manifest)
		}
	}
	return nil
}
