package verify

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

// function checks that a function runs as the template set it up: as its
// role, with its layers, and with exactly its environment (for a writer,
// the table it writes to and that table's key schema). A variable the
// template does not set, such as AWS_LAMBDA_EXEC_WRAPPER, or a layer, can
// run other code; another role gives other permissions.
func (v Verifier) function(ctx context.Context, s *stack, fn string) []Line {
	subject := "function " + fn
	r := s.resource(fn)
	promised, err := s.resolve(map[string]any{"Role": r.Prop("Role"), "Layers": r.Prop("Layers"), "Variables": r.Prop("Environment", "Variables")})
	if err != nil {
		return []Line{unresolved(subject, "the template's role, layers and environment", err)}
	}
	out, err := v.functionConfiguration(ctx, s, s.physical[fn])
	if err != nil {
		return []Line{v.unanswered(subject, "configuration", fmt.Errorf("GetFunctionConfiguration: %w", err))}
	}
	var lines []Line
	if role := cfn.Text(cfn.At(promised, "Role")); role != "" && aws.ToString(out.Role) != role {
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("runs as %s, the template says %s", aws.ToString(out.Role), role)})
	}
	var layers []string
	for _, l := range out.Layers {
		layers = append(layers, aws.ToString(l.Arn))
	}
	if want := cfn.Texts(cfn.At(promised, "Layers")); !slices.Equal(layers, want) {
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("has layers %v, the template says %v", layers, want)})
	}
	want, _ := cfn.At(promised, "Variables").(map[string]any)
	var deployed map[string]string
	if out.Environment != nil {
		deployed = out.Environment.Variables
	}
	for _, name := range sortedKeys(want) {
		if got, ok := deployed[name]; !ok || got != cfn.Text(want[name]) {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s is %q, the template says %q", name, got, cfn.Text(want[name]))})
		}
	}
	for _, name := range sortedKeys(deployed) {
		if _, promised := want[name]; !promised {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s is set to %q, which the template does not set", name, deployed[name])})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	detail := fmt.Sprintf("runs as its role, with the layers and environment the template set (%s)", joinOr(sortedKeys(want), "no variables"))
	if table, ok := cfn.RefTarget(r.Prop("Environment", "Variables", contract.EnvTableName)); ok {
		detail += fmt.Sprintf("; %s names %s", contract.EnvTableName, table)
	}
	return []Line{{Pass, subject, detail}}
}
