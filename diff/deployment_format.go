package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Summary says in one line how many stacks the change adds, removes,
// changes and leaves alone, and which of them CloudFormation will refuse
// to update.
func (d DeploymentReport) Summary() string {
	counts := map[string]int{}
	var refused []string
	for _, s := range d.Stacks {
		counts[s.state()]++
		if s.Has(ClassRefused) {
			refused = append(refused, s.Stack)
		}
	}
	var parts []string
	for _, state := range []string{"added", "removed", "changed", "unchanged"} {
		if counts[state] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[state], state))
		}
	}
	line := fmt.Sprintf("deployment of %d stacks: %s", len(d.Stacks), strings.Join(parts, ", "))
	if len(refused) > 0 {
		line += "; refused: " + strings.Join(refused, ", ")
	}
	return line
}

// state says what happens to the stack, as summaries and headings write it.
func (s StackReport) state() string {
	switch {
	case s.Change == Add:
		return "added"
	case s.Change == Remove:
		return "removed"
	case s.Has(ClassAny):
		return "changed"
	}
	return "unchanged"
}

// heading names the stack, its Region and what happens to it.
func (s StackReport) heading() string {
	return fmt.Sprintf("stack %s (%s), %s", s.Stack, s.Region, s.state())
}

func (s StackReport) parametersLine() string {
	if len(s.Parameters) == 0 {
		return ""
	}
	return "parameters whose value stacks.json changes: " + strings.Join(s.Parameters, ", ")
}

// WriteText writes the review for a terminal: the summary, then each stack
// under its heading, its review indented below it.
func (d DeploymentReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "gen diff: %s\n", d.Summary())
	for _, s := range d.Stacks {
		fmt.Fprintf(&b, "%s: %s\n", s.heading(), s.Report.Summary())
		if line := s.parametersLine(); line != "" {
			fmt.Fprintf(&b, "  %s\n", line)
		}
		s.writeTextBody(&b, "  ")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the review for a pull request comment: the summary,
// then a section for each stack with its review.
func (d DeploymentReport) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "**gen diff**: %s\n", d.Summary())
	for _, s := range d.Stacks {
		fmt.Fprintf(&b, "\n### %s\n\n%s\n", s.heading(), s.Report.Summary())
		if line := s.parametersLine(); line != "" {
			fmt.Fprintf(&b, "\n%s\n", line)
		}
		s.writeMarkdownBody(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the review for programs: {"stacks": [...]}, each stack
// its name, Region and change, and its review as WriteJSON writes a
// template's; lists are never null.
func (d DeploymentReport) WriteJSON(w io.Writer) error {
	shaped := DeploymentReport{Stacks: make([]StackReport, len(d.Stacks))}
	for i, s := range d.Stacks {
		s.Report = s.withLists()
		shaped.Stacks[i] = s
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(shaped)
}
