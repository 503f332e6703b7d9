package verify

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

// environment checks that a function has the environment the template gave
// it: for a writer, the table it writes to and that table's key schema.
func (v Verifier) environment(ctx context.Context, s *stack, fn string) []Line {
	subject := "function " + fn
	resolved, err := s.resolve(s.resource(fn).Prop("Environment", "Variables"))
	if err != nil {
		return []Line{v.unanswered(subject, "the template's environment", err)}
	}
	promised, _ := resolved.(map[string]any)
	if len(promised) == 0 {
		return nil
	}
	out, err := v.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(s.physical[fn])})
	if err != nil {
		return []Line{v.unanswered(subject, "environment", fmt.Errorf("GetFunctionConfiguration: %w", err))}
	}
	var deployed map[string]string
	if out.Environment != nil {
		deployed = out.Environment.Variables
	}
	var lines []Line
	for _, name := range sortedKeys(promised) {
		want := cfn.Text(promised[name])
		if got, ok := deployed[name]; !ok || got != want {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s is %q, the template says %q", name, got, want)})
		}
	}
	if len(lines) > 0 {
		return lines
	}
	detail := fmt.Sprintf("environment as the template set it (%s)", joinOr(sortedKeys(promised), ""))
	if table, ok := cfn.RefTarget(s.resource(fn).Prop("Environment", "Variables", contract.EnvTableName)); ok {
		detail += fmt.Sprintf("; %s names %s", contract.EnvTableName, table)
	}
	return []Line{{Pass, subject, detail}}
}
