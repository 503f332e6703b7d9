package handler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// notExists makes every put fail rather than replace an item with the same
// key: an item that exists has its partition key. The name goes through
// ExpressionAttributeNames because a key attribute may be a reserved word.
const notExists = "attribute_not_exists(#pk)"

// Client is the part of the DynamoDB API the writer calls; *dynamodb.Client
// implements it.
type Client interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Writer puts the items of an event into Table. Build one per Lambda sandbox
// and reuse it: DynamoDB caches the table's KMS key per connection, so a
// client kept across invocations saves latency and KMS requests.
type Writer struct {
	// Client is the DynamoDB client, built once at init.
	Client Client
	// Table is the name of the table to write to.
	Table string
	// Key is the table's key schema, from [KeySchemaFromEnv].
	Key KeySchema
	// Log receives one line per invocation, with the request id and never an
	// attribute value. Nil discards the lines.
	Log *slog.Logger
}

// Result is the response of a successful invocation.
type Result struct {
	// Written lists the keys of the items written, in event order, as text:
	// the partition key's value, or "orderId=7, at=2024-05-01" (partition,
	// then sort key) when the table has a sort key. Values are as sent: a
	// number as written in the event, binary as its base64.
	Written []string `json:"written"`
}

// Handle writes the items of event. It takes raw JSON so that an event which
// is not an object reaches the writer's validation and gets its message.
// Errors are *InvalidEventError, *ItemExistsError or *WriteError.
func (w *Writer) Handle(ctx context.Context, event json.RawMessage) (Result, error) {
	start := time.Now()
	items, err := w.Key.decode(event)
	if err == nil {
		err = w.write(ctx, items)
	}
	w.log(ctx, len(items), time.Since(start), err)
	if err != nil {
		return Result{}, err
	}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.key
	}
	return Result{Written: keys}, nil
}

// write puts one item with PutItem, or several with one TransactWriteItems so
// that either all of them are written or none.
func (w *Writer) write(ctx context.Context, items []item) error {
	names := map[string]string{"#pk": w.Key.partition.name}
	var err error
	if len(items) == 1 {
		_, err = w.Client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                aws.String(w.Table),
			Item:                     items[0].attrs,
			ConditionExpression:      aws.String(notExists),
			ExpressionAttributeNames: names,
		})
	} else {
		puts := make([]types.TransactWriteItem, len(items))
		for i, it := range items {
			puts[i] = types.TransactWriteItem{Put: &types.Put{
				TableName:                aws.String(w.Table),
				Item:                     it.attrs,
				ConditionExpression:      aws.String(notExists),
				ExpressionAttributeNames: names,
			}}
		}
		_, err = w.Client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: puts})
	}
	if err == nil {
		return nil
	}
	if existing := existingKeys(err, items); len(existing) > 0 {
		return &ItemExistsError{Keys: existing}
	}
	return &WriteError{Table: w.Table, Err: err}
}

// existingKeys returns the keys whose condition failed: the item of a
// PutItem, or the items a cancelled transaction reports as
// ConditionalCheckFailed.
func existingKeys(err error, items []item) []string {
	if _, ok := errors.AsType[*types.ConditionalCheckFailedException](err); ok {
		return []string{items[0].key}
	}
	canceled, ok := errors.AsType[*types.TransactionCanceledException](err)
	if !ok {
		return nil
	}
	var keys []string
	for i, reason := range canceled.CancellationReasons {
		if i < len(items) && aws.ToString(reason.Code) == "ConditionalCheckFailed" {
			keys = append(keys, items[i].key)
		}
	}
	return keys
}

// log writes one line per invocation. It names counts and error types, never
// keys or attribute values: an *InvalidEventError message is safe by design,
// while the other errors quote keys or may echo DynamoDB's text, so only their
// type and DynamoDB's error code go in.
func (w *Writer) log(ctx context.Context, items int, took time.Duration, err error) {
	if w.Log == nil {
		return
	}
	attrs := []slog.Attr{slog.Int("items", items), slog.Int64("durationMs", took.Milliseconds())}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attrs = append(attrs, slog.String("requestId", lc.AwsRequestID))
	}
	switch e := err.(type) {
	case nil:
		w.Log.LogAttrs(ctx, slog.LevelInfo, "items written", attrs...)
	case *InvalidEventError:
		attrs = append(attrs, slog.String("errorType", "InvalidEventError"), slog.String("reason", e.Error()))
		w.Log.LogAttrs(ctx, slog.LevelWarn, "event rejected", attrs...)
	case *ItemExistsError:
		attrs = append(attrs, slog.String("errorType", "ItemExistsError"), slog.Int("existing", len(e.Keys)))
		w.Log.LogAttrs(ctx, slog.LevelWarn, "items exist", attrs...)
	case *WriteError:
		attrs = append(attrs, slog.String("errorType", "WriteError"), slog.String("cause", cause(e.Err)))
		w.Log.LogAttrs(ctx, slog.LevelError, "write failed", attrs...)
	}
}

// cause says why a write failed: DynamoDB's error code, never its message,
// or else the SDK's error, such as a deadline or a refused connection.
func cause(err error) string {
	if apiErr, ok := errors.AsType[smithy.APIError](err); ok {
		return apiErr.ErrorCode()
	}
	return err.Error()
}
