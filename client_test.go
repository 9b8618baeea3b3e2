package mesh

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ntMockEndpoint is the URL newMockClient's requests go to.
const ntMockEndpoint = mockBaseURL + linkTokenPath

// ntNoRetry makes one attempt per call, so that a test of one answer sees one answer.
var ntNoRetry = RetryPolicy{}

// ntSentinels are all the sentinels of the contract: an error of the SDK matches exactly
// one of them.
var ntSentinels = []error{
	ErrValidation, ErrUnauthorized, ErrBadRequest, ErrPermissionDenied, ErrNotFound,
	ErrConflict, ErrLocked, ErrTooManyRequests, ErrUnavailableForLegalReasons,
	ErrServerFailure, ErrUnexpectedResponse,
}

// ntAssertOnlySentinel checks that err matches want and no other sentinel.
func ntAssertOnlySentinel(t testing.TB, err error, want error) {
	t.Helper()
	require.Error(t, err)
	var matched []string
	for _, s := range ntSentinels {
		if errors.Is(err, s) {
			matched = append(matched, s.Error())
		}
	}
	assert.Equal(t, []string{want.Error()}, matched, "sentinels matched by %q", err)
}

// ntEnvelope is one of Mesh's envelopes as JSON.
type ntEnvelope struct {
	Status         Status          `json:"status"`
	Message        string          `json:"message"`
	DisplayMessage string          `json:"displayMessage,omitempty"`
	ErrorType      string          `json:"errorType"`
	ErrorHash      string          `json:"errorHash,omitempty"`
	ErrorData      json.RawMessage `json:"errorData,omitempty"`
	Content        any             `json:"content,omitempty"`
}

func (e ntEnvelope) String() string {
	b, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ntRespond answers code with body and the given header pairs (name, value, ...).
func ntRespond(code int, body string, header ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(code, body)
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

// ntSequence answers with rs in turn, the last one for every later request, and counts
// the requests in n.
func ntSequence(n *atomic.Int32, rs ...httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		return rs[min(i, len(rs)-1)](req)
	}
}

// ntServer starts an httptest server with h, counting the requests it receives.
func ntServer(t testing.TB, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// ntStall blocks until the client goes away (or a safety limit passes). It reads the
// request's body first: the server notices a closed connection only after that.
func ntStall(r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// ntStallMidBody sends the headers and the first bytes of an ok body, then stalls.
func ntStallMidBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(okBody)))
	_, _ = io.WriteString(w, okBody[:10])
	_ = http.NewResponseController(w).Flush()
	ntStall(r)
}

func ntGzip(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestCreateLinkTokenSuccess(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantPayLink string
	}{
		{name: "ok envelope", body: okBody},
		{
			name:        "ok with payment link",
			body:        ntEnvelope{Status: StatusOK, Content: map[string]any{"linkToken": testToken, "paymentLink": "https://pay.meshconnect.com/p/123"}}.String(),
			wantPayLink: "https://pay.meshconnect.com/p/123",
		},
		{
			name: "ok with fields the SDK does not know",
			body: `{"status":"ok","newField":{"a":[1,2]},"content":{"linkToken":"` + testToken + `","paymentLink":null,"other":true}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			type seen struct {
				method, path string
				header       http.Header
				body         map[string]any
			}
			got := make(chan seen, 1)
			srv, hits := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
				s := seen{method: r.Method, path: r.URL.Path, header: r.Header.Clone()}
				_ = json.NewDecoder(r.Body).Decode(&s.body)
				got <- s
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tc.body)
			})
			c := newTestClient(t, srv.URL)

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			require.NotNil(t, lt)
			assert.Equal(t, testToken, lt.Token)
			assert.Equal(t, tc.wantPayLink, lt.PaymentLink)
			u, err := lt.URL()
			require.NoError(t, err)
			assert.Equal(t, testLinkURL, u.String())

			assert.EqualValues(t, 1, hits.Load())
			s := <-got
			assert.Equal(t, http.MethodPost, s.method)
			assert.Equal(t, linkTokenPath, s.path)
			assert.Equal(t, testClientID, s.header.Get("X-Client-Id"))
			assert.Equal(t, testSecret, s.header.Get("X-Client-Secret"))
			assert.Equal(t, "application/json", s.header.Get("Accept"))
			assert.True(t, strings.HasPrefix(s.header.Get("Content-Type"), "application/json"), s.header.Get("Content-Type"))
			assert.Equal(t, "user-42", s.body["userId"])
		})
	}
}

func TestCreateLinkTokenMockTransport(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, ntMockEndpoint,
		httpmock.NewStringResponder(http.StatusOK, okBody).HeaderSet(http.Header{"Content-Type": {"application/json"}}))

	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	require.NoError(t, err)
	assert.Equal(t, testToken, lt.Token)
	assert.Empty(t, lt.PaymentLink)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// The global httpmock transport is shared, so these subtests do not run in parallel.
func TestCreateLinkTokenActivateNonDefault(t *testing.T) {
	tests := []struct {
		name           string
		activateBefore bool
	}{
		{name: "activated before NewClient", activateBefore: true},
		{name: "activated after NewClient", activateBefore: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hc := &http.Client{} // nil Transport: without the mock, mesh.test does not resolve
			if tc.activateBefore {
				httpmock.ActivateNonDefault(hc)
			}
			t.Cleanup(httpmock.DeactivateAndReset)
			c := newTestClient(t, mockBaseURL, WithHTTPClient(hc), WithRetry(ntNoRetry))
			if !tc.activateBefore {
				httpmock.ActivateNonDefault(hc)
			}
			httpmock.RegisterResponder(http.MethodPost, ntMockEndpoint, httpmock.NewStringResponder(http.StatusOK, okBody))

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			assert.Equal(t, testToken, lt.Token)
			assert.Equal(t, 1, httpmock.GetTotalCallCount())
		})
	}
}

// ntStatuses are the envelope's failure statuses with their documented HTTP code and
// their sentinel.
var ntStatuses = []struct {
	status   Status
	code     int
	sentinel error
}{
	{StatusBadRequest, http.StatusBadRequest, ErrBadRequest},
	{StatusPermissionDenied, http.StatusForbidden, ErrPermissionDenied},
	{StatusNotFound, http.StatusNotFound, ErrNotFound},
	{StatusConflict, http.StatusConflict, ErrConflict},
	{StatusLocked, http.StatusLocked, ErrLocked},
	{StatusTooManyRequest, http.StatusTooManyRequests, ErrTooManyRequests},
	{StatusUnavailableForLegalReasons, http.StatusUnavailableForLegalReasons, ErrUnavailableForLegalReasons},
	{StatusServerFailure, http.StatusInternalServerError, ErrServerFailure},
}

func TestCreateLinkTokenEnvelopeStatus(t *testing.T) {
	type tcase struct {
		name     string
		code     int
		status   Status
		sentinel error
	}
	var tests []tcase
	for _, s := range ntStatuses {
		tests = append(tests,
			tcase{name: string(s.status) + " at " + strconv.Itoa(s.code), code: s.code, status: s.status, sentinel: s.sentinel},
			tcase{name: string(s.status) + " at 200", code: http.StatusOK, status: s.status, sentinel: s.sentinel},
		)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(ntNoRetry))
			env := ntEnvelope{
				Status:         tc.status,
				ErrorType:      "type-" + string(tc.status),
				Message:        "message of " + string(tc.status),
				DisplayMessage: "display of " + string(tc.status),
				ErrorHash:      "hash-" + strconv.Itoa(tc.code),
				ErrorData:      json.RawMessage(`{"field":"userId","codes":[1,2]}`),
			}
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(tc.code, env.String(), "Content-Type", "application/json"))

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Nil(t, lt)
			ntAssertOnlySentinel(t, err, tc.sentinel)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.HTTPStatusCode)
			assert.Equal(t, tc.status, apiErr.Status)
			assert.Equal(t, env.ErrorType, apiErr.ErrorType)
			assert.Equal(t, env.Message, apiErr.Message)
			assert.Equal(t, env.DisplayMessage, apiErr.DisplayMessage)
			assert.Equal(t, env.ErrorHash, apiErr.ErrorHash)
			assert.JSONEq(t, string(env.ErrorData), string(apiErr.ErrorData))
			assert.Zero(t, apiErr.RetryAfter)
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestCreateLinkTokenUnauthorized(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		header      []string
		wantStatus  Status
		wantMessage string
	}{
		{
			name:        "JSON envelope saying badRequest",
			body:        ntEnvelope{Status: StatusBadRequest, ErrorType: "invalidCredentials", Message: "Invalid client credentials"}.String(),
			header:      []string{"Content-Type", "application/json"},
			wantStatus:  StatusBadRequest,
			wantMessage: "Invalid client credentials",
		},
		{name: "empty body"},
		{
			name:   "HTML body",
			body:   "<html><head><title>401 Authorization Required</title></head><body>nope</body></html>",
			header: []string{"Content-Type", "text/html"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t) // fastRetry: a 401 must still be sent once
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(http.StatusUnauthorized, tc.body, tc.header...))

			_, err := c.CreateLinkToken(context.Background(), validRequest())
			ntAssertOnlySentinel(t, err, ErrUnauthorized)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusUnauthorized, apiErr.HTTPStatusCode)
			assert.Equal(t, tc.wantStatus, apiErr.Status)
			assert.Equal(t, tc.wantMessage, apiErr.Message)
			assert.Contains(t, err.Error(), "401")
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a 401 is not retried")
		})
	}
}

func TestCreateLinkTokenAnswerWithoutUsableEnvelope(t *testing.T) {
	html := func(code int) string {
		return "<html><body><h1>" + strconv.Itoa(code) + " " + http.StatusText(code) + "</h1></body></html>"
	}
	tests := []struct {
		name       string
		code       int
		body       string
		header     []string
		want       error
		wantStatus Status
	}{
		{name: "HTML 502", code: 502, body: html(502), header: []string{"Content-Type", "text/html"}, want: ErrServerFailure},
		{name: "HTML 503", code: 503, body: html(503), header: []string{"Content-Type", "text/html"}, want: ErrServerFailure},
		{name: "HTML 504", code: 504, body: html(504), header: []string{"Content-Type", "text/html"}, want: ErrServerFailure},
		{name: "empty 500", code: 500, want: ErrServerFailure},
		{name: "ok envelope at 500", code: 500, body: okBody, want: ErrServerFailure, wantStatus: StatusOK},
		{name: "non-JSON 200", code: 200, body: "hello, world", header: []string{"Content-Type", "text/plain"}, want: ErrUnexpectedResponse},
		{name: "HTML 200", code: 200, body: html(200), header: []string{"Content-Type", "text/html"}, want: ErrUnexpectedResponse},
		{name: "200 {}", code: 200, body: "{}", want: ErrUnexpectedResponse},
		{name: "200 null", code: 200, body: "null", want: ErrUnexpectedResponse},
		{name: "200 JSON array", code: 200, body: "[]", want: ErrUnexpectedResponse},
		{name: "200 empty", code: 200, want: ErrUnexpectedResponse},
		{name: "200 whitespace", code: 200, body: " \n\t ", want: ErrUnexpectedResponse},
		{name: "ok without content", code: 200, body: `{"status":"ok"}`, want: ErrUnexpectedResponse, wantStatus: StatusOK},
		{name: "ok with null content", code: 200, body: `{"status":"ok","content":null}`, want: ErrUnexpectedResponse, wantStatus: StatusOK},
		{name: "ok with empty content", code: 200, body: `{"status":"ok","content":{}}`, want: ErrUnexpectedResponse, wantStatus: StatusOK},
		{name: "ok with empty linkToken", code: 200, body: `{"status":"ok","content":{"linkToken":"","paymentLink":"https://pay.example"}}`, want: ErrUnexpectedResponse, wantStatus: StatusOK},
		{name: "ok with linkToken of the wrong type", code: 200, body: `{"status":"ok","content":{"linkToken":42}}`, want: ErrUnexpectedResponse},
		{name: "unknown status at 200", code: 200, body: `{"status":"weird","message":"?"}`, want: ErrUnexpectedResponse, wantStatus: "weird"},
		{name: "unknown status at 400", code: 400, body: `{"status":"weird"}`, want: ErrBadRequest, wantStatus: "weird"},
		{name: "unknown status at 503", code: 503, body: `{"status":"weird"}`, want: ErrServerFailure, wantStatus: "weird"},
		{name: "unknown status at 201", code: 201, body: `{"status":"weird"}`, want: ErrUnexpectedResponse, wantStatus: "weird"},
		{name: "empty 202", code: 202, want: ErrUnexpectedResponse},
		{name: "204 no content", code: 204, want: ErrUnexpectedResponse},
		{name: "HTML 400", code: 400, body: html(400), want: ErrBadRequest},
		{name: "HTML 403", code: 403, body: html(403), want: ErrPermissionDenied},
		{name: "HTML 404", code: 404, body: html(404), want: ErrNotFound},
		{name: "empty 405", code: 405, want: ErrUnexpectedResponse},
		{name: "HTML 405", code: 405, body: html(405), want: ErrUnexpectedResponse},
		{name: "empty 409", code: 409, want: ErrConflict},
		{name: "418 teapot", code: 418, body: "I'm a teapot", want: ErrUnexpectedResponse},
		{name: "empty 423", code: 423, want: ErrLocked},
		{name: "HTML 429", code: 429, body: html(429), want: ErrTooManyRequests},
		{name: "empty 451", code: 451, want: ErrUnavailableForLegalReasons},
		{name: "HTML 599", code: 599, body: html(599), want: ErrServerFailure},
		// A redirect is never an answer of Mesh's, whatever its body says.
		{name: "302 with an error envelope", code: 302, body: `{"status":"badRequest","message":"no"}`, header: []string{"Location", "https://elsewhere.test/"}, want: ErrUnexpectedResponse},
		{name: "301 with an ok envelope", code: 301, body: okBody, header: []string{"Location", "https://elsewhere.test/"}, want: ErrUnexpectedResponse},
		{name: "304 with a serverFailure envelope", code: 304, body: `{"status":"serverFailure"}`, want: ErrUnexpectedResponse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(ntNoRetry))
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(tc.code, tc.body, tc.header...))

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Nil(t, lt)
			ntAssertOnlySentinel(t, err, tc.want)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.code, apiErr.HTTPStatusCode)
			assert.Equal(t, tc.wantStatus, apiErr.Status)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestCreateLinkTokenTruncatedBody(t *testing.T) {
	shortBody := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "500")
			w.WriteHeader(code)
			_, _ = io.WriteString(w, okBody[:20])
		}
	}
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		want     error
		attempts int
	}{
		{name: "Content-Length larger than the body", handler: shortBody(200), want: ErrUnexpectedResponse, attempts: fastRetry.MaxRetries + 1},
		{
			name: "connection closed mid-body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, bw, err := http.NewResponseController(w).Hijack()
				if err != nil {
					panic(err)
				}
				defer conn.Close()
				_, _ = bw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" + okBody[:20])
				_ = bw.Flush()
			},
			want:     ErrUnexpectedResponse,
			attempts: fastRetry.MaxRetries + 1,
		},
		{name: "503 cut short", handler: shortBody(503), want: ErrServerFailure, attempts: fastRetry.MaxRetries + 1},
		{name: "429 cut short", handler: shortBody(429), want: ErrTooManyRequests, attempts: fastRetry.MaxRetries + 1},
		// A refusal is not sent again, secret and all, because its body was cut.
		{name: "401 cut short", handler: shortBody(401), want: ErrUnauthorized, attempts: 1},
		{name: "400 cut short", handler: shortBody(400), want: ErrBadRequest, attempts: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := ntServer(t, tc.handler)
			c := newTestClient(t, srv.URL)

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Nil(t, lt)
			require.Error(t, err)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			ntAssertOnlySentinel(t, err, tc.want)
			assert.EqualValues(t, tc.attempts, hits.Load(), "attempts")
		})
	}
}

// TestCreateLinkTokenCorruptGzipNotRetried: a body that is not gzip although it says
// so fails the same way on every attempt, so it is not retried.
func TestCreateLinkTokenCorruptGzipNotRetried(t *testing.T) {
	srv, hits := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(append(ntGzip(t, []byte(okBody))[:12], "not deflate at all"...))
	})
	c := newTestClient(t, srv.URL, WithHTTPClient(&http.Client{Transport: &http.Transport{DisableCompression: true}}))
	_, err := c.CreateLinkToken(context.Background(), validRequest())
	ntAssertOnlySentinel(t, err, ErrUnexpectedResponse)
	assert.EqualValues(t, 1, hits.Load())
}

func TestCreateLinkTokenGzipUnasked(t *testing.T) {
	tests := []struct {
		name        string
		code        int
		body        string
		want        error
		wantMessage string
	}{
		{name: "ok envelope", code: 200, body: okBody},
		{
			name:        "error envelope",
			code:        400,
			body:        ntEnvelope{Status: StatusBadRequest, ErrorType: "missingField", Message: "userId is required"}.String(),
			want:        ErrBadRequest,
			wantMessage: "userId is required",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(ntNoRetry))
			gz := ntGzip(t, []byte(tc.body))
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewBytesResponse(tc.code, gz)
				resp.Header.Set("Content-Encoding", "gzip")
				resp.Header.Set("Content-Type", "application/json")
				return resp, nil
			})

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
				return
			}
			ntAssertOnlySentinel(t, err, tc.want)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantMessage, apiErr.Message)
		})
	}
}

func TestCreateLinkTokenBodyBound(t *testing.T) {
	huge := `{"status":"ok","message":"` + strings.Repeat("a", 2<<20) + `","content":{"linkToken":"` + testToken + `"}}`
	tests := []struct {
		name    string
		respond httpmock.Responder
	}{
		{name: "2 MiB envelope", respond: ntRespond(200, huge, "Content-Type", "application/json")},
		{name: "2 MiB error at 400", respond: ntRespond(400, huge, "Content-Type", "application/json")},
		{
			name: "gzip bomb",
			respond: func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewBytesResponse(200, ntGzip(t, bytes.Repeat([]byte(" "), 3<<20)))
				resp.Header.Set("Content-Encoding", "gzip")
				return resp, nil
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, tc.respond)

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Nil(t, lt)
			ntAssertOnlySentinel(t, err, ErrUnexpectedResponse)
			assert.Less(t, len(err.Error()), 1000)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a too large answer is not retried")
		})
	}

	t.Run("endless body", func(t *testing.T) {
		srv, hits := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			chunk := bytes.Repeat([]byte("x"), 32<<10)
			deadline := time.Now().Add(5 * time.Second)
			for time.Now().Before(deadline) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})
		c := newTestClient(t, srv.URL)
		start := time.Now()
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		ntAssertOnlySentinel(t, err, ErrUnexpectedResponse)
		assert.Less(t, time.Since(start), 3*time.Second)
		assert.EqualValues(t, 1, hits.Load())
	})
}

func TestCreateLinkTokenRetryAfterHeader(t *testing.T) {
	tests := []struct {
		name     string
		value    func() string
		min, max time.Duration
	}{
		{name: "seconds", value: func() string { return "7" }, min: 7 * time.Second, max: 7 * time.Second},
		{name: "zero seconds", value: func() string { return "0" }},
		{
			name:  "HTTP date",
			value: func() string { return time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat) },
			min:   28 * time.Second, max: 30 * time.Second,
		},
		{name: "HTTP date in the past", value: func() string { return time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) }},
		{name: "unreadable", value: func() string { return "soon" }},
		{name: "huge number of seconds", value: func() string { return "99999999999999999999999" }, min: maxRetryAfter, max: maxRetryAfter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(ntNoRetry))
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(http.StatusTooManyRequests,
				ntEnvelope{Status: StatusTooManyRequest, Message: "slow down"}.String(), "Retry-After", tc.value()))

			_, err := c.CreateLinkToken(context.Background(), validRequest())
			ntAssertOnlySentinel(t, err, ErrTooManyRequests)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.GreaterOrEqual(t, apiErr.RetryAfter, tc.min)
			assert.LessOrEqual(t, apiErr.RetryAfter, tc.max)
		})
	}
}

func TestCreateLinkTokenErrorText(t *testing.T) {
	const marker = "UNIQUE-MARKER-8f14e45f"
	longMessage := strings.Repeat("m", 10<<10) + marker
	bigHTML := "<html><head><title>" + marker + "</title></head><body>" + strings.Repeat("<p>proxy error</p>\n", 5000) + marker + "</body></html>"
	tests := []struct {
		name         string
		code         int
		body         string
		header       []string
		wantContains []string
	}{
		{
			name:         "envelope",
			code:         400,
			body:         ntEnvelope{Status: StatusBadRequest, ErrorType: "missingField", Message: "userId is required", ErrorHash: "a1b2c3"}.String(),
			wantContains: []string{"400", "badRequest", "missingField", "userId is required", "a1b2c3"},
		},
		{
			name:         "display message when there is no message",
			code:         409,
			body:         ntEnvelope{Status: StatusConflict, DisplayMessage: "Try again later"}.String(),
			wantContains: []string{"409", "conflict", "Try again later"},
		},
		{
			name:         "message on several lines",
			code:         403,
			body:         ntEnvelope{Status: StatusPermissionDenied, Message: "line one\nline two\r\nline three"}.String(),
			wantContains: []string{"403", "permissionDenied", "line one"},
		},
		{
			name:         "10 KB message",
			code:         400,
			body:         ntEnvelope{Status: StatusBadRequest, Message: longMessage}.String(),
			wantContains: []string{"400", "badRequest", "mmmmmmmmmm"},
		},
		{
			name:         "large HTML body",
			code:         502,
			body:         bigHTML,
			header:       []string{"Content-Type", "text/html; charset=utf-8"},
			wantContains: []string{"502"},
		},
		{
			name:         "large HTML body at 200",
			code:         200,
			body:         bigHTML,
			wantContains: []string{"200"},
		},
		{
			name:         "large error data",
			code:         400,
			body:         ntEnvelope{Status: StatusBadRequest, Message: "bad", ErrorData: json.RawMessage(`{"detail":"` + longMessage + `"}`)}.String(),
			wantContains: []string{"400", "bad"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(ntNoRetry))
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(tc.code, tc.body, tc.header...))

			_, err := c.CreateLinkToken(context.Background(), validRequest())
			require.Error(t, err)
			text := err.Error()
			assert.NotContains(t, text, "\n")
			assert.NotContains(t, text, "\r")
			assert.NotContains(t, text, marker, "the error echoes the body")
			assert.Less(t, len(text), 600, "the error text is not cut: %d bytes", len(text))
			assert.True(t, strings.HasPrefix(text, "mesh: "), text)
			for _, s := range tc.wantContains {
				assert.Contains(t, text, s)
			}
		})
	}
}

func TestCreateLinkTokenContext(t *testing.T) {
	t.Run("already canceled", func(t *testing.T) {
		srv, hits := ntServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, okBody) })
		c := newTestClient(t, srv.URL)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()

		lt, err := c.CreateLinkToken(ctx, validRequest())
		assert.Nil(t, lt)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
		assert.EqualValues(t, 0, hits.Load(), "a request was sent with a canceled context")
	})

	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{
			name:    "deadline while the server thinks",
			handler: func(w http.ResponseWriter, r *http.Request) { ntStall(r) },
		},
		{
			name:    "deadline while reading the body",
			handler: ntStallMidBody,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := ntServer(t, tc.handler)
			c := newTestClient(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()

			start := time.Now()
			lt, err := c.CreateLinkToken(ctx, validRequest())
			assert.Nil(t, lt)
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.EqualValues(t, 1, hits.Load(), "no retry after the caller's deadline")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// ntRoundTripFunc is an http.RoundTripper made of a function.
type ntRoundTripFunc func(*http.Request) (*http.Response, error)

func (f ntRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A caller's Transport need not look at the context (httpmock races it against the
// responder): the SDK itself must not start an attempt once the context is done.
func TestCreateLinkTokenCanceledBeforeSend(t *testing.T) {
	var sent atomic.Int32
	rt := ntRoundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return httpmock.NewStringResponse(http.StatusOK, okBody), nil
	})
	c := newTestClient(t, mockBaseURL, WithHTTPClient(&http.Client{Transport: rt}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	lt, err := c.CreateLinkToken(ctx, validRequest())
	assert.Nil(t, lt)
	assert.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 0, sent.Load())
}

func TestCreateLinkTokenNilArguments(t *testing.T) {
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodPost, ntMockEndpoint, httpmock.NewStringResponder(200, okBody))
	var nilCtx context.Context
	var nilClient *Client
	tests := []struct {
		name string
		call func() (*LinkToken, error)
	}{
		{name: "nil context", call: func() (*LinkToken, error) { return c.CreateLinkToken(nilCtx, validRequest()) }},
		{name: "nil client", call: func() (*LinkToken, error) { return nilClient.CreateLinkToken(context.Background(), validRequest()) }},
		{name: "zero client", call: func() (*LinkToken, error) { return (&Client{}).CreateLinkToken(context.Background(), validRequest()) }},
		{name: "nil client through the interface", call: func() (*LinkToken, error) {
			var lc LinkTokenCreator = nilClient
			return lc.CreateLinkToken(context.Background(), validRequest())
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var (
				lt  *LinkToken
				err error
			)
			require.NotPanics(t, func() { lt, err = tc.call() })
			assert.Nil(t, lt)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}
