package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// deployedKey is a KMS key of the deployment: the stack that makes it and
// the key, read from that stack's template as deployed.
type deployedKey struct {
	stack deployment.Stack
	t     *cfn.Template
	key   cfn.Resource
}

func (k deployedKey) String() string { return fmt.Sprintf("key %s of %s", k.key.ID, k.stack) }

// replicaKeyOf says what encrypts one replica (or a table) in its Region:
// the AWS managed key, a key of the deployment, or a key written out
// outside it; known is false when the wiring could not be followed (DEP005
// says so).
type replicaKeyOf struct {
	region  string
	known   bool
	managed bool
	key     *deployedKey
	outside string
	// primary names the multi-Region primary key the key is, or is a
	// replica of; "" for a single-Region key.
	primary string
}

// tableAt is a key of a table of a stack's template, and where it is.
type tableAt struct {
	stack deployment.Stack
	table cfn.Resource
	enc   encryption
	key   tableKey
}

// said names the replica, its table and stack: "replica 2 (eu-west-1) of
// table OrdersTable of stack app (tables.yaml)".
func (a tableAt) said() string {
	if where := strings.TrimSuffix(a.enc.where(a.key), ": "); where != "" {
		return fmt.Sprintf("%s of table %s of %s", where, a.table.ID, a.stack)
	}
	return fmt.Sprintf("table %s of %s", a.table.ID, a.stack)
}

// judgeTables follows the key of each table, and each replica's of a
// global table, of stack s, and judges it.
func (j *deploymentJudge) judgeTables(s deployment.Stack) {
	t := j.deployed[s.Name]
	for _, r := range t.Resources("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable") {
		e := encryptionOf(r)
		if !e.enabled {
			continue // SSE001 tells
		}
		var keys []replicaKeyOf
		for _, k := range e.keys {
			at := tableAt{s, r, e, k}
			region, ok := j.replicaRegion(at)
			if !ok {
				continue
			}
			rk := j.follow(at)
			rk.region = region
			if rk.known {
				j.judgeKey(at, &rk)
			}
			keys = append(keys, rk)
		}
		j.judgeKinds(s, r, keys)
	}
}

// replicaRegion is the Region of a replica, the stack's for a table.
func (j *deploymentJudge) replicaRegion(at tableAt) (string, bool) {
	if at.table.Type != "AWS::DynamoDB::GlobalTable" {
		return at.stack.Region, true
	}
	path := append(at.key.path[:3:3], "Region")
	switch region := cfn.Text(cfn.At(at.table.Entry, path...)); {
	case region == "${AWS::Region}":
		return at.stack.Region, true
	case plainText(region):
		return region, true
	default:
		j.add(at.stack.Name, keyNotFollowed, hitf(at.table.ID, pointable(at.table, path),
			"%sRegion is %s, only known at deployment: its key's Region and policy are not judged", at.enc.where(at.key), describe(cfn.At(at.table.Entry, path...))))
		return "", false
	}
}

// follow finds the key a table's KMSMasterKeyId leads to through the
// deployment.
func (j *deploymentJudge) follow(at tableAt) replicaKeyOf {
	s, t := at.stack, j.deployed[at.stack.Name]
	switch kind, _ := classify(t, at.key.value); kind {
	case noKey, awsManaged:
		return replicaKeyOf{known: true, managed: true} // SSE002 tells
	case stackKey:
		key, _ := keyOfTable(t, at.key.value)
		return replicaKeyOf{known: true, key: &deployedKey{s, t, key}}
	}
	src, err := j.d.Follow(s.Name, at.key.value)
	if err != nil {
		j.add(s.Name, keyNotFollowed, hitf(at.table.ID, at.key.path, "%sKMSMasterKeyId cannot be followed through the deployment: %v: its Region, key policy and rotation are not judged", at.enc.where(at.key), err))
		return replicaKeyOf{}
	}
	if src.Resource == "" {
		if isAWSManagedKey(src.Literal) {
			j.add(s.Name, ruleByID("SSE002"), hitf(at.table.ID, at.key.path, "%sKMSMasterKeyId is %s, which is the AWS managed key aws/dynamodb, whose policy lets every principal in the account use it", at.enc.where(at.key), src.Path()))
			return replicaKeyOf{known: true, managed: true}
		}
		return replicaKeyOf{known: true, outside: src.Literal}
	}
	from, _ := j.d.Stack(src.Stack)
	key, ok := KeyOf(j.deployed[from.Name], src.Resource)
	if !ok {
		j.add(s.Name, keyNotFollowed, hitf(at.table.ID, at.key.path, "%sKMSMasterKeyId leads to %s of %s (%s), which is not a KMS key of the deployment: its Region, key policy and rotation are not judged", at.enc.where(at.key), src.Resource, from, src.Path()))
		return replicaKeyOf{}
	}
	j.proven[s.Name][at.table.ID+"\x00"+strings.Join(writtenPath(t, hit{resource: at.table.ID, path: at.key.path}), ".")] = true
	return replicaKeyOf{known: true, key: &deployedKey{from, j.deployed[from.Name], key}}
}

// judgeKey judges the key a replica is encrypted with: its Region, its
// policy, its rotation; and tells which primary key it belongs to.
func (j *deploymentJudge) judgeKey(at tableAt, rk *replicaKeyOf) {
	if rk.outside != "" {
		if region := arnRegion(rk.outside); region != "" && region != rk.region {
			j.add(at.stack.Name, keyInAnotherRegion, hitf(at.table.ID, at.key.path, "%sKMSMasterKeyId is %s, a key in %s, not in the replica's Region %s: DynamoDB encrypts a replica only with a key of its own Region",
				at.enc.where(at.key), rk.outside, region, rk.region))
		}
		if id := rk.outside[strings.LastIndex(rk.outside, "/")+1:]; strings.HasPrefix(id, "mrk-") {
			rk.primary = id // related multi-Region keys share their key id
		}
		return
	}
	if rk.key == nil {
		return
	}
	k := *rk.key
	if k.stack.Region != rk.region {
		j.add(at.stack.Name, keyInAnotherRegion, hitf(at.table.ID, at.key.path, "%sKMSMasterKeyId leads to %s, in %s, not in the replica's Region %s: DynamoDB encrypts a replica only with a key of its own Region",
			at.enc.where(at.key), k, k.stack.Region, rk.region))
	} else {
		j.judgeKeyPolicy(at, k, rk.region)
	}
	rk.primary, rk.known = j.judgeRotation(at, k)
}

// dynamoDBKeyUse are the calls DynamoDB makes with a table's key, for the
// principal that creates a replica and for those that read and write it.
var dynamoDBKeyUse = []string{"kms:CreateGrant", "kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}

// judgeKeyPolicy finds a key policy that lets no principal of the account
// make DynamoDB's calls through DynamoDB in region. The policy is read as
// deployed to its stack's Region: ${AWS::Region} in it is that Region.
func (j *deploymentJudge) judgeKeyPolicy(at tableAt, k deployedKey, region string) {
	if !j.once(strings.Join([]string{"policy", k.stack.Name, k.key.ID, region}, "\x00")) {
		return
	}
	kp, err := keyPolicyOf(k.key)
	if err != nil {
		return // a policy that cannot be read is a CHK001 in its own template
	}
	doc := judgeable(inRegion(kp.document(), k.stack.Region))
	through := map[string][]string{"kms:viaservice": {"dynamodb." + region + ".amazonaws.com"}, "kms:grantisforawsresource": {"true"}}
	var lacks []string
	for _, c := range callers(doc.PolicyDocument, j.env) {
		if !c.thisAccount(j.env) {
			continue
		}
		lacking := missing(dynamoDBKeyUse, allowedActions(doc, c, dynamoDBKeyUse, through, j.env))
		if len(lacking) == 0 {
			return // this principal may do all DynamoDB needs
		}
		if lacks == nil || len(lacking) < len(lacks) {
			lacks = lacking
		}
	}
	if lacks != nil {
		j.add(k.stack.Name, keyClosedToDynamoDB, hitf(k.key.ID, pointable(k.key, keyPolicyPath),
			"encrypts %s, but lets no principal of the account call %s through DynamoDB in %s (kms:ViaService dynamodb.%s.amazonaws.com), by itself or through IAM: the replica cannot be created, or becomes inaccessible",
			at.said(), strings.Join(lacks, ", "), region, region))
	}
}

// inRegion gives a key policy as deployed to region: CloudFormation fills
// in ${AWS::Region} in its conditions and resources.
func inRegion(doc cfn.PolicyDocument, region string) cfn.PolicyDocument {
	fill := func(v any) any {
		if v == nil {
			return nil
		}
		var out []any
		for _, text := range cfn.Texts(v) {
			out = append(out, strings.ReplaceAll(text, "${AWS::Region}", region))
		}
		return out
	}
	out := cfn.PolicyDocument{Version: doc.Version, ID: doc.ID}
	for _, s := range doc.Statement {
		s.Resource, s.NotResource = fill(s.Resource), fill(s.NotResource)
		if s.Condition != nil {
			conditions := map[string]map[string]any{}
			for op, tests := range s.Condition {
				conditions[op] = map[string]any{}
				for key, values := range tests {
					conditions[op][key] = fill(values)
				}
			}
			s.Condition = conditions
		}
		out.Statement = append(out.Statement, s)
	}
	return out
}

// judgeRotation notes what a key that encrypts a table from another stack,
// or a replica key's primary, encrypts, for judgeRotations; it gives the
// multi-Region primary key the key is or replicates, "" for a single-Region
// key, and false for a replica key whose primary it cannot follow (DEP005
// says so).
func (j *deploymentJudge) judgeRotation(at tableAt, k deployedKey) (string, bool) {
	if k.key.Type == "AWS::KMS::Key" {
		if k.stack.Name != at.stack.Name { // else KEY001 judges it
			j.encrypts(k, at.said())
		}
		if cfn.IsTrue(k.key.Prop("MultiRegion")) {
			return k.String(), true
		}
		return "", true
	}
	primaryPath := pointable(k.key, []string{"Properties", "PrimaryKeyArn"})
	src, err := j.d.Follow(k.stack.Name, k.key.Prop("PrimaryKeyArn"))
	switch {
	case err != nil:
		j.add(k.stack.Name, keyNotFollowed, hitf(k.key.ID, primaryPath, "encrypts %s, but its PrimaryKeyArn cannot be followed through the deployment: %v: its rotation, its primary's, is not judged", at.said(), err))
		return "", false
	case src.Resource == "":
		j.add(k.stack.Name, keyNotFollowed, hitf(k.key.ID, primaryPath, "encrypts %s, but its PrimaryKeyArn is %s, a key outside the deployment: its rotation, its primary's, is not judged", at.said(), src.Literal))
		return src.Literal[strings.LastIndex(src.Literal, "/")+1:], true // related multi-Region keys share their key id
	}
	from, _ := j.d.Stack(src.Stack)
	primary, ok := KeyOf(j.deployed[from.Name], src.Resource)
	if !ok {
		j.add(k.stack.Name, keyNotFollowed, hitf(k.key.ID, primaryPath, "encrypts %s, but its PrimaryKeyArn leads to %s of %s, which is not a KMS key: its rotation, its primary's, is not judged", at.said(), src.Resource, from))
		return "", false
	}
	p := deployedKey{from, j.deployed[from.Name], primary}
	if !cfn.IsTrue(primary.Prop("MultiRegion")) {
		h := hitf(k.key.ID, primaryPath, "its PrimaryKeyArn leads to %s, which is not a multi-Region key (MultiRegion is not true): KMS replicates only a multi-Region primary key", p)
		h.raise = true
		j.add(k.stack.Name, mixedKeyKinds, h)
	}
	j.encrypts(p, fmt.Sprintf("through its replica %s, %s", k, at.said()))
	return p.String(), true
}

// encrypts notes that key k, whose rotation a deployment judges, encrypts
// what said says.
func (j *deploymentJudge) encrypts(k deployedKey, said string) {
	name := k.String()
	if _, ok := j.rotated[name]; !ok {
		j.rotatedOrder = append(j.rotatedOrder, name)
		j.rotated[name] = &keyUses{key: k}
	}
	if u := j.rotated[name]; !slices.Contains(u.uses, said) {
		u.uses = append(u.uses, said)
	}
}

// keyUses is a key and what it encrypts.
type keyUses struct {
	key  deployedKey
	uses []string
}

// judgeRotations finds each key noted that does not rotate, naming
// everything it encrypts.
func (j *deploymentJudge) judgeRotations() {
	for _, name := range j.rotatedOrder {
		u := j.rotated[name]
		if cfn.IsTrue(u.key.key.Prop("EnableKeyRotation")) {
			continue
		}
		j.add(u.key.stack.Name, keyNotRotating, hitf(u.key.key.ID, pointable(u.key.key, []string{"Properties", "EnableKeyRotation"}),
			"encrypts %s, but EnableKeyRotation is not true: the same key material protects them forever (a replica key rotates only as its primary does)", strings.Join(u.uses, "; ")))
	}
}

// judgeKinds finds the replicas of a global table on different kinds of
// key: the AWS managed key beside customer managed keys, or replicas of a
// multi-Region key beside independent keys or another primary's replicas.
func (j *deploymentJudge) judgeKinds(s deployment.Stack, r cfn.Resource, keys []replicaKeyOf) {
	if r.Type != "AWS::DynamoDB::GlobalTable" {
		return
	}
	var managed, customer, independent, primaries []string
	byPrimary := map[string][]string{}
	for _, k := range keys {
		switch {
		case !k.known:
		case k.managed:
			managed = append(managed, k.region)
		case k.primary == "":
			customer, independent = append(customer, k.region), append(independent, k.region)
		default:
			customer = append(customer, k.region)
			if byPrimary[k.primary] == nil {
				primaries = append(primaries, k.primary)
			}
			byPrimary[k.primary] = append(byPrimary[k.primary], k.region)
		}
	}
	at := pointable(r, []string{"Properties", "Replicas"})
	switch {
	case len(managed) > 0 && len(customer) > 0:
		h := hitf(r.ID, at, "replicas in %s are on the AWS managed key aws/dynamodb, those in %s on customer managed keys: a global table's replicas use one kind of key",
			strings.Join(managed, ", "), strings.Join(customer, ", "))
		h.raise = true
		j.add(s.Name, mixedKeyKinds, h)
	case len(primaries) > 1 || len(primaries) == 1 && len(independent) > 0:
		var said []string
		for _, p := range primaries {
			said = append(said, fmt.Sprintf("%s on the multi-Region %s or its replicas", strings.Join(byPrimary[p], ", "), p))
		}
		if len(independent) > 0 {
			said = append(said, strings.Join(independent, ", ")+" on single-Region keys")
		}
		j.add(s.Name, mixedKeyKinds, hitf(r.ID, at, "replicas on different kinds of customer managed key: %s", strings.Join(said, "; ")))
	}
}
