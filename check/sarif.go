package check

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// sarifVersion and sarifSchema name the SARIF the report follows, OASIS's
// 2.1.0, which GitHub code scanning and most CI dashboards take.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// rulesURI is where each rule is documented, by its id as anchor.
	rulesURI = "https://github.com/dynamodb-sse-cmk/stack/blob/main/docs/rules.md"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

// sarifInvocation tells whether every file was judged; a file that was not
// is a notification at its place.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifLevel     `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifLevel struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// level is the SARIF level of a severity.
func level(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// WriteSARIF writes reports as one SARIF 2.1.0 run: every rule with its
// descriptions, fix and documentation, every finding with its place, a
// fingerprint that survives edits elsewhere in the file, and, for a
// suppressed finding, the reason the template gives.
func WriteSARIF(w io.Writer, reports []Report) error {
	rules := Rules()
	index := map[string]int{}
	driver := sarifDriver{Name: "gen check", InformationURI: "https://github.com/dynamodb-sse-cmk/stack"}
	for i, r := range rules {
		index[r.ID] = i
		properties := map[string]any{}
		if len(r.Auditors) > 0 {
			properties["auditors"] = r.Auditors
		}
		if r.StricterInProduction {
			properties["productionLevel"] = "error"
		}
		if len(properties) == 0 {
			properties = nil
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.ID, Name: ruleName(r.Title),
			ShortDescription:     sarifText{r.Title},
			FullDescription:      sarifText{r.Why},
			Help:                 sarifText{r.Fix},
			HelpURI:              rulesURI + "#" + strings.ToLower(r.ID),
			DefaultConfiguration: sarifLevel{level(r.Severity)},
			Properties:           properties,
		})
	}
	invocation := sarifInvocation{ExecutionSuccessful: !Failed(reports)}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, rep := range reports {
		if rep.Error != "" {
			invocation.ToolExecutionNotifications = append(invocation.ToolExecutionNotifications, sarifNotification{
				Level: "error", Message: sarifText{rep.File + ": not judged: " + rep.Error},
				Locations: []sarifLocation{{sarifPhysicalLocation{
					ArtifactLocation: sarifArtifact{URI: rep.File},
					Region:           sarifRegion{StartLine: errorLine(rep.Error), StartColumn: 1},
				}}},
			})
		}
		for _, f := range rep.Findings {
			result := sarifResult{
				RuleID: f.Rule, RuleIndex: index[f.Rule], Level: level(f.Severity),
				Message: sarifText{f.Resource + ": " + f.Message},
				Locations: []sarifLocation{{sarifPhysicalLocation{
					ArtifactLocation: sarifArtifact{URI: rep.File},
					Region:           sarifRegion{StartLine: max(f.Line, 1), StartColumn: max(f.Column, 1)},
				}}},
				PartialFingerprints: map[string]string{"genCheck/v1": fingerprint(f)},
			}
			if f.Suppressed() {
				result.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.Suppression.String()}}
			}
			run.Results = append(run.Results, result)
		}
	}
	run.Invocations = []sarifInvocation{invocation}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

// errorLine is the line a parse error names ("line 3: ..."), else 1.
func errorLine(message string) int {
	m := lineOfError.FindStringSubmatch(message)
	if m == nil {
		return 1
	}
	line, err := strconv.Atoi(m[1])
	if err != nil || line < 1 {
		return 1
	}
	return line
}

var lineOfError = regexp.MustCompile(`\bline (\d+):`)

// fingerprint identifies a finding by what it is about, not by its line: the
// rule, the resource and the property, so an alert survives edits elsewhere.
func fingerprint(f Finding) string {
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Resource + "\x00" + f.Path))
	return hex.EncodeToString(sum[:8])
}

// ruleName turns a title into the CamelCase name SARIF gives a rule:
// "table key does not rotate" → TableKeyDoesNotRotate.
func ruleName(title string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}
