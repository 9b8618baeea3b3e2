package mesh

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ntAssertNoSecret fails when s holds the secret, its hex form, or a long piece of it
// (a cut that kept most of it).
func ntAssertNoSecret(t testing.TB, s, where string) {
	t.Helper()
	for _, leak := range []string{testSecret, testSecret[:12], hex.EncodeToString([]byte(testSecret)), strings.ToUpper(hex.EncodeToString([]byte(testSecret)))} {
		if strings.Contains(s, leak) {
			t.Errorf("%s holds the secret (%q): %s", where, leak, s)
			return
		}
	}
}

func TestSecretNotInFmt(t *testing.T) {
	c := newTestClient(t, mockBaseURL)
	values := []struct {
		name string
		v    any
	}{
		{name: "*Client", v: c},
		{name: "Client value", v: *c},
		{name: "*Client in a struct", v: struct{ C *Client }{c}},
		{name: "Client value in a struct", v: struct{ C Client }{*c}},
		{name: "*Client in a slice", v: []*Client{c}},
		{name: "*Client in a map", v: map[string]*Client{"c": c}},
		{name: "LinkTokenCreator", v: []LinkTokenCreator{c}},
	}
	for _, val := range values {
		verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%t", "%f", "%c", "%U", "%b", "%o", "%e", "%p", "%10.3v"}
		if strings.Contains(val.name, "value") {
			verbs = ntValueVerbs // the others: TestSecretNotInFmtOfClientValue
		}
		for _, verb := range verbs {
			t.Run(val.name+" "+verb, func(t *testing.T) {
				out := fmt.Sprintf(verb, val.v)
				ntAssertNoSecret(t, out, "fmt "+verb)
			})
		}
	}
	t.Run("Print and Println", func(t *testing.T) {
		ntAssertNoSecret(t, fmt.Sprint(c, *c), "Sprint")
		ntAssertNoSecret(t, fmt.Sprintln(c, *c), "Sprintln")
	})
	t.Run("String names the client", func(t *testing.T) {
		assert.Contains(t, c.String(), testClientID)
		assert.Contains(t, c.String(), "[REDACTED]")
		assert.Equal(t, "mesh.Client(nil)", (*Client)(nil).String())
	})
}

// ntValueVerbs are the verbs under which a Client value (not a *Client) keeps the
// secret hidden today.
var ntValueVerbs = []string{"%v", "%+v", "%#v", "%x", "%X", "%d", "%b", "%o", "%T"}

// fmt prints a field with a verb it does not support for the field's kind (%s or %q on
// a pointer) through badVerb, which dereferences the pointer once: the resty client's
// header map and the *secret, one pointer away from a Client value, are printed whole.
func TestSecretNotInFmtOfClientValue(t *testing.T) {
	c := newTestClient(t, mockBaseURL)
	type holder struct{ c Client } // unexported: fmt cannot call methods on it
	values := []struct {
		name string
		v    any
	}{
		{name: "Client value", v: *c},
		{name: "Client value in a struct", v: struct{ C Client }{*c}},
		{name: "Client value in an unexported field", v: holder{*c}},
		{name: "Client values in a slice", v: []Client{*c}},
	}
	for _, val := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%b", "%o", "%t", "%f", "%c", "%U", "%e"} {
			t.Run(val.name+" "+verb, func(t *testing.T) {
				ntAssertNoSecret(t, fmt.Sprintf(verb, val.v), "fmt "+verb)
			})
		}
	}
}

func TestSecretNotInSlog(t *testing.T) {
	c := newTestClient(t, mockBaseURL)
	handlers := []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{name: "JSON", new: func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
		{name: "text", new: func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
	}
	logs := []struct {
		name string
		log  func(l *slog.Logger)
	}{
		{name: "*Client as an arg", log: func(l *slog.Logger) { l.Info("client", "client", c) }},
		{name: "*Client with slog.Any", log: func(l *slog.Logger) { l.Info("client", slog.Any("client", c)) }},
		{name: "Client value", log: func(l *slog.Logger) { l.Info("client", slog.Any("client", *c)) }},
		{name: "*Client in a group", log: func(l *slog.Logger) { l.Info("client", slog.Group("g", slog.Any("client", c))) }},
		{name: "*Client in With", log: func(l *slog.Logger) { l.With("client", c).Info("client") }},
		{name: "*Client in a struct", log: func(l *slog.Logger) { l.Info("client", "s", struct{ C *Client }{c}) }},
		{name: "LinkTokenCreator", log: func(l *slog.Logger) {
			var lc LinkTokenCreator = c
			l.Info("client", "creator", lc)
		}},
	}
	for _, h := range handlers {
		for _, lg := range logs {
			t.Run(h.name+" "+lg.name, func(t *testing.T) {
				var buf bytes.Buffer
				lg.log(slog.New(h.new(&buf)))
				require.NotEmpty(t, buf.String())
				ntAssertNoSecret(t, buf.String(), "slog output")
			})
		}
	}
	t.Run("LogValue shows the client redacted", func(t *testing.T) {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("client", "client", c)
		assert.Contains(t, buf.String(), testClientID)
		assert.Contains(t, buf.String(), "[REDACTED]")
	})
}

// ntLogRecorder is a slog.Handler that keeps the records it is given.
type ntLogRecorder struct {
	level   slog.Level
	mu      sync.Mutex
	records []slog.Record
}

func (r *ntLogRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }

func (r *ntLogRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	return nil
}

func (r *ntLogRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *ntLogRecorder) WithGroup(string) slog.Handler      { return r }

func (r *ntLogRecorder) all() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slog.Record(nil), r.records...)
}

func ntAttrs(rec slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	rec.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.Resolve()
		return true
	})
	return m
}

// ntLogScenario is one call whose attempts the logger must report.
type ntLogScenario struct {
	name          string
	answers       []httpmock.Responder
	policy        *RetryPolicy  // fastRetry when nil
	cancelAfter   time.Duration // cancel the call's context after this, if set
	request       *CreateLinkTokenRequest
	wantStatus    []int    // HTTP status of each attempt, 0 for no answer
	wantErrorType []string // errorType of each attempt, "" for none
}

func ntLogScenarios() []ntLogScenario {
	env := func(code int, s Status, errorType string) httpmock.Responder {
		return ntRespond(code, ntEnvelope{Status: s, ErrorType: errorType, Message: "message " + errorType, ErrorHash: "h"}.String())
	}
	rep := func(n int, v int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	reps := func(n int, v string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	all := fastRetry.MaxRetries + 1
	scenarios := []ntLogScenario{
		{name: "success", answers: []httpmock.Responder{ntRespond(200, okBody)}, wantStatus: []int{200}, wantErrorType: []string{""}},
		{name: "401 empty", answers: []httpmock.Responder{ntRespond(401, "")}, wantStatus: []int{401}, wantErrorType: []string{""}},
		{name: "401 envelope", answers: []httpmock.Responder{env(401, StatusBadRequest, "invalidCredentials")}, wantStatus: []int{401}, wantErrorType: []string{"invalidCredentials"}},
		{
			name:          "503 twice then ok",
			answers:       []httpmock.Responder{ntRespond(503, "<html>down</html>"), ntRespond(503, "<html>down</html>"), ntRespond(200, okBody)},
			wantStatus:    []int{503, 503, 200},
			wantErrorType: []string{"", "", ""},
		},
		{
			name:          "transport error",
			answers:       []httpmock.Responder{httpmock.NewErrorResponder(errors.New("connection reset (mock)"))},
			wantStatus:    rep(all, 0),
			wantErrorType: reps(all, ""),
		},
		{
			name:          "redirect",
			answers:       []httpmock.Responder{ntRespond(302, "", "Location", "https://elsewhere.test/steal")},
			wantStatus:    []int{302},
			wantErrorType: []string{""},
		},
		{
			name:          "canceled during back-off",
			policy:        &RetryPolicy{MaxRetries: 1, MinWait: time.Second, MaxWait: time.Second},
			cancelAfter:   30 * time.Millisecond,
			answers:       []httpmock.Responder{ntRespond(503, "")},
			wantStatus:    []int{503},
			wantErrorType: []string{""},
		},
		{
			name:          "deadline",
			policy:        &RetryPolicy{},
			cancelAfter:   30 * time.Millisecond,
			answers:       []httpmock.Responder{ntRespond(200, okBody).Delay(300 * time.Millisecond)},
			wantStatus:    []int{0},
			wantErrorType: []string{""},
		},
		{name: "invalid request", request: &CreateLinkTokenRequest{}},
		{name: "not JSON", answers: []httpmock.Responder{ntRespond(200, "<html/>", "Content-Type", "text/html")}, wantStatus: []int{200}, wantErrorType: []string{""}},
		{
			name:          "secret echoed",
			answers:       []httpmock.Responder{ntRespond(400, ntEnvelope{Status: StatusBadRequest, ErrorType: "badSecret", Message: "secret " + testSecret + " is wrong", ErrorData: json.RawMessage(`{"got":"` + testSecret + `"}`)}.String())},
			wantStatus:    []int{400},
			wantErrorType: []string{"badSecret"},
		},
	}
	for _, s := range ntStatuses {
		n := 1
		if errors.Is(s.sentinel, ErrServerFailure) || errors.Is(s.sentinel, ErrTooManyRequests) {
			n = all
		}
		et := "et-" + string(s.status)
		scenarios = append(scenarios, ntLogScenario{
			name:          string(s.status),
			answers:       []httpmock.Responder{env(s.code, s.status, et)},
			wantStatus:    rep(n, s.code),
			wantErrorType: reps(n, et),
		})
	}
	return scenarios
}

// run makes the scenario's call with a client logging to h, and returns its error and
// the number of requests sent.
func (s ntLogScenario) run(t *testing.T, h slog.Handler) (int, error) {
	t.Helper()
	policy := fastRetry
	if s.policy != nil {
		policy = *s.policy
	}
	c, mt := newMockClient(t, WithLogger(slog.New(h)), WithRetry(policy))
	if len(s.answers) > 0 {
		var n atomic.Int32
		mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntSequence(&n, s.answers...))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if s.cancelAfter > 0 {
		time.AfterFunc(s.cancelAfter, cancel)
	}
	req := s.request
	if req == nil {
		req = validRequest()
	}
	_, err := c.CreateLinkToken(ctx, req)
	return mt.GetTotalCallCount(), err
}

func TestLoggerRecords(t *testing.T) {
	allowed := map[string]bool{"method": true, "path": true, "attempt": true, "status": true, "duration": true, "errorType": true, "error": true}
	for _, s := range ntLogScenarios() {
		t.Run(s.name, func(t *testing.T) {
			rec := &ntLogRecorder{level: slog.LevelDebug}
			_, callErr := s.run(t, rec)
			records := rec.all()
			require.Len(t, records, len(s.wantStatus), "one debug record per attempt")
			for i, r := range records {
				assert.Equal(t, slog.LevelDebug, r.Level)
				attrs := ntAttrs(r)
				for k := range attrs {
					assert.True(t, allowed[k], "unexpected attr %q", k)
				}
				assert.Equal(t, http.MethodPost, attrs["method"].String())
				assert.Equal(t, linkTokenPath, attrs["path"].String())
				if assert.Contains(t, attrs, "attempt") {
					assert.EqualValues(t, i+1, attrs["attempt"].Int64())
				}
				if assert.Contains(t, attrs, "status") {
					assert.EqualValues(t, s.wantStatus[i], attrs["status"].Int64())
				}
				if assert.Contains(t, attrs, "duration") {
					assert.Equal(t, slog.KindDuration, attrs["duration"].Kind())
					assert.GreaterOrEqual(t, attrs["duration"].Duration(), time.Duration(0))
				}
				if s.wantErrorType[i] != "" {
					assert.Equal(t, s.wantErrorType[i], attrs["errorType"].String())
				} else {
					assert.NotContains(t, attrs, "errorType")
				}
				if callErr == nil && i == len(records)-1 {
					assert.NotContains(t, attrs, "error", "a success logs no error")
				}
				for k, v := range attrs {
					text := v.String()
					ntAssertNoSecret(t, text, "attr "+k)
					assert.NotContains(t, text, testClientID, "attr %s holds a header value", k)
					assert.NotContains(t, text, "mesh-go/", "attr %s holds the User-Agent", k)
				}
			}
		})
	}
}

func TestSecretNotInLogOutput(t *testing.T) {
	for _, s := range ntLogScenarios() {
		for _, h := range []struct {
			name string
			new  func(*bytes.Buffer) slog.Handler
		}{
			{name: "JSON", new: func(b *bytes.Buffer) slog.Handler {
				return slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})
			}},
			{name: "text", new: func(b *bytes.Buffer) slog.Handler {
				return slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})
			}},
		} {
			t.Run(s.name+" "+h.name, func(t *testing.T) {
				var buf bytes.Buffer
				_, _ = s.run(t, h.new(&buf))
				if len(s.wantStatus) > 0 {
					require.NotEmpty(t, buf.String())
				}
				ntAssertNoSecret(t, buf.String(), "log output")
				assert.NotContains(t, buf.String(), testClientID)
			})
		}
	}
}

func TestLoggerSilentAboveDebug(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn} {
		for _, s := range ntLogScenarios() {
			t.Run(level.String()+" "+s.name, func(t *testing.T) {
				rec := &ntLogRecorder{level: level}
				sent, _ := s.run(t, rec)
				assert.Equal(t, len(s.wantStatus), sent, "the scenario did not run")
				assert.Empty(t, rec.all())
			})
		}
	}
}

func TestSecretNotInErrorText(t *testing.T) {
	closedAddr := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return "http://" + addr
	}
	tests := []struct {
		name string
		call func(t *testing.T) error
	}{
		{name: "validation", call: func(t *testing.T) error {
			c, _ := newMockClient(t)
			_, err := c.CreateLinkToken(context.Background(), &CreateLinkTokenRequest{IntegrationID: "x", TransferOptions: &TransferOptions{ClientFee: Float64(-1)}})
			return err
		}},
		{name: "closed port", call: func(t *testing.T) error {
			c := newTestClient(t, closedAddr(t))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}},
		{name: "mock transport error", call: func(t *testing.T) error {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, httpmock.NewErrorResponder(errors.New("boom")))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}},
		{name: "no responder", call: func(t *testing.T) error {
			c, _ := newMockClient(t)
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}},
		{name: "canceled", call: func(t *testing.T) error {
			srv, _ := ntServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(okBody)) })
			c := newTestClient(t, srv.URL)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := c.CreateLinkToken(ctx, validRequest())
			return err
		}},
		{name: "canceled during back-off", call: func(t *testing.T) error {
			c, mt := newMockClient(t, WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Second, MaxWait: time.Second}))
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(503, ""))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(20*time.Millisecond, cancel)
			_, err := c.CreateLinkToken(ctx, validRequest())
			return err
		}},
		{name: "deadline", call: func(t *testing.T) error {
			srv, _ := ntServer(t, func(w http.ResponseWriter, r *http.Request) { ntStall(r) })
			c := newTestClient(t, srv.URL)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := c.CreateLinkToken(ctx, validRequest())
			return err
		}},
		{name: "redirect", call: func(t *testing.T) error {
			srv, _ := ntServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://elsewhere.test/?secret="+r.Header.Get("X-Client-Secret"), http.StatusTemporaryRedirect)
			})
			c := newTestClient(t, srv.URL)
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}},
		{name: "too large", call: func(t *testing.T) error {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(200, strings.Repeat(testSecret, 40000)))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}},
		{name: "HTML echoing the secret", call: func(t *testing.T) error {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(502, "<html>"+testSecret+"</html>", "Content-Type", "text/html"))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}},
	}
	for _, s := range ntStatuses {
		tests = append(tests, struct {
			name string
			call func(t *testing.T) error
		}{name: string(s.status), call: func(t *testing.T) error {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(s.code, ntEnvelope{Status: s.status, Message: "no"}.String()))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}})
	}
	for _, code := range []int{401, 403, 500} {
		tests = append(tests, struct {
			name string
			call func(t *testing.T) error
		}{name: "empty " + strconv.Itoa(code), call: func(t *testing.T) error {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(code, ""))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			return err
		}})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(t)
			require.Error(t, err)
			ntAssertNoSecret(t, err.Error(), "error text")
			ntAssertNoSecret(t, fmt.Sprintf("%+v", err), "error %+v")
			ntAssertNoSecret(t, fmt.Sprintf("%#v", err), "error %#v")
		})
	}
}

func TestSecretEchoedByServerIsRedacted(t *testing.T) {
	long := strings.Repeat("a", 190)
	tests := []struct {
		name string
		env  ntEnvelope
		code int
	}{
		{name: "message", code: 400, env: ntEnvelope{Status: StatusBadRequest, Message: "secret " + testSecret + " is wrong"}},
		{name: "message where the cut falls", code: 400, env: ntEnvelope{Status: StatusBadRequest, Message: long + testSecret}},
		{name: "display message", code: 403, env: ntEnvelope{Status: StatusPermissionDenied, DisplayMessage: "Bad key " + testSecret}},
		{name: "error type and hash", code: 409, env: ntEnvelope{Status: StatusConflict, ErrorType: testSecret, ErrorHash: testSecret}},
		{name: "error data", code: 400, env: ntEnvelope{Status: StatusBadRequest, Message: "m", ErrorData: json.RawMessage(`{"header":"X-Client-Secret","value":"` + testSecret + `","list":["` + testSecret + `"]}`)}},
		{name: "everywhere at 200", code: 200, env: ntEnvelope{Status: StatusBadRequest, Message: testSecret, DisplayMessage: testSecret, ErrorType: testSecret, ErrorHash: testSecret, ErrorData: json.RawMessage(`"` + testSecret + `"`)}},
		{name: "401", code: 401, env: ntEnvelope{Status: StatusBadRequest, Message: "unknown secret " + testSecret}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(tc.code, tc.env.String()))

			_, err := c.CreateLinkToken(context.Background(), validRequest())
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			ntAssertNoSecret(t, err.Error(), "error text")
			for name, v := range map[string]string{
				"Message": apiErr.Message, "DisplayMessage": apiErr.DisplayMessage, "ErrorType": apiErr.ErrorType,
				"ErrorHash": apiErr.ErrorHash, "ErrorData": string(apiErr.ErrorData), "Status": string(apiErr.Status),
			} {
				ntAssertNoSecret(t, v, name)
			}
			all := apiErr.Message + apiErr.DisplayMessage + apiErr.ErrorType + apiErr.ErrorHash + string(apiErr.ErrorData)
			assert.Contains(t, all, "[REDACTED]", "the echo is dropped rather than redacted")
			if len(apiErr.ErrorData) > 0 {
				assert.True(t, json.Valid(apiErr.ErrorData), "redaction broke errorData: %s", apiErr.ErrorData)
			}
		})
	}
}

// A server that escapes characters in JSON (PHP escapes "/" as "\/", Go escapes "<",
// ">" and "&", any encoder may use \u escapes) echoes a secret into errorData in a form
// the byte search of scrub misses; decoding ErrorData then yields the secret.
func TestSecretEchoedEscapedInErrorData(t *testing.T) {
	const secret = "sk_live/abc+def&ghi"
	tests := []struct {
		name string
		echo string // the secret as the server's encoder writes it inside a JSON string
	}{
		{name: `slash escaped`, echo: `sk_live\/abc+def&ghi`},
		{name: `HTML characters escaped`, echo: `sk_live/abc+def\u0026ghi`},
		{name: `unicode escape`, echo: `\u0073k_live/abc+def&ghi`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c, err := NewClient(testClientID, secret, WithBaseURL(mockBaseURL), WithRetry(ntNoRetry),
				WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(400,
				`{"status":"badRequest","message":"m","errorData":{"got":"`+tc.echo+`"}}`))

			_, err = c.CreateLinkToken(context.Background(), validRequest())
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			var decoded any
			require.NoError(t, json.Unmarshal(apiErr.ErrorData, &decoded))
			assert.NotContains(t, fmt.Sprint(decoded), secret)
		})
	}
}

// An answer that is not JSON names its Content-Type in the error text, unredacted: a
// server (or proxy) echoing the secret there puts it in the error and in the logs.
func TestSecretEchoedInContentType(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
	}{
		{name: "whole secret in a parameter", contentType: "text/html; key=" + testSecret},
		{name: "secret cut by the 64-byte limit", contentType: "text/html; k=" + strings.Repeat("x", 30) + ";s=" + testSecret},
		{name: "secret as the media type", contentType: "text/" + testSecret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			c, mt := newMockClient(t, WithRetry(ntNoRetry),
				WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			mt.RegisterResponder(http.MethodPost, ntMockEndpoint, ntRespond(502, "<html>bad gateway</html>", "Content-Type", tc.contentType))

			_, err := c.CreateLinkToken(context.Background(), validRequest())
			ntAssertOnlySentinel(t, err, ErrServerFailure)
			ntAssertNoSecret(t, err.Error(), "error text")
			ntAssertNoSecret(t, logs.String(), "log output")
		})
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	clients := []struct {
		name string
		opts []Option
	}{
		{name: "default transport"},
		// A caller's http.Client follows redirects by default: only its Transport is used.
		{name: "caller's http.Client", opts: []Option{WithHTTPClient(&http.Client{})}},
	}
	codes := []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}
	for _, cl := range clients {
		for _, code := range codes {
			for _, target := range []string{"another server", "same server"} {
				t.Run(cl.name+" "+strconv.Itoa(code)+" to "+target, func(t *testing.T) {
					var targetHits atomic.Int32
					other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						targetHits.Add(1)
						_, _ = w.Write([]byte(okBody))
					}))
					t.Cleanup(other.Close)
					var originHits atomic.Int32
					origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if r.URL.Path != linkTokenPath {
							targetHits.Add(1)
							_, _ = w.Write([]byte(okBody))
							return
						}
						originHits.Add(1)
						location := other.URL + "/collect"
						if target == "same server" {
							location = "/other/path"
						}
						http.Redirect(w, r, location, code)
					}))
					t.Cleanup(origin.Close)
					c := newTestClient(t, origin.URL, cl.opts...)

					lt, err := c.CreateLinkToken(context.Background(), validRequest())
					assert.Nil(t, lt)
					ntAssertOnlySentinel(t, err, ErrUnexpectedResponse)
					var apiErr *APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, code, apiErr.HTTPStatusCode)
					assert.EqualValues(t, 0, targetHits.Load(), "the redirect target received a request")
					assert.EqualValues(t, 1, originHits.Load(), "a redirect is not retried")
					ntAssertNoSecret(t, err.Error(), "error text")
				})
			}
		}
	}
}
