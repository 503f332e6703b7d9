package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Summary says in one line what a reviewer must read first: each resource
// changed, replacements and data loss first, then the security and posture
// changes.
func (r Report) Summary() string {
	var parts []string
	refused := r.refusedResources()
	for _, c := range r.Resources {
		what := []string{verb(c)}
		if c.DataLoss {
			what = append(what, "data loss")
		}
		if c.Emptied {
			what = append(what, "emptied")
		}
		if refused[c.ID] {
			what = append(what, "refused")
		}
		parts = append(parts, c.ID+": "+strings.Join(what, ", "))
	}
	for _, id := range slices.Sorted(maps.Keys(refused)) {
		if !slices.ContainsFunc(r.Resources, func(c ResourceChange) bool { return c.ID == id }) {
			parts = append(parts, id+": refused")
		}
	}
	var security []string
	for _, kind := range []string{Broadening, Narrowing} {
		if n := r.count(kind); n > 0 {
			security = append(security, fmt.Sprintf("%d %s", n, kind))
		}
	}
	if len(security) > 0 {
		parts = append(parts, "security: "+strings.Join(security, ", "))
	}
	if len(r.Weakenings) > 0 {
		parts = append(parts, fmt.Sprintf("posture: %d weakening", len(r.Weakenings)))
	}
	if len(r.Sections) > 0 {
		parts = append(parts, "also changed: "+strings.Join(r.Sections, ", "))
	}
	if len(parts) == 0 {
		return "no change"
	}
	return strings.Join(parts, "; ")
}

func (r Report) count(kind string) int {
	n := 0
	for _, s := range r.Security {
		if s.Kind == kind {
			n++
		}
	}
	return n
}

func verb(c ResourceChange) string {
	switch {
	case c.RenamedTo != "":
		return "renamed to " + c.RenamedTo
	case c.RenamedFrom != "":
		return "renamed from " + c.RenamedFrom
	case c.Change == Add:
		return "added"
	case c.Change == Remove:
		return "removed"
	case c.Replacement == Always:
		return "replaced"
	case c.Replacement == Conditional:
		return "may be replaced"
	}
	return "modified"
}

// refusedResources are the resources with a change CloudFormation refuses.
func (r Report) refusedResources() map[string]bool {
	out := map[string]bool{}
	for _, f := range r.Refused {
		out[f.Resource] = true
	}
	return out
}

var marks = map[Change]string{Add: "[+]", Remove: "[-]", Modify: "[~]"}

// WriteText writes the report for a terminal: the summary, what
// CloudFormation will refuse, then each resource with its changed
// properties, replacements and data loss first, then the security and
// posture changes.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "gen diff: %s\n", r.Summary())
	r.writeTextBody(&b, "")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTextBody writes the report's lines after its summary, each after
// indent.
func (r Report) writeTextBody(b *strings.Builder, indent string) {
	if len(r.Refused) > 0 {
		fmt.Fprintf(b, "%sREFUSED: CloudFormation will fail this update and roll it back:\n", indent)
		for _, f := range r.Refused {
			fmt.Fprintf(b, "%s  refused %s: %s\n", indent, f.Resource, f.Why)
		}
	}
	refused := r.refusedResources()
	for _, c := range r.Resources {
		fmt.Fprintf(b, "%s%s %s (%s): %s\n", indent, marks[c.Change], c.ID, c.Type, strings.Join(c.headline(refused[c.ID]), ", "))
		for _, p := range c.Properties {
			if p.policy {
				fmt.Fprintf(b, "%s    %s: the policy changes (below)\n", indent, p.Path)
				continue
			}
			fmt.Fprintf(b, "%s    %s: %s → %s%s\n", indent, p.Path, shorten(p.Old), shorten(p.New), p.aside())
		}
		for _, n := range c.Notes {
			fmt.Fprintf(b, "%s    note: %s\n", indent, n)
		}
	}
	for _, s := range r.Security {
		fmt.Fprintf(b, "%s%s %s: %s\n", indent, s.Kind, s.Resource, s.Detail)
	}
	for _, wk := range r.Weakenings {
		fmt.Fprintf(b, "%sweakening %s: %s\n", indent, wk.Resource, wk.Detail)
	}
}

// headline says what happens to the resource, loudest first; refused when
// CloudFormation refuses a change of it.
func (c ResourceChange) headline(refused bool) []string {
	var out []string
	if refused {
		out = append(out, "REFUSED")
	}
	if c.DataLoss {
		out = append(out, "DATA LOSS")
	}
	if c.Emptied {
		out = append(out, "EMPTIED")
	}
	out = append(out, verb(c))
	if c.Change == Modify && c.Replacement != Never {
		out = append(out, "replacement: "+string(c.Replacement))
	}
	return out
}

func (p PropertyChange) aside() string {
	var notes []string
	if p.Replacement != Never {
		notes = append(notes, "replacement: "+string(p.Replacement))
	}
	if p.Cause != "" {
		notes = append(notes, p.Cause+" is replaced")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// shorten writes a value on one line, as a reviewer reads it: text as text,
// anything else as compact JSON, cut after 100 characters.
func shorten(v any) string {
	if v == nil {
		return "(none)"
	}
	s := cfn.Text(v)
	if s == "" {
		s = `""`
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	return strings.ReplaceAll(s, "\n", `\n`)
}

// WriteMarkdown writes the report for a pull request comment: the summary,
// what CloudFormation will refuse, a table of the resources, and the
// details collapsed.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "**gen diff**: %s\n", r.Summary())
	r.writeMarkdownBody(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdownBody writes the report's Markdown after its summary.
func (r Report) writeMarkdownBody(b *strings.Builder) {
	if len(r.Refused) > 0 {
		b.WriteString("\n**Refused**: CloudFormation will fail this update and roll it back:\n\n")
		for _, f := range r.Refused {
			fmt.Fprintf(b, "- `%s`: %s\n", f.Resource, f.Why)
		}
	}
	refused := r.refusedResources()
	if len(r.Resources) > 0 {
		b.WriteString("\n| | resource | type | replacement | data loss |\n|---|---|---|---|---|\n")
		for _, c := range r.Resources {
			loss := ""
			switch {
			case c.DataLoss:
				loss = "**yes**"
			case c.Emptied:
				loss = "**emptied**: the old copy is retained, the stack points at a new, empty one"
			}
			fmt.Fprintf(b, "| `%s` | `%s` | %s | %s | %s |\n", marks[c.Change], c.ID, c.Type, c.Replacement, loss)
		}
	}
	if len(r.Resources)+len(r.Security)+len(r.Weakenings) == 0 {
		return
	}
	var details strings.Builder
	for _, c := range r.Resources {
		fmt.Fprintf(&details, "**`%s`** (%s): %s\n\n", c.ID, c.Type, strings.Join(c.headline(refused[c.ID]), ", "))
		for _, p := range c.Properties {
			if p.policy {
				fmt.Fprintf(&details, "- `%s`: the policy changes (below)\n", p.Path)
				continue
			}
			fmt.Fprintf(&details, "- `%s`: `%s` → `%s`%s\n", p.Path, codeSafe(shorten(p.Old)), codeSafe(shorten(p.New)), p.aside())
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&details, "- %s\n", n)
		}
		details.WriteString("\n")
	}
	for _, s := range r.Security {
		fmt.Fprintf(&details, "- %s `%s`: %s\n", s.Kind, s.Resource, s.Detail)
	}
	for _, wk := range r.Weakenings {
		fmt.Fprintf(&details, "- weakening `%s`: %s\n", wk.Resource, wk.Detail)
	}
	fmt.Fprintf(b, "\n<details><summary>Details</summary>\n\n%s\n\n</details>\n", strings.TrimRight(details.String(), "\n"))
}

func codeSafe(s string) string { return strings.ReplaceAll(s, "`", "'") }

// WriteJSON writes the report for programs; lists are never null.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.withLists())
}

// withLists is the report with an empty list wherever it has none, as
// programs read it.
func (r Report) withLists() Report {
	if r.Resources == nil {
		r.Resources = []ResourceChange{}
	}
	if r.Security == nil {
		r.Security = []SecurityChange{}
	}
	if r.Weakenings == nil {
		r.Weakenings = []Weakening{}
	}
	if r.Refused == nil {
		r.Refused = []Refusal{}
	}
	return r
}
