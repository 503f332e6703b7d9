package diff_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/diff"
)

// Metamorphic tests keep gen check and gen diff judging meaning as the rules
// grow: every template of the project's tests, rewritten in a way that
// keeps what it means, must give the same findings, and a review of the
// rewrite must find nothing to fail on; a template mutated in a way that
// widens access must give a new finding, and a review that fails.

// rewrite changes how a template is written, not what it means; it reports
// whether it found anything to rewrite.
type rewrite struct {
	name  string
	apply func(root map[string]any) bool
}

var rewrites = []rewrite{
	{"statements in reverse order", func(root map[string]any) bool {
		return eachDocument(root, func(doc map[string]any) bool {
			statements, ok := doc["Statement"].([]any)
			slices.Reverse(statements)
			return ok && len(statements) > 1
		})
	}},
	{"a statement of several actions split in two", func(root map[string]any) bool {
		return eachDocument(root, func(doc map[string]any) bool {
			statements, _ := doc["Statement"].([]any)
			for i, s := range statements {
				m, _ := s.(map[string]any)
				actions, ok := m["Action"].([]any)
				if !ok || len(actions) < 2 {
					continue
				}
				second := copyValue(m).(map[string]any)
				delete(second, "Sid")
				m["Action"], second["Action"] = actions[:1], actions[1:]
				doc["Statement"] = slices.Insert(statements, i+1, any(second))
				return true
			}
			return false
		})
	}},
	{"one action written as a list of one, and its case changed", func(root map[string]any) bool {
		return eachStatement(root, func(s map[string]any) bool {
			action, ok := s["Action"].(string)
			if ok {
				s["Action"] = []any{strings.ToUpper(action[:1]) + action[1:]}
			}
			return ok
		})
	}},
	{"Fn::GetAtt and Ref of a resource written as Fn::Sub", func(root map[string]any) bool {
		resources, _ := root["Resources"].(map[string]any)
		changed := false
		for id, entry := range resources {
			resources[id] = mapValues(entry, func(v any) any {
				name, arg, ok := cfn.Intrinsic(v)
				switch {
				case ok && name == "Fn::GetAtt" && len(cfn.List(arg)) == 2 && resources[cfn.Text(cfn.List(arg)[0])] != nil:
					changed = true
					return map[string]any{"Fn::Sub": "${" + cfn.Text(cfn.List(arg)[0]) + "." + cfn.Text(cfn.List(arg)[1]) + "}"}
				case ok && name == "Ref" && resources[cfn.Text(arg)] != nil:
					changed = true
					return map[string]any{"Fn::Sub": "${" + cfn.Text(arg) + "}"}
				}
				return v
			})
		}
		return changed
	}},
	{"ForAnyValue on keys of one value", func(root map[string]any) bool {
		return eachStatement(root, func(s map[string]any) bool {
			conditions, _ := s["Condition"].(map[string]any)
			tests, ok := conditions["StringEquals"].(map[string]any)
			if !ok || !onlySingleValued(tests) {
				return false
			}
			delete(conditions, "StringEquals")
			anyValue, _ := conditions["ForAnyValue:StringEquals"].(map[string]any)
			if anyValue == nil {
				anyValue = map[string]any{}
				conditions["ForAnyValue:StringEquals"] = anyValue
			}
			for key, values := range tests {
				anyValue[key] = values
			}
			return true
		})
	}},
	{"StringLike for StringEquals of values without wildcards", func(root map[string]any) bool {
		return eachStatement(root, func(s map[string]any) bool {
			conditions, _ := s["Condition"].(map[string]any)
			tests, ok := conditions["StringEquals"].(map[string]any)
			if !ok || conditions["StringLike"] != nil || strings.ContainsAny(fmt.Sprint(tests), "*?") {
				return false
			}
			delete(conditions, "StringEquals")
			conditions["StringLike"] = tests
			return true
		})
	}},
	{"condition values given by a map entry of the same value", func(root map[string]any) bool {
		values := map[string]any{}
		eachStatement(root, func(s map[string]any) bool {
			conditions, _ := s["Condition"].(map[string]any)
			for _, tests := range conditions {
				tests, _ := tests.(map[string]any)
				for key, value := range tests {
					if text, ok := value.(string); ok {
						entry := fmt.Sprintf("V%d", len(values))
						values[entry] = text
						tests[key] = map[string]any{"Fn::FindInMap": []any{"Same", "Values", entry}}
					}
				}
			}
			return false
		})
		if len(values) == 0 {
			return false
		}
		mappings, _ := root["Mappings"].(map[string]any)
		if mappings == nil {
			mappings = map[string]any{}
			root["Mappings"] = mappings
		}
		mappings["Same"] = map[string]any{"Values": values}
		return true
	}},
	{"a boolean written as a string", func(root map[string]any) bool {
		resources, _ := root["Resources"].(map[string]any)
		changed := false
		for _, entry := range resources {
			if at := cfn.At(entry, "Properties"); cfn.At(entry, "Type") == "AWS::KMS::Key" && cfn.At(at, "EnableKeyRotation") == true {
				at.(map[string]any)["EnableKeyRotation"] = "true"
				changed = true
			}
		}
		return changed
	}},
}

// mutation widens access; it reports whether it found what to widen.
type mutation struct {
	name string
	// class is what a review of it must fail on.
	class string
	apply func(root map[string]any) bool
}

var mutations = []mutation{
	{"a key policy's role principal widened to *", diff.ClassBroadening, func(root map[string]any) bool {
		return eachKeyStatement(root, func(s map[string]any) bool {
			if s["Effect"] != "Allow" || !namesARole(s["Principal"]) {
				return false
			}
			s["Principal"] = "*"
			return true
		})
	}},
	{"a role's key statement widened to kms:?*, its conditions dropped", diff.ClassBroadening, func(root map[string]any) bool {
		return eachKeyStatement(root, func(s map[string]any) bool {
			if s["Effect"] != "Allow" || !namesARole(s["Principal"]) {
				return false
			}
			s["Action"] = "kms:?*"
			delete(s, "Condition")
			return true
		})
	}},
	{"kms:ViaService made vacuous with StringLike *", diff.ClassBroadening, func(root map[string]any) bool {
		return eachKeyStatement(root, func(s map[string]any) bool {
			conditions, _ := s["Condition"].(map[string]any)
			equals, _ := conditions["StringEquals"].(map[string]any)
			if s["Effect"] != "Allow" || equals["kms:ViaService"] == nil {
				return false
			}
			delete(equals, "kms:ViaService")
			conditions["StringLike"] = map[string]any{"kms:ViaService": "*"}
			return true
		})
	}},
	{"a table moved to the AWS managed key", diff.ClassWeakening, func(root map[string]any) bool {
		changed := false
		for _, entry := range root["Resources"].(map[string]any) {
			if sse, ok := cfn.At(entry, "Properties", "SSESpecification").(map[string]any); ok && sse["KMSMasterKeyId"] != nil {
				sse["KMSMasterKeyId"] = "alias/aws/dynamodb"
				changed = true
			}
		}
		return changed
	}},
	{"an identity policy's table widened to every table through ?", diff.ClassBroadening, func(root map[string]any) bool {
		return eachIdentityStatement(root, func(s map[string]any) bool {
			if s["Effect"] != "Allow" || !strings.HasPrefix(cfn.Text(cfn.List(s["Action"])[0]), "dynamodb:") {
				return false
			}
			s["Resource"] = "arn:aws:dynamodb:*:*:table/?*"
			return true
		})
	}},
	{"an identity policy's DynamoDB action widened to dynamodb:?*", diff.ClassBroadening, func(root map[string]any) bool {
		return eachIdentityStatement(root, func(s map[string]any) bool {
			if s["Effect"] != "Allow" || !strings.HasPrefix(cfn.Text(cfn.List(s["Action"])[0]), "dynamodb:") {
				return false
			}
			s["Action"] = "dynamodb:?*"
			return true
		})
	}},
}

func TestRewritesThatKeepTheMeaningKeepTheVerdicts(t *testing.T) {
	for _, file := range testTemplates(t) {
		original := readRoot(t, file)
		if original == nil {
			continue
		}
		want := verdicts(cfn.New(original))
		for _, rw := range append(rewrites, rewrite{"JSON, every intrinsic in long form", func(map[string]any) bool { return true }}) {
			root := copyValue(original).(map[string]any)
			if !rw.apply(root) {
				continue
			}
			rewritten := reparse(t, root)
			t.Run(file+"/"+rw.name, func(t *testing.T) {
				if got := verdicts(rewritten); got != want {
					t.Errorf("findings changed:\n got %s\nwant %s", got, want)
				}
				if r := diff.Compare(cfn.New(original), rewritten); r.DataLoss || r.Emptied || r.Broadening || r.Weakening || r.Has(diff.ClassRefused) {
					t.Errorf("the review fails a rewrite: %s\n%v", r.Summary(), r.Security)
				}
			})
		}
	}
}

func TestMutationsThatWidenAreFlaggedByBoth(t *testing.T) {
	tried := 0
	for _, file := range testTemplates(t) {
		original := readRoot(t, file)
		if original == nil || !strings.HasPrefix(file, "../golden/") {
			continue
		}
		before := findingSet(cfn.New(original))
		for _, m := range mutations {
			root := copyValue(original).(map[string]any)
			if !m.apply(root) {
				continue
			}
			tried++
			t.Run(file+"/"+m.name, func(t *testing.T) {
				mutant := cfn.New(root)
				var added []string
				for f := range findingSet(mutant) {
					if !before[f] && !strings.Contains(f, " info ") {
						added = append(added, f)
					}
				}
				if len(added) == 0 {
					t.Errorf("gen check finds nothing new")
				}
				if r := diff.Compare(cfn.New(original), mutant); !r.Has(m.class) {
					t.Errorf("gen diff does not find %s: %s", m.class, r.Summary())
				}
			})
		}
	}
	if tried < len(mutations) {
		t.Errorf("%d mutations tried, fewer than the %d there are: some found nothing to widen", tried, len(mutations))
	}
}

// FuzzRewritesKeepTheVerdicts applies rewrites that keep the meaning, in an
// order and number the fuzzer chooses, to a template of the tests.
func FuzzRewritesKeepTheVerdicts(f *testing.F) {
	files := testTemplates(f)
	for i := range files {
		f.Add(uint16(i), []byte{0, 1, 3, 4})
	}
	f.Fuzz(func(t *testing.T, template uint16, steps []byte) {
		original := readRoot(t, files[int(template)%len(files)])
		if original == nil {
			return
		}
		root := copyValue(original).(map[string]any)
		for _, step := range steps {
			rewrites[int(step)%len(rewrites)].apply(root)
		}
		rewritten := reparse(t, root)
		if got, want := verdicts(rewritten), verdicts(cfn.New(original)); got != want {
			t.Errorf("findings changed:\n got %s\nwant %s", got, want)
		}
		if r := diff.Compare(cfn.New(original), rewritten); r.DataLoss || r.Emptied || r.Broadening || r.Weakening || r.Has(diff.ClassRefused) {
			t.Errorf("the review fails a rewrite: %s", r.Summary())
		}
	})
}

// testTemplates lists every template the project's tests read.
func testTemplates(t testing.TB) []string {
	var files []string
	for _, pattern := range []string{"../golden/*.yaml", "../check/testdata/*/*.yaml", "../cmd/gen/testdata/adversarial/check/*.yaml",
		"testdata/*/old.yaml", "testdata/*/new.yaml", "../cmd/gen/testdata/adversarial/diff/*/*.yaml"} {
		found, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	return files
}

// readRoot parses a template into plain values; nil for one that does not
// parse or whose model leaves parts undone (a transform, a loop), which a
// rewrite would change.
func readRoot(t testing.TB, file string) map[string]any {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cfn.Parse(src)
	if err != nil || len(parsed.Skipped()) > 0 || parsed.Section("Globals") != nil {
		return nil
	}
	return copyValue(parsed.Value()).(map[string]any)
}

// reparse writes a template as JSON, every intrinsic in long form, and
// reads it back.
func reparse(t testing.TB, root map[string]any) *cfn.Template {
	src, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cfn.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

var today = check.Options{}

// verdicts writes what gen check finds: each rule, resource and severity.
func verdicts(t *cfn.Template) string {
	var out []string
	for f := range findingSet(t) {
		out = append(out, f)
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}

func findingSet(t *cfn.Template) map[string]bool {
	out := map[string]bool{}
	for _, f := range check.Run(t, today) {
		out[fmt.Sprintf("%s %s %s", f.Resource, f.Severity, f.Rule)] = true
	}
	return out
}

// eachDocument calls change on every policy document of the resources
// (key, identity, trust and resource policies) that IAM would take; it
// reports whether any changed.
func eachDocument(root map[string]any, change func(doc map[string]any) bool) bool {
	changed := false
	for _, entry := range root["Resources"].(map[string]any) {
		visit(entry, func(m map[string]any) {
			statements, ok := m["Statement"].([]any)
			if !ok || cfn.IsIntrinsic(m) || slices.ContainsFunc(statements, func(s any) bool {
				effect := cfn.At(s, "Effect")
				return !cfn.IsIntrinsic(s) && effect != "Allow" && effect != "Deny"
			}) {
				return
			}
			changed = change(m) || changed
		})
	}
	return changed
}

// eachStatement calls change on each statement of every policy document
// whose Effect is Allow or Deny: a rewrite of a statement IAM would refuse
// changes a policy that cannot be compared, which counts as broader.
func eachStatement(root map[string]any, change func(s map[string]any) bool) bool {
	return eachDocument(root, func(doc map[string]any) bool {
		changed := false
		for _, s := range doc["Statement"].([]any) {
			if m, ok := s.(map[string]any); ok && (m["Effect"] == "Allow" || m["Effect"] == "Deny") {
				changed = change(m) || changed
			}
		}
		return changed
	})
}

func eachKeyStatement(root map[string]any, change func(s map[string]any) bool) bool {
	return eachTypedStatement(root, "KeyPolicy", change)
}

func eachIdentityStatement(root map[string]any, change func(s map[string]any) bool) bool {
	return eachTypedStatement(root, "PolicyDocument", change)
}

func eachTypedStatement(root map[string]any, property string, change func(s map[string]any) bool) bool {
	changed := false
	for _, entry := range root["Resources"].(map[string]any) {
		doc, _ := cfn.At(entry, "Properties", property).(map[string]any)
		for _, s := range cfn.List(doc["Statement"]) {
			if m, ok := s.(map[string]any); ok {
				changed = change(m) || changed
			}
		}
	}
	return changed
}

// namesARole reports whether a principal is a role of the template.
func namesARole(principal any) bool {
	aws := cfn.At(principal, "AWS")
	name, arg, ok := cfn.Intrinsic(aws)
	return ok && name == "Fn::GetAtt" && cfn.Text(cfn.At(arg, "1")) == "Arn"
}

// onlySingleValued reports whether every key of a condition's tests has one
// value in a request.
func onlySingleValued(tests map[string]any) bool {
	for key := range tests {
		switch strings.ToLower(key) {
		case "kms:viaservice", "kms:calleraccount", "aws:principalaccount", "aws:sourceaccount":
		default:
			return false
		}
	}
	return len(tests) > 0
}

func visit(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(v)
		for _, e := range v {
			visit(e, f)
		}
	case []any:
		for _, e := range v {
			visit(e, f)
		}
	}
}

// mapValues rebuilds v with change applied to every value, inner first.
func mapValues(v any, change func(any) any) any {
	switch w := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(w))
		for k, e := range w {
			out[k] = mapValues(e, change)
		}
		return change(out)
	case []any:
		out := make([]any, len(w))
		for i, e := range w {
			out[i] = mapValues(e, change)
		}
		return change(out)
	}
	return change(v)
}

func copyValue(v any) any {
	return mapValues(v, func(v any) any { return v })
}
