package verify

import (
	"fmt"
	"slices"
	"strings"
)

// deployment checks that the stack holds each resource its template makes,
// with a physical id and not failed. Every other check reads what the stack
// holds, so a resource it lacks would pass unseen. moto lists each resource
// its CloudFormation skips with no logical or physical id: with -emulator
// such a resource is not verifiable, and what was made in its place through
// the service's API is compared where verify can find it by its own id;
// but a global table or replica key fails (replicaTypes).
func (v Verifier) deployment(s *stack) []Line {
	ids := map[string]bool{}
	for id := range s.template.Section("Resources") {
		ids[id] = true
	}
	for id := range s.status {
		ids[id] = true
	}
	unlisted := 0
	for id := range ids {
		if _, listed := s.status[id]; !listed {
			if made, err := s.makes(id); made || err != nil {
				unlisted++
			}
		}
	}
	// On an emulator, resources listed with no logical id account for the
	// template's resources the stack does not list by name, one for one.
	explained := v.Emulator && unlisted <= s.nameless
	var lines []Line
	for _, id := range sortedKeys(ids) {
		subject := "resource " + id
		status, listed := s.status[id]
		_, held := s.physical[id]
		switch {
		case strings.HasSuffix(status, "_FAILED") && held:
			lines = append(lines, Line{Fail, subject, "status " + status + ": the stack is not as its template says"})
			continue
		case strings.HasSuffix(status, "_FAILED"):
			lines = append(lines, Line{Fail, subject, "no physical id (status " + status + "): the stack is not as its template says"})
			continue
		case held:
			continue
		}
		made, err := s.makes(id)
		switch {
		case err != nil:
			lines = append(lines, unresolved(subject, "whether the template makes it", err))
			continue
		case !made && listed:
			lines = append(lines, Line{Fail, subject, "no physical id (status " + status + "), and the template does not make it: the stack is not as its template says"})
			continue
		case !made:
			continue
		}
		typ := s.resource(id).Type
		switch {
		case v.Emulator && (listed || explained) && slices.Contains(replicaTypes, typ):
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s, which the template makes, is not in the stack: moto's CloudFormation skips the type, as the stack's listing shows, and nothing made in its place holds a replica or its key: it is not deployed", typ)})
		case listed && v.Emulator:
			lines = append(lines, Line{NotVerifiable, subject, fmt.Sprintf("%s not verifiable on this emulator: the stack lists it with no physical id (status %s), as moto's CloudFormation lists a type it skips; %s", typ, status, s.inPlaceOf(id))})
		case listed:
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s, which the template makes, has no physical id (status %s): the stack is not as its template says", typ, status)})
		case explained:
			lines = append(lines, Line{NotVerifiable, subject, fmt.Sprintf("%s not verifiable on this emulator: the stack does not list it by name, and lists %d resources with no logical id, as moto's CloudFormation lists the types it skips; %s", typ, s.nameless, s.inPlaceOf(id))})
		default:
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s, which the template makes, is not in the stack: the stack is not as its template says", typ)})
		}
	}
	surplus := s.nameless
	if explained {
		surplus -= unlisted
	}
	if surplus > 0 {
		lines = append(lines, Line{Fail, "stack", fmt.Sprintf("lists %d resources with no logical id, which verify cannot match with the template's: the stack is not as its template says", surplus)})
	}
	return lines
}

// replicaTypes are what a global table's replicas and their keys rest on,
// which moto 5.2.1's CloudFormation skips: nothing made through the
// emulator's API stands in for one, so on the emulator a skipped one fails.
var replicaTypes = []string{"AWS::DynamoDB::GlobalTable", "AWS::KMS::ReplicaKey"}

// makes reports whether the stack makes a resource of its template: it
// does unless the resource's Condition is false for the stack.
func (s *stack) makes(id string) (bool, error) {
	r, ok := s.template.Resource(id)
	if !ok {
		return false, nil
	}
	condition, ok := r.Entry["Condition"].(string)
	if !ok {
		return true, nil
	}
	holds, err := s.resolve(map[string]any{"Fn::If": []any{condition, true, false}})
	return holds == true, err
}

// inPlaceOf says what verify compares in place of a resource the stack does
// not hold: scripts/moto-compat makes auto scaling through Application Auto
// Scaling's API, where verify finds it by what it scales, as on AWS.
func (s *stack) inPlaceOf(id string) string {
	plan := s.scaling()
	for table, targets := range plan.targets {
		for _, t := range targets {
			if t.id == id {
				return fmt.Sprintf("in its place, the scalable target made through Application Auto Scaling's API (scripts/moto-compat) is compared by its id (%s) under table %s", t.key, table)
			}
		}
	}
	for table, policies := range plan.policies {
		for _, p := range policies {
			if p.id == id {
				return fmt.Sprintf("in its place, the scaling policy put through Application Auto Scaling's API (scripts/moto-compat) is compared by its name and target (%s on %s) under table %s", p.name, p.key, table)
			}
		}
	}
	return "nothing made in its place is compared: it is not proven"
}

// unverifiedResources fails each resource the template makes of a type that
// can give access to a table or key and that verify does not compare, held
// by the stack or not: moto skips some of them.
func (s *stack) unverifiedResources() []Line {
	var lines []Line
	for _, r := range s.template.Resources(unverifiedTypes...) {
		if made, err := s.makes(r.ID); made || err != nil {
			lines = append(lines, Line{Fail, "resource " + r.ID, r.Type + " can give access to a table or key, and verify does not compare it yet: the stack is not proven"})
		}
	}
	return lines
}
