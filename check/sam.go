package check

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// samPolicyTemplatesJSON holds the SAM policy templates, as the SAM
// transform pinned in tools.txt expands them; its source field says which.
// make regenerate (scripts/sam-policy-templates) writes it.
//
//go:embed sam_policy_templates.json
var samPolicyTemplatesJSON []byte

type samPolicyTemplate struct {
	Parameters []string `json:"parameters"`
	Definition any      `json:"definition"`
}

var samPolicyTemplates = sync.OnceValue(func() map[string]samPolicyTemplate {
	var table struct {
		Templates map[string]samPolicyTemplate `json:"templates"`
	}
	if err := json.Unmarshal(samPolicyTemplatesJSON, &table); err != nil {
		panic("check: sam_policy_templates.json: " + err.Error()) // embedded at build time; a test reads it
	}
	return table.Templates
})

// expandSAMTemplate gives the policy document a SAM policy template stands
// for, {Name: {Parameter: value}}, each Ref to a parameter given its value,
// as the SAM transform does.
func expandSAMTemplate(item map[string]any) (any, error) {
	for name, args := range item {
		t, known := samPolicyTemplates()[name]
		if !known {
			return nil, fmt.Errorf("the SAM policy template %s is not one gen check knows", name)
		}
		values, _ := args.(map[string]any)
		return fillParameters(t.Definition, t.Parameters, values), nil
	}
	return nil, nil
}

func fillParameters(v any, parameters []string, values map[string]any) any {
	switch v := v.(type) {
	case map[string]any:
		if name, arg, ok := cfn.Intrinsic(v); ok && name == "Ref" {
			if p, _ := arg.(string); slices.Contains(parameters, p) && values[p] != nil {
				return values[p]
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = fillParameters(e, parameters, values)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = fillParameters(e, parameters, values)
		}
		return out
	}
	return v
}
