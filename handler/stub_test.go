package handler

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// stubClient stands in for DynamoDB in unit tests and benchmarks: it records
// every call and answers each with err.
type stubClient struct {
	err error

	mu        sync.Mutex
	puts      []*dynamodb.PutItemInput
	transacts []*dynamodb.TransactWriteItemsInput
}

func (s *stubClient) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts = append(s.puts, in)
	if s.err != nil {
		return nil, s.err
	}
	return &dynamodb.PutItemOutput{}, nil
}

func (s *stubClient) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transacts = append(s.transacts, in)
	if s.err != nil {
		return nil, s.err
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

func (s *stubClient) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.puts) + len(s.transacts)
}
