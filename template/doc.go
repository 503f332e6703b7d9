// Package template builds the CloudFormation/SAM template of a DynamoDB table
// encrypted at rest with a customer managed KMS key, and the writer Lambda that
// puts items into it, from a plain [Config].
//
// Every resource is a typed goformation value; intrinsics are always built with
// cloudformation.Ref, GetAtt and Sub, never as raw maps, because goformation
// evaluates raw intrinsic maps to fake values when it serialises a template.
// Where a key policy statement comes from: keypolicy.go, one function each.
//
// See https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html
package template
