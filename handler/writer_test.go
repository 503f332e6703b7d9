package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestSingleItemIsOneConditionalPutWithEveryFieldAsAnAttribute(t *testing.T) {
	stub := &stubClient{}
	w := &Writer{Client: stub, Table: "orders", Key: idKey}
	event := `{"id": "1", "n": 1.50, "big": 12345678901234567890123, "s": "x", "t": true, "z": null,
		"l": [1, "a"], "m": {"k": "v"}}`

	res, err := w.Handle(context.Background(), []byte(event))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if !slices.Equal(res.Written, []string{"1"}) {
		t.Errorf("Written = %q, want [1]", res.Written)
	}
	want := &dynamodb.PutItemInput{
		TableName:                aws.String("orders"),
		ConditionExpression:      aws.String("attribute_not_exists(#pk)"),
		ExpressionAttributeNames: map[string]string{"#pk": "id"},
		Item: map[string]types.AttributeValue{
			"id":  &types.AttributeValueMemberS{Value: "1"},
			"n":   &types.AttributeValueMemberN{Value: "1.50"},
			"big": &types.AttributeValueMemberN{Value: "12345678901234567890123"},
			"s":   &types.AttributeValueMemberS{Value: "x"},
			"t":   &types.AttributeValueMemberBOOL{Value: true},
			"z":   &types.AttributeValueMemberNULL{Value: true},
			"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{
				&types.AttributeValueMemberN{Value: "1"}, &types.AttributeValueMemberS{Value: "a"}}},
			"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"k": &types.AttributeValueMemberS{Value: "v"}}},
		},
	}
	if len(stub.puts) != 1 || len(stub.transacts) != 0 {
		t.Fatalf("got %d PutItem and %d TransactWriteItems calls, want one PutItem", len(stub.puts), len(stub.transacts))
	}
	if !reflect.DeepEqual(stub.puts[0], want) {
		t.Errorf("PutItem input\n got %#v\nwant %#v", stub.puts[0], want)
	}
}

func TestBatchIsOneTransactionOfConditionalPuts(t *testing.T) {
	stub := &stubClient{}
	w := &Writer{Client: stub, Table: "orders", Key: idKey}

	res, err := w.Handle(context.Background(), []byte(`{"items": [{"id": "b"}, {"id": "a", "n": 2}]}`))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if !slices.Equal(res.Written, []string{"b", "a"}) {
		t.Errorf("Written = %q, want [b a] in event order", res.Written)
	}
	if len(stub.transacts) != 1 || len(stub.puts) != 0 {
		t.Fatalf("got %d TransactWriteItems and %d PutItem calls, want one TransactWriteItems", len(stub.transacts), len(stub.puts))
	}
	var ids []string
	for _, ti := range stub.transacts[0].TransactItems {
		put := ti.Put
		if put == nil || aws.ToString(put.TableName) != "orders" || aws.ToString(put.ConditionExpression) != "attribute_not_exists(#pk)" ||
			!maps.Equal(put.ExpressionAttributeNames, map[string]string{"#pk": "id"}) {
			t.Fatalf("transaction item %#v, want a Put into orders conditional on attribute_not_exists(#pk), #pk being id", ti)
		}
		ids = append(ids, put.Item["id"].(*types.AttributeValueMemberS).Value)
	}
	if !slices.Equal(ids, []string{"b", "a"}) {
		t.Errorf("transaction puts ids %q, want [b a]", ids)
	}
}

func TestKeysAreWrittenWithTheirSchemaTypes(t *testing.T) {
	tests := []struct {
		name    string
		key     KeySchema
		event   string
		keyAttr map[string]types.AttributeValue // the key attributes of the put
		written string
	}{
		{
			name:    "a number partition key is N and a string sort key S",
			key:     orderKey,
			event:   `{"orderId": 7.50, "at": "2024-05-01", "qty": 2}`,
			keyAttr: map[string]types.AttributeValue{"orderId": &types.AttributeValueMemberN{Value: "7.50"}, "at": &types.AttributeValueMemberS{Value: "2024-05-01"}},
			written: "orderId=7.50, at=2024-05-01",
		},
		{
			name:    "index keys an item carries are written with their types; one it lacks is not required",
			key:     indexedKey,
			event:   `{"id": "1", "region": "AQI=", "createdAt": 1700000000, "qty": 2}`,
			keyAttr: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "1"}, "region": &types.AttributeValueMemberB{Value: []byte{1, 2}}, "createdAt": &types.AttributeValueMemberN{Value: "1700000000"}},
			written: "1",
		},
		{
			name:    "binary keys are B holding the decoded bytes",
			key:     blobKey,
			event:   `{"blob": "AQI=", "part": "Aw==", "qty": 2}`,
			keyAttr: map[string]types.AttributeValue{"blob": &types.AttributeValueMemberB{Value: []byte{1, 2}}, "part": &types.AttributeValueMemberB{Value: []byte{3}}},
			written: "blob=AQI=, part=Aw==",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := &stubClient{}
			w := &Writer{Client: stub, Table: "t", Key: tt.key}
			res, err := w.Handle(context.Background(), []byte(tt.event))
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if !slices.Equal(res.Written, []string{tt.written}) {
				t.Errorf("Written = %q, want [%q]", res.Written, tt.written)
			}
			put := stub.puts[0]
			if want := map[string]string{"#pk": tt.key.partition.name}; !maps.Equal(put.ExpressionAttributeNames, want) {
				t.Errorf("ExpressionAttributeNames = %v, want %v", put.ExpressionAttributeNames, want)
			}
			for name, want := range tt.keyAttr {
				if got := put.Item[name]; !reflect.DeepEqual(got, want) {
					t.Errorf("key attribute %s = %#v, want %#v", name, got, want)
				}
			}
			if _, ok := put.Item["qty"].(*types.AttributeValueMemberN); !ok || len(put.Item) != len(tt.keyAttr)+1 {
				t.Errorf("item %#v, want the keys and qty as N", put.Item)
			}
		})
	}
}

func TestFailedWritesGetTypedErrors(t *testing.T) {
	conflict := errors.New("connection reset")
	tests := []struct {
		name     string
		key      KeySchema
		event    string
		dynamoDB error
		want     error
	}{
		{
			name:     "a failed put condition names the existing key",
			key:      idKey,
			event:    `{"id": "1"}`,
			dynamoDB: &types.ConditionalCheckFailedException{},
			want:     &ItemExistsError{Keys: []string{"1"}},
		},
		{
			name:  "a cancelled transaction names the keys whose condition failed",
			key:   idKey,
			event: `{"items": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}`,
			dynamoDB: &types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{
				{Code: aws.String("None")}, {Code: aws.String("ConditionalCheckFailed")}, {Code: aws.String("ConditionalCheckFailed")}}},
			want: &ItemExistsError{Keys: []string{"b", "c"}},
		},
		{
			name:  "a cancelled transaction names composite keys with both attributes",
			key:   orderKey,
			event: `{"items": [{"orderId": 7, "at": "a"}, {"orderId": 7, "at": "b"}]}`,
			dynamoDB: &types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{
				{Code: aws.String("ConditionalCheckFailed")}, {Code: aws.String("None")}}},
			want: &ItemExistsError{Keys: []string{"orderId=7, at=a"}},
		},
		{
			name:  "a transaction cancelled for a conflict is a write error",
			key:   idKey,
			event: `{"items": [{"id": "a"}, {"id": "b"}]}`,
			dynamoDB: &types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{
				{Code: aws.String("None")}, {Code: aws.String("TransactionConflict")}}},
			want: &WriteError{Table: "t"},
		},
		{
			name:     "any other failure is a write error that keeps the cause",
			key:      idKey,
			event:    `{"id": "1"}`,
			dynamoDB: conflict,
			want:     &WriteError{Table: "t", Err: conflict},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &Writer{Client: &stubClient{err: tt.dynamoDB}, Table: "t", Key: tt.key}
			_, err := w.Handle(context.Background(), []byte(tt.event))
			if reflect.TypeOf(err) != reflect.TypeOf(tt.want) {
				t.Fatalf("Handle returned %T %v, want %T", err, err, tt.want)
			}
			switch want := tt.want.(type) {
			case *ItemExistsError:
				if got := err.(*ItemExistsError); !slices.Equal(got.Keys, want.Keys) {
					t.Errorf("Keys = %q, want %q", got.Keys, want.Keys)
				}
			case *WriteError:
				if !errors.Is(err, tt.dynamoDB) {
					t.Errorf("error %v does not wrap DynamoDB's %v", err, tt.dynamoDB)
				}
			}
		})
	}
}

func TestItemExistsErrorSaysWhichKeysExist(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"one key is named", []string{"1"}, `item "1" already exists in the table; nothing was written`},
		{"two keys are named", []string{"1", "b"}, `items "1", "b" already exist in the table; nothing was written`},
		{"a composite key is named whole", []string{"orderId=7, at=a"}, `item "orderId=7, at=a" already exists`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (&ItemExistsError{Keys: tt.keys}).Error(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("Error() = %q, want it to start with %q", got, tt.want)
			}
		})
	}
}

func TestLogLinesCarryTheRequestIDAndNoAttributeValues(t *testing.T) {
	const secret = "s3cr3t" // in every string key and attribute value below
	tests := []struct {
		name     string
		key      KeySchema
		event    string
		dynamoDB error
		level    string
	}{
		{"a written item", idKey, `{"id": "s3cr3t-1", "note": "s3cr3t-note"}`, nil, "INFO"},
		{"a rejected event", idKey, `{"id": 1, "note": "s3cr3t-note"}`, nil, "WARN"},
		{"a rejected composite key", orderKey, `{"orderId": "s3cr3t", "at": "s3cr3t"}`, nil, "WARN"},
		{"an existing item", idKey, `{"id": "s3cr3t-1", "note": "s3cr3t-note"}`, &types.ConditionalCheckFailedException{Message: aws.String("s3cr3t")}, "WARN"},
		{"an existing composite key", orderKey, `{"orderId": 1, "at": "s3cr3t"}`, &types.ConditionalCheckFailedException{Message: aws.String("s3cr3t")}, "WARN"},
		{"a failed write", idKey, `{"items": [{"id": "s3cr3t-1"}, {"id": "s3cr3t-2"}]}`, &types.InternalServerError{Message: aws.String("s3cr3t")}, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := &Writer{Client: &stubClient{err: tt.dynamoDB}, Table: "t", Key: tt.key, Log: slog.New(slog.NewJSONHandler(&buf, nil))}
			ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
			_, _ = w.Handle(ctx, []byte(tt.event))

			var line struct{ Level, RequestID string }
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil || strings.Count(buf.String(), "\n") != 1 {
				t.Fatalf("want one JSON log line, got %q (%v)", buf.String(), err)
			}
			if line.RequestID != "req-42" || line.Level != tt.level {
				t.Errorf("log line %s, want requestId req-42 and level %s", buf.String(), tt.level)
			}
			if strings.Contains(buf.String(), secret) {
				t.Errorf("log line %s contains a key or attribute value", buf.String())
			}
		})
	}
}

// okClient accepts every write and records nothing, so that the benchmark
// measures the writer alone.
type okClient struct{}

func (okClient) PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return &dynamodb.PutItemOutput{}, nil
}

func (okClient) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// BenchmarkHandle is one invocation with the reference payload, logging
// included, without the network.
func BenchmarkHandle(b *testing.B) {
	w := &Writer{Client: okClient{}, Table: "t", Key: idKey, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
	event := json.RawMessage(`{ "id": "1" }`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Handle(ctx, event); err != nil {
			b.Fatal(err)
		}
	}
}
