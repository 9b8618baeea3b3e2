package mesh

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Leak checks: after every kind of call (success, API error, retries, cancellation in
// the middle of a request and of a back-off, every fault of fault_test.go) no
// goroutine is left once the client's idle connections and the server are closed,
// and every response body the transport handed out was closed before the call
// returned.

// TestLeakNoGoroutineLeft makes many calls of every kind, then checks with goleak that
// nothing of them keeps running.
func TestLeakNoGoroutineLeft(t *testing.T) {
	ignore := goleak.IgnoreCurrent() // other tests' leftovers do not count
	s := hdNewFaultServer(t)
	c := newTestClient(t, s.URL, WithRetry(hdRetry(2)), WithTimeout(time.Second))
	ctx := context.Background()

	// Successes, concurrently, over a shared pool.
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 10 {
				if _, err := c.CreateLinkToken(ctx, validRequest()); err != nil {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	require.Zero(t, failures.Load(), "calls that should have succeeded failed")

	// Retries that end well, and API errors that are not retried.
	s.script(hdTooMany("0"), 2)
	_, err := c.CreateLinkToken(ctx, validRequest())
	require.NoError(t, err)
	s.script(hdAnswer(http.StatusBadRequest, `{"status":"badRequest","errorType":"invalidField"}`), -1)
	_, err = c.CreateLinkToken(ctx, validRequest())
	require.ErrorIs(t, err, ErrBadRequest)

	// Cancelled in the middle of a request the server never answers.
	s.script(hdSilent, -1)
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err = c.CreateLinkToken(cctx, validRequest())
	require.ErrorIs(t, err, context.Canceled)

	// Cancelled in the middle of a back-off.
	slow := newTestClient(t, s.URL, WithRetry(RetryPolicy{MaxRetries: 3, MinWait: time.Second, MaxWait: time.Second}))
	s.script(hdAnswer(http.StatusServiceUnavailable, "<html>maintenance</html>", "Content-Type", "text/html"), -1)
	cctx, cancel = context.WithCancel(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = slow.CreateLinkToken(cctx, validRequest())
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, ErrServerFailure, "the last attempt's error is kept")
	require.Less(t, time.Since(start), 500*time.Millisecond, "the back-off ended with the context")
	require.Equal(t, int64(1), s.requests.Load())

	// Every fault, each on its own client as fault_test.go sets it up. Where the case
	// needs no limit, none is set: a cancelled context would make the transport drop
	// the connection, and hide a body the client forgot to close.
	for _, tc := range hdFaultCases(t) {
		fc := newTestClient(t, s.URL, WithRetry(tc.retry), WithTimeout(tc.timeout))
		s.script(tc.fault, -1)
		fctx, cancel := ctx, context.CancelFunc(func() {})
		if tc.deadline > 0 {
			fctx, cancel = context.WithTimeout(ctx, tc.deadline)
		}
		_, err := fc.CreateLinkToken(fctx, validRequest())
		cancel()
		assert.Equal(t, tc.wantToken, err == nil, "%s: %v", tc.name, err)
		fc.CloseIdleConnections()
	}

	// A good call still works after all that.
	s.behave()
	_, err = c.CreateLinkToken(ctx, validRequest())
	require.NoError(t, err)

	// With the server still up, the client alone must let go of everything: a body
	// left open would keep its connection's goroutines running.
	c.CloseIdleConnections()
	slow.CloseIdleConnections()
	goleak.VerifyNone(t, append([]goleak.Option{ignore}, hdIgnoreFaultServer...)...)
	s.Close()
	goleak.VerifyNone(t, ignore)
}

// hdIgnoreFaultServer ignores the goroutines of a running hdFaultServer.
var hdIgnoreFaultServer = []goleak.Option{
	goleak.IgnoreAnyFunction("github.com/mesh-go/mesh.(*hdFaultServer).accept"),
	goleak.IgnoreAnyFunction("github.com/mesh-go/mesh.(*hdFaultServer).serve"),
}

// hdCountingTransport counts the response bodies it hands out and those closed.
type hdCountingTransport struct {
	inner          http.RoundTripper
	opened, closed atomic.Int64
}

func (ct *hdCountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := ct.inner.RoundTrip(r)
	if err == nil && resp != nil && resp.Body != nil {
		ct.opened.Add(1)
		resp.Body = &hdCountingBody{ReadCloser: resp.Body, closed: &ct.closed}
	}
	return resp, err
}

func (ct *hdCountingTransport) CloseIdleConnections() {
	if t, ok := ct.inner.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// hdCountingBody counts its first Close.
type hdCountingBody struct {
	io.ReadCloser
	once   sync.Once
	closed *atomic.Int64
}

func (b *hdCountingBody) Close() error {
	b.once.Do(func() { b.closed.Add(1) })
	return b.ReadCloser.Close()
}

// TestLeakEveryBodyClosed checks, through a counting RoundTripper given with
// WithHTTPClient over a real loopback server, that the client closes every response
// body before the call returns: after successes, API errors, retried answers and
// bodies too large to read.
func TestLeakEveryBodyClosed(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	s := hdNewFaultServer(t)
	for _, tc := range []struct {
		name    string
		fault   hdHandler
		faults  int // answers given by fault before good ones (-1: all)
		retry   RetryPolicy
		timeout time.Duration
		bodies  int64 // answers the transport hands out
		wantErr error // nil: the call succeeds
	}{
		{name: "success", bodies: 1},
		{name: "API error", fault: hdAnswer(http.StatusBadRequest, `{"status":"badRequest","errorType":"missingField"}`), faults: -1, bodies: 1, wantErr: ErrBadRequest},
		{name: "401 without JSON", fault: hdAnswer(http.StatusUnauthorized, "Unauthorized"), faults: -1, bodies: 1, wantErr: ErrUnauthorized},
		{name: "not JSON", fault: hdAnswer(http.StatusOK, "<html>hello</html>", "Content-Type", "text/html"), faults: -1, bodies: 1, wantErr: ErrUnexpectedResponse},
		{name: "redirect not followed", fault: hdAnswer(http.StatusFound, "", "Location", "http://127.0.0.1:1/elsewhere"), faults: -1, bodies: 1, wantErr: ErrUnexpectedResponse},
		{name: "retried 5xx then success", fault: hdAnswer(http.StatusBadGateway, "<html>bad gateway</html>"), faults: 2, retry: hdRetry(2), bodies: 3},
		{name: "429 storm", fault: hdTooMany("0"), faults: -1, retry: hdRetry(2), bodies: 3, wantErr: ErrTooManyRequests},
		{name: "body too large", fault: hdHugeBody(8 * hdMiB), faults: -1, retry: hdRetry(2), bodies: 1, wantErr: ErrUnexpectedResponse},
		{name: "gzip bomb", fault: hdSendGzip(hdBomb()), faults: -1, retry: hdRetry(2), bodies: 1, wantErr: ErrUnexpectedResponse},
		{name: "body cut by a reset, retried", fault: hdResetMidBody, faults: -1, retry: hdRetry(2), bodies: 3, wantErr: ErrUnexpectedResponse},
		{name: "body stalled past the timeout, retried", fault: hdStallBody, faults: -1, retry: hdRetry(1), timeout: 100 * time.Millisecond, bodies: 2, wantErr: context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct := &hdCountingTransport{inner: http.DefaultTransport.(*http.Transport).Clone()}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = time.Second
			}
			c := newTestClient(t, s.URL, WithHTTPClient(&http.Client{Transport: ct}), WithRetry(tc.retry), WithTimeout(timeout))
			s.script(tc.fault, tc.faults)
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
			} else {
				require.ErrorIs(t, err, tc.wantErr)
			}
			assert.Equal(t, tc.bodies, ct.opened.Load(), "answers received")
			assert.Equal(t, ct.opened.Load(), ct.closed.Load(), "every body closed before the call returned")
			c.CloseIdleConnections()
			goleak.VerifyNone(t, append([]goleak.Option{ignore}, hdIgnoreFaultServer...)...)
		})
	}
	s.Close()
	goleak.VerifyNone(t, ignore)
}
