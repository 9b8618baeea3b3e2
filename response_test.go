package mesh

// How every answer is read: it becomes a token, or an *APIError that keeps the server's
// words and matches exactly one sentinel. How its body is read is body_test.go's.

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// respond is an httpmock responder answering code with body and the header pairs
// (name, value, ...), its Request set as a real transport sets it.
func respond(code int, body []byte, header ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(code, body)
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		resp.Request = req
		return resp, nil
	}
}

// mockLinkToken makes one CreateLinkToken call on newMockClient(opts), its Link token
// endpoint answering with r; it returns the token, the requests sent and the error.
func mockLinkToken(t *testing.T, r httpmock.Responder, opts ...Option) (*LinkToken, int, error) {
	t.Helper()
	c, mt, _ := newMockClient(t, opts...)
	mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, r)
	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	return lt, mt.GetTotalCallCount(), err
}

// serverLinkToken is mockLinkToken on an httptest server running h.
func serverLinkToken(t *testing.T, h http.HandlerFunc, opts ...Option) (*LinkToken, int, error) {
	t.Helper()
	srv := newServer(t, h)
	c, _ := newTestClient(t, srv.URL, opts...)
	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	return lt, int(srv.hits.Load()), err
}

// assertTokenOr checks a Link token call: testToken when want is nil, else no token and
// an error matching want and no other sentinel. It reports whether the call failed.
func assertTokenOr(t *testing.T, lt *LinkToken, err, want error) bool {
	t.Helper()
	if want == nil {
		require.NoError(t, err)
		assert.Equal(t, testToken, lt.Token)
		return false
	}
	assert.Nil(t, lt)
	assertOnlySentinel(t, err, want)
	return true
}

// clientCall is the call of clientCalls named name.
func clientCall(name string) func(c *Client, ctx context.Context) error {
	for _, call := range clientCalls {
		if call.name == name {
			return call.do
		}
	}
	panic("no call " + name)
}

// asAPIError returns err as an *APIError, failing the test if it is not one.
func asAPIError(t *testing.T, err error) *APIError {
	t.Helper()
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr
}

// A 401 says what to check, whatever its body and code: TestResponseEveryCodeAndBody; its
// words kept: TestSecretEchoedByHostileServer; not sent again: TestRetryWhatIsRetried.
func TestResponseUnauthorized(t *testing.T) {
	for _, env := range []Environment{Production, Sandbox} {
		t.Run(string(env), func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c, err := NewClient(testClientID, testSecret, WithEnvironment(env), WithHTTPClient(&http.Client{Transport: mt}), newFakeClock().option())
			require.NoError(t, err)
			mt.RegisterResponder(http.MethodPost, env.BaseURL()+linkTokenPath,
				respond(http.StatusUnauthorized, []byte(errorBody(StatusPermissionDenied, "invalidCredentials", "Invalid client credentials")), "Content-Type", "application/json"))

			_, err = c.CreateLinkToken(context.Background(), validRequest())
			assertOnlySentinel(t, err, ErrUnauthorized)
			lower := strings.ToLower(err.Error())
			for _, want := range []string{"401", "client id", "secret", "sandbox", "production", strings.TrimPrefix(env.BaseURL(), "https://")} {
				assert.Contains(t, lower, want)
			}
			assertNoSecret(t, err.Error(), "the 401 error")
		})
	}

	// A caller's Transport may hand the answer over without its Request: the text then
	// cannot name the host, and says the rest.
	t.Run("answer without its Request", func(t *testing.T) {
		bare := roundTripFunc(func(*http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}, nil
		})
		c, _ := newTestClient(t, mockBaseURL, WithHTTPClient(&http.Client{Transport: bare}))
		var err error
		require.NotPanics(t, func() { _, err = c.CreateLinkToken(context.Background(), validRequest()) })
		assertOnlySentinel(t, err, ErrUnauthorized)
		assert.ErrorContains(t, err, "client id or secret")
	})
}

func TestResponseNotASuccess(t *testing.T) {
	const html502 = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
	tests := []struct {
		name       string
		code       int
		body       string
		header     []string
		want       error
		wantStatus Status
		message    string // kept; no row has an errorType
		wantText   string
		notText    string // what the error must not say
	}{
		{name: "JSON without status at 504", code: 504, body: `{"error":"timeout"}`, want: ErrServerFailure, wantText: "Gateway Timeout"},
		{name: "not JSON at 200", code: 200, body: "hello, world", header: []string{"Content-Type", "text/plain"}, want: ErrUnexpectedResponse, wantText: "not Mesh's JSON envelope (text/plain)"},
		{name: "HTML at 200", code: 200, body: html502, header: []string{"Content-Type", "text/html; charset=utf-8"}, want: ErrUnexpectedResponse, wantText: "(text/html)"},
		{
			name: "not JSON, of a media type the SDK does not name", code: 200, body: "hello", header: []string{"Content-Type", "application/x-made-up"},
			want: ErrUnexpectedResponse, wantText: "not Mesh's JSON envelope", notText: "made-up",
		},
		{name: "empty 200", code: 200, want: ErrUnexpectedResponse, wantText: "empty answer"},
		{name: "white space at 200", code: 200, body: " \r\n\t", want: ErrUnexpectedResponse, wantText: "empty answer"},
		{name: "{} at 200", code: 200, body: "{}", want: ErrUnexpectedResponse, wantText: "no status"},
		{name: "ok without content", code: 200, body: `{"status":"ok","message":""}`, want: ErrUnexpectedResponse, wantStatus: StatusOK, wantText: "without content"},
		{name: "ok with content null", code: 200, body: `{"status":"ok","content":null}`, want: ErrUnexpectedResponse, wantStatus: StatusOK, wantText: "without content"},
		{name: "ok without a token", code: 200, body: `{"status":"ok","content":{"paymentLink":"https://pay.example"}}`, want: ErrUnexpectedResponse, wantStatus: StatusOK, wantText: "without a link token"},
		{name: "ok with an empty token", code: 200, body: `{"status":"ok","content":{"linkToken":""}}`, want: ErrUnexpectedResponse, wantStatus: StatusOK, wantText: "without a link token"},
		{name: "a field of the wrong type, the rest decoded", code: 400, body: `{"status":"badRequest","errorType":7,"message":"userId is required"}`, want: ErrBadRequest, wantStatus: StatusBadRequest, message: "userId is required"},
		{name: "ok with a token that is not a string", code: 200, body: `{"status":"ok","content":{"linkToken":42}}`, want: ErrUnexpectedResponse, wantStatus: StatusOK, wantText: "does not decode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lt, _, err := mockLinkToken(t, respond(tc.code, []byte(tc.body), tc.header...), WithRetry(RetryPolicy{}))
			assertTokenOr(t, lt, err, tc.want)
			apiErr := asAPIError(t, err)
			assert.Equal(t, tc.code, apiErr.HTTPStatusCode)
			assert.Equal(t, tc.wantStatus, apiErr.Status)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Empty(t, apiErr.ErrorType)
			assert.Contains(t, err.Error(), tc.wantText)
			if tc.notText != "" {
				assert.NotContains(t, err.Error(), tc.notText)
			}
			if tc.body != "" {
				assert.NotContains(t, err.Error(), tc.body, "the error does not echo the body")
			}
		})
	}
}

// TestResponseKeepsServerFields: an error keeps the server's words, its headers (but
// Set-Cookie) and its Retry-After (an HTTP date: TestRetryAfter).
func TestResponseKeepsServerFields(t *testing.T) {
	const errorData = `{"field":"userId","codes":[1,2.5],"nested":{"a":null,"b":"ü"}}`
	body := `{"status":"locked","message":"account locked","displayMessage":"Your account is locked",` +
		`"errorType":"accountLocked","errorHash":"8d443794","errorData":` + errorData + `,"content":null}`
	_, _, err := mockLinkToken(t, respond(http.StatusLocked, []byte(body), "Content-Type", "application/json",
		"X-Request-Id", "req-5d2a", "Set-Cookie", "session=s3ss10n; Path=/", "Retry-After", "120"),
		WithRetry(RetryPolicy{}))
	assertOnlySentinel(t, err, ErrLocked)
	apiErr := asAPIError(t, err)
	assert.Equal(t, http.StatusLocked, apiErr.HTTPStatusCode)
	assert.Equal(t, StatusLocked, apiErr.Status)
	assert.Equal(t, "accountLocked", apiErr.ErrorType)
	assert.Equal(t, "account locked", apiErr.Message)
	assert.Equal(t, "Your account is locked", apiErr.DisplayMessage)
	assert.Equal(t, "8d443794", apiErr.ErrorHash)
	assert.Equal(t, errorData, string(apiErr.ErrorData), "errorData is kept as the server wrote it")
	assert.Equal(t, 120*time.Second, apiErr.RetryAfter)
	assert.Equal(t, "req-5d2a", apiErr.Header.Get("X-Request-Id"))
	assert.Equal(t, "application/json", apiErr.Header.Get("Content-Type"))
	assert.Empty(t, apiErr.Header.Values("Set-Cookie"), "a session cookie is a credential")
	for _, want := range []string{"423", "locked", "accountLocked", "account locked", "8d443794"} {
		assert.Contains(t, err.Error(), want)
	}
}

// Every answer, whatever its code and body, is a token (only an ok envelope with a token,
// at 2xx) or an *APIError matching the one sentinel the contract names: 401 is
// ErrUnauthorized, a 1xx (a caller's Transport may pass one on) or a 3xx
// ErrUnexpectedResponse; then the envelope's error status, whatever the code; then the
// code (any 5xx is ErrServerFailure); else ErrUnexpectedResponse. Only a 2xx's status is judged.
func TestResponseEveryCodeAndBody(t *testing.T) {
	codes := []int{101, 200, 201, 202, 203, 204, 206, 226, 299, 300, 301, 302, 304, 305, 307, 308, 399, 400, 401, 402,
		403, 404, 405, 406, 409, 410, 418, 422, 423, 425, 429, 431, 451, 499, 500, 501, 502, 503, 504, 507, 511, 599, 600, 799, 999}
	type body struct {
		name   string
		header []string
		text   string
		status Status // of the envelope, when the body is one
		token  bool   // an ok envelope with a token
	}
	bodies := []body{
		{name: "none"},
		{name: "text", header: []string{"Content-Type", "text/plain"}, text: "upstream connect error"},
		{name: "HTML", header: []string{"Content-Type", "text/html"}, text: "<html><body>502</body></html>"},
		{name: "JSON array", text: `[1,2]`},
		{name: "JSON null", text: `null`},
		{name: "JSON string", text: `"ok"`},
		{name: "status of the wrong type", text: `{"status":200,"content":{"linkToken":"` + testToken + `"}}`},
		{name: "envelope labelled gzip", header: []string{"Content-Encoding", "gzip"}, text: okBody},
		// A value of the wrong type in a field of the envelope leaves the rest decoded.
		{name: "message of the wrong type", text: `{"status":"ok","message":5,"content":{"linkToken":"` + testToken + `"}}`, status: StatusOK, token: true},
	}
	sentinelOfStatus, sentinelOfCode := map[Status]error{}, map[int]error{}
	statuses := []Status{StatusOK, "", "OK", "BadRequest", "unauthorized", "weird"}
	for _, s := range []struct {
		status   Status
		code     int
		sentinel error
	}{
		{StatusBadRequest, 400, ErrBadRequest}, {StatusPermissionDenied, 403, ErrPermissionDenied}, {StatusNotFound, 404, ErrNotFound},
		{StatusConflict, 409, ErrConflict}, {StatusLocked, 423, ErrLocked}, {StatusTooManyRequest, 429, ErrTooManyRequests},
		{StatusUnavailableForLegalReasons, 451, ErrUnavailableForLegalReasons}, {StatusServerFailure, 500, ErrServerFailure},
	} {
		sentinelOfStatus[s.status], sentinelOfCode[s.code] = s.sentinel, s.sentinel
		statuses = append(statuses, s.status)
	}
	for _, s := range statuses {
		bodies = append(bodies,
			body{name: "envelope " + string(s), text: errorBody(s, "someType", "m"), status: s},
			body{name: "envelope " + string(s) + " with a token", text: `{"status":"` + string(s) + `","content":{"linkToken":"` + testToken + `"}}`, status: s, token: s == StatusOK})
	}
	want := func(code int, b body, success bool) error {
		switch {
		case success:
			return nil
		case code == http.StatusUnauthorized:
			return ErrUnauthorized
		case code < 200 || code >= 300 && code <= 399:
			return ErrUnexpectedResponse
		case sentinelOfStatus[b.status] != nil:
			return sentinelOfStatus[b.status]
		case code >= 500 && code <= 599:
			return ErrServerFailure
		case sentinelOfCode[code] != nil:
			return sentinelOfCode[code]
		}
		return ErrUnexpectedResponse
	}
	for _, code := range codes {
		for _, b := range bodies {
			t.Run(strconv.Itoa(code)+" "+b.name, func(t *testing.T) {
				lt, calls, err := mockLinkToken(t, respond(code, []byte(b.text), b.header...), WithRetry(RetryPolicy{}))
				assert.Equal(t, 1, calls)
				ok2xx := code >= 200 && code <= 299
				success := ok2xx && b.token
				if !assertTokenOr(t, lt, err, want(code, b, success)) {
					return
				}
				apiErr := asAPIError(t, err)
				assert.Equal(t, code, apiErr.HTTPStatusCode)
				if code < 200 { // a 1xx's body is not read
					b.status = ""
				}
				assert.Equal(t, b.status, apiErr.Status)
				assert.Nil(t, apiErr.ErrorData, "errorData null is no errorData")
				assert.True(t, b.text == "" || !strings.Contains(err.Error(), b.text), "the error echoes the body: %q", err)
				unknown := ok2xx && b.status != "" && b.status != StatusOK && sentinelOfStatus[b.status] == nil
				assert.Equal(t, unknown, strings.Contains(err.Error(), "unknown status"), "%q", err)
				// A 401 says what to check, not that the answer broke the protocol.
				assert.Equal(t, code == http.StatusUnauthorized, strings.Contains(err.Error(), "wrong or missing client id or secret"), "%q", err)
				// A redirect is not Mesh's answer, whatever envelope its body holds.
				redirect := code >= 300 && code <= 399 && b.name != "envelope labelled gzip"
				assert.Equal(t, redirect, strings.Contains(err.Error(), "redirect not followed"), "%q", err)
				assertShortLine(t, err.Error(), maxShownError, "the error")
			})
		}
	}
}
