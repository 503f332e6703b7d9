// Package handler is the writer Lambda function: it validates an event, then
// puts one item, or a batch of up to 100 items all or nothing, into a DynamoDB
// table without ever replacing an item that already exists.
//
// The event is a JSON object, one of
//
//	{"id": "1", "colour": "red", "size": 3}            one item
//	{"items": [{"id": "1"}, {"id": "2", "size": 3}]}   a batch of 1 to 100 items
//
// Every top-level field of an item is stored as an attribute, converted by
// the SDK's attributevalue package (strings as S, numbers as N, booleans as
// BOOL, null as NULL, lists as L, objects as M). The response names the ids
// written: {"written": ["1", "2"]}.
//
// Each put is conditional on attribute_not_exists(id). A failure comes back
// as one of three error types, whose name Lambda reports as errorType:
// [InvalidEventError] (nothing was sent to DynamoDB), [ItemExistsError]
// (nothing was written) and [WriteError] (DynamoDB or the deadline failed the
// write).
//
// See https://docs.aws.amazon.com/lambda/latest/dg/golang-handler.html
package handler
