package check

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifOf writes the SARIF of the pattern templates, suppressed findings and
// all.
func sarifOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var reports []Report
	for _, f := range files {
		reports = append(reports, Report{File: f, Findings: Run(parseFile(t, f), Options{Today: today})})
	}
	var out bytes.Buffer
	if err := WriteSARIF(&out, reports); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func patternFiles(t *testing.T) []string {
	files, err := filepath.Glob("testdata/patterns/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no pattern templates: %v", err)
	}
	return files
}

// The OASIS schema (a copy in testdata) accepts what WriteSARIF writes.
func TestSARIFValidatesAgainstTheOASISSchema(t *testing.T) {
	schemaFile, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer schemaFile.Close()
	doc, err := jsonschema.UnmarshalJSON(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	sarif := sarifOf(t, patternFiles(t)...)
	log, err := jsonschema.UnmarshalJSON(bytes.NewReader(sarif))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(log); err != nil {
		t.Errorf("the SARIF does not validate: %v", err)
	}
	// The schema is strict enough to refuse a level SARIF does not have.
	broken, err := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.Replace(sarif, []byte(`"level": "warning"`), []byte(`"level": "severe"`), 1)))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(broken) == nil {
		t.Error("a result with level severe validates: the schema checks nothing")
	}
	// Files not judged are tool execution notifications; standard input too.
	var notJudged bytes.Buffer
	reports := []Report{{File: Stdin, Findings: []Finding{}}, {File: "broken.yaml", Findings: []Finding{}, Error: "cannot parse: yaml: line 3: did not find expected key"}}
	if err := WriteSARIF(&notJudged, reports); err != nil {
		t.Fatal(err)
	}
	log, err = jsonschema.UnmarshalJSON(&notJudged)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(log); err != nil {
		t.Errorf("the SARIF of files not judged does not validate: %v", err)
	}
}

type sarifOut struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID, Name, HelpURI                 string
					ShortDescription, FullDescription struct{ Text string }
					Help                              struct{ Text string }
					DefaultConfiguration              struct{ Level string }
				}
			}
		}
		Results []struct {
			RuleID, Level string
			Message       struct{ Text string }
			Locations     []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           struct{ StartLine, StartColumn int }
				}
			}
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Justification string }
		}
	}
}

func readSARIF(t *testing.T, data []byte) sarifOut {
	t.Helper()
	var out sarifOut
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// GitHub code scanning needs each rule's help text, and shows its name,
// descriptions, documentation link and level.
func TestSARIFDescribesEveryRule(t *testing.T) {
	rules := readSARIF(t, sarifOf(t)).Runs[0].Tool.Driver.Rules
	if len(rules) != len(Rules()) {
		t.Fatalf("%d rules, want %d", len(rules), len(Rules()))
	}
	for _, r := range rules {
		if r.Name == "" || r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.DefaultConfiguration.Level == "" ||
			r.HelpURI != "https://github.com/dynamodb-sse-cmk/stack/blob/main/docs/rules.md#"+strings.ToLower(r.ID) {
			t.Errorf("rule %s lacks something: %+v", r.ID, r)
		}
	}
	if rules[0].Name != "TableNotEncryptedWithAKMSKey" {
		t.Errorf("SSE001's name is %q", rules[0].Name)
	}
}

func TestSARIFResultsPointAtTheFileAsGivenAndCarryTheirSuppression(t *testing.T) {
	const file = "testdata/patterns/suppressions.yaml"
	results := readSARIF(t, sarifOf(t, file)).Runs[0].Results
	var suppressed int
	for _, r := range results {
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != file || loc.Region.StartLine == 0 || loc.Region.StartColumn == 0 {
			t.Errorf("%s: location %+v", r.RuleID, loc)
		}
		if r.PartialFingerprints["genCheck/v1"] == "" {
			t.Errorf("%s: no fingerprint", r.RuleID)
		}
		if len(r.Suppressions) > 0 {
			suppressed++
			if r.Suppressions[0].Kind != "inSource" || r.Suppressions[0].Justification == "" {
				t.Errorf("%s: suppression %+v", r.RuleID, r.Suppressions[0])
			}
		}
	}
	if len(results) != 6 || suppressed != 2 {
		t.Errorf("%d results, %d suppressed; want 6 and 2", len(results), suppressed)
	}
}

// A fingerprint names what a finding is about, not its line, so an alert
// stays the same alert when lines are added above it.
func TestSARIFFingerprintsSurviveEditsElsewhere(t *testing.T) {
	src, err := os.ReadFile("testdata/patterns/global-table.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(t.TempDir(), "global-table.yaml")
	if err := os.WriteFile(edited, append([]byte("Description: moved every line down\n"), src...), 0o644); err != nil {
		t.Fatal(err)
	}
	fingerprints := func(file string) string {
		var out []string
		for _, r := range readSARIF(t, sarifOf(t, file)).Runs[0].Results {
			out = append(out, r.RuleID+"="+r.PartialFingerprints["genCheck/v1"])
		}
		return strings.Join(out, " ")
	}
	if a, b := fingerprints("testdata/patterns/global-table.yaml"), fingerprints(edited); a != b {
		t.Errorf("fingerprints changed:\n%s\n%s", a, b)
	}
}
