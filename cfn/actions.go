package cfn

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// iamActionsTSV is AWS's service authorization reference for the services
// whose every action the policy semantics know; its first lines say which
// data it was written from.
//
//go:embed iam_actions.tsv
var iamActionsTSV string

// Action is one IAM action of a service whose every action is known.
type Action struct {
	// Name is the action as AWS writes it: "kms:Decrypt".
	Name string
	// AccessLevel is the reference's: Read, Write, List, Tagging or
	// Permissions management (some list two).
	AccessLevel string
	// ResourceTypes are the resource types the action takes, such as table
	// or key; none when it takes only Resource "*".
	ResourceTypes []string
	// conditionKeys are the service's own condition keys a request of the
	// action may carry, in lower case, ${...} standing for any text.
	conditionKeys []string
}

// Carries reports whether a request of the action may carry a condition
// key: any key but the service's own that the reference does not list
// for it. kms:Decrypt never carries kms:GrantIsForAWSResource, so a test
// of it fails there as on a key a request lacks.
func (a Action) Carries(key string) bool {
	key = strings.ToLower(key)
	if serviceOf(key) != serviceOf(a.Name) {
		return true
	}
	return slices.ContainsFunc(a.conditionKeys, func(k string) bool { return Covers(k, key) })
}

// TakesOnlyAnyResource reports whether the action names no resource type:
// it is allowed on Resource "*" alone and reaches no one resource.
func (a Action) TakesOnlyAnyResource() bool { return len(a.ResourceTypes) == 0 }

type actionTable struct {
	byService map[string][]Action // service prefix → actions, sorted by name
	byName    map[string]Action   // name, as AWS writes it and in lower case → action
}

var actions = sync.OnceValue(func() actionTable {
	t := actionTable{byService: map[string][]Action{}, byName: map[string]Action{}}
	for line := range strings.SplitSeq(iamActionsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			continue
		}
		a := Action{Name: fields[0], AccessLevel: fields[1]}
		if fields[2] != "" {
			a.ResourceTypes = strings.Split(fields[2], ",")
		}
		for _, k := range strings.Split(fields[3], ",") {
			if k != "" {
				// ${EncryptionContextKey} is any text: a pattern's *.
				a.conditionKeys = append(a.conditionKeys, strings.ToLower(substitute(k, func(string) (string, bool) { return "*", true })))
			}
		}
		service, _, _ := strings.Cut(fields[0], ":")
		t.byService[service] = append(t.byService[service], a)
		t.byName[a.Name], t.byName[strings.ToLower(a.Name)] = a, a
	}
	return t
})

// ServiceActions gives every action of a service whose actions are known
// (dynamodb, kms), by name; nil for any other service.
func ServiceActions(service string) []Action { return actions().byService[strings.ToLower(service)] }

// LookupAction finds a known action by its name, in any case.
func LookupAction(name string) (Action, bool) {
	if a, ok := actions().byName[name]; ok {
		return a, true // written as AWS writes it, as most are: no lower-case copy to make
	}
	a, ok := actions().byName[strings.ToLower(name)]
	return a, ok
}

// matchingActions gives the known actions of service that pattern matches,
// by the policy language's wildcards and without regard to case.
func matchingActions(service, pattern string) []Action {
	p := strings.ToLower(pattern)
	key := service + "\x00" + p
	if known, ok := matchedActions.Load(key); ok {
		return known.([]Action)
	}
	var out []Action
	for _, a := range ServiceActions(service) {
		if Covers(p, strings.ToLower(a.Name)) {
			out = append(out, a)
		}
	}
	matchedActions.Store(key, out)
	return out
}

// matchedActions holds what matchingActions found, and taken what takenActions
// did: the checks ask the same of the same patterns again and again.
var matchedActions, taken sync.Map

// actionsTaken is the known actions of a service that a statement's Action
// or NotAction takes in, as a list and by name.
type actionsTaken struct {
	list  []Action
	names map[string]bool
}

// takenActions gives the known actions of service that the statement
// takes in.
func takenActions(s Statement, service string) actionsTaken {
	r := actionRule(s)
	key := strings.Join(append([]string{service, strconv.FormatBool(r.notAction)}, r.actions...), "\x00")
	if known, ok := taken.Load(key); ok {
		return known.(actionsTaken)
	}
	out := actionsTaken{names: map[string]bool{}}
	for _, a := range ServiceActions(service) {
		if r.actionApplies(a.Name, true) {
			out.list = append(out.list, a)
			out.names[a.Name] = true
		}
	}
	taken.Store(key, out)
	return out
}
