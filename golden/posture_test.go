package golden

import (
	"testing"
	"time"

	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/template"
)

// The seed and the account access model reproduce the reference's way of
// sharing the key with the whole account; their *-principal warning is the
// point of showing them.
var intendedFindings = map[string]string{"seed.yaml": "KEY006", "access-account.yaml": "KEY006"}

// Production goldens are judged as production stacks.
func TestGoldensPassThePostureCheck(t *testing.T) {
	for _, c := range configurations {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := c.cfg()
			if err != nil {
				t.Fatal(err)
			}
			tmpl := parseGolden(t, c.golden)
			opts := check.Options{Production: cfg.Profile == template.ProfileProduction, Today: time.Now()}
			for _, f := range check.Run(tmpl, opts) {
				if f.Severity != check.Info && intendedFindings[c.golden] != f.Rule {
					t.Errorf("%s %s %s: %s", f.Severity, f.Rule, f.Resource, f.Message)
				}
			}
		})
	}
}
