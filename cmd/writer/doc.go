// Command writer is the Lambda function the template deploys as bootstrap on
// provided.al2023: it builds one DynamoDB client at init and serves
// [handler.Writer] through the Lambda runtime API.
//
// Environment, as the template sets it: TABLE_NAME names the table;
// PARTITION_KEY and PARTITION_KEY_TYPE (S, N or B) name and type its
// partition key; SORT_KEY and SORT_KEY_TYPE, both or neither, its sort key
// ([handler.KeySchemaFromEnv]). A missing or bad value fails init. AWS_REGION
// and the credentials come from Lambda; AWS_ENDPOINT_URL_DYNAMODB, when set,
// points the client elsewhere, as the emulator tests do.
//
// Build it with `make build`, which writes build/writer-<architecture>/bootstrap.
package main
