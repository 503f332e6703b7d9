package diff

import (
	_ "embed"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Replacement says whether an update replaces a resource: never (in place),
// conditional (it may, depending on the values) or always.
type Replacement string

// The replacement classes, from least to most disruptive.
const (
	Never       Replacement = "never"
	Conditional Replacement = "conditional"
	Always      Replacement = "always"
)

func (r Replacement) rank() int { return slices.Index([]Replacement{Never, Conditional, Always}, r) }

func worst(a, b Replacement) Replacement {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// replacementTSV is written by scripts/replacement-table from the resource
// provider schemas in cfn-lint; its first lines say which version.
//
//go:embed replacement.tsv
var replacementTSV string

// typeRules is what replaces a resource of one type: the property paths
// (steps below Properties, * for any list item) whose change always or may
// replace it, and the property that names it, when a template may set it.
type typeRules struct {
	always, conditional [][]string
	name                string
}

var replacementTable = sync.OnceValue(func() map[string]typeRules {
	table := map[string]typeRules{}
	for line := range strings.SplitSeq(replacementTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			continue
		}
		table[fields[0]] = typeRules{always: splitPaths(fields[1]), conditional: splitPaths(fields[2]), name: fields[3]}
	}
	// What the registry schemas leave out: a table's key schema and local
	// secondary indexes can only be set when it is created.
	for _, t := range []string{"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"} {
		r := table[t]
		r.always = append(r.always, []string{"KeySchema"}, []string{"LocalSecondaryIndexes"})
		table[t] = r
	}
	return table
})

func splitPaths(field string) [][]string {
	var out [][]string
	for p := range strings.SplitSeq(field, ",") {
		if p != "" {
			out = append(out, strings.Split(p, "/"))
		}
	}
	return out
}

// samRenamed are the SAM properties whose names differ in the main
// resource the SAM transform makes (cfn.SAMTypes).
var samRenamed = map[string]map[string]string{
	"AWS::Serverless::Function":     {"CodeUri": "Code", "InlineCode": "Code", "ImageUri": "Code"},
	"AWS::Serverless::StateMachine": {"Name": "StateMachineName"},
	"AWS::Serverless::LayerVersion": {"ContentUri": "Content"},
	"AWS::Serverless::Application":  {"Location": "TemplateURL"},
}

// rulesFor gives the replacement rules of a type, a SAM type through what
// it becomes; ok is false for a type neither the schemas nor the SAM
// transform know.
func rulesFor(typ string) (rules typeRules, ok bool) {
	rules, ok = replacementTable()[cfn.DeployedType(typ)]
	return rules, ok
}

// propertyReplacement says whether changing the property at path (steps
// below Properties) replaces a resource of type typ. A type the schemas do
// not know may be replaced: custom resources decide for themselves.
func propertyReplacement(typ string, path []string) Replacement {
	rules, ok := rulesFor(typ)
	if !ok {
		return Conditional
	}
	if renames, isSAM := samRenamed[typ]; isSAM && len(path) > 0 {
		if renamed, found := renames[path[0]]; found {
			path = append([]string{renamed}, path[1:]...)
		}
	}
	switch {
	case matchesAny(rules.always, path):
		return Always
	case matchesAny(rules.conditional, path):
		return Conditional
	}
	return Never
}

// matchesAny reports whether path lies on one of patterns: one is a prefix
// of the other, * matching any step.
func matchesAny(patterns [][]string, path []string) bool {
	return slices.ContainsFunc(patterns, func(p []string) bool {
		for i := range min(len(p), len(path)) {
			if p[i] != "*" && p[i] != path[i] {
				return false
			}
		}
		return true
	})
}

// nameProperty is the property that names a resource of type typ, when a
// template may set it; "" when it has none.
func nameProperty(typ string) string {
	rules, _ := rulesFor(typ)
	name := rules.name
	if renames, isSAM := samRenamed[typ]; isSAM {
		for from, to := range renames {
			if to == name {
				name = from
			}
		}
	}
	return name
}

// keyAttributesRetyped names the attributes of a table's key, or of one of
// its local secondary indexes' keys, whose AttributeType changes: DynamoDB
// cannot change a key's type, so the table is replaced. An attribute only
// a global secondary index's key uses is not the table's key: the index
// is rebuilt, the table stays.
func keyAttributesRetyped(o, n cfn.Resource) []string {
	if t := cfn.DeployedType(n.Type); t != "AWS::DynamoDB::Table" && t != "AWS::DynamoDB::GlobalTable" {
		return nil
	}
	was, is := attributeTypes(o), attributeTypes(n)
	var out []string
	for _, name := range slices.Sorted(maps.Keys(keyAttributes(o, n))) {
		if w, ok := was[name]; ok && is[name] != "" && w != is[name] {
			out = append(out, name)
		}
	}
	return out
}

func attributeTypes(r cfn.Resource) map[string]string {
	out := map[string]string{}
	for _, a := range cfn.List(r.Prop("AttributeDefinitions")) {
		out[cfn.Text(cfn.At(a, "AttributeName"))] = cfn.Text(cfn.At(a, "AttributeType"))
	}
	return out
}

// keyAttributes are the attributes the key schemas of the tables, and of
// their local secondary indexes, name.
func keyAttributes(tables ...cfn.Resource) map[string]bool {
	out := map[string]bool{}
	for _, t := range tables {
		schemas := []any{t.Prop("KeySchema")}
		for _, lsi := range cfn.List(t.Prop("LocalSecondaryIndexes")) {
			schemas = append(schemas, cfn.At(lsi, "KeySchema"))
		}
		for _, schema := range schemas {
			for _, k := range cfn.List(schema) {
				out[cfn.Text(cfn.At(k, "AttributeName"))] = true
			}
		}
	}
	return out
}
