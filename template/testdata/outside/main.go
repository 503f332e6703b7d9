// Command outside is a program of another module that uses the library as
// its README shows: it adds a table to its own template, checks and renders
// it. template's TestAnOutsideModuleCompilesTheLibraryCall builds it.
package main

import (
	"fmt"
	"os"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/s3"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/render"
	"github.com/dynamodb-sse-cmk/stack/template"
)

func main() {
	var t *cloudformation.Template = cloudformation.NewTemplate()
	t.Resources["Uploads"] = &s3.Bucket{}
	var cfg template.Config = template.ProductionConfig()
	var table template.TableConfig = cfg.Table("Orders", template.Attribute{Name: "id", Type: "S"})
	var ids template.TableIDs
	ids, err := template.AddTable(t, cfg, table)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	findings, err := check.Template(t, check.Options{Production: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := render.YAML(t)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d findings\n%s", ids.Table, check.Count(findings, check.Error), out)
}
