package template

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/applicationautoscaling"
	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
)

// billingMode is DynamoDB's name for the table's capacity mode.
func billingMode(c *Capacity) string {
	if c != nil && c.Mode == Provisioned {
		return "PROVISIONED"
	}
	return "PAY_PER_REQUEST"
}

// initialThroughput is the capacity a provisioned table, and each of its
// global indexes, starts with: auto scaling's minimum. Nil on demand.
func initialThroughput(c *Capacity) *dynamodb.Table_ProvisionedThroughput {
	if c == nil || c.Mode != Provisioned {
		return nil
	}
	return &dynamodb.Table_ProvisionedThroughput{ReadCapacityUnits: c.Read.Min, WriteCapacityUnits: c.Write.Min}
}

// scaledCapacity is one provisioned capacity that auto scaling tracks: the
// reads or the writes of the table or of one of its global indexes.
type scaledCapacity struct {
	target, policy string // logical ids
	index          string // empty for the table itself
	write          bool
	scaling        AutoScaling
}

// notLogicalID matches what an index name may hold and a logical id may not.
var notLogicalID = regexp.MustCompile(`[^A-Za-z0-9]`)

// scaledCapacities lists what auto scaling tracks for a provisioned table:
// its reads and writes and those of each global index, which take the
// table's settings. Their logical ids derive from the table's and the
// index's names, so reordering the indexes replaces nothing.
func scaledCapacities(t TableConfig) []scaledCapacity {
	if t.Capacity == nil || t.Capacity.Mode != Provisioned {
		return nil
	}
	indexes := []string{""}
	for _, g := range t.GlobalIndexes {
		indexes = append(indexes, g.Name)
	}
	// The ids do not depend on the settings, which sizing an invalid config
	// may lack: a missing one counts as zero until validation refuses it.
	read, write := AutoScaling{}, AutoScaling{}
	if t.Capacity.Read != nil {
		read = *t.Capacity.Read
	}
	if t.Capacity.Write != nil {
		write = *t.Capacity.Write
	}
	var out []scaledCapacity
	for _, index := range indexes {
		prefix := t.Name + "Table"
		if index != "" {
			prefix += "Index" + notLogicalID.ReplaceAllString(index, "")
		}
		out = append(out,
			scaledCapacity{prefix + "ReadScalableTarget", prefix + "ReadScalingPolicy", index, false, read},
			scaledCapacity{prefix + "WriteScalableTarget", prefix + "WriteScalingPolicy", index, true, write})
	}
	return out
}

// dimension names the capacity as Application Auto Scaling does.
func (c scaledCapacity) dimension() string {
	kind, units := "table", "ReadCapacityUnits"
	if c.index != "" {
		kind = "index"
	}
	if c.write {
		units = "WriteCapacityUnits"
	}
	return "dynamodb:" + kind + ":" + units
}

// scalableTarget registers the capacity with Application Auto Scaling,
// which then keeps it between Min and Max. Without a RoleARN it uses the
// service-linked role AWSServiceRoleForApplicationAutoScaling_DynamoDBTable,
// which it creates on first use.
func scalableTarget(tableID string, c scaledCapacity) *applicationautoscaling.ScalableTarget {
	resource := "table/${" + tableID + "}"
	if c.index != "" {
		resource += "/index/" + c.index
	}
	return &applicationautoscaling.ScalableTarget{
		ServiceNamespace:  "dynamodb",
		ResourceId:        cloudformation.Sub(resource),
		ScalableDimension: c.dimension(),
		MinCapacity:       c.scaling.Min,
		MaxCapacity:       c.scaling.Max,
	}
}

// scalingPolicy tracks the capacity's target utilisation.
func scalingPolicy(c scaledCapacity) *applicationautoscaling.ScalingPolicy {
	metric := "DynamoDBReadCapacityUtilization"
	if c.write {
		metric = "DynamoDBWriteCapacityUtilization"
	}
	return &applicationautoscaling.ScalingPolicy{
		PolicyName:      c.policy,
		PolicyType:      "TargetTrackingScaling",
		ScalingTargetId: cloudformation.String(cloudformation.Ref(c.target)),
		TargetTrackingScalingPolicyConfiguration: &applicationautoscaling.ScalingPolicy_TargetTrackingScalingPolicyConfiguration{
			TargetValue:                   float64(c.scaling.Target),
			PredefinedMetricSpecification: &applicationautoscaling.ScalingPolicy_PredefinedMetricSpecification{PredefinedMetricType: metric},
		},
	}
}

// onDemandThroughput is CloudFormation's OnDemandThroughput of a table and of
// a global index.
type onDemandThroughput struct {
	MaxReadRequestUnits  int `json:",omitempty"`
	MaxWriteRequestUnits int `json:",omitempty"`
}

// ceilingTable is an on-demand table with a ceiling on its throughput.
// goformation v7.14.9's dynamodb.Table has no OnDemandThroughput, on the
// table or on its global indexes (TestGoformationTableLacksOnDemandThroughput):
// ceilingTable renders the table as goformation does, then adds it to the
// table and to each global index, which take the table's settings.
type ceilingTable struct {
	*dynamodb.Table
	ceiling onDemandThroughput
}

// withCeiling gives the table its on-demand ceiling, when it has one.
func withCeiling(t *dynamodb.Table, c *Capacity) cloudformation.Resource {
	if c == nil || c.Mode != OnDemand || c.MaxReadUnits+c.MaxWriteUnits == 0 {
		return t
	}
	return &ceilingTable{t, onDemandThroughput{c.MaxReadUnits, c.MaxWriteUnits}}
}

// MarshalJSON writes the table as goformation does, with OnDemandThroughput
// on the table and on each of its global indexes.
func (t ceilingTable) MarshalJSON() ([]byte, error) {
	rendered, err := json.Marshal(t.Table)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(rendered))
	dec.UseNumber()
	var all map[string]any
	if err := dec.Decode(&all); err != nil {
		return nil, fmt.Errorf("read back the rendered table: %w", err)
	}
	props, _ := all["Properties"].(map[string]any)
	if props == nil {
		return nil, fmt.Errorf("the rendered table has no Properties")
	}
	props["OnDemandThroughput"] = t.ceiling
	indexes, _ := props["GlobalSecondaryIndexes"].([]any)
	for _, index := range indexes {
		if gsi, ok := index.(map[string]any); ok {
			gsi["OnDemandThroughput"] = t.ceiling
		}
	}
	return json.Marshal(all)
}
