module example.com/outside

go 1.26.0

require (
	github.com/awslabs/goformation/v7 v7.14.9
	github.com/dynamodb-sse-cmk/stack v0.0.0
)

require gopkg.in/yaml.v3 v3.0.1 // indirect

replace github.com/dynamodb-sse-cmk/stack => ../../..
