// Command perinvoke is the writer wired the way the reference's Python is: a
// new DynamoDB client, with a new connection, on every invocation. Only the
// emulator benchmark builds it, to measure what reusing one client per
// sandbox (cmd/writer) saves; it is never deployed.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamodb-sse-cmk/stack/contract"
	"github.com/dynamodb-sse-cmk/stack/handler"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	table := os.Getenv(contract.EnvTableName)
	key, err := handler.KeySchemaFromEnv(os.Getenv)
	if err != nil {
		log.Error("init failed: " + err.Error())
		os.Exit(1)
	}
	lambda.StartHandlerFunc(func(ctx context.Context, event json.RawMessage) (handler.Result, error) {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return handler.Result{}, err
		}
		w := &handler.Writer{Client: dynamodb.NewFromConfig(cfg), Table: table, Key: key, Log: log}
		return w.Handle(ctx, event)
	})
}
