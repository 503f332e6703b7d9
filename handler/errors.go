package handler

import (
	"fmt"
	"strconv"
	"strings"
)

// The handler returns these types unwrapped: aws-lambda-go reports the Go type
// name of the returned error as errorType, so a wrapper would hide them.

// InvalidEventError reports an event the writer rejects before any call to
// DynamoDB, so nothing was written. Its message never quotes attribute values,
// so it is safe to log.
type InvalidEventError struct {
	// Field names the offending part of the event: "event", a key attribute
	// such as "orderId", "items", "items[2]", "items[2].orderId" or another
	// attribute such as "items[2].tags".
	Field string
	// Problem says what is wrong and what is allowed.
	Problem string
}

// Error names the field, then the problem.
func (e *InvalidEventError) Error() string {
	return e.Field + ": " + e.Problem
}

// ItemExistsError reports that items with these keys are already in the
// table. The writer never replaces an item, so nothing from the event was
// written: not even the other items of a batch.
type ItemExistsError struct {
	// Keys are the keys of the event's items that are already in the table,
	// as text, as in [Result].
	Keys []string
}

// Error names the keys that exist.
func (e *ItemExistsError) Error() string {
	quoted := make([]string, len(e.Keys))
	for i, key := range e.Keys {
		quoted[i] = strconv.Quote(key)
	}
	subject, verb := "item", "exists"
	if len(e.Keys) > 1 {
		subject, verb = "items", "exist"
	}
	return fmt.Sprintf("%s %s already %s in the table; nothing was written, because the writer never replaces an item",
		subject, strings.Join(quoted, ", "), verb)
}

// WriteError reports a write that DynamoDB refused, after the SDK's retries,
// or that did not finish before the Lambda deadline. When the deadline cut a
// write short, DynamoDB may still have applied it; sending the event again is
// safe, because the writer then answers with an [ItemExistsError] instead of
// writing twice.
type WriteError struct {
	// Table is the table the writer tried to write to.
	Table string
	// Err is the SDK's error; errors.Is finds context.DeadlineExceeded in it.
	Err error
}

// Error names the table and the SDK's error.
func (e *WriteError) Error() string {
	return fmt.Sprintf("write to table %q failed: %v", e.Table, e.Err)
}

// Unwrap returns the SDK's error.
func (e *WriteError) Unwrap() error {
	return e.Err
}
