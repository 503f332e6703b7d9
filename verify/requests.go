package verify

import (
	"io"
	"net/http"
	"sync"
)

// InFlightPerService is how many requests verify sends one service at a
// time. Its checks run at once, so that an account's latency is paid once
// per round of requests rather than once per request; AWS throttles bursts,
// so each service gets a bounded share, and what it throttles anyway the
// SDK's retryer sends again.
const InFlightPerService = 8

// MaxAttempts is how often verify sends a request the service throttled or
// failed with a 5xx. verify sends hundreds of requests at once, where the
// SDK's default of 3 attempts suits a program that sends a few; the
// retryer's backoff grows to 20 s between attempts.
const MaxAttempts = 10

// httpClient is what the SDK's clients send requests through.
type httpClient interface {
	Do(*http.Request) (*http.Response, error)
}

// bounded lets at most InFlightPerService requests through next at a time. A
// request holds its slot until its answer's body is closed, when the
// service has sent all of it: the SDK closes it once it has read it.
func bounded(next httpClient) httpClient {
	return boundedClient{next: next, slots: make(chan struct{}, InFlightPerService)}
}

type boundedClient struct {
	next  httpClient
	slots chan struct{}
}

func (c boundedClient) Do(r *http.Request) (*http.Response, error) {
	select {
	case c.slots <- struct{}{}:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	resp, err := c.next.Do(r)
	if err != nil || resp.Body == nil {
		<-c.slots
		return resp, err
	}
	resp.Body = &slotBody{ReadCloser: resp.Body, free: sync.OnceFunc(func() { <-c.slots })}
	return resp, nil
}

// slotBody frees its request's slot when closed.
type slotBody struct {
	io.ReadCloser
	free func()
}

func (b *slotBody) Close() error {
	defer b.free()
	return b.ReadCloser.Close()
}
