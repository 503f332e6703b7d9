package template_test

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/s3"

	"github.com/dynamodb-sse-cmk/stack/template"
)

// Add an encrypted table, with its own key and writer, to a template you
// already build with goformation.
func ExampleAddTable() {
	t := cloudformation.NewTemplate()
	t.Transform = &cloudformation.Transform{String: cloudformation.String("AWS::LanguageExtensions")}
	t.Resources["Uploads"] = &s3.Bucket{}

	cfg := template.ProductionConfig()
	orders := cfg.Table("Orders", template.Attribute{Name: "orderId", Type: "S"}) // deletion protection and PITR on
	ids, err := template.AddTable(t, cfg, orders)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ids.Resources())
	fmt.Println(ids.Outputs[0], len(t.Resources), *t.Transform.StringArray)

	// A table of the same name would take the same logical ids: refused, and
	// the template stays as it was.
	_, err = template.AddTable(t, cfg, orders)
	fmt.Println(err, len(t.Resources))
	// Output:
	// [OrdersTableKmsKey OrdersTableKmsKeyAlias OrdersTable OrdersWriteFunctionRole OrdersWriteFunctionPolicy OrdersWriteFunction OrdersWriteFunctionLogGroup]
	// OrdersTableName 8 [AWS::LanguageExtensions AWS::Serverless-2016-10-31]
	// table "Orders": the template already has a resource OrdersTableKmsKey 8
}

// Build the whole stack a configuration describes, as gen does.
func ExampleBuild() {
	cfg := template.DefaultConfig()
	cfg.Tables = append(cfg.Tables, template.TableConfig{Name: "Events", PartitionKey: template.Attribute{Name: "id", Type: "S"}})
	s, err := template.Build(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(s.ResourceOrder), s.ResourceOrder[7], len(s.OutputOrder))
	// Output:
	// 14 EventsTableKmsKey 12
}

// Let principals the stack does not own use a table, each at its own level,
// and find out what each must attach in its own account.
func ExampleConsumerPolicies() {
	cfg := template.DefaultConfig()
	cfg.Account = "123456789012"
	cfg.Tables[0].Grants = []template.Grant{
		{Principal: "arn:aws:iam::123456789012:role/orders-api", Allow: template.AllowRead},
		{Principal: "arn:aws:iam::210987654321:role/analytics", Allow: template.AllowRead},
	}
	policies, err := template.ConsumerPolicies(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range policies {
		fmt.Println(p.Grant, p.Principal, len(p.Policy.Statement), "statements")
	}
	// Output:
	// tables[0].grants[1] arn:aws:iam::210987654321:role/analytics 2 statements
}

// A table with replicas makes a deployment: a key stack in each Region,
// the primary's first, then the table stack, whose parameters come from
// the earlier stacks' outputs. render.Deployment renders its files and
// render.WriteDir writes them as a directory, as gen -o DIR does.
func ExampleBuildDeployment() {
	cfg := template.DefaultConfig()
	cfg.Region = "us-east-1"
	cfg.Tables[0].Replicas = []string{"eu-west-1"}
	d, err := template.BuildDeployment(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range d.Manifest.Stacks {
		fmt.Println(s.Name, s.Region, s.Template)
	}
	from := d.Manifest.Stacks[2].Parameters["DynamoDbKeyArnEuWest1"].From
	fmt.Println("DynamoDbKeyArnEuWest1 is output", from.Output, "of", from.Stack)
	// Output:
	// dynamodb-sse-with-kms-cmk-keys-us-east-1 us-east-1 keys-us-east-1.yaml
	// dynamodb-sse-with-kms-cmk-keys-eu-west-1 eu-west-1 keys-eu-west-1.yaml
	// dynamodb-sse-with-kms-cmk us-east-1 tables.yaml
	// DynamoDbKeyArnEuWest1 is output DynamoDbKeyArn of dynamodb-sse-with-kms-cmk-keys-eu-west-1
}
