package mesh

// The context of a call: a call that ends because of its context after an answer
// keeps both causes; a context done before the call sends nothing; a nil context or a
// nil Client is an error, never a panic. Where a context ends is fixed by the test (in
// a handler, in the client's wait), never by a timer.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// expiringCtx is a context with a deadline that passes when the test calls expire, not
// when a clock says: a deadline that a loaded machine cannot move.
type expiringCtx struct {
	context.Context // values only
	deadline        time.Time
	done            chan struct{}
	once            sync.Once
}

func newExpiringCtx(deadline time.Time) *expiringCtx {
	return &expiringCtx{Context: context.Background(), deadline: deadline, done: make(chan struct{})}
}

func (c *expiringCtx) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *expiringCtx) Done() <-chan struct{}       { return c.done }
func (c *expiringCtx) expire()                     { c.once.Do(func() { close(c.done) }) }

func (c *expiringCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// contextEnds are the two ways a call's context ends, when the test calls end: ctx
// makes the context, with deadline when it has one.
var contextEnds = []struct {
	name string
	ctx  func(t *testing.T, deadline time.Time) (ctx context.Context, end func())
	want error
}{
	{"cancelled", func(t *testing.T, _ time.Time) (context.Context, func()) {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		return ctx, cancel
	}, context.Canceled},
	{"deadline passes", func(_ *testing.T, deadline time.Time) (context.Context, func()) {
		ec := newExpiringCtx(deadline)
		return ec, ec.expire
	}, context.DeadlineExceeded},
}

// DEFECT 7: a call that ends because of its context after at least one answer matches
// both the context's error and the last answer's sentinel, in every shape.
func TestContextEndsAfterAnAnswer(t *testing.T) {
	const cancelled, deadline = 0, 1 // in contextEnds
	tooMany := answer(429, errorBody(StatusTooManyRequest, "rateLimited", "slow down"))
	down := answer(503, errorBody(StatusServerFailure, "maintenance", "down"))
	// hold, among a row's answers, ends the call's context while the server holds the request.
	var hold http.HandlerFunc
	type answers = []http.HandlerFunc
	tests := []struct {
		name     string
		end      int
		in       time.Duration // the deadline, from the client's clock; 0: a day
		policy   RetryPolicy   // zero: the default
		answers  answers       // one per attempt
		stopWait int           // the wait during which the context ends (0: none)
		waits    int
		code     int   // of the last answer
		want     error // its sentinel
	}{
		{"cancelled during the back-off wait", cancelled, 0, RetryPolicy{}, answers{down}, 1, 1, 503, ErrServerFailure},
		{"deadline passes during the back-off wait", deadline, 0, RetryPolicy{}, answers{tooMany}, 1, 1, 429, ErrTooManyRequests},
		{"cancelled during the second wait: the last answer counts", cancelled, 0, RetryPolicy{}, answers{down, tooMany}, 2, 2, 429, ErrTooManyRequests},
		{"deadline before Retry-After would let the next attempt start", deadline, time.Minute, RetryPolicy{MaxRetries: 2, MaxWait: 10 * time.Minute},
			answers{answer(503, "", "Retry-After", "120")}, 0, 0, 503, ErrServerFailure},
		{"deadline before the back-off would let the next attempt start", deadline, time.Minute,
			RetryPolicy{MaxRetries: 2, MinWait: 2 * time.Minute, MaxWait: 10 * time.Minute}, answers{tooMany}, 0, 0, 429, ErrTooManyRequests},
		{"cancelled during the second attempt", cancelled, 0, RetryPolicy{}, answers{down, hold}, 0, 1, 503, ErrServerFailure},
		{"deadline passes during the second attempt", deadline, 0, RetryPolicy{}, answers{tooMany, hold}, 0, 1, 429, ErrTooManyRequests},
		// The last attempt: no wait follows it to notice the context.
		{"cancelled during the last attempt, after an answer and a transport failure", cancelled, 0, RetryPolicy{},
			answers{down, hangUp, hold}, 0, 2, 503, ErrServerFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			in := tc.in
			if in == 0 {
				in = 24 * time.Hour
			}
			ctx, stop := contextEnds[tc.end].ctx(t, clock.now().Add(in))
			wantErr := contextEnds[tc.end].want
			hs := slices.Clone(tc.answers)
			for i, h := range hs {
				if h == nil {
					hs[i] = func(w http.ResponseWriter, r *http.Request) {
						stop()
						holdUntilGone(w, r)
					}
				}
			}
			s := newServer(t, sequence(hs...))
			policy := tc.policy
			if policy == (RetryPolicy{}) {
				policy = DefaultRetryPolicy()
			}
			c, _ := newTestClient(t, s.URL, WithRetry(policy), stopInWait(clock, tc.stopWait, stop))

			lt, err := c.CreateLinkToken(ctx, validRequest())
			assert.Nil(t, lt)
			require.Error(t, err)
			assert.ErrorIs(t, err, wantErr, "the context's error")
			assertOnlySentinel(t, err, tc.want)
			var apiErr *APIError
			if assert.ErrorAs(t, err, &apiErr) {
				assert.Equal(t, tc.code, apiErr.HTTPStatusCode, "the last answer")
			}
			hits := len(tc.answers)
			assert.EqualValues(t, hits, s.hits.Load(), "attempts")
			assert.Len(t, clock.Waits(), tc.waits, "waits")
			if tc.end == cancelled {
				assert.NotErrorIs(t, err, context.DeadlineExceeded)
			}
			// The error tells the story: the last answer, the attempts, why the call stopped.
			msg := err.Error()
			plural := map[bool]string{true: "s"}[hits != 1]
			assert.Contains(t, msg, fmt.Sprintf(", after %d attempt%s in ", hits, plural))
			stopped := "; stopped by the context: " + wantErr.Error()
			if tc.in != 0 {
				stopped = "; stopped: the context's deadline leaves no time for another attempt"
			}
			assert.True(t, strings.HasSuffix(msg, stopped), msg)
			assert.Equal(t, 1, strings.Count(msg, "mesh:"), "one prefix: %s", msg)
			assert.NotContains(t, msg, "\n")
			assertNoSecret(t, msg, "error text")
		})
	}
}

// A context that ends during an attempt ends the call at once, and nothing is sent
// again. Before any answer came, the error matches the context's error and no sentinel:
// there is no answer to name. While an answer's body is read (its head came), it
// matches the context's error and the answer's sentinel (a 2xx cut short:
// ErrUnexpectedResponse); so it does when the body is one no context reaches: the
// connection net/http hands over with a 101, passed on as a 200 by the caller's Transport.
func TestContextEndsDuringAnAttempt(t *testing.T) {
	// atHead is a caller's transport that ends the context as soon as the answer's head is in.
	atHead := func(t *testing.T, stop func()) []Option {
		inner := newAs200(t)
		return []Option{WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := inner.RoundTrip(r)
			stop()
			return resp, err
		})})}
	}
	servers := []struct {
		name  string
		start func(t *testing.T, stop func()) (*server, []Option)
		code  int // of the answer whose body was read; 0: none came
	}{
		{"before any answer", func(t *testing.T, stop func()) (*server, []Option) {
			return newServer(t, func(w http.ResponseWriter, r *http.Request) {
				stop()
				holdUntilGone(w, r)
			}), nil
		}, 0},
		{"body stalled", func(t *testing.T, stop func()) (*server, []Option) {
			return newServer(t, stallBody), atHead(t, stop)
		}, http.StatusOK},
		{"101 passed on as a 200, then a trickle", func(t *testing.T, stop func()) (*server, []Option) {
			s := newFaultServer(t)
			s.misbehave(switchingProtocols)
			return s.server, atHead(t, stop)
		}, http.StatusOK},
	}
	for _, srv := range servers {
		for _, end := range contextEnds {
			t.Run(srv.name+", "+end.name, func(t *testing.T) {
				ctx, stop := end.ctx(t, time.Now().Add(24*time.Hour))
				s, opts := srv.start(t, stop)
				c, clock := newTestClient(t, s.URL, opts...)

				var lt *LinkToken
				err := mustReturn(t, func() (err error) {
					lt, err = c.CreateLinkToken(ctx, validRequest())
					return err
				})
				assert.Nil(t, lt)
				assert.ErrorIs(t, err, end.want)
				if srv.code == 0 {
					assertTransportError(t, err)
				} else {
					assertOnlySentinel(t, err, ErrUnexpectedResponse)
					assert.Equal(t, srv.code, asAPIError(t, err).HTTPStatusCode)
				}
				assert.EqualValues(t, 1, s.hits.Load(), "attempts")
				assert.Empty(t, clock.Waits())
			})
		}
	}
}

// A context done before the call, or nil, sends nothing, even on a caller's Transport
// that does not look at the context: a done one's error is the context's, with no
// sentinel; a nil one's says what to pass.
func TestContextDoneOrNilBeforeTheCall(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, cc := range []struct {
		name string
		ctx  context.Context
		want error // nil: the nil context
	}{{"cancelled", cancelled, context.Canceled}, {"deadline passed", expired, context.DeadlineExceeded}, {"nil", nil, nil}} {
		for _, call := range clientCalls {
			t.Run(cc.name+"/"+call.name, func(t *testing.T) {
				var sent atomic.Int32
				blind := roundTripFunc(func(*http.Request) (*http.Response, error) {
					sent.Add(1)
					return httpmock.NewStringResponse(200, call.ok), nil
				})
				c, clock := newTestClient(t, mockBaseURL, WithHTTPClient(&http.Client{Transport: blind}))
				var err error
				require.NotPanics(t, func() { err = call.do(c, cc.ctx) })
				if cc.want == nil {
					require.Error(t, err)
					assert.Contains(t, err.Error(), "context.Background()", "the error says what to pass")
				} else {
					assertTransportError(t, err)
					assert.ErrorIs(t, err, cc.want)
				}
				assert.Zero(t, sent.Load(), "a request was sent")
				assert.Empty(t, clock.Waits())
			})
		}
	}
}

// errOf is the error of a call's two results.
func errOf[T any](_ T, err error) error { return err }

func TestContextNilOrZeroClient(t *testing.T) {
	for _, client := range []struct {
		name string
		c    *Client
	}{{"nil", nil}, {"zero", &Client{}}} {
		t.Run(client.name, func(t *testing.T) {
			for _, call := range clientCalls {
				var err error
				require.NotPanics(t, func() { err = call.do(client.c, context.Background()) }, call.name)
				require.Error(t, err, call.name)
				assert.Contains(t, err.Error(), "NewClient", "%s: the error says how to make a Client", call.name)
			}
			assert.NotPanics(t, client.c.CloseIdleConnections)
			var text string
			require.NotPanics(t, func() { text = client.c.String() })
			assert.Contains(t, text, "mesh.Client")
			require.NotPanics(t, func() { _, _ = client.c.GoString(), client.c.LogValue() })
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				// fmt recovers a panic of a String method, and prints it.
				assert.NotContains(t, fmt.Sprintf(verb, client.c), "PANIC", verb)
			}
		})
	}
}

// The real back-off wait (the fake clock stands in for it everywhere else) ends as
// soon as the context does.
func TestContextEndsTheRealWait(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired := newExpiringCtx(time.Now().Add(time.Hour))
	expired.expire()
	assert.ErrorIs(t, sleep(cancelled, time.Hour), context.Canceled)
	assert.ErrorIs(t, sleep(expired, time.Hour), context.DeadlineExceeded)
	assert.NoError(t, sleep(context.Background(), time.Microsecond))
}
