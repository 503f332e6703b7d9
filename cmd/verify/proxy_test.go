package main

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// accountProxy stands between verify and moto as an AWS account's API stands
// from a laptop or a CI runner: each request takes delay longer, and a
// service with more than limit requests in flight sheds the rest with HTTP
// 503 and an error body in the service's own protocol, as AWS sheds bursts.
// It counts what it served and what it shed.
type accountProxy struct {
	moto     *httputil.ReverseProxy
	delay    time.Duration
	limit    int
	mu       sync.Mutex
	inFlight map[string]int
	requests atomic.Int64
	shed     atomic.Int64
}

// newAccountProxy starts a proxy in front of the moto at endpoint and gives
// its URL; it stops when the test ends.
func newAccountProxy(t testing.TB, endpoint string, delay time.Duration, limit int) (*accountProxy, string) {
	t.Helper()
	target, err := url.Parse(endpoint)
	check(t, err)
	p := &accountProxy{moto: httputil.NewSingleHostReverseProxy(target), delay: delay, limit: limit, inFlight: map[string]int{}}
	server := httptest.NewServer(p)
	t.Cleanup(server.Close)
	return p, server.URL
}

func (p *accountProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service := serviceOf(r)
	p.mu.Lock()
	p.inFlight[service]++
	overLimit := p.inFlight[service] > p.limit
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inFlight[service]--
		p.mu.Unlock()
	}()
	p.requests.Add(1)
	time.Sleep(p.delay)
	if overLimit {
		p.shed.Add(1)
		shedLoad(w, r, service)
		return
	}
	p.moto.ServeHTTP(w, r)
}

// serviceOf names the service a request is for: the service of its SigV4
// credential scope, Credential=KEY/DATE/REGION/SERVICE/aws4_request, else
// the prefix of its X-Amz-Target (TrentService.DescribeKey).
func serviceOf(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if _, credential, ok := strings.Cut(auth, "Credential="); ok {
		if scope := strings.Split(strings.SplitN(credential, ",", 2)[0], "/"); len(scope) == 5 {
			return scope[3]
		}
	}
	service, _, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	return service
}

// shedLoad answers 503 as each protocol writes an error: JSON with __type
// (DynamoDB, KMS), REST-JSON with X-Amzn-ErrorType (Lambda), S3's own XML,
// and the query protocol's ErrorResponse (IAM, CloudFormation).
func shedLoad(w http.ResponseWriter, r *http.Request, service string) {
	const message = "The service is unavailable: too many requests in flight"
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"__type": "ServiceUnavailableException", "message": "` + message + `"}`))
	case service == "lambda":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "ServiceException")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"Type": "Service", "Message": "` + message + `"}`))
	case service == "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`))
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>` + message + `</Message></Error><RequestId>shed</RequestId></ErrorResponse>`))
	}
}
