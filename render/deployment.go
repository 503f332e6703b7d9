package render

import (
	"path/filepath"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/internal/atomicfile"
	"github.com/dynamodb-sse-cmk/stack/template"
)

// File is one file of a deployment's directory.
type File struct {
	Name string
	Data []byte
}

// Deployment renders a deployment as the files of its directory: each
// stack's template, as YAML or, with asJSON, as JSON in a file named .json,
// then the manifest, stacks.json, naming those files.
func Deployment(d *template.Deployment, asJSON bool) ([]File, error) {
	manifest := deployment.Deployment{Stacks: append([]deployment.Stack(nil), d.Manifest.Stacks...)}
	var files []File
	for i, s := range d.Stacks {
		render, name := YAML, manifest.Stacks[i].Template
		if asJSON {
			render, name = JSON, strings.TrimSuffix(name, filepath.Ext(name))+".json"
		}
		data, err := render(s.Template, Order(s.ResourceOrder, s.OutputOrder))
		if err != nil {
			return nil, err
		}
		manifest.Stacks[i].Template = name
		files = append(files, File{Name: name, Data: data})
	}
	data, err := manifest.Marshal()
	if err != nil {
		return nil, err
	}
	return append(files, File{Name: deployment.Manifest, Data: data}), nil
}

// WriteDir writes files as directory dir, whole: a temporary directory
// beside it renamed into place, so that dir holds no file of an earlier
// deployment. It refuses a dir that holds anything but a deployment's
// manifest and the files it names, which would be lost, and then changes
// nothing.
func WriteDir(dir string, files []File) error {
	if err := deployment.Replaceable(dir); err != nil {
		return err
	}
	contents := make(map[string][]byte, len(files))
	for _, f := range files {
		contents[f.Name] = f.Data
	}
	return atomicfile.WriteDir(dir, contents)
}
