package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
)

// globalTable checks a global table as its stack's Region describes it:
// SSE on, with KMS; each replica the template makes, ACTIVE, encrypted with
// the key the template gives it, which must be a key of the stack or, in a
// deployment (verify -manifest), the key the deployment's wiring leads to;
// no replica the template does not make.
func (v Verifier) globalTable(ctx context.Context, s *stack, table string) []Line {
	subject := "table " + table
	described, err := v.describedTable(ctx, s, table)
	if err != nil {
		return []Line{v.unanswered(subject, "replicas", err)}
	}
	var lines []Line
	switch sse := described.SSEDescription; {
	case sse == nil:
		lines = append(lines, Line{Fail, subject, "DescribeTable gives no SSEDescription: the table is encrypted with an AWS owned key"})
	case sse.Status != dbtypes.SSEStatusEnabled || sse.SSEType != dbtypes.SSETypeKms:
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("SSE is %s, type %s, not ENABLED with KMS", sse.Status, sse.SSEType)})
	}
	// DescribeTable lists the replicas of the other Regions; the table of
	// the stack's own Region is the one described (listed too, it is
	// compared as listed).
	home := s.values.Pseudo["AWS::Region"]
	deployed := map[string]dbtypes.ReplicaDescription{home: {
		RegionName: aws.String(home), ReplicaStatus: dbtypes.ReplicaStatus(described.TableStatus), KMSMasterKeyId: sseKey(described.SSEDescription),
	}}
	for _, r := range described.Replicas {
		if aws.ToString(r.RegionName) == home && r.KMSMasterKeyId == nil {
			r.KMSMasterKeyId = sseKey(described.SSEDescription)
		}
		deployed[aws.ToString(r.RegionName)] = r
	}
	promised := map[string]bool{}
	for i, replica := range cfn.List(s.resource(table).Prop("Replicas")) {
		region, err := s.resolve(cfn.At(replica, "Region"))
		if err != nil {
			lines = append(lines, unresolved(subject, fmt.Sprintf("the Region of the template's replica %d", i+1), err))
			continue
		}
		promised[cfn.Text(region)] = true
		lines = append(lines, v.replica(ctx, s, table, cfn.Text(region), cfn.At(replica, "SSESpecification", "KMSMasterKeyId"), deployed)...)
	}
	for _, region := range sortedKeys(deployed) {
		if !promised[region] {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("a replica in %s, which the template does not make: its data and key are outside the deployment", region)})
		}
	}
	return lines
}

func sseKey(sse *dbtypes.SSEDescription) *string {
	if sse == nil {
		return nil
	}
	return sse.KMSMasterKeyArn
}

// replica checks one replica the template makes: ACTIVE, and encrypted
// with the key the template gives it, proven a key of the stack or of the
// deployment.
func (v Verifier) replica(ctx context.Context, s *stack, table, region string, keyID any, deployed map[string]dbtypes.ReplicaDescription) []Line {
	subject := "table " + table
	got, ok := deployed[region]
	if !ok {
		return []Line{{Fail, subject, fmt.Sprintf("no replica in %s, which the template makes", region)}}
	}
	var lines []Line
	switch status := got.ReplicaStatus; status {
	case dbtypes.ReplicaStatusActive:
	case dbtypes.ReplicaStatusInaccessibleEncryptionCredentials:
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("replica %s is %s: DynamoDB cannot use its key; after 20 hours so, DynamoDB converts it to a single-Region table", region, status)})
	default:
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("replica %s is %s, not ACTIVE", region, status)})
	}
	want, err := v.promisedReplicaKey(ctx, s, region, keyID)
	if err != nil {
		return append(lines, Line{Fail, subject, fmt.Sprintf("replica %s: %v", region, err)})
	}
	if deployedKey := aws.ToString(got.KMSMasterKeyId); !sameKey(deployedKey, want.arn) {
		return append(lines, Line{Fail, subject, fmt.Sprintf("replica %s is encrypted with %s, not %s (%s)", region, orNone(deployedKey), want.name, want.arn)})
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, fmt.Sprintf("replica %s ACTIVE, encrypted with %s", region, want.name)}}
}

// sameKey reports whether the key a replica's description names is the key
// with ARN arn: the ARN itself, or its key id. Related multi-Region keys
// share their id, so an id alone names the key of the Region asked.
func sameKey(named, arn string) bool {
	return named != "" && isKey(arn, named)
}

func orNone(key string) string {
	if key == "" {
		return "no key named (the AWS managed key)"
	}
	return key
}

// promisedKey is a key a replica must be encrypted with: its ARN, and how
// lines name it.
type promisedKey struct{ name, arn string }

// promisedReplicaKey finds the key a replica of the stack's global table
// must be encrypted with, KMSMasterKeyId of the template: a key of the
// stack; or, in a deployment, the key of another stack the deployment's
// wiring leads to, in the replica's Region, which the stack must have been
// given. Any other key, or one a stack alone cannot follow, is an error.
func (v Verifier) promisedReplicaKey(ctx context.Context, s *stack, region string, keyID any) (promisedKey, error) {
	if keyID == nil {
		return promisedKey{}, errors.New("the template names no key: DynamoDB uses the AWS managed key")
	}
	if id, ok := cfn.RefTarget(keyID); ok {
		if key, ok := s.keyOf(id); ok {
			arn, err := v.attribute(ctx, s, s.resource(key).Type, s.physical[key], "Arn")
			return promisedKey{"key " + key + " of the stack", arn}, err
		}
	}
	if s.fleet == nil {
		return promisedKey{}, fmt.Errorf("its key, %s, is not a key of the stack: verify -manifest DIR/stacks.json verifies it with the stack that makes it", cfn.Text(keyID))
	}
	return s.fleet.keyOf(ctx, s, region, keyID)
}

// keyOf gives the key of the stack that resource id is, or is an alias of.
func (s *stack) keyOf(id string) (string, bool) {
	r, ok := check.KeyOf(s.template, id)
	_, held := s.physical[r.ID]
	return r.ID, ok && held
}

// replicaOf checks that a replica key is a multi-Region replica of the
// primary key its template names (DescribeKey's MultiRegionConfiguration):
// its rotation, and its key material, are its primary's.
func (v Verifier) replicaOf(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	primary, err := s.resolve(s.resource(key).Prop("PrimaryKeyArn"))
	if err != nil {
		return unresolved(subject, "the template's PrimaryKeyArn", err)
	}
	config, err := v.multiRegion(ctx, s, key)
	if err != nil {
		return v.unanswered(subject, "the key it replicates", err)
	}
	got := "no primary key"
	if config.PrimaryKey != nil {
		got = aws.ToString(config.PrimaryKey.Arn)
	}
	switch {
	case config.MultiRegionKeyType != kmstypes.MultiRegionKeyTypeReplica:
		return Line{Fail, subject, fmt.Sprintf("a %s key, not a replica key", orSingleRegion(config.MultiRegionKeyType))}
	case got != cfn.Text(primary):
		return Line{Fail, subject, fmt.Sprintf("a replica of %s, not of the primary key the template names, %s", got, cfn.Text(primary))}
	}
	return Line{Pass, subject, fmt.Sprintf("a replica of the primary key %s, whose rotation it shares", got)}
}

// primaryKey checks a key whose template sets MultiRegion: a key it makes
// multi-Region must be a multi-Region primary key and, in a deployment,
// the primary of each replica key of the deployment that names it; one it
// makes single-Region must be single-Region.
func (v Verifier) primaryKey(ctx context.Context, s *stack, key string) Line {
	subject := "key " + key
	multi, err := s.flag(s.resource(key).Prop("MultiRegion"))
	if err != nil {
		return unresolved(subject, "the template's MultiRegion", err)
	}
	config, err := v.multiRegion(ctx, s, key)
	if err != nil {
		return v.unanswered(subject, "multi-Region primary", err)
	}
	switch {
	case !multi && config.MultiRegionKeyType != "":
		return Line{Fail, subject, fmt.Sprintf("a multi-Region %s key; the template makes it single-Region", config.MultiRegionKeyType)}
	case !multi:
		return Line{Pass, subject, "a single-Region key, as the template makes it"}
	case config.MultiRegionKeyType != kmstypes.MultiRegionKeyTypePrimary:
		return Line{Fail, subject, fmt.Sprintf("the template makes it a multi-Region primary key; it is a %s key", orSingleRegion(config.MultiRegionKeyType))}
	}
	var replicas []string
	for _, r := range config.ReplicaKeys {
		replicas = append(replicas, aws.ToString(r.Arn))
	}
	if s.fleet == nil {
		return Line{Pass, subject, fmt.Sprintf("a multi-Region primary key, with replicas %s", joinOr(replicas, "none"))}
	}
	want, err := s.fleet.replicasOf(ctx, s, key)
	if err != nil {
		return Line{Fail, subject, err.Error()}
	}
	var missing []string
	for _, w := range want {
		if !slices.Contains(replicas, w.arn) {
			missing = append(missing, fmt.Sprintf("%s (%s)", w.name, w.arn))
		}
	}
	if len(missing) > 0 {
		return Line{Fail, subject, fmt.Sprintf("not the primary of %s, which the deployment makes its replicas: they do not share its key material or rotation", strings.Join(missing, ", "))}
	}
	return Line{Pass, subject, fmt.Sprintf("a multi-Region primary key, the primary of the deployment's replica keys %s", joinOr(names(want), "none"))}
}

func orSingleRegion(t kmstypes.MultiRegionKeyType) string {
	if t == "" {
		return "single-Region"
	}
	return "multi-Region " + string(t)
}

func names(keys []promisedKey) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.name)
	}
	return out
}

// multiRegion gives a key's MultiRegionConfiguration, which DescribeKey
// gives a multi-Region key and a single-Region key lacks (empty here).
func (v Verifier) multiRegion(ctx context.Context, s *stack, key string) (kmstypes.MultiRegionConfiguration, error) {
	out, err := v.describeKey(ctx, s, s.physical[key])
	if err == nil && out.KeyMetadata == nil {
		err = errors.New("no key metadata in the answer")
	}
	if err != nil {
		return kmstypes.MultiRegionConfiguration{}, fmt.Errorf("DescribeKey: %w", err)
	}
	if out.KeyMetadata.MultiRegionConfiguration == nil || !aws.ToBool(out.KeyMetadata.MultiRegion) {
		return kmstypes.MultiRegionConfiguration{}, nil
	}
	return *out.KeyMetadata.MultiRegionConfiguration, nil
}
