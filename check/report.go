package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Report is the findings for one template file.
type Report struct {
	File     string    `json:"file"`
	Findings []Finding `json:"findings"`
}

// WriteText writes reports for people: one paragraph per finding, then a
// count per file.
func WriteText(w io.Writer, reports []Report) error {
	var b strings.Builder
	for _, r := range reports {
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "%s: %s %s %s: %s\n    fix: %s\n", r.File, f.Severity, f.Rule, f.Resource, f.Message, f.Fix)
			if len(f.Auditors) > 0 {
				fmt.Fprintf(&b, "    auditors: %s\n", strings.Join(f.Auditors, ", "))
			}
		}
		fmt.Fprintf(&b, "%s: %d errors, %d warnings, %d info\n", r.File, Count(r.Findings, Error), Count(r.Findings, Warning), Count(r.Findings, Info))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes reports for programs.
func WriteJSON(w io.Writer, reports []Report) error {
	for i := range reports {
		if reports[i].Findings == nil {
			reports[i].Findings = []Finding{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(reports)
}
