package cfn

import "strings"

// The policy language's wildcards: * matches any run of characters, ? any
// one character; ${*}, ${?} and ${$} are the characters themselves. Any
// other ${...} is a policy variable, or, in a template's text, a reference
// (${AWS::Region}, ${Table.Arn}): text not known until a request is made or
// the stack deployed, which may be anything, and is the same wherever the
// same name stands. These answer questions about patterns, not just strings.

// Runes no policy text holds stand in for the escaped * and ?, and, from
// firstVariable on, one for each variable, while patterns are compared.
const (
	literalStar     = '\x01'
	literalQuestion = '\x02'
	// deployingAccount stands for ${AWS::AccountId}, which is not a
	// variable here: an account id written out is another account.
	deployingAccount = '\x03'
	firstVariable    = '\uE000' // the private use area
)

func isVariable(r rune) bool { return r >= firstVariable }

// patterns reads two patterns as runes, escapes and variables replaced, the
// same variable by the same rune in both.
func patterns(p, q string) (pr, qr []rune) {
	variables := map[string]rune{}
	read := func(s string) []rune {
		var out []rune
		for {
			start := strings.Index(s, "${")
			end := strings.IndexByte(s[max(start, 0):], '}')
			if start < 0 || end < 0 {
				return append(out, []rune(s)...)
			}
			out = append(out, []rune(s[:start])...)
			switch name := s[start+2 : start+end]; name {
			case "*":
				out = append(out, literalStar)
			case "?":
				out = append(out, literalQuestion)
			case "$":
				out = append(out, '$')
			case "AWS::AccountId":
				out = append(out, deployingAccount)
			default:
				if _, seen := variables[name]; !seen {
					variables[name] = firstVariable + rune(len(variables))
				}
				out = append(out, variables[name])
			}
			s = s[start+end+1:]
		}
	}
	return read(p), read(q)
}

// Covers reports whether every string pattern q matches is matched by
// pattern p, by the policy language's wildcards, case and all. It never says
// yes wrongly: a variable is covered only by * or by itself, as it may be
// any text. For a few contrived pairs it may say no where the answer is yes,
// which reads as broader: the safe side.
func Covers(p, q string) bool {
	if plain(p) && plain(q) {
		return p == q
	}
	if !strings.ContainsAny(q, "*?") {
		// Text, as most values a request carries are: a glob match, a
		// variable in either matched only by itself or by *.
		if !strings.Contains(p, "${") && !strings.Contains(q, "${") {
			return globText(p, q)
		}
		pr, qr := patterns(p, q)
		return glob(pr, qr)
	}
	return coversByWalk(p, q)
}

// coversByWalk is Covers for any two patterns, by walking both.
func coversByWalk(p, q string) bool {
	return walk(p, q, func(p, q []rune, at func(i, j int) bool, i, j int) bool {
		switch {
		case i == len(p):
			return j == len(q)
		case p[i] == '*':
			return at(i+1, j) || (j < len(q) && at(i, j+1))
		case j == len(q) || q[j] == '*':
			return false
		case p[i] == q[j] || (p[i] == '?' && !isVariable(q[j])):
			return at(i+1, j+1)
		}
		return false
	})
}

// Overlaps reports whether some string matches both patterns; a variable,
// which may be any text, overlaps as * does.
func Overlaps(p, q string) bool {
	if plain(p) && plain(q) {
		return p == q
	}
	if !strings.Contains(p, "${") && !strings.Contains(q, "${") {
		switch {
		case !strings.ContainsAny(q, "*?"):
			return globText(p, q)
		case !strings.ContainsAny(p, "*?"):
			return globText(q, p)
		}
	}
	return walk(p, q, func(p, q []rune, at func(i, j int) bool, i, j int) bool {
		switch {
		case i < len(p) && (p[i] == '*' || isVariable(p[i])):
			return at(i+1, j) || (j < len(q) && at(i, j+1))
		case j < len(q) && (q[j] == '*' || isVariable(q[j])):
			return at(i, j+1) || (i < len(p) && at(i+1, j))
		case i == len(p) || j == len(q):
			return i == len(p) && j == len(q)
		}
		return (p[i] == '?' || q[j] == '?' || p[i] == q[j]) && at(i+1, j+1)
	})
}

// glob reports whether text q, which has no wildcard, matches pattern p:
// * any run of runes, ? any one but a variable (which may be any text),
// every other rune itself. It backtracks only to the last *, so it takes
// time in proportion to the lengths' product at worst, and no memory.
func glob(p, q []rune) bool {
	pi, qi, star, mark := 0, 0, -1, 0
	for qi < len(q) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, qi
			pi++
		case pi < len(p) && (p[pi] == q[qi] || (p[pi] == '?' && !isVariable(q[qi]))):
			pi++
			qi++
		case star >= 0:
			mark++
			pi, qi = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globASCII is glob for ASCII text and pattern, neither with a variable,
// without allocating; when fold, the pattern is in lower case and the
// text's case does not count, as IAM compares action names.
func globASCII(p, q string, fold bool) bool {
	pi, qi, star, mark := 0, 0, -1, 0
	for qi < len(q) {
		c := q[qi]
		if fold && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, qi
			pi++
		case pi < len(p) && (p[pi] == c || p[pi] == '?'):
			pi++
			qi++
		case star >= 0:
			mark++
			pi, qi = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// globText is glob for a pattern and text without variables.
func globText(p, q string) bool {
	if isASCII(p) && isASCII(q) {
		return globASCII(p, q, false)
	}
	return glob([]rune(p), []rune(q))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// plain reports whether s is text only: no wildcard, escape or variable,
// so that as a pattern it matches s alone. Most values are, and comparing
// them needs no walk.
func plain(s string) bool { return !strings.ContainsAny(s, "*?") && !strings.Contains(s, "${") }

// walk answers step at (0, 0) of the two patterns, read as runes,
// remembering each position's answer: without it, patterns with many
// wildcards take exponential time.
func walk(p, q string, step func(p, q []rune, at func(i, j int) bool, i, j int) bool) bool {
	pr, qr := patterns(p, q)
	memo := map[[2]int]bool{}
	var at func(i, j int) bool
	at = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		v := step(pr, qr, at, i, j)
		memo[key] = v
		return v
	}
	return at(0, 0)
}

func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}

// FillWildcards writes one text a pattern matches: each * and ? an x.
func FillWildcards(pattern string) string { return wildcardFiller.Replace(pattern) }

var wildcardFiller = strings.NewReplacer("*", "x", "?", "x")
