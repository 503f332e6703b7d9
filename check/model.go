package check

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// model is a template as the rules read it: the template, and the policies
// and table keys several rules read, read once for each template judged
// (each branch of its conditions is one).
type model struct {
	*cfn.Template
	env            cfn.Env
	stackName      string            // Options.StackName
	deployedTables map[string]string // Options.Tables
	tableKeys      []tableKeyPair
	// The policies, read when a rule first asks: the posture rules never do.
	keyPolicies      func() []keyPolicy // the keys whose policy can be read
	unreadableKeys   func() []hit       // the keys whose policy cannot, for CHK001
	iamPolicies      func() []iamPolicy
	resourcePolicies func() []resourcePolicy
	resources        func() []cfn.Resource // every resource, sorted: most rules list some
}

func newModel(t *cfn.Template, env cfn.Env) *model {
	keys := sync.OnceValues(func() ([]keyPolicy, []hit) { return keyPoliciesOf(t, env) })
	return &model{Template: t, env: env, tableKeys: tableKeysOf(t),
		keyPolicies:      func() []keyPolicy { readable, _ := keys(); return readable },
		unreadableKeys:   func() []hit { _, unreadable := keys(); return unreadable },
		iamPolicies:      sync.OnceValue(func() []iamPolicy { return iamPoliciesOf(t) }),
		resourcePolicies: sync.OnceValue(func() []resourcePolicy { return resourcePoliciesOf(t) }),
		resources:        sync.OnceValue(func() []cfn.Resource { return t.Resources() }),
	}
}

// Resources lists the resources of the given types, or all of them, as
// cfn.Template.Resources does, from one listing of the template's.
func (m *model) Resources(types ...string) []cfn.Resource {
	var out []cfn.Resource
	for _, r := range m.resources() {
		if len(types) == 0 || slices.Contains(types, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// statement is a policy statement and its path below its resource's entry.
type statement struct {
	cfn.Statement
	path []string
}

// statementsAt reads the policy document at path below r's entry; a
// document that cannot be read has no statements, and a CHK001 finding says
// so (unreadable).
func statementsAt(r cfn.Resource, path []string) ([]statement, error) {
	return policyStatements(cfn.At(r.Entry, path...), path)
}

// policyStatements reads a policy document written at path, and gives each
// statement its own path: by its index, unless the document gives a single
// statement for the list. A document written as a JSON string has no place
// for each statement in the template; its index still tells them apart.
func policyStatements(doc any, path []string) ([]statement, error) {
	p, err := cfn.ReadPolicy(doc)
	if err != nil {
		return nil, err
	}
	if name, arg, ok := cfn.Intrinsic(doc); ok && name == "Fn::ToJsonString" {
		path, doc = append(slices.Clone(path), name), arg
	}
	_, single := cfn.At(doc, "Statement").(map[string]any)
	out := make([]statement, len(p.Statement))
	for i, s := range p.Statement {
		at := append(slices.Clone(path), "Statement")
		if !single {
			at = append(at, strconv.Itoa(i))
		}
		out[i] = statement{s, at}
	}
	return out, nil
}

func allows(s cfn.Statement) bool { return s.Effect == cfn.Allow }

// isAccountRoot reports whether a principal names a whole account: its root
// ARN or its id, the account written out, as ${AWS::AccountId} or as any
// other reference, such as a parameter.
func isAccountRoot(p cfn.Principal) bool {
	if _, ok := cfn.AccountRoot(p); ok {
		return true
	}
	return p.Kind == "AWS" && rootWithReference(p.ID)
}

func rootWithReference(arn string) bool {
	parts := strings.Split(arn, ":")
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root" &&
		strings.HasPrefix(parts[4], "${") && strings.HasSuffix(parts[4], "}")
}

// conditionKeys lists the condition keys a statement tests, in lower case,
// whatever the operator.
func conditionKeys(s cfn.Statement) []string {
	var keys []string
	for _, c := range s.Conditions() {
		keys = append(keys, c.Key)
	}
	return keys
}

func unreadable(resource string, path []string, err error) hit {
	return hitf(resource, path, "%s cannot be read as a policy (%v): it is not judged", strings.Join(path, "."), err)
}
