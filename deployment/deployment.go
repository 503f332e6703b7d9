// Package deployment reads and validates a deployment's manifest,
// stacks.json: the stacks a configuration needs, in the order they deploy,
// each with its Region, its template and where each of its parameters
// comes from. gen writes it; whatever deploys, checks, reviews or verifies
// a deployment reads it with Load, so that it is parsed and judged once.
//
// A CloudFormation stack lives in one Region, and Fn::ImportValue does not
// cross Regions, so a value one stack needs from another travels as a
// parameter taken from the earlier stack's output. The file names no
// account: the same deployment can be rolled out to any account.
package deployment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/regions"
)

// Manifest is the name of the manifest in a deployment's directory.
const Manifest = "stacks.json"

// Deployment is the manifest: its stacks in deployment order. Deleting
// goes in the reverse order.
type Deployment struct {
	Stacks []Stack `json:"stacks"`
}

// Stack is one CloudFormation stack of a deployment.
type Stack struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	// Template is the file name of the stack's template in the
	// deployment's directory.
	Template string `json:"template"`
	// Parameters gives each parameter of the template its value.
	Parameters map[string]Value `json:"parameters"`
	// Capabilities are what CloudFormation must be told the template
	// does: CAPABILITY_IAM for IAM resources, CAPABILITY_AUTO_EXPAND for a
	// transform.
	Capabilities []string `json:"capabilities"`
}

// String names the stack and its template file, as messages do: stack
// app-keys-eu-west-1 (keys-eu-west-1.yaml).
func (s Stack) String() string { return fmt.Sprintf("stack %s (%s)", s.Name, s.Template) }

// Value is a parameter's value: a literal, or an output of an earlier
// stack. In the file, a string or {"stack": NAME, "output": NAME}.
type Value struct {
	Literal string
	// From is the output the value is read from; nil for a literal.
	From *Output
}

// Output names an output of a stack of the deployment.
type Output struct {
	Stack  string `json:"stack"`
	Output string `json:"output"`
}

// Literal is a parameter value written in the manifest.
func Literal(s string) Value { return Value{Literal: s} }

// FromOutput is a parameter value read from an earlier stack's output.
func FromOutput(stack, output string) Value {
	return Value{From: &Output{Stack: stack, Output: output}}
}

// MarshalJSON writes a literal as a string and an output as an object.
func (v Value) MarshalJSON() ([]byte, error) {
	if v.From != nil {
		return json.Marshal(v.From)
	}
	return json.Marshal(v.Literal)
}

// UnmarshalJSON reads a string or a {"stack", "output"} object, and
// nothing else.
func (v *Value) UnmarshalJSON(data []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var o Output
		if err := dec.Decode(&o); err != nil {
			return errors.New(`want a string, or {"stack": NAME, "output": NAME}`)
		}
		*v = Value{From: &o}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errors.New(`want a string, or {"stack": NAME, "output": NAME}`)
	}
	*v = Value{Literal: s}
	return nil
}

// The capabilities a stack may be deployed with.
var capabilities = []string{"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"}

// The patterns of names, compiled when first asked: a counted repetition
// compiles to a program as long as its count, which every process that
// imports the package would otherwise pay for as it starts.
var (
	// stackName is what CloudFormation takes as a stack's name.
	stackName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]{0,127}$`) })
	// logicalName is what a template takes as a parameter's or an
	// output's name.
	logicalName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`) })
)

// Parse reads a manifest strictly: an unknown field, a second value or a
// value of the wrong type is an error. It does not validate.
func Parse(src []byte) (*Deployment, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	var d Deployment
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value; want one object")
	}
	return &d, nil
}

// Marshal writes the manifest as indented JSON, parameters sorted by name,
// a stack without parameters or capabilities with {} and []: the same
// deployment, the same bytes, the same shape.
func (d *Deployment) Marshal() ([]byte, error) {
	shaped := Deployment{Stacks: slices.Clone(d.Stacks)}
	for i, s := range shaped.Stacks {
		if s.Parameters == nil {
			shaped.Stacks[i].Parameters = map[string]Value{}
		}
		if s.Capabilities == nil {
			shaped.Stacks[i].Capabilities = []string{}
		}
	}
	out, err := json.MarshalIndent(shaped, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Validate reports every mistake in the manifest, each naming the field
// (stacks[1].parameters.OrdersKeyArn) and what goes there: stacks without
// a name, a known Region or a template file name; a name given twice; a
// capability CloudFormation does not know; a parameter read from a stack
// that is not earlier in the list.
func (d *Deployment) Validate() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(d.Stacks) == 0 {
		fail("stacks: got none, want at least one")
	}
	index := map[string]int{}
	for i, s := range d.Stacks {
		at := fmt.Sprintf("stacks[%d]", i)
		if !stackName().MatchString(s.Name) {
			fail("%s.name: got %q, want a letter, then up to 127 letters, digits and hyphens", at, s.Name)
		} else if first, dup := index[s.Name]; dup {
			fail("%s.name: got %q, already the name of stacks[%d]", at, s.Name, first)
		} else {
			index[s.Name] = i
		}
		if !regions.Known(s.Region) {
			fail("%s.region: got %q, want an AWS Region such as us-east-1", at, s.Region)
		}
		if s.Template == "" || s.Template != filepath.Base(s.Template) || strings.HasPrefix(s.Template, ".") {
			fail("%s.template: got %q, want the name of a file in the deployment's directory", at, s.Template)
		}
		for _, c := range s.Capabilities {
			if !slices.Contains(capabilities, c) {
				fail("%s.capabilities: got %q, want one of %s", at, c, strings.Join(capabilities, ", "))
			}
		}
		for _, name := range slices.Sorted(maps.Keys(s.Parameters)) {
			v, path := s.Parameters[name], at+".parameters."+name
			if !logicalName().MatchString(name) {
				fail("%s: a parameter's name is letters and digits", path)
			}
			if v.From == nil {
				continue
			}
			switch from, ok := index[v.From.Stack]; {
			case !ok || from >= i:
				fail("%s: reads stack %q, which is not earlier in the list: a stack's outputs exist once it is deployed", path, v.From.Stack)
			case !logicalName().MatchString(v.From.Output):
				fail("%s.output: got %q, want an output's name: letters and digits", path, v.From.Output)
			}
		}
	}
	return errors.Join(errs...)
}

// Stack gives the stack named name.
func (d *Deployment) Stack(name string) (Stack, bool) {
	i := slices.IndexFunc(d.Stacks, func(s Stack) bool { return s.Name == name })
	if i < 0 {
		return Stack{}, false
	}
	return d.Stacks[i], true
}

// OutputsRead lists the outputs of stack name that later stacks read, by
// name, sorted.
func (d *Deployment) OutputsRead(name string) []string {
	var out []string
	for _, s := range d.Stacks {
		for _, v := range s.Parameters {
			if v.From != nil && v.From.Stack == name && !slices.Contains(out, v.From.Output) {
				out = append(out, v.From.Output)
			}
		}
	}
	slices.Sort(out)
	return out
}
