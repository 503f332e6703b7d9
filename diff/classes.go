package diff

import (
	"fmt"
	"slices"
	"strings"
)

// Classes of change a pipeline may refuse (gen diff -fail-on).
const (
	ClassDataLoss    = "data-loss"
	ClassEmptied     = "emptied"
	ClassBroadening  = "broadening"
	ClassRefused     = "refused"
	ClassReplacement = "replacement"
	ClassWeakening   = "weakening"
	ClassAny         = "any"
)

// Classes lists the classes in the order help texts show them.
func Classes() []string {
	return []string{ClassDataLoss, ClassEmptied, ClassBroadening, ClassRefused, ClassReplacement, ClassWeakening, ClassAny}
}

// DefaultFailOn are the classes a review fails on unless told otherwise:
// what destroys data, leaves the stack on an empty copy of it, opens
// access, or fails the deployment.
const DefaultFailOn = ClassDataLoss + "," + ClassEmptied + "," + ClassBroadening + "," + ClassRefused

// ParseClasses reads a comma-separated list of classes, such as
// "data-loss,broadening".
func ParseClasses(list string) ([]string, error) {
	var out []string
	for c := range strings.SplitSeq(list, ",") {
		c = strings.TrimSpace(c)
		if !slices.Contains(Classes(), c) {
			return nil, fmt.Errorf("got %q, want a comma-separated list of %s", c, strings.Join(Classes(), ", "))
		}
		out = append(out, c)
	}
	return out, nil
}

// Has reports whether the change is of the class.
func (r Report) Has(class string) bool {
	switch class {
	case ClassDataLoss:
		return r.DataLoss
	case ClassEmptied:
		return r.Emptied
	case ClassBroadening:
		return r.Broadening
	case ClassWeakening:
		return r.Weakening
	case ClassRefused:
		return len(r.Refused) > 0
	case ClassReplacement:
		return slices.ContainsFunc(r.Resources, func(c ResourceChange) bool { return c.Replacement != Never })
	case ClassAny:
		return len(r.Resources)+len(r.Security)+len(r.Weakenings)+len(r.Sections)+len(r.Refused) > 0
	}
	return false
}
