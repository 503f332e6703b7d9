package template

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/contract"
)

// Allowed values, as messages show them; tableName is compiled when first
// asked, as indexName is.
var (
	attributeTypes    = contract.KeyTypes()
	streamViewTypes   = []string{"KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"}
	tableClasses      = []string{"STANDARD", "STANDARD_INFREQUENT_ACCESS"}
	architectures     = []string{"arm64", "x86_64"}
	logRetentionDays  = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	tableName         = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,63}$`) })
	maxAttributeBytes = contract.MaxKeyNameBytes
	maxTagKeyChars    = 128
	maxTagValueChars  = 256
)

// iamPrincipalARN matches the ARN of an account root, a role or a user: the
// principals a key policy can name. KMS rejects a key policy that names a
// principal that does not exist.
var iamPrincipalARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}|\$\{AWS::AccountId\}):(root|(role|user)/[\w+=,.@/-]+)$`)

// accountID is an AWS account's 12-digit id.
var accountID = regexp.MustCompile(`^\d{12}$`)

func errProfile(got string) error {
	return fmt.Errorf("profile: got %q, want one of %s", got, ProfileNames())
}

// Validate reports every field that is out of range, each naming the field
// path, what is allowed and what it got: more tables than a stack holds,
// and, for the seed profile, any setting it would ignore, included.
func (c Config) Validate() error {
	if _, err := ParseProfile(string(c.Profile)); err != nil {
		return err
	}
	if c.Profile == ProfileSeed {
		return c.onlySeedSettings()
	}
	v := &validation{}
	v.stack(c)
	v.tables(c)
	v.regions(c)
	v.key(c.Key)
	v.writer(c.Writer)
	v.tags(c.Tags)
	return errors.Join(v.errs...)
}

// validateForTable checks what AddTable takes: the profile, key and writer
// settings, and the one table.
func (c Config) validateForTable(t TableConfig) error {
	if _, err := ParseProfile(string(c.Profile)); err != nil {
		return err
	}
	if c.Profile == ProfileSeed {
		return errors.New("profile: seed is the reference template, which has no table to add; choose default or production")
	}
	v := &validation{}
	v.stack(c)
	v.table("table", t, c)
	if c.Region != "" {
		v.region("region", c.Region)
	}
	if len(t.Replicas) > 0 {
		v.fail("table.replicas: got %v: AddTable adds a single-Region table to one template; a table with replicas needs a key stack in each Region before its own (BuildDeployment)", t.Replicas)
	}
	v.key(c.Key)
	if c.Key.Scope == KeyScopeStack {
		v.fail("key.scope: got %q, want %q: AddTable adds one table with its own key; Build makes tables that share one", c.Key.Scope, KeyScopeTable)
	}
	v.writer(c.Writer)
	v.tags(c.Tags)
	return errors.Join(v.errs...)
}

// onlySeedSettings refuses what the seed profile would ignore: it
// reproduces the reference template, whose one table is the default table.
func (c Config) onlySeedSettings() error {
	tables := len(c.Tables) == 0 || (len(c.Tables) == 1 && reflect.DeepEqual(c.Tables[0], DefaultTable()))
	if !tables || !reflect.DeepEqual(c.Key, KeyConfig{}) || !reflect.DeepEqual(c.Writer, WriterConfig{}) || len(c.Tags) > 0 ||
		c.Account != "" || c.MaxGlobalIndexes != 0 || c.Region != "" || c.StackName != "" {
		return errors.New("profile: seed reproduces the reference template, key policy included, and takes no tables, key, writer, tags, account, region, stackName or maxGlobalIndexes; remove them, or choose default or production")
	}
	return nil
}

type validation struct{ errs []error }

func (v *validation) fail(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

func (v *validation) inRange(field string, got, min, max int) {
	if got < min || got > max {
		v.fail("%s: got %d, want %d to %d", field, got, min, max)
	}
}

func (v *validation) oneOf(field, got string, allowed []string) {
	if !slices.Contains(allowed, got) {
		v.fail("%s: got %q, want one of %v", field, got, allowed)
	}
}

// stack checks the settings of the stack as a whole.
func (v *validation) stack(c Config) {
	if c.Account != "" && !accountID.MatchString(c.Account) {
		v.fail("account: got %q, want the 12-digit id of the account the stack deploys to", c.Account)
	}
	if c.MaxGlobalIndexes != 0 && c.MaxGlobalIndexes < contract.DefaultMaxGlobalIndexes {
		v.fail("maxGlobalIndexes: got %d, want %d or more (DynamoDB's default quota), or leave it out", c.MaxGlobalIndexes, contract.DefaultMaxGlobalIndexes)
	}
}

func (v *validation) tables(c Config) {
	if len(c.Tables) == 0 {
		v.fail("tables: got none, want at least one")
	}
	if resources, outputs := c.size(); resources > cfn.MaxResources || outputs > cfn.MaxOutputs {
		v.fail("tables: got %d tables, which make %d resources and %d outputs; a stack holds %d resources and %d outputs",
			len(c.Tables), resources, outputs, cfn.MaxResources, cfn.MaxOutputs)
	}
	seen := map[string]int{}
	for i, t := range c.Tables {
		path := fmt.Sprintf("tables[%d]", i)
		if first, dup := seen[t.Name]; dup {
			v.fail("%s.name: got %q, already the name of tables[%d]", path, t.Name, first)
		}
		seen[t.Name] = i
		v.table(path, t, c)
	}
}

func (v *validation) table(path string, t TableConfig, c Config) {
	if !tableName().MatchString(t.Name) {
		v.fail("%s.name: got %q, want a letter, then up to 63 letters and digits", path, t.Name)
	}
	v.attribute(path+".partitionKey", t.PartitionKey)
	if t.SortKey != nil {
		v.attribute(path+".sortKey", *t.SortKey)
		if t.SortKey.Name == t.PartitionKey.Name {
			v.fail("%s.sortKey.name: got %q, the partition key's name; want another attribute", path, t.SortKey.Name)
		}
	}
	if len(t.TTLAttribute) > maxAttributeBytes {
		v.fail("%s.ttlAttribute: got %d bytes, want at most %d", path, len(t.TTLAttribute), maxAttributeBytes)
	}
	if t.Stream != "" {
		v.oneOf(path+".stream", t.Stream, streamViewTypes)
	}
	if t.TableClass != "" {
		v.oneOf(path+".tableClass", t.TableClass, tableClasses)
	}
	v.indexes(path, t, c.maxGlobalIndexes())
	v.capacity(path+".capacity", t.Capacity)
	v.grants(path, t, c.Account)
}

func (v *validation) attribute(path string, a Attribute) {
	switch {
	case a.Name == "" || len(a.Name) > maxAttributeBytes:
		v.fail("%s.name: got %q, want 1 to %d bytes", path, a.Name, maxAttributeBytes)
	case a.Name == contract.BatchField:
		v.fail("%s.name: got %q, which the writer reads as a batch of items; want another name", path, a.Name)
	}
	v.oneOf(path+".type", a.Type, attributeTypes)
}

func (v *validation) key(k KeyConfig) {
	v.inRange("key.rotationPeriodInDays", k.RotationPeriodInDays, contract.MinRotationPeriodDays, contract.MaxRotationPeriodDays)
	v.inRange("key.pendingWindowInDays", k.PendingWindowInDays, contract.MinPendingWindowDays, contract.MaxPendingWindowDays)
	if _, err := ParseKeyScope(string(k.Scope)); err != nil {
		v.errs = append(v.errs, err)
	}
	if _, err := ParseKeyAccess(string(k.Access)); err != nil {
		v.errs = append(v.errs, err)
	}
	for i, arn := range k.Admins {
		if !iamPrincipalARN.MatchString(arn) {
			v.fail("key.admins[%d]: got %q, want an IAM ARN such as arn:aws:iam::${AWS::AccountId}:role/KeyAdmin (this account) or arn:aws:iam::111122223333:role/KeyAdmin", i, arn)
		}
	}
}

func (v *validation) writer(w WriterConfig) {
	v.inRange("writer.memorySize", w.MemorySize, 128, 10240)
	v.inRange("writer.timeout", w.Timeout, 1, 900)
	v.oneOf("writer.architecture", w.Architecture, architectures)
	if !slices.Contains(logRetentionDays, w.LogRetentionInDays) {
		v.fail("writer.logRetentionInDays: got %d, want one of %v", w.LogRetentionInDays, logRetentionDays)
	}
}

// tags checks each tag as AWS takes it: a key of 1 to 128 characters that
// does not begin with aws: in any case (AWS keeps that prefix for itself,
// and the deploy fails), and a value of at most 256 characters.
func (v *validation) tags(tags map[string]string) {
	for _, key := range slices.Sorted(maps.Keys(tags)) {
		switch n := utf8.RuneCountInString(key); {
		case n == 0 || n > maxTagKeyChars:
			v.fail("tags: key %q: got %d characters, want 1 to %d", key, n, maxTagKeyChars)
		case strings.HasPrefix(strings.ToLower(key), "aws:"):
			v.fail("tags: key %q: keys beginning with aws: are AWS's own, and CloudFormation refuses them at deploy; choose another key", key)
		}
		if n := utf8.RuneCountInString(tags[key]); n > maxTagValueChars {
			v.fail("tags.%s: got %d characters, want at most %d", key, n, maxTagValueChars)
		}
	}
}
