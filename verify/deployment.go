package verify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"

	"github.com/dynamodb-sse-cmk/stack/cfn"
	"github.com/dynamodb-sse-cmk/stack/check"
	"github.com/dynamodb-sse-cmk/stack/deployment"
)

// fleet is a deployment as verify reads it (verify -manifest): its
// manifest with each stack's template as deployed, the stacks read, and
// the Verifier of each Region.
type fleet struct {
	// dir is the manifest, with each stack's template as deployed; where a
	// stack could not be read, its template in the deployment's directory.
	dir    *deployment.Dir
	stacks map[string]*stack
	in     func(region string) Verifier
}

// oncePerRegion gives the Verifier in makes for each Region, made once: a
// Verifier bounds the requests in flight to each service, and a second one
// for a Region would add its own bound to the first.
func oncePerRegion(in func(region string) Verifier) func(region string) Verifier {
	var mu sync.Mutex
	made := map[string]Verifier{}
	return func(region string) Verifier {
		mu.Lock()
		defer mu.Unlock()
		v, ok := made[region]
		if !ok {
			v = in(region)
			made[region] = v
		}
		return v
	}
}

// Deployment verifies every stack of deployment d in its own Region, with
// the Verifier in gives for that Region, each as Stack does, and what the
// deployment promises across its stacks: each parameter as stacks.json
// gives it (an earlier stack's output); each replica of a global table
// encrypted with the key its Region's stack makes; each multi-Region
// primary key the primary of the deployment's replica keys; a role's
// policies and functions from other stacks counted as the role's; and gen
// check's deployment rules on the templates as deployed. A stack that
// cannot be read fails, and the others are still verified. Each line's
// subject begins with its stack's name. progress, when set, hears how many
// checks are done.
func Deployment(ctx context.Context, d *deployment.Dir, in func(region string) Verifier, progress func(done, total int)) []Line {
	f := &fleet{dir: &deployment.Dir{Deployment: d.Deployment, Templates: maps.Clone(d.Templates)}, stacks: map[string]*stack{}, in: oncePerRegion(in)}
	unread := f.read(ctx)
	var (
		jobs  []job
		owner []string // the stack of each job, by which its lines are named
	)
	for _, s := range d.Stacks {
		if st, ok := f.stacks[s.Name]; ok {
			for _, j := range append(f.in(s.Region).jobs(st), func(ctx context.Context) []Line { return f.parameters(ctx, s) }) {
				jobs, owner = append(jobs, j), append(owner, s.Name)
			}
		}
	}
	jobs, owner = append(jobs, func(context.Context) []Line { return f.posture() }), append(owner, "deployment")
	results := runAll(ctx, jobs, progress)
	for i := range results {
		for k := range results[i] {
			results[i][k].Subject = owner[i] + " " + results[i][k].Subject
		}
	}
	var lines []Line
	for _, s := range d.Stacks {
		lines = append(lines, unread[s.Name]...)
		for i := range results {
			if owner[i] == s.Name {
				lines = append(lines, results[i]...)
			}
		}
	}
	return append(lines, results[len(results)-1]...)
}

// read reads every stack in its Region, at once; a stack that cannot be
// read gives a failed line, by stack name.
func (f *fleet) read(ctx context.Context) map[string][]Line {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		unread = map[string][]Line{}
	)
	for _, s := range f.dir.Stacks {
		wg.Go(func() {
			st, err := f.in(s.Region).read(ctx, s.Name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				unread[s.Name] = []Line{{Fail, s.Name + " stack", fmt.Sprintf("cannot be read in %s: %v", s.Region, err)}}
				return
			}
			st.fleet = f
			f.stacks[s.Name] = st
			f.dir.Templates[s.Name] = st.template
		})
	}
	wg.Wait()
	return unread
}

// region is the Region a stack of the deployment is in.
func (s *stack) region() string { return s.values.Pseudo["AWS::Region"] }

// parameters checks that the stack was deployed with each parameter as
// stacks.json gives it: the value written there, or the output of the
// earlier stack it names.
func (f *fleet) parameters(ctx context.Context, ds deployment.Stack) []Line {
	s := f.stacks[ds.Name]
	var lines []Line
	for _, name := range sortedKeys(ds.Parameters) {
		subject, value := "parameter "+name, ds.Parameters[name]
		got, given := s.values.Parameters[name]
		if !given {
			lines = append(lines, Line{Fail, subject, "the stack was not deployed with it, which stacks.json gives"})
			continue
		}
		if value.From == nil {
			if got != value.Literal {
				lines = append(lines, Line{Fail, subject, fmt.Sprintf("is %q; stacks.json gives %q", got, value.Literal)})
			} else {
				lines = append(lines, Line{Pass, subject, "as stacks.json gives it"})
			}
			continue
		}
		from, ok := f.stacks[value.From.Stack]
		if !ok {
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("stack %s, whose output %s it takes, could not be read", value.From.Stack, value.From.Output)})
			continue
		}
		want, how, err := f.output(ctx, from, value.From.Output)
		switch {
		case err != nil:
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("output %s of stack %s, which it takes: %v", value.From.Output, value.From.Stack, err)})
		case got != want:
			lines = append(lines, Line{Fail, subject, fmt.Sprintf("is %q, not output %s of stack %s, %q: the stacks are not wired as stacks.json says", got, value.From.Output, value.From.Stack, want)})
		default:
			lines = append(lines, Line{Pass, subject, fmt.Sprintf("output %s of stack %s%s, as stacks.json gives it", value.From.Output, value.From.Stack, how)})
		}
	}
	return lines
}

// output gives an output of a stack: DescribeStacks's, or, on an emulator
// (moto gives no Outputs for a stack deployed through a change set), the
// template's output resolved against the stack, and says so.
func (f *fleet) output(ctx context.Context, s *stack, name string) (value, how string, err error) {
	if value, ok := s.outputs[name]; ok {
		return value, "", nil
	}
	if !f.in(s.region()).Emulator {
		return "", "", errors.New("the stack has no such output")
	}
	resolved, err := s.resolve(cfn.At(s.template.Section("Outputs"), name, "Value"))
	if err != nil {
		return "", "", fmt.Errorf("the stack has no such output, and the template's cannot be resolved: %w", err)
	}
	return cfn.Text(resolved), " (read from the resource it names: the emulator gives no Outputs)", nil
}

// keyOf finds the key of the deployment that a replica's KMSMasterKeyId
// in the template of stack s leads to, through stacks.json: it must be a
// key of the replica's Region, and what s was deployed with.
func (f *fleet) keyOf(ctx context.Context, s *stack, region string, keyID any) (promisedKey, error) {
	name := s.values.Pseudo["AWS::StackName"]
	src, err := f.dir.Follow(name, keyID)
	if err != nil {
		return promisedKey{}, fmt.Errorf("its key cannot be followed through the deployment: %w", err)
	}
	if src.Resource == "" {
		return promisedKey{}, fmt.Errorf("its key is %s (%s), not a key the deployment makes, whose policy and rotation verify could check", src.Literal, src.Path())
	}
	from, ok := f.stacks[src.Stack]
	if !ok {
		return promisedKey{}, fmt.Errorf("stack %s, which makes its key, could not be read", src.Stack)
	}
	key, ok := from.keyOf(src.Resource)
	if !ok {
		return promisedKey{}, fmt.Errorf("its key leads to %s of stack %s, which is not a KMS key the stack holds", src.Resource, src.Stack)
	}
	want := promisedKey{name: fmt.Sprintf("key %s of stack %s", key, src.Stack)}
	if from.region() != region {
		return promisedKey{}, fmt.Errorf("its key, %s, is in %s, not in the replica's Region", want.name, from.region())
	}
	if want.arn, err = f.in(from.region()).attribute(ctx, from, from.resource(key).Type, from.physical[key], "Arn"); err != nil {
		return promisedKey{}, fmt.Errorf("the ARN of %s: %w", want.name, err)
	}
	given, err := s.resolve(keyID)
	if err != nil {
		return promisedKey{}, fmt.Errorf("the key the stack was given cannot be known: %w", err)
	}
	if cfn.Text(given) != want.arn {
		return promisedKey{}, fmt.Errorf("the stack was deployed with key %s (%s), not %s, %s", cfn.Text(given), src.Path(), want.name, want.arn)
	}
	return want, nil
}

// replicasOf gives the replica keys of the deployment whose PrimaryKeyArn
// leads to key of stack s.
func (f *fleet) replicasOf(ctx context.Context, s *stack, key string) ([]promisedKey, error) {
	var out []promisedKey
	for _, ds := range f.dir.Stacks {
		o, ok := f.stacks[ds.Name]
		if !ok {
			continue
		}
		for _, replica := range o.ofType["AWS::KMS::ReplicaKey"] {
			src, err := f.dir.Follow(ds.Name, o.resource(replica).Prop("PrimaryKeyArn"))
			if err != nil || src.Stack != s.values.Pseudo["AWS::StackName"] || src.Resource != key {
				continue // gen check's DEP005 tells of a primary it cannot follow
			}
			arn, err := f.in(o.region()).attribute(ctx, o, "AWS::KMS::ReplicaKey", o.physical[replica], "Arn")
			if err != nil {
				return nil, fmt.Errorf("the ARN of replica key %s of stack %s: %w", replica, ds.Name, err)
			}
			out = append(out, promisedKey{fmt.Sprintf("key %s of stack %s", replica, ds.Name), arn})
		}
	}
	return out, nil
}

// posture runs gen check's deployment rules on the templates as deployed:
// a stack updated with a template that breaks what only the whole
// deployment shows (a replica key's policy closed to DynamoDB in its
// Region) would otherwise match it perfectly. An error, or wiring gen check
// could not follow (DEP005), fails.
func (f *fleet) posture() []Line {
	const subject = "gen check"
	var accounts []string
	for _, s := range f.stacks {
		accounts = append(accounts, s.values.Pseudo["AWS::AccountId"])
	}
	slices.Sort(accounts)
	var lines []Line
	for _, r := range check.Deployment(f.dir, check.Options{Accounts: slices.Compact(accounts)}) {
		for _, finding := range r.Findings {
			if check.DeploymentRule(finding.Rule) && (finding.Severity == check.Error || finding.Rule == "DEP005") && !finding.Suppressed() {
				lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s %s %s: %s", filepath.Base(r.File), finding.Rule, finding.Resource, finding.Message)})
			}
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, fmt.Sprintf("the deployment rules find no error in the %d stacks' templates as deployed", len(f.dir.Stacks))}}
}
