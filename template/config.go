package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/contract"
)

// Profile names a set of defaults that a [Config] starts from.
type Profile string

// The profiles a stack can be built from.
const (
	// ProfileDefault is the stack we recommend for trying things: a
	// least-privilege writer in Go, and delete-stack removes everything.
	ProfileDefault Profile = "default"
	// ProfileProduction never loses a table: key and table are retained,
	// deletion protection and point-in-time recovery are on, and the key
	// policy is hardened.
	ProfileProduction Profile = "production"
	// ProfileSeed reproduces the reference template: three resources, the
	// reference's key policy and its inline Python writer.
	ProfileSeed Profile = "seed"
)

// Profiles lists every profile, in the order help texts show them.
func Profiles() []Profile { return []Profile{ProfileDefault, ProfileProduction, ProfileSeed} }

// Config is everything a stack is built from.
type Config struct {
	Profile Profile
	// Account is the 12-digit id of the AWS account the stack deploys to.
	// It is needed once a table grants access to principals, to tell those
	// of other accounts, which always get their own key policy statement and
	// must attach an IAM policy themselves ([ConsumerPolicies]).
	Account string
	// MaxGlobalIndexes is the account's quota of global secondary indexes
	// per table; 0 means DynamoDB's default, 20.
	MaxGlobalIndexes int
	// Region is the primary Region: where the writers, the tables'
	// CloudFormation stack and the primaries of multi-Region keys are. It is
	// required once a table has replicas; a single-Region template is
	// judged for it (gen check's Region), and is the same without it.
	Region string
	// StackName names the table stack of a deployment (a configuration
	// with replicated tables); its key stacks are StackName-keys-REGION.
	// Empty means DefaultStackName. A single-Region template takes its
	// stack's name when it is deployed, and so none here.
	StackName string
	// Tables each get their own writer, and their own key unless
	// Key.Scope is KeyScopeStack.
	Tables []TableConfig
	Key    KeyConfig
	Writer WriterConfig
	// Tags go on every resource that takes tags.
	Tags map[string]string
}

// TableConfig is one DynamoDB table.
type TableConfig struct {
	// Name is letters and digits; it prefixes the logical ids of the
	// table's resources.
	Name         string
	PartitionKey Attribute
	// SortKey is optional.
	SortKey             *Attribute
	PointInTimeRecovery bool
	DeletionProtection  bool
	// TTLAttribute, when set, names the attribute holding each item's expiry.
	TTLAttribute string
	// Stream, when set, is the stream view type: KEYS_ONLY, NEW_IMAGE,
	// OLD_IMAGE or NEW_AND_OLD_IMAGES.
	Stream string
	// TableClass is STANDARD or STANDARD_INFREQUENT_ACCESS; empty means
	// DynamoDB's default, STANDARD.
	TableClass string
	// GlobalIndexes and LocalIndexes are the table's secondary indexes.
	GlobalIndexes []GlobalIndex
	LocalIndexes  []LocalIndex
	// Capacity is nil for on-demand capacity without a ceiling.
	Capacity *Capacity
	// NoWriter leaves the table without the generated writer (function,
	// role, policy and log group): the team's own services write.
	NoWriter bool
	// Grants let principals the stack does not own use the table, each at
	// its own access level, through the table's and the stream's resource
	// policies; the stack never edits a role it does not own.
	Grants []Grant
	// Replicas are the Regions, besides Config.Region, where DynamoDB keeps
	// a replica of the table: it is then a global table (version
	// 2019.11.21), each replica encrypted with a key of its own Region, and
	// the configuration a deployment of several stacks ([BuildDeployment]).
	Replicas []string
}

// GlobalIndex is a global secondary index.
type GlobalIndex struct {
	// Name is 3 to 255 letters, digits, '_', '-' and '.'.
	Name         string
	PartitionKey Attribute
	// SortKey is optional.
	SortKey    *Attribute
	Projection Projection
}

// LocalIndex is a local secondary index: the table's partition key and
// another sort key. Only a table with a sort key can have one.
type LocalIndex struct {
	// Name is 3 to 255 letters, digits, '_', '-' and '.'.
	Name       string
	SortKey    Attribute
	Projection Projection
}

// Projection says which attributes an index holds besides the keys.
type Projection struct {
	// Type is ProjectAll, ProjectKeysOnly or ProjectInclude.
	Type string
	// NonKeyAttributes are the attributes an INCLUDE projection adds.
	NonKeyAttributes []string
}

// The projection types.
const (
	ProjectAll      = "ALL"
	ProjectKeysOnly = "KEYS_ONLY"
	ProjectInclude  = "INCLUDE"
)

// Capacity is how a table pays for reads and writes.
type Capacity struct {
	Mode CapacityMode
	// Read and Write are the auto scaling of a provisioned table and of
	// each of its global indexes; their initial capacity is Min.
	Read, Write *AutoScaling
	// MaxReadUnits and MaxWriteUnits cap an on-demand table and each of its
	// global indexes; 0 sets no ceiling.
	MaxReadUnits, MaxWriteUnits int
}

// CapacityMode is DynamoDB's billing mode.
type CapacityMode string

// The capacity modes.
const (
	Provisioned CapacityMode = "provisioned"
	OnDemand    CapacityMode = "on-demand"
)

// CapacityModes lists the capacity modes.
func CapacityModes() []CapacityMode { return []CapacityMode{Provisioned, OnDemand} }

// AutoScaling keeps provisioned capacity between Min and Max, tracking
// Target percent utilisation.
type AutoScaling struct {
	Min, Max, Target int
}

// Grant lets a principal the stack does not own use a table at one access
// level.
type Grant struct {
	// Principal is an IAM role or user ARN, of this account or another.
	Principal string
	Allow     Access
}

// Access is what a grant allows.
type Access string

// The access levels.
const (
	AllowRead      Access = "read"
	AllowWrite     Access = "write"
	AllowReadWrite Access = "readwrite"
	AllowStream    Access = "stream"
)

// Accesses lists the access levels.
func Accesses() []Access { return []Access{AllowRead, AllowWrite, AllowReadWrite, AllowStream} }

// Attribute is a key attribute of a table.
type Attribute struct {
	Name string
	// Type is S, N or B.
	Type string
}

// KeyConfig sets the lifecycle of the customer managed key and who may use it.
type KeyConfig struct {
	// RotationPeriodInDays is how often KMS rotates the key material: 90 to 2560.
	RotationPeriodInDays int
	// PendingWindowInDays is how long a deleted key can still be recovered: 7 to 30.
	PendingWindowInDays int
	// Scope says whether each table has its own key or the stack's tables
	// share one.
	Scope KeyScope
	// Access says how the writer, and each grant's principal, gets to use
	// the key.
	Access KeyAccess
	// LimitGrantsToAWSResources denies kms:CreateGrant unless the grant is
	// for an AWS resource, such as the grants DynamoDB makes for the table.
	LimitGrantsToAWSResources bool
	// Admins are IAM ARNs that may administer the key but never use it.
	Admins []string
	// MultiRegion decides the keys of tables with replicas: true makes one
	// multi-Region primary key per key scope in the primary Region and a
	// replica of it in each other Region (one key id, rotation set once);
	// false makes an independent key per scope in each Region, for teams
	// that keep Regions' key material apart. A single-Region table's key is
	// a single-Region key either way: KMS cannot change it into another.
	MultiRegion bool
}

// KeyAccess is a way of letting the writer use the table's key.
type KeyAccess string

// The key access models.
const (
	// AccessWriter names the writer's role in the key policy, usable only
	// through DynamoDB.
	AccessWriter KeyAccess = "writer"
	// AccessIAM delegates the key to the account root, as AWS CDK does; the
	// writer's IAM policy grants the key's use through DynamoDB.
	AccessIAM KeyAccess = "iam"
	// AccessAccount lets every principal of the account use the key through
	// DynamoDB, as the reference and the AWS managed key do.
	AccessAccount KeyAccess = "account"
)

// KeyAccesses lists the key access models.
func KeyAccesses() []KeyAccess { return []KeyAccess{AccessWriter, AccessIAM, AccessAccount} }

// KeyScope says which tables a key encrypts.
type KeyScope string

// The key scopes.
const (
	// KeyScopeTable gives each table its own key.
	KeyScopeTable KeyScope = "table"
	// KeyScopeStack gives the stack one key for all its tables, $1 a month
	// instead of $1 per table; each principal's use of it is held to its
	// own table.
	KeyScopeStack KeyScope = "stack"
)

// KeyScopes lists the key scopes.
func KeyScopes() []KeyScope { return []KeyScope{KeyScopeTable, KeyScopeStack} }

// WriterConfig sets the Lambda function that writes items into each table.
type WriterConfig struct {
	// MemorySize in MB: 128 to 10240.
	MemorySize int
	// Timeout in seconds: 1 to 900.
	Timeout int
	// Architecture is arm64 or x86_64; arm64 costs 20% less per GB-second.
	Architecture string
	// LogRetentionInDays is how long CloudWatch Logs keeps the writer's logs.
	LogRetentionInDays int
	// CodeURI is where the template finds the writer's code, as its
	// CodeUri: a folder holding bootstrap, or a zip file, relative to the
	// template (aws cloudformation package uploads it), or an s3:// URI.
	// Empty means [WriterCodeURI] of the architecture, the folder make build
	// writes in this repository, or, for a deployment, whose directory
	// holds only what gen writes, that folder beside the directory
	// (../build/writer-arm64); elsewhere, make writer-bootstrap OUT=FOLDER
	// builds the writer into the folder named here.
	CodeURI string
}

// DefaultStackName is the name of a deployment's table stack when the
// configuration gives none: the reference's stack name.
const DefaultStackName = "dynamodb-sse-with-kms-cmk"

// DefaultTable is the one table of the default configuration. Its name makes
// the reference template's logical ids (DynamoDbTable, DynamoDbTableKmsKey,
// DynamoDbWriteFunction), so stacks made from the reference are updated in
// place, not replaced.
func DefaultTable() TableConfig {
	return TableConfig{Name: "DynamoDb", PartitionKey: Attribute{Name: "id", Type: "S"}}
}

// DefaultConfig is the configuration of the default profile.
func DefaultConfig() Config {
	return Config{
		Profile: ProfileDefault,
		Tables:  []TableConfig{DefaultTable()},
		Key:     KeyConfig{RotationPeriodInDays: contract.DefaultRotationPeriodDays, PendingWindowInDays: 7, Scope: KeyScopeTable, Access: AccessWriter, MultiRegion: true},
		Writer:  WriterConfig{MemorySize: 128, Timeout: 10, Architecture: "arm64", LogRetentionInDays: 14},
	}
}

// ProductionConfig is the configuration of the production profile.
func ProductionConfig() Config {
	cfg := DefaultConfig()
	cfg.Profile = ProfileProduction
	cfg.Tables = []TableConfig{cfg.Table(DefaultTable().Name, DefaultTable().PartitionKey)}
	cfg.Key.PendingWindowInDays = 30
	cfg.Key.LimitGrantsToAWSResources = true
	cfg.Writer.LogRetentionInDays = 365
	return cfg
}

// Table is a table with the profile's defaults: in production, deletion
// protection and point-in-time recovery are on.
func (c Config) Table(name string, partitionKey Attribute) TableConfig {
	production := c.Profile == ProfileProduction
	return TableConfig{Name: name, PartitionKey: partitionKey, PointInTimeRecovery: production, DeletionProtection: production}
}

// SeedConfig is the configuration of the seed profile. Only the profile is
// used: the reference template sets nothing else.
func SeedConfig() Config {
	return Config{Profile: ProfileSeed}
}

// ParseProfile checks a profile name.
func ParseProfile(name string) (Profile, error) {
	if !slices.Contains(Profiles(), Profile(name)) {
		return "", errProfile(name)
	}
	return Profile(name), nil
}

// ParseKeyAccess checks a key access model's name.
func ParseKeyAccess(name string) (KeyAccess, error) {
	if !slices.Contains(KeyAccesses(), KeyAccess(name)) {
		return "", fmt.Errorf("key.access: got %q, want one of %s", name, KeyAccessNames())
	}
	return KeyAccess(name), nil
}

// ParseKeyScope checks a key scope's name.
func ParseKeyScope(name string) (KeyScope, error) {
	if !slices.Contains(KeyScopes(), KeyScope(name)) {
		return "", fmt.Errorf("key.scope: got %q, want one of %s", name, joinNames(KeyScopes()))
	}
	return KeyScope(name), nil
}

// ConfigFor returns the configuration of the named profile.
func ConfigFor(profile string) (Config, error) {
	switch Profile(profile) {
	case ProfileDefault:
		return DefaultConfig(), nil
	case ProfileProduction:
		return ProductionConfig(), nil
	case ProfileSeed:
		return SeedConfig(), nil
	}
	return Config{}, errProfile(profile)
}

// retains reports whether delete-stack and replacements keep the tables and
// their keys. The key is always retained when its table is: a table whose
// key is gone becomes inaccessible.
func (c Config) retains() bool { return c.Profile == ProfileProduction }

// ProfileNames lists the profiles for messages and help texts.
func ProfileNames() string { return joinNames(Profiles()) }

// KeyAccessNames lists the key access models for messages and help texts.
func KeyAccessNames() string { return joinNames(KeyAccesses()) }

func joinNames[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}
