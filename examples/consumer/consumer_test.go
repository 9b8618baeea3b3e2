package main_test

// The three ways to test code that uses the SDK, each in its own test:
//
//  1. TestHandlerWithFake: a hand-written fake of mesh.LinkTokenCreator. Fastest; tests
//     the handler's own logic, with errors built as the SDK builds them.
//  2. TestHandlerWithHTTPMock and TestHandlerWithHTTPMockActivateNonDefault: a real
//     *mesh.Client over httpmock. Tests the handler with the SDK's real decoding of
//     answers you write by hand.
//  3. TestHandlerWithMeshtest: a real *mesh.Client against meshtest, a strict fake of
//     Mesh's API that also checks what the SDK sends; TestHandlerWithOwnConfiguration
//     points a client built from the application's own configuration at an https
//     fake, and TestHandlerRetriesThroughARateLimit lets the SDK retry.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	consumer "github.com/mesh-go/mesh/examples/consumer"
	"github.com/mesh-go/mesh/meshtest"
)

// internalText stands for what must never reach a browser: Mesh's messages and the
// SDK's error text.
const internalText = "internal-detail-7f3a"

// linkToken is a token as Mesh mints them: base64 of a Link URL.
var linkToken = base64.StdEncoding.EncodeToString([]byte("https://web.meshconnect.com/link/abc"))

// serve runs h on a POST with the user id header (none when userID is "") and
// returns the recorded answer.
func serve(t *testing.T, h http.Handler, method, userID string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, "/api/link-token", nil)
	if userID != "" {
		r.Header.Set(consumer.UserIDHeader, userID)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// answer is what the handler says in JSON.
type answer struct {
	LinkToken string `json:"linkToken"`
	Error     string `json:"error"`
}

// checkAnswer checks the status, the JSON body and that no internal text leaked.
func checkAnswer(t *testing.T, w *httptest.ResponseRecorder, wantCode int, wantToken string) {
	t.Helper()
	assert.Equal(t, wantCode, w.Code, w.Body.String())
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	body := w.Body.String()
	var a answer
	require.NoError(t, json.Unmarshal([]byte(body), &a), body)
	assert.Equal(t, wantToken, a.LinkToken)
	if wantCode == http.StatusOK {
		assert.Empty(t, a.Error)
	} else {
		assert.NotEmpty(t, a.Error)
	}
	assert.NotContains(t, body, internalText)
	assert.NotContains(t, body, "mesh:")
	assert.NotContains(t, body, meshtest.ClientSecret)
}

// fakeCreator is a hand-written mesh.LinkTokenCreator. Like *mesh.Client it refuses
// an invalid request before anything else; then it answers with token or err.
type fakeCreator struct {
	token string
	err   error
	got   []*mesh.CreateLinkTokenRequest
}

// CreateLinkToken records req, validates it and answers as scripted.
func (f *fakeCreator) CreateLinkToken(_ context.Context, req *mesh.CreateLinkTokenRequest, _ ...mesh.CallOption) (*mesh.LinkToken, error) {
	f.got = append(f.got, req)
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if f.err != nil {
		return nil, f.err
	}
	return &mesh.LinkToken{Token: f.token}, nil
}

var _ mesh.LinkTokenCreator = (*fakeCreator)(nil)

func TestHandlerWithFake(t *testing.T) {
	tooMany := func(retryAfter time.Duration) error {
		return &mesh.APIError{HTTPStatusCode: http.StatusTooManyRequests, Status: mesh.StatusTooManyRequest, Message: internalText, RetryAfter: retryAfter}
	}
	tests := []struct {
		name           string
		method         string
		userID         string
		token          string
		err            error
		wantCode       int
		wantToken      string
		wantRetryAfter string
		wantCalls      int
	}{
		{name: "ok", userID: "user-1", token: linkToken, wantCode: http.StatusOK, wantToken: linkToken, wantCalls: 1},
		{name: "no user", wantCode: http.StatusUnauthorized},
		{name: "GET", method: http.MethodGet, userID: "user-1", wantCode: http.StatusMethodNotAllowed},
		{name: "user id refused by validation", userID: strings.Repeat("u", mesh.MaxUserIDLength+1), wantCode: http.StatusBadRequest, wantCalls: 1},
		{name: "rate limited with Retry-After", userID: "user-1", err: tooMany(3 * time.Second), wantCode: http.StatusServiceUnavailable, wantRetryAfter: "3", wantCalls: 1},
		{name: "Retry-After rounds up", userID: "user-1", err: tooMany(1500 * time.Millisecond), wantCode: http.StatusServiceUnavailable, wantRetryAfter: "2", wantCalls: 1},
		{name: "rate limited without Retry-After", userID: "user-1", err: tooMany(0), wantCode: http.StatusServiceUnavailable, wantCalls: 1},
		{name: "wrapped rate limit", userID: "user-1", err: fmt.Errorf("calling mesh: %w", tooMany(time.Second)), wantCode: http.StatusServiceUnavailable, wantRetryAfter: "1", wantCalls: 1},
		{name: "server failure", userID: "user-1", err: &mesh.APIError{HTTPStatusCode: 500, Status: mesh.StatusServerFailure, Message: internalText}, wantCode: http.StatusBadGateway, wantCalls: 1},
		{name: "unauthorized", userID: "user-1", err: &mesh.APIError{HTTPStatusCode: 401, Message: internalText}, wantCode: http.StatusBadGateway, wantCalls: 1},
		{name: "Mesh bad request", userID: "user-1", err: &mesh.APIError{HTTPStatusCode: 400, Status: mesh.StatusBadRequest, ErrorType: "invalidField", Message: internalText}, wantCode: http.StatusBadGateway, wantCalls: 1},
		{name: "transport failure", userID: "user-1", err: fmt.Errorf("mesh: dial tcp %s: %w", internalText, context.DeadlineExceeded), wantCode: http.StatusBadGateway, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeCreator{token: tc.token, err: tc.err}
			var logs bytes.Buffer
			h := consumer.LinkTokenHandler{Mesh: fake, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			w := serve(t, h, method, tc.userID)

			checkAnswer(t, w, tc.wantCode, tc.wantToken)
			assert.Equal(t, tc.wantRetryAfter, w.Header().Get("Retry-After"))
			require.Len(t, fake.got, tc.wantCalls)
			if tc.wantCalls > 0 {
				assert.Equal(t, tc.userID, fake.got[0].UserID)
			}
			if tc.err != nil {
				assert.Contains(t, logs.String(), internalText, "the full error goes to the log")
			}
			if tc.method == http.MethodGet {
				assert.Equal(t, http.MethodPost, w.Header().Get("Allow"))
			}
		})
	}

	t.Run("custom UserID", func(t *testing.T) {
		fake := &fakeCreator{token: linkToken}
		type ctxKey struct{}
		h := consumer.LinkTokenHandler{Mesh: fake, UserID: func(r *http.Request) string {
			id, _ := r.Context().Value(ctxKey{}).(string)
			return id
		}}
		r := httptest.NewRequest(http.MethodPost, "/api/link-token", nil)
		r.Header.Set(consumer.UserIDHeader, "spoofed")
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "from-session"))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		checkAnswer(t, w, http.StatusOK, linkToken)
		require.Len(t, fake.got, 1)
		assert.Equal(t, "from-session", fake.got[0].UserID)
	})

	t.Run("no Mesh configured", func(t *testing.T) {
		w := serve(t, consumer.LinkTokenHandler{}, http.MethodPost, "user-1")
		checkAnswer(t, w, http.StatusInternalServerError, "")
	})
}

const mockBaseURL = "https://mesh.test"

// envelope is an answer of Mesh with status and a link token when ok.
func envelope(status mesh.Status, token string) string {
	content := "null"
	if token != "" {
		content = `{"linkToken":"` + token + `","paymentLink":null}`
	}
	return `{"status":"` + string(status) + `","message":"` + internalText + `","displayMessage":null,"errorType":"","errorHash":"8d443794","errorData":null,"content":` + content + `}`
}

func TestHandlerWithHTTPMock(t *testing.T) {
	tests := []struct {
		name           string
		code           int
		body           string
		header         http.Header
		wantCode       int
		wantToken      string
		wantRetryAfter string
	}{
		{"ok", 200, envelope(mesh.StatusOK, linkToken), nil, http.StatusOK, linkToken, ""},
		{"rate limited", 429, envelope(mesh.StatusTooManyRequest, ""), http.Header{"Retry-After": {"5"}}, http.StatusServiceUnavailable, "", "5"},
		{"server failure", 500, envelope(mesh.StatusServerFailure, ""), nil, http.StatusBadGateway, "", ""},
		{"proxy HTML", 502, "<html><body>" + internalText + "</body></html>", http.Header{"Content-Type": {"text/html"}}, http.StatusBadGateway, "", ""},
		{"unauthorized", 401, "Unauthorized", nil, http.StatusBadGateway, "", ""},
		{"ok without token", 200, envelope(mesh.StatusOK, ""), nil, http.StatusBadGateway, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			client, err := mesh.NewClient("client-id", "client-secret",
				mesh.WithHTTPClient(&http.Client{Transport: mt}),
				mesh.WithBaseURL(mockBaseURL),
				mesh.WithRetry(mesh.RetryPolicy{}), // one answer per call
			)
			require.NoError(t, err)

			var gotUserID, gotClientID string
			mt.RegisterResponder(http.MethodPost, mockBaseURL+"/api/v1/linktoken", func(r *http.Request) (*http.Response, error) {
				var body struct {
					UserID string `json:"userId"`
				}
				if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
					return nil, err
				}
				gotUserID, gotClientID = body.UserID, r.Header.Get("X-Client-Id")
				resp := httpmock.NewStringResponse(tc.code, tc.body)
				for k, v := range tc.header {
					resp.Header[k] = v
				}
				return resp, nil
			})

			w := serve(t, consumer.LinkTokenHandler{Mesh: client}, http.MethodPost, "user-1")

			checkAnswer(t, w, tc.wantCode, tc.wantToken)
			assert.Equal(t, tc.wantRetryAfter, w.Header().Get("Retry-After"))
			assert.Equal(t, 1, mt.GetTotalCallCount())
			assert.Equal(t, "user-1", gotUserID)
			assert.Equal(t, "client-id", gotClientID)
		})
	}
}

// TestHandlerWithHTTPMockActivateNonDefault uses httpmock's global transport on an
// *http.Client of its own. It changes global state: never run it in parallel.
func TestHandlerWithHTTPMockActivateNonDefault(t *testing.T) {
	hc := &http.Client{}
	httpmock.ActivateNonDefault(hc)
	defer httpmock.DeactivateAndReset()
	httpmock.RegisterResponder(http.MethodPost, mockBaseURL+"/api/v1/linktoken",
		httpmock.NewStringResponder(http.StatusOK, envelope(mesh.StatusOK, linkToken)))

	client, err := mesh.NewClient("client-id", "client-secret",
		mesh.WithHTTPClient(hc), mesh.WithBaseURL(mockBaseURL), mesh.WithRetry(mesh.RetryPolicy{}))
	require.NoError(t, err)

	w := serve(t, consumer.LinkTokenHandler{Mesh: client}, http.MethodPost, "user-1")

	checkAnswer(t, w, http.StatusOK, linkToken)
	assert.Equal(t, 1, httpmock.GetTotalCallCount())
}

func TestHandlerWithMeshtest(t *testing.T) {
	srv := meshtest.Start(t)                                         // closed when the test ends
	client, err := srv.NewClient(mesh.WithRetry(mesh.RetryPolicy{})) // no retry spends a scripted reply
	require.NoError(t, err)

	tests := []struct {
		name           string
		userID         string
		script         []meshtest.Reply
		wantCode       int
		wantRetryAfter string
		wantRequests   int
	}{
		{name: "ok", userID: "user-1", wantCode: http.StatusOK, wantRequests: 1},
		{name: "rate limited", userID: "user-1", script: []meshtest.Reply{meshtest.TooManyRequests(2 * time.Second)}, wantCode: http.StatusServiceUnavailable, wantRetryAfter: "2", wantRequests: 1},
		{name: "rate limited, no Retry-After", userID: "user-1", script: []meshtest.Reply{meshtest.TooManyRequests(0)}, wantCode: http.StatusServiceUnavailable, wantRequests: 1},
		{name: "proxy error", userID: "user-1", script: []meshtest.Reply{meshtest.ServerError(http.StatusBadGateway)}, wantCode: http.StatusBadGateway, wantRequests: 1},
		{name: "credentials revoked", userID: "user-1", script: []meshtest.Reply{meshtest.Unauthorized()}, wantCode: http.StatusBadGateway, wantRequests: 1},
		{name: "Mesh error envelope", userID: "user-1", script: []meshtest.Reply{meshtest.ErrorReply(mesh.StatusPermissionDenied, "forbidden", internalText)}, wantCode: http.StatusBadGateway, wantRequests: 1},
		{name: "user id too long: nothing sent", userID: strings.Repeat("u", mesh.MaxUserIDLength+1), wantCode: http.StatusBadRequest, wantRequests: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			srv.Enqueue(tc.script...)

			w := serve(t, consumer.LinkTokenHandler{Mesh: client}, http.MethodPost, tc.userID)

			var a answer
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &a))
			checkAnswer(t, w, tc.wantCode, a.LinkToken)
			assert.Equal(t, tc.wantRetryAfter, w.Header().Get("Retry-After"))
			reqs := srv.Requests()
			require.Len(t, reqs, tc.wantRequests)
			assert.Zero(t, srv.Pending())
			if tc.wantCode == http.StatusOK {
				lt := mesh.LinkToken{Token: a.LinkToken}
				u, err := lt.URL()
				require.NoError(t, err)
				assert.Equal(t, "web.meshconnect.com", u.Host)
				assert.JSONEq(t, `{"userId":"user-1"}`, string(reqs[0].Body))
			} else {
				assert.Empty(t, a.LinkToken)
			}
		})
	}
}

// config is how the application configures its Mesh client in production.
type config struct {
	ClientID, ClientSecret, BaseURL string
	HTTPClient                      *http.Client
}

// newMeshClient is the application's own constructor, used in production and in tests.
func newMeshClient(c config) (*mesh.Client, error) {
	return mesh.NewClient(c.ClientID, c.ClientSecret,
		mesh.WithBaseURL(c.BaseURL),
		mesh.WithHTTPClient(c.HTTPClient),
		mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}),
	)
}

func TestHandlerWithOwnConfiguration(t *testing.T) {
	// The fake accepts the application's own credentials and serves https, as Mesh.
	srv := meshtest.Start(t, meshtest.WithCredentials("app-client-id", "app-client-secret"), meshtest.WithTLS())
	require.True(t, strings.HasPrefix(srv.URL, "https://"))
	client, err := newMeshClient(config{
		ClientID: "app-client-id", ClientSecret: "app-client-secret",
		BaseURL: srv.URL, HTTPClient: srv.Client(), // trusts the fake's certificate
	})
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)

	w := serve(t, consumer.LinkTokenHandler{Mesh: client}, http.MethodPost, "user-1")

	var a answer
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &a))
	checkAnswer(t, w, http.StatusOK, a.LinkToken)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "app-client-id", reqs[0].Header.Get("X-Client-Id"))

	// Credentials of the wrong environment: the handler answers 502, the log says what to check.
	wrong, err := newMeshClient(config{ClientID: "app-client-id", ClientSecret: "sandbox-secret", BaseURL: srv.URL, HTTPClient: srv.Client()})
	require.NoError(t, err)
	t.Cleanup(wrong.CloseIdleConnections)
	var logs bytes.Buffer
	w = serve(t, consumer.LinkTokenHandler{Mesh: wrong, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, http.MethodPost, "user-1")
	checkAnswer(t, w, http.StatusBadGateway, "")
	assert.Contains(t, logs.String(), "other environment")
	assert.NotContains(t, logs.String(), "sandbox-secret")
}

func TestHandlerRetriesThroughARateLimit(t *testing.T) {
	srv := meshtest.Start(t)
	client, err := srv.NewClient() // fast retries: waits of 1 to 50 ms
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	srv.Enqueue(meshtest.TooManyRequests(10 * time.Millisecond)) // Retry-After: 0, within MaxWait

	w := serve(t, consumer.LinkTokenHandler{Mesh: client}, http.MethodPost, "user-1")

	var a answer
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &a))
	checkAnswer(t, w, http.StatusOK, a.LinkToken)
	assert.Len(t, srv.Requests(), 2, "the 429, then the retry")
}

func TestHandlerLogsTheRefusedFields(t *testing.T) {
	srv := meshtest.Start(t)
	client, err := srv.NewClient()
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	var logs bytes.Buffer
	h := consumer.LinkTokenHandler{Mesh: client, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}

	w := serve(t, h, http.MethodPost, strings.Repeat("🙂", 26)) // 52 UTF-16 code units

	checkAnswer(t, w, http.StatusBadRequest, "")
	assert.Empty(t, srv.Requests(), "nothing is sent")
	var rec struct {
		Fields []string `json:"fields"`
		Error  string   `json:"error"`
	}
	require.NoError(t, json.Unmarshal(logs.Bytes(), &rec), logs.String())
	assert.Equal(t, []string{"userId"}, rec.Fields)
	assert.Contains(t, rec.Error, "hash", "the reason suggests a shorter stable id")
}
