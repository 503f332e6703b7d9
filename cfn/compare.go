package cfn

import (
	"slices"
	"strings"
)

// Excess is one way a policy allows more than another: a principal, action
// or resource added, a condition removed or widened, a Deny removed or
// narrowed, or a statement the other policy has nothing like.
type Excess struct {
	// Statement names the statement of the broader policy (for a Deny, of
	// the narrower one): its Sid, else "statement N".
	Statement string
	// Detail tells the excess as a change from the narrower policy to the
	// broader one: "action kms:decrypt added".
	Detail string
	// Reverse tells it as a change from the broader policy to the narrower
	// one: "action kms:decrypt removed".
	Reverse string
}

// String writes the excess as findings show it.
func (e Excess) String() string { return e.Statement + ": " + e.Detail }

// Broader tells every way policy a allows more than policy b: an Allow of a
// that b's Allows do not cover, and a Deny of b that a's Denies do not cover.
// Statement order, how values are written (a string or a list of one) and
// the case of actions and condition keys do not count, nor any other
// difference of form that allows no request more: each way is confirmed by
// a request a allows and b does not (AllowsBeyond). Empty means a is no
// broader than b; Broader(b, a) tells how a is narrower.
func Broader(a, b PolicyDocument) []Excess {
	out := broaderByStatement(a, b)
	if len(out) == 0 {
		return nil
	}
	if _, beyond := a.AllowsBeyond(b, Env{}); !beyond {
		return nil // written otherwise, the same in meaning
	}
	return out
}

// broaderByStatement tells how the statements of a go beyond those of b,
// statement by statement: the words of Broader.
func broaderByStatement(a, b PolicyDocument) []Excess {
	var out []Excess
	allowsB := withEffect(b, Allow)
	for i, s := range a.Statement {
		if s.Effect == Allow && !coveredByAny(s, allowsB) {
			out = append(out, explain(s, s.Name(i), allowsB)...)
		}
	}
	deniesA := withEffect(a, Deny)
	for i, d := range b.Statement {
		if d.Effect != Deny || coveredByAny(d, deniesA) {
			continue
		}
		ref, ok := sameSid(d, deniesA)
		if !ok {
			out = append(out, Excess{d.Name(i), "the Deny of " + summary(d) + " is gone", "a Deny of " + summary(d) + " added"})
			continue
		}
		for _, g := range excess(d, ref) {
			out = append(out, Excess{d.Name(i), g.denyText(), g.denyReverse()})
		}
	}
	return out
}

func withEffect(p PolicyDocument, effect string) []Statement {
	var out []Statement
	for _, s := range p.Statement {
		if s.Effect == effect {
			out = append(out, s)
		}
	}
	return out
}

// coveredByAny reports whether statements together cover s: one of them
// whole, or each single principal, action and resource of s by some one.
func coveredByAny(s Statement, statements []Statement) bool {
	coveredBy := func(piece Statement) bool {
		return slices.ContainsFunc(statements, func(b Statement) bool { return len(excess(piece, b)) == 0 })
	}
	if coveredBy(s) {
		return true
	}
	pieces := split(s)
	return len(pieces) > 1 && !slices.ContainsFunc(pieces, func(p Statement) bool { return !coveredBy(p) })
}

// maxPieces bounds how finely split breaks a statement up.
const maxPieces = 4096

// split breaks s into statements of one principal, one action and one
// resource each, where s lists them (not for its Not forms).
func split(s Statement) []Statement {
	principals, actions, resources := []any{s.Principal}, []any{s.Action}, []any{s.Resource}
	if m, ok := s.Principal.(map[string]any); ok && !IsIntrinsic(m) {
		principals = nil
		for _, p := range s.Principals() {
			principals = append(principals, map[string]any{p.Kind: p.ID})
		}
	}
	if l, ok := s.Action.([]any); ok {
		actions = l
	}
	if l, ok := s.Resource.([]any); ok {
		resources = l
	}
	if len(principals)*len(actions)*len(resources) > maxPieces {
		return []Statement{s}
	}
	var out []Statement
	for _, p := range principals {
		for _, a := range actions {
			for _, r := range resources {
				piece := s
				piece.Principal, piece.Action, piece.Resource = p, a, r
				out = append(out, piece)
			}
		}
	}
	return out
}

// explain says how s goes beyond the statements of the other policy: beyond
// the one with its Sid, else the closest one, else that nothing is like it.
func explain(s Statement, name string, others []Statement) []Excess {
	var gaps []gap
	ref, ok := sameSid(s, others)
	if ok {
		gaps = excess(s, ref)
	} else {
		gaps, ok = closest(s, others)
	}
	if !ok {
		return []Excess{{name, "nothing in the other policy allows " + summary(s), "no longer allows " + summary(s)}}
	}
	var out []Excess
	for _, g := range gaps {
		out = append(out, Excess{name, g.allowText(), g.allowReverse()})
	}
	return out
}

func sameSid(s Statement, others []Statement) (Statement, bool) {
	if s.Sid == "" {
		return Statement{}, false
	}
	i := slices.IndexFunc(others, func(o Statement) bool { return o.Sid == s.Sid })
	if i < 0 {
		return Statement{}, false
	}
	return others[i], true
}

// closest finds how s exceeds the statement it exceeds in the fewest ways,
// among those that name one of its principals and one of its actions.
func closest(s Statement, others []Statement) (fewest []gap, found bool) {
	for _, o := range others {
		if !sharesPrincipal(s, o) || !sharesAction(s, o) {
			continue
		}
		if gaps := excess(s, o); !found || len(gaps) < len(fewest) {
			fewest, found = gaps, true
		}
	}
	return fewest, found
}

func sharesPrincipal(a, b Statement) bool {
	if a.Principal == nil && b.Principal == nil {
		return true
	}
	bp := b.Principals()
	return slices.ContainsFunc(a.Principals(), func(p Principal) bool { return principalCovered(p, bp) })
}

func sharesAction(a, b Statement) bool {
	ba := b.Actions()
	return slices.ContainsFunc(a.Actions(), func(x string) bool { return actionCovered(x, ba) })
}

// summary writes what a statement allows or denies, for a message.
func summary(s Statement) string {
	var who, what, on string
	switch {
	case s.NotPrincipal != nil:
		who = "every principal but " + joinPrincipals(s.NotPrincipals())
	case s.Principal != nil:
		who = joinPrincipals(s.Principals())
	}
	if s.NotAction != nil {
		what = "every action but " + strings.Join(s.NotActions(), ", ")
	} else {
		what = strings.Join(s.Actions(), ", ")
	}
	if s.NotResource != nil {
		on = "every resource but " + strings.Join(s.NotResources(), ", ")
	} else {
		on = strings.Join(s.Resources(), ", ")
	}
	out := what
	if on != "" {
		out += " on " + on
	}
	if who != "" {
		out = who + " " + out
	}
	if c := s.Conditions(); len(c) > 0 {
		var tests []string
		for _, t := range c {
			tests = append(tests, t.String())
		}
		out += " when " + strings.Join(tests, " and ")
	}
	return out
}

func joinPrincipals(ps []Principal) string {
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.String()
	}
	return strings.Join(texts, ", ")
}

// gap is one way statement a goes beyond statement b.
type gap struct {
	dimension string // principal, action, resource or condition
	value     string // what a has beyond b: a principal, an action, a resource
	everyBut  bool   // a's Not form lets every value but value's through
	released  bool   // b excluded value with its Not form; a does not
	missing   *Condition
	wider     *Condition // a's condition on missing's key, which passes more
}

// allowText says how an Allow allows more.
func (g gap) allowText() string {
	switch {
	case g.missing != nil && g.wider != nil:
		return "condition " + g.missing.String() + " widened to " + g.wider.String()
	case g.missing != nil:
		return "condition " + g.missing.String() + " removed"
	case g.everyBut:
		return "Not" + title(g.dimension) + " lets every " + g.dimension + " but " + g.value + " through"
	case g.released:
		return g.dimension + " " + g.value + " no longer excluded"
	}
	return g.dimension + " " + g.value + " added"
}

// allowReverse says it the other way round: how an Allow allows less.
func (g gap) allowReverse() string {
	switch {
	case g.missing != nil && g.wider != nil:
		return "condition " + g.wider.String() + " narrowed to " + g.missing.String()
	case g.missing != nil:
		return "condition " + g.missing.String() + " added"
	case g.everyBut:
		return "Not" + title(g.dimension) + " no longer lets every " + g.dimension + " but " + g.value + " through"
	case g.released:
		return g.dimension + " " + g.value + " now excluded"
	}
	return g.dimension + " " + g.value + " removed"
}

// denyText says how a Deny of the other policy (a) denied more than this one
// (b): b denies less.
func (g gap) denyText() string {
	switch {
	case g.missing != nil && g.wider != nil:
		return "the Deny's condition " + g.wider.String() + " narrowed to " + g.missing.String()
	case g.missing != nil:
		return "the Deny now applies only when " + g.missing.String()
	case g.everyBut:
		return "the Deny no longer covers every " + g.dimension + " but " + g.value
	case g.released:
		return "the Deny now leaves out " + g.dimension + " " + g.value
	}
	return "the Deny no longer covers " + g.dimension + " " + g.value
}

// denyReverse says it the other way round: how a Deny denies more.
func (g gap) denyReverse() string {
	switch {
	case g.missing != nil && g.wider != nil:
		return "the Deny's condition " + g.missing.String() + " widened to " + g.wider.String()
	case g.missing != nil:
		return "the Deny no longer requires " + g.missing.String()
	case g.everyBut:
		return "the Deny now covers every " + g.dimension + " but " + g.value
	}
	return "the Deny now covers " + g.dimension + " " + g.value
}

// excess tells how a allows (or denies) more than b, two statements of the
// same effect: by principal, action, resource and condition.
func excess(a, b Statement) []gap {
	var out []gap
	out = append(out, principalExcess(a, b)...)
	out = append(out, setExcess("action", true, a.Actions(), a.NotActions(), a.NotAction != nil, b.Actions(), b.NotActions(), b.NotAction != nil)...)
	out = append(out, setExcess("resource", false, a.Resources(), a.NotResources(), a.NotResource != nil, b.Resources(), b.NotResources(), b.NotResource != nil)...)
	return append(out, conditionExcess(a.Conditions(), b.Conditions())...)
}

func principalExcess(a, b Statement) []gap {
	var out []gap
	aNot, bNot := a.NotPrincipal != nil, b.NotPrincipal != nil
	switch {
	case !aNot && !bNot:
		bp := b.Principals()
		for _, p := range a.Principals() {
			if !principalCovered(p, bp) {
				out = append(out, gap{dimension: "principal", value: describePrincipal(p)})
			}
		}
	case !aNot && bNot:
		excluded := b.NotPrincipals()
		for _, p := range a.Principals() {
			if p == Anyone || principalCovered(p, excluded) {
				out = append(out, gap{dimension: "principal", value: describePrincipal(p)})
			}
		}
	case aNot && !bNot:
		if !slices.Contains(b.Principals(), Anyone) {
			out = append(out, gap{dimension: "principal", value: joinPrincipals(a.NotPrincipals()), everyBut: true})
		}
	default:
		aExcluded := a.NotPrincipals()
		for _, p := range b.NotPrincipals() {
			if !principalCovered(p, aExcluded) {
				out = append(out, gap{dimension: "principal", value: describePrincipal(p), released: true})
			}
		}
	}
	return out
}

func describePrincipal(p Principal) string {
	if p == Anyone {
		return "* (anyone)"
	}
	return p.String()
}

// principalCovered reports whether a principal of set stands for p: * or p
// itself, an account written as its root ARN or its id alike. An account
// root does not stand for the account's roles: a key policy that names a
// role grants it the key, one that names the root only lets IAM do so.
func principalCovered(p Principal, set []Principal) bool {
	pAccount, pIsRoot := AccountRoot(p)
	return slices.ContainsFunc(set, func(q Principal) bool {
		if q == Anyone || q == p {
			return true
		}
		account, isRoot := AccountRoot(q)
		return isRoot && pIsRoot && account == pAccount
	})
}

// setExcess compares the actions, or the resources, of two statements, each
// either listed or given as Not (every one but those listed); fold
// compares them without regard to case, as IAM compares actions.
func setExcess(dimension string, fold bool, aList, aNotList []string, aNot bool, bList, bNotList []string, bNot bool) []gap {
	covers, overlap := Covers, Overlaps
	if fold {
		covers, overlap = actionCovers, actionsOverlap
	}
	covered := func(x string, patterns []string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool { return covers(p, x) })
	}
	var out []gap
	switch {
	case !aNot && !bNot:
		for _, x := range aList {
			if !covered(x, bList) {
				out = append(out, gap{dimension: dimension, value: x})
			}
		}
	case !aNot && bNot:
		for _, x := range aList {
			if slices.ContainsFunc(bNotList, func(y string) bool { return overlap(x, y) }) {
				out = append(out, gap{dimension: dimension, value: x})
			}
		}
	case aNot && !bNot:
		if !slices.Contains(bList, "*") {
			out = append(out, gap{dimension: dimension, value: strings.Join(aNotList, ", "), everyBut: true})
		}
	default:
		for _, y := range bNotList {
			if !covered(y, aNotList) {
				out = append(out, gap{dimension: dimension, value: y, released: true})
			}
		}
	}
	return out
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// conditionExcess tells which of b's conditions a's do not imply: removed,
// or there but wider.
func conditionExcess(a, b []Condition) []gap {
	var out []gap
	for _, d := range b {
		if slices.ContainsFunc(a, func(c Condition) bool { return strings.EqualFold(c.Key, d.Key) && implies(c, d) }) {
			continue
		}
		g := gap{dimension: "condition", missing: &d}
		if i := slices.IndexFunc(a, func(c Condition) bool { return strings.EqualFold(c.Key, d.Key) }); i >= 0 {
			g.wider = &a[i]
		}
		out = append(out, g)
	}
	return out
}
