package cfn

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// PolicyVersion is the current version of the IAM policy language.
const PolicyVersion = "2012-10-17"

// Policy statement effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// PolicyDocument is an IAM policy, a KMS key policy or any resource policy,
// as written.
type PolicyDocument struct {
	Version   string      `json:"Version,omitempty"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document as written: Principal is
// "*" or a map from kind (AWS, Service, Federated, CanonicalUser) to a value
// or a list of them; Action, Resource and their Not forms are a value or a
// list. The values may be intrinsics. Its methods read it as sets.
type Statement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

// ReadPolicy reads a policy document given as a map, as a JSON string (as
// the AWS APIs and Fn::ToJsonString give it) or through Fn::ToJsonString
// (AWS::LanguageExtensions). A single statement may stand for the list.
func ReadPolicy(doc any) (PolicyDocument, error) {
	if name, arg, ok := Intrinsic(doc); ok && name == "Fn::ToJsonString" {
		doc = arg
	}
	if s, ok := doc.(string); ok {
		var parsed any
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			return PolicyDocument{}, fmt.Errorf("policy: %w", err)
		}
		doc = parsed
	}
	m, ok := doc.(map[string]any)
	if !ok || IsIntrinsic(doc) {
		return PolicyDocument{}, fmt.Errorf("policy: want a document with a Statement list, got %s", Text(doc))
	}
	var raw []any
	switch s := m["Statement"].(type) {
	case []any:
		raw = s
	case map[string]any:
		raw = []any{s}
	case nil:
		return PolicyDocument{}, fmt.Errorf("policy: want a Statement list, got none")
	default:
		return PolicyDocument{}, fmt.Errorf("policy: want a Statement list, got %s", Text(s))
	}
	p := PolicyDocument{Version: Text(m["Version"]), ID: Text(m["Id"])}
	for i, r := range raw {
		s, err := readStatement(r)
		if err != nil {
			return PolicyDocument{}, fmt.Errorf("policy: statement %d: %w", i+1, err)
		}
		p.Statement = append(p.Statement, s)
	}
	return p, nil
}

func readStatement(v any) (Statement, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Statement{}, fmt.Errorf("want a mapping, got %s", Text(v))
	}
	s := Statement{
		Sid: Text(m["Sid"]), Effect: Text(m["Effect"]),
		Principal: m["Principal"], NotPrincipal: m["NotPrincipal"],
		Action: m["Action"], NotAction: m["NotAction"],
		Resource: m["Resource"], NotResource: m["NotResource"],
	}
	if s.Effect != Allow && s.Effect != Deny {
		return Statement{}, fmt.Errorf("its Effect is %q; want Allow or Deny", s.Effect)
	}
	if m["Condition"] == nil {
		return s, nil
	}
	c, ok := m["Condition"].(map[string]any)
	if !ok {
		// Dropped, it would make a conditional statement read as one without
		// conditions: a Deny as broader, an Allow as narrower.
		return Statement{}, fmt.Errorf("Condition: want a mapping of operators to tests, got %s", Text(m["Condition"]))
	}
	s.Condition = map[string]map[string]any{}
	for op, tests := range c {
		t, ok := tests.(map[string]any)
		if !ok {
			return Statement{}, fmt.Errorf("Condition %s: want a mapping of keys to values", op)
		}
		s.Condition[op] = t
	}
	return s, nil
}

// Principal is one principal a statement names. Kind is AWS, Service,
// Federated or CanonicalUser; Anyone is the * principal.
type Principal struct {
	Kind string
	ID   string
}

// Anyone is the * principal, however it is written ("*" or {AWS: "*"}).
var Anyone = Principal{Kind: "AWS", ID: "*"}

// String writes the principal as findings name it: "*", an ARN, or
// "service dynamodb.amazonaws.com".
func (p Principal) String() string {
	if p.Kind == "AWS" {
		return p.ID
	}
	return strings.ToLower(p.Kind) + " " + p.ID
}

// Principals reads Principal as a set, sorted.
func (s Statement) Principals() []Principal { return principals(s.Principal) }

// NotPrincipals reads NotPrincipal as a set, sorted.
func (s Statement) NotPrincipals() []Principal { return principals(s.NotPrincipal) }

func principals(v any) []Principal {
	m, isMap := v.(map[string]any)
	switch {
	case v == nil:
		return nil
	case !isMap || IsIntrinsic(v):
		if Text(v) == "*" {
			return []Principal{Anyone}
		}
		return []Principal{{Kind: "AWS", ID: Text(v)}}
	}
	var out []Principal
	for kind, ids := range m {
		for _, id := range Texts(ids) {
			p := Principal{Kind: kind, ID: id}
			if kind == "Service" {
				p.ID = strings.ToLower(id)
			}
			out = append(out, p)
		}
	}
	slices.SortFunc(out, comparePrincipals)
	return slices.Compact(out)
}

func comparePrincipals(a, b Principal) int {
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Actions reads Action as a set of patterns as written, sorted: IAM
// compares actions without regard to case, so kms:Decrypt and KMS:decrypt
// are one, written as first given.
func (s Statement) Actions() []string { return foldSet(Texts(s.Action)) }

// NotActions reads NotAction like Actions.
func (s Statement) NotActions() []string { return foldSet(Texts(s.NotAction)) }

// CoversAction reports whether the statement takes in every action that
// pattern matches: of a service whose actions are known (dynamodb, kms),
// every known action it matches, so that kms:?* and a list of every KMS
// action cover kms:*; of any other, by the patterns, its Action covering
// pattern or its NotAction leaving it all in.
func (s Statement) CoversAction(pattern string) bool {
	service := serviceOf(pattern)
	if known := matchingActions(service, pattern); len(known) > 0 {
		taken := takenActions(s, service).names
		return !slices.ContainsFunc(known, func(a Action) bool { return !taken[a.Name] })
	}
	if s.NotAction != nil {
		return !slices.ContainsFunc(s.NotActions(), func(x string) bool { return actionsOverlap(x, pattern) })
	}
	return actionCovered(pattern, s.Actions())
}

// TouchesAction reports whether the statement takes in some action that
// pattern matches: a known action, for a service whose actions are known.
func (s Statement) TouchesAction(pattern string) bool {
	service := serviceOf(pattern)
	if known := matchingActions(service, pattern); len(known) > 0 {
		taken := takenActions(s, service).names
		return slices.ContainsFunc(known, func(a Action) bool { return taken[a.Name] })
	}
	if s.NotAction != nil {
		return !slices.ContainsFunc(s.NotActions(), func(x string) bool { return actionCovers(x, pattern) })
	}
	return slices.ContainsFunc(s.Actions(), func(x string) bool { return actionsOverlap(x, pattern) })
}

// TakesAction reports whether the statement takes in one action, such as
// kms:Decrypt.
func (s Statement) TakesAction(action string) bool { return actionRule(s).actionApplies(action, true) }

// ActionsTaken lists the known actions of a service (dynamodb, kms) that
// the statement takes in.
func (s Statement) ActionsTaken(service string) []Action {
	return slices.Clone(takenActions(s, service).list)
}

func serviceOf(action string) string {
	service, _, _ := strings.Cut(action, ":")
	return strings.ToLower(service)
}

// Resources reads Resource as a set of patterns, sorted.
func (s Statement) Resources() []string { return set(Texts(s.Resource)) }

// NotResources reads NotResource like Resources.
func (s Statement) NotResources() []string { return set(Texts(s.NotResource)) }

// foldSet sorts values without regard to case and keeps the first of
// those that differ only in case.
func foldSet(values []string) []string {
	slices.SortStableFunc(values, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.CompactFunc(values, strings.EqualFold)
}

// actionCovers, actionsOverlap and actionCovered compare action patterns
// as IAM does, without regard to case.
func actionCovers(p, q string) bool   { return Covers(strings.ToLower(p), strings.ToLower(q)) }
func actionsOverlap(p, q string) bool { return Overlaps(strings.ToLower(p), strings.ToLower(q)) }
func actionCovered(x string, patterns []string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return actionCovers(p, x) })
}

func set(values []string) []string {
	slices.Sort(values)
	return slices.Compact(values)
}

// Condition is one test of a statement's Condition block: an operator, a
// key (as written: IAM compares keys without regard to case) and the
// values any of which satisfies it.
type Condition struct {
	Operator string
	Key      string
	Values   []string
}

// String writes the condition as findings name it.
func (c Condition) String() string {
	values := strings.Join(c.Values, ", ")
	if len(c.Values) == 0 {
		values = "(no values)"
	}
	return fmt.Sprintf("%s %s %s", c.Operator, c.Key, values)
}

// Conditions reads the Condition block as a list sorted by key and operator.
func (s Statement) Conditions() []Condition {
	var out []Condition
	for op, tests := range s.Condition {
		for key, values := range tests {
			out = append(out, Condition{Operator: op, Key: key, Values: set(Texts(values))})
		}
	}
	slices.SortFunc(out, func(a, b Condition) int {
		if c := strings.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key)); c != 0 {
			return c
		}
		return strings.Compare(a.Operator, b.Operator)
	})
	return out
}

// Name names the statement, the index-th of its policy, as findings do: its
// Sid, else its place.
func (s Statement) Name(index int) string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("statement %d", index+1)
}

// accountRoot matches the ways of writing an account as a principal: its
// root user's ARN, or its bare id, with intrinsics spelled ${...}.
var accountRoot = regexp.MustCompile(`^(?:arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):iam::(\d{12}|\$\{AWS::AccountId\}):root|(\d{12}|\$\{AWS::AccountId\}))$`)

// AccountRoot gives the account a principal stands for when it names a whole
// account (its root ARN or its id), as a key policy delegates to IAM.
func AccountRoot(p Principal) (account string, ok bool) {
	if p.Kind != "AWS" {
		return "", false
	}
	m := accountRoot.FindStringSubmatch(p.ID)
	if m == nil {
		return "", false
	}
	return m[1] + m[2], true
}
