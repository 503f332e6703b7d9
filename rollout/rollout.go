// Package rollout deploys a deployment's stacks in the order its manifest
// lists them, and deletes them in the reverse order, with the AWS CLI: one
// aws cloudformation deploy --region per stack, its parameters filled from
// the outputs of the stacks before it, read once each stack is deployed.
// It runs the commands a person would type, prints each before it runs it,
// and can print them all instead (Print) for those who run them by hand.
package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// Runner runs the AWS CLI and prints what it runs.
type Runner struct {
	// AWS is the command that runs the AWS CLI: aws.
	AWS string
	// Emulator says the endpoint is moto: a stack holding what moto's
	// CloudFormation skips is refused, never reported deployed (ErrSkipped),
	// and an output moto does not give is read from the resource it names.
	Emulator bool
	// Bucket, when set, is where deploy uploads templates over the 51,200
	// bytes CloudFormation takes inline; {region} stands for the stack's
	// Region, since a bucket is in one.
	Bucket string
	// Out receives the commands, each before it runs, and what they print;
	// Err what they print on standard error.
	Out, Err io.Writer
}

// ErrSkipped reports that the emulator would have skipped part of a stack,
// which was therefore not deployed, nor any stack after it.
var ErrSkipped = errors.New("not deployed on the emulator")

// emulatorSkips are what moto 5.2.1's CloudFormation makes nothing of while
// the stack still completes: resource types it skips with a log line, and
// a property it ignores. A stack holding one is not what its template says.
var emulatorSkips = []struct {
	resourceType, property, why string
}{
	{"AWS::DynamoDB::GlobalTable", "", "moto's CloudFormation skips AWS::DynamoDB::GlobalTable"},
	{"AWS::KMS::ReplicaKey", "", "moto's CloudFormation skips AWS::KMS::ReplicaKey"},
	{"AWS::KMS::Key", "MultiRegion", "moto's CloudFormation ignores an AWS::KMS::Key's MultiRegion, and makes a single-Region key"},
}

// skippedOnEmulator lists what of t the emulator would skip, or nothing.
func skippedOnEmulator(t *cfn.Template) []string {
	var out []string
	for _, skip := range emulatorSkips {
		for _, r := range t.Resources(skip.resourceType) {
			if skip.property == "" || cfn.IsTrue(r.Prop(skip.property)) {
				out = append(out, r.ID+": "+skip.why)
			}
		}
	}
	return out
}

// Deploy deploys each stack of d in order, reading the outputs later stacks
// take as parameters once it is deployed. It stops at the first failure,
// and, on the emulator, before a stack the emulator would not make as
// written, saying what that stack would have been given (ErrSkipped).
func (r Runner) Deploy(ctx context.Context, d *deployment.Dir) error {
	outputs := map[string]map[string]string{}
	for _, s := range d.Stacks {
		params, err := resolve(s, outputs)
		if err != nil {
			return err
		}
		if r.Emulator {
			if skipped := skippedOnEmulator(d.Templates[s.Name]); len(skipped) > 0 {
				fmt.Fprintf(r.Out, "stack %s (%s): not deployed: %s\n", s.Name, s.Region, strings.Join(skipped, "; "))
				for _, name := range slices.Sorted(maps.Keys(params)) {
					fmt.Fprintf(r.Out, "  it would take %s=%s\n", name, params[name])
				}
				return fmt.Errorf("stack %s and any after it: %w", s.Name, ErrSkipped)
			}
		}
		if err := r.run(ctx, nil, deployCommand(d, s, params, r.bucket(s.Region))...); err != nil {
			return fmt.Errorf("deploy stack %s: %w", s.Name, err)
		}
		if read := d.OutputsRead(s.Name); len(read) > 0 {
			if outputs[s.Name], err = r.outputs(ctx, d, s, read); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete deletes each stack of d in the reverse order, waiting for each:
// the table stack goes before the keys its replicas need to be removed,
// replica keys before their primary. A stack that does not exist is no
// error, as for delete-stack.
func (r Runner) Delete(ctx context.Context, d *deployment.Dir) error {
	for _, s := range slices.Backward(d.Stacks) {
		for _, command := range deleteCommands(s) {
			if err := r.run(ctx, nil, command...); err != nil {
				return fmt.Errorf("delete stack %s: %w", s.Name, err)
			}
		}
	}
	return nil
}

func (r Runner) bucket(region string) string { return strings.ReplaceAll(r.Bucket, "{region}", region) }

// resolve gives each parameter of s its value: a literal, or an output read
// from an earlier stack.
func resolve(s deployment.Stack, outputs map[string]map[string]string) (map[string]string, error) {
	params := map[string]string{}
	for name, v := range s.Parameters {
		if v.From == nil {
			params[name] = v.Literal
			continue
		}
		value, ok := outputs[v.From.Stack][v.From.Output]
		if !ok {
			return nil, fmt.Errorf("stack %s: parameter %s: stack %s gave no output %s", s.Name, name, v.From.Stack, v.From.Output)
		}
		params[name] = value
	}
	return params, nil
}

// deployCommand is the aws cloudformation deploy of stack s with params.
// An unchanged stack is no failure, so that a deployment can be rolled out
// again.
func deployCommand(d *deployment.Dir, s deployment.Stack, params map[string]string, bucket string) []string {
	command := []string{"cloudformation", "deploy", "--region", s.Region, "--stack-name", s.Name, "--template-file", d.TemplatePath(s)}
	if len(s.Capabilities) > 0 {
		command = append(append(command, "--capabilities"), s.Capabilities...)
	}
	if bucket != "" {
		command = append(command, "--s3-bucket", bucket)
	}
	command = append(command, "--no-fail-on-empty-changeset")
	if len(params) > 0 {
		command = append(command, "--parameter-overrides")
		for _, name := range slices.Sorted(maps.Keys(params)) {
			command = append(command, name+"="+params[name])
		}
	}
	return command
}

func deleteCommands(s deployment.Stack) [][]string {
	return [][]string{
		{"cloudformation", "delete-stack", "--region", s.Region, "--stack-name", s.Name},
		{"cloudformation", "wait", "stack-delete-complete", "--region", s.Region, "--stack-name", s.Name},
	}
}

// outputsQuery is the describe-stacks query of one output's value.
func outputsQuery(name string) string {
	return fmt.Sprintf("Stacks[0].Outputs[?OutputKey=='%s'].OutputValue", name)
}

// outputs reads the outputs named of stack s. moto gives no Outputs for a
// stack deployed through a change set: on the emulator an output it lacks
// is read from the resource the template's output names, and said so.
func (r Runner) outputs(ctx context.Context, d *deployment.Dir, s deployment.Stack, names []string) (map[string]string, error) {
	raw, err := r.capture(ctx, "cloudformation", "describe-stacks", "--region", s.Region, "--stack-name", s.Name, "--query", "Stacks[0].Outputs", "--output", "json")
	if err != nil {
		return nil, fmt.Errorf("read the outputs of stack %s: %w", s.Name, err)
	}
	var listed []struct{ OutputKey, OutputValue string }
	if err := json.Unmarshal(raw, &listed); err != nil {
		return nil, fmt.Errorf("read the outputs of stack %s: %w", s.Name, err)
	}
	out := map[string]string{}
	for _, o := range listed {
		out[o.OutputKey] = o.OutputValue
	}
	for _, name := range names {
		if _, ok := out[name]; ok {
			continue
		}
		if !r.Emulator {
			return nil, fmt.Errorf("stack %s has no output %s, which a later stack takes", s.Name, name)
		}
		fmt.Fprintf(r.Out, "stack %s: the emulator gives no output %s (moto gives no Outputs for a stack deployed through a change set): read from the resource it names\n", s.Name, name)
		if out[name], err = r.outputOfResource(ctx, d, s, name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// outputOfResource reads output name of stack s from the stack's resource
// that the output names: its physical id for Ref, or the ARN of a KMS key
// or an IAM role for Fn::GetAtt Arn, the outputs a deployment's key stacks
// have.
func (r Runner) outputOfResource(ctx context.Context, d *deployment.Dir, s deployment.Stack, name string) (string, error) {
	value := cfn.At(d.Templates[s.Name].Section("Outputs"), name, "Value")
	fn, arg, _ := cfn.Intrinsic(value)
	id, _ := cfn.RefTarget(value)
	resource, ok := d.Templates[s.Name].Resource(id)
	if !ok {
		return "", fmt.Errorf("stack %s: output %s is %s, which the emulator cannot be asked for", s.Name, name, cfn.Text(value))
	}
	physical, err := r.capture(ctx, "cloudformation", "list-stack-resources", "--region", s.Region, "--stack-name", s.Name,
		"--query", fmt.Sprintf("StackResourceSummaries[?LogicalResourceId=='%s'].PhysicalResourceId", id), "--output", "text")
	if err != nil {
		return "", err
	}
	physicalID := strings.TrimSpace(string(physical))
	if physicalID == "" || physicalID == "None" {
		return "", fmt.Errorf("stack %s: no resource %s, which output %s names", s.Name, id, name)
	}
	if fn == "Ref" {
		return physicalID, nil
	}
	var arn []byte
	switch attribute, _ := arg.([]any); {
	case len(attribute) != 2 || attribute[1] != "Arn":
		return "", fmt.Errorf("stack %s: output %s is %s, which the emulator cannot be asked for", s.Name, name, cfn.Text(value))
	case resource.Type == "AWS::KMS::Key":
		arn, err = r.capture(ctx, "kms", "describe-key", "--region", s.Region, "--key-id", physicalID, "--query", "KeyMetadata.Arn", "--output", "text")
	case resource.Type == "AWS::IAM::Role":
		arn, err = r.capture(ctx, "iam", "get-role", "--region", s.Region, "--role-name", physicalID, "--query", "Role.Arn", "--output", "text")
	default:
		return "", fmt.Errorf("stack %s: output %s is the ARN of a %s, which the emulator cannot be asked for", s.Name, name, resource.Type)
	}
	return strings.TrimSpace(string(arn)), err
}

// run runs the AWS CLI with args, printed first; its output goes to Out,
// or into into when it is not nil.
func (r Runner) run(ctx context.Context, into io.Writer, args ...string) error {
	fmt.Fprintln(r.Out, "+ "+shellLine(append([]string{r.aws()}, args...)))
	cmd := exec.CommandContext(ctx, r.aws(), args...)
	cmd.Stdout, cmd.Stderr = r.Out, r.Err
	if into != nil {
		cmd.Stdout = into
	}
	cmd.Env = os.Environ()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", shellLine(append([]string{r.aws()}, args[:min(len(args), 2)]...)), err)
	}
	return nil
}

// capture runs the AWS CLI and gives what it prints.
func (r Runner) capture(ctx context.Context, args ...string) ([]byte, error) {
	var out strings.Builder
	err := r.run(ctx, &out, args...)
	return []byte(out.String()), err
}

func (r Runner) aws() string {
	if r.AWS == "" {
		return "aws"
	}
	return r.AWS
}
