package mesh

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vtNewClient calls NewClient and checks the contract's shape of its result: exactly
// one of client and error is nil, and the error never holds the secret.
func vtNewClient(t *testing.T, id, secret string, opts ...Option) (*Client, error) {
	t.Helper()
	c, err := NewClient(id, secret, opts...)
	if err != nil {
		assert.Nil(t, c, "a failing NewClient returned a client")
		if strings.TrimSpace(secret) != "" {
			assert.NotContains(t, err.Error(), secret, "error text holds the secret")
		}
		assert.NotContains(t, err.Error(), "\n", "error text is not one line")
	} else {
		require.NotNil(t, c)
		t.Cleanup(c.CloseIdleConnections)
	}
	return c, err
}

// vtMockTransport answers okBody to any request and records the URLs it was sent to.
func vtMockTransport(t *testing.T) (*httpmock.MockTransport, *[]*url.URL) {
	t.Helper()
	var urls []*url.URL
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		urls = append(urls, r.URL)
		resp := httpmock.NewStringResponse(http.StatusOK, okBody)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	return mt, &urls
}

func TestNewClientCredentials(t *testing.T) {
	tests := []struct {
		name, id, secret string
		ok               bool
	}{
		{"valid", testClientID, testSecret, true},
		{"empty id", "", testSecret, false},
		{"blank id", "   ", testSecret, false},
		{"tab-only id", "\t", testSecret, false},
		{"empty secret", testClientID, "", false},
		{"blank secret", testClientID, " \t ", false},
		{"both empty", "", "", false},
		{"newline in id", "client\nX-Evil: 1", testSecret, false},
		{"CR in id", "client\r", testSecret, false},
		{"NUL in id", "client\x00", testSecret, false},
		{"DEL in id", "client\x7f", testSecret, false},
		{"newline in secret", testClientID, testSecret + "\nX-Evil: 1", false},
		{"CR LF in secret", testClientID, testSecret + "\r\n", false},
		{"NUL in secret", testClientID, "sk\x00" + testSecret, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vtNewClient(t, tc.id, tc.secret, WithBaseURL(mockBaseURL))
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestNewClientUserAgentOption(t *testing.T) {
	tests := []struct {
		name, product string
		ok            bool
	}{
		{"empty", "", true},
		{"product", "acme/1.2", true},
		{"product with comment", "acme/1.2 (+https://acme.example)", true},
		{"newline", "acme/1.2\nX-Evil: 1", false},
		{"CR", "acme\r", false},
		{"NUL", "acme\x00", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vtNewClient(t, testClientID, testSecret, WithBaseURL(mockBaseURL), WithUserAgent(tc.product))
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestNewClientBaseURL(t *testing.T) {
	tests := []struct {
		name string
		base string
		ok   bool
	}{
		// Refused whatever the host.
		{"relative", "/api", false},
		{"host without scheme", "integration-api.meshconnect.com", false},
		{"unparsable", "https://[::1", false},
		{"bad port", "https://mesh.test:port", false},
		{"control character", "https://mesh.test/\x00", false},
		{"blank", "   ", false},
		{"no host", "https://", false},
		{"port only", "https://:443", false},
		{"opaque", "https:mesh.test", false},
		{"ftp scheme", "ftp://mesh.test", false},
		{"ws scheme", "ws://127.0.0.1", false},
		{"userinfo", "https://user:pass@mesh.test", false},
		{"user only", "https://user@mesh.test", false},
		{"query", "https://mesh.test/?a=b", false},
		{"fragment", "https://mesh.test/#x", false},
		// https: any host.
		{"https name", "https://mesh.test", true},
		{"https trailing slash", "https://mesh.test/", true},
		{"https path prefix", "https://proxy.example.com/mesh", true},
		{"https port", "https://mesh.test:8443", true},
		{"https private IP", "https://10.0.0.1", true},
		{"https IPv6", "https://[2001:db8::1]:8443", true},
		{"https look-alike loopback name", "https://127.0.0.1.nip.io", true},
		{"https upper-case scheme", "HTTPS://mesh.test", true},
		// http: loopback only.
		{"http 127.0.0.1", "http://127.0.0.1", true},
		{"http 127.0.0.1 with port", "http://127.0.0.1:8080", true},
		{"http 127.9.9.9", "http://127.9.9.9", true},
		{"http [::1]", "http://[::1]", true},
		{"http [::1] with port", "http://[::1]:8080", true},
		{"http localhost", "http://localhost", true},
		{"http LOCALHOST", "http://LOCALHOST", true},
		{"http localhost with port", "http://localhost:8080", true},
		{"http 127.0.0.1.nip.io", "http://127.0.0.1.nip.io", false},
		{"http localhost.example.com", "http://localhost.example.com", false},
		{"http 10.0.0.1", "http://10.0.0.1", false},
		{"http example.com", "http://example.com", false},
		{"http 0.0.0.0", "http://0.0.0.0", false},
		{"http [::]", "http://[::]", false},
		{"http 128.0.0.1", "http://128.0.0.1", false},
		{"http 126.255.255.255", "http://126.255.255.255", false},
		{"http mylocalhost", "http://mylocalhost", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt, urls := vtMockTransport(t)
			c, err := vtNewClient(t, testClientID, testSecret, WithBaseURL(tc.base), WithRetry(RetryPolicy{}),
				WithHTTPClient(&http.Client{Transport: mt}))
			if !tc.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			// An accepted base URL is where the request goes.
			_, err = c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			require.Len(t, *urls, 1)
			assert.Equal(t, strings.ToLower(strings.TrimRight(tc.base, "/"))+"/api/v1/linktoken", strings.ToLower((*urls)[0].String()))
		})
	}
}

// Core bug: WithBaseURL("") is accepted and the client posts to the relative URL
// "/api/v1/linktoken"; a base URL ending in an empty query ("?") or fragment ("#")
// passes the "no query or fragment" check and the request goes to the wrong path.
func TestNewClientBaseURLEmptyPartsRefused(t *testing.T) {
	for _, base := range []string{"", "https://mesh.test?", "https://mesh.test/?", "https://mesh.test#", "http://127.0.0.1:8080/#"} {
		t.Run(base, func(t *testing.T) {
			mt, urls := vtMockTransport(t)
			c, err := vtNewClient(t, testClientID, testSecret, WithBaseURL(base), WithRetry(RetryPolicy{}),
				WithHTTPClient(&http.Client{Transport: mt}))
			if err != nil {
				return // refused: fine
			}
			// Accepted: then the request must at least reach the endpoint.
			_, err = c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			require.Len(t, *urls, 1)
			u := (*urls)[0]
			assert.True(t, u.IsAbs(), "request URL %q is not absolute", u)
			assert.Equal(t, "/api/v1/linktoken", u.Path, "request URL %q", u)
			assert.Empty(t, u.RawQuery, "request URL %q", u)
		})
	}
}

func TestNewClientEnvironment(t *testing.T) {
	tests := []struct {
		name     string
		opts     []Option
		wantHost string
	}{
		{"default is production", nil, "integration-api.meshconnect.com"},
		{"production", []Option{WithEnvironment(Production)}, "integration-api.meshconnect.com"},
		{"sandbox", []Option{WithEnvironment(Sandbox)}, "sandbox-integration-api.meshconnect.com"},
		{"last option wins", []Option{WithEnvironment(Sandbox), WithEnvironment(Production)}, "integration-api.meshconnect.com"},
		{"base URL overrides environment", []Option{WithEnvironment(Sandbox), WithBaseURL(mockBaseURL)}, "mesh.test"},
		{"base URL overrides, either order", []Option{WithBaseURL(mockBaseURL), WithEnvironment(Sandbox)}, "mesh.test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt, urls := vtMockTransport(t)
			opts := append([]Option{WithHTTPClient(&http.Client{Transport: mt})}, tc.opts...)
			c, err := vtNewClient(t, testClientID, testSecret, opts...)
			require.NoError(t, err)
			_, err = c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			require.Len(t, *urls, 1)
			u := (*urls)[0]
			assert.Equal(t, "https", u.Scheme)
			assert.Equal(t, tc.wantHost, u.Host)
			assert.Equal(t, "/api/v1/linktoken", u.Path)
		})
	}
	for _, env := range []Environment{"", "staging", "Production", "SANDBOX"} {
		t.Run("unknown environment "+string(env), func(t *testing.T) {
			_, err := vtNewClient(t, testClientID, testSecret, WithEnvironment(env))
			assert.Error(t, err)
		})
	}
}

func TestNewClientTimeoutAndRetry(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		ok   bool
	}{
		{"timeout zero", WithTimeout(0), true},
		{"timeout positive", WithTimeout(time.Second), true},
		{"timeout negative", WithTimeout(-time.Nanosecond), false},
		{"timeout most negative", WithTimeout(math.MinInt64), false},
		{"retry disabled", WithRetry(RetryPolicy{}), true},
		{"retry fast", WithRetry(fastRetry), true},
		{"retry equal waits", WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}), true},
		{"retry negative count", WithRetry(RetryPolicy{MaxRetries: -1}), false},
		{"retry negative MinWait", WithRetry(RetryPolicy{MaxRetries: 1, MinWait: -time.Millisecond, MaxWait: time.Second}), false},
		{"retry negative MaxWait", WithRetry(RetryPolicy{MaxRetries: 1, MaxWait: -time.Millisecond}), false},
		{"retry MinWait above MaxWait", WithRetry(RetryPolicy{MaxRetries: 1, MinWait: 2 * time.Second, MaxWait: time.Second}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vtNewClient(t, testClientID, testSecret, WithBaseURL(mockBaseURL), tc.opt)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestNewClientHTTPClientOption(t *testing.T) {
	_, err := vtNewClient(t, testClientID, testSecret, WithHTTPClient(nil))
	assert.Error(t, err)
	_, err = vtNewClient(t, testClientID, testSecret, WithHTTPClient(&http.Client{}))
	assert.NoError(t, err, "an http.Client without Transport is usable")
}

func TestNewClientListsEveryProblem(t *testing.T) {
	_, err := vtNewClient(t, "", " ",
		WithBaseURL("ftp://mesh.test"),
		WithTimeout(-time.Second),
		WithRetry(RetryPolicy{MaxRetries: -1}),
		WithHTTPClient(nil),
		WithUserAgent("acme\n"),
	)
	require.Error(t, err)
	msg := strings.ToLower(err.Error())
	for _, want := range []string{"client id", "client secret", "ftp", "timeout", "retry", "httpclient", "useragent"} {
		assert.Contains(t, msg, want)
	}
}

func TestNewClientIgnoresNilOption(t *testing.T) {
	mt, urls := vtMockTransport(t)
	c, err := vtNewClient(t, testClientID, testSecret, nil, WithBaseURL(mockBaseURL), nil,
		WithHTTPClient(&http.Client{Transport: mt}), nil)
	require.NoError(t, err)
	_, err = c.CreateLinkToken(context.Background(), validRequest())
	require.NoError(t, err)
	require.Len(t, *urls, 1)
	assert.Equal(t, mockBaseURL+"/api/v1/linktoken", (*urls)[0].String())
}

func TestNewClientErrorsNeverContainSecret(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		opts   []Option
	}{
		{"bad base URL", testSecret, []Option{WithBaseURL("http://example.com")}},
		{"userinfo", testSecret, []Option{WithBaseURL("https://user:" + testSecret + "@mesh.test")}},
		{"header-breaking secret", testSecret + "\n", nil},
		{"CR in secret", "\r" + testSecret, nil},
		{"other problem", testSecret, []Option{WithBaseURL(mockBaseURL), WithTimeout(-1)}},
		{"many problems", testSecret, []Option{WithEnvironment("staging"), WithRetry(RetryPolicy{MaxRetries: -1}), WithHTTPClient(nil)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(testClientID, tc.secret, tc.opts...)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

// Core bug: NewClient echoes the raw base URL in its error, so a secret written into
// the URL (a userinfo password with a bad port, a query, a path) comes out in the text.
func TestNewClientErrorsRedactSecretInBaseURL(t *testing.T) {
	for _, base := range []string{
		"https://user:" + testSecret + "@mesh.test:port", // does not parse
		"https://mesh.test/?key=" + testSecret,           // query
		"http://example.com/" + testSecret,               // http to a remote host
		"ftp://mesh.test/" + testSecret,                  // scheme
	} {
		t.Run(base, func(t *testing.T) {
			_, err := NewClient(testClientID, testSecret, WithBaseURL(base))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
	// A secret that %q would escape must be redacted before quoting.
	const quoted = `sk_"quoted\secret`
	for _, base := range []string{"http://example.com/" + quoted, "ftp://mesh.test/" + quoted, "mesh.test/" + quoted} {
		t.Run(base, func(t *testing.T) {
			_, err := NewClient(testClientID, quoted, WithBaseURL(base))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "quoted")
		})
	}
}

func TestNewClientNeverPanics(t *testing.T) {
	long := strings.Repeat("x", 1<<16)
	tests := []struct {
		name, id, secret string
		opts             []Option
	}{
		{"no options", testClientID, testSecret, nil},
		{"empty everything", "", "", []Option{nil}},
		{"invalid UTF-8", "\xff\xfe", "\xc3\x28", nil},
		{"huge id and secret", long, long, nil},
		{"empty base URL", testClientID, testSecret, []Option{WithBaseURL("")}},
		{"percent base URL", testClientID, testSecret, []Option{WithBaseURL("%")}},
		{"bracket base URL", testClientID, testSecret, []Option{WithBaseURL("http://[")}},
		{"NUL base URL", testClientID, testSecret, []Option{WithBaseURL("\x00")}},
		{"colon base URL", testClientID, testSecret, []Option{WithBaseURL(":")}},
		{"huge base URL", testClientID, testSecret, []Option{WithBaseURL("https://" + long)}},
		{"empty environment", testClientID, testSecret, []Option{WithEnvironment("")}},
		{"nil http client", testClientID, testSecret, []Option{WithHTTPClient(nil)}},
		{"zero http client", testClientID, testSecret, []Option{WithHTTPClient(&http.Client{})}},
		{"nil logger", testClientID, testSecret, []Option{WithLogger(nil)}},
		{"discarding logger", testClientID, testSecret, []Option{WithLogger(slog.New(slog.DiscardHandler))}},
		{"extreme retry", testClientID, testSecret, []Option{WithRetry(RetryPolicy{MaxRetries: math.MaxInt, MinWait: math.MaxInt64, MaxWait: math.MaxInt64})}},
		{"most negative retry", testClientID, testSecret, []Option{WithRetry(RetryPolicy{MaxRetries: math.MinInt, MinWait: math.MinInt64, MaxWait: math.MinInt64})}},
		{"extreme timeout", testClientID, testSecret, []Option{WithTimeout(math.MaxInt64)}},
		{"huge user agent", testClientID, testSecret, []Option{WithUserAgent(long)}},
		{"user agent of control characters", testClientID, testSecret, []Option{WithUserAgent("\x01\x02")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.NotPanics(t, func() {
				c, err := NewClient(tc.id, tc.secret, tc.opts...)
				assert.True(t, (c == nil) != (err == nil), "want exactly one of client and error, got %v and %v", c, err)
				if c != nil {
					c.CloseIdleConnections()
				}
			})
		})
	}
}
