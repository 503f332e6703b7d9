package cfn

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is one request as IAM evaluates it against a policy: who makes
// it, the action, the resource and the request's context.
//
// Values may hold references written ${...} (${AWS::AccountId},
// ${Role.Arn}): text not known until the stack is deployed, the same
// wherever the same name stands.
type Request struct {
	// Principal is who calls: an AWS principal by its ARN, or a service.
	Principal Principal
	// Action is a known action, such as kms:Decrypt; compared without
	// regard to case.
	Action string
	// Resource is the ARN the request acts on; "" for the resource a
	// resource-based policy (a key policy) is attached to.
	Resource string
	// Context holds the condition keys the request carries, in lower
	// case. A key of Decides that Context leaves out is absent from the
	// request; any other key is free: the caller may give it any value or
	// none, so a test of it may hold in an Allow and need not in a Deny.
	Context map[string]string
	// Decides lists the keys whose presence Context decides. Keys that
	// follow from the principal (kms:CallerAccount, aws:PrincipalAccount,
	// aws:PrincipalArn) are always decided.
	Decides map[string]bool
}

// Env is what evaluation knows of the account a template is deployed to.
type Env struct {
	// Accounts are account ids that are the deploying account, besides
	// ${AWS::AccountId}, as gen check -account gives them.
	Accounts []string
	// Now is when requests are made, for aws:CurrentTime and
	// aws:EpochTime; the zero time leaves them to the caller.
	Now time.Time
	// ExactReferences reads a reference as the one value it stands for,
	// the same wherever it is written, not as text that may be anything:
	// how two policies of one deployment compare.
	ExactReferences bool
}

// ThisAccount is how a template writes the account it is deployed to.
const ThisAccount = "${AWS::AccountId}"

// IsThisAccount reports whether an account id is the deploying account:
// ${AWS::AccountId}, or an id Env names.
func (e Env) IsThisAccount(account string) bool {
	return account == ThisAccount || slices.Contains(e.Accounts, account)
}

// canonical writes the account ids Env names as ${AWS::AccountId}.
func (e Env) canonical(s string) string {
	for _, a := range e.Accounts {
		s = strings.ReplaceAll(s, a, ThisAccount)
	}
	return s
}

// sameAccount reports whether two ways of writing an account are one.
func (e Env) sameAccount(a, b string) bool {
	return a != "" && (a == b || (e.IsThisAccount(a) && e.IsThisAccount(b)))
}

// AccountOf gives the account a principal belongs to: the account a root
// ARN or bare id names, the account field of an IAM or STS ARN, and this
// account for an attribute of the template's own resources (${Role.Arn}).
// It gives "" when the account is not known: a service, *, a parameter.
func AccountOf(p Principal) string {
	if p.Kind != "AWS" || p == Anyone {
		return ""
	}
	// Every request asks it of its principal: read each principal once.
	if account, ok := accounts.Load(p.ID); ok {
		return account.(string)
	}
	account := accountOf(p)
	accounts.Store(p.ID, account)
	return account
}

var accounts sync.Map // principal ID → AccountOf

func accountOf(p Principal) string {
	if account, ok := AccountRoot(p); ok {
		return account
	}
	if isAttributeReference(p.ID) {
		return ThisAccount
	}
	parts := ARNParts(p.ID)
	if len(parts) == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts") && (parts[4] == ThisAccount || plain(parts[4])) {
		return parts[4]
	}
	return ""
}

// ARNParts splits an ARN into its six parts (the last keeps its colons),
// the colons of references such as ${AWS::Region} not counting.
func ARNParts(arn string) []string {
	var parts []string
	start, depth := 0, 0
	for i := 0; i < len(arn) && len(parts) < 5; i++ {
		switch {
		case strings.HasPrefix(arn[i:], "${"):
			depth++
		case arn[i] == '}' && depth > 0:
			depth--
		case arn[i] == ':' && depth == 0:
			parts = append(parts, arn[start:i])
			start = i + 1
		}
	}
	return append(parts, arn[start:])
}

// isAttributeReference reports whether text is one reference to a resource
// attribute, ${Resource.Attribute}, as Text writes !GetAtt.
func isAttributeReference(text string) bool {
	inner, ok := strings.CutPrefix(text, "${")
	if !ok {
		return false
	}
	if inner, ok = strings.CutSuffix(inner, "}"); !ok || strings.ContainsAny(inner, "${}") {
		return false
	}
	id, _, dotted := strings.Cut(inner, ".")
	return dotted && !strings.HasPrefix(id, "AWS::")
}

// Decision is how a policy answers a request.
type Decision struct {
	// Allowed: an Allow applies and no Deny does.
	Allowed bool
	// Denied: a Deny applies.
	Denied bool
	// Statement is the index of the statement that decides: the Allow
	// that allows, or the Deny that denies; -1 when none applies.
	Statement int
	// ThroughAccount: the Allow names the principal's account, not the
	// principal, as a key policy delegates to IAM: the account's own IAM
	// policies decide whether the principal may.
	ThroughAccount bool
}

// Decide evaluates a request against the policy as IAM does: an explicit
// Deny wins, else an Allow allows, else the request is not allowed. Where
// a value is known only at deployment, an Allow applies when it may and a
// Deny only when it must: the answer is whether the request may be
// allowed.
func (p PolicyDocument) Decide(r Request, env Env) Decision { return p.rules().decide(r, env, true) }

// rule is a statement read once for evaluation: its principals, actions,
// resources and tests as sets, actions in lower case.
type rule struct {
	effect                   string
	holder                   bool // neither Principal nor NotPrincipal: an identity policy's holder
	principals               []principalEntry
	notPrincipal             bool
	actions                  []string
	notAction                bool
	resources                []string
	notResource, anyResource bool
	tests                    []test
}

// principalEntry is a principal a statement names, and the account it
// stands for as a whole, if it is an account root.
type principalEntry struct {
	Principal
	root   string
	isRoot bool
}

func entries(ps []Principal) []principalEntry {
	out := make([]principalEntry, len(ps))
	for i, p := range ps {
		account, isRoot := AccountRoot(p)
		out[i] = principalEntry{p, account, isRoot}
	}
	return out
}

// test is one test of a statement's Condition block.
type test struct {
	op     operator
	key    string // lower case
	values []string
}

// rules reads a policy's statements for evaluation.
type rules []rule

func (p PolicyDocument) rules() rules {
	out := make(rules, len(p.Statement))
	for i, s := range p.Statement {
		out[i] = compile(s)
	}
	return out
}

// actionRule is the part of a statement's rule that says which actions it
// takes: its Action, or its NotAction, in lower case.
func actionRule(s Statement) rule {
	r := rule{notAction: s.NotAction != nil}
	actions := s.Action
	if r.notAction {
		actions = s.NotAction
	}
	for _, a := range Texts(actions) {
		r.actions = append(r.actions, strings.ToLower(a))
	}
	return r
}

func compile(s Statement) rule {
	r := actionRule(s)
	r.effect, r.holder, r.notPrincipal = s.Effect, s.Principal == nil && s.NotPrincipal == nil, s.NotPrincipal != nil
	r.notResource, r.anyResource = s.NotResource != nil, s.Resource == nil && s.NotResource == nil
	if r.notPrincipal {
		r.principals = entries(s.NotPrincipals())
	} else {
		r.principals = entries(s.Principals())
	}
	if r.notResource {
		r.resources = Texts(s.NotResource)
	} else {
		r.resources = Texts(s.Resource)
	}
	for op, tests := range s.Condition {
		o := parseOperator(op)
		for key, values := range tests {
			r.tests = append(r.tests, test{o, strings.ToLower(key), Texts(values)})
		}
	}
	return r
}

// decide evaluates a request: when may, whether it may be allowed (an
// Allow applies where it may, a Deny where it must); else whether it must
// be (an Allow where it must, a Deny where it may).
func (p rules) decide(r Request, env Env, may bool) Decision {
	d := Decision{Statement: -1}
	for i, s := range p {
		if s.effect != Deny {
			continue
		}
		if _, ok := s.applies(r, env, !may); ok {
			return Decision{Denied: true, Statement: i}
		}
	}
	for i, s := range p {
		if s.effect != Allow {
			continue
		}
		if throughAccount, ok := s.applies(r, env, may); ok && (!d.Allowed || (d.ThroughAccount && !throughAccount)) {
			d = Decision{Allowed: true, Statement: i, ThroughAccount: throughAccount}
		}
	}
	return d
}

// applies reports whether the statement applies to the request: when may,
// whether it may (an Allow's reading), else whether it must (a Deny's).
func (s rule) applies(r Request, env Env, may bool) (throughAccount, ok bool) {
	throughAccount, ok = s.principalApplies(r.Principal, env)
	if !ok || !s.actionApplies(r.Action, may) || !s.resourceApplies(r.Resource, env, may) {
		return false, false
	}
	return throughAccount, s.conditionsHold(r, env, may)
}

func (s rule) principalApplies(p Principal, env Env) (throughAccount, ok bool) {
	switch {
	case s.notPrincipal:
		// Everyone but those it names exactly: a role calls through its
		// sessions, which its ARN does not name, and an account root
		// names the root user alone.
		return false, !slices.ContainsFunc(s.principals, func(q principalEntry) bool {
			return q.ID == p.ID && !strings.Contains(q.ID, ":role/") && !isAttributeReference(q.ID)
		})
	case s.holder:
		return false, true // an identity policy: its holder
	}
	for _, q := range s.principals {
		if throughAccount, ok := q.matches(p, env); ok {
			return throughAccount, true
		}
	}
	return false, false
}

// matches reports whether statement principal q stands for p: *, p
// itself, or p's account (throughAccount).
func (q principalEntry) matches(p Principal, env Env) (throughAccount, ok bool) {
	switch {
	case q.Principal == Anyone:
		return false, true
	case q.Kind != p.Kind:
		return false, false
	case q.ID == p.ID:
		return q.isRoot, true
	}
	ok = q.isRoot && env.sameAccount(q.root, AccountOf(p))
	return ok, ok
}

func (s rule) actionApplies(action string, may bool) bool {
	// An action name, as requests carry, against a pattern of plain text
	// and wildcards, as most are: a glob match whether may or must.
	named := isASCII(action) && !strings.ContainsAny(action, "*?$")
	lower := ""
	matches := func(pattern string, may bool) bool {
		if named && isASCII(pattern) && !strings.Contains(pattern, "${") {
			return globASCII(pattern, action, true)
		}
		if lower == "" {
			lower = strings.ToLower(action)
		}
		return matchText(pattern, lower, Env{}, may)
	}
	if s.notAction {
		return !slices.ContainsFunc(s.actions, func(x string) bool { return matches(x, !may) })
	}
	return slices.ContainsFunc(s.actions, func(x string) bool { return matches(x, may) })
}

func (s rule) resourceApplies(resource string, env Env, may bool) bool {
	switch {
	case resource == "", s.anyResource:
		return true // the resource the policy is attached to, or an identity policy's any
	case s.notResource:
		return !slices.ContainsFunc(s.resources, func(x string) bool { return matchText(x, resource, env, !may) })
	}
	return slices.ContainsFunc(s.resources, func(x string) bool { return matchText(x, resource, env, may) })
}

// matchText reports whether pattern matches text, either of which may hold
// references: when may, whether it may match, else whether it must.
func matchText(pattern, text string, env Env, may bool) bool {
	if len(env.Accounts) > 0 {
		pattern, text = env.canonical(pattern), env.canonical(text)
	}
	switch {
	case env.ExactReferences:
		pattern, text = unnamedRefs(pattern), unnamedRefs(text)
	case strings.Contains(text, Unnamed):
		pattern = unnamedRefs(pattern)
	}
	if may {
		return Overlaps(pattern, text)
	}
	return Covers(pattern, text)
}

// principalKeys are the condition keys whose value follows from who calls.
var principalKeys = map[string]bool{"kms:calleraccount": true, "aws:principalaccount": true, "aws:principalarn": true}

// contextValue gives the value a request has for a condition key: present,
// absent, or free (the request does not decide it); the keys of the time
// take now, where it is known.
func (r Request) contextValue(key string, now time.Time) (value string, present, free bool) {
	if principalKeys[key] {
		switch key {
		case "aws:principalarn":
			value = r.Principal.ID
		default:
			value = AccountOf(r.Principal)
		}
		return value, value != "" && r.Principal.Kind == "AWS", false
	}
	if a, known := LookupAction(r.Action); known && !a.Carries(key) {
		return "", false, false // absent from every request of the action
	}
	if !now.IsZero() {
		switch key {
		case "aws:currenttime":
			return now.UTC().Format(time.RFC3339), true, false
		case "aws:epochtime":
			return strconv.FormatInt(now.Unix(), 10), true, false
		}
	}
	if v, ok := r.Context[key]; ok {
		return v, true, false
	}
	return "", false, !r.Decides[key]
}

func (s rule) conditionsHold(r Request, env Env, may bool) bool {
	for _, t := range s.tests {
		if !t.op.holds(t.key, t.values, r, env, may) {
			return false
		}
	}
	return true
}

// holds evaluates one test of a condition against the request, by the
// IAM rules for a key the request lacks: IfExists and ForAllValues pass,
// ForAnyValue fails, Null true passes, a negated operator passes, any
// other fails. A test with no values never holds (IAM refuses it).
func (o operator) holds(key string, values []string, r Request, env Env, may bool) bool {
	value, present, free := r.contextValue(key, env.Now)
	switch {
	case free || len(values) == 0:
		// A test with no values is one IAM leaves unclear: like a free
		// key, it may hold and need not.
		return may
	case !present:
		switch {
		case o.ifExists || o.set == "ForAllValues":
			return true
		case o.set == "ForAnyValue":
			return false
		case o.base == "Null":
			return slices.ContainsFunc(values, func(v string) bool { return strings.EqualFold(v, "true") })
		}
		_, negative := positiveOf(o.base)
		return negative
	case o.base == "Null":
		return slices.ContainsFunc(values, func(v string) bool { return strings.EqualFold(v, "false") })
	}
	positive, negative := positiveOf(o.base)
	// A negated test holds where no value matches: it may hold where not
	// every value must match, and must hold where none may.
	matched := slices.ContainsFunc(values, func(v string) bool {
		return valueMatches(positive, r.fillVariables(v), value, env, may != negative)
	})
	return matched != negative
}

// positiveOf gives an operator's base without its negation, and whether it
// had one: StringNotLike is StringLike negated, NotIpAddress IpAddress.
func positiveOf(base string) (positive string, negated bool) {
	if positive, negated = strings.CutPrefix(base, "Not"); negated {
		return positive, true
	}
	positive = strings.Replace(base, "Not", "", 1)
	return positive, positive != base
}

// valueMatches reports whether a request's value matches one value of a
// test, by the operator's base without its negation: when may, whether it
// may match, else whether it must.
func valueMatches(base, want, got string, env Env, may bool) bool {
	switch base {
	case "StringEquals", "ArnEquals":
		if base == "ArnEquals" {
			return matchText(want, got, env, may)
		}
		return sameText(want, got, env, may)
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(want, got) || sameText(want, got, env, may)
	case "StringLike", "ArnLike":
		return matchText(want, got, env, may)
	case "Bool":
		return strings.EqualFold(want, got)
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		return compareNumbers(base, want, got)
	case "IpAddress":
		prefix, err := netip.ParsePrefix(want)
		if err != nil {
			prefix, err = netip.ParsePrefix(want + "/32")
		}
		addr, errAddr := netip.ParseAddr(got)
		return err == nil && errAddr == nil && prefix.Contains(addr)
	case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		w, errW := readTime(want)
		g, errG := readTime(got)
		switch {
		case errG != nil:
			return false // a request's value that is no date matches no date
		case errW != nil:
			return may // a date only deployment gives
		}
		return compareNumbers(strings.Replace(base, "Date", "Numeric", 1), strconv.FormatInt(w.Unix(), 10), strconv.FormatInt(g.Unix(), 10))
	case "BinaryEquals":
		return want == got || (may && got != Unnamed)
	}
	return may // an operator IAM does not have matches only where it may
}

// sameText reports whether two texts are equal, account ids that are the
// deploying account being one; a reference may equal anything.
func sameText(want, got string, env Env, may bool) bool {
	want, got = env.canonical(want), env.canonical(got)
	if want == got {
		return true
	}
	if strings.Contains(got, Unnamed) {
		want = unnamedRefs(want)
	}
	if plain(want) && plain(got) {
		return false
	}
	// Wildcards are text here: only references stand for other text.
	if may && !env.ExactReferences {
		return Overlaps(escapeWildcards(want), escapeWildcards(got))
	}
	return false
}

// unnamedRefs writes the references of a policy's text as text of their
// own: a reference stands for one value the template gives, never for the
// Unnamed one a probe asks about.
func unnamedRefs(s string) string {
	return substitute(s, func(name string) (string, bool) {
		if name == "*" || name == "?" || name == "$" || name == "AWS::AccountId" {
			return "", false
		}
		return "\x04" + name + "\x04", true
	})
}

func escapeWildcards(s string) string { return wildcardEscaper.Replace(s) }

var wildcardEscaper = strings.NewReplacer("*", "${*}", "?", "${?}")

// readTime reads a date as IAM's date operators take it: an ISO 8601
// date and time, a date, or seconds since 1970.
func readTime(s string) (time.Time, error) {
	if seconds, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(seconds, 0), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// fillVariables writes the policy variables of a condition's value that
// the request decides: ${aws:PrincipalAccount}, ${aws:ResourceAccount}
// (the account of the resource the policy is in, this one) and
// ${aws:PrincipalArn}; any other stays a variable, which may be any text.
func (r Request) fillVariables(v string) string {
	if !strings.Contains(v, "${aws:") {
		return v
	}
	return substitute(v, func(name string) (string, bool) {
		switch strings.ToLower(name) {
		case "aws:principalaccount":
			return AccountOf(r.Principal), AccountOf(r.Principal) != ""
		case "aws:resourceaccount":
			return ThisAccount, true
		case "aws:principalarn":
			return r.Principal.ID, r.Principal.Kind == "AWS"
		}
		return "", false
	})
}

func compareNumbers(base, want, got string) bool {
	w, errW := strconv.ParseFloat(want, 64)
	g, errG := strconv.ParseFloat(got, 64)
	if errW != nil || errG != nil {
		return false
	}
	switch base {
	case "NumericEquals":
		return g == w
	case "NumericLessThan":
		return g < w
	case "NumericLessThanEquals":
		return g <= w
	case "NumericGreaterThan":
		return g > w
	}
	return g >= w
}
