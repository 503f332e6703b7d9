package verify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	scalingtypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// Application Auto Scaling moves a table's provisioned capacity between a
// scalable target's minimum and maximum, as its scaling policies say. A
// target or policy the template does not make, or one changed, can lower
// the capacity to throttle the table, or raise the bill: each is compared
// both ways, by what it scales, which is its id in Application Auto
// Scaling whoever made it.

const (
	scalableTargetType = "AWS::ApplicationAutoScaling::ScalableTarget"
	scalingPolicyType  = "AWS::ApplicationAutoScaling::ScalingPolicy"
	dynamoDBNamespace  = "dynamodb"
	targetTracking     = "TargetTrackingScaling"
)

// scalable is what a scalable target scales, and so its id: a table's or
// one of its indexes' read or write capacity.
type scalable struct{ resourceID, dimension string }

func (k scalable) String() string { return k.resourceID + " " + k.dimension }

// of says what k scales, for the table whose physical name is table.
func (k scalable) of(table string) string {
	what := k.dimension
	switch {
	case strings.HasSuffix(k.dimension, ":ReadCapacityUnits"):
		what = "read capacity"
	case strings.HasSuffix(k.dimension, ":WriteCapacityUnits"):
		what = "write capacity"
	}
	if index, ok := strings.CutPrefix(k.resourceID, "table/"+table+"/index/"); ok {
		return what + " of index " + index
	}
	return what + " of the table"
}

// tableOf gives the name of the table a resource id of DynamoDB's names:
// table/NAME or table/NAME/index/INDEX.
func tableOf(resourceID string) string {
	rest, ok := strings.CutPrefix(resourceID, "table/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// scalableOf gives the scalable of a part of table in one dimension,
// ReadCapacityUnits or WriteCapacityUnits.
func (s *stack) scalableOf(table string, p part, dimension string) scalable {
	if p.index == "" {
		return scalable{"table/" + s.physical[table], "dynamodb:table:" + dimension}
	}
	return scalable{"table/" + s.physical[table] + "/index/" + p.index, "dynamodb:index:" + dimension}
}

type promisedTarget struct {
	id        string // logical id
	key       scalable
	min, max  int64
	suspended suspension
}

// suspension says which of a target's scaling is suspended.
type suspension struct{ in, out, scheduled bool }

func (s suspension) String() string {
	var what []string
	for _, w := range []struct {
		on   bool
		name string
	}{{s.in, "scaling in"}, {s.out, "scaling out"}, {s.scheduled, "scheduled scaling"}} {
		if w.on {
			what = append(what, w.name)
		}
	}
	return joinOr(what, "none")
}

type promisedScalingPolicy struct {
	id, name   string
	key        scalable
	policyType string
	tracking   string // its configuration, as tracking.String writes it
}

// scaling is the auto scaling the template makes, by the logical id of the
// table of the stack it scales.
type scaling struct {
	targets  map[string][]promisedTarget
	policies map[string][]promisedScalingPolicy
	// unmatched says, by logical id, why a target or policy of the
	// template is not compared.
	unmatched map[string]string
}

// target gives the template's scalable target for k on table, if any.
func (p scaling) target(table string, k scalable) (promisedTarget, bool) {
	i := slices.IndexFunc(p.targets[table], func(t promisedTarget) bool { return t.key == k })
	if i < 0 {
		return promisedTarget{}, false
	}
	return p.targets[table][i], true
}

// promisedScaling reads the template's scalable targets and scaling
// policies, resolved against the stack.
func (s *stack) promisedScaling() scaling {
	plan := scaling{targets: map[string][]promisedTarget{}, policies: map[string][]promisedScalingPolicy{}, unmatched: map[string]string{}}
	tables := map[string]string{}
	for _, id := range s.ofType["AWS::DynamoDB::Table"] {
		tables[s.physical[id]] = id
	}
	byID := map[string]promisedTarget{}
	for _, r := range s.template.Resources(scalableTargetType) {
		if made, err := s.makes(r.ID); !made || err != nil {
			continue // deployment says why
		}
		t, err := s.templateTarget(r)
		table, ours := tables[tableOf(t.key.resourceID)]
		switch {
		case err != nil:
			plan.unmatched[r.ID] = err.Error()
		case !ours:
			plan.unmatched[r.ID] = fmt.Sprintf("ResourceId %q names no table of the stack", t.key.resourceID)
		default:
			plan.targets[table] = append(plan.targets[table], t)
			byID[r.ID] = t
		}
	}
	for _, r := range s.template.Resources(scalingPolicyType) {
		if made, err := s.makes(r.ID); !made || err != nil {
			continue
		}
		p, err := s.templateScalingPolicy(r, byID)
		table, ours := tables[tableOf(p.key.resourceID)]
		switch {
		case err != nil:
			plan.unmatched[r.ID] = err.Error()
		case !ours:
			plan.unmatched[r.ID] = fmt.Sprintf("ResourceId %q names no table of the stack", p.key.resourceID)
		default:
			plan.policies[table] = append(plan.policies[table], p)
		}
	}
	return plan
}

// templateTarget reads a scalable target of the template.
func (s *stack) templateTarget(r cfn.Resource) (promisedTarget, error) {
	props, err := s.resolve(r.Properties)
	if err != nil {
		return promisedTarget{}, fmt.Errorf("cannot be known: %w", err)
	}
	if ns := cfn.Text(cfn.At(props, "ServiceNamespace")); ns != dynamoDBNamespace {
		return promisedTarget{}, fmt.Errorf("ServiceNamespace %q: verify compares DynamoDB's auto scaling only", ns)
	}
	t := promisedTarget{id: r.ID, key: scalable{cfn.Text(cfn.At(props, "ResourceId")), cfn.Text(cfn.At(props, "ScalableDimension"))}}
	if t.min, err = whole(cfn.At(props, "MinCapacity")); err != nil {
		return promisedTarget{}, fmt.Errorf("MinCapacity: %w", err)
	}
	if t.max, err = whole(cfn.At(props, "MaxCapacity")); err != nil {
		return promisedTarget{}, fmt.Errorf("MaxCapacity: %w", err)
	}
	suspended := cfn.At(props, "SuspendedState")
	t.suspended = suspension{
		in:        cfn.IsTrue(cfn.At(suspended, "DynamicScalingInSuspended")),
		out:       cfn.IsTrue(cfn.At(suspended, "DynamicScalingOutSuspended")),
		scheduled: cfn.IsTrue(cfn.At(suspended, "ScheduledScalingSuspended")),
	}
	return t, nil
}

// templateScalingPolicy reads a scaling policy of the template: the target it
// scales is the template's target its ScalingTargetId refers to, or the
// ResourceId and ScalableDimension it names itself.
func (s *stack) templateScalingPolicy(r cfn.Resource, targets map[string]promisedTarget) (promisedScalingPolicy, error) {
	p := promisedScalingPolicy{id: r.ID}
	if target := r.Prop("ScalingTargetId"); target != nil {
		id, isRef := cfn.RefTarget(target)
		t, ok := targets[id]
		switch {
		case !isRef || !templateHas(s.template, id, scalableTargetType):
			return p, fmt.Errorf("ScalingTargetId %s: not a Ref to a scalable target of the template", cfn.Text(target))
		case !ok:
			return p, fmt.Errorf("its scalable target %s is not compared", id)
		}
		p.key = t.key
	}
	props, err := s.resolve(map[string]any{
		"PolicyName": r.Prop("PolicyName"), "PolicyType": r.Prop("PolicyType"), "ServiceNamespace": r.Prop("ServiceNamespace"),
		"ResourceId": r.Prop("ResourceId"), "ScalableDimension": r.Prop("ScalableDimension"),
		"TargetTrackingScalingPolicyConfiguration": r.Prop("TargetTrackingScalingPolicyConfiguration"),
	})
	if err != nil {
		return p, fmt.Errorf("cannot be known: %w", err)
	}
	if p.key == (scalable{}) {
		if ns := cfn.Text(cfn.At(props, "ServiceNamespace")); ns != dynamoDBNamespace {
			return p, fmt.Errorf("ServiceNamespace %q: verify compares DynamoDB's auto scaling only", ns)
		}
		p.key = scalable{cfn.Text(cfn.At(props, "ResourceId")), cfn.Text(cfn.At(props, "ScalableDimension"))}
	}
	p.name, p.policyType = cfn.Text(cfn.At(props, "PolicyName")), cfn.Text(cfn.At(props, "PolicyType"))
	config := cfn.At(props, "TargetTrackingScalingPolicyConfiguration")
	switch {
	case p.policyType != targetTracking:
		return p, fmt.Errorf("PolicyType %q: verify compares target-tracking policies only", p.policyType)
	case cfn.At(config, "CustomizedMetricSpecification") != nil:
		return p, errors.New("a customized metric: verify compares target tracking of a predefined metric only")
	}
	if p.tracking, err = promisedTracking(config); err != nil {
		return p, err
	}
	return p, nil
}

func templateHas(t *cfn.Template, id, typ string) bool {
	r, ok := t.Resource(id)
	return ok && r.Type == typ
}

// tracking is a target-tracking configuration as both sides compare it.
// Cooldowns the template leaves out are Application Auto Scaling's
// default for DynamoDB, 0 seconds.
type tracking struct {
	metric, label     string
	target            float64
	disableScaleIn    bool
	scaleIn, scaleOut int64
}

func (t tracking) String() string {
	text := fmt.Sprintf("tracks %s at %s", t.metric, strconv.FormatFloat(t.target, 'f', -1, 64))
	if t.label != "" {
		text += " (label " + t.label + ")"
	}
	if t.disableScaleIn {
		text += ", never scaling in"
	}
	if t.scaleIn != 0 || t.scaleOut != 0 {
		text += fmt.Sprintf(", cooling down %d s after scaling in and %d s after scaling out", t.scaleIn, t.scaleOut)
	}
	return text
}

func promisedTracking(config any) (string, error) {
	target, err := strconv.ParseFloat(cfn.Text(cfn.At(config, "TargetValue")), 64)
	if err != nil {
		return "", fmt.Errorf("TargetValue %q is not a number", cfn.Text(cfn.At(config, "TargetValue")))
	}
	t := tracking{
		metric: cfn.Text(cfn.At(config, "PredefinedMetricSpecification", "PredefinedMetricType")),
		label:  cfn.Text(cfn.At(config, "PredefinedMetricSpecification", "ResourceLabel")),
		target: target, disableScaleIn: cfn.IsTrue(cfn.At(config, "DisableScaleIn")),
	}
	if t.scaleIn, err = whole(cfn.At(config, "ScaleInCooldown")); err != nil {
		return "", fmt.Errorf("ScaleInCooldown: %w", err)
	}
	if t.scaleOut, err = whole(cfn.At(config, "ScaleOutCooldown")); err != nil {
		return "", fmt.Errorf("ScaleOutCooldown: %w", err)
	}
	return t.String(), nil
}

func deployedTracking(p scalingtypes.ScalingPolicy) string {
	c := p.TargetTrackingScalingPolicyConfiguration
	if c == nil {
		return "no target tracking"
	}
	t := tracking{target: aws.ToFloat64(c.TargetValue), disableScaleIn: aws.ToBool(c.DisableScaleIn),
		scaleIn: int64(aws.ToInt32(c.ScaleInCooldown)), scaleOut: int64(aws.ToInt32(c.ScaleOutCooldown))}
	switch m := c.PredefinedMetricSpecification; {
	case c.CustomizedMetricSpecification != nil:
		t.metric = "a customized metric"
	case m != nil:
		t.metric, t.label = string(m.PredefinedMetricType), aws.ToString(m.ResourceLabel)
	}
	return t.String()
}

// unmatchedScaling fails each scalable target and scaling policy of the
// template that verify does not compare.
func unmatchedScaling(s *stack) []Line {
	unmatched := s.scaling().unmatched
	var lines []Line
	for _, id := range sortedKeys(unmatched) {
		lines = append(lines, Line{Fail, "resource " + id, s.resource(id).Type + " " + unmatched[id] + ": verify does not compare it, so the stack is not proven"})
	}
	return lines
}

// scalableTargets gives every scalable target of DynamoDB's in the Region,
// asked once.
func (v Verifier) scalableTargets(ctx context.Context, s *stack) ([]scalingtypes.ScalableTarget, error) {
	return s.asked.scalableTargets.ask("", func() ([]scalingtypes.ScalableTarget, error) {
		var out []scalingtypes.ScalableTarget
		pages := applicationautoscaling.NewDescribeScalableTargetsPaginator(v.AutoScaling, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: dynamoDBNamespace})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("DescribeScalableTargets: %w", err)
			}
			out = append(out, page.ScalableTargets...)
		}
		return out, nil
	})
}

// scalingPolicies gives every scaling policy of DynamoDB's in the Region,
// asked once.
func (v Verifier) scalingPolicies(ctx context.Context, s *stack) ([]scalingtypes.ScalingPolicy, error) {
	return s.asked.scalingPolicies.ask("", func() ([]scalingtypes.ScalingPolicy, error) {
		var out []scalingtypes.ScalingPolicy
		pages := applicationautoscaling.NewDescribeScalingPoliciesPaginator(v.AutoScaling, &applicationautoscaling.DescribeScalingPoliciesInput{ServiceNamespace: dynamoDBNamespace})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("DescribeScalingPolicies: %w", err)
			}
			out = append(out, page.ScalingPolicies...)
		}
		return out, nil
	})
}

// autoScaling compares the scalable targets and scaling policies on the
// table and its indexes with the template's, both ways.
func (v Verifier) autoScaling(ctx context.Context, s *stack, table string) []Line {
	subject, physical := "table "+table, s.physical[table]
	plan := s.scaling()
	targets, err := v.scalableTargets(ctx, s)
	if err != nil {
		return []Line{v.unanswered(subject, "auto scaling", err)}
	}
	policies, err := v.scalingPolicies(ctx, s)
	if err != nil {
		return []Line{v.unanswered(subject, "auto scaling", err)}
	}
	deployedTargets := map[scalable]scalingtypes.ScalableTarget{}
	for _, t := range targets {
		if tableOf(aws.ToString(t.ResourceId)) == physical {
			deployedTargets[scalable{aws.ToString(t.ResourceId), string(t.ScalableDimension)}] = t
		}
	}
	type policyKey struct {
		scalable
		name string
	}
	deployedPolicies := map[policyKey]scalingtypes.ScalingPolicy{}
	for _, p := range policies {
		if tableOf(aws.ToString(p.ResourceId)) == physical {
			deployedPolicies[policyKey{scalable{aws.ToString(p.ResourceId), string(p.ScalableDimension)}, aws.ToString(p.PolicyName)}] = p
		}
	}
	var lines []Line
	fail := func(format string, args ...any) {
		lines = append(lines, Line{Fail, subject, fmt.Sprintf(format, args...)})
	}
	promisedTargets, promisedPolicies := plan.targets[table], plan.policies[table]
	for _, t := range promisedTargets {
		d, ok := deployedTargets[t.key]
		if !ok {
			fail("scalable target %s (%s), which the template registers, is not registered: the %s no longer follows the load", t.id, t.key, t.key.of(physical))
			continue
		}
		delete(deployedTargets, t.key)
		if lo, hi := int64(aws.ToInt32(d.MinCapacity)), int64(aws.ToInt32(d.MaxCapacity)); lo != t.min || hi != t.max {
			fail("scalable target %s scales the %s between %d and %d, the template says %d and %d", t.id, t.key.of(physical), lo, hi, t.min, t.max)
		}
		if got := deployedSuspension(d.SuspendedState); got != t.suspended {
			fail("scalable target %s has suspended %s, the template %s", t.id, got, suspendedText(t.suspended))
		}
	}
	for _, k := range sortedScalables(deployedTargets) {
		d := deployedTargets[k]
		fail("a scalable target the template does not register scales the %s between %d and %d: it can lower the capacity to throttle the table, or raise the bill", k.of(physical), aws.ToInt32(d.MinCapacity), aws.ToInt32(d.MaxCapacity))
	}
	for _, p := range promisedPolicies {
		key := policyKey{p.key, p.name}
		d, ok := deployedPolicies[key]
		if !ok {
			fail("scaling policy %s (%s), which the template puts on the %s, is not there: the capacity no longer follows the load", p.id, p.name, p.key.of(physical))
			continue
		}
		delete(deployedPolicies, key)
		switch got := deployedTracking(d); {
		case string(d.PolicyType) != p.policyType:
			fail("scaling policy %s on the %s is of type %s, the template says %s", p.id, p.key.of(physical), d.PolicyType, p.policyType)
		case got != p.tracking:
			fail("scaling policy %s on the %s %s, the template says it %s", p.id, p.key.of(physical), got, p.tracking)
		}
	}
	extra := slices.SortedFunc(maps.Keys(deployedPolicies), func(a, b policyKey) int {
		return strings.Compare(a.String()+" "+a.name, b.String()+" "+b.name)
	})
	for _, k := range extra {
		d := deployedPolicies[k]
		fail("scaling policy %s (%s, %s) on the %s, which the template does not make: it can lower the capacity to throttle the table, or raise the bill", k.name, d.PolicyType, deployedTracking(d), k.of(physical))
	}
	if len(lines) > 0 {
		return lines
	}
	if len(promisedTargets)+len(promisedPolicies) == 0 {
		return []Line{{Pass, subject, "no auto scaling, as the template makes none"}}
	}
	var scaled []string
	for _, t := range promisedTargets {
		scaled = append(scaled, t.key.of(physical))
	}
	return []Line{{Pass, subject, fmt.Sprintf("auto scaling as the template makes it: %d scalable targets and %d target-tracking policies, on the %s", len(promisedTargets), len(promisedPolicies), strings.Join(scaled, ", "))}}
}

func deployedSuspension(s *scalingtypes.SuspendedState) suspension {
	if s == nil {
		return suspension{}
	}
	return suspension{aws.ToBool(s.DynamicScalingInSuspended), aws.ToBool(s.DynamicScalingOutSuspended), aws.ToBool(s.ScheduledScalingSuspended)}
}

func suspendedText(s suspension) string {
	if s == (suspension{}) {
		return "suspends none"
	}
	return "suspends " + s.String()
}

func sortedScalables[V any](m map[scalable]V) []scalable {
	return slices.SortedFunc(maps.Keys(m), func(a, b scalable) int { return strings.Compare(a.String(), b.String()) })
}
