// Package cost estimates what a stack's customer managed keys cost a month.
//
// DynamoDB asks KMS to decrypt a table's table key once per client
// connection and caches it; a connection that keeps working refreshes it
// every 5 minutes. So the requests a stack makes follow its tables' warm
// connections, not its item count, and not its keys: a key shared by
// several tables still protects a table key per table. The key scope
// changes only the $1 a month per key. See
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html
package cost

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/awslabs/goformation/v7/cloudformation/dynamodb"
	"github.com/awslabs/goformation/v7/cloudformation/kms"

	"github.com/dynamodb-sse-cmk/stack/template"
)

// KMS prices in US dollars (us-east-1, 2026).
const (
	KeyPerMonth             = 1.00
	PerTenThousand          = 0.03
	FreeRequestsAMonth      = 20000
	minutesBetweenRefreshes = 5
)

// DecryptsPerConnection is how many Decrypt calls one busy connection makes
// in a 30-day month: one per 5 minutes.
const DecryptsPerConnection = 30 * 24 * 60 / minutesBetweenRefreshes

// Estimate is a stack's monthly KMS bill.
type Estimate struct {
	Keys             int
	Tables           int
	WarmWriters      int // warm writer connections per table
	Requests         int
	BillableRequests int
	KeyCost          float64
	RequestCost      float64
	// Regions are the Regions of a deployment's global tables; 0 for a
	// single-Region stack. Their replicas' requests are not estimated.
	Regions int
	// tableScopeKeys and stackScopeKeys are the keys the same tables make
	// under each key scope.
	tableScopeKeys, stackScopeKeys int
}

// Total is the whole monthly KMS bill.
func (e Estimate) Total() float64 { return e.KeyCost + e.RequestCost }

// Monthly estimates the KMS bill of a stack whose keys keys encrypt tables
// tables, with warmWriters busy writer connections per table. The free
// requests are the account's; this assumes the stack is alone in using them.
func Monthly(keys, tables, warmWriters int) Estimate {
	requests := tables * warmWriters * DecryptsPerConnection
	billable := max(0, requests-FreeRequestsAMonth)
	return Estimate{
		Keys:             keys,
		Tables:           tables,
		WarmWriters:      warmWriters,
		Requests:         requests,
		BillableRequests: billable,
		KeyCost:          float64(keys) * KeyPerMonth,
		RequestCost:      float64(billable) / 10000 * PerTenThousand,
		tableScopeKeys:   tables,
		stackScopeKeys:   min(tables, 1),
	}
}

// ForStack estimates the bill of a built stack: one key per AWS::KMS::Key it
// holds, encrypting its AWS::DynamoDB::Tables.
func ForStack(s *template.Stack, warmWriters int) Estimate {
	keys, tables := 0, 0
	for _, r := range s.Template.Resources {
		switch r.AWSCloudFormationType() {
		case "AWS::KMS::Key":
			keys++
		case "AWS::DynamoDB::Table":
			tables++
		}
	}
	return Monthly(keys, tables, warmWriters)
}

// ForDeployment estimates the bill of a deployment: one key per
// AWS::KMS::Key and AWS::KMS::ReplicaKey of all its stacks, each Region's
// key billed as a key (KMS prices each primary and replica key alone), and
// the requests of the writers, which write in the primary Region.
func ForDeployment(d *template.Deployment, warmWriters int) Estimate {
	keys, tables, single := 0, 0, 0
	tableScope, regions := 0, map[string]bool{}
	for _, s := range d.Stacks {
		for _, r := range s.Template.Resources {
			switch r := r.(type) {
			case *kms.Key, *kms.ReplicaKey:
				keys++
			case *dynamodb.Table:
				tables, single, tableScope = tables+1, single+1, tableScope+1
			case *dynamodb.GlobalTable:
				tables, tableScope = tables+1, tableScope+len(r.Replicas)
				for _, replica := range r.Replicas {
					regions[replica.Region] = true
				}
			}
		}
	}
	e := Monthly(keys, tables, warmWriters)
	e.Regions, e.tableScopeKeys, e.stackScopeKeys = len(regions), tableScope, len(regions)+min(single, 1)
	return e
}

// Scopes are the bills of the same tables under each key scope: a key per
// table (in each of its Regions), and one key for the stack (in each
// Region).
func (e Estimate) Scopes() (table, stack Estimate) {
	return Monthly(e.tableScopeKeys, e.Tables, e.WarmWriters), Monthly(e.stackScopeKeys, e.Tables, e.WarmWriters)
}

// Write prints the estimate as a small table.
func (e Estimate) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintf(tw, "monthly KMS cost\t\t\n")
	fmt.Fprintf(tw, "  keys\t%d × $%.2f\t$%.2f\n", e.Keys, KeyPerMonth, e.KeyCost)
	fmt.Fprintf(tw, "  Decrypt requests\t%d tables × %d warm writers × %d\t\n", e.Tables, e.WarmWriters, DecryptsPerConnection)
	fmt.Fprintf(tw, "  \t= %d, %d of them free\t$%.2f\n", e.Requests, min(e.Requests, FreeRequestsAMonth), e.RequestCost)
	if e.Regions > 1 {
		fmt.Fprintf(tw, "  requests in the other Regions\tnot estimated\t\n")
	}
	fmt.Fprintf(tw, "  total\t\t$%.2f\n", e.Total())
	table, stack := e.Scopes()
	fmt.Fprintf(tw, "  key.scope table\t%d keys, the same requests\t$%.2f\n", table.Keys, table.Total())
	fmt.Fprintf(tw, "  key.scope stack\t%d %s, the same requests\t$%.2f\n", stack.Keys, map[bool]string{true: "key", false: "keys"}[stack.Keys == 1], stack.Total())
	return tw.Flush()
}
