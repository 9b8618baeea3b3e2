package meshtest_test

// Scripted answers: Enqueue and the Reply helpers, on the wire and through a Client.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

func TestErrorReplyThroughClient(t *testing.T) {
	tests := []struct {
		status   mesh.Status
		wantCode int
		want     error
	}{
		{mesh.StatusBadRequest, http.StatusBadRequest, mesh.ErrBadRequest},
		{mesh.StatusPermissionDenied, http.StatusForbidden, mesh.ErrPermissionDenied},
		{mesh.StatusNotFound, http.StatusNotFound, mesh.ErrNotFound},
		{mesh.StatusConflict, http.StatusConflict, mesh.ErrConflict},
		{mesh.StatusLocked, http.StatusLocked, mesh.ErrLocked},
		{mesh.StatusTooManyRequest, http.StatusTooManyRequests, mesh.ErrTooManyRequests},
		{mesh.StatusUnavailableForLegalReasons, http.StatusUnavailableForLegalReasons, mesh.ErrUnavailableForLegalReasons},
		{mesh.StatusServerFailure, http.StatusInternalServerError, mesh.ErrServerFailure},
	}
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			srv.Reset()
			srv.Enqueue(meshtest.ErrorReply(tc.status, "someErrorType", "something about "+string(tc.status)))
			_, err := createLinkToken(client)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantCode, apiErr.HTTPStatusCode)
			assert.Equal(t, tc.status, apiErr.Status)
			assert.Equal(t, "someErrorType", apiErr.ErrorType)
			assert.Equal(t, "something about "+string(tc.status), apiErr.Message)
			assert.NotEmpty(t, apiErr.ErrorHash)
			assert.Len(t, srv.Requests(), 1)
			assert.Zero(t, srv.Pending())
		})
	}
}

func TestReplyFields(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	tests := []struct {
		name  string
		reply meshtest.Reply
		check func(t *testing.T, lt *mesh.LinkToken, err error)
	}{
		{"zero reply is a fresh ok", meshtest.Reply{}, func(t *testing.T, lt *mesh.LinkToken, err error) {
			require.NoError(t, err)
			u, err := lt.URL()
			require.NoError(t, err)
			assert.Equal(t, "web.meshconnect.com", u.Host)
			assert.Empty(t, lt.PaymentLink)
		}},
		{"scripted token and payment link", meshtest.Reply{LinkToken: "dG9rZW4=", PaymentLink: "https://pay.example/1"}, func(t *testing.T, lt *mesh.LinkToken, err error) {
			require.NoError(t, err)
			assert.Equal(t, "dG9rZW4=", lt.Token)
			assert.Equal(t, "https://pay.example/1", lt.PaymentLink)
		}},
		{"every envelope field", meshtest.Reply{
			HTTPStatus: http.StatusConflict, Status: mesh.StatusConflict, ErrorType: "duplicate",
			Message: "dev text", DisplayMessage: "user text", ErrorHash: "cafe0001",
			ErrorData: json.RawMessage(`{"field":"userId"}`),
		}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusConflict, apiErr.HTTPStatusCode)
			assert.Equal(t, "duplicate", apiErr.ErrorType)
			assert.Equal(t, "dev text", apiErr.Message)
			assert.Equal(t, "user text", apiErr.DisplayMessage)
			assert.Equal(t, "cafe0001", apiErr.ErrorHash)
			assert.JSONEq(t, `{"field":"userId"}`, string(apiErr.ErrorData))
		}},
		{"HTTPStatus overrides the status's code", meshtest.Reply{HTTPStatus: http.StatusOK, Status: mesh.StatusLocked}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusOK, apiErr.HTTPStatusCode)
			assert.ErrorIs(t, err, mesh.ErrLocked)
		}},
		{"unknown status gets 500", meshtest.Reply{Status: "weird"}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusInternalServerError, apiErr.HTTPStatusCode)
			assert.ErrorIs(t, err, mesh.ErrServerFailure)
		}},
		{"raw body not JSON", meshtest.Reply{Body: "hello"}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrUnexpectedResponse)
		}},
		{"raw body ok envelope", meshtest.Reply{Body: `{"status":"ok","content":{"linkToken":"cmF3"}}`}, func(t *testing.T, lt *mesh.LinkToken, err error) {
			require.NoError(t, err)
			assert.Equal(t, "cmF3", lt.Token)
		}},
		{"raw body ok without token", meshtest.Reply{Body: `{"status":"ok","content":{}}`}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrUnexpectedResponse)
		}},
		{"raw body with a status code", meshtest.Reply{HTTPStatus: http.StatusForbidden, Body: "denied"}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrPermissionDenied)
		}},
		{"ErrorData not JSON", meshtest.Reply{Status: mesh.StatusBadRequest, ErrorData: json.RawMessage(`{oops`)}, func(t *testing.T, _ *mesh.LinkToken, err error) {
			assert.ErrorIs(t, err, mesh.ErrServerFailure) // the fake reports the broken script as a 500
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			lt, err := createLinkToken(client)
			tc.check(t, lt, err)
			assert.Zero(t, srv.Pending())
		})
	}
}

func TestReplyOnTheWire(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name            string
		reply           meshtest.Reply
		wantCode        int
		wantContentType string
		wantHeader      http.Header
		wantBody        string // substring
	}{
		{"raw body has no content type", meshtest.Reply{Body: "plain"}, http.StatusOK, "", nil, "plain"},
		{"raw body with content type", meshtest.Reply{Body: "<p>", ContentType: "text/html"}, http.StatusOK, "text/html", nil, "<p>"},
		{"envelope defaults to JSON", meshtest.Reply{Status: mesh.StatusLocked}, http.StatusLocked, "application/json", nil, `"status":"locked"`},
		{"envelope content type", meshtest.Reply{ContentType: "text/json"}, http.StatusOK, "text/json", nil, `"status":"ok"`},
		{"extra headers", meshtest.Reply{Header: http.Header{"X-Request-Id": {"r-1"}, "Content-Type": {"application/vnd.mesh+json"}}}, http.StatusOK, "application/vnd.mesh+json", http.Header{"X-Request-Id": {"r-1"}}, `"linkToken"`},
		{"Unauthorized", meshtest.Unauthorized(), http.StatusUnauthorized, "text/plain; charset=utf-8", nil, "Unauthorized"},
		{"ServerError 502", meshtest.ServerError(http.StatusBadGateway), http.StatusBadGateway, "text/html", nil, "<h1>502 Bad Gateway</h1>"},
		{"ServerError 0", meshtest.ServerError(0), http.StatusInternalServerError, "text/html", nil, "500 Internal Server Error"},
		{"TooManyRequests whole seconds", meshtest.TooManyRequests(2 * time.Second), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"2"}}, `"status":"tooManyRequest"`},
		{"TooManyRequests rounds down", meshtest.TooManyRequests(2999 * time.Millisecond), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"2"}}, `"tooManyRequest"`},
		{"TooManyRequests one second", meshtest.TooManyRequests(time.Second), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"1"}}, `"tooManyRequest"`},
		{"TooManyRequests under a second", meshtest.TooManyRequests(999 * time.Millisecond), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"0"}}, `"tooManyRequest"`},
		{"TooManyRequests of a nanosecond", meshtest.TooManyRequests(time.Nanosecond), http.StatusTooManyRequests, "application/json", http.Header{"Retry-After": {"0"}}, `"tooManyRequest"`},
		{"ErrorReply", meshtest.ErrorReply(mesh.StatusPermissionDenied, "forbidden", "no"), http.StatusForbidden, "application/json", nil, `"errorType":"forbidden"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			r := post(t, srv, `{"userId":"u1"}`)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Equal(t, tc.wantContentType, r.header.Get("Content-Type"))
			for k := range tc.wantHeader {
				assert.Equal(t, tc.wantHeader.Get(k), r.header.Get(k), k)
			}
			assert.Contains(t, r.body, tc.wantBody)
		})
	}

	for _, d := range []time.Duration{0, -time.Second} {
		t.Run("TooManyRequests("+d.String()+") has no Retry-After", func(t *testing.T) {
			srv.Enqueue(meshtest.TooManyRequests(d))
			r := post(t, srv, `{"userId":"u1"}`)
			assert.Equal(t, http.StatusTooManyRequests, r.code)
			assert.Empty(t, r.header.Values("Retry-After"))
		})
	}
}

func TestScriptedHelpersThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	tests := []struct {
		name           string
		reply          meshtest.Reply
		want           error
		wantRetryAfter time.Duration
	}{
		{"TooManyRequests", meshtest.TooManyRequests(3 * time.Second), mesh.ErrTooManyRequests, 3 * time.Second},
		{"TooManyRequests without Retry-After", meshtest.TooManyRequests(0), mesh.ErrTooManyRequests, 0},
		{"Unauthorized", meshtest.Unauthorized(), mesh.ErrUnauthorized, 0},
		{"ServerError 502", meshtest.ServerError(http.StatusBadGateway), mesh.ErrServerFailure, 0},
		{"ServerError 503", meshtest.ServerError(http.StatusServiceUnavailable), mesh.ErrServerFailure, 0},
		{"ServerError 504", meshtest.ServerError(http.StatusGatewayTimeout), mesh.ErrServerFailure, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			_, err := createLinkToken(client)
			assert.ErrorIs(t, err, tc.want)
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantRetryAfter, apiErr.RetryAfter)
			assert.NotContains(t, err.Error(), "<html>", "the error should not echo the HTML page")
		})
	}
}

// TestScriptBeforeChecks shows that scripted replies come before any check, and that
// a retrying client spends one reply per attempt.
func TestScriptBeforeChecks(t *testing.T) {
	t.Run("wrong credentials still get the scripted ok", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.Enqueue(meshtest.Reply{LinkToken: "c2NyaXB0ZWQ="})
		c, err := mesh.NewClient("nobody", "nothing", mesh.WithBaseURL(srv.URL), noRetry)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		lt, err := c.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
		require.NoError(t, err)
		assert.Equal(t, "c2NyaXB0ZWQ=", lt.Token)
	})
	t.Run("any path and method", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.Enqueue(meshtest.ErrorReply(mesh.StatusLocked, "locked", "x"))
		r := do(t, srv, http.MethodGet, "/elsewhere", "", map[string]string{"Content-Type": ""})
		assert.Equal(t, http.StatusLocked, r.code)
	})
	t.Run("replies are served in order, then strict again", func(t *testing.T) {
		srv := meshtest.Start(t)
		srv.Enqueue(meshtest.ServerError(503), meshtest.TooManyRequests(0))
		assert.Equal(t, 2, srv.Pending())
		assert.Equal(t, http.StatusServiceUnavailable, post(t, srv, `{}`).code)
		assert.Equal(t, http.StatusTooManyRequests, post(t, srv, `{}`).code)
		assert.Equal(t, http.StatusBadRequest, post(t, srv, `{}`).code)
	})
	t.Run("a retrying client spends the script", func(t *testing.T) {
		srv := meshtest.Start(t)
		client := newClient(t, srv) // the fake's default: 2 fast retries
		srv.Enqueue(meshtest.ServerError(502), meshtest.TooManyRequests(0))
		lt, err := createLinkToken(client)
		require.NoError(t, err)
		assert.NotEmpty(t, lt.Token)
		assert.Len(t, srv.Requests(), 3)
		assert.Zero(t, srv.Pending())
	})
}

// TestTooManyRequestsThroughNewClient checks TooManyRequests against the retry policy
// of Server.NewClient (MaxWait 50 ms): a Retry-After within MaxWait is waited for and
// retried, a longer one ends the call with the error and its RetryAfter.
func TestTooManyRequestsThroughNewClient(t *testing.T) {
	tests := []struct {
		name           string
		retryAfter     time.Duration
		wantErr        bool
		wantRequests   int
		wantRetryAfter time.Duration
	}{
		{"10ms is sent as 0 and retried", 10 * time.Millisecond, false, 2, 0},
		{"no Retry-After is retried", 0, false, 2, 0},
		{"2s is beyond MaxWait", 2 * time.Second, true, 1, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := meshtest.Start(t)
			client := newClient(t, srv)
			srv.Enqueue(meshtest.TooManyRequests(tc.retryAfter))
			lt, err := createLinkToken(client)
			assert.Len(t, srv.Requests(), tc.wantRequests)
			assert.Zero(t, srv.Pending())
			if !tc.wantErr {
				require.NoError(t, err)
				assert.NotEmpty(t, lt.Token)
				return
			}
			require.ErrorIs(t, err, mesh.ErrTooManyRequests)
			var apiErr *mesh.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.wantRetryAfter, apiErr.RetryAfter)
		})
	}
}

// TestReplyContent checks Reply.Content: sent byte for byte as the envelope's content,
// on any path and with any status; without it an ok reply carries the path's usual
// content.
func TestReplyContent(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name        string
		path        string
		reply       meshtest.Reply
		wantCode    int
		wantContent string // the bytes after "content":
	}{
		{"custom networks", meshtest.NetworksPath, meshtest.Reply{Content: json.RawMessage(`{"networks":[{"id":"x", "name" : "<Odd>"}]}`)},
			http.StatusOK, `{"networks":[{"id":"x", "name" : "<Odd>"}]}`},
		{"empty networks", meshtest.NetworksPath, meshtest.Reply{Content: json.RawMessage(`{"networks":[]}`)}, http.StatusOK, `{"networks":[]}`},
		{"null content", meshtest.IntegrationsPath, meshtest.Reply{Content: json.RawMessage(`null`)}, http.StatusOK, `null`},
		{"on the link token path", meshtest.LinkTokenPath, meshtest.Reply{Content: json.RawMessage(`{"linkToken":"dG9r","extra":1}`), LinkToken: "ignored"},
			http.StatusOK, `{"linkToken":"dG9r","extra":1}`},
		{"on an error envelope", meshtest.TransferIntegrationsPath, meshtest.Reply{Status: mesh.StatusConflict, Content: json.RawMessage(`{"why":"odd"}`)},
			http.StatusConflict, `{"why":"odd"}`},
		{"error without content", meshtest.NetworksPath, meshtest.ErrorReply(mesh.StatusLocked, "locked", "no"), http.StatusLocked, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Enqueue(tc.reply)
			r := get(t, srv, tc.path)
			assert.Equal(t, tc.wantCode, r.code)
			assert.True(t, strings.HasSuffix(r.body, `,"content":`+tc.wantContent+`}`), "body %s", r.body)
			assert.True(t, json.Valid([]byte(r.body)), r.body)
		})
	}

	t.Run("ok without content gets the path's content", func(t *testing.T) {
		srv.Enqueue(meshtest.Reply{}, meshtest.Reply{}, meshtest.Reply{LinkToken: "c2NyaXB0ZWQ="})
		networks := okContent(t, get(t, srv, meshtest.NetworksPath))
		assert.Equal(t, okContent(t, get(t, srv, meshtest.NetworksPath)), networks, "a scripted ok serves the normal catalog")
		assert.NotEmpty(t, networks["networks"])
		token := okContent(t, get(t, srv, meshtest.LinkTokenPath))
		assert.Equal(t, "c2NyaXB0ZWQ=", token["linkToken"])
	})
	t.Run("Content that is not JSON is a 500", func(t *testing.T) {
		srv.Enqueue(meshtest.Reply{Content: json.RawMessage(`{oops`)})
		r := get(t, srv, meshtest.NetworksPath)
		assert.Equal(t, http.StatusInternalServerError, r.code)
		assert.Contains(t, r.body, "Content")
	})
	t.Run("Enqueue copies Content", func(t *testing.T) {
		content := json.RawMessage(`{"networks":[]}`)
		srv.Enqueue(meshtest.Reply{Content: content})
		copy(content, `{"NETWORKS":[]}`)
		assert.Contains(t, get(t, srv, meshtest.NetworksPath).body, `"content":{"networks":[]}`)
	})
}
