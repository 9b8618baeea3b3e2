package mesh

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ntTrackingTransport counts the requests it passes on and wraps every answer's body
// to record whether it was closed.
type ntTrackingTransport struct {
	next     http.RoundTripper
	requests atomic.Int32
	mu       sync.Mutex
	bodies   []*ntTrackedBody
}

type ntTrackedBody struct {
	io.ReadCloser
	closes atomic.Int32
}

func (b *ntTrackedBody) Close() error {
	b.closes.Add(1)
	return b.ReadCloser.Close()
}

func (t *ntTrackingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	resp, err := t.next.RoundTrip(r)
	if resp != nil && resp.Body != nil {
		b := &ntTrackedBody{ReadCloser: resp.Body}
		resp.Body = b
		t.mu.Lock()
		t.bodies = append(t.bodies, b)
		t.mu.Unlock()
	}
	return resp, err
}

func (t *ntTrackingTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// ntTrackingClient builds a Client on baseURL whose requests go through a tracking
// transport over a real one.
func ntTrackingClient(t testing.TB, baseURL string, opts ...Option) (*Client, *ntTrackingTransport) {
	t.Helper()
	tt := &ntTrackingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(tt.CloseIdleConnections)
	c := newTestClient(t, baseURL, append([]Option{WithHTTPClient(&http.Client{Transport: tt})}, opts...)...)
	return c, tt
}

func TestRetryCounts(t *testing.T) {
	var (
		ok        = ntRespond(200, okBody, "Content-Type", "application/json")
		html503   = ntRespond(503, "<html>Service Unavailable</html>", "Content-Type", "text/html")
		env500    = ntRespond(500, ntEnvelope{Status: StatusServerFailure, Message: "boom"}.String())
		env429    = ntRespond(429, ntEnvelope{Status: StatusTooManyRequest, Message: "slow down"}.String())
		env429At2 = ntRespond(200, ntEnvelope{Status: StatusTooManyRequest}.String())
		env500At2 = ntRespond(200, ntEnvelope{Status: StatusServerFailure}.String())
		resetErr  = errors.New("connection reset by peer (mock)")
		reset     = httpmock.NewErrorResponder(resetErr)
	)
	statusAt := func(code int, s Status) httpmock.Responder {
		return ntRespond(code, ntEnvelope{Status: s, ErrorType: "x", Message: "no"}.String())
	}
	tests := []struct {
		name         string
		policy       RetryPolicy
		answers      []httpmock.Responder
		wantAttempts int
		want         error // nil: success
		wantCause    error
	}{
		{name: "503 twice then ok", policy: fastRetry, answers: []httpmock.Responder{html503, html503, ok}, wantAttempts: 3},
		{name: "429 then ok", policy: fastRetry, answers: []httpmock.Responder{env429, ok}, wantAttempts: 2},
		{name: "tooManyRequest at 200 then ok", policy: fastRetry, answers: []httpmock.Responder{env429At2, ok}, wantAttempts: 2},
		{name: "500 always", policy: fastRetry, answers: []httpmock.Responder{env500}, wantAttempts: fastRetry.MaxRetries + 1, want: ErrServerFailure},
		{name: "serverFailure at 200 always", policy: fastRetry, answers: []httpmock.Responder{env500At2}, wantAttempts: fastRetry.MaxRetries + 1, want: ErrServerFailure},
		{name: "429 always", policy: fastRetry, answers: []httpmock.Responder{env429}, wantAttempts: fastRetry.MaxRetries + 1, want: ErrTooManyRequests},
		{name: "five retries", policy: RetryPolicy{MaxRetries: 5, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}, answers: []httpmock.Responder{html503}, wantAttempts: 6, want: ErrServerFailure},
		{name: "MaxRetries 0", policy: RetryPolicy{}, answers: []httpmock.Responder{html503, ok}, wantAttempts: 1, want: ErrServerFailure},
		{name: "MaxRetries 0 with waits", policy: RetryPolicy{MinWait: time.Millisecond, MaxWait: time.Millisecond}, answers: []httpmock.Responder{env429, ok}, wantAttempts: 1, want: ErrTooManyRequests},
		{name: "400", policy: fastRetry, answers: []httpmock.Responder{statusAt(400, StatusBadRequest), ok}, wantAttempts: 1, want: ErrBadRequest},
		{name: "401", policy: fastRetry, answers: []httpmock.Responder{ntRespond(401, ""), ok}, wantAttempts: 1, want: ErrUnauthorized},
		{name: "403", policy: fastRetry, answers: []httpmock.Responder{statusAt(403, StatusPermissionDenied), ok}, wantAttempts: 1, want: ErrPermissionDenied},
		{name: "404", policy: fastRetry, answers: []httpmock.Responder{statusAt(404, StatusNotFound), ok}, wantAttempts: 1, want: ErrNotFound},
		{name: "409", policy: fastRetry, answers: []httpmock.Responder{statusAt(409, StatusConflict), ok}, wantAttempts: 1, want: ErrConflict},
		{name: "423", policy: fastRetry, answers: []httpmock.Responder{statusAt(423, StatusLocked), ok}, wantAttempts: 1, want: ErrLocked},
		{name: "451", policy: fastRetry, answers: []httpmock.Responder{statusAt(451, StatusUnavailableForLegalReasons), ok}, wantAttempts: 1, want: ErrUnavailableForLegalReasons},
		{name: "badRequest at 200", policy: fastRetry, answers: []httpmock.Responder{statusAt(200, StatusBadRequest), ok}, wantAttempts: 1, want: ErrBadRequest},
		{name: "not JSON at 200", policy: fastRetry, answers: []httpmock.Responder{ntRespond(200, "<html/>"), ok}, wantAttempts: 1, want: ErrUnexpectedResponse},
		{name: "ok without token", policy: fastRetry, answers: []httpmock.Responder{ntRespond(200, `{"status":"ok"}`), ok}, wantAttempts: 1, want: ErrUnexpectedResponse},
		{name: "405", policy: fastRetry, answers: []httpmock.Responder{ntRespond(405, ""), ok}, wantAttempts: 1, want: ErrUnexpectedResponse},
		// A 5xx is retried by its code, whatever its envelope says.
		{name: "badRequest envelope at 503", policy: fastRetry, answers: []httpmock.Responder{statusAt(503, StatusBadRequest)}, wantAttempts: fastRetry.MaxRetries + 1, want: ErrBadRequest},
		{name: "transport error then ok", policy: fastRetry, answers: []httpmock.Responder{reset, ok}, wantAttempts: 2},
		{name: "transport error always", policy: fastRetry, answers: []httpmock.Responder{reset}, wantAttempts: fastRetry.MaxRetries + 1, wantCause: resetErr},
		{name: "transport error, 503, ok", policy: fastRetry, answers: []httpmock.Responder{reset, html503, ok}, wantAttempts: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(tc.policy))
			var n atomic.Int32
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntSequence(&n, tc.answers...))

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.EqualValues(t, tc.wantAttempts, n.Load(), "attempts")
			switch {
			case tc.wantCause != nil:
				assert.Nil(t, lt)
				assert.ErrorIs(t, err, tc.wantCause)
				var apiErr *APIError
				assert.False(t, errors.As(err, &apiErr), "a transport error is not an APIError")
			case tc.want != nil:
				assert.Nil(t, lt)
				ntAssertOnlySentinel(t, err, tc.want)
			default:
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
			}
		})
	}
}

func TestRetryClosedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	c, tt := ntTrackingClient(t, "http://"+addr)
	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	assert.Nil(t, lt)
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.EqualValues(t, fastRetry.MaxRetries+1, tt.requests.Load())
	for _, s := range ntSentinels {
		assert.False(t, errors.Is(err, s), "a refused connection matches %v", s)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var (
		mu    sync.Mutex
		times []time.Time
	)
	srv, _ := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		first := len(times) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, okBody)
	})
	c := newTestClient(t, srv.URL, WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 2 * time.Second}))

	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	require.NoError(t, err)
	assert.Equal(t, testToken, lt.Token)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, times, 2)
	assert.GreaterOrEqual(t, times[1].Sub(times[0]), time.Second, "Retry-After: 1 was not honoured")
}

func TestRetryAfterBeyondMaxWait(t *testing.T) {
	tests := []struct {
		name     string
		code     int
		value    func() string
		min, max time.Duration
	}{
		{name: "seconds at 429", code: 429, value: func() string { return "5" }, min: 5 * time.Second, max: 5 * time.Second},
		{name: "seconds at 503", code: 503, value: func() string { return "120" }, min: 2 * time.Minute, max: 2 * time.Minute},
		{
			name:  "HTTP date at 429",
			code:  429,
			value: func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) },
			min:   time.Second, max: 3 * time.Second,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t) // fastRetry: MaxWait 20 ms
			var n atomic.Int32
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntSequence(&n,
				ntRespond(tc.code, "", "Retry-After", tc.value()),
				ntRespond(200, okBody)))

			start := time.Now()
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Less(t, time.Since(start), 500*time.Millisecond)
			assert.EqualValues(t, 1, n.Load())
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.HTTPStatusCode)
			assert.GreaterOrEqual(t, apiErr.RetryAfter, tc.min)
			assert.LessOrEqual(t, apiErr.RetryAfter, tc.max)
			assert.Contains(t, err.Error(), "retry after")
		})
	}
}

func TestRetryBackoffBounds(t *testing.T) {
	tests := []struct {
		name   string
		policy RetryPolicy
	}{
		{name: "fast", policy: fastRetry},
		{name: "default", policy: DefaultRetryPolicy()},
		{name: "min equals max", policy: RetryPolicy{MaxRetries: 3, MinWait: 10 * time.Millisecond, MaxWait: 10 * time.Millisecond}},
		{name: "odd values", policy: RetryPolicy{MaxRetries: 3, MinWait: 3 * time.Millisecond, MaxWait: 100 * time.Millisecond}},
		{name: "long max", policy: RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 1000 * time.Hour}},
		{name: "one nanosecond", policy: RetryPolicy{MaxRetries: 3, MinWait: 1, MaxWait: time.Second}},
	}
	const draws = 500
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, mockBaseURL, WithRetry(tc.policy))
			p := tc.policy
			prevMean := 0.0
			for n := 0; n <= 70; n++ {
				base := float64(p.MinWait) * math.Pow(2, float64(n))
				lo, hi := ntCapped(base, p.MaxWait), ntCapped(2*base, p.MaxWait)
				sum := 0.0
				distinct := map[time.Duration]bool{}
				for range draws {
					w := c.backoff(n)
					if w < lo || w > hi || w < p.MinWait || w > p.MaxWait {
						t.Fatalf("backoff(%d) = %v, want within [%v, %v] and [MinWait %v, MaxWait %v]", n, w, lo, hi, p.MinWait, p.MaxWait)
					}
					sum += float64(w)
					distinct[w] = true
				}
				mean := sum / draws
				if base < float64(p.MaxWait) && base >= 1000 {
					assert.Greater(t, len(distinct), 1, "backoff(%d) has no jitter", n)
					assert.Greater(t, mean, prevMean, "backoff(%d) does not grow", n)
				}
				prevMean = mean
			}
		})
	}

	t.Run("no wait", func(t *testing.T) {
		c := newTestClient(t, mockBaseURL, WithRetry(RetryPolicy{MaxRetries: 3}))
		for n := range 5 {
			assert.Zero(t, c.backoff(n))
		}
	})
}

// ntCapped is min(f, max) as a Duration, without overflow.
func ntCapped(f float64, max time.Duration) time.Duration {
	if f >= float64(max) {
		return max
	}
	return time.Duration(f)
}

// A MaxWait beyond MaxInt64/2 (about 146 years) makes t+rand.N(t) overflow, and the
// doubling itself overflow into a negative t that rand.N panics on.
func TestRetryBackoffHugeMaxWait(t *testing.T) {
	p := RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Duration(math.MaxInt64)}
	c := newTestClient(t, mockBaseURL, WithRetry(p))
	for n := 0; n <= 70; n++ {
		base := float64(p.MinWait) * math.Pow(2, float64(n))
		lo, hi := ntCapped(base, p.MaxWait), ntCapped(2*base, p.MaxWait)
		for range 100 {
			var w time.Duration
			require.NotPanics(t, func() { w = c.backoff(n) }, "backoff(%d)", n)
			if w < lo || w > hi {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, w, lo, hi)
			}
		}
	}
}

func TestRetryCanceledDuringBackoff(t *testing.T) {
	c, mt := newMockClient(t, WithRetry(RetryPolicy{MaxRetries: 2, MinWait: 5 * time.Second, MaxWait: 10 * time.Second}))
	var n atomic.Int32
	mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntSequence(&n,
		ntRespond(503, ntEnvelope{Status: StatusServerFailure, Message: "down", ErrorHash: "h503"}.String()),
		ntRespond(200, okBody)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(50*time.Millisecond, cancel)

	start := time.Now()
	lt, err := c.CreateLinkToken(ctx, validRequest())
	elapsed := time.Since(start)
	assert.Nil(t, lt)
	require.Error(t, err)
	assert.Less(t, elapsed, time.Second)
	assert.EqualValues(t, 1, n.Load())
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrServerFailure, "the last API error is lost")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "h503", apiErr.ErrorHash)
	assert.NotContains(t, err.Error(), "\n")
}

func TestRetryDeadlineShorterThanWait(t *testing.T) {
	tests := []struct {
		name   string
		policy RetryPolicy
		answer httpmock.Responder
		want   error
	}{
		{
			name:   "back-off longer than the deadline",
			policy: RetryPolicy{MaxRetries: 2, MinWait: 5 * time.Second, MaxWait: 10 * time.Second},
			answer: ntRespond(503, ""),
			want:   ErrServerFailure,
		},
		{
			name:   "Retry-After longer than the deadline",
			policy: RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Second},
			answer: ntRespond(429, "", "Retry-After", "3"),
			want:   ErrTooManyRequests,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(tc.policy))
			var n atomic.Int32
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntSequence(&n, tc.answer, ntRespond(200, okBody)))
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()

			start := time.Now()
			_, err := c.CreateLinkToken(ctx, validRequest())
			assert.Less(t, time.Since(start), 300*time.Millisecond, "slept although the deadline came first")
			assert.EqualValues(t, 1, n.Load())
			ntAssertOnlySentinel(t, err, tc.want)
		})
	}
}

func TestRetryPerAttemptTimeout(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{name: "server stalls before answering", handler: func(w http.ResponseWriter, r *http.Request) { ntStall(r) }},
		{
			name:    "server stalls mid-body",
			handler: ntStallMidBody,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := ntServer(t, tc.handler)
			c := newTestClient(t, srv.URL, WithTimeout(50*time.Millisecond))

			start := time.Now()
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Nil(t, lt)
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.EqualValues(t, fastRetry.MaxRetries+1, hits.Load(), "a timed-out attempt is retried")
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}

	t.Run("a slow attempt then a fast one", func(t *testing.T) {
		var n atomic.Int32
		srv, _ := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				ntStall(r)
				return
			}
			_, _ = io.WriteString(w, okBody)
		})
		c := newTestClient(t, srv.URL, WithTimeout(50*time.Millisecond))
		lt, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, testToken, lt.Token)
		assert.EqualValues(t, 2, n.Load())
	})
}

func TestRetryClosesBodies(t *testing.T) {
	tests := []struct {
		name    string
		answers []func(w http.ResponseWriter)
	}{
		{
			name: "503 twice then ok",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.WriteHeader(503); _, _ = io.WriteString(w, "<html>down</html>") },
				func(w http.ResponseWriter) { w.WriteHeader(503); _, _ = io.WriteString(w, "<html>down</html>") },
				func(w http.ResponseWriter) { _, _ = io.WriteString(w, okBody) },
			},
		},
		{
			name: "500 always",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) {
					w.WriteHeader(500)
					_, _ = io.WriteString(w, `{"status":"serverFailure"}`)
				},
			},
		},
		{
			name: "429 then 400",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.WriteHeader(429) },
				func(w http.ResponseWriter) { w.WriteHeader(400); _, _ = io.WriteString(w, `{"status":"badRequest"}`) },
			},
		},
		{
			name: "too large",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { _, _ = w.Write(make([]byte, 2<<20)) },
			},
		},
		{
			name: "redirect",
			answers: []func(w http.ResponseWriter){
				func(w http.ResponseWriter) { w.Header().Set("Location", "/elsewhere"); w.WriteHeader(307) },
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv, _ := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				tc.answers[min(i, len(tc.answers)-1)](w)
			})
			c, tt := ntTrackingClient(t, srv.URL)

			_, _ = c.CreateLinkToken(context.Background(), validRequest())
			tt.mu.Lock()
			defer tt.mu.Unlock()
			require.NotEmpty(t, tt.bodies)
			assert.Len(t, tt.bodies, int(tt.requests.Load()))
			for i, b := range tt.bodies {
				assert.GreaterOrEqual(t, b.closes.Load(), int32(1), "body of attempt %d never closed", i+1)
			}
		})
	}
}
