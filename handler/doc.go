// Package handler is the writer Lambda function: it validates an event, then
// puts one item, or a batch of up to 100 items all or nothing, into a DynamoDB
// table without ever replacing an item that already exists.
//
// The table's key schema comes from the environment ([KeySchemaFromEnv]).
// The event is a JSON object, one of (for a table keyed by the string "id")
//
//	{"id": "1", "colour": "red", "size": 3}            one item
//	{"items": [{"id": "1"}, {"id": "2", "size": 3}]}   a batch of 1 to 100 items
//
// Every item must carry the key attributes with their types: a string for S,
// a number for N and a base64 string for B. Every top-level field of an item
// is stored as an attribute, converted by the SDK's attributevalue package
// (strings as S, numbers as N, booleans as BOOL, null as NULL, lists as L,
// objects as M), except a B key, stored as its decoded bytes. The response
// names the keys written: {"written": ["1", "2"]}.
//
// Each put is conditional on attribute_not_exists of the partition key. A
// failure comes back as one of three error types, whose name Lambda reports
// as errorType: [InvalidEventError] (nothing was sent to DynamoDB),
// [ItemExistsError] (nothing was written) and [WriteError] (DynamoDB or the
// deadline failed the write).
//
// See https://docs.aws.amazon.com/lambda/latest/dg/golang-handler.html
package handler
