package deployment

import (
	"fmt"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Source is where a value of a stack's template comes from in the
// deployment: a resource of one of its stacks, or a value written out, in a
// template or in the manifest.
type Source struct {
	// Stack and Resource name the resource, by its stack and logical id;
	// Resource is "" for a literal.
	Stack    string
	Resource string
	Literal  string
	// Via lists the parameters and outputs the value was followed through,
	// in order, as messages name them.
	Via []string
}

// Path says how the value was followed, for messages: "parameter
// OrdersKeyArnEuWest1, output OrdersKeyArn of stack app-keys-eu-west-1
// (keys-eu-west-1.yaml)"; "" when the value is the template's own.
func (s Source) Path() string { return strings.Join(s.Via, ", ") }

// Follow follows a value of stack's template through the deployment's
// wiring: a Ref or Fn::GetAtt of a resource of the template is that
// resource; a Ref of a parameter is what the manifest gives it (written
// out, or an earlier stack's output, whose value is followed in turn) or,
// where the manifest gives nothing, its default; text is a literal.
// Anything else — another intrinsic, a pseudo parameter, a parameter with
// no value — is an error saying what, since only deployment knows it.
func (d *Dir) Follow(stack string, v any) (Source, error) {
	return d.follow(stack, v, nil)
}

func (d *Dir) follow(stack string, v any, via []string) (Source, error) {
	s, ok := d.Stack(stack)
	if !ok {
		return Source{}, fmt.Errorf("the deployment has no stack %s", stack)
	}
	t := d.Templates[stack]
	if text, isText := v.(string); isText {
		return Source{Literal: text, Via: via}, nil
	}
	id, isRef := cfn.RefTarget(v)
	if !isRef {
		return Source{}, fmt.Errorf("%s gives %s, which only deployment knows", s, cfn.Text(v))
	}
	if _, ok := t.Resource(id); ok {
		return Source{Stack: stack, Resource: id, Via: via}, nil
	}
	declared, isParameter := t.Section("Parameters")[id]
	if !isParameter {
		return Source{}, fmt.Errorf("%s reads %s, which is neither a resource nor a parameter of its template", s, id)
	}
	given, inManifest := s.Parameters[id]
	switch {
	case inManifest && given.From == nil:
		return Source{Literal: given.Literal, Via: append(via, fmt.Sprintf("parameter %s of %s", id, s))}, nil
	case inManifest:
		via = append(via, fmt.Sprintf("parameter %s of %s", id, s))
		from, _ := d.Stack(given.From.Stack)
		output := cfn.At(d.Templates[from.Name].Section("Outputs"), given.From.Output, "Value")
		if output == nil {
			return Source{}, fmt.Errorf("%s has no output %s, which parameter %s of stack %s reads", from, given.From.Output, id, stack)
		}
		return d.follow(from.Name, output, append(via, fmt.Sprintf("output %s of %s", given.From.Output, from)))
	}
	if def := cfn.At(declared, "Default"); def != nil {
		return Source{Literal: cfn.Text(def), Via: append(via, fmt.Sprintf("parameter %s's default in %s", id, s))}, nil
	}
	return Source{}, fmt.Errorf("parameter %s of %s has no value in %s and no default", id, s, Manifest)
}
