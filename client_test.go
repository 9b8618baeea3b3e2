package mesh

// Client itself: NewClient and what it refuses, its options, then the call loop as a
// caller sees it: per-call options, WithResponse, and the story a failed call's error tells.

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --- construction and options ---

// answersOK is a transport that shows each request to see, then answers okBody.
func answersOK(see func(*http.Request)) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		see(r)
		return respond(http.StatusOK, []byte(okBody), "Content-Type", "application/json")(r)
	})
}

// refuse calls NewClient, which must fail without panicking, return no client, and name
// each of want (case-insensitive) in one error that never shows secret.
func refuse(t *testing.T, id, secret string, opts []Option, want ...string) {
	t.Helper()
	var (
		c   *Client
		err error
	)
	require.NotPanics(t, func() { c, err = NewClient(id, secret, opts...) })
	require.Error(t, err)
	assert.Nil(t, c, "a refused configuration returned a client")
	msg := strings.ToLower(err.Error())
	for _, w := range want {
		assert.Contains(t, msg, strings.ToLower(w))
	}
	assert.True(t, strings.HasPrefix(err.Error(), "mesh: "), "%q", err)
	assertShortLine(t, err.Error(), 2000, "NewClient's error")
	// No form of the secret shows, nor of any line of it: a quote could split it there.
	if secret = strings.TrimSpace(secret); secret != "" {
		for _, line := range strings.Split(secret, "\n") {
			for _, form := range secretForms(line) {
				assertErrorHidesSecret(t, err, form)
			}
		}
	}
}

// NewClient refuses a bad configuration, naming every problem in one error (so that a
// deployment is fixed in one go), never the secret, wherever it sits.
func TestNewClientRefuses(t *testing.T) {
	id, sec := testClientID, testSecret
	o := func(opts ...Option) []Option { return opts }
	w := func(want ...string) []string { return want }
	tests := []struct {
		name, id, secret string
		opts             []Option
		want             []string
	}{
		{"empty id", "", sec, nil, w("client id is empty")},
		{"blank id", " \t ", sec, nil, w("client id is empty")},
		{"empty secret", id, "", nil, w("client secret is empty")},
		{"blank secret", id, "\n\t ", nil, w("client secret is empty")},
		{"both empty", "", "", nil, w("client id is empty", "client secret is empty")},
		{"id with a leading space", " " + id, sec, nil, w("client id", "trim")},
		{"id with a trailing newline", id + "\n", sec, nil, w("client id", "trim")},
		{"secret read from a file", id, sec + "\n", nil, w("client secret", "trim")},
		{"secret with CRLF", id, sec + "\r\n", nil, w("client secret", "trim")},
		{"secret with a leading tab", id, "\t" + sec, nil, w("client secret", "trim")},
		{"newline inside the id", "client\nX-Evil: 1", sec, nil, w("client id", "header")},
		{"NUL inside the id", "client\x00id", sec, nil, w("client id", "header")},
		{"CR inside the secret", id, "sk_live\rX-Evil: 1", nil, w("client secret", "header")},
		{"newline inside the secret", id, sec[:17] + "\n" + sec[17:], nil, w("client secret", "header")},
		{"DEL inside the secret", id, "sk_live\x7fabc", nil, w("client secret", "header")},
		{"secret as the id", sec, sec, nil, w("client id is the client secret")},
		{"secret as the id, with a newline", sec + "\n", sec, nil, w("client id is the client secret", "trim")},
		// A secret is printable ASCII without spaces: anything else is a paste gone wrong,
		// and an echo of it could come back escaped or split past the redactor.
		{"secret with a space", id, "sk_live two", nil, w("printable ASCII")},
		{"secret with a tab", id, "sk_live\ttab", nil, w("printable ASCII")},
		{"secret not UTF-8", id, "sk_\xff\xfe-invalid", nil, w("printable ASCII")},
		{"secret with letters outside ASCII", id, "sk_ünïcødé", nil, w("printable ASCII")},
		{"secret with a no-break space", id, "sk_live\u00a0nbsp", nil, w("printable ASCII")},
		{"secret with a zero-width space", id, "sk_live\u200bzero-width", nil, w("printable ASCII")},
		{"secret starting outside ASCII", id, "ésk_live", nil, w("printable ASCII")},
		{"unknown environment", id, sec, o(WithEnvironment("staging")), w(`unknown environment "staging"`)},
		{"zero environment", id, sec, o(WithEnvironment("")), w("unknown environment")},
		{"environment in another case", id, sec, o(WithEnvironment("SANDBOX")), w("unknown environment")},
		{"nil http client", id, sec, o(WithHTTPClient(nil)), w("WithHTTPClient")},
		{"negative timeout", id, sec, o(WithTimeout(-time.Nanosecond)), w("WithTimeout", "negative")},
		{"most negative timeout", id, sec, o(WithTimeout(math.MinInt64)), w("WithTimeout", "negative")},
		{"negative MaxRetries", id, sec, o(WithRetry(RetryPolicy{MaxRetries: -1})), w("WithRetry", "negative")},
		{"negative MinWait", id, sec, o(WithRetry(RetryPolicy{MaxRetries: 1, MinWait: -time.Millisecond})), w("WithRetry", "negative")},
		{"negative MaxWait", id, sec, o(WithRetry(RetryPolicy{MaxRetries: 1, MaxWait: -time.Millisecond})), w("WithRetry", "negative")},
		{"MaxRetries 11", id, sec, o(WithRetry(RetryPolicy{MaxRetries: 11})), w("MaxRetries 11 is above 10")},
		{"MaxRetries huge", id, sec, o(WithRetry(RetryPolicy{MaxRetries: math.MaxInt})), w("MaxRetries")},
		{"MinWait above MaxWait", id, sec, o(WithRetry(RetryPolicy{MaxRetries: 1, MinWait: 2 * time.Second, MaxWait: time.Second})), w("MinWait 2s is above MaxWait 1s")},
		// Zeros mean the defaults (500 ms, 5 s) before the comparison.
		{"MinWait above the default MaxWait", id, sec, o(WithRetry(RetryPolicy{MaxRetries: 1, MinWait: 10 * time.Second})), w("MinWait 10s is above MaxWait 5s")},
		{"MaxWait below the default MinWait", id, sec, o(WithRetry(RetryPolicy{MaxRetries: 1, MaxWait: 100 * time.Millisecond})), w("MinWait 500ms is above MaxWait 100ms")},
		{"user agent with a newline", id, sec, o(WithUserAgent("acme/1.0\nX-Evil: 1")), w("WithUserAgent")},
		{"user agent with a CR", id, sec, o(WithUserAgent("acme\r")), w("WithUserAgent")},
		{"user agent with a NUL", id, sec, o(WithUserAgent("acme\x00")), w("WithUserAgent")},
		{"base URL empty", id, sec, o(WithBaseURL("")), w("base URL", "not absolute")},
		{"base URL relative path", id, sec, o(WithBaseURL("/api")), w("base URL", "not absolute")},
		{"base URL host without scheme", id, sec, o(WithBaseURL("integration-api.meshconnect.com")), w("base URL", "not absolute")},
		{"base URL scheme without host", id, sec, o(WithBaseURL("https://")), w("base URL", "not absolute")},
		{"base URL port without host", id, sec, o(WithBaseURL("https://:443")), w("base URL", "not absolute")},
		{"base URL opaque", id, sec, o(WithBaseURL("https:mesh.test")), w("base URL", "not absolute")},
		{"base URL does not parse", id, sec, o(WithBaseURL("https://[::1")), w("base URL", "does not parse")},
		{"base URL user and password", id, sec, o(WithBaseURL("https://user:pass@mesh.test")), w("base URL", "user information")},
		{"base URL user only", id, sec, o(WithBaseURL("https://user@mesh.test")), w("base URL", "user information")},
		{"base URL query", id, sec, o(WithBaseURL("https://mesh.test/?a=b")), w("base URL", "query or fragment")},
		{"base URL fragment", id, sec, o(WithBaseURL("https://mesh.test/#x")), w("base URL", "query or fragment")},
		{"base URL empty query", id, sec, o(WithBaseURL("https://mesh.test?")), w("base URL", "query or fragment")},
		{"base URL empty query after a path", id, sec, o(WithBaseURL("https://mesh.test/api?")), w("base URL", "query or fragment")},
		{"base URL empty fragment", id, sec, o(WithBaseURL("https://mesh.test#")), w("base URL", "query or fragment")},
		{"base URL empty fragment on loopback", id, sec, o(WithBaseURL("http://127.0.0.1:8080/#")), w("base URL", "query or fragment")},
		{"base URL ftp", id, sec, o(WithBaseURL("ftp://mesh.test")), w("base URL", `scheme "ftp"`)},
		{"base URL ws to loopback", id, sec, o(WithBaseURL("ws://127.0.0.1")), w("base URL", `scheme "ws"`)},
		{"base URL http to a name", id, sec, o(WithBaseURL("http://example.com")), w("base URL", "not loopback")},
		{"base URL http to a look-alike of 127.0.0.1", id, sec, o(WithBaseURL("http://127.0.0.1.nip.io")), w("base URL", "not loopback")},
		{"base URL http to a look-alike of localhost", id, sec, o(WithBaseURL("http://localhost.example.com")), w("base URL", "not loopback")},
		{"base URL http to a private address", id, sec, o(WithBaseURL("http://10.0.0.1")), w("base URL", "not loopback")},
		{"base URL http to 0.0.0.0", id, sec, o(WithBaseURL("http://0.0.0.0:8080")), w("base URL", "not loopback")},
		{"base URL http to [::]", id, sec, o(WithBaseURL("http://[::]")), w("base URL", "not loopback")},
		{"base URL http next to 127/8", id, sec, o(WithBaseURL("http://128.0.0.1")), w("base URL", "not loopback")},
		{"base URL http to 127.1", id, sec, o(WithBaseURL("http://127.1")), w("base URL", "not loopback")},
		{"base URL http to 127.0.0.1 in hex", id, sec, o(WithBaseURL("http://0x7f000001")), w("base URL", "not loopback")},
		{"base URL http to 127.0.0.1 as one number", id, sec, o(WithBaseURL("http://2130706433")), w("base URL", "not loopback")},
		{"base URL http to localhost.localdomain", id, sec, o(WithBaseURL("http://localhost.localdomain")), w("base URL", "not loopback")},
		{"every problem at once", " " + id, sec + "\n", o(WithBaseURL("http://10.0.0.1"), WithHTTPClient(nil), WithTimeout(-time.Second),
			WithRetry(RetryPolicy{MaxRetries: 11}), WithUserAgent("acme\n")), w("client id has leading or trailing white space",
			"client secret has leading or trailing white space", "not loopback", "WithHTTPClient", "WithTimeout", "MaxRetries 11", "WithUserAgent")},
		{"every problem at once, credentials empty", "", "", o(WithEnvironment("staging"), WithRetry(RetryPolicy{MinWait: -1})),
			w("client id is empty", "client secret is empty", "unknown environment", "WithRetry")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refuse(t, tc.id, tc.secret, tc.opts, tc.want...)
		})
	}
	for i, s := range unusualSecrets {
		t.Run("secret "+strconv.Itoa(i)+" inside the environment name and the user agent", func(t *testing.T) {
			refuse(t, id, s, o(WithEnvironment(Environment("env-"+s)), WithUserAgent("x\r\nX-Client-Secret: "+s)),
				"unknown environment", "WithUserAgent")
		})
	}
	t.Run("both empty: the id is not called the secret", func(t *testing.T) {
		_, err := NewClient("", "")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "is the client secret")
	})
}

// A base URL that carries the secret would put it in every error and log line that
// names the URL: it is refused wherever the secret sits, whatever its shape, and the
// refusal does not quote it.
func TestNewClientRefusesBaseURLContainingSecret(t *testing.T) {
	for place, base := range map[string]string{ // {S} is the secret
		"path": "https://mesh.test/{S}", "host": "https://{S}.mesh.test", "password": "https://user:{S}@mesh.test",
		"query": "https://mesh.test/?key={S}", "fragment": "https://mesh.test/#{S}", "plain http to another host": "http://example.com/{S}",
		"ftp host": "ftp://{S}", "a URL that does not parse": "https://[{S}", "the whole URL": "{S}",
	} {
		for i, secret := range unusualSecrets {
			t.Run(place+" "+strconv.Itoa(i), func(t *testing.T) {
				refuse(t, testClientID, secret, []Option{WithBaseURL(strings.ReplaceAll(base, "{S}", secret))}, "base URL contains the client secret")
			})
		}
	}
	// Percent-encoded (one byte is enough) or in another case, it is the same mistake.
	for name, base := range map[string]string{
		"its first byte percent-encoded":          "https://example.com/%73k_live_S3CR3T-5ea36d9-do-not-print",
		"a dash percent-encoded, a path after":    "https://example.com/sk_live_S3CR3T%2D5ea36d9-do-not-print/api",
		"in upper case, as a host may be written": "https://SK_LIVE_S3CR3T-5EA36D9-DO-NOT-PRINT.example.com/",
	} {
		t.Run(name, func(t *testing.T) {
			refuse(t, testClientID, testSecret, []Option{WithBaseURL(base)}, "contains the client secret")
		})
	}
}

// Text that NewClient quotes from its caller is bounded, and cut only after the
// secret was redacted from it: no piece of the secret shows.
func TestNewClientQuotesBoundedInput(t *testing.T) {
	longSecret := strings.Repeat("LongSecretBlock-", 8)
	_, err := NewClient(testClientID, longSecret, WithEnvironment(Environment(longSecret)))
	require.Error(t, err)
	assertNoPieceOfSecret(t, err.Error(), longSecret, "NewClient's error")

	_, err = NewClient(testClientID, testSecret, WithBaseURL("ftp://"+strings.Repeat("a", 100_000)))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 400)
	_, err = NewClient(testClientID, testSecret, WithEnvironment(Environment(strings.Repeat("e", 100_000))))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 400)
}

// A configuration NewClient accepts sends the first call where it says. (Each environment:
// TestResponseUnauthorized; retry policies: TestRetryBackoff; WithTimeout(0):
// TestAttemptDeadline; WithLogger(nil): TestLogNilLogger.)
func TestNewClientAccepts(t *testing.T) {
	base := func(u string) []Option { return []Option{WithBaseURL(u)} }
	retry := func(p RetryPolicy) []Option { return []Option{WithRetry(p)} }
	const prod = "https://integration-api.meshconnect.com"
	tests := []struct {
		name string
		opts []Option
		want string // the base URL the request goes to; "a|b": either
	}{
		{"https", base("https://mesh.test"), "https://mesh.test"},
		{"https with a trailing slash", base("https://mesh.test/"), "https://mesh.test"},
		{"https with a path prefix", base("https://proxy.example.com/mesh"), "https://proxy.example.com/mesh"},
		{"https with a port", base("https://mesh.test:8443"), "https://mesh.test:8443"},
		{"https to a private address", base("https://10.0.0.1"), "https://10.0.0.1"},
		{"https in upper case", base("HTTPS://mesh.test"), "https://mesh.test"},
		{"http to 127.0.0.1", base("http://127.0.0.1:8080"), "http://127.0.0.1:8080"},
		{"http to 127.5.6.7", base("http://127.5.6.7"), "http://127.5.6.7"},
		{"http to [::1]", base("http://[::1]:8080"), "http://[::1]:8080"},
		{"http to localhost", base("http://localhost:8080"), "http://localhost:8080"},
		{"http to LOCALHOST", base("http://LOCALHOST:8080"), "http://localhost:8080|http://LOCALHOST:8080"},
		{"http to LocalHost", base("http://LocalHost"), "http://localhost|http://LocalHost"},
		{"http to localhost.", base("http://localhost.:8080"), "http://localhost:8080|http://localhost.:8080"},
		{"no option: production", nil, prod},
		{"the last environment wins", []Option{WithEnvironment(Sandbox), WithEnvironment(Production)}, prod},
		{"base URL overrides the environment", []Option{WithEnvironment(Sandbox), WithBaseURL(mockBaseURL)}, mockBaseURL},
		{"base URL overrides, either order", []Option{WithBaseURL(mockBaseURL), WithEnvironment("staging")}, mockBaseURL},
		{"nil options are ignored", []Option{nil, WithBaseURL(mockBaseURL), nil}, mockBaseURL},
		{"MinWait up to the default MaxWait", retry(RetryPolicy{MaxRetries: 1, MinWait: 5 * time.Second}), prod},
		{"user agent with a tab", []Option{WithUserAgent("acme/1.0\t(+https://acme.example)")}, prod},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent []string
			hc := &http.Client{Transport: answersOK(func(r *http.Request) { sent = append(sent, r.URL.String()) })}
			c, err := NewClient(testClientID, testSecret, append([]Option{WithHTTPClient(hc)}, tc.opts...)...)
			require.NoError(t, err)
			_, err = c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			require.Len(t, sent, 1)
			base, ok := strings.CutSuffix(sent[0], linkTokenPath)
			assert.True(t, ok, "%s is not the Link token path", sent[0])
			assert.Contains(t, strings.Split(tc.want, "|"), base)
		})
	}
	c, err := NewClient(testClientID, `sk_"quoted"_\and-!#$%&'()*+,./:;<=>?@[]^_{|}~`)
	require.NoError(t, err, "every printable ASCII character is fine in a secret")
	c.CloseIdleConnections()
}

// hc.Timeout limits one attempt unless WithTimeout (or WithCallTimeout) says otherwise,
// and the error names the limit. The server answers late (5 times the short limit) or
// never: which limit applies decides, not how fast the machine is.
func TestWithHTTPClientTimeout(t *testing.T) {
	const short = 20 * time.Millisecond
	never := holdUntilGone
	// It reads the body first, as never: the server notices the client is gone (and
	// cancels r.Context()) only once the request has been read.
	late := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-time.After(5 * short):
			answer(http.StatusOK, okBody)(w, r)
		case <-r.Context().Done():
		}
	}
	tests := []struct {
		name      string
		hcTimeout time.Duration
		opts      []Option
		call      []CallOption
		handler   http.HandlerFunc
		wantLimit bool // the attempt ends on the limit
	}{
		{"hc.Timeout limits the attempt", short, nil, nil, never, true},
		{"WithTimeout lifts hc.Timeout", short, []Option{WithTimeout(time.Hour)}, nil, late, false},
		{"WithTimeout(0) lifts hc.Timeout", short, []Option{WithTimeout(0)}, nil, late, false},
		{"WithTimeout shortens hc.Timeout", time.Hour, []Option{WithTimeout(short)}, nil, never, true},
		{"WithTimeout without hc.Timeout", 0, []Option{WithTimeout(short)}, nil, never, true},
		{"WithCallTimeout limits one call", 0, nil, []CallOption{WithCallTimeout(short)}, never, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.handler)
			hc := &http.Client{Timeout: tc.hcTimeout, Transport: &http.Transport{}}
			t.Cleanup(hc.CloseIdleConnections)
			c, _ := newTestClient(t, srv.URL, append([]Option{WithHTTPClient(hc), WithRetry(RetryPolicy{})}, tc.opts...)...)

			// The call's own deadline only tells which limit ended the attempt: it is far
			// above the short limit and below the default 30 s.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			lt, err := c.CreateLinkToken(ctx, validRequest(), tc.call...)
			if tc.wantLimit {
				require.Error(t, err)
				assert.Nil(t, lt)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.NoError(t, ctx.Err(), "the call's deadline ended it, not the attempt's limit")
				assert.Contains(t, err.Error(), "per-attempt timeout (20ms)", "the error says which limit")
				var story *CallError
				require.ErrorAs(t, err, &story)
				assert.Equal(t, 1, story.Attempts)
			} else {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
			}
			// A 20 ms limit may end the attempt before a loaded server reads the request.
			assert.LessOrEqual(t, srv.hits.Load(), int32(1))
			assert.Equal(t, tc.hcTimeout, hc.Timeout, "hc was modified")
		})
	}
}

// The limit of one attempt, read where it acts: the deadline of the request's context.
// An &http.Client{} without Timeout keeps the 30 s default; a call's own option, then its
// context's earlier deadline, win over the client's (each limit acting: TestWithHTTPClientTimeout).
func TestAttemptDeadline(t *testing.T) {
	hour := []Option{WithTimeout(time.Hour)}
	tests := []struct {
		name     string
		hc       *http.Client
		opts     []Option
		call     []CallOption
		deadline time.Duration // of the call's context; 0: none
		want     time.Duration // 0: no deadline
	}{
		{"WithHTTPClient(&http.Client{}) keeps the default", &http.Client{}, nil, nil, 0, 30 * time.Second},
		{"WithTimeout(0) lifts the default", &http.Client{}, []Option{WithTimeout(0)}, nil, 0, 0},
		{"WithCallTimeout(0) lifts it for one call", &http.Client{}, hour, []CallOption{WithCallTimeout(0)}, 0, 0},
		{"the caller's earlier deadline comes first", &http.Client{}, hour, nil, time.Minute, time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var left []time.Duration // the time left before each attempt's deadline
			tc.hc.Transport = answersOK(func(r *http.Request) {
				if dl, ok := r.Context().Deadline(); ok {
					left = append(left, time.Until(dl))
				}
			})
			c, _ := newTestClient(t, mockBaseURL, append([]Option{WithHTTPClient(tc.hc)}, tc.opts...)...)
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			_, err := c.CreateLinkToken(ctx, validRequest(), tc.call...)
			require.NoError(t, err)
			if tc.want == 0 {
				assert.Empty(t, left)
				return
			}
			require.Len(t, left, 1)
			assert.LessOrEqual(t, left[0], tc.want)
			assert.Greater(t, left[0], tc.want-5*time.Second)
		})
	}
}

// The caller's *http.Client lends its Transport and nothing else: NewClient and calls
// leave it as it was. (Its jar is never fed: TestNoCookieReplayed; its redirect policy
// never asked: TestRedirectsNotFollowed, which follows every redirect if asked.)
func TestWithHTTPClientNotModified(t *testing.T) {
	srv := newServer(t, sequence(
		answer(http.StatusOK, okBody, "Set-Cookie", "session=abc; Path=/"),
		answer(http.StatusFound, "", "Location", "/elsewhere"),
	))
	jar := &countingJar{}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	checkRedirect := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{Transport: transport, CheckRedirect: checkRedirect, Jar: jar, Timeout: 7 * time.Second}
	unchanged := func(when string) {
		t.Helper()
		assert.Same(t, transport, hc.Transport, "%s: Transport", when)
		assert.Equal(t, reflect.ValueOf(checkRedirect).Pointer(), reflect.ValueOf(hc.CheckRedirect).Pointer(), "%s: CheckRedirect", when)
		assert.Same(t, jar, hc.Jar, "%s: Jar", when)
		assert.Equal(t, 7*time.Second, hc.Timeout, "%s: Timeout", when)
	}

	c, _ := newTestClient(t, srv.URL, WithHTTPClient(hc), WithRetry(RetryPolicy{}))
	unchanged("after NewClient")
	requireLinkToken(t, c)
	_, err := c.CreateLinkToken(context.Background(), validRequest())
	assertOnlySentinel(t, err, ErrUnexpectedResponse)
	unchanged("after calls")
	assert.Zero(t, jar.calls.Load(), "hc.Jar was used")
	assert.EqualValues(t, 2, srv.hits.Load(), "the redirect was followed")
}

// --- the call loop ---

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
	refusal(t, err)
	var invalid *InvalidRequestError
	require.ErrorAs(t, err, &invalid)
	var reasons []string
	for _, p := range invalid.Problems {
		reasons = append(reasons, fmt.Sprintf("%s: %s [%s %d]", p.Field, p.Reason, p.Code, p.Limit))
	}
	assert.Equal(t, []string{
		": WithCallTimeout: negative timeout -1s [out_of_range 0]",
		": WithCallRetry: MaxRetries 11 is above 10 [invalid 0]",
		": WithCallRetry: MinWait 1s is above MaxWait 1ms [invalid 0]",
		": WithResponse: nil *Response (pass &resp) [required 0]",
		"userId: is required: a stable id of the user in your system [required 0]",
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

	// A failure after answers: TestCallErrorTellsTheStory. Here, none came.
	srv.Close()
	resp = Response{}
	_, err = c.Networks(context.Background(), WithResponse(&resp))
	require.Error(t, err)
	assert.Equal(t, 0, resp.StatusCode, "no answer came")
	assert.Nil(t, resp.Header)
	assert.Equal(t, 3, resp.Attempts)
}

// A context that stops the call has its part of the story: TestContextEndsAfterAnAnswer.
func TestCallErrorTellsTheStory(t *testing.T) {
	srv := newServer(t, answer(http.StatusServiceUnavailable, "<html>busy</html>",
		"Content-Type", "text/html; charset=utf-8", "X-Request-Id", "req-1"))
	c, clock := newTestClient(t, srv.URL)

	var resp Response
	_, err := c.CreateLinkToken(context.Background(), validRequest(), WithResponse(&resp))
	assertOnlySentinel(t, err, ErrServerFailure)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "WithResponse reports the last answer")
	assert.Equal(t, "req-1", resp.Header.Get("X-Request-Id"))
	elapsed := clock.Waits()[0] + clock.Waits()[1]
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, elapsed, resp.Elapsed)
	var story *CallError
	require.ErrorAs(t, err, &story)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the last answer's *APIError is reachable")
	assert.Equal(t, 3, story.Attempts)
	assert.Equal(t, elapsed, story.Elapsed)
	assert.Equal(t, apiErr.Error()+", after 3 attempts in "+elapsed.Round(time.Millisecond).String(), err.Error())
	assert.True(t, strings.HasPrefix(err.Error(), "mesh: 503 Service Unavailable: answer is not Mesh's JSON envelope (text/html)"), err.Error())
	assert.Equal(t, 1, strings.Count(err.Error(), "mesh:"), "one prefix: %s", err)

	one, _ := newTestClient(t, srv.URL, WithRetry(RetryPolicy{}))
	_, err = one.CreateLinkToken(context.Background(), validRequest())
	assert.True(t, strings.HasSuffix(err.Error(), ", after 1 attempt in 0s"), err.Error())
}

// A body that does not encode fails the call before anything is sent. (Every request
// type encodes once validated; the call loop still says so rather than send nothing.)
func TestCallRefusesABodyThatDoesNotEncode(t *testing.T) {
	s := newServer(t, answer(http.StatusOK, okBody))
	c, _ := newTestClient(t, s.URL)
	err := c.call(context.Background(), request{method: http.MethodPost, path: "/api/v1/linktoken", body: make(chan int)}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not encode as JSON")
	assert.Zero(t, s.hits.Load())
}
