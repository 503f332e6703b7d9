package diff

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Change is what happens to a resource.
type Change string

// The changes a resource can go through.
const (
	Add    Change = "add"
	Remove Change = "remove"
	Modify Change = "modify"
)

// Report is the review of one change between two templates. Unchanged
// resources are not listed.
type Report struct {
	DataLoss bool `json:"dataLoss"`
	// Emptied: a stateful resource is replaced while its old copy is
	// retained outside the stack, which then points at a new, empty one.
	Emptied    bool `json:"emptied"`
	Broadening bool `json:"broadening"`
	Weakening  bool `json:"weakening"`
	// Refused are the changes CloudFormation will not make: the update
	// fails and rolls back.
	Refused    []Refusal        `json:"refused"`
	Resources  []ResourceChange `json:"resources"`
	Security   []SecurityChange `json:"security"`
	Weakenings []Weakening      `json:"weakenings"`
	// Sections names the other top-level sections that changed, such as
	// Outputs or Parameters.
	Sections []string `json:"sections,omitempty"`
}

// ResourceChange is one resource added, removed or modified.
type ResourceChange struct {
	ID          string      `json:"id"`
	Type        string      `json:"type"`
	Change      Change      `json:"change"`
	Replacement Replacement `json:"replacement"`
	DataLoss    bool        `json:"dataLoss"`
	// Emptied: replaced, the old resource and its data retained outside
	// the stack, the new one empty.
	Emptied    bool             `json:"emptied,omitempty"`
	Properties []PropertyChange `json:"properties,omitempty"`
	// RenamedFrom and RenamedTo link a removal and an addition whose bodies
	// match: a logical id change, which CloudFormation carries out as both.
	RenamedFrom string   `json:"renamedFrom,omitempty"`
	RenamedTo   string   `json:"renamedTo,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

// PropertyChange is one property, or attribute, whose value changes. Path
// is dotted from the resource's entry: Properties.KeySchema.0.AttributeName,
// DeletionPolicy.
type PropertyChange struct {
	Path        string      `json:"path"`
	Old         any         `json:"old"`
	New         any         `json:"new"`
	Replacement Replacement `json:"replacement"`
	// Cause names the replaced resource that this property refers to, when
	// the property changes only because that resource gets a new identity.
	Cause string `json:"cause,omitempty"`
	// policy marks a policy document, which the security changes explain.
	policy bool
}

// SecurityChange is one way a policy of a resource grows or shrinks.
type SecurityChange struct {
	Resource string `json:"resource"`
	Kind     string `json:"kind"` // broadening or narrowing
	Detail   string `json:"detail"`
	// identity marks a change to an identity policy, which grantChanges
	// confirms holder by holder.
	identity bool
}

// The kinds of security change.
const (
	Broadening = "broadening"
	Narrowing  = "narrowing"
)

// Weakening is one way the encryption or recovery posture of a resource
// gets weaker: key rotation, point-in-time recovery or deletion protection
// turned off, Retain given up, SSE moved off a customer managed key.
type Weakening struct {
	Resource string `json:"resource"`
	Detail   string `json:"detail"`
}

// Compare reviews the change from template old to template new.
func Compare(old, new *cfn.Template) Report { return compare(old, new, stackFacts{}) }

// stackFacts is what a review knows beyond the two templates: the Region the
// stack lives in ("" when any), and the parameters whose value changes
// outside the template, as a deployment's manifest gives them.
type stackFacts struct {
	region     string
	parameters []string
}

func compare(old, new *cfn.Template, in stackFacts) Report {
	var r Report
	old, new = old.Normalize(), new.Normalize()
	was, is := old.Deployments(in.region, nil), new.Deployments(in.region, nil)
	byID := map[string]*ResourceChange{}
	for _, u := range unjudged(old, new) {
		byID[u.change.ID] = &u.change
		r.Security = append(r.Security, SecurityChange{Resource: u.change.ID, Kind: Broadening, Detail: u.reason + ": what it makes cannot be compared, so it is taken as broader"})
	}
	for _, id := range resourceIDs(old, new) {
		o, inOld := old.Resource(id)
		n, inNew := new.Resource(id)
		var c *ResourceChange
		switch {
		case !inOld && !inNew: // not a resource entry: unjudged says what changed
		case !inOld:
			c = &ResourceChange{ID: id, Type: n.Type, Change: Add, Replacement: Never}
		case !inNew:
			c = &ResourceChange{ID: id, Type: o.Type, Change: Remove, Replacement: Never}
		default:
			c = modified(o, n)
		}
		if c != nil {
			byID[id] = c
		}
		if inOld && !inNew && retained(o) {
			// CloudFormation leaves a retained resource as deployed, its
			// policies included: removing it from the stack changes no access.
			if len(policyChanges(id, o, cfn.Resource{})) > 0 {
				c.Notes = append(c.Notes, "retained with its policies as deployed: removing it from the stack changes no access")
			}
		} else {
			r.Security = append(r.Security, policyChangesIn(was, is, id, o, n)...)
		}
		if inOld && inNew {
			r.Weakenings = append(r.Weakenings, weakenings(old, new, o, n)...)
		}
	}
	r.Security = grantChanges(old, new, was, is, r.Security)
	findRenames(old, new, byID)
	changed := changedInputs(old, new)
	for _, p := range in.parameters {
		changed[p] = true
	}
	security, weaker := inputChanges(old, new, changed, byID)
	r.Security, r.Weakenings = append(r.Security, security...), append(r.Weakenings, weaker...)
	replaceDependants(new, byID)
	r.Refused = refusals(old, new, changed, byID)
	for id, c := range byID {
		o, _ := old.Resource(id)
		n, _ := new.Resource(id)
		c.DataLoss = c.DataLoss || dataLoss(*c, o, n, is)
		c.Emptied = emptied(*c, n)
		c.Notes = append(c.Notes, consequences(*c, o, n, is)...)
		c.Notes = append(c.Notes, updateNotes(old, new, *c, o, n)...)
		r.Resources = append(r.Resources, *c)
	}
	slices.SortFunc(r.Resources, byConcern)
	r.Sections = changedSections(old, new)
	for _, c := range r.Resources {
		r.DataLoss = r.DataLoss || c.DataLoss
		r.Emptied = r.Emptied || c.Emptied
	}
	r.Broadening = slices.ContainsFunc(r.Security, func(s SecurityChange) bool { return s.Kind == Broadening })
	r.Weakening = len(r.Weakenings) > 0
	return r
}

// unjudgedChange is a part of the template the model left as written, such
// as a loop over a collection only deployment knows or a macro it does not
// run, that may differ between the templates: what it makes cannot be
// compared, so it counts as data loss and as broadening, never as nothing.
type unjudgedChange struct {
	change ResourceChange
	reason string
}

func unjudged(old, new *cfn.Template) []unjudgedChange {
	type part struct {
		reason  string
		was, is any
	}
	parts := map[string]part{}
	for _, t := range []*cfn.Template{old, new} {
		for _, s := range t.Skipped() {
			if id, isLoop := loopEntry(s.Path); isLoop {
				parts[id] = part{s.Reason, old.Section("Resources")[id], new.Section("Resources")[id]}
				continue
			}
			// Anything else left undone, such as a macro, can make anything
			// of the rest of the template: unjudged whenever it changes.
			parts[strings.Join(s.Path, ".")] = part{s.Reason, old.Value(), new.Value()}
		}
	}
	var out []unjudgedChange
	for _, id := range slices.Sorted(maps.Keys(parts)) {
		p := parts[id]
		if equal(p.was, p.is) {
			continue
		}
		change := Modify
		switch {
		case p.was == nil:
			change = Add
		case p.is == nil:
			change = Remove
		}
		out = append(out, unjudgedChange{ResourceChange{
			ID: id, Type: "unjudged", Change: change, Replacement: Conditional, DataLoss: true,
			Notes: []string{p.reason + ": what it makes cannot be compared, so it is taken as data loss and broadening"},
		}, p.reason})
	}
	return out
}

// loopEntry gives the logical id under which the model kept a loop it
// could not expand: the loop's own key, at any depth.
func loopEntry(path []string) (string, bool) {
	if len(path) < 2 || path[0] != "Resources" || !strings.HasPrefix(path[len(path)-1], "Fn::ForEach::") {
		return "", false
	}
	return path[len(path)-1], true
}

// byConcern puts data loss first, then replacements, then the rest, each by id.
func byConcern(a, b ResourceChange) int {
	concern := func(c ResourceChange) int {
		if c.DataLoss {
			return 0
		}
		return 3 - c.Replacement.rank()
	}
	return cmp.Or(cmp.Compare(concern(a), concern(b)), cmp.Compare(a.ID, b.ID))
}

func resourceIDs(old, new *cfn.Template) []string {
	return unionKeys(old.Section("Resources"), new.Section("Resources"))
}

// entryAttributes are a resource entry's keys other than Type and
// Properties, compared as they are.
var entryAttributes = []string{"Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"}

// modified compares a resource present in both templates; nil when nothing
// changed.
func modified(o, n cfn.Resource) *ResourceChange {
	c := &ResourceChange{ID: n.ID, Type: n.Type, Change: Modify, Replacement: Never}
	if o.Type != n.Type {
		c.Properties = append(c.Properties, PropertyChange{Path: "Type", Old: o.Type, New: n.Type, Replacement: Always})
	}
	retyped := keyAttributesRetyped(o, n)
	for _, p := range changes([]string{"Properties"}, o.Properties, n.Properties, policyPaths(n.Type)) {
		p.Replacement = propertyReplacement(n.Type, p.steps[1:])
		if len(p.steps) > 1 && p.steps[1] == "AttributeDefinitions" && len(retyped) > 0 {
			p.Replacement = Always
		}
		c.Properties = append(c.Properties, p.PropertyChange)
	}
	if len(retyped) > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("the type of key attribute %s changes: DynamoDB cannot change a key's type, so the table is replaced", strings.Join(retyped, ", ")))
	}
	for _, attribute := range entryAttributes {
		for _, p := range changes([]string{attribute}, o.Entry[attribute], n.Entry[attribute], nil) {
			p.Replacement = Never
			c.Properties = append(c.Properties, p.PropertyChange)
		}
	}
	if len(c.Properties) == 0 {
		return nil
	}
	for _, p := range c.Properties {
		c.Replacement = worst(c.Replacement, p.Replacement)
	}
	if _, known := rulesFor(n.Type); !known {
		c.Notes = append(c.Notes, n.Type+" is not in the resource provider schemas: an update may replace it")
	}
	return c
}

// customNameKept reports whether the new resource sets its name property and
// the change leaves it as it was.
func customNameKept(c *ResourceChange, n cfn.Resource) bool {
	name := nameProperty(n.Type)
	if name == "" || n.Prop(name) == nil {
		return false
	}
	return !slices.ContainsFunc(c.Properties, func(p PropertyChange) bool {
		return p.Path == "Properties."+name || p.Path == "Type"
	})
}

// changedSections names the top-level sections, other than Resources, whose
// value changed.
func changedSections(old, new *cfn.Template) []string {
	var out []string
	for _, k := range unionKeys(old.Value(), new.Value()) {
		if k != "Resources" && !equal(old.Value()[k], new.Value()[k]) {
			out = append(out, k)
		}
	}
	return out
}
