package render

import (
	"fmt"
	"strings"
)

// quoted writes s plain when YAML reads it back as the same string, and in
// quotes otherwise: single quotes for printable ASCII, as hand-written
// templates do ('*', '2012-10-17'), double quotes with escapes for the rest.
// Plain is kept to a conservative subset: text that YAML 1.1 readers
// (CloudFormation among them) could take for a number, a boolean, null, an
// alias, a tag, a comment or a mapping is quoted.
func quoted(s string) string {
	if plainSafe(s) {
		return s
	}
	if printableASCII(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return doubleQuoted(s)
}

// doubleQuoted escapes everything outside YAML's printable set, and the
// characters YAML 1.1 takes for line breaks (U+0085, U+2028, U+2029) or a
// byte order mark (U+FEFF).
func doubleQuoted(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r >= 0x20 && r < 0x7f, r >= 0xa0 && r <= 0xd7ff && r != 0x2028 && r != 0x2029, r >= 0xe000 && r <= 0xfffd && r != 0xfeff, r >= 0x10000:
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// yamlKeywords read as booleans or null in YAML 1.1 or 1.2, in any case.
var yamlKeywords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true,
}

func plainSafe(s string) bool {
	if s == "" || !startsPlain(s[0]) {
		return false
	}
	if last := s[len(s)-1]; last == ' ' || last == ':' {
		return false
	}
	if !printableASCII(s) {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	return !yamlKeywords[strings.ToLower(s)]
}

// startsPlain: letters, and the first characters of paths and !Sub patterns.
// Digits, signs and dots are left out so that nothing reads as a number.
func startsPlain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '$' || c == '_'
}

// readsWellAsBlock reports whether s is multi-line text, such as inline code,
// that a block literal shows exactly as it is: printable ASCII lines, no
// trailing spaces, a first line that does not start with a space, and at
// most one final newline. Anything else is written quoted, with escapes.
func readsWellAsBlock(s string) bool {
	body := strings.TrimSuffix(s, "\n")
	if !strings.Contains(body, "\n") || strings.HasSuffix(body, "\n") || strings.TrimSpace(body) == "" {
		return false
	}
	if body[0] == ' ' || body[0] == '\n' {
		return false
	}
	for line := range strings.SplitSeq(body, "\n") {
		if strings.HasSuffix(line, " ") || !printableASCII(line) {
			return false
		}
	}
	return true
}
