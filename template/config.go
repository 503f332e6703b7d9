package template

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Profile names a set of defaults that a [Config] starts from.
type Profile string

// The profiles a stack can be built from.
const (
	// ProfileSeed reproduces the reference template: three resources, the
	// reference's key policy and its inline Python writer.
	ProfileSeed Profile = "seed"
	// ProfileDefault is the stack we recommend: a least-privilege writer in Go
	// and a stack that delete-stack removes completely.
	ProfileDefault Profile = "default"
)

// Profiles lists every profile, in the order help texts show them.
var Profiles = []Profile{ProfileDefault, ProfileSeed}

// Config is everything a stack is built from.
type Config struct {
	Profile Profile
	Key     KeyConfig
	Writer  WriterConfig
}

// KeyConfig sets the lifecycle of the customer managed key and who may use it.
type KeyConfig struct {
	// RotationPeriodInDays is how often KMS rotates the key material: 90 to 2560.
	RotationPeriodInDays int
	// PendingWindowInDays is how long a deleted key can still be recovered: 7 to 30.
	PendingWindowInDays int
	// Access says how the writer gets to use the key.
	Access KeyAccess
	// LimitGrantsToAWSResources denies kms:CreateGrant unless the grant is
	// for an AWS resource, such as the grants DynamoDB makes for the table.
	LimitGrantsToAWSResources bool
	// Admins are IAM ARNs that may administer the key but never use it.
	Admins []string
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
var KeyAccesses = []KeyAccess{AccessWriter, AccessIAM, AccessAccount}

// WriterConfig sets the Lambda function that writes items into the table.
type WriterConfig struct {
	// CodeURI is where `make build` leaves the writer's bootstrap; `aws
	// cloudformation package` uploads it.
	CodeURI string
	// MemorySize in MB: 128 to 10240.
	MemorySize int
	// Timeout in seconds: 1 to 900.
	Timeout int
	// LogRetentionInDays is how long CloudWatch Logs keeps the writer's logs.
	LogRetentionInDays int
}

// DefaultConfig is the configuration of the default profile.
func DefaultConfig() Config {
	return Config{
		Profile: ProfileDefault,
		Key:     KeyConfig{RotationPeriodInDays: 365, PendingWindowInDays: 7, Access: AccessWriter},
		Writer: WriterConfig{
			CodeURI:            "build/writer",
			MemorySize:         128,
			Timeout:            10,
			LogRetentionInDays: 14,
		},
	}
}

// SeedConfig is the configuration of the seed profile. Only the profile is
// used: the reference template sets nothing else.
func SeedConfig() Config {
	return Config{Profile: ProfileSeed}
}

// ConfigFor returns the configuration of the named profile.
func ConfigFor(profile string) (Config, error) {
	switch Profile(profile) {
	case ProfileDefault:
		return DefaultConfig(), nil
	case ProfileSeed:
		return SeedConfig(), nil
	}
	return Config{}, fmt.Errorf("profile: got %q, want one of %s", profile, ProfileNames())
}

// ProfileNames lists the profiles for messages and help texts.
func ProfileNames() string { return joinNames(Profiles) }

// KeyAccessNames lists the key access models for messages and help texts.
func KeyAccessNames() string { return joinNames(KeyAccesses) }

func joinNames[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// iamPrincipalARN matches the ARN of an account root, a role or a user: the
// principals a key policy can name. KMS rejects a key policy that names a
// principal that does not exist.
var iamPrincipalARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)/[\w+=,.@/-]+)$`)

// logRetentionDays are the values CloudWatch Logs accepts for RetentionInDays.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Validate reports every field that is out of range, each naming the field,
// what is allowed and what it got.
func (c Config) Validate() error {
	if c.Profile == ProfileSeed {
		return nil
	}
	if c.Profile != ProfileDefault {
		return fmt.Errorf("profile: got %q, want one of %s", c.Profile, ProfileNames())
	}
	var errs []error
	inRange := func(field string, got, min, max int) {
		if got < min || got > max {
			errs = append(errs, fmt.Errorf("%s: got %d, want %d to %d", field, got, min, max))
		}
	}
	inRange("key.rotationPeriodInDays", c.Key.RotationPeriodInDays, 90, 2560)
	inRange("key.pendingWindowInDays", c.Key.PendingWindowInDays, 7, 30)
	if !slices.Contains(KeyAccesses, c.Key.Access) {
		errs = append(errs, fmt.Errorf("key.access: got %q, want one of %s", c.Key.Access, joinNames(KeyAccesses)))
	}
	for i, arn := range c.Key.Admins {
		if !iamPrincipalARN.MatchString(arn) {
			errs = append(errs, fmt.Errorf("key.admins[%d]: got %q, want an IAM ARN such as arn:aws:iam::111122223333:role/KeyAdmin", i, arn))
		}
	}
	inRange("writer.memorySize", c.Writer.MemorySize, 128, 10240)
	inRange("writer.timeout", c.Writer.Timeout, 1, 900)
	if !slices.Contains(logRetentionDays, c.Writer.LogRetentionInDays) {
		errs = append(errs, fmt.Errorf("writer.logRetentionInDays: got %d, want one of %v", c.Writer.LogRetentionInDays, logRetentionDays))
	}
	if c.Writer.CodeURI == "" {
		errs = append(errs, errors.New("writer.codeUri: got nothing, want the folder or zip that `make build` writes"))
	}
	return errors.Join(errs...)
}
