package cfn

import (
	"iter"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Absent is, among the values a Probe tries for a condition key, a request
// that does not carry the key.
const Absent = "\x00absent"

// Unnamed is a value no policy names: what a caller may give where a
// policy expects something else.
const Unnamed = "unnamed-by-any-policy"

// Probe is a family of requests: one principal, any of some actions, one
// resource, and for some condition keys the values to try. Asking whether
// a policy permits a probe asks whether it permits some request of it.
type Probe struct {
	Principal Principal
	Actions   []string
	Resource  string
	// Context gives, for a condition key in lower case, the values to try
	// (Absent among them for a request without it). A key ending in / or
	// : stands for every key it begins, such as aws:resourcetag/.
	Context map[string][]string
	// DecideAll makes every key the policy tests one the request decides:
	// a key Context leaves out takes each value the policy tests it
	// against, Absent and Unnamed. Without it only the keys a caller does
	// not choose are so tried (kms:ViaService, kms:EncryptionContext:...,
	// aws:PrincipalOrgID...), and conditions on the rest (aws:SourceIp,
	// aws:CurrentTime...) may hold in an Allow and need not in a Deny:
	// they do not hold a principal to anything.
	DecideAll bool
	// ByPolicyAlone counts only what the policy allows the principal
	// itself, not what it leaves to the IAM policies of the principal's
	// account by naming the account.
	ByPolicyAlone bool
}

// pathKeys are the condition keys a caller cannot set at will: where the
// request comes through, what it encrypts, who the caller belongs to.
func pathKey(key string) bool {
	switch key {
	case "kms:viaservice", "kms:grantisforawsresource", "kms:encryptioncontextkeys", "kms:grantoperations",
		"aws:principalorgid", "aws:principalorgpaths", "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner",
		"aws:principalisawsservice", "aws:viaawsservice", "aws:calledvia", "aws:calledviafirst", "aws:calledvialast",
		"aws:principalservicename", "lambda:functionurlauthtype":
		return true
	}
	return strings.HasPrefix(key, "kms:encryptioncontext:")
}

// maxContexts bounds the requests tried for one action: beyond it, the
// probe is answered as permitted, the safe side for a question of who may.
const maxContexts = 4096

// Permits finds a request of the probe that the policy allows, and how it
// decides it.
func (p PolicyDocument) Permits(pr Probe, env Env) (Request, Decision, bool) {
	return p.Compile().Permits(pr, env)
}

// Compiled is a policy read once for evaluation, to ask many questions of.
type Compiled struct {
	policy rules
}

// Compile reads a policy for evaluation.
func (p PolicyDocument) Compile() *Compiled { return &Compiled{p.rules()} }

// Permits finds a request of the probe that the policy allows, and how it
// decides it: of its first action the policy allows.
func (c *Compiled) Permits(pr Probe, env Env) (Request, Decision, bool) {
	for r, d := range c.Allowed(pr, env) {
		return r, d, true
	}
	return Request{}, Decision{Statement: -1}, false
}

// Allowed yields each action of the probe, in order, that the policy
// allows in some request of the probe: that request and how the policy
// decides it.
func (c *Compiled) Allowed(pr Probe, env Env) iter.Seq2[Request, Decision] {
	return func(yield func(Request, Decision) bool) {
		standing := c.policy.standingOf(pr, env)
		var live []liveStatement
		for _, action := range pr.Actions {
			r := Request{Principal: pr.Principal, Action: action, Resource: pr.Resource}
			live = standing.live(live[:0], c.policy, action)
			if !slices.ContainsFunc(live, func(l liveStatement) bool { return c.policy[l.index].effect == Allow }) {
				continue // no Allow may apply: nothing allows it
			}
			keys, candidates := c.policy.contextToTry(live, pr, env)
			if d, ok := c.policy.tryContexts(r, live, keys, candidates, env, pr.ByPolicyAlone); ok && !yield(r, d) {
				return
			}
		}
	}
}

// standing is, for each statement, whether it may apply to a probe's
// principal and resource, whatever the action: the part of deciding that a
// probe's requests share.
type standing []struct{ applies, throughAccount bool }

// standingOf reads each statement's standing for the probe: for an Allow
// whether it may apply, for a Deny whether it must, as decide reads them
// when asked whether a request may be allowed.
func (p rules) standingOf(pr Probe, env Env) standing {
	out := make(standing, len(p))
	for i, s := range p {
		through, ok := s.principalApplies(pr.Principal, env)
		out[i].applies, out[i].throughAccount = ok && s.resourceApplies(pr.Resource, env, s.effect == Allow), through
	}
	return out
}

// liveStatement is a statement that may decide a request: its index, and
// whether it names the principal's account rather than the principal.
type liveStatement struct {
	index          int
	throughAccount bool
}

// live lists, after out, the statements that may decide a request of the
// action: the others cannot apply to it in any context.
func (st standing) live(out []liveStatement, p rules, action string) []liveStatement {
	for i, s := range p {
		if st[i].applies && (s.effect == Allow || s.effect == Deny) && s.actionApplies(action, s.effect == Allow) {
			out = append(out, liveStatement{i, st[i].throughAccount})
		}
	}
	return out
}

// contextToTry lists the condition keys to vary for a request, and the
// values to try for each: the keys tested by the statements live for it,
// other than those that follow from the principal.
func (p rules) contextToTry(live []liveStatement, pr Probe, env Env) ([]string, map[string][]string) {
	var candidates map[string][]string // made when a key is to vary: most requests vary none
	add := func(key string, values ...string) {
		if candidates == nil {
			candidates = map[string][]string{}
		}
		candidates[key] = append(candidates[key], values...)
	}
	given := func(key string) ([]string, bool) {
		if values, ok := pr.Context[key]; ok {
			return values, true
		}
		for prefix, values := range pr.Context {
			if (strings.HasSuffix(prefix, "/") || strings.HasSuffix(prefix, ":")) && strings.HasPrefix(key, prefix) {
				return values, true
			}
		}
		return nil, false
	}
	for _, l := range live {
		for _, t := range p[l.index].tests {
			if values, ok := given(t.key); ok {
				if candidates[t.key] == nil {
					add(t.key, values...)
				}
				continue
			}
			if principalKeys[t.key] || !(pr.DecideAll || pathKey(t.key)) {
				continue
			}
			add(t.key, valuesFor(t.op, t.values)...)
		}
	}
	if candidates == nil {
		return nil, nil
	}
	keys := slices.Sorted(maps.Keys(candidates))
	for _, k := range keys {
		if _, ok := given(k); !ok {
			candidates[k] = set(append(candidates[k], Absent, Unnamed))
		}
	}
	return keys, candidates
}

// valuesFor gives the values that tell a test's outcomes apart: each value
// it names, a pattern's wildcards filled in, and values beside a number.
func valuesFor(o operator, values []string) []string {
	var out []string
	for _, v := range values {
		switch base, _ := positiveOf(o.base); base {
		case "Bool", "Null":
			out = append(out, "true", "false")
		case "StringLike", "ArnLike", "ArnEquals":
			out = append(out, FillWildcards(v))
		case "IpAddress":
			if prefix, err := netip.ParsePrefix(v); err == nil {
				out = append(out, prefix.Addr().String())
			}
			out = append(out, v)
		case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				out = append(out, strconv.FormatFloat(n-1, 'f', -1, 64), strconv.FormatFloat(n+1, 'f', -1, 64))
			}
			out = append(out, v)
		case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
			if t, err := readTime(v); err == nil {
				out = append(out, t.Add(-time.Second).UTC().Format(time.RFC3339), t.Add(time.Second).UTC().Format(time.RFC3339))
			}
			out = append(out, v)
		default:
			out = append(out, v)
		}
	}
	return out
}

// tryContexts tries every combination of the candidate values, in order,
// and gives the first decision that allows. Only the live statements are
// read: no other can apply to the request.
func (p rules) tryContexts(r Request, live []liveStatement, keys []string, candidates map[string][]string, env Env, byPolicyAlone bool) (Decision, bool) {
	total := 1
	for _, k := range keys {
		if total *= len(candidates[k]); total > maxContexts {
			for _, l := range live {
				if p[l.index].effect == Allow && !(byPolicyAlone && l.throughAccount) {
					return Decision{Allowed: true, Statement: l.index, ThroughAccount: l.throughAccount}, true
				}
			}
			return Decision{Statement: -1}, false
		}
	}
	allows := func(r Request) (Decision, bool) {
		d := p.decideAmong(live, r, env)
		return d, d.Allowed && !(byPolicyAlone && d.ThroughAccount)
	}
	if len(keys) == 0 {
		return allows(r)
	}
	r.Decides = decided(keys)
	for r.Context = range contexts(keys, candidates) {
		if d, ok := allows(r); ok {
			return d, true
		}
	}
	return Decision{Statement: -1}, false
}

// decideAmong is decide, asked whether the request may be allowed, reading
// only the statements live for it.
func (p rules) decideAmong(live []liveStatement, r Request, env Env) Decision {
	d := Decision{Statement: -1}
	for _, l := range live {
		if p[l.index].effect == Deny && p[l.index].conditionsHold(r, env, false) {
			return Decision{Denied: true, Statement: l.index}
		}
	}
	for _, l := range live {
		if p[l.index].effect == Allow && p[l.index].conditionsHold(r, env, true) && (!d.Allowed || (d.ThroughAccount && !l.throughAccount)) {
			d = Decision{Allowed: true, Statement: l.index, ThroughAccount: l.throughAccount}
		}
	}
	return d
}

// decided gives the keys a request decides, as Request.Decides holds them.
func decided(keys []string) map[string]bool {
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out
}

// contexts yields every combination of the candidate values of keys, in
// order, as the context of a request, Absent left out. It yields one map
// over and over: whoever keeps one copies it.
func contexts(keys []string, candidates map[string][]string) iter.Seq[map[string]string] {
	return func(yield func(map[string]string) bool) {
		index := make([]int, len(keys))
		context := make(map[string]string, len(keys))
		for {
			clear(context)
			for i, k := range keys {
				if v := candidates[k][index[i]]; v != Absent {
					context[k] = v
				}
			}
			if !yield(context) {
				return
			}
			i := len(keys) - 1
			for ; i >= 0; i-- {
				if index[i]++; index[i] < len(candidates[keys[i]]) {
					break
				}
				index[i] = 0
			}
			if i < 0 {
				return
			}
		}
	}
}

// AllowsBeyond finds a request policy a may allow that policy b does not
// surely allow (where a value is known only at deployment, a reads it the
// way that allows, b the way that does not),
// trying every principal either names (and one of this account and one of
// another that neither names), every action either takes that AWS's
// reference knows (and, for other services, the patterns as written), each
// resource either names, and each value of each condition key either tests.
//
// Where the deploying account is not known, an account id either writes
// may be it: each is tried as the deploying account too. A Deny of b that
// a's Denies do not match counts even where neither policy allows: other
// policies may (an identity policy's Deny applies to its holder's every
// policy).
func (a PolicyDocument) AllowsBeyond(b PolicyDocument, env Env) (Request, bool) {
	env.ExactReferences = true
	both := PolicyDocument{Statement: append(slices.Clone(a.Statement), b.Statement...)}
	everything := Statement{Effect: Allow, Principal: "*", Action: "*", Resource: "*"}
	u := universe{principals: both.principalsToTry(), resources: both.resourcesToTry(),
		actions: PolicyDocument{Statement: append(slices.Clone(both.Statement), everything)}.actionsToTry()}
	envs := []Env{env}
	if len(env.Accounts) == 0 {
		for _, account := range both.accountsNamed() {
			envs = append(envs, Env{Accounts: []string{account}, ExactReferences: true})
		}
	}
	ra, rb := a.rules(), b.rules()
	for _, withEverything := range []bool{false, true} {
		if withEverything {
			// A Deny of b that a's Denies do not match.
			ra, rb = append(ra, compile(everything)), append(rb, compile(everything))
		}
		for _, env := range envs {
			if r, found := ra.beyondIn(rb, u, env); found {
				return r, true
			}
		}
	}
	return Request{}, false
}

// universe is the requests AllowsBeyond tries.
type universe struct {
	principals []Principal
	actions    []string
	resources  []string
}

func (a rules) beyondIn(b rules, u universe, env Env) (Request, bool) {
	both := append(slices.Clone(a), b...)
	for _, principal := range u.principals {
		for _, action := range u.actions {
			for _, resource := range u.resources {
				r := Request{Principal: principal, Action: action, Resource: resource}
				if r, found := a.beyond(b, both, r, env); found {
					return r, true
				}
			}
		}
	}
	return Request{}, false
}

// beyond tries the contexts of one principal, action and resource.
func (a rules) beyond(b, both rules, r Request, env Env) (Request, bool) {
	probe := Probe{Principal: r.Principal, Resource: r.Resource, DecideAll: true}
	keys, candidates := both.contextToTry(both.standingOf(probe, env).live(nil, both, r.Action), probe, env)
	total := 1
	for _, k := range keys {
		if total *= len(candidates[k]); total > maxContexts {
			return r, true // past what can be tried: the safe side
		}
	}
	r.Decides = decided(keys)
	for r.Context = range contexts(keys, candidates) {
		if da := a.decide(r, env, true); da.Allowed {
			if db := b.decide(r, env, false); !db.Allowed || (db.ThroughAccount && !da.ThroughAccount) {
				r.Context = maps.Clone(r.Context)
				return r, true
			}
		}
	}
	return Request{}, false
}

// UnnamedAccount is an account id no template names: the account of a
// principal no policy names.
const UnnamedAccount = "999988887777"

// RoleIn is a role no policy names, of an account.
func RoleIn(account string) Principal {
	partition := "aws"
	if account == ThisAccount {
		partition = "${AWS::Partition}"
	}
	return Principal{Kind: "AWS", ID: "arn:" + partition + ":iam::" + account + ":role/" + Unnamed}
}

// principalsToTry lists each principal the policy names or its conditions
// admit, and a role of this account and one of another account that it
// does not name.
func (p PolicyDocument) principalsToTry() []Principal {
	out := []Principal{RoleIn(ThisAccount), RoleIn(UnnamedAccount)}
	for _, s := range p.Statement {
		for _, q := range slices.Concat(s.Principals(), s.NotPrincipals(), ConditionPrincipals(s)) {
			if q != Anyone && !slices.Contains(out, q) {
				out = append(out, q)
			}
		}
	}
	return out
}

// ConditionPrincipals gives a principal for each account and principal a
// statement's conditions admit: a role of each account kms:CallerAccount
// and aws:PrincipalAccount name, and each ARN aws:PrincipalArn names, its
// wildcards filled in (in the account, UnnamedAccount).
func ConditionPrincipals(s Statement) []Principal {
	var out []Principal
	for _, c := range s.Conditions() {
		for _, v := range c.Values {
			switch strings.ToLower(c.Key) {
			case "kms:calleraccount", "aws:principalaccount":
				if v == ThisAccount || plain(v) {
					out = append(out, RoleIn(v))
				}
			case "aws:principalarn":
				parts := ARNParts(v)
				if len(parts) != 6 {
					continue
				}
				if strings.ContainsAny(parts[4], "*?") || strings.Contains(parts[4], "${") {
					parts[4] = UnnamedAccount
				}
				out = append(out, Principal{Kind: "AWS", ID: FillWildcards(strings.Join(parts, ":"))})
			}
		}
	}
	return out
}

// accountsNamed lists the literal account ids the policy writes.
func (p PolicyDocument) accountsNamed() []string {
	var out []string
	add := func(text string) {
		out = append(out, accountID.FindAllString(text, -1)...)
	}
	for _, s := range p.Statement {
		for _, q := range slices.Concat(s.Principals(), s.NotPrincipals(), ConditionPrincipals(s)) {
			add(q.ID)
		}
	}
	return set(out)
}

var accountID = regexp.MustCompile(`\b\d{12}\b`)

// actionsToTry lists one action of each class the policy's action patterns
// tell apart: of a service whose actions are known, those actions that
// differ in which patterns take them; of any other, each pattern as
// written and one action no pattern names.
func (p PolicyDocument) actionsToTry() []string {
	var patterns []string
	for _, s := range p.Statement {
		patterns = append(patterns, Texts(s.Action)...)
		patterns = append(patterns, Texts(s.NotAction)...)
	}
	services := map[string]bool{}
	for _, pattern := range patterns {
		service := serviceOf(pattern)
		if strings.ContainsAny(service, "*?") {
			service = "" // every service: the known ones stand for all
		}
		services[service] = true
	}
	lower := make([]string, len(patterns))
	for i, p := range patterns {
		lower[i] = strings.ToLower(p)
	}
	var out []string
	seen := map[string]bool{}
	add := func(action string) {
		var signature strings.Builder
		a := strings.ToLower(action)
		for _, pattern := range lower {
			if Covers(pattern, a) {
				signature.WriteString("1")
			} else {
				signature.WriteString("0")
			}
		}
		if key := serviceOf(action) + signature.String(); !seen[key] {
			seen[key] = true
			out = append(out, action)
		}
	}
	for _, service := range []string{"dynamodb", "kms"} {
		for _, a := range ServiceActions(service) {
			add(a.Name)
		}
	}
	for _, service := range slices.Sorted(maps.Keys(services)) {
		if service == "" || ServiceActions(service) != nil {
			continue
		}
		for _, pattern := range patterns {
			if serviceOf(pattern) == service {
				add(FillWildcards(pattern))
			}
		}
		add(service + ":" + Unnamed)
	}
	return out
}

// resourcesToTry lists each resource the policy names, its wildcards
// filled in, one no statement names, and the resource a resource policy
// is attached to ("").
func (p PolicyDocument) resourcesToTry() []string {
	out := []string{"", "arn:aws:unnamed:::" + Unnamed}
	for _, s := range p.Statement {
		for _, r := range slices.Concat(Texts(s.Resource), Texts(s.NotResource)) {
			if r != "*" {
				out = append(out, FillWildcards(r))
			}
		}
	}
	return set(out)
}
