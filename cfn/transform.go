package cfn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The transforms whose effect on resources the model applies.
const (
	LanguageExtensions = "AWS::LanguageExtensions"
	SAM                = "AWS::Serverless-2016-10-31"
)

// transforms lists the template's Transform names, as written.
func (t *Template) transforms() []string {
	var out []string
	for _, v := range List(t.root["Transform"]) {
		if name, ok := v.(string); ok {
			out = append(out, name)
		} else {
			out = append(out, Text(At(v, "Name")))
		}
	}
	return out
}

// applyTransforms does to the resources what CloudFormation does before it
// creates them, where their posture depends on it: it expands the Fn::ForEach
// loops of AWS::LanguageExtensions and merges SAM's Globals into the
// serverless resources. Other transforms, and Fn::Transform (AWS::Include
// and macros) among the resources, are left undone, and said so; the
// resources are searched for a Fn::Transform where the source holds one.
func (t *Template) applyTransforms(inlineTransforms bool) {
	for _, name := range t.transforms() {
		switch name {
		case LanguageExtensions:
			t.expandLoops()
		case SAM:
			t.applyGlobals()
			t.expandSimpleTables()
		default:
			t.skip([]string{"Transform"}, fmt.Sprintf("the transform %s is not applied: the resources are judged as written", name))
		}
	}
	if inlineTransforms {
		t.skipInlineTransforms(t.root["Resources"], []string{"Resources"})
	}
}

// skipInlineTransforms says where a Fn::Transform stands among the
// resources: what it inserts, a whole resource or a property, is not known.
func (t *Template) skipInlineTransforms(v any, path []string) {
	found := false
	visitAll(v, func(x any) {
		if m, ok := x.(map[string]any); ok && !found {
			_, found = m["Fn::Transform"]
		}
	})
	if found {
		t.sayInlineTransforms(v, path)
	}
}

// sayInlineTransforms says where each Fn::Transform stands, in the order
// of their paths.
func (t *Template) sayInlineTransforms(v any, path []string) {
	switch v := v.(type) {
	case map[string]any:
		if transform, ok := v["Fn::Transform"]; ok {
			t.skip(append(slices.Clone(path), "Fn::Transform"), fmt.Sprintf("Fn::Transform %s is not applied: what it inserts is not judged", Text(At(transform, "Name"))))
		}
		for _, k := range sortedKeys(v) {
			if k != "Fn::Transform" {
				t.sayInlineTransforms(v[k], append(path, k))
			}
		}
	case []any:
		for i, e := range v {
			t.sayInlineTransforms(e, append(path, strconv.Itoa(i)))
		}
	}
}

func (t *Template) skip(path []string, reason string) {
	t.skipped = append(t.skipped, Skip{path, reason})
}

func (t *Template) origin(path, from []string) {
	if t.origins == nil {
		t.origins = map[string][]string{}
	}
	t.origins[strings.Join(path, pathSeparator)] = from
}

const loopPrefix = "Fn::ForEach::"

// expandLoops replaces each Fn::ForEach loop of the Conditions and
// Resources sections with the entries it makes, under their own names.
func (t *Template) expandLoops() {
	for _, name := range []string{"Conditions", "Resources"} {
		section := t.Section(name)
		if section == nil {
			continue
		}
		out := map[string]any{}
		t.expandInto(out, name, section, []string{name})
		t.root[name] = out
	}
}

// expandInto copies the entries of section, written at source, into out,
// the section named sectionName, with each loop replaced by what it makes.
func (t *Template) expandInto(out map[string]any, sectionName string, section map[string]any, source []string) {
	for _, key := range sortedKeys(section) {
		at := append(slices.Clone(source), key)
		if !strings.HasPrefix(key, loopPrefix) {
			t.put(out, sectionName, key, section[key], at)
			continue
		}
		identifier, items, body, param, err := t.loop(section[key])
		if err != nil {
			// Kept as written, under its own key: whoever compares templates
			// still sees it change.
			t.put(out, sectionName, key, section[key], at)
			t.skip(at, fmt.Sprintf("%s is not expanded: %v", key, err))
			continue
		}
		if param != "" {
			t.skip(at, fmt.Sprintf("%s is expanded over the default of parameter %s (%s): a deployment may give it other values", key, param, strings.Join(items, ", ")))
		}
		bodyAt := append(at, "2")
		for _, item := range items {
			for _, k := range sortedKeys(body) {
				made, value := substituteLoop(k, identifier, item).(string), substituteLoop(body[k], identifier, item)
				if strings.HasPrefix(made, loopPrefix) {
					t.expandInto(out, sectionName, map[string]any{made: value}, bodyAt)
				} else {
					t.put(out, sectionName, made, value, append(slices.Clone(bodyAt), k))
				}
			}
		}
	}
}

// put adds an entry that source wrote to the section named sectionName,
// unless its name is taken.
func (t *Template) put(out map[string]any, sectionName, name string, entry any, source []string) {
	if _, taken := out[name]; taken {
		t.skip(source, fmt.Sprintf("the name %s is made twice in %s; the second is left out", name, sectionName))
		return
	}
	out[name] = entry
	if at := []string{sectionName, name}; !slices.Equal(source, at) {
		t.origin(at, source)
	}
}

// loop reads a Fn::ForEach loop: its identifier, the items of its collection
// and the body it repeats, and the parameter whose default the collection
// is, if it is one.
func (t *Template) loop(v any) (identifier string, items []string, body map[string]any, param string, err error) {
	args, ok := v.([]any)
	if !ok || len(args) != 3 {
		return "", nil, nil, "", fmt.Errorf("want [Identifier, Collection, {OutputKey: Body}]")
	}
	identifier, ok = args[0].(string)
	body, isMap := args[2].(map[string]any)
	if !ok || !isMap {
		return "", nil, nil, "", fmt.Errorf("want [Identifier, Collection, {OutputKey: Body}]")
	}
	collection := args[1]
	if name, arg, isRef := Intrinsic(collection); isRef && name == "Ref" {
		param, _ = arg.(string)
		collection = At(t.Section("Parameters"), param, "Default")
		if s, isString := collection.(string); isString {
			collection = splitList(s)
		}
	}
	list, ok := collection.([]any)
	if !ok || slices.ContainsFunc(list, IsIntrinsic) {
		return "", nil, nil, "", fmt.Errorf("its collection %s cannot be known before deployment", Text(args[1]))
	}
	for _, item := range list {
		items = append(items, Text(item))
	}
	return identifier, items, body, param, nil
}

func splitList(s string) []any {
	var out []any
	for part := range strings.SplitSeq(s, ",") {
		out = append(out, strings.TrimSpace(part))
	}
	return out
}

// substituteLoop puts item in place of the loop's identifier: ${Id} and, with
// everything but letters and digits left out, &{Id} in strings and keys, and
// a Ref to it.
func substituteLoop(v any, identifier, item string) any {
	switch v := v.(type) {
	case string:
		v = strings.ReplaceAll(v, "${"+identifier+"}", item)
		return strings.ReplaceAll(v, "&{"+identifier+"}", alphanumeric(item))
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = substituteLoop(e, identifier, item)
		}
		return out
	case map[string]any:
		if name, arg, ok := Intrinsic(v); ok && name == "Ref" && arg == identifier {
			return item
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[substituteLoop(k, identifier, item).(string)] = substituteLoop(e, identifier, item)
		}
		return out
	}
	return v
}

func alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// SAMTypes maps each SAM resource type to the CloudFormation type of the
// main resource the SAM transform makes of it.
var SAMTypes = map[string]string{
	"AWS::Serverless::Function":     "AWS::Lambda::Function",
	"AWS::Serverless::SimpleTable":  "AWS::DynamoDB::Table",
	"AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
	"AWS::Serverless::LayerVersion": "AWS::Lambda::LayerVersion",
	"AWS::Serverless::Api":          "AWS::ApiGateway::RestApi",
	"AWS::Serverless::HttpApi":      "AWS::ApiGatewayV2::Api",
	"AWS::Serverless::Application":  "AWS::CloudFormation::Stack",
}

// DeployedType is the CloudFormation type a resource of type typ stands
// for once transformed: a SAM type's main resource; any other, itself.
func DeployedType(typ string) string {
	if deployed, ok := SAMTypes[typ]; ok {
		return deployed
	}
	return typ
}

// globalTypes are the SAM resource types that the sections of Globals apply to.
var globalTypes = map[string]string{
	"Function": "AWS::Serverless::Function", "Api": "AWS::Serverless::Api", "HttpApi": "AWS::Serverless::HttpApi",
	"SimpleTable": "AWS::Serverless::SimpleTable", "StateMachine": "AWS::Serverless::StateMachine",
	"LayerVersion": "AWS::Serverless::LayerVersion",
}

// applyGlobals merges each section of SAM's Globals into the properties of
// the resources of its type, as the transform does: a resource's own value
// wins, mappings merge, lists add up.
func (t *Template) applyGlobals() {
	globals := t.Section("Globals")
	for _, section := range sortedKeys(globals) {
		typ, known := globalTypes[section]
		if !known {
			t.skip([]string{"Globals", section}, fmt.Sprintf("Globals section %s is not one SAM applies to a resource type the model knows: it is not merged into any resource", section))
			continue
		}
		properties, _ := globals[section].(map[string]any)
		for _, r := range t.Resources(typ) {
			own := r.Properties
			if own == nil {
				own = map[string]any{}
				r.Entry["Properties"] = own
			}
			for _, k := range sortedKeys(properties) {
				if _, set := own[k]; !set {
					t.origin([]string{"Resources", r.ID, "Properties", k}, []string{"Globals", section, k})
				}
				own[k] = mergeGlobal(properties[k], own[k])
			}
		}
	}
}

// simpleTableKeyTypes are the PrimaryKey Types of a SAM SimpleTable and
// the attribute types the SAM transform writes for them.
var simpleTableKeyTypes = map[string]string{"String": "S", "Number": "N", "Binary": "B"}

// expandSimpleTables writes each SAM SimpleTable as the AWS::DynamoDB::Table
// the SAM transform makes of it, under the same logical id: its PrimaryKey
// (id, a String, when unset) the one HASH key, on-demand unless it sets
// ProvisionedThroughput, its Tags a list; SSESpecification, TableName and
// PointInTimeRecoverySpecification as written. A SimpleTable whose
// PrimaryKey the transform refuses stays as written, said so.
func (t *Template) expandSimpleTables() {
	for _, r := range t.Resources("AWS::Serverless::SimpleTable") {
		at := []string{"Resources", r.ID, "Properties"}
		name, typ := any("id"), "String"
		if key := r.Prop("PrimaryKey"); key != nil {
			name, typ = At(key, "Name"), Text(At(key, "Type"))
		}
		attributeType, known := simpleTableKeyTypes[typ]
		if name == nil || !known {
			t.skip(append(at, "PrimaryKey"), fmt.Sprintf("PrimaryKey is not a Name and a Type of String, Number or Binary: the SAM transform refuses SimpleTable %s", r.ID))
			continue
		}
		properties := map[string]any{
			"AttributeDefinitions": []any{map[string]any{"AttributeName": name, "AttributeType": attributeType}},
			"KeySchema":            []any{map[string]any{"AttributeName": name, "KeyType": "HASH"}},
			"BillingMode":          "PAY_PER_REQUEST",
		}
		if throughput := r.Prop("ProvisionedThroughput"); throughput != nil {
			delete(properties, "BillingMode")
			properties["ProvisionedThroughput"] = throughput
		}
		for _, k := range []string{"SSESpecification", "TableName", "PointInTimeRecoverySpecification"} {
			if v := r.Prop(k); v != nil {
				properties[k] = v
			}
		}
		if tags, ok := r.Prop("Tags").(map[string]any); ok && len(tags) > 0 {
			var list []any
			for _, k := range sortedKeys(tags) {
				list = append(list, map[string]any{"Key": k, "Value": tags[k]})
			}
			properties["Tags"] = list
		}
		for _, made := range []string{"AttributeDefinitions", "KeySchema", "BillingMode"} {
			t.origin(append(slices.Clone(at), made), append(slices.Clone(at), "PrimaryKey"))
		}
		r.Entry["Type"] = SAMTypes[r.Type]
		r.Entry["Properties"] = properties
	}
}

func mergeGlobal(global, own any) any {
	if own == nil {
		return global
	}
	gm, globalIsMap := global.(map[string]any)
	om, ownIsMap := own.(map[string]any)
	if globalIsMap && ownIsMap && !IsIntrinsic(gm) && !IsIntrinsic(om) {
		out := map[string]any{}
		for _, k := range sortedKeys(gm) {
			out[k] = mergeGlobal(gm[k], om[k])
		}
		for _, k := range sortedKeys(om) {
			if _, done := out[k]; !done {
				out[k] = om[k]
			}
		}
		return out
	}
	gl, globalIsList := global.([]any)
	ol, ownIsList := own.([]any)
	if globalIsList && ownIsList {
		return append(slices.Clone(gl), ol...)
	}
	return own
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
