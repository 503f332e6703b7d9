package check

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
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

// samConnectorProfilesJSON holds the statements SAM connectors put on their
// source's role, as the SAM transform on this machine writes them; its
// source field says which.
//
//go:embed sam_connector_profiles.json
var samConnectorProfilesJSON []byte

var samConnectorProfiles = sync.OnceValue(func() map[string]map[string]map[string][]any {
	var table struct {
		Profiles map[string]map[string]map[string][]any `json:"profiles"`
	}
	if err := json.Unmarshal(samConnectorProfilesJSON, &table); err != nil {
		panic("check: sam_connector_profiles.json: " + err.Error()) // embedded at build time; a test reads it
	}
	return table.Profiles
})

// connectorPolicies reads the SAM connectors of the template, each an
// identity policy of its source's role: AWS::Serverless::Connector
// resources, and the Connectors a resource embeds. A connector whose
// source or destination gen check cannot tell is not judged, and CHK001
// says so.
func connectorPolicies(t *cfn.Template) []iamPolicy {
	var out []iamPolicy
	for _, r := range t.Resources() {
		if r.Type == "AWS::Serverless::Connector" {
			out = append(out, connectorPolicy(t, r, r.Prop("Source"), []string{"Properties"}))
		}
		connectors, _ := r.Entry["Connectors"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(connectors)) {
			out = append(out, connectorPolicy(t, r, map[string]any{"Id": r.ID}, []string{"Connectors", name, "Properties"}))
		}
	}
	return out
}

// connectorPolicy reads one connector, whose properties are at path below
// r's entry, as the policy its source's role gets.
func connectorPolicy(t *cfn.Template, r cfn.Resource, source any, path []string) iamPolicy {
	p := iamPolicy{resource: r, path: append(slices.Clone(path), "Permissions"), prefix: "SAM connector: "}
	sourceType, sourceARN := endpoint(t, source)
	var statements []any
	for _, destination := range cfn.List(cfn.At(r.Entry, append(slices.Clone(path), "Destination")...)) {
		destinationType, destinationARN := endpoint(t, destination)
		profile, known := samConnectorProfiles()[sourceType][destinationType]
		if !known {
			p.err = fmt.Errorf("a connector from %s to %s is not one gen check knows", describe(sourceType), describe(destinationType))
			return p
		}
		for _, category := range cfn.Texts(cfn.At(r.Entry, append(slices.Clone(path), "Permissions")...)) {
			for _, s := range profile[category] {
				statements = append(statements, fillEndpoints(s, sourceARN, destinationARN))
			}
		}
	}
	p.expanded = map[string]any{"Statement": statements}
	return p
}

// endpoint reads a connector's source or destination: by Id, the type a
// resource of the template deploys as and its Arn; else its Type and Arn.
func endpoint(t *cfn.Template, v any) (typ string, arn any) {
	if id, ok := cfn.At(v, "Id").(string); ok {
		r, _ := t.Resource(id)
		return cfn.DeployedType(r.Type), map[string]any{"Fn::GetAtt": []any{id, "Arn"}}
	}
	typ, _ = cfn.At(v, "Type").(string)
	return typ, cfn.At(v, "Arn")
}

// fillEndpoints puts the source's and destination's ARNs in a profile's
// statement where it names them.
func fillEndpoints(v any, source, destination any) any {
	switch v := v.(type) {
	case string:
		for placeholder, arn := range map[string]any{"%{Source.Arn}": source, "%{Destination.Arn}": destination} {
			if v == placeholder {
				return arn
			}
			if strings.Contains(v, placeholder) {
				return map[string]any{"Fn::Join": []any{"", []any{strings.Split(v, placeholder)[0], arn, strings.SplitN(v, placeholder, 2)[1]}}}
			}
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = fillEndpoints(e, source, destination)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = fillEndpoints(e, source, destination)
		}
		return out
	}
	return v
}
