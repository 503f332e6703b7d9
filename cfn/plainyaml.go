package cfn

import (
	"bytes"
	"strings"

	"gopkg.in/yaml.v3"
)

// Most templates are written in a small part of YAML: block mappings and
// sequences, flow collections on one line, scalars on one line, plain or
// quoted without escapes, and CloudFormation's short-form tags. readPlain
// reads that part into the very nodes yaml.v3 makes, Tag, Style, Line and
// Column included (comments left out: nothing reads them), several times
// faster; anything outside it, it declines, and yaml.v3 reads the file.
// Declining is always safe, so the reader declines wherever yaml.v3 might
// read the text otherwise than it would: TestPlainReadsAsYAMLv3 and
// FuzzPlainReadsAsYAMLv3 hold the two to the same tree.

// maxPlainKey is the longest key read here, from its first character to
// its colon: yaml.v3 refuses simple keys over 1024 characters.
const maxPlainKey = 1000

// maxPlainDepth is the deepest nesting of collections read here: yaml.v3
// refuses flow collections nested over 10,000 deep.
const maxPlainDepth = 1000

// readPlain reads src into a document node, or declines (ok false).
func readPlain(src []byte) (doc *yaml.Node, ok bool) {
	if !plainText(src) {
		return nil, false
	}
	defer func() {
		if p := recover(); p != nil {
			if _, declined := p.(declined); !declined {
				panic(p)
			}
			doc, ok = nil, false
		}
	}()
	r := &plainReader{src: src, text: string(src), line: 1}
	r.skipSpaces()
	indent := r.indent()
	if r.at() == '\n' || r.at() == '#' {
		indent = r.nextContent()
	}
	if indent < 0 || r.at() == '{' || r.at() == '[' {
		return nil, false
	}
	line, column := r.line, r.column()
	root := r.collection(indent)
	if r.indent() >= 0 {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: line, Column: column, Content: []*yaml.Node{root}}, true
}

// plainText reports whether src holds only printable ASCII and line feeds,
// no document markers and no byte order mark: what yaml.v3 reads alike
// whatever the context.
func plainText(src []byte) bool {
	for _, c := range src {
		if (c < 0x20 && c != '\n') || c >= 0x7f {
			return false
		}
	}
	return lineStarting(src, "---") < 0 && lineStarting(src, "...") < 0
}

// declined is what plainReader panics with when the text is not one it
// reads; readPlain recovers it.
type declined struct{}

// mayNotBeText holds the characters that a plain scalar yaml.v3 may read
// as other than a string (a number, a boolean, null) can begin with.
const mayNotBeText = "+-0123456789yYnNtTfFoO~."

type plainReader struct {
	src   []byte
	text  string      // src, which the scalars' values are cut from
	free  []yaml.Node // allocated in runs, as the nodes live as long as the tree
	depth int         // the collections pos is in
	pos   int         // the next byte to read
	line  int         // the line of pos, from 1
	bol   int         // where the line of pos begins
}

func (r *plainReader) decline() { panic(declined{}) }

// enter counts a collection pos is in, and gives what leaves it.
func (r *plainReader) enter() (leave func()) {
	if r.depth++; r.depth > maxPlainDepth {
		r.decline()
	}
	return func() { r.depth-- }
}

func (r *plainReader) node(n yaml.Node) *yaml.Node {
	if len(r.free) == 0 {
		r.free = make([]yaml.Node, 256)
	}
	out := &r.free[0]
	*out = n
	r.free = r.free[1:]
	return out
}

// at is the byte at pos, or a line feed at the end of the text.
func (r *plainReader) at() byte {
	if r.pos < len(r.src) {
		return r.src[r.pos]
	}
	return '\n'
}

func (r *plainReader) next(offset int) byte {
	if r.pos+offset < len(r.src) {
		return r.src[r.pos+offset]
	}
	return '\n'
}

func (r *plainReader) column() int { return r.pos - r.bol + 1 }

func (r *plainReader) skipSpaces() {
	for r.pos < len(r.src) && r.src[r.pos] == ' ' {
		r.pos++
	}
}

// endLine reads what is left of the line after a node: spaces, then
// perhaps a comment, which a space or the line's start comes before.
func (r *plainReader) endLine() {
	r.skipSpaces()
	switch {
	case r.at() == '\n':
	case r.at() == '#' && (r.pos == r.bol || r.src[r.pos-1] == ' '):
		r.skipToLineEnd()
	default:
		r.decline()
	}
}

func (r *plainReader) skipToLineEnd() {
	if i := bytes.IndexByte(r.src[r.pos:], '\n'); i >= 0 {
		r.pos += i
	} else {
		r.pos = len(r.src)
	}
}

// nextContent moves from a node's end to the first character of the next
// line that holds more than spaces or a comment, and gives its
// indentation; -1 at the end of the text.
func (r *plainReader) nextContent() int {
	for {
		r.endLine()
		if r.pos >= len(r.src) {
			return -1
		}
		r.pos++
		r.line++
		r.bol = r.pos
		r.skipSpaces()
		if r.at() != '\n' && r.at() != '#' {
			return r.pos - r.bol
		}
	}
}

// indent is the indentation of the content line pos is on, -1 at the end.
func (r *plainReader) indent() int {
	if r.pos >= len(r.src) {
		return -1
	}
	return r.pos - r.bol
}

// isEntry reports whether pos is at a block sequence entry, "- ".
func (r *plainReader) isEntry() bool {
	return r.at() == '-' && (r.next(1) == ' ' || r.next(1) == '\n')
}

// collection reads the block mapping or sequence beginning at pos, its
// entries at column indent.
func (r *plainReader) collection(indent int) *yaml.Node {
	if r.isEntry() {
		return r.sequence(indent)
	}
	return r.mapping(indent)
}

func (r *plainReader) mapping(indent int) *yaml.Node {
	defer r.enter()()
	n := r.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: r.line, Column: r.column()})
	for {
		key := r.key()
		if key == nil {
			r.decline()
		}
		n.Content = append(n.Content, key, r.value(indent))
		switch next := r.indent(); {
		case next == indent && !r.isEntry():
		case next < indent:
			return n
		default:
			r.decline()
		}
	}
}

func (r *plainReader) sequence(indent int) *yaml.Node {
	defer r.enter()()
	n := r.node(yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: r.line, Column: r.column()})
	for {
		r.pos++ // the entry's -
		n.Content = append(n.Content, r.entry(indent))
		switch next := r.indent(); {
		case next == indent && r.isEntry():
		case next <= indent:
			return n
		default:
			r.decline()
		}
	}
}

// key reads a block mapping's key and the colon after it, or gives nil,
// pos unmoved, when pos is not at one.
func (r *plainReader) key() *yaml.Node {
	start := r.pos
	var key *yaml.Node
	switch r.at() {
	case '\'', '"':
		key = r.quoted()
		r.skipSpaces()
	default:
		key = r.plain(false)
	}
	if key == nil || r.at() != ':' || (r.next(1) != ' ' && r.next(1) != '\n') || r.pos-start > maxPlainKey {
		r.pos = start
		return nil
	}
	r.pos++
	return key
}

// atKey reports whether pos is at a block mapping's key.
func (r *plainReader) atKey() bool {
	start := r.pos
	defer func() { r.pos = start }()
	return r.key() != nil
}

// value reads what follows a key's colon in a block mapping at indent.
func (r *plainReader) value(indent int) *yaml.Node {
	emptyLine, emptyColumn := r.line, r.column()
	r.skipSpaces()
	tag, tagLine, tagColumn := r.tag()
	if r.at() != '\n' && r.at() != '#' {
		return r.inline(indent, tag, tagLine, tagColumn)
	}
	next := r.nextContent()
	switch {
	case next > indent:
		return tagged(r.collection(next), tag, tagLine, tagColumn)
	case next == indent && r.isEntry():
		return tagged(r.sequence(indent), tag, tagLine, tagColumn)
	case tag != "":
		r.decline()
	}
	return r.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: emptyLine, Column: emptyColumn})
}

// entry reads a block sequence entry after its -, in a sequence at indent.
func (r *plainReader) entry(indent int) *yaml.Node {
	emptyLine, emptyColumn := r.line, r.column()
	r.skipSpaces()
	if r.isEntry() {
		r.decline()
	}
	tag, tagLine, tagColumn := r.tag()
	if r.at() == '\n' || r.at() == '#' {
		switch next := r.nextContent(); {
		case next > indent:
			return tagged(r.collection(next), tag, tagLine, tagColumn)
		case tag != "":
			r.decline()
		}
		return r.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: emptyLine, Column: emptyColumn})
	}
	if tag == "" && r.atKey() {
		return r.mapping(r.column() - 1)
	}
	return r.inline(indent, tag, tagLine, tagColumn)
}

// inline reads a scalar or flow collection on the line, in a block
// collection at indent, and moves to the next content line, which must not
// be indented further: that would continue a scalar over lines.
func (r *plainReader) inline(indent int, tag string, tagLine, tagColumn int) *yaml.Node {
	var n *yaml.Node
	switch r.at() {
	case '[', '{':
		n = r.flow()
	case '\'', '"':
		n = r.quoted()
	default:
		n = r.plain(false)
		if n == nil || r.at() == ':' {
			r.decline()
		}
	}
	n = tagged(n, tag, tagLine, tagColumn)
	if r.nextContent() > indent {
		r.decline()
	}
	return n
}

// tag reads a short-form tag, !Name followed by a space or the end of the
// line, if pos is at one.
func (r *plainReader) tag() (tag string, line, column int) {
	if r.at() != '!' {
		return "", 0, 0
	}
	start := r.pos
	r.pos++
	for isAlphanumeric(r.at()) {
		r.pos++
	}
	if r.pos == start+1 || (r.at() != ' ' && r.at() != '\n') {
		r.decline()
	}
	tag, line, column = r.text[start:r.pos], r.line, start-r.bol+1
	r.skipSpaces()
	return tag, line, column
}

func isAlphanumeric(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// tagged gives n the tag written before it, and with it the tag's place.
func tagged(n *yaml.Node, tag string, line, column int) *yaml.Node {
	if tag == "" {
		return n
	}
	n.Tag, n.Style, n.Line, n.Column = tag, n.Style|yaml.TaggedStyle, line, column
	return n
}

// plain reads a plain scalar, or gives nil when pos is not at one. In flow
// it ends at a flow indicator too.
func (r *plainReader) plain(flow bool) *yaml.Node {
	switch c := r.at(); c {
	case '-':
		if r.next(1) == ' ' || r.next(1) == '\n' {
			return nil
		}
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\n':
		return nil
	}
	start, end := r.pos, 0
	for {
		// A word, up to a space, the end of the line, or an indicator.
		for c := r.at(); c != ' ' && c != '\n'; c = r.at() {
			if c == ':' && (r.next(1) == ' ' || r.next(1) == '\n') {
				break
			}
			if flow && (c == ',' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}') {
				break
			}
			r.pos++
		}
		end = r.pos
		if r.at() != ' ' {
			break
		}
		r.skipSpaces()
		if c := r.at(); c == '#' || c == '\n' || (c == ':' && (r.next(1) == ' ' || r.next(1) == '\n')) ||
			(flow && (c == ',' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}')) {
			break
		}
	}
	if end == start {
		return nil
	}
	n := r.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: r.text[start:end], Line: r.line, Column: start - r.bol + 1})
	switch {
	case n.Value == "<<":
		n.Tag = "!!merge"
	case strings.IndexByte(mayNotBeText, n.Value[0]) >= 0:
		n.Tag = ""
		n.Tag = n.ShortTag() // as yaml.v3 resolves a plain scalar
	}
	return n
}

// quoted reads a quoted scalar that ends on its line: single-quoted, two
// single quotes standing for one, or double-quoted without escapes.
func (r *plainReader) quoted() *yaml.Node {
	quote := r.at()
	start := r.pos
	n := r.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Line: r.line, Column: start - r.bol + 1, Style: yaml.SingleQuotedStyle})
	if quote == '"' {
		n.Style = yaml.DoubleQuotedStyle
	}
	var value []byte // made at the first quote written twice
	for r.pos++; ; r.pos++ {
		switch c := r.at(); {
		case c == '\n' || (c == '\\' && quote == '"'):
			r.decline()
		case c == quote && quote == '\'' && r.next(1) == '\'':
			if value == nil {
				value = append([]byte{}, r.src[start+1:r.pos]...)
			}
			value = append(value, '\'')
			r.pos++
		case c == quote:
			n.Value = r.text[start+1 : r.pos]
			if value != nil {
				n.Value = string(value)
			}
			r.pos++
			return n
		case value != nil:
			value = append(value, c)
		}
	}
}

// flow reads a flow sequence or mapping that ends on its line.
func (r *plainReader) flow() *yaml.Node {
	defer r.enter()()
	n := r.node(yaml.Node{Tag: "!!seq", Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Line: r.line, Column: r.column()})
	closing := byte(']')
	if r.at() == '{' {
		n.Kind, n.Tag, closing = yaml.MappingNode, "!!map", '}'
	}
	r.pos++
	r.skipSpaces()
	if r.at() == closing {
		r.pos++
		return n
	}
	for {
		if n.Kind == yaml.MappingNode {
			start := r.pos
			key := r.flowScalar()
			r.skipSpaces()
			if r.at() != ':' || r.next(1) != ' ' || r.pos-start > maxPlainKey {
				r.decline()
			}
			r.pos++
			n.Content = append(n.Content, key)
		}
		r.skipSpaces()
		value := r.flowNode()
		if r.at() == ':' {
			r.decline() // a pair in a sequence, or a key with a colon in it
		}
		n.Content = append(n.Content, value)
		r.skipSpaces()
		switch r.at() {
		case ',':
			r.pos++
			r.skipSpaces()
			if r.at() == closing {
				r.decline()
			}
		case closing:
			r.pos++
			return n
		default:
			r.decline()
		}
	}
}

// flowNode reads a node within a flow collection.
func (r *plainReader) flowNode() *yaml.Node {
	tag, line, column := r.tag()
	if r.at() == '[' || r.at() == '{' {
		return tagged(r.flow(), tag, line, column)
	}
	return tagged(r.flowScalar(), tag, line, column)
}

func (r *plainReader) flowScalar() *yaml.Node {
	if r.at() == '\'' || r.at() == '"' {
		return r.quoted()
	}
	n := r.plain(true)
	if n == nil {
		r.decline()
	}
	return n
}
