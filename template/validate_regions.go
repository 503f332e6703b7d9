package template

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/regions"
)

// deploymentStackName is what CloudFormation takes as a stack's name, short
// enough for the key stacks' names (NAME-keys-ap-southeast-2) to fit in its
// 128 characters. Compiled when first asked, as indexName is.
var deploymentStackName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][-A-Za-z0-9]{0,99}$`) })

// IsDeployment reports whether cfg needs more than one stack: a table with
// replicas needs a key in each of their Regions, each made by a stack of
// its own Region before the table's. BuildDeployment builds those; Build
// refuses them.
func (c Config) IsDeployment() bool {
	return slices.ContainsFunc(c.Tables, func(t TableConfig) bool { return len(t.Replicas) > 0 })
}

// stackName is the name of a deployment's table stack.
func (c Config) stackName() string {
	if c.StackName != "" {
		return c.StackName
	}
	return DefaultStackName
}

// regions checks the primary Region, the stack name and each table's
// replicas: known Regions of the primary's partition, each named once and
// none the primary; and what a table with replicas does not take yet.
func (v *validation) regions(c Config) {
	if c.Region != "" {
		v.region("region", c.Region)
	}
	first := slices.IndexFunc(c.Tables, func(t TableConfig) bool { return len(t.Replicas) > 0 })
	switch {
	case first >= 0 && c.Region == "":
		v.fail("region: missing; tables[%d].replicas makes the configuration a deployment, whose table stack, writers and primary keys go to the primary Region: set region, such as us-east-1", first)
	case first < 0 && c.StackName != "":
		v.fail("stackName: got %q, but no table has replicas: stackName names the stacks of a deployment; a single-Region template is named when it is deployed (make deploy STACK=NAME)", c.StackName)
	}
	if c.StackName != "" && !deploymentStackName().MatchString(c.StackName) {
		v.fail("stackName: got %q, want a letter, then up to 99 letters, digits and hyphens (its key stacks add -keys-REGION)", c.StackName)
	}
	for i, t := range c.Tables {
		v.replicas(fmt.Sprintf("tables[%d]", i), t, c.Region)
	}
}

// region checks that name is an AWS Region, suggesting the nearest for one
// written without a hyphen.
func (v *validation) region(path, name string) {
	if regions.Known(name) {
		return
	}
	hint := ""
	if nearest := regions.Nearest(name); len(nearest) > 0 {
		hint = fmt.Sprintf(" (did you mean %s?)", strings.Join(nearest, " or "))
	}
	v.fail("%s: got %q, which is not an AWS Region%s; want a Region name such as us-east-1 or eu-west-1", path, name, hint)
}

func (v *validation) replicas(path string, t TableConfig, primary string) {
	if len(t.Replicas) == 0 {
		return
	}
	for i, r := range t.Replicas {
		at := fmt.Sprintf("%s.replicas[%d]", path, i)
		switch earlier := slices.Index(t.Replicas[:i], r); {
		case r == primary:
			v.fail("%s: got %q, the primary Region (region), where the table is already; replicas are the Regions besides it", at, r)
		case earlier >= 0:
			v.fail("%s: got %q, already %s.replicas[%d]: a global table has one replica per Region", at, r, path, earlier)
		case !regions.Known(r):
			v.region(at, r)
		case regions.Known(primary) && regions.Partition(r) != regions.Partition(primary):
			v.fail("%s: got %q, in partition %s; the primary Region %s is in %s, and a global table's replicas are in one partition", at, r, regions.Partition(r), primary, regions.Partition(primary))
		}
	}
	if c := t.Capacity; c != nil && (c.Mode == Provisioned || c.MaxReadUnits+c.MaxWriteUnits > 0) {
		v.fail("%s.capacity: a table with replicas is generated on demand without a ceiling; a global table's provisioned capacity and ceilings are not generated yet: remove capacity, or the replicas", path)
	}
	if len(t.Grants) > 0 {
		v.fail("%s.grants: grants on a table with replicas are not generated yet (each replica has its own resource policy, and each Region its own key): remove grants, or the replicas", path)
	}
}
