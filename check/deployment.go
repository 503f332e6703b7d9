package check

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// The rules only a whole deployment shows (Deployment): a table's keys
// often come from other stacks, in other Regions, as parameters.
var (
	keyInAnotherRegion = Rule{
		ID: "DEP001", Title: "a table's key is in another Region than its replica", Severity: Error,
		Why: "DynamoDB encrypts a replica only with a key of the replica's own Region: a key of another Region, " +
			"passed from a key stack of the wrong Region, fails the deployment",
		Fix: "give each replica the key of its own Region's key stack (gen writes the wiring in stacks.json)",
		Basis: []string{"https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-globaltable-replicassespecification.html",
			"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-security.html"},
	}
	keyClosedToDynamoDB = Rule{
		ID: "DEP002", Title: "a key policy does not let DynamoDB in the replica's Region use the key", Severity: Error,
		Why: "the principal that creates a replica, and those that read and write it, use its key through DynamoDB in the replica's Region " +
			"(kms:ViaService dynamodb.REGION.amazonaws.com): a key policy that lets no principal of the account do so there, by itself or " +
			"through IAM, fails the replica's creation, or leaves it INACCESSIBLE_ENCRYPTION_CREDENTIALS until, after 20 hours, DynamoDB converts it to a single-Region table",
		Fix: "keep the account root's kms:* statement (IAM then decides), or allow the principals kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, " +
			"kms:GenerateDataKey*, kms:DescribeKey and kms:CreateGrant with kms:ViaService dynamodb.${AWS::Region}.amazonaws.com, in the key's own stack",
		Basis: []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html#dynamodb-customer-cmk-policy",
			"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
			"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-security.html"},
	}
	mixedKeyKinds = Rule{
		ID: "DEP003", Title: "replicas of a global table on different kinds of key", Severity: Warning,
		Why: "all replicas of a global table use one kind of key: the AWS managed key beside customer managed keys is refused (an error); " +
			"replicas of one multi-Region primary key beside independent keys, or replicas of two primaries, are two key models to audit and rotate; " +
			"a replica key whose primary is not multi-Region is refused by KMS (an error)",
		Fix: "encrypt every replica with a replica of one multi-Region primary key (gen key.multiRegion: true), or each with an independent key of its Region (key.multiRegion: false)",
		Basis: []string{"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-security.html",
			"https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html"},
	}
	keyNotRotating = Rule{
		ID: "DEP004", Title: "a key of another stack that encrypts a table does not rotate", Severity: Error,
		Auditors: []string{"checkov CKV_AWS_7", "Control Tower CT.KMS.PR.1", "Security Hub KMS.4"},
		Why: "KEY001 sees only the tables of the key's own template: a key made in another stack, and a replica key's primary, are judged here; " +
			"a replica key has no rotation of its own, it rotates as its multi-Region primary does",
		Fix: "set EnableKeyRotation: true on the key, or, for a replica key, on its multi-Region primary",
		Basis: []string{"https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html",
			"https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdatePrimaryRegion.html"},
	}
	keyNotFollowed = Rule{
		ID: "DEP005", Title: "a table's key the deployment does not lead to", Severity: Warning,
		Why: "a KMSMasterKeyId, a replica's Region or a replica key's PrimaryKeyArn that the deployment's wiring cannot follow " +
			"(an import, an Fn::If, an output that is not a key) leaves the key's Region, policy and rotation unjudged; the check says so rather than pass it",
		Fix: "pass the key's ARN as a parameter from the output of the key's stack in stacks.json, or review that key by hand",
	}
	deploymentRules = []Rule{keyInAnotherRegion, keyClosedToDynamoDB, mixedKeyKinds, keyNotRotating, keyNotFollowed}
)

// Deployment judges a deployment read from its directory: each stack's
// template as deployed to its stack's Region, then what only the whole
// deployment shows (the DEP rules), following each table's key through
// stacks.json to the stack that makes it. Each finding is in the report of
// the template it points into, and names the other stacks, by name and
// file, that it rests on. A key the deployment leads to a key of its stacks
// is no longer one the template cannot prove customer managed: SSE004 is
// not told of it.
func Deployment(d *deployment.Dir, opts Options) []Report {
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	j := newDeploymentJudge(d, opts)
	for _, s := range d.Stacks {
		j.judgeTables(s)
	}
	j.judgeRotations()
	reports := make([]Report, 0, len(d.Stacks))
	for _, s := range d.Stacks {
		stackOpts := opts
		stackOpts.Region, stackOpts.Size = s.Region, templateSize(d, s)
		var more []Finding
		for _, f := range j.found[s.Name] {
			more = append(more, f.rule.finding(j.deployed[s.Name], f.hit, stackOpts))
		}
		findings := slices.DeleteFunc(run(j.normalized[s.Name], stackOpts, more), func(f Finding) bool {
			return f.Rule == "SSE004" && j.proven[s.Name][f.Resource+"\x00"+f.Path]
		})
		reports = append(reports, Report{File: d.TemplatePath(s), Findings: findings})
	}
	return reports
}

// DeploymentRule reports whether rule id is one only a whole deployment
// shows (Deployment).
func DeploymentRule(id string) bool {
	return slices.ContainsFunc(deploymentRules, func(r Rule) bool { return r.ID == id })
}

// isDeploymentDir reports whether path is a directory that holds a
// deployment's manifest.
func isDeploymentDir(path string) bool {
	info, err := os.Stat(filepath.Join(path, deployment.Manifest))
	return err == nil && info.Mode().IsRegular()
}

// deploymentReports judges the deployment in directory dir, and gives the
// files found below it that its manifest does not name, to be judged on
// their own: a template left beside a deployment is judged, not skipped. A
// deployment that cannot be read (deployment.Load) is not judged: its
// manifest is the file reported, with why.
func deploymentReports(dir string, opts Options, found []templateFile) ([]Report, []templateFile) {
	d, err := deployment.Load(dir)
	if err != nil {
		manifest := filepath.Join(dir, deployment.Manifest)
		return nil, []templateFile{{path: manifest, err: errors.New(strings.TrimPrefix(err.Error(), manifest+": "))}}
	}
	named := map[string]bool{filepath.Clean(dir): true} // a walk that found nothing else says so of dir
	for _, s := range d.Stacks {
		named[filepath.Clean(d.TemplatePath(s))] = true
	}
	rest := slices.DeleteFunc(found, func(f templateFile) bool { return named[filepath.Clean(f.path)] })
	return Deployment(d, opts), rest
}

// templateSize is the size of a stack's template file, 0 when the
// deployment is not read from a directory.
func templateSize(d *deployment.Dir, s deployment.Stack) int {
	if d.Path == "" {
		return 0
	}
	info, err := os.Stat(d.TemplatePath(s))
	if err != nil {
		return 0
	}
	return int(info.Size())
}

// deploymentJudge holds what judging a deployment finds, by stack.
type deploymentJudge struct {
	d   *deployment.Dir
	env cfn.Env
	// normalized is each stack's template normalised; deployed the same
	// as its Region makes it, where that is one scenario.
	normalized, deployed map[string]*cfn.Template
	found                map[string][]ruleHit
	// rotated holds the keys whose rotation the deployment judges, with
	// what each encrypts, in the order first found.
	rotated      map[string]*keyUses
	rotatedOrder []string
	// proven holds, by stack, the keys of tables followed to a key of the
	// deployment, as resource and path.
	proven map[string]map[string]bool
	told   map[string]bool
}

// ruleHit is a hit of a deployment rule in one stack's template.
type ruleHit struct {
	rule Rule
	hit  hit
}

func newDeploymentJudge(d *deployment.Dir, opts Options) *deploymentJudge {
	j := &deploymentJudge{d: d, env: cfn.Env{Accounts: opts.Accounts, Now: opts.Today},
		normalized: map[string]*cfn.Template{}, deployed: map[string]*cfn.Template{},
		found: map[string][]ruleHit{}, rotated: map[string]*keyUses{}, proven: map[string]map[string]bool{}, told: map[string]bool{}}
	for _, s := range d.Stacks {
		n := d.Templates[s.Name].Normalize()
		j.normalized[s.Name], j.deployed[s.Name] = n, n
		if scenarios := n.Deployments(s.Region, judgedParts); len(scenarios.Scenarios) == 1 {
			j.deployed[s.Name] = scenarios.Under(scenarios.Scenarios[0])
		}
		j.proven[s.Name] = map[string]bool{}
	}
	return j
}

// add records a hit in the template of stack, once.
func (j *deploymentJudge) add(stack string, r Rule, h hit) {
	if j.once(strings.Join(append([]string{stack, r.ID, h.resource, h.message}, h.path...), "\x00")) {
		j.found[stack] = append(j.found[stack], ruleHit{r, h})
	}
}

// once reports whether key is asked for the first time.
func (j *deploymentJudge) once(key string) bool {
	if j.told[key] {
		return false
	}
	j.told[key] = true
	return true
}

// ruleByID finds a rule of a template that a deployment may also find
// where only the deployment shows it (SSE002: the AWS managed key given in
// stacks.json).
func ruleByID(id string) Rule {
	i := slices.IndexFunc(Rules(), func(r Rule) bool { return r.ID == id })
	return Rules()[i]
}

// arnRegion is the Region a KMS key ARN names, "" for another text.
func arnRegion(arn string) string {
	if parts := cfn.ARNParts(arn); len(parts) == 6 && parts[0] == "arn" && parts[2] == "kms" && plainText(parts[3]) {
		return parts[3]
	}
	return ""
}

func plainText(s string) bool { return s != "" && !strings.Contains(s, "${") }
