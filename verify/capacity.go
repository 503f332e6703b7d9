package verify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

// A table's shape and capacity: its key schema and indexes, its billing
// mode, and the capacity it may use, each as the template sets it.

// shape is a table's key schema and its indexes, by name, written with
// their attributes' types, so that a template's and DescribeTable's
// compare as text.
type shape struct {
	keys          string
	global, local map[string]indexShape
}

type indexShape struct{ keys, projection string }

// promisedShape reads a table's shape from its resolved properties.
func promisedShape(props any) shape {
	types := map[string]string{}
	for _, d := range cfn.List(cfn.At(props, "AttributeDefinitions")) {
		types[cfn.Text(cfn.At(d, "AttributeName"))] = cfn.Text(cfn.At(d, "AttributeType"))
	}
	keys := func(schema any) string {
		var elements []string
		for _, e := range cfn.List(schema) {
			name := cfn.Text(cfn.At(e, "AttributeName"))
			elements = append(elements, keyElement(name, types[name], cfn.Text(cfn.At(e, "KeyType"))))
		}
		return keyText(elements)
	}
	indexes := func(list any) map[string]indexShape {
		out := map[string]indexShape{}
		for _, i := range cfn.List(list) {
			out[cfn.Text(cfn.At(i, "IndexName"))] = indexShape{
				keys:       keys(cfn.At(i, "KeySchema")),
				projection: projectionText(cfn.Text(cfn.At(i, "Projection", "ProjectionType")), cfn.Texts(cfn.At(i, "Projection", "NonKeyAttributes"))),
			}
		}
		return out
	}
	return shape{keys: keys(cfn.At(props, "KeySchema")), global: indexes(cfn.At(props, "GlobalSecondaryIndexes")), local: indexes(cfn.At(props, "LocalSecondaryIndexes"))}
}

// deployedShape reads a table's shape from DynamoDB's description of it.
func deployedShape(t *dbtypes.TableDescription) shape {
	types := map[string]string{}
	for _, d := range t.AttributeDefinitions {
		types[aws.ToString(d.AttributeName)] = string(d.AttributeType)
	}
	keys := func(schema []dbtypes.KeySchemaElement) string {
		var elements []string
		for _, e := range schema {
			name := aws.ToString(e.AttributeName)
			elements = append(elements, keyElement(name, types[name], string(e.KeyType)))
		}
		return keyText(elements)
	}
	projection := func(p *dbtypes.Projection) string {
		if p == nil {
			return projectionText("", nil)
		}
		return projectionText(string(p.ProjectionType), p.NonKeyAttributes)
	}
	out := shape{keys: keys(t.KeySchema), global: map[string]indexShape{}, local: map[string]indexShape{}}
	for _, i := range t.GlobalSecondaryIndexes {
		out.global[aws.ToString(i.IndexName)] = indexShape{keys(i.KeySchema), projection(i.Projection)}
	}
	for _, i := range t.LocalSecondaryIndexes {
		out.local[aws.ToString(i.IndexName)] = indexShape{keys(i.KeySchema), projection(i.Projection)}
	}
	return out
}

func keyElement(name, typ, keyType string) string {
	return fmt.Sprintf("%s (%s) %s", name, typ, keyType)
}

// keyText writes a key schema's elements in one order, HASH before RANGE.
func keyText(elements []string) string {
	slices.SortFunc(elements, func(a, b string) int {
		return strings.Compare(a[strings.LastIndex(a, " "):], b[strings.LastIndex(b, " "):])
	})
	return joinOr(elements, "no key")
}

// projectionText writes a projection with its attributes sorted, which
// DynamoDB keeps in no promised order.
func projectionText(typ string, attributes []string) string {
	if len(attributes) == 0 {
		return typ
	}
	return typ + " " + strings.Join(slices.Sorted(slices.Values(attributes)), ", ")
}

// indexes compares the table's key schema and indexes with the template's:
// an index missing or different fails (its queries fail or answer
// otherwise), and so does one the template does not make, which copies the
// table's items where the template says not, at a cost, and whose writes,
// short of capacity, throttle the table's.
func (v Verifier) indexes(ctx context.Context, s *stack, table string) []Line {
	subject := "table " + table
	r := s.resource(table)
	props, err := s.resolve(map[string]any{
		"KeySchema": r.Prop("KeySchema"), "AttributeDefinitions": r.Prop("AttributeDefinitions"),
		"GlobalSecondaryIndexes": r.Prop("GlobalSecondaryIndexes"), "LocalSecondaryIndexes": r.Prop("LocalSecondaryIndexes"),
	})
	if err != nil {
		return []Line{unresolved(subject, "the template's key schema and indexes", err)}
	}
	described, err := v.describedTable(ctx, s, table)
	if err != nil {
		return []Line{v.unanswered(subject, "key schema and indexes", err)}
	}
	promised, deployed := promisedShape(props), deployedShape(described)
	var lines []Line
	if deployed.keys != promised.keys {
		lines = append(lines, Line{Fail, subject, fmt.Sprintf("key schema is %s, the template says %s", deployed.keys, promised.keys)})
	}
	for _, kind := range []string{"global", "local"} {
		want, got := promised.global, deployed.global
		if kind == "local" {
			want, got = promised.local, deployed.local
		}
		for _, name := range sortedKeys(want) {
			index, ok := got[name]
			switch {
			case !ok:
				lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s index %s, which the template makes, is not on the table: its queries fail", kind, name)})
			case index.keys != want[name].keys:
				lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s index %s has keys %s, the template says %s", kind, name, index.keys, want[name].keys)})
			case index.projection != want[name].projection:
				lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s index %s projects %s, the template says %s", kind, name, index.projection, want[name].projection)})
			}
		}
		for _, name := range sortedKeys(got) {
			if _, ok := want[name]; !ok {
				lines = append(lines, Line{Fail, subject, fmt.Sprintf("%s index %s (%s, projecting %s), which the template does not make, is on the table: it copies the table's items, at a cost, and a global index short of write capacity throttles the table's writes", kind, name, got[name].keys, got[name].projection)})
			}
		}
	}
	if len(lines) > 0 {
		return lines
	}
	indexes := "no index"
	if len(promised.global)+len(promised.local) > 0 {
		indexes = fmt.Sprintf("global %s; local %s", joinOr(sortedKeys(promised.global), "none"), joinOr(sortedKeys(promised.local), "none"))
	}
	return []Line{{Pass, subject, fmt.Sprintf("key schema %s and indexes as the template makes them: %s", promised.keys, indexes)}}
}

// provisioned is CloudFormation's billing mode where a template sets none.
const provisioned = "PROVISIONED"

// part is the table or one of its global indexes, each with capacity of
// its own.
type part struct {
	name  string // "the table", "index ByStatus"
	index string // "" for the table
}

// capacity compares the table's billing mode and the capacity each part
// may use with the template's. Provisioned capacity is the template's, or,
// where the template's auto scaling moves it, within the scalable target's
// range; an on-demand ceiling is the template's. Another mode, more
// capacity or a higher ceiling raises the bill; less throttles the table.
func (v Verifier) capacity(ctx context.Context, s *stack, table string) []Line {
	subject := "table " + table
	r := s.resource(table)
	props, err := s.resolve(map[string]any{
		"BillingMode": r.Prop("BillingMode"), "ProvisionedThroughput": r.Prop("ProvisionedThroughput"),
		"OnDemandThroughput": r.Prop("OnDemandThroughput"), "GlobalSecondaryIndexes": r.Prop("GlobalSecondaryIndexes"),
	})
	if err != nil {
		return []Line{unresolved(subject, "the template's capacity", err)}
	}
	described, err := v.describedTable(ctx, s, table)
	if err != nil {
		return []Line{v.unanswered(subject, "capacity", err)}
	}
	mode := cfn.Text(cfn.At(props, "BillingMode"))
	if mode == "" {
		mode = provisioned
	}
	deployedMode := provisioned // DescribeTable leaves out the summary of a table always provisioned
	if described.BillingModeSummary != nil {
		deployedMode = string(described.BillingModeSummary.BillingMode)
	}
	if deployedMode != mode {
		return []Line{{Fail, subject, fmt.Sprintf("billing mode is %s, the template sets %s", deployedMode, mode)}}
	}
	parts := []part{{name: "the table"}}
	promisedIndexes := map[string]any{}
	for _, i := range cfn.List(cfn.At(props, "GlobalSecondaryIndexes")) {
		name := cfn.Text(cfn.At(i, "IndexName"))
		promisedIndexes[name] = i
		if slices.ContainsFunc(described.GlobalSecondaryIndexes, func(d dbtypes.GlobalSecondaryIndexDescription) bool { return aws.ToString(d.IndexName) == name }) {
			parts = append(parts, part{name: "index " + name, index: name}) // a missing index fails in indexes
		}
	}
	promisedOf := func(p part) any {
		if p.index == "" {
			return props
		}
		return promisedIndexes[p.index]
	}
	deployedOf := func(p part) (*dbtypes.ProvisionedThroughputDescription, *dbtypes.OnDemandThroughput) {
		if p.index == "" {
			return described.ProvisionedThroughput, described.OnDemandThroughput
		}
		for _, d := range described.GlobalSecondaryIndexes {
			if aws.ToString(d.IndexName) == p.index {
				return d.ProvisionedThroughput, d.OnDemandThroughput
			}
		}
		return nil, nil
	}
	var lines []Line
	var said []string
	for _, p := range parts {
		throughput, ceiling := deployedOf(p)
		var (
			text         string
			failed       []string
			missing, err error
		)
		if mode == provisioned {
			text, failed, err = s.provisionedCapacity(table, p, cfn.At(promisedOf(p), "ProvisionedThroughput"), throughput)
		} else {
			text, failed, missing, err = onDemandCeiling(p, cfn.At(promisedOf(p), "OnDemandThroughput"), ceiling)
		}
		if err != nil {
			return []Line{unresolved(subject, "the template's capacity of "+p.name, err)}
		}
		for _, f := range failed {
			lines = append(lines, Line{Fail, subject, f})
		}
		if missing != nil {
			lines = append(lines, v.unanswered(subject, "on-demand ceiling of "+p.name, missing))
		}
		said = append(said, text)
	}
	if len(lines) > 0 {
		return lines
	}
	return []Line{{Pass, subject, fmt.Sprintf("billing mode %s, capacity as the template sets it: %s", mode, strings.Join(said, "; "))}}
}

// provisionedCapacity compares a part's provisioned read and write
// capacity with the template's: within the range of the template's
// scalable target for it, where it has one, else equal.
func (s *stack) provisionedCapacity(table string, p part, promised any, deployed *dbtypes.ProvisionedThroughputDescription) (text string, failed []string, err error) {
	var said []string
	for _, d := range []struct{ what, property string }{{"read", "ReadCapacityUnits"}, {"write", "WriteCapacityUnits"}} {
		want, err := whole(cfn.At(promised, d.property))
		if err != nil {
			return "", nil, fmt.Errorf("%s: %w", d.property, err)
		}
		var got int64
		if deployed != nil {
			switch d.property {
			case "ReadCapacityUnits":
				got = aws.ToInt64(deployed.ReadCapacityUnits)
			default:
				got = aws.ToInt64(deployed.WriteCapacityUnits)
			}
		}
		target, scaled := s.scaling().target(table, s.scalableOf(table, p, d.property))
		switch {
		case scaled && (got < target.min || got > target.max):
			failed = append(failed, fmt.Sprintf("%s capacity of %s is %d units, outside the template's auto scaling range of %d to %d", d.what, p.name, got, target.min, target.max))
		case !scaled && got != want:
			failed = append(failed, fmt.Sprintf("%s capacity of %s is %d units, the template sets %d", d.what, p.name, got, want))
		case scaled:
			said = append(said, fmt.Sprintf("%d %s units (scaled %d to %d)", got, d.what, target.min, target.max))
		default:
			said = append(said, fmt.Sprintf("%d %s units", got, d.what))
		}
	}
	return p.name + " has " + strings.Join(said, " and "), failed, nil
}

// onDemandCeiling compares a part's on-demand ceiling with the template's.
// missing says that DynamoDB gives none where the template sets one (moto
// keeps none).
func onDemandCeiling(p part, promised any, deployed *dbtypes.OnDemandThroughput) (text string, failed []string, missing, err error) {
	var want ceiling
	if want.read, err = whole(cfn.At(promised, "MaxReadRequestUnits")); err != nil {
		return "", nil, nil, fmt.Errorf("MaxReadRequestUnits: %w", err)
	}
	if want.write, err = whole(cfn.At(promised, "MaxWriteRequestUnits")); err != nil {
		return "", nil, nil, fmt.Errorf("MaxWriteRequestUnits: %w", err)
	}
	var got ceiling
	if deployed != nil {
		got = ceiling{max(aws.ToInt64(deployed.MaxReadRequestUnits), 0), max(aws.ToInt64(deployed.MaxWriteRequestUnits), 0)}
	}
	switch {
	case got == want:
		return p.name + " has " + want.String(), nil, nil, nil
	case got == ceiling{}:
		return "", nil, fmt.Errorf("DescribeTable gives no OnDemandThroughput; the template sets %s", want), nil
	}
	return "", []string{fmt.Sprintf("%s has %s, the template sets %s", p.name, got, want)}, nil, nil
}

// ceiling is an on-demand ceiling, in request units a second; 0 for none
// (DynamoDB writes none as -1).
type ceiling struct{ read, write int64 }

func (c ceiling) String() string {
	switch {
	case c == (ceiling{}):
		return "no on-demand ceiling"
	case c.read == 0:
		return fmt.Sprintf("an on-demand ceiling of %d write request units a second, and none on reads", c.write)
	case c.write == 0:
		return fmt.Sprintf("an on-demand ceiling of %d read request units a second, and none on writes", c.read)
	}
	return fmt.Sprintf("an on-demand ceiling of %d read and %d write request units a second", c.read, c.write)
}

// whole reads a whole number of the resolved template; absent is 0.
func whole(v any) (int64, error) {
	if v == nil {
		return 0, nil
	}
	n, err := strconv.ParseInt(cfn.Text(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", cfn.Text(v))
	}
	return n, nil
}
