// Command writer is the Lambda function the template deploys as bootstrap on
// provided.al2023: it builds one DynamoDB client at init and serves
// [handler.Writer] through the Lambda runtime API.
//
// Environment: TABLE_NAME (required) names the table. AWS_REGION and the
// credentials come from Lambda; AWS_ENDPOINT_URL_DYNAMODB, when set, points the
// client elsewhere, as the emulator tests do.
//
// Build it with `make build`, which writes build/writer/bootstrap for arm64.
package main
