package cfn

import (
	"slices"
	"strings"
)

// operator is a condition operator taken apart: ForAllValues:StringLike
// IfExists is the set qualifier ForAllValues, the base StringLike, and
// IfExists, which also passes a request without the key.
type operator struct {
	set      string
	base     string
	ifExists bool
}

func parseOperator(op string) operator {
	var o operator
	if set, rest, found := strings.Cut(op, ":"); found {
		o.set, op = set, rest
	}
	o.base, o.ifExists = strings.CutSuffix(op, "IfExists")
	return o
}

// How an operator matches a value: equal, equal ignoring case, by pattern,
// and the negations of each.
type matching int

const (
	other matching = iota
	equal
	equalFold
	like
	notEqual
	notEqualFold
	notLike
)

var matchings = map[string]matching{
	"StringEquals": equal, "StringEqualsIgnoreCase": equalFold, "StringLike": like,
	// ArnEquals matches with wildcards as ArnLike does.
	"ArnEquals": like, "ArnLike": like,
	"StringNotEquals": notEqual, "StringNotEqualsIgnoreCase": notEqualFold, "StringNotLike": notLike,
	"ArnNotEquals": notLike, "ArnNotLike": notLike,
}

// implies reports whether condition c, on the same key, passes only requests
// that condition d passes: c is at least as strict.
func implies(c, d Condition) bool {
	co, do := parseOperator(c.Operator), parseOperator(d.Operator)
	if co.set != do.set || (co.ifExists && !do.ifExists) {
		return false
	}
	if len(c.Values) == 0 || len(d.Values) == 0 {
		// Every comparison below holds vacuously of a test without values,
		// whose meaning IAM leaves unclear: such a test implies only itself,
		// and no other test implies it.
		return c.Operator == d.Operator && len(c.Values) == len(d.Values)
	}
	cm, dm := matchings[co.base], matchings[do.base]
	switch dm {
	case equal, equalFold, like:
		return allMatched(c.Values, cm, d.Values, dm)
	case notEqual, notEqualFold, notLike:
		// c excludes at least what d excludes.
		return allMatched(d.Values, negate(dm), c.Values, negate(cm))
	}
	if co.base != do.base {
		return false
	}
	if negated(do.base) {
		// NotIpAddress, NumericNotEquals and the like pass a request that
		// matches none of their values: more values, fewer requests.
		return isSubset(d.Values, c.Values)
	}
	return isSubset(c.Values, d.Values)
}

// negated reports whether an operator passes what matches none of its
// values: NotIpAddress, NumericNotEquals, DateNotEquals, BinaryNotEquals.
func negated(base string) bool {
	return strings.HasPrefix(base, "Not") || strings.Contains(base, "NotEquals")
}

func negate(m matching) matching {
	switch m {
	case notEqual:
		return equal
	case notEqualFold:
		return equalFold
	case notLike:
		return like
	}
	return other
}

// allMatched reports whether every value that values (under matching vm)
// lets through is let through by patterns (under pm).
func allMatched(values []string, vm matching, patterns []string, pm matching) bool {
	return !slices.ContainsFunc(values, func(v string) bool {
		return !slices.ContainsFunc(patterns, func(p string) bool { return matched(v, vm, p, pm) })
	})
}

func matched(v string, vm matching, p string, pm matching) bool {
	switch {
	case vm == equal && pm == equal:
		return v == p
	case vm == equal && pm == equalFold, vm == equalFold && pm == equalFold:
		return strings.EqualFold(v, p)
	case vm == equal && pm == like:
		return Covers(p, v)
	case vm == like && pm == like:
		return Covers(p, v)
	case vm == like && pm == equal:
		return !hasWildcard(v) && v == p
	case vm == like && pm == equalFold:
		return !hasWildcard(v) && strings.EqualFold(v, p)
	}
	return false
}

func isSubset(a, b []string) bool {
	return !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) })
}
