package cfn

import "strings"

// The policy language's wildcards: * matches any run of characters, ? any
// one character; ${*}, ${?} and ${$} are the characters themselves. These
// answer questions about patterns, not just strings.

// literals stands in for the escaped characters while patterns are compared:
// bytes no policy text holds, which match only themselves.
var literals = strings.NewReplacer("${*}", "\x01", "${?}", "\x02", "${$}", "$")

// Covers reports whether every string pattern q matches is matched by
// pattern p, by the policy language's wildcards, case and all.
func Covers(p, q string) bool { return covers(p, q) }

// covers reports whether every string pattern q matches is matched by
// pattern p. It never says yes wrongly; for a few contrived pairs it may say
// no where the answer is yes, which reads as broader: the safe side.
func covers(p, q string) bool {
	return walk(p, q, func(p, q string, at func(i, j int) bool, i, j int) bool {
		switch {
		case i == len(p):
			return j == len(q)
		case p[i] == '*':
			return at(i+1, j) || (j < len(q) && at(i, j+1))
		case j == len(q) || q[j] == '*':
			return false
		case p[i] == '?' || p[i] == q[j]:
			return at(i+1, j+1)
		}
		return false
	})
}

// overlaps reports whether some string matches both patterns.
func overlaps(p, q string) bool {
	return walk(p, q, func(p, q string, at func(i, j int) bool, i, j int) bool {
		switch {
		case i < len(p) && p[i] == '*':
			return at(i+1, j) || (j < len(q) && at(i, j+1))
		case j < len(q) && q[j] == '*':
			return at(i, j+1) || (i < len(p) && at(i+1, j))
		case i == len(p) || j == len(q):
			return i == len(p) && j == len(q)
		}
		return (p[i] == '?' || q[j] == '?' || p[i] == q[j]) && at(i+1, j+1)
	})
}

// walk answers step at (0, 0) of the two patterns, escapes replaced,
// remembering each position's answer: without it, patterns with many
// wildcards take exponential time.
func walk(p, q string, step func(p, q string, at func(i, j int) bool, i, j int) bool) bool {
	p, q = literals.Replace(p), literals.Replace(q)
	memo := map[[2]int]bool{}
	var at func(i, j int) bool
	at = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		v := step(p, q, at, i, j)
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
