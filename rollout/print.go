package rollout

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// PrintDeploy writes the commands Deploy runs as a script a person can run
// by hand: each parameter taken from an earlier stack's output is read
// where it is needed, with describe-stacks.
func PrintDeploy(w io.Writer, d *deployment.Dir, bucket string) error {
	for _, s := range d.Stacks {
		params := map[string]string{}
		for name, v := range s.Parameters {
			params[name] = v.Literal
			if v.From != nil {
				from, _ := d.Stack(v.From.Stack)
				params[name] = "$(" + shellLine([]string{"aws", "cloudformation", "describe-stacks", "--region", from.Region,
					"--stack-name", from.Name, "--query", outputsQuery(v.From.Output), "--output", "text"}) + ")"
			}
		}
		command := deployCommand(d, s, nil, Runner{Bucket: bucket}.bucket(s.Region))
		line := shellLine(append([]string{"aws"}, command...))
		if len(params) > 0 {
			line += " --parameter-overrides"
		}
		for _, name := range slices.Sorted(maps.Keys(params)) {
			line += " \\\n    " + name + "=\"" + params[name] + "\""
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// PrintDelete writes the commands Delete runs.
func PrintDelete(w io.Writer, d *deployment.Dir) error {
	for _, s := range slices.Backward(d.Stacks) {
		for _, command := range deleteCommands(s) {
			if _, err := fmt.Fprintln(w, shellLine(append([]string{"aws"}, command...))); err != nil {
				return err
			}
		}
	}
	return nil
}

// plainWord is an argument the shell takes as written.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:=@,+-]+$`)

// shellLine writes args as a shell command line, quoting what needs it.
func shellLine(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		switch {
		case plainWord.MatchString(a):
			quoted[i] = a
		case !strings.ContainsAny(a, `"$\`+"`"):
			quoted[i] = `"` + a + `"`
		default:
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}
