package render

import (
	"reflect"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/kms"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"
	"github.com/awslabs/goformation/v7/intrinsics"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// keepIntrinsics makes goformation keep intrinsics as intrinsics; without it
// parsing replaces them with made-up values.
var keepIntrinsics = &intrinsics.ProcessorOptions{IntrinsicHandlerOverrides: cloudformation.EncoderIntrinsics}

// assertParsesBackToTheSameTemplate renders t in both formats, and parses
// each back with goformation (as a Go user of the output would, intrinsics
// kept) and with cfn (as gen check, gen diff and verify do): both must give
// t again.
func assertParsesBackToTheSameTemplate(t *testing.T, tmpl *cloudformation.Template) {
	t.Helper()
	want, err := tmpl.JSON()
	if err != nil {
		t.Fatal(err)
	}
	model, err := cfn.Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	for name, format := range map[string]struct {
		render func(*cloudformation.Template, ...Option) ([]byte, error)
		parse  func([]byte, *intrinsics.ProcessorOptions) (*cloudformation.Template, error)
	}{
		"yaml": {YAML, goformation.ParseYAMLWithOptions},
		"json": {JSON, goformation.ParseJSONWithOptions},
	} {
		rendered, err := format.render(tmpl)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		parsed, err := format.parse(rendered, keepIntrinsics)
		if err != nil {
			t.Fatalf("%s: goformation cannot parse the rendered template: %v\n%s", name, err, rendered)
		}
		got, err := parsed.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: rendered\n%s\nparses back with goformation to\n%s\nwant\n%s", name, rendered, got, want)
		}
		back, err := cfn.Parse(rendered)
		if err != nil {
			t.Fatalf("%s: cfn cannot parse the rendered template: %v\n%s", name, err, rendered)
		}
		if !reflect.DeepEqual(back.Value(), model.Value()) {
			t.Errorf("%s: rendered\n%s\nparses back with cfn to\n%v\nwant\n%v", name, rendered, back.Value(), model.Value())
		}
	}
}

// FuzzRenderParsesBack puts arbitrary text where templates hold text: a
// description, an environment variable, a !Sub string and an output value.
func FuzzRenderParsesBack(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "123", "true", "null", "~", "*", "&a", "!Ref X", "- item", "key: value", "# comment",
		"line one\nline two\n", "trailing space \n", " leading", "tab\there", "'quoted'", `"double"`,
		"${AWS::Region}", "2012-10-17", "0x1F", "1e3", "é ünïcode", "\x00\x01", "a\r\nb",
	} {
		f.Add(seed, seed, seed, seed)
	}
	f.Fuzz(func(t *testing.T, description, variable, sub, output string) {
		tmpl := cloudformation.NewTemplate()
		tmpl.Description = description
		tmpl.Resources["Key"] = &kms.Key{Description: cloudformation.String(description)}
		tmpl.Resources["Alias"] = &kms.Alias{AliasName: cloudformation.Sub(sub), TargetKeyId: cloudformation.Ref("Key")}
		tmpl.Resources["Fn"] = &serverless.Function{Environment: &serverless.Function_FunctionEnvironment{
			Variables: map[string]string{"V": variable},
		}}
		tmpl.Outputs["Out"] = cloudformation.Output{Value: output}
		assertParsesBackToTheSameTemplate(t, tmpl)
	})
}
