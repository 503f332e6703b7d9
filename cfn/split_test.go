package cfn

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Read in pieces, a template is the very tree it is read whole: every
// node, with its line and column, for every template of the repository.
func TestPiecesReadAsTheWhole(t *testing.T) {
	files := templateFiles(t)
	split := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var whole yaml.Node
		wholeErr := yaml.Unmarshal(src, &whole)
		for _, parts := range []int{2, 3, 7} {
			doc, pieces, ok := readInPieces(src, parts)
			if !ok {
				continue
			}
			split++
			if wholeErr != nil {
				t.Errorf("%s in %d pieces: read, but whole: %v", file, parts, wholeErr)
				continue
			}
			if got, want := tree(doc), tree(&whole); got != want {
				t.Errorf("%s in %d pieces:\n%s\nwhole:\n%s", file, parts, got, want)
			}
			converted, transforms, ok := convertInPieces(doc.Content[0], pieces)
			c := &converter{}
			want, err := c.longForm(whole.Content[0])
			if ok != (err == nil) || (ok && (!reflect.DeepEqual(converted, want) || transforms != c.inlineTransforms)) {
				t.Errorf("%s in %d pieces converts (%v) otherwise than whole (%v)", file, parts, ok, err)
			}
		}
	}
	if split < len(files) {
		t.Errorf("%d readings in pieces of %d templates: the test compares too few", split, len(files))
	}
}

// tree writes a node and those below it, with their places, comments left out.
func tree(n *yaml.Node) string {
	var b strings.Builder
	var write func(n *yaml.Node, depth int)
	write = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%s%d %s %q %d:%d %d\n", strings.Repeat(" ", depth), n.Kind, n.Tag, n.Value, n.Line, n.Column, n.Style)
		for _, c := range n.Content {
			write(c, depth+1)
		}
	}
	write(n, 0)
	return b.String()
}

// What cannot be split plainly is read whole.
func TestWhatCannotBeSplitIsReadWhole(t *testing.T) {
	const two = "  A: {Type: AWS::SNS::Topic}\n  B: {Type: AWS::SNS::Topic}\n  C: {Type: AWS::SNS::Topic}\n"
	for name, src := range map[string]string{
		"flow style":             "Resources: {A: {Type: AWS::SNS::Topic}, B: {Type: AWS::SNS::Topic}}\n",
		"an anchor and an alias": "Resources:\n  A: &t {Type: AWS::SNS::Topic}\n  B: *t\n  C: *t\n",
		"two documents":          "Resources:\n" + two + "---\nResources:\n" + two,
		"a resource less indented than the first": "Resources:\n    A: {Type: AWS::SNS::Topic}\n  B: {Type: AWS::SNS::Topic}\n  C: {Type: AWS::SNS::Topic}\n",
		"no Resources section":                    "Parameters:\n" + two,
	} {
		if _, _, ok := readInPieces([]byte(src), 2); ok {
			t.Errorf("%s: read in pieces", name)
		}
	}
}

// A resource written twice, one in each piece, is the error it is when
// the template is read whole.
func TestAResourceWrittenTwiceInTwoPiecesIsAnError(t *testing.T) {
	var src strings.Builder
	src.WriteString("Resources:\n  Twice: {Type: AWS::SNS::Topic}\n")
	for i := 0; src.Len() < 2*splitAbove; i++ {
		fmt.Fprintf(&src, "  Topic%d: {Type: AWS::SNS::Topic, Properties: {TopicName: topic-%d}}\n", i, i)
	}
	src.WriteString("  Twice: {Type: AWS::SQS::Queue}\n")
	_, err := Parse([]byte(src.String()))
	if err == nil || !strings.Contains(err.Error(), `mapping key "Twice" already defined at line 2`) {
		t.Errorf("Parse: %v", err)
	}
}

func TestMayHoldAnchors(t *testing.T) {
	for src, want := range map[string]bool{
		"Action: kms:*":             false,
		"Resource: '*'":             false,
		"Resource: \"*\"":           false,
		"arn:aws:s3:::bucket/*":     false,
		"Description: a * b":        false,
		"Action: [kms:Get*, kms:*]": false,
		"A: &shared {Type: X}":      true,
		"- *shared":                 true,
		"B: [*shared]":              true,
		"C: {x: 1, y: *shared}":     true,
	} {
		if got := mayHoldAnchors([]byte(src)); got != want {
			t.Errorf("mayHoldAnchors(%q) = %v, want %v", src, got, want)
		}
	}
}
