package cfn

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const loopTemplate = `Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: 'Orders,Customers'}
Resources:
  Fn::ForEach::Tables:
    - Name
    - !Ref Names
    - ${Name}Table:
        Type: AWS::DynamoDB::Table
        Properties:
          TableName: !Sub '${Name}-table'
          Tags: [{Key: name, Value: !Ref Name}]
  Fn::ForEach::Queues:
    - Id
    - [a-1, b-2]
    - Queue&{Id}:
        Type: AWS::SQS::Queue
  Plain:
    Type: AWS::SNS::Topic
`

func TestForEachLoopsAreExpandedUnderTheirOwnIDs(t *testing.T) {
	tmpl := mustParse(t, loopTemplate)
	var ids []string
	for _, r := range tmpl.Resources() {
		ids = append(ids, r.ID)
	}
	if got := fmt.Sprint(ids); got != "[CustomersTable OrdersTable Plain Queuea1 Queueb2]" {
		t.Fatalf("resources %s", got)
	}
	orders, _ := tmpl.Resource("OrdersTable")
	want := map[string]any{"TableName": map[string]any{"Fn::Sub": "Orders-table"}, "Tags": []any{map[string]any{"Key": "name", "Value": "Orders"}}}
	if !reflect.DeepEqual(orders.Properties, want) {
		t.Errorf("OrdersTable's properties %v, want %v", orders.Properties, want)
	}
	// An expanded resource points at the body of its loop.
	if got := tmpl.Pos("Resources", "OrdersTable", "Properties", "TableName"); got != (Pos{11, 11}) {
		t.Errorf("Pos of OrdersTable's TableName = %v, want {11 11}", got)
	}
	if got := tmpl.Pos("Resources", "Plain"); got != (Pos{18, 3}) {
		t.Errorf("Pos of Plain = %v, want {18 3}", got)
	}
	// The parameter's default is a guess at what a deployment gives: said so.
	if s := tmpl.Skipped(); len(s) != 1 || s[0].Reason != "Fn::ForEach::Tables is expanded over the default of parameter Names (Orders, Customers): a deployment may give it other values" {
		t.Errorf("skipped %+v", s)
	}
}

// Fn::ForEach makes conditions as it makes resources.
func TestForEachLoopsMakeConditions(t *testing.T) {
	tmpl := mustParse(t, `Transform: AWS::LanguageExtensions
Parameters:
  Env: {Type: String, AllowedValues: [prod, test]}
Conditions:
  Fn::ForEach::Envs:
    - E
    - [prod, test]
    - Is${E}: !Equals [!Ref Env, !Ref E]
Resources:
  Plain: {Type: AWS::SNS::Topic, Condition: Istest}
`)
	want := map[string]any{
		"Isprod": map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Env"}, "prod"}},
		"Istest": map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Env"}, "test"}},
	}
	if got := tmpl.Section("Conditions"); !reflect.DeepEqual(got, want) {
		t.Errorf("conditions %v, want %v", got, want)
	}
	if got := tmpl.Pos("Conditions", "Istest"); got.Line != 8 {
		t.Errorf("Pos of Istest = %v, want line 8", got)
	}
}

// Two loops that make one name: CloudFormation refuses the template; the
// second is left out and said so, never merged.
func TestANameMadeTwiceIsSaidSkipped(t *testing.T) {
	tmpl := mustParse(t, `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::A:
    - N
    - [x]
    - Topic${N}: {Type: AWS::SNS::Topic}
  Fn::ForEach::B:
    - N
    - [x]
    - Topic${N}: {Type: AWS::SQS::Queue}
`)
	if s := tmpl.Skipped(); len(s) != 1 || s[0].Reason != "the name Topicx is made twice in Resources; the second is left out" {
		t.Errorf("skipped %+v", s)
	}
}

func TestALoopThatCannotBeExpandedIsSaidSkipped(t *testing.T) {
	tmpl := mustParse(t, `Transform: [AWS::LanguageExtensions, AWS::Include]
Resources:
  Fn::ForEach::Zones:
    - Zone
    - !GetAZs ''
    - Subnet${Zone}: {Type: AWS::EC2::Subnet}
`)
	var reasons []string
	for _, s := range tmpl.Skipped() {
		reasons = append(reasons, strings.Join(s.Path, "/")+": "+s.Reason)
	}
	if tmpl.Section("Resources")["Fn::ForEach::Zones"] == nil {
		t.Error("the loop is not kept as written")
	}
	want := "Resources/Fn::ForEach::Zones: Fn::ForEach::Zones is not expanded: its collection {\"Fn::GetAZs\":\"\"} cannot be known before deployment; " +
		"Transform: the transform AWS::Include is not applied: the resources are judged as written"
	if got := strings.Join(reasons, "; "); got != want {
		t.Errorf("skipped:\n%s\nwant\n%s", got, want)
	}
}

// Fn::Transform among the resources inserts what the model cannot know.
func TestAnInlineTransformIsSaidSkipped(t *testing.T) {
	tmpl := mustParse(t, `Resources:
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: s3://bucket/resources.yaml}
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/policy.yaml}}
`)
	var got []string
	for _, s := range tmpl.Skipped() {
		got = append(got, strings.Join(s.Path, "/")+": "+s.Reason)
	}
	want := "Resources/Fn::Transform: Fn::Transform AWS::Include is not applied: what it inserts is not judged; " +
		"Resources/Policy/Properties/PolicyDocument/Fn::Transform: Fn::Transform AWS::Include is not applied: what it inserts is not judged"
	if strings.Join(got, "; ") != want {
		t.Errorf("skipped:\n%s\nwant\n%s", strings.Join(got, "; "), want)
	}
}

// A Fn::Transform is said however the source writes it: short form, a
// key written with an escape, through an alias, in JSON, in SAM's Globals,
// and in a template read in pieces.
func TestAnInlineTransformIsFoundHoweverWritten(t *testing.T) {
	const skipped = "Fn::Transform AWS::Include is not applied: what it inserts is not judged"
	var queues strings.Builder // enough resources to be read in pieces (splitAbove)
	for i := range 2000 {
		fmt.Fprintf(&queues, "  Queue%d:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: q}\n", i)
	}
	big := "Resources:\n" + queues.String() + "  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/p.yaml}}\n"
	for _, tt := range []struct{ name, src, path string }{
		{"short form", "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/p.yaml}}\n",
			"Resources/Policy/Properties/PolicyDocument/Fn::Transform"},
		{"escaped key", "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        \"Fn::\\x54ransform\": {Name: AWS::Include}\n",
			"Resources/Policy/Properties/PolicyDocument/Fn::Transform"},
		{"alias", "Include: &include {Name: AWS::Include}\nResources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Fn::Transform: *include}\n",
			"Resources/Policy/Properties/PolicyDocument/Fn::Transform"},
		{"JSON", `{"Resources": {"Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Fn::Transform": {"Name": "AWS::Include"}}}}}}`,
			"Resources/Policy/Properties/PolicyDocument/Fn::Transform"},
		{"SAM Globals", "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Environment:\n      Fn::Transform: {Name: AWS::Include}\nResources:\n  Writer:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: provided.al2023}\n",
			"Resources/Writer/Properties/Environment/Fn::Transform"},
		{"read in pieces", big, "Resources/Policy/Properties/PolicyDocument/Fn::Transform"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range mustParse(t, tt.src).Skipped() {
				got = append(got, strings.Join(s.Path, "/")+": "+s.Reason)
			}
			if want := tt.path + ": " + skipped; !slices.Contains(got, want) {
				t.Errorf("skipped %q, want %q among them", got, want)
			}
		})
	}
}

// A Globals section SAM has no type for is not merged into resources
// without a Type, and the model says so.
func TestAnUnknownGlobalsSectionIsSaidSkipped(t *testing.T) {
	tmpl := mustParse(t, `Transform: AWS::Serverless-2016-10-31
Globals:
  Functions:
    Runtime: python3.7
Resources:
  Untyped:
    Properties: {Handler: bootstrap}
`)
	if r, _ := tmpl.Resource("Untyped"); r.Prop("Runtime") != nil {
		t.Errorf("the unknown section was merged: %v", r.Properties)
	}
	if s := tmpl.Skipped(); len(s) != 1 || strings.Join(s[0].Path, "/") != "Globals/Functions" {
		t.Errorf("skipped %+v, want Globals/Functions", s)
	}
}

// A SimpleTable is judged as the table the SAM transform makes of it
// (aws-sam-translator's SamSimpleTable): SSESpecification passes through
// whole, a customer managed key with it.
func TestSAMSimpleTableIsTheTableTheTransformMakes(t *testing.T) {
	tmpl := mustParse(t, `Transform: AWS::Serverless-2016-10-31
Resources:
  Default:
    Type: AWS::Serverless::SimpleTable
  Keyed:
    Type: AWS::Serverless::SimpleTable
    DeletionPolicy: Retain
    Properties:
      PrimaryKey: {Name: pk, Type: Number}
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref Key}
      Tags: {team: data, app: orders}
  Refused:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: pk, Type: Boolean}
`)
	tests := []struct {
		id, typ string
		want    map[string]any
	}{
		{"Default", "AWS::DynamoDB::Table", map[string]any{
			"AttributeDefinitions": []any{map[string]any{"AttributeName": "id", "AttributeType": "S"}},
			"KeySchema":            []any{map[string]any{"AttributeName": "id", "KeyType": "HASH"}},
			"BillingMode":          "PAY_PER_REQUEST",
		}},
		{"Keyed", "AWS::DynamoDB::Table", map[string]any{
			"AttributeDefinitions":  []any{map[string]any{"AttributeName": "pk", "AttributeType": "N"}},
			"KeySchema":             []any{map[string]any{"AttributeName": "pk", "KeyType": "HASH"}},
			"ProvisionedThroughput": map[string]any{"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
			"SSESpecification":      map[string]any{"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": map[string]any{"Ref": "Key"}},
			"Tags":                  []any{map[string]any{"Key": "app", "Value": "orders"}, map[string]any{"Key": "team", "Value": "data"}},
		}},
		{"Refused", "AWS::Serverless::SimpleTable", map[string]any{"PrimaryKey": map[string]any{"Name": "pk", "Type": "Boolean"}}},
	}
	for _, tt := range tests {
		r, _ := tmpl.Resource(tt.id)
		if r.Type != tt.typ || canonicalJSON(r.Properties) != canonicalJSON(tt.want) {
			t.Errorf("%s is %s %v\nwant %s %v", tt.id, r.Type, r.Properties, tt.typ, tt.want)
		}
	}
	if r, _ := tmpl.Resource("Keyed"); r.Entry["DeletionPolicy"] != "Retain" {
		t.Error("the SimpleTable's DeletionPolicy is lost")
	}
	if got := tmpl.Pos("Resources", "Keyed", "Properties", "KeySchema"); got.Line != 9 {
		t.Errorf("the key schema points at %v, want the PrimaryKey on line 9", got)
	}
	if s := tmpl.Skipped(); len(s) != 1 || s[0].Reason != "PrimaryKey is not a Name and a Type of String, Number or Binary: the SAM transform refuses SimpleTable Refused" {
		t.Errorf("skipped %+v", s)
	}
}

func TestSAMGlobalsApplyToTheirResources(t *testing.T) {
	tmpl := mustParse(t, `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.7
    Environment: {Variables: {A: global, B: global}}
    Layers: [g]
  SimpleTable:
    SSESpecification: {SSEEnabled: true}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment: {Variables: {B: own}}
      Layers: [own]
  Other:
    Type: AWS::Serverless::Function
    Properties: {Runtime: provided.al2023}
  Table:
    Type: AWS::Serverless::SimpleTable
`)
	fn, _ := tmpl.Resource("Fn")
	want := map[string]any{
		"Runtime":     "python3.7",
		"Environment": map[string]any{"Variables": map[string]any{"A": "global", "B": "own"}},
		"Layers":      []any{"g", "own"},
	}
	if !reflect.DeepEqual(fn.Properties, want) {
		t.Errorf("Fn's properties %v\nwant %v", fn.Properties, want)
	}
	if other, _ := tmpl.Resource("Other"); other.Prop("Runtime") != "provided.al2023" {
		t.Errorf("a resource's own Runtime lost to the global one")
	}
	if table, _ := tmpl.Resource("Table"); table.Prop("SSESpecification", "SSEEnabled") != true {
		t.Errorf("the SimpleTable global did not apply")
	}
	if got := tmpl.Pos("Resources", "Fn", "Properties", "Runtime"); got != (Pos{4, 5}) {
		t.Errorf("a property from Globals points at %v, want its place in Globals {4 5}", got)
	}
}

func TestBranchResolvesIfByTheConditionsGiven(t *testing.T) {
	tmpl := mustParse(t, `Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification:
        SSEEnabled: !If [Prod, true, false]
        KMSMasterKeyId: !If [Prod, !Ref Key, !Ref AWS::NoValue]
`)
	if got := fmt.Sprint(tmpl.IfConditions()); got != "[Prod]" {
		t.Fatalf("IfConditions = %s", got)
	}
	prod, _ := tmpl.Branch(map[string]bool{"Prod": true}).Resource("T")
	dev, _ := tmpl.Branch(map[string]bool{"Prod": false}).Resource("T")
	if got := fmt.Sprint(prod.Prop("SSESpecification")); got != "map[KMSMasterKeyId:map[Ref:Key] SSEEnabled:true]" {
		t.Errorf("Prod: %s", got)
	}
	if got := fmt.Sprint(dev.Prop("SSESpecification")); got != "map[SSEEnabled:false]" {
		t.Errorf("not Prod: %s", got)
	}
}

// A list item after one a branch removes still points where it was written.
func TestBranchKeepsTheSourceOfListItemsAfterARemovedOne(t *testing.T) {
	tmpl := mustParse(t, `Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Items:
        - a
        - !If [C, b, !Ref AWS::NoValue]
        - c
`)
	branch := tmpl.Branch(map[string]bool{"C": false})
	if got := fmt.Sprint(branch.Value()["Resources"].(map[string]any)["P"].(map[string]any)["Properties"]); got != "map[Items:[a c]]" {
		t.Fatalf("branch: %s", got)
	}
	if got := strings.Join(branch.Source("Resources", "P", "Properties", "Items", "1"), "/"); got != "Resources/P/Properties/Items/2" {
		t.Errorf("Source of c = %s, want Resources/P/Properties/Items/2", got)
	}
	if got := branch.Pos("Resources", "P", "Properties", "Items", "1"); got != (Pos{8, 11}) {
		t.Errorf("Pos of c = %v, want {8 11}", got)
	}
}
