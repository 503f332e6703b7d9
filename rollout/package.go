package rollout

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
	"github.com/dynamodb-sse-cmk/stack/render"
)

// Package uploads the local code of each stack that has some (a writer's
// CodeUri folder) with aws cloudformation package, to Bucket in the
// stack's own Region, as Lambda takes code only from a bucket of the
// function's Region, and writes directory out: the deployment, each such
// template packaged, the others as they were; itself a deployment that
// Deploy takes.
func (r Runner) Package(ctx context.Context, d *deployment.Dir, out string) error {
	var coded []string
	for _, s := range d.Stacks {
		if hasLocalCode(d.Templates[s.Name]) && !slices.Contains(coded, s.Region) {
			coded = append(coded, s.Region)
		}
	}
	switch {
	case r.Bucket == "" && len(coded) > 0:
		return fmt.Errorf("a bucket for the code of stacks in %s is needed (-bucket NAME, {region} standing for each stack's Region)", strings.Join(coded, ", "))
	case !strings.Contains(r.Bucket, "{region}") && len(coded) > 1:
		return fmt.Errorf("-bucket %s: stacks in %s have code, and a bucket is in one Region: write {region} in the bucket's name, such as my-artifacts-{region}", r.Bucket, strings.Join(coded, ", "))
	}
	if err := deployment.Replaceable(out); err != nil {
		return err // before anything is uploaded
	}
	work, err := os.MkdirTemp("", "package-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var files []render.File
	for _, s := range d.Stacks {
		path := d.TemplatePath(s)
		if hasLocalCode(d.Templates[s.Name]) {
			path = filepath.Join(work, s.Template)
			if err := r.run(ctx, nil, "cloudformation", "package", "--region", s.Region, "--template-file", d.TemplatePath(s),
				"--s3-bucket", r.bucket(s.Region), "--output-template-file", path); err != nil {
				return fmt.Errorf("package stack %s: %w", s.Name, err)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, render.File{Name: s.Template, Data: data})
	}
	manifest, err := d.Marshal()
	if err != nil {
		return err
	}
	return render.WriteDir(out, append(files, render.File{Name: deployment.Manifest, Data: manifest}))
}

// hasLocalCode reports whether a function of t takes its code from a path
// beside the template, which aws cloudformation package uploads.
func hasLocalCode(t *cfn.Template) bool {
	for _, fn := range t.Resources("AWS::Serverless::Function") {
		if uri, ok := fn.Prop("CodeUri").(string); ok && !strings.HasPrefix(uri, "s3://") {
			return true
		}
	}
	return false
}
