package cfn

import (
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// templateFiles lists every template of the repository.
func templateFiles(t testing.TB) []string {
	var files []string
	for _, glob := range []string{"../golden/*.yaml", "../golden/*/*.yaml", "../examples/*.yaml", "../reference/*.yaml",
		"../check/testdata/*/*.yaml", "../cmd/gen/testdata/adversarial/check/*.yaml", "../cmd/gen/testdata/adversarial/diff/*/*.yaml", "../diff/testdata/*/*.yaml"} {
		matched, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matched...)
	}
	if len(files) < 300 {
		t.Fatalf("found %d templates", len(files))
	}
	return files
}

// samePlainTree fails t unless readPlain declines src or reads the very
// tree yaml.v3 reads; it reports whether readPlain read it.
func samePlainTree(t testing.TB, name string, src []byte) bool {
	t.Helper()
	doc, ok := readPlain(src)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(src, &want); err != nil {
		t.Errorf("%s: read plainly, but yaml.v3: %v\n%s", name, err, src)
		return true
	}
	if got, want := tree(doc), tree(&want); got != want {
		t.Errorf("%s: read plainly as\n%s\nyaml.v3 reads\n%s\nfrom\n%s", name, got, want, src)
	}
	return true
}

// Every template of the repository that the plain reader reads, it reads
// as yaml.v3 does; and it reads most of them, or it is no faster.
func TestPlainReadsAsYAMLv3(t *testing.T) {
	files := templateFiles(t)
	read := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if samePlainTree(t, file, src) {
			read++
		}
	}
	t.Logf("read %d of %d templates plainly", read, len(files))
	if read < len(files)*9/10 {
		t.Errorf("read %d of %d templates plainly, want 90%%", read, len(files))
	}
}

// Each construct the plain reader reads, it reads as yaml.v3 does; each it
// declines, it declines.
func TestPlainReadsWhatItCanAndDeclinesTheRest(t *testing.T) {
	read := map[string]string{
		"mapping":                     "A: 1\nB: two\n",
		"nested mapping":              "A:\n  B:\n    C: x\n  D: y\n",
		"sequence":                    "A:\n  - 1\n  - two\n",
		"sequence at the key's level": "A:\n- 1\n- two\nB: 3\n",
		"mapping in a sequence":       "A:\n  - B: 1\n    C: 2\n  - D: 3\n",
		"value on the next lines":     "A:\n  - B:\n      C: 1\n  -\n    D: 2\n",
		"empty values":                "A:\nB:\n  - \n  -\nC: ~\n",
		"quoted":                      "'A': 'it''s'\n\"B\": \"x: #y\"\nC: ''\n",
		"typed scalars":               "A: [true, 1, 1.5, 0x10, null, 2012-10-17, .inf, 'true', yes]\n",
		"tags":                        "A: !Ref B\nC: !Sub 'x'\nD: !If [E, !Ref F, !GetAtt G.Arn]\nH: !Join\n  - ''\n  - [a, b]\nI: !Equals [!Ref J, 'Yes']\n",
		"tagged mapping":              "A: !Transform\n  Name: X\n",
		"flow":                        "A: {B: [1, 2], C: {}, D: [], 'E': \"f\"}\nG: [ a , b ]\n",
		"flow keys with colons":       "A: {aws:SourceAccount: !Ref AWS::AccountId}\n",
		"plain text with signs":       "A: arn:${AWS::Partition}:s3:::b/*\nB: a#b [c] {d}, e\nC: -1\nD: a  b\n",
		"spaces before the colon":     "A  : 1\n",
		"comments":                    "# head\nA: 1 # one\n  # between\n\n  \nB: # on the key\n  - 2 # two\n# foot\n",
		"indented root":               "  A: 1\n  B:\n    - 2\n",
		"no final line feed":          "A: 1",
		"merge key":                   "A:\n  <<: x\n",
		"sequence root":               "- 1\n- a: b\n",
	}
	for name, src := range read {
		t.Run(name, func(t *testing.T) {
			if !samePlainTree(t, name, []byte(src)) {
				t.Errorf("declined:\n%s", src)
			}
		})
	}
	declined := map[string]string{
		"anchor":                   "A: &a 1\nB: *a\n",
		"block scalar":             "A: |\n  text\n",
		"folded scalar":            "A: >-\n  text\n",
		"plain over lines":         "A: one\n  two\n",
		"quoted over lines":        "A: 'one\n  two'\n",
		"flow over lines":          "A: [1,\n  2]\n",
		"escapes":                  "A: \"\\u0041\"\n",
		"tabs":                     "A:\t1\n",
		"carriage returns":         "A: 1\r\n",
		"not ASCII":                "A: \u00e9\n",
		"document marker":          "---\nA: 1\n",
		"document end":             "A: 1\n...\n",
		"flow root":                "{A: 1}\n",
		"scalar root":              "text\n",
		"empty":                    "\n# nothing\n",
		"complex key":              "? A\n: 1\n",
		"standard tag":             "A: !!str 1\n",
		"verbatim tag":             "A: !<x> 1\n",
		"tag alone":                "A: !Ref\nB: 1\n",
		"nested sequence entry":    "A:\n  - - 1\n",
		"pair in a flow sequence":  "A: [B: 1]\n",
		"trailing comma":           "A: [1, 2, ]\n",
		"empty flow value":         "A: {B: }\n",
		"key then value on a line": "A: B: 1\n",
		"deeper line after value":  "A: 1\n    B: 2\n",
		"directive":                "%YAML 1.2\nA: 1\n",
		"comment without a space":  "A: 'x'#y\n",
		"long key":                 "K" + string(repeatByte('k', 1100)) + ": 1\n",
		"long key in flow":         "A: {K" + string(repeatByte('k', 1100)) + ": 1}\n",
		"deep nesting":             "A: " + string(repeatByte('[', 1100)) + string(repeatByte(']', 1100)) + "\n",
	}
	for name, src := range declined {
		t.Run(name, func(t *testing.T) {
			if _, ok := readPlain([]byte(src)); ok {
				t.Errorf("read, want it declined:\n%s", src)
			}
		})
	}
}

func repeatByte(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

// Whatever the text, the plain reader declines it or reads what yaml.v3
// reads.
func FuzzPlainReadsAsYAMLv3(f *testing.F) {
	for _, file := range templateFiles(f) {
		if src, err := os.ReadFile(file); err == nil && len(src) < 4<<10 {
			f.Add(src)
		}
	}
	f.Add([]byte("A:\n- 1\nB: [a, {c: d}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		samePlainTree(t, "input", src)
	})
}
