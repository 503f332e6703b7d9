package check

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Report is the findings for one template file, suppressed ones included,
// or why the file, or directory, could not be judged.
type Report struct {
	File     string    `json:"file"`
	Findings []Finding `json:"findings"`
	// Error says why File was not judged: it cannot be read or parsed, is
	// not a template, or is a directory that holds none. A report with an
	// Error has no findings, and fails a build as surely as an error
	// finding does.
	Error string `json:"error,omitempty"`
}

// Failed reports whether any report could not be judged.
func Failed(reports []Report) bool {
	return slices.ContainsFunc(reports, func(r Report) bool { return r.Error != "" })
}

// Shown gives the findings a report lists: suppressed ones only when asked.
func (r Report) Shown(showSuppressed bool) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if showSuppressed || !f.Suppressed() {
			out = append(out, f)
		}
	}
	return out
}

// WriteText writes reports for people and editors, compiler style: a line
// FILE:LINE:COL: severity RULE Resource: message per finding, then its fix
// and auditors, then a count per file.
func WriteText(w io.Writer, reports []Report, showSuppressed bool) error {
	var b strings.Builder
	for _, r := range reports {
		if r.Error != "" {
			fmt.Fprintf(&b, "%s: error: not judged: %s\n", r.File, r.Error)
			continue
		}
		for _, f := range r.Shown(showSuppressed) {
			severity := f.Severity.String()
			if f.Suppressed() {
				severity = "suppressed " + severity
			}
			fmt.Fprintf(&b, "%s:%d:%d: %s %s %s: %s\n    fix: %s\n", r.File, f.Line, f.Column, severity, f.Rule, f.Resource, f.Message, f.Fix)
			if len(f.Auditors) > 0 {
				fmt.Fprintf(&b, "    auditors: %s\n", strings.Join(f.Auditors, ", "))
			}
			if f.Suppressed() {
				fmt.Fprintf(&b, "    suppressed by %s\n", f.Suppression)
			}
		}
		fmt.Fprintf(&b, "%s: %d errors, %d warnings, %d info, %d suppressed\n", r.File,
			Count(r.Findings, Error), Count(r.Findings, Warning), Count(r.Findings, Info), CountSuppressed(r.Findings))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes reports for programs; findings carry their line and
// column, and suppressed ones are listed only when asked.
func WriteJSON(w io.Writer, reports []Report, showSuppressed bool) error {
	out := make([]Report, len(reports))
	for i, r := range reports {
		out[i] = Report{File: r.File, Findings: r.Shown(showSuppressed), Error: r.Error}
		if out[i].Findings == nil {
			out[i].Findings = []Finding{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
