package mesh

// Leaks: no goroutine left and no body left open after any kind of call. Where a call's
// context ends is fixed by the test, never by a timer.

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Once the client's idle connections and the server are closed, nothing of a call is left
// running; on a counting transport (bodies > 0), every body was closed before it returned.
// DEFECT 9: the old test cancelled after 50 ms, assuming the first attempt had ended by then.
func TestLeak(t *testing.T) {
	down := answer(503, errorBody(StatusServerFailure, "maintenance", "down"))
	downHTML := answer(503, "<html>maintenance</html>", "Content-Type", "text/html")
	good, tooLarge := answer(200, okBody), answer(200, strings.Repeat(" ", 2<<20))
	limited := []Option{WithTimeout(50 * time.Millisecond)}
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		opts     []Option
		stopWait int   // the back-off wait during which the call's context is cancelled (0: none)
		atAnswer bool  // the call's context is cancelled as an answer is handed out
		ownCtx   bool  // the call's context is of the caller's own type, never done
		bodies   int32 // >0: on a counting transport, the answers the call receives
		want     error // nil: success
	}{
		// The context package watches such a context from a goroutine of its own.
		{name: "a context of the caller's own type, without a per-attempt limit", ownCtx: true, handler: good, opts: []Option{WithTimeout(0)}},
		{name: "retries, then success", handler: sequence(down, hangUp, cutShort, good), opts: []Option{WithRetry(RetryPolicy{MaxRetries: 3})}},
		{name: "cancelled during the back-off wait", handler: down, stopWait: 1, want: context.Canceled},
		{name: "attempts time out", handler: holdUntilGone, opts: limited, want: context.DeadlineExceeded},
		{name: "bodies stall past the attempt's limit", handler: stallBody, opts: limited, want: context.DeadlineExceeded},
		{name: "bodies: success", handler: good, bodies: 1},
		{name: "bodies: error answer", handler: answer(404, errorBody(StatusNotFound, "clientNotFound", "no")), bodies: 1, want: ErrNotFound},
		{name: "bodies: 401 that is not JSON", handler: answer(401, "Unauthorized", "Content-Type", "text/plain"), bodies: 1, want: ErrUnauthorized},
		{name: "bodies: redirect not followed", handler: answer(302, "", "Location", "/elsewhere"), bodies: 1, want: ErrUnexpectedResponse},
		{name: "bodies: not JSON", handler: answer(200, "<html>hello</html>", "Content-Type", "text/html"), bodies: 1, want: ErrUnexpectedResponse},
		{name: "bodies: answer too large", handler: tooLarge, bodies: 1, want: ErrUnexpectedResponse},
		{name: "bodies: retried answers, then success", handler: sequence(downHTML, downHTML, good), bodies: 3},
		{name: "bodies: retried answers, exhausted", handler: downHTML, bodies: 3, want: ErrServerFailure},
		{name: "bodies: answers cut short, retried", handler: cutShort, bodies: 3, want: ErrUnexpectedResponse},
		{name: "bodies: cancelled while the body is read", handler: stallBody, atAnswer: true, bodies: 1,
			want: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent() // what other tests left
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := newServer(t, tc.handler)
			clock := newFakeClock()
			opts := append([]Option{stopInWait(clock, tc.stopWait, cancel)}, tc.opts...)
			var counter *bodyCounter
			if tc.bodies > 0 {
				def, ok := http.DefaultTransport.(*http.Transport)
				require.True(t, ok, "http.DefaultTransport was replaced")
				counter = &bodyCounter{next: def.Clone()}
				if tc.atAnswer {
					counter.onAnswer = cancel
				}
				opts = append(opts, WithHTTPClient(&http.Client{Transport: counter}))
			}
			c, _ := newTestClient(t, s.URL, opts...)

			callCtx := context.Context(ctx)
			if tc.ownCtx {
				callCtx = newExpiringCtx(time.Now().Add(time.Hour))
			}
			lt, err := c.CreateLinkToken(callCtx, validRequest())
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
			} else {
				require.ErrorIs(t, err, tc.want)
			}
			if counter != nil {
				assert.Equal(t, tc.bodies, s.hits.Load(), "answers")
				assert.Equal(t, tc.bodies, counter.opened.Load(), "bodies handed out")
				assert.Equal(t, counter.opened.Load(), counter.closed.Load(), "bodies closed before the call returned")
			}

			c.CloseIdleConnections()
			s.Close()
			verifyNoLeak(t, ignore)
		})
	}
}

// verifyNoLeak is goleak.VerifyNone with the patience of a loaded machine: a closed
// connection's goroutines end soon, not at once, and goleak alone gives them about 0.4 s.
func verifyNoLeak(t *testing.T, opts ...goleak.Option) {
	t.Helper()
	var err error
	for range 25 {
		if err = goleak.Find(opts...); err == nil {
			return
		}
	}
	t.Error(err)
}

// bodyCounter is a Transport that counts the bodies it hands out and those closed;
// onAnswer, when set, runs as it hands one out.
type bodyCounter struct {
	next           *http.Transport
	opened, closed atomic.Int32
	onAnswer       func()
}

func (b *bodyCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := b.next.RoundTrip(r)
	if resp != nil && resp.Body != nil {
		b.opened.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, closed: &b.closed}
		if b.onAnswer != nil {
			b.onAnswer()
		}
	}
	return resp, err
}

func (b *bodyCounter) CloseIdleConnections() { b.next.CloseIdleConnections() }

// countedBody counts its first Close.
type countedBody struct {
	io.ReadCloser
	once   sync.Once
	closed *atomic.Int32
}

func (c *countedBody) Close() error {
	c.once.Do(func() { c.closed.Add(1) })
	return c.ReadCloser.Close()
}
