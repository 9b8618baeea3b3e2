package mesh

// Retries: what is retried, how many attempts, the waits between them, Retry-After and
// the limit of one attempt, on newTestClient's fake clock (waits are read back exactly).

import (
	"context"
	"crypto/tls"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryWhatIsRetried(t *testing.T) {
	envelopeAt := func(code int, s Status) http.HandlerFunc {
		return answer(code, errorBody(s, "someType", "no"))
	}
	tests := []struct {
		name    string
		failure http.HandlerFunc
		retried bool
		want    error // the sentinel; nil for a transport error
		code    int   // HTTPStatusCode of the *APIError
	}{
		{name: "transport failure", failure: hangUp, retried: true},
		{name: "2xx cut short", failure: cutShort, retried: true, want: ErrUnexpectedResponse, code: 200},
		{name: "429 without a body", failure: answer(429, ""), retried: true, want: ErrTooManyRequests, code: 429},
		{name: "429 tooManyRequest", failure: envelopeAt(429, StatusTooManyRequest), retried: true, want: ErrTooManyRequests, code: 429},
		{name: "500 serverFailure", failure: envelopeAt(500, StatusServerFailure), retried: true, want: ErrServerFailure, code: 500},
		{name: "503 without a body", failure: answer(503, ""), retried: true, want: ErrServerFailure, code: 503},
		{name: "599", failure: answer(599, ""), retried: true, want: ErrServerFailure, code: 599},
		{name: "500 HTML", failure: answer(500, "<html>oops</html>", "Content-Type", "text/html"), retried: true, want: ErrServerFailure, code: 500},
		// A 5xx is retried for its code; its envelope's status still names the error.
		{name: "503 with a badRequest envelope", failure: envelopeAt(503, StatusBadRequest), retried: true, want: ErrBadRequest, code: 503},
		{name: "serverFailure at 200", failure: envelopeAt(200, StatusServerFailure), retried: true, want: ErrServerFailure, code: 200},
		{name: "serverFailure at 400", failure: envelopeAt(400, StatusServerFailure), retried: true, want: ErrServerFailure, code: 400},
		{name: "tooManyRequest at 200", failure: envelopeAt(200, StatusTooManyRequest), retried: true, want: ErrTooManyRequests, code: 200},
		{name: "tooManyRequest at 403", failure: envelopeAt(403, StatusTooManyRequest), retried: true, want: ErrTooManyRequests, code: 403},

		{name: "401 without a body", failure: answer(401, ""), want: ErrUnauthorized, code: 401},
		{name: "401 with a serverFailure envelope", failure: envelopeAt(401, StatusServerFailure), want: ErrUnauthorized, code: 401},
		{name: "400 badRequest", failure: envelopeAt(400, StatusBadRequest), want: ErrBadRequest, code: 400},
		{name: "451 unavailableForLegalReasons", failure: envelopeAt(451, StatusUnavailableForLegalReasons), want: ErrUnavailableForLegalReasons, code: 451},
		// A 3xx is never retried, whatever its envelope says (redirects: TestRedirectsNotFollowed).
		{name: "300 with a serverFailure envelope", failure: envelopeAt(300, StatusServerFailure), want: ErrUnexpectedResponse, code: 300},
		{name: "399 with a serverFailure envelope", failure: envelopeAt(399, StatusServerFailure), want: ErrUnexpectedResponse, code: 399},
		{name: "200 not JSON", failure: answer(200, "<html>hello</html>", "Content-Type", "text/html"), want: ErrUnexpectedResponse, code: 200},
		{name: "200 ok without a token", failure: answer(200, `{"status":"ok","content":{}}`), want: ErrUnexpectedResponse, code: 200},
		{name: "200 ok with a token of the wrong type", failure: answer(200, `{"status":"ok","content":{"linkToken":42}}`), want: ErrUnexpectedResponse, code: 200},
		{name: "200 unknown status with a token", failure: answer(200, `{"status":"pending","content":{"linkToken":"`+testToken+`"}}`), want: ErrUnexpectedResponse, code: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.failure)
			c, clock := newTestClient(t, s.URL)
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Nil(t, lt)
			attempts := map[bool]int{false: 1, true: DefaultMaxRetries + 1}[tc.retried]
			assert.EqualValues(t, attempts, s.hits.Load(), "attempts")
			assert.Len(t, clock.Waits(), attempts-1, "waits")
			if tc.want == nil {
				assertTransportError(t, err)
			} else {
				assertOnlySentinel(t, err, tc.want)
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.code, apiErr.HTTPStatusCode)
			}
			if tc.retried { // an answer after the failure is the call's
				s := newServer(t, sequence(tc.failure, answer(200, okBody)))
				c, _ := newTestClient(t, s.URL)
				requireLinkToken(t, c)
				assert.EqualValues(t, 2, s.hits.Load())
			}
		})
	}
}

// A certificate the client refused will be refused again: no retry.
func TestRetryNotOnARefusedCertificate(t *testing.T) {
	srv := startServer(t, answer(200, okBody), nil, true)
	c, clock := newTestClient(t, srv.URL) // the default transport does not trust srv

	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	assert.Nil(t, lt)
	assertTransportError(t, err)
	var certErr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &certErr)
	assert.EqualValues(t, 1, srv.conns.Load(), "handshakes")
	assert.Empty(t, clock.Waits())
}

// assertBackoff checks the waits of one call under p (zeros already filled in): wait
// n (from 1) lies in [t, 2t) with t = MinWait·2ⁿ⁻¹, is capped at MaxWait, and is never
// below MinWait.
func assertBackoff(t *testing.T, p RetryPolicy, waits []time.Duration) {
	t.Helper()
	require.Len(t, waits, p.MaxRetries)
	base := p.MinWait
	for i, w := range waits {
		n := i + 1
		assert.GreaterOrEqual(t, w, p.MinWait, "wait %d below MinWait", n)
		assert.LessOrEqual(t, w, p.MaxWait, "wait %d above MaxWait", n)
		if base < p.MaxWait {
			assert.GreaterOrEqual(t, w, base, "wait %d below MinWait·2^%d", n, n-1)
			assert.Less(t, w, 2*base, "wait %d not below 2·MinWait·2^%d", n, n-1)
			base *= 2
		} else {
			assert.Equal(t, p.MaxWait, w, "wait %d: the cap", n)
		}
	}
}

// A call makes MaxRetries+1 attempts, with the back-off of assertBackoff between them.
func TestRetryBackoff(t *testing.T) {
	const calls = 20 // to see the jitter
	type P = RetryPolicy
	tests := []struct {
		name   string
		policy RetryPolicy // given to WithRetry
		bounds RetryPolicy // what it means
	}{
		{"MaxRetries 0 with waits", P{MinWait: time.Second, MaxWait: 2 * time.Second}, P{}},
		{"default", DefaultRetryPolicy(), DefaultRetryPolicy()},
		{"doubling up to the cap, MaxRetries 10, the most accepted",
			P{MaxRetries: MaxRetriesLimit, MinWait: 100 * time.Millisecond, MaxWait: 3 * time.Second},
			P{MaxRetries: 10, MinWait: 100 * time.Millisecond, MaxWait: 3 * time.Second}},
		{"cap not a power of two of MinWait", P{MaxRetries: 4, MinWait: 300 * time.Millisecond, MaxWait: time.Second},
			P{MaxRetries: 4, MinWait: 300 * time.Millisecond, MaxWait: time.Second}},
		// DEFECT 6: the old SDK read zero waits as zero, and made six requests in 2.5 ms.
		{"MaxRetries 5 and zero waits", P{MaxRetries: 5},
			P{MaxRetries: 5, MinWait: DefaultMinWait, MaxWait: DefaultMaxWait}},
		{"zero MinWait", P{MaxRetries: 3, MaxWait: 900 * time.Millisecond},
			P{MaxRetries: 3, MinWait: DefaultMinWait, MaxWait: 900 * time.Millisecond}},
		{"zero MaxWait", P{MaxRetries: 4, MinWait: 2 * time.Second},
			P{MaxRetries: 4, MinWait: 2 * time.Second, MaxWait: DefaultMaxWait}},
		// No room for jitter: every wait is exactly MaxWait.
		{"MinWait equal to MaxWait", P{MaxRetries: 3, MinWait: time.Second, MaxWait: time.Second},
			P{MaxRetries: 3, MinWait: time.Second, MaxWait: time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, answer(503, ""))
			c, clock := newTestClient(t, s.URL, WithRetry(tc.policy))
			for range calls {
				_, err := c.CreateLinkToken(context.Background(), validRequest())
				assertOnlySentinel(t, err, ErrServerFailure)
			}
			waits := clock.Waits()
			require.Len(t, waits, calls*tc.bounds.MaxRetries)
			assert.EqualValues(t, calls*(tc.bounds.MaxRetries+1), s.hits.Load(), "attempts")
			firsts := map[time.Duration]bool{}
			for i := range calls {
				call := waits[i*tc.bounds.MaxRetries : (i+1)*tc.bounds.MaxRetries]
				assertBackoff(t, tc.bounds, call)
				if len(call) > 0 {
					firsts[call[0]] = true
				}
			}
			if tc.bounds.MaxRetries > 0 && tc.bounds.MinWait < tc.bounds.MaxWait {
				assert.Greater(t, len(firsts), 1, "the first wait has no jitter: %v", waits[0])
			}
		})
	}
}

// Retry-After within MaxWait is the wait (never below the back-off); beyond it, the call
// ends at once with RetryAfter set, for the caller to decide whether to wait that long.
// Each client's clock is an hour behind the machine's, on a whole second: a date read
// against the machine's clock would be an hour in the past.
func TestRetryAfter(t *testing.T) {
	type P = RetryPolicy
	def := DefaultRetryPolicy()
	secs := func(v string) func(time.Time) string { return func(time.Time) string { return v } }
	date := func(d time.Duration) func(time.Time) string {
		return func(now time.Time) string { return now.Add(d).Format(http.TimeFormat) }
	}
	const backoffMax = 2*DefaultMinWait - 1
	tests := []struct {
		name       string
		policy     RetryPolicy
		code       int
		retryAfter func(now time.Time) string
		min, max   time.Duration // of the wait; min is RetryAfter when beyond is set
		beyond     error         // the call's error when Retry-After is beyond MaxWait
	}{
		{"seconds above the back-off", def, 429, secs("2"), 2 * time.Second, 2 * time.Second, nil},
		{"seconds equal to MaxWait", def, 503, secs("5"), 5 * time.Second, 5 * time.Second, nil},
		{"seconds below the back-off", P{MaxRetries: 1, MinWait: 3 * time.Second, MaxWait: 5 * time.Second}, 429, secs("1"),
			3 * time.Second, 5 * time.Second, nil},
		{"zero: the back-off", def, 429, secs("0"), DefaultMinWait, backoffMax, nil},
		{"unreadable: the back-off", def, 503, secs("soon"), DefaultMinWait, backoffMax, nil},
		{"HTTP date", def, 503, date(4 * time.Second), 4 * time.Second, 4 * time.Second, nil},
		{"HTTP date in the past: the back-off", def, 429, date(-time.Minute), DefaultMinWait, backoffMax, nil},
		{"beyond: 6 s at 429, MaxWait 5 s", def, 429, secs("6"), 6 * time.Second, 0, ErrTooManyRequests},
		{"beyond: 120 s at 503, MaxWait 5 s", def, 503, secs("120"), 2 * time.Minute, 0, ErrServerFailure},
		{"beyond: 61 s at 429, MaxWait 1 min", P{MaxRetries: 10, MaxWait: time.Minute}, 429, secs("61"), 61 * time.Second, 0,
			ErrTooManyRequests},
		{"beyond: HTTP date", def, 503, date(10 * time.Minute), 10 * time.Minute, 0, ErrServerFailure},
		{"beyond: a date centuries ahead, read as 24 h", def, 503, secs("Fri, 31 Dec 2999 23:59:59 GMT"), 24 * time.Hour, 0,
			ErrServerFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Now().Add(-time.Hour).Truncate(time.Second)}
			sent := tc.retryAfter(clock.now())
			s := newServer(t, sequence(answer(tc.code, "", "Retry-After", sent), answer(200, okBody)))
			c, _ := newTestClient(t, s.URL, WithRetry(tc.policy), clock.option())

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			if tc.beyond != nil {
				assert.Nil(t, lt)
				assertOnlySentinel(t, err, tc.beyond)
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.min, apiErr.RetryAfter, "Retry-After %q", sent)
				assert.Contains(t, err.Error(), "retry after "+tc.min.String())
				assert.EqualValues(t, 1, s.hits.Load(), "attempts")
				assert.Empty(t, clock.Waits())
				return
			}
			require.NoError(t, err, "Retry-After %q", sent)
			assert.Equal(t, testToken, lt.Token)
			assert.EqualValues(t, 2, s.hits.Load())
			require.Len(t, clock.Waits(), 1)
			assert.GreaterOrEqual(t, clock.Waits()[0], tc.min, "Retry-After %q", sent)
			assert.LessOrEqual(t, clock.Waits()[0], tc.max, "Retry-After %q", sent)
		})
	}
}

// testDeadline is a context with a deadline far above any limit a test sets and far
// below go test's 10 minutes: a client that lost its per-attempt limit fails quickly.
func testDeadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// WithTimeout limits one attempt: a timed-out attempt is retried, and the retry's answer
// is the call's. (Attempts that all time out: TestFaultInjection, "no answer within the
// attempt's limit" and "body stalls after the headers".)
func TestRetryAttemptTimeout(t *testing.T) {
	s := newServer(t, sequence(holdUntilGone, answer(200, okBody)))
	// Long enough for an answer on a loaded machine: a later attempt that timed out too
	// would only be retried.
	c, clock := newTestClient(t, s.URL, WithTimeout(250*time.Millisecond))

	lt, err := c.CreateLinkToken(testDeadline(t), validRequest())
	require.NoError(t, err)
	assert.Equal(t, testToken, lt.Token)
	assert.NotEmpty(t, clock.Waits(), "the timed-out attempt was retried")
}
