package mesh

// Tests of Client itself: the call loop as a caller sees it — per-call options, what
// WithResponse reports, and the story a failed call's error tells.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const unavailableBody = `{"status":"serverFailure","message":"try later","errorType":"","errorHash":"e1"}`

func TestCallRetryAppliesToOneCallOnly(t *testing.T) {
	srv := newServer(t, answer(http.StatusServiceUnavailable, unavailableBody))
	c, clock := newTestClient(t, srv.URL) // the default policy: 2 retries

	_, err := c.CreateLinkToken(context.Background(), validRequest(), WithCallRetry(RetryPolicy{}))
	assertOnlySentinel(t, err, ErrServerFailure)
	assert.EqualValues(t, 1, srv.hits.Load(), "RetryPolicy{} disables retrying for this call")

	_, err = c.CreateLinkToken(context.Background(), validRequest(),
		WithCallRetry(RetryPolicy{MaxRetries: 4, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}))
	assertOnlySentinel(t, err, ErrServerFailure)
	assert.EqualValues(t, 1+5, srv.hits.Load(), "4 retries for this call")
	for _, w := range clock.Waits() {
		assert.True(t, w >= time.Millisecond && w <= 2*time.Millisecond, "wait %s outside the call's [1ms, 2ms]", w)
	}

	_, err = c.CreateLinkToken(context.Background(), validRequest())
	assertOnlySentinel(t, err, ErrServerFailure)
	assert.EqualValues(t, 1+5+3, srv.hits.Load(), "the client's own policy is unchanged by the calls before")
}

// deadlineRecorder is a transport that answers 200 with a token and records whether
// each request's context had a deadline, and how far ahead it was.
type deadlineRecorder struct {
	has   []bool
	ahead []time.Duration
}

func (d *deadlineRecorder) client() *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		dl, ok := r.Context().Deadline()
		d.has, d.ahead = append(d.has, ok), append(d.ahead, time.Until(dl))
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       http.NoBody,
			Request:    r,
		}, nil
	})}
}

func TestCallTimeoutLimitsEachAttemptOfOneCall(t *testing.T) {
	rec := &deadlineRecorder{}
	c, _ := newTestClient(t, mockBaseURL, WithHTTPClient(rec.client()), WithTimeout(time.Hour), WithRetry(RetryPolicy{}))
	ctx := context.Background()

	_, _ = c.CreateLinkToken(ctx, validRequest(), WithCallTimeout(time.Minute))
	_, _ = c.CreateLinkToken(ctx, validRequest(), WithCallTimeout(0))
	_, _ = c.CreateLinkToken(ctx, validRequest())
	short, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, _ = c.CreateLinkToken(short, validRequest()) // the caller's deadline comes first

	require.Len(t, rec.has, 4)
	assert.Equal(t, []bool{true, false, true, true}, rec.has)
	assert.True(t, rec.ahead[0] > 0 && rec.ahead[0] <= time.Minute, "WithCallTimeout(1m): the attempt's deadline is %s ahead", rec.ahead[0])
	assert.True(t, rec.ahead[2] > time.Minute && rec.ahead[2] <= time.Hour, "the client's WithTimeout(1h) is back: %s ahead", rec.ahead[2])
	dl, _ := short.Deadline()
	assert.True(t, rec.ahead[3] <= time.Until(dl)+time.Second, "the caller's earlier deadline bounds the attempt")
}

func TestCallTimeoutEndsAnAttemptAndSaysSo(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	c, _ := newTestClient(t, srv.URL, WithRetry(RetryPolicy{}))

	_, err := c.CreateLinkToken(context.Background(), validRequest(), WithCallTimeout(20*time.Millisecond))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "per-attempt timeout (20ms)")
	var story *CallError
	require.ErrorAs(t, err, &story)
	assert.Equal(t, 1, story.Attempts)
}

func TestBadCallOptionsRefuseTheCall(t *testing.T) {
	srv := newServer(t, answer(http.StatusOK, okBody))
	c, _ := newTestClient(t, srv.URL)
	var resp Response
	invalidReq := validRequest()
	invalidReq.UserID = ""

	_, err := c.CreateLinkToken(context.Background(), invalidReq,
		WithCallTimeout(-time.Second),
		WithCallRetry(RetryPolicy{MaxRetries: MaxRetriesLimit + 1}),
		WithCallRetry(RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond}),
		WithResponse(nil),
		nil, // a nil option is skipped
		WithResponse(&resp))
	assertOnlySentinel(t, err, ErrValidation)
	var invalid *InvalidRequestError
	require.ErrorAs(t, err, &invalid)
	var reasons []string
	for _, p := range invalid.Problems {
		reasons = append(reasons, p.Field+": "+p.Reason)
	}
	assert.Equal(t, []string{
		": WithCallTimeout: negative timeout -1s",
		": WithCallRetry: MaxRetries 11 is above 10",
		": WithCallRetry: MinWait 1s is above MaxWait 1ms",
		": WithResponse: nil *Response (pass &resp)",
		"userId: is required: a stable id of the user in your system",
	}, reasons, "the options' problems, then the request's")
	assert.EqualValues(t, 0, srv.hits.Load(), "nothing is sent")
	assert.Equal(t, Response{}, resp, "a refused call made no attempt and had no answer")
}

func TestWithResponseReportsTheLastAnswer(t *testing.T) {
	withHeaders := func(code int, body string) http.HandlerFunc {
		return answer(code, body, "X-Request-Id", "req-"+http.StatusText(code), "Set-Cookie", "session=abc", "X-Echo", testSecret)
	}
	srv := newServer(t, sequence(withHeaders(http.StatusServiceUnavailable, unavailableBody), withHeaders(http.StatusOK, okBody)))
	c, clock := newTestClient(t, srv.URL)

	var resp Response
	lt, err := c.CreateLinkToken(context.Background(), validRequest(), WithResponse(&resp))
	require.NoError(t, err)
	assert.Equal(t, testToken, lt.Token)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "req-OK", resp.Header.Get("X-Request-Id"), "the request id of a success can be logged")
	assert.Empty(t, resp.Header.Values("Set-Cookie"), "a session cookie is a credential")
	assert.Equal(t, redacted, resp.Header.Get("X-Echo"))
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, clock.Waits()[0], resp.Elapsed, "on the fake clock only the back-off takes time")

	resp = Response{}
	_, err = c.CreateLinkToken(context.Background(), validRequest(), WithResponse(&resp), WithCallRetry(RetryPolicy{}))
	require.NoError(t, err) // the sequence repeats its last answer
	assert.Equal(t, 1, resp.Attempts)
}

func TestWithResponseOnFailures(t *testing.T) {
	failing := newServer(t, answer(http.StatusServiceUnavailable, unavailableBody, "X-Request-Id", "req-1"))
	c, clock := newTestClient(t, failing.URL)
	var resp Response
	_, err := c.CreateLinkToken(context.Background(), validRequest(), WithResponse(&resp))
	assertOnlySentinel(t, err, ErrServerFailure)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "req-1", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, clock.Waits()[0]+clock.Waits()[1], resp.Elapsed)

	closed := newServer(t, answer(http.StatusOK, okBody))
	closed.Close()
	c, _ = newTestClient(t, closed.URL)
	resp = Response{}
	_, err = c.Networks(context.Background(), WithResponse(&resp))
	require.Error(t, err)
	assert.Equal(t, 0, resp.StatusCode, "no answer came")
	assert.Nil(t, resp.Header)
	assert.Equal(t, 3, resp.Attempts)
}

func TestCallErrorTellsTheStory(t *testing.T) {
	srv := newServer(t, answer(http.StatusServiceUnavailable, "<html>busy</html>", "Content-Type", "text/html"))
	c, clock := newTestClient(t, srv.URL)

	_, err := c.CreateLinkToken(context.Background(), validRequest())
	assertOnlySentinel(t, err, ErrServerFailure)
	var story *CallError
	require.ErrorAs(t, err, &story)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the last answer's *APIError is reachable")
	assert.Equal(t, 3, story.Attempts)
	elapsed := clock.Waits()[0] + clock.Waits()[1]
	assert.Equal(t, elapsed, story.Elapsed)
	assert.Equal(t, apiErr.Error()+", after 3 attempts in "+elapsed.Round(time.Millisecond).String(), err.Error())
	assert.True(t, strings.HasPrefix(err.Error(), "mesh: 503 Service Unavailable: answer is not Mesh's JSON envelope (text/html)"), err.Error())
	assert.Equal(t, 1, strings.Count(err.Error(), "mesh:"), "one prefix: %s", err)

	one, _ := newTestClient(t, srv.URL, WithRetry(RetryPolicy{}))
	_, err = one.CreateLinkToken(context.Background(), validRequest())
	assert.True(t, strings.HasSuffix(err.Error(), ", after 1 attempt in 0s"), err.Error())
}

func TestCallErrorWhenTheContextStopsTheCall(t *testing.T) {
	srv := newServer(t, answer(http.StatusServiceUnavailable, unavailableBody))
	ctx, cancel := context.WithCancel(context.Background())
	var sleeps atomic.Int32
	c, _ := newTestClient(t, srv.URL, withClock(time.Now, func(context.Context, time.Duration) error {
		sleeps.Add(1)
		cancel() // the caller gives up during the first back-off
		return context.Canceled
	}))

	_, err := c.CreateLinkToken(ctx, validRequest())
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrServerFailure, "the last answer's sentinel is kept")
	assert.EqualValues(t, 1, sleeps.Load())
	assert.Contains(t, err.Error(), ", after 1 attempt in ")
	assert.True(t, strings.HasSuffix(err.Error(), "; stopped by the context: context canceled"), err.Error())
	assert.Equal(t, 1, strings.Count(err.Error(), "mesh:"), "one prefix: %s", err)
	assert.False(t, errors.Is(err, context.DeadlineExceeded))
}
