package diff

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/dynamodb-sse-cmk/stack/cfn"
)

var update = flag.Bool("update", false, "rewrite testdata/*/want.json from the current output")

// compareCase reviews testdata/<name>: old.yaml against new.yaml, or new.json.
func compareCase(t *testing.T, name string) Report {
	t.Helper()
	dir := filepath.Join("testdata", name)
	newFile := filepath.Join(dir, "new.yaml")
	if _, err := os.Stat(newFile); err != nil {
		newFile = filepath.Join(dir, "new.json")
	}
	return Compare(parseFile(t, filepath.Join(dir, "old.yaml")), parseFile(t, newFile))
}

func parseFile(t *testing.T, path string) *cfn.Template {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := cfn.Parse(src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tmpl
}

// Each pair of testdata gives the review in its want.json; go test ./diff
// -update rewrites them, to be read before they are committed.
func TestCorpusGivesTheReviewInWantJSON(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			var got bytes.Buffer
			if err := compareCase(t, d.Name()).WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			wantFile := filepath.Join("testdata", d.Name(), "want.json")
			want, err := os.ReadFile(wantFile)
			if bytes.Equal(got.Bytes(), want) {
				return
			}
			if *update {
				if err := os.WriteFile(wantFile, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v (go test ./diff -update writes it)", err)
			}
			t.Errorf("%s differs:\ngot\n%s", wantFile, got.Bytes())
		})
	}
}

// The verdict of each pair, written out by hand: the summary a reviewer reads
// first, and the classes a pipeline fails on.
func TestCorpusVerdicts(t *testing.T) {
	tests := []struct {
		name                                              string
		dataLoss, emptied, broadening, weakening, refused bool
		summary                                           string
	}{
		{"key-schema", true, false, false, false, false, "DynamoDbTable: replaced, data loss; DynamoDbWriteFunction: modified; DynamoDbWriteFunctionPolicy: modified"},
		{"table-name", true, false, false, false, false, "DynamoDbTable: replaced, data loss; DynamoDbWriteFunction: modified; DynamoDbWriteFunctionPolicy: modified"},
		{"table-name-kept-key-schema-changed", true, false, false, false, true,
			"DynamoDbTable: replaced, data loss, refused; DynamoDbWriteFunction: modified; DynamoDbWriteFunctionPolicy: modified"},
		{"rename", true, false, true, false, false, "DynamoDbTable: renamed to OrdersTable, data loss; DynamoDbWriteFunction: modified; DynamoDbWriteFunctionPolicy: modified; " +
			"OrdersTable: renamed from DynamoDbTable; security: 1 broadening, 1 narrowing; also changed: Outputs"},
		{"key-switch", false, false, true, false, false, "DynamoDbTable: modified; NewTableKmsKey: added; security: 3 broadening"},
		{"key-removed", true, false, false, true, false, "DynamoDbTableKmsKey: removed, data loss; DynamoDbTable: modified; DynamoDbTableKmsKeyAlias: removed; " +
			"security: 3 narrowing; posture: 1 weakening; also changed: Outputs"},
		{"format-only", false, false, false, false, false, "no change"},
		{"reordered", false, false, false, false, false, "no change"},
		{"principal-star", false, false, true, false, false, "DynamoDbTableKmsKey: modified; security: 1 broadening"},
		{"viaservice-removed", false, false, true, false, false, "DynamoDbTableKmsKey: modified; security: 1 broadening"},
		{"condition-widened", false, false, true, false, false, "DynamoDbTableKmsKey: modified; security: 1 broadening"},
		{"action-added", false, false, true, false, false, "DynamoDbTableKmsKey: modified; security: 1 broadening"},
		{"action-removed", false, false, false, false, false, "DynamoDbTableKmsKey: modified; security: 1 narrowing"},
		{"managed-policy-added", false, false, true, false, false, "DynamoDbWriteFunctionRole: modified; security: 1 broadening"},
		{"trust-broadened", false, false, true, false, false, "DynamoDbWriteFunctionRole: modified; security: 1 broadening"},
		{"iam-resource-star", false, false, true, false, false, "DynamoDbWriteFunctionPolicy: modified; security: 1 broadening"},
		{"rotation-off", false, false, false, true, false, "DynamoDbTableKmsKey: modified; posture: 1 weakening"},
		{"sse-aws-managed", false, false, false, true, false, "DynamoDbTable: modified; posture: 1 weakening"},
		{"function-memory-env", false, false, false, false, false, "DynamoDbWriteFunction: modified"},
		{"function-name", true, false, false, false, false, "DynamoDbWriteFunctionLogGroup: replaced, data loss; DynamoDbWriteFunction: replaced"},
		{"prod-key-schema-retained", false, true, false, false, false, "DynamoDbTable: replaced, emptied; DynamoDbWriteFunction: modified; DynamoDbWriteFunctionPolicy: modified"},
		{"prod-retain-to-delete", false, false, false, true, false, "DynamoDbTable: modified; posture: 2 weakening"},
		{"prod-recovery-off", false, false, false, true, false, "DynamoDbTable: modified; posture: 2 weakening"},
		{"prod-deny-removed", false, false, true, false, false, "DynamoDbTableKmsKey: modified; security: 1 broadening"},
		{"prod-table-removed-retained", false, false, true, false, false, "DynamoDbTable: removed; DynamoDbWriteFunction: modified; DynamoDbWriteFunctionPolicy: modified; " +
			"security: 1 broadening, 1 narrowing; also changed: Outputs"},
		{"teams-index-renamed", false, false, false, false, true, "OrdersTable: modified, refused; " +
			"OrdersTableIndexByOrderStatusReadScalableTarget: added; OrdersTableIndexByOrderStatusReadScalingPolicy: added; OrdersTableIndexByOrderStatusWriteScalableTarget: added; OrdersTableIndexByOrderStatusWriteScalingPolicy: added; " +
			"OrdersTableIndexByStatusReadScalableTarget: removed; OrdersTableIndexByStatusReadScalingPolicy: removed; OrdersTableIndexByStatusWriteScalableTarget: removed; OrdersTableIndexByStatusWriteScalingPolicy: removed"},
		{"teams-two-indexes-added", false, false, false, false, true, "OrdersTable: modified, refused; " +
			"OrdersTableIndexByStatusReadScalableTarget: added; OrdersTableIndexByStatusReadScalingPolicy: added; OrdersTableIndexByStatusWriteScalableTarget: added; OrdersTableIndexByStatusWriteScalingPolicy: added; " +
			"OrdersTableIndexbycouponReadScalableTarget: added; OrdersTableIndexbycouponReadScalingPolicy: added; OrdersTableIndexbycouponWriteScalableTarget: added; OrdersTableIndexbycouponWriteScalingPolicy: added; OrdersWriteFunction: modified"},
		{"teams-on-demand", false, false, false, false, false, "OrdersTable: modified; " +
			"OrdersTableIndexByStatusReadScalableTarget: removed; OrdersTableIndexByStatusReadScalingPolicy: removed; OrdersTableIndexByStatusWriteScalableTarget: removed; OrdersTableIndexByStatusWriteScalingPolicy: removed; " +
			"OrdersTableIndexbycouponReadScalableTarget: removed; OrdersTableIndexbycouponReadScalingPolicy: removed; OrdersTableIndexbycouponWriteScalableTarget: removed; OrdersTableIndexbycouponWriteScalingPolicy: removed; " +
			"OrdersTableReadScalableTarget: removed; OrdersTableReadScalingPolicy: removed; OrdersTableWriteScalableTarget: removed; OrdersTableWriteScalingPolicy: removed"},
		{"global-two-replicas-added", false, false, false, true, true, "OrdersTable: modified, refused; posture: 1 weakening; also changed: Parameters"},
		{"global-replica-added", false, false, false, true, false, "OrdersTable: modified; posture: 1 weakening; also changed: Parameters"},
		{"global-replica-removed", true, false, false, false, false, "OrdersTable: modified, data loss; also changed: Parameters"},
		{"global-keys-made-independent", false, false, false, false, true, "OrdersTableKmsKeyAlias: replaced; OrdersTableKmsKey: modified, refused; also changed: Description"},
	}
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != len(tests) {
		t.Errorf("%d pairs in testdata, %d verdicts here: every pair needs its verdict", len(dirs), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compareCase(t, tt.name)
			refused := r.Has(ClassRefused)
			if r.DataLoss != tt.dataLoss || r.Emptied != tt.emptied || r.Broadening != tt.broadening || r.Weakening != tt.weakening || refused != tt.refused {
				t.Errorf("dataLoss %v, emptied %v, broadening %v, weakening %v, refused %v; want %v, %v, %v, %v, %v",
					r.DataLoss, r.Emptied, r.Broadening, r.Weakening, refused, tt.dataLoss, tt.emptied, tt.broadening, tt.weakening, tt.refused)
			}
			if got := r.Summary(); got != tt.summary {
				t.Errorf("summary\n got %q\nwant %q", got, tt.summary)
			}
		})
	}
}
