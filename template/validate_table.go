package template

import (
	"fmt"
	"regexp"
	"slices"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/contract"
)

// Allowed values of a table's indexes, capacity and grants, as messages show
// them. The patterns with a counted repetition are compiled when first
// asked: such a pattern compiles to a program as long as its count, which
// every process would otherwise pay for as it starts.
var (
	indexName = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(fmt.Sprintf(`^[A-Za-z0-9_.-]{%d,%d}$`, contract.MinIndexNameBytes, contract.MaxIndexNameBytes))
	})
	projections    = []string{ProjectAll, ProjectKeysOnly, ProjectInclude}
	capacityModes  = joinNames(CapacityModes())
	accessLevels   = joinNames(Accesses())
	rolesAndUsers  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):(role|user)/[\w+=,.@/-]+$`)
	accountRootARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:root$`)
)

// maxGlobalIndexes is the quota of global indexes per table the config
// declares, or DynamoDB's default.
func (c Config) maxGlobalIndexes() int {
	if c.MaxGlobalIndexes == 0 {
		return contract.DefaultMaxGlobalIndexes
	}
	return c.MaxGlobalIndexes
}

// typedAt is where a key attribute's type was first given, so that a
// second, different type names both places.
type typedAt struct{ path, typ string }

// indexes checks the table's secondary indexes: their names, keys and
// projections, DynamoDB's limits on them, and that every attribute some key
// uses has one type.
func (v *validation) indexes(path string, t TableConfig, maxGlobal int) {
	types := map[string]typedAt{}
	for _, use := range attributeUses(t) {
		if use.index { // the table's own keys are checked with the table
			v.attribute(path+"."+use.path, use.attribute)
		}
		v.typed(types, path+"."+use.path, use.attribute)
	}
	names := map[string]string{}
	projected := 0
	if len(t.GlobalIndexes) > maxGlobal {
		v.fail("%s.globalIndexes: got %d, want at most %d: DynamoDB's quota (the default is %d; an account that raised it says so with maxGlobalIndexes)",
			path, len(t.GlobalIndexes), maxGlobal, contract.DefaultMaxGlobalIndexes)
	}
	for i, g := range t.GlobalIndexes {
		at := fmt.Sprintf("%s.globalIndexes[%d]", path, i)
		v.indexName(names, at, g.Name)
		if g.SortKey != nil && g.SortKey.Name == g.PartitionKey.Name {
			v.fail("%s.sortKey.name: got %q, the index's partition key's name; want another attribute", at, g.SortKey.Name)
		}
		projected += v.projection(at+".projection", g.Projection)
	}
	switch {
	case len(t.LocalIndexes) > 0 && t.SortKey == nil:
		v.fail("%s.localIndexes: got %d, want none: the table has no sort key, and a local index is the table's partition key with another sort key",
			path, len(t.LocalIndexes))
	case len(t.LocalIndexes) > contract.MaxLocalIndexes:
		v.fail("%s.localIndexes: got %d, want at most %d: DynamoDB's fixed limit", path, len(t.LocalIndexes), contract.MaxLocalIndexes)
	}
	for i, l := range t.LocalIndexes {
		at := fmt.Sprintf("%s.localIndexes[%d]", path, i)
		v.indexName(names, at, l.Name)
		if l.SortKey.Name == t.PartitionKey.Name {
			v.fail("%s.sortKey.name: got %q, the table's partition key's name; want another attribute", at, l.SortKey.Name)
		}
		projected += v.projection(at+".projection", l.Projection)
	}
	if projected > contract.MaxProjectedNonKeyAttributes {
		v.fail("%s: the indexes' projections name %d non-key attributes in all, want at most %d (DynamoDB counts an attribute projected into two indexes twice)",
			path, projected, contract.MaxProjectedNonKeyAttributes)
	}
}

// typed records the type of a key attribute, and refuses a second type for
// it: DynamoDB's AttributeDefinitions hold one type per attribute.
func (v *validation) typed(types map[string]typedAt, path string, a Attribute) {
	first, seen := types[a.Name]
	if !seen {
		types[a.Name] = typedAt{path, a.Type}
		return
	}
	if first.typ != a.Type {
		v.fail("%s.type: got %q for %q, which %s gives type %q; want one type per attribute", path, a.Type, a.Name, first.path, first.typ)
	}
}

// indexName checks an index's name, and that no other index of the table
// has it.
func (v *validation) indexName(names map[string]string, path, name string) {
	if !indexName().MatchString(name) {
		v.fail("%s.name: got %q, want %d to %d letters, digits, '_', '-' or '.'", path, name, contract.MinIndexNameBytes, contract.MaxIndexNameBytes)
	}
	if first, dup := names[name]; dup {
		v.fail("%s.name: got %q, already the name of %s", path, name, first)
		return
	}
	names[name] = path
}

// projection checks an index's projection and gives the number of non-key
// attributes it names.
func (v *validation) projection(path string, p Projection) int {
	if !slices.Contains(projections, p.Type) {
		v.fail("%s: got %q, want %s, %s or a list of attributes (%s)", path, p.Type, ProjectAll, ProjectKeysOnly, ProjectInclude)
		return 0
	}
	switch {
	case p.Type == ProjectInclude && len(p.NonKeyAttributes) == 0:
		v.fail("%s: got %s with no attributes, want at least one", path, ProjectInclude)
	case p.Type != ProjectInclude && len(p.NonKeyAttributes) > 0:
		v.fail("%s: got %s with %d attributes, want attributes only with %s", path, p.Type, len(p.NonKeyAttributes), ProjectInclude)
	}
	for i, name := range p.NonKeyAttributes {
		if name == "" || len(name) > maxAttributeBytes {
			v.fail("%s[%d]: got %q, want 1 to %d bytes", path, i, name, maxAttributeBytes)
		}
	}
	return len(p.NonKeyAttributes)
}

// capacity checks a table's capacity: its mode, and the settings the mode
// takes.
func (v *validation) capacity(path string, c *Capacity) {
	if c == nil {
		return
	}
	switch c.Mode {
	case Provisioned:
		v.scaling(path+".read", c.Read)
		v.scaling(path+".write", c.Write)
		v.unset(path+".maxReadUnits", c.MaxReadUnits, "a ceiling is for on-demand capacity; provisioned capacity stops at read.max")
		v.unset(path+".maxWriteUnits", c.MaxWriteUnits, "a ceiling is for on-demand capacity; provisioned capacity stops at write.max")
	case OnDemand:
		if c.Read != nil {
			v.fail("%s.read: got auto scaling, want none: on-demand capacity provisions nothing; cap it with maxReadUnits", path)
		}
		if c.Write != nil {
			v.fail("%s.write: got auto scaling, want none: on-demand capacity provisions nothing; cap it with maxWriteUnits", path)
		}
		v.ceiling(path+".maxReadUnits", c.MaxReadUnits)
		v.ceiling(path+".maxWriteUnits", c.MaxWriteUnits)
	default:
		v.fail("%s.mode: got %q, want one of %s", path, c.Mode, capacityModes)
	}
}

func (v *validation) ceiling(path string, units int) {
	if units < 0 {
		v.fail("%s: got %d, want 1 or more, or leave it out for no ceiling", path, units)
	}
}

func (v *validation) unset(path string, got int, why string) {
	if got != 0 {
		v.fail("%s: got %d, want none: %s", path, got, why)
	}
}

// scaling checks the auto scaling of provisioned reads or writes.
func (v *validation) scaling(path string, s *AutoScaling) {
	if s == nil {
		v.fail("%s: missing; provisioned capacity wants {min, max, target}", path)
		return
	}
	if s.Max < 1 {
		v.fail("%s.max: got %d, want 1 or more", path, s.Max)
	} else {
		v.inRange(path+".min", s.Min, 1, s.Max)
	}
	v.inRange(path+".target", s.Target, contract.MinTargetUtilizationPercent, contract.MaxTargetUtilizationPercent)
}

// grants checks each grant's principal and level, and that the config says
// which account is the stack's, so principals of other accounts are known.
func (v *validation) grants(path string, t TableConfig, account string) {
	if len(t.Grants) > 0 && account == "" {
		v.fail("account: missing; %s.grants needs it to tell the principals of other accounts; want the 12-digit id of the account the stack deploys to", path)
	}
	for i, g := range t.Grants {
		at := fmt.Sprintf("%s.grants[%d]", path, i)
		switch {
		case accountRootARN.MatchString(g.Principal):
			v.fail("%s.principal: got %q, want an IAM role or user ARN: an account root stands for every principal that account allows", at, g.Principal)
		case !rolesAndUsers.MatchString(g.Principal):
			v.fail("%s.principal: got %q, want an IAM role or user ARN such as arn:aws:iam::111122223333:role/orders-api", at, g.Principal)
		}
		switch {
		case !slices.Contains(Accesses(), g.Allow):
			v.fail("%s.allow: got %q, want one of %s", at, g.Allow, accessLevels)
		case g.Allow == AllowStream && t.Stream == "":
			v.fail("%s.allow: got %q, but the table has no stream; set %s.stream, or allow read", at, g.Allow, path)
		}
	}
}

// principalAccount is the account of a grant's principal, a role or user
// ARN; empty for anything else, which validation refuses.
func principalAccount(arn string) string {
	if m := rolesAndUsers.FindStringSubmatch(arn); m != nil {
		return m[1]
	}
	return ""
}
