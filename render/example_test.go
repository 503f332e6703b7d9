package render_test

import (
	"fmt"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/sqs"

	"github.com/dynamodb-sse-cmk/stack/render"
)

// Render any goformation template as the YAML people review.
func ExampleYAML() {
	t := cloudformation.NewTemplate()
	t.Resources["Queue"] = &sqs.Queue{KmsMasterKeyId: cloudformation.String("alias/aws/sqs")}
	t.Outputs["QueueUrl"] = cloudformation.Output{Value: cloudformation.Ref("Queue")}
	out, err := render.YAML(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// AWSTemplateFormatVersion: '2010-09-09'
	// Resources:
	//   Queue:
	//     Type: AWS::SQS::Queue
	//     Properties:
	//       KmsMasterKeyId: alias/aws/sqs
	// Outputs:
	//   QueueUrl:
	//     Value: !Ref Queue
}
