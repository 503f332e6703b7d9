package check

import (
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

func isTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// number gives a literal number; parameters and intrinsics are not numbers.
func number(v any) (float64, bool) {
	f, ok := v.(float64)
	return f, ok
}

// statements reads a policy document; one that cannot be read has none.
func statements(doc any) []cfn.Statement {
	p, err := cfn.ReadPolicy(doc)
	if err != nil {
		return nil
	}
	return p.Statement
}

func allows(s cfn.Statement) bool { return s.Effect == cfn.Allow }

func hasAction(s cfn.Statement, match func(string) bool) bool {
	return slices.ContainsFunc(s.Actions(), match)
}

func hasPrincipal(s cfn.Statement, match func(cfn.Principal) bool) bool {
	return slices.ContainsFunc(s.Principals(), match)
}

func isAccountRoot(p cfn.Principal) bool {
	_, ok := cfn.AccountRoot(p)
	return ok
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
