package cfn

import (
	"bytes"
	"runtime"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/dynamodb-sse-cmk/stack/internal/parallel"
)

// YAML reads about 15 MB a second, so a template of a few hundred
// resources takes tens of milliseconds to read, more than gen check then
// takes to judge it. Its Resources section, most of it, is read in pieces
// on every core: each piece a run of whole resources, as the lines of a
// block mapping show them. What cannot be split so plainly (flow style,
// anchors and aliases, several documents, a piece that does not read
// alone) is read whole, as before.

// splitAbove is the size from which a template is read in pieces.
const splitAbove = 64 << 10

// mayHoldAnchors reports whether src may hold a YAML anchor (&a) or alias
// (*a), which may tie a piece to another: a & or * after a space, a
// bracket, a brace or a comma, and before a name. Text such as kms:* or
// 'arn:...:*' holds none.
func mayHoldAnchors(src []byte) bool {
	for i := 0; i < len(src); i++ {
		j := bytes.IndexAny(src[i:], "&*")
		if j < 0 {
			return false
		}
		i += j
		before := i == 0 || bytes.IndexByte([]byte(" \t\r\n[{,"), src[i-1]) >= 0
		after := i+1 < len(src) && bytes.IndexByte([]byte(" \t\r\n]},'\""), src[i+1]) < 0
		if before && after {
			return true
		}
	}
	return false
}

// lineStarting finds the first line of src that begins with prefix.
func lineStarting(src []byte, prefix string) int {
	if bytes.HasPrefix(src, []byte(prefix)) {
		return 0
	}
	if i := bytes.Index(src, []byte("\n"+prefix)); i >= 0 {
		return i + 1
	}
	return -1
}

// readInPieces reads src, a YAML template, with its Resources section in
// pieces, parts at most, one on each core, and gives the mapping each
// piece read, of some of the resources; ok is false when src is not one to
// split, or a piece does not read alone, and must be read whole.
func readInPieces(src []byte, parts int) (doc *yaml.Node, resources []*yaml.Node, ok bool) {
	pieces, body, ok := resourcePieces(src, parts)
	if !ok {
		return nil, nil, false
	}
	// The rest of the template, the Resources section's lines left blank
	// so that every line keeps its number.
	rest := make([]byte, 0, len(src))
	rest = append(rest, src[:body[0]]...)
	rest = append(rest, bytes.Repeat([]byte("\n"), bytes.Count(src[body[0]:body[1]], []byte("\n")))...)
	rest = append(rest, src[body[1]:]...)
	read := make([]*yaml.Node, len(pieces)+1)
	failed := make([]bool, len(pieces)+1)
	parallel.For(len(read), func(i int) {
		text, line := rest, 0
		if i > 0 {
			piece := pieces[i-1]
			text, line = src[piece[0]:piece[1]], bytes.Count(src[:piece[0]], []byte("\n"))
		}
		n, err := readYAML(text)
		if err != nil || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
			failed[i] = true
			return
		}
		if line > 0 {
			shiftLines(n, line)
		}
		read[i] = n
	})
	if slices.Contains(failed, true) {
		return nil, nil, false
	}
	root := read[0].Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k, v := root.Content[i], root.Content[i+1]; k.Value == "Resources" && v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			all := *read[1].Content[0]
			all.Content = nil
			for _, piece := range read[1:] {
				all.Content = append(all.Content, piece.Content[0].Content...)
				resources = append(resources, piece.Content[0])
			}
			root.Content[i+1] = &all
			return read[0], resources, true
		}
	}
	return nil, nil, false
}

// convertInPieces converts the top-level mapping of a template read in
// pieces, each piece of its resources on a core of its own; ok is false
// when a piece cannot be converted, or two pieces make one resource, for
// the whole to be converted and the error said where it is.
func convertInPieces(root *yaml.Node, pieces []*yaml.Node) (template map[string]any, inlineTransforms, ok bool) {
	rest := *root
	rest.Content = slices.Clone(root.Content)
	at := -1
	for i := 0; i+1 < len(rest.Content); i += 2 {
		if rest.Content[i].Value == "Resources" {
			at = i + 1
			rest.Content[at] = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
	}
	converted := make([]map[string]any, len(pieces)+1)
	failed := make([]bool, len(pieces)+1)
	transforms := make([]bool, len(pieces)+1)
	parallel.For(len(converted), func(i int) {
		n := &rest
		if i > 0 {
			n = pieces[i-1]
		}
		c := &converter{}
		v, err := c.longForm(n)
		converted[i], _ = v.(map[string]any)
		failed[i], transforms[i] = err != nil, c.inlineTransforms
	})
	if at < 0 || slices.Contains(failed, true) {
		return nil, false, false
	}
	resources := map[string]any{}
	for _, piece := range converted[1:] {
		for id, entry := range piece {
			if _, twice := resources[id]; twice {
				return nil, false, false
			}
			resources[id] = entry
		}
	}
	template = converted[0]
	template["Resources"] = resources
	return template, slices.Contains(transforms, true), true
}

// resourcePieces finds the Resources section of src, a block mapping of
// resources each beginning on a line of the same indentation, and splits
// it into at most parts runs of whole resources of about equal size. body
// is where the section's entries begin and end.
func resourcePieces(src []byte, parts int) (pieces [][2]int, body [2]int, ok bool) {
	if parts < 2 || lineStarting(src, "---") >= 0 || lineStarting(src, "...") >= 0 || mayHoldAnchors(src) {
		return nil, body, false
	}
	at := lineStarting(src, "Resources:")
	if at < 0 {
		return nil, body, false
	}
	eol := bytes.IndexByte(src[at:], '\n')
	if eol < 0 {
		return nil, body, false
	}
	// Resources: alone on its line, or with a comment after it.
	if after := bytes.TrimSpace(src[at+len("Resources:") : at+eol]); len(after) > 0 && after[0] != '#' {
		return nil, body, false
	}
	start := at + eol + 1 // the line after "Resources:"
	indent := -1
	var entries []int // where each resource's first line begins
	end := len(src)
	for line := start; line < len(src); {
		next := bytes.IndexByte(src[line:], '\n')
		if next < 0 {
			next = len(src)
		} else {
			next += line + 1
		}
		text := src[line:next]
		spaces := len(text) - len(bytes.TrimLeft(text, " "))
		blank := len(bytes.TrimSpace(text)) == 0 || text[spaces] == '#'
		switch {
		case blank:
		case spaces == 0:
			end = line // the next section
		case indent < 0:
			indent = spaces
			entries = append(entries, line)
		case spaces == indent:
			entries = append(entries, line)
		case spaces < indent:
			return nil, body, false // not the plain block mapping this splits
		}
		if end == line {
			break
		}
		line = next
	}
	if len(entries) < parts {
		return nil, body, false
	}
	body = [2]int{start, end}
	size := (end - start) / parts
	from := start
	for _, e := range entries[1:] {
		if e-from >= size && len(pieces) < parts-1 {
			pieces = append(pieces, [2]int{from, e})
			from = e
		}
	}
	return append(pieces, [2]int{from, end}), body, true
}

// shiftLines adds lines to the line of every node below n.
func shiftLines(n *yaml.Node, lines int) {
	n.Line += lines
	for _, c := range n.Content {
		shiftLines(c, lines)
	}
}

// parts is how many pieces a template is read in: one for each core.
func parts() int { return runtime.GOMAXPROCS(0) }
