package cost

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/template"
)

func TestMonthly(t *testing.T) {
	tests := []struct {
		name               string
		keys, tables, warm int
		requests           int
		billable           int
		total              float64
	}{
		{"an idle table costs its key", 1, 1, 0, 0, 0, 1.00},
		{"one busy writer stays in the free tier", 1, 1, 1, 8640, 0, 1.00},
		{"three busy writers pass it", 1, 1, 3, 25920, 5920, 1.00 + 0.01776},
		{"ten tables with ten writers each", 10, 10, 10, 864000, 844000, 10.00 + 2.532},
		{"ten tables sharing one key make the same requests", 1, 10, 10, 864000, 844000, 1.00 + 2.532},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Monthly(tt.keys, tt.tables, tt.warm)
			if e.Requests != tt.requests || e.BillableRequests != tt.billable {
				t.Errorf("requests %d (billable %d), want %d (%d)", e.Requests, e.BillableRequests, tt.requests, tt.billable)
			}
			if diff := e.Total() - tt.total; diff > 1e-9 || diff < -1e-9 {
				t.Errorf("total $%f, want $%f", e.Total(), tt.total)
			}
		})
	}
}

func TestADecryptEveryFiveMinutesIsAbout8600AMonth(t *testing.T) {
	if DecryptsPerConnection != 8640 {
		t.Errorf("%d Decrypts per connection a month", DecryptsPerConnection)
	}
}

func TestWriteShowsEachLineAndTheTotal(t *testing.T) {
	var out bytes.Buffer
	if err := Monthly(10, 10, 10).Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"10 × $1.00", "$10.00", "10 tables × 10 warm writers × 8640", "= 864000, 20000 of them free", "$2.53", "total", "$12.53",
		"key.scope table    10 keys, the same requests           $12.53", "key.scope stack    1 key, the same requests             $3.53"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output does not hold %q:\n%s", want, &out)
		}
	}
}

func TestForStackCountsTheStacksKeysAndTables(t *testing.T) {
	cfg := template.DefaultConfig()
	cfg.Tables = append(cfg.Tables, template.TableConfig{Name: "Orders", PartitionKey: template.Attribute{Name: "id", Type: "S"}})
	shared := cfg
	shared.Key.Scope = template.KeyScopeStack
	for name, want := range map[string]struct {
		cfg          template.Config
		keys, tables int
	}{"seed": {template.SeedConfig(), 1, 1}, "two tables": {cfg, 2, 2}, "two tables sharing a key": {shared, 1, 2}} {
		s, err := template.Build(want.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := ForStack(s, 1); got.Keys != want.keys || got.Tables != want.tables {
			t.Errorf("%s: %d keys and %d tables, want %d and %d", name, got.Keys, got.Tables, want.keys, want.tables)
		}
	}
}

// The scopes differ by $1 a key, and in nothing else.
func TestScopesDifferOnlyInTheKeys(t *testing.T) {
	table, stack := Monthly(1, 5, 10).Scopes()
	if table.Keys != 5 || stack.Keys != 1 || table.Requests != stack.Requests || table.Total()-stack.Total() != 4*KeyPerMonth {
		t.Errorf("table scope %+v, stack scope %+v", table, stack)
	}
}

// A deployment bills each Region's key; its scopes are a key per table in
// each of the table's Regions, or one key in each Region (and one more for
// the single-Region tables, which the table stack keeps).
func TestForDeploymentBillsAKeyInEveryRegion(t *testing.T) {
	cfg := template.DefaultConfig()
	cfg.Region = "us-east-1"
	orders, payments := cfg.Table("Orders", template.Attribute{Name: "id", Type: "S"}), cfg.Table("Payments", template.Attribute{Name: "id", Type: "S"})
	orders.Replicas, payments.Replicas = []string{"eu-west-1", "ap-southeast-2"}, []string{"eu-west-1"}
	cfg.Tables = []template.TableConfig{orders, payments, cfg.Table("Audit", template.Attribute{Name: "id", Type: "S"})}
	for _, tt := range []struct {
		scope               template.KeyScope
		multiRegion         bool
		keys                int
		tableKeys, perStack int
	}{
		{template.KeyScopeTable, true, 3 + 2 + 1, 6, 4},
		{template.KeyScopeTable, false, 3 + 2 + 1, 6, 4},
		{template.KeyScopeStack, true, 3 + 1, 6, 4},
	} {
		cfg.Key.Scope, cfg.Key.MultiRegion = tt.scope, tt.multiRegion
		d, err := template.BuildDeployment(cfg)
		if err != nil {
			t.Fatal(err)
		}
		e := ForDeployment(d, 1)
		table, stack := e.Scopes()
		if e.Keys != tt.keys || e.Tables != 3 || e.Regions != 3 || table.Keys != tt.tableKeys || stack.Keys != tt.perStack {
			t.Errorf("scope %s, multiRegion %v: %d keys, %d tables, %d Regions; scopes %d and %d keys", tt.scope, tt.multiRegion, e.Keys, e.Tables, e.Regions, table.Keys, stack.Keys)
		}
	}
}
