package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/contract"
	"github.com/dynamodb-sse-cmk/stack/handler"
)

func main() {
	// JSON lines on stdout, which Lambda sends to CloudWatch, with the keys of
	// Lambda's JSON log format (timestamp, level, message). SetDefault also
	// turns the runtime library's own log lines (the error payload of a failed
	// invocation) into JSON.
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: lambdacontext.ReplaceAttr}))
	slog.SetDefault(log)
	w, err := newWriter(context.Background(), os.Getenv)
	if err != nil {
		// Failing init, not each invocation, makes a broken deployment obvious.
		log.Error("init failed: " + err.Error())
		os.Exit(1)
	}
	w.Log = log
	lambda.StartHandlerFunc(w.Handle)
}

// newWriter reads the table and its key schema from the variables the
// template sets, through getenv, then builds the client. The SDK reads its
// own variables, such as AWS_REGION, from the process environment.
func newWriter(ctx context.Context, getenv func(string) string) (*handler.Writer, error) {
	table := getenv(contract.EnvTableName)
	if table == "" {
		return nil, errors.New(contract.EnvTableName + " is not set; it must name the DynamoDB table to write to")
	}
	key, err := handler.KeySchemaFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	client, err := newClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	return &handler.Writer{Client: client, Table: table, Key: key}, nil
}

// newClient builds the sandbox's one DynamoDB client, reused by every
// invocation. Its retryer is the SDK's standard one as the DynamoDB client
// tunes it: up to 4 attempts, backing off with jitter from 1 s after
// throttling and from 25 ms after other retryable errors. Every call stops at
// the deadline of the context it is given, the Lambda deadline in Handle.
func newClient(ctx context.Context) (*dynamodb.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return dynamodb.NewFromConfig(cfg), nil
}
