package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The templates in testdata/adversarial were written, by a reviewer who had
// not read the code, to fool gen check and gen diff: each an attack that
// AWS's semantics make insecure, written a little differently from the
// plain form, or a sound template written oddly that must raise no error.
// Each states its verdict and the AWS page it rests on in its header:
//
//	# case: what it does and why that is (in)secure
//	# class: the class of disguise (docs/check.md)
//	# args: extra gen check arguments
//	# expect: error [RULE] | no-error | no-rule RULE | SEVERITY RULE | SEVERITY ~TEXT
//
// Expectations on one line separated by " | " are alternatives; a "# note:"
// says where the verdict differs from the reviewer's, and on what AWS
// source. Three rounds of cases, by three reviewers, share the directory.
func TestCheckHoldsAgainstInputWrittenToFoolIt(t *testing.T) {
	files, err := filepath.Glob("testdata/adversarial/check/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			head := readHeader(t, file, "# ")
			args := append([]string{"check", "-format", "json"}, strings.Fields(head["args"][0])...)
			code, stdout, stderr := runGen(append(args, file)...)
			var reports []struct{ Findings []jsonFinding }
			if err := json.Unmarshal(stdout, &reports); err != nil {
				t.Fatalf("exit %d, no JSON: %v\n%s", code, err, stderr)
			}
			var findings []jsonFinding
			for _, r := range reports {
				findings = append(findings, r.Findings...)
			}
			for _, expect := range head["expect"] {
				alternatives := strings.Split(expect, " | ")
				if !slices.ContainsFunc(alternatives, func(e string) bool { return findingsMeet(strings.TrimSpace(e), code, findings) }) {
					t.Errorf("%s\nwant %s; exit %d, findings:\n%s", head["case"][0], expect, code, describeFindings(findings))
				}
			}
		})
	}
}

// The pairs in testdata/adversarial/diff were written the same way for gen
// diff: a change whose broadening, data loss or replacement travels
// through a disguise, or a rewrite that changes nothing it must report.
// Each pair's expect file says:
//
//	case: what changes and why it matters
//	class: the class of disguise
//	expect: broadening | data-loss | weakening | emptied | refused | no-CLASS | replacement ID | exit N
//	note: where the verdict differs from the reviewer's, and on what AWS source
func TestDiffHoldsAgainstChangesWrittenToFoolIt(t *testing.T) {
	dirs, err := filepath.Glob("testdata/adversarial/diff/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			head := readHeader(t, filepath.Join(dir, "expect"), "")
			code, stdout, stderr := runGen("diff", "-format", "json", filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml"))
			var report struct {
				DataLoss, Emptied, Broadening, Weakening bool
				Refused                                  []struct{ Resource, Why string }
				Resources                                []struct{ ID, Replacement string }
			}
			if err := json.Unmarshal(stdout, &report); err != nil {
				t.Fatalf("exit %d, no JSON: %v\n%s", code, err, stderr)
			}
			classes := map[string]bool{"data-loss": report.DataLoss, "emptied": report.Emptied, "broadening": report.Broadening, "weakening": report.Weakening, "refused": len(report.Refused) > 0}
			for _, expect := range head["expect"] {
				what, arg, _ := strings.Cut(expect, " ")
				met := false
				switch {
				case what == "exit":
					met = arg == strconv.Itoa(code)
				case what == "replacement":
					met = slices.ContainsFunc(report.Resources, func(r struct{ ID, Replacement string }) bool { return r.ID == arg && r.Replacement != "never" })
				case strings.HasPrefix(what, "no-"):
					_, known := classes[what[3:]]
					met = known && !classes[what[3:]]
				default:
					met = classes[what]
				}
				if !met {
					t.Errorf("%s\nwant %s; exit %d, report:\n%s", head["case"][0], expect, code, stdout)
				}
			}
		})
	}
}

type jsonFinding struct {
	Rule, Severity, Message string
}

// findingsMeet reports whether the findings and exit status meet one
// expectation.
func findingsMeet(expect string, code int, findings []jsonFinding) bool {
	what, arg, _ := strings.Cut(expect, " ")
	errors := slices.ContainsFunc(findings, func(f jsonFinding) bool { return f.Severity == "error" })
	switch what {
	case "no-error":
		return !errors && code == exitOK
	case "no-rule":
		return !slices.ContainsFunc(findings, func(f jsonFinding) bool { return f.Rule == arg })
	case "error", "warning", "info":
		if what == "error" && code != exitInput {
			return false
		}
		return slices.ContainsFunc(findings, func(f jsonFinding) bool {
			if f.Severity != what {
				return false
			}
			if text, ok := strings.CutPrefix(arg, "~"); ok {
				return strings.Contains(f.Message, text)
			}
			return arg == "" || f.Rule == arg
		})
	}
	return false
}

func describeFindings(findings []jsonFinding) string {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString("  " + f.Severity + " " + f.Rule + ": " + f.Message + "\n")
	}
	return b.String()
}

// header matches a "key: value" line of a case's header.
var header = regexp.MustCompile(`^(case|class|args|expect):\s*(.*?)\s*$`)

// readHeader reads a case's header lines, each key to its values; every key
// gets at least one value.
func readHeader(t *testing.T, file, prefix string) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line, ok := strings.CutPrefix(lines.Text(), prefix)
		if !ok {
			break
		}
		if m := header.FindStringSubmatch(line); m != nil {
			out[m[1]] = append(out[m[1]], m[2])
		}
	}
	for _, key := range []string{"case", "class", "args"} {
		if len(out[key]) == 0 {
			out[key] = []string{""}
		}
	}
	if len(out["expect"]) == 0 {
		t.Fatalf("%s states no expectation", file)
	}
	return out
}

func runGen(args ...string) (int, []byte, []byte) {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.Bytes(), stderr.Bytes()
}
