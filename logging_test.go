package mesh

// Logging (WithLogger): routine attempts stay at Debug; a retry, its reason and its
// wait, is logged at Info; no record holds a header value, a body, or the secret.

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	logRequestID = "req-7f3a9c21d04e" // a header value of every answer
	logCookie    = "session=c00k1e-value-91b2"
)

// withAnswerHeaders makes h answer with a request id and a cookie, as Mesh's edge does.
func withAnswerHeaders(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", logRequestID)
		w.Header().Set("Set-Cookie", logCookie)
		h(w, r)
	}
}

// rawAnswer is a handler that writes b on the bare connection and closes it.
func rawAnswer(b string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		defer conn.Close()
		_, _ = conn.Write([]byte(b))
	}
}

// logScenario is a call and what each of its attempts ends in.
type logScenario struct {
	name       string
	handler    http.HandlerFunc
	bodies     []string // bodies the server sends, which no record may hold
	statuses   []int    // the status of each attempt (0: no answer)
	errorTypes []string // the errorType of each attempt ("": none)
}

func logScenarios() []logScenario {
	echo := errorBody(StatusPermissionDenied, "forbidden", "client secret "+testSecret+" is not allowed")
	refused := errorBody(StatusBadRequest, "invalidField", "userId is not valid")
	busy := errorBody(StatusTooManyRequest, "rateLimited", "slow down")
	return []logScenario{
		{name: "success", handler: answer(200, okBody), bodies: []string{okBody}, statuses: []int{200}, errorTypes: []string{""}},
		{name: "error envelope", handler: answer(400, refused), bodies: []string{refused}, statuses: []int{400}, errorTypes: []string{"invalidField"}},
		{name: "error envelope echoing the secret", handler: answer(403, echo), bodies: []string{echo}, statuses: []int{403}, errorTypes: []string{"forbidden"}},
		{name: "transport error", handler: hangUp, statuses: []int{0, 0, 0}, errorTypes: []string{"", "", ""}},
		{
			name:     "transport error quoting a header line with the secret",
			handler:  rawAnswer("HTTP/1.1 200 OK\r\nX-Echo " + testSecret + "\r\n\r\n"),
			statuses: []int{0, 0, 0}, errorTypes: []string{"", "", ""},
		},
		{
			name:     "retries, then success",
			handler:  sequence(answer(503, "<html>maintenance</html>", "Content-Type", "text/html"), answer(429, busy, "Retry-After", "1"), answer(200, okBody)),
			bodies:   []string{"<html>maintenance</html>", busy, okBody},
			statuses: []int{503, 429, 200}, errorTypes: []string{"", "rateLimited", ""},
		},
	}
}

// run makes the scenario's call on a client logging on h; it returns the client's
// clock and the call's error.
func (sc logScenario) run(t *testing.T, h slog.Handler) (*fakeClock, error) {
	t.Helper()
	s := newServer(t, withAnswerHeaders(sc.handler))
	c, clock := newTestClient(t, s.URL, WithLogger(slog.New(h)))
	_, err := c.CreateLinkToken(context.Background(), validRequest())
	require.EqualValues(t, len(sc.statuses), s.hits.Load(), "attempts")
	return clock, err
}

// At Debug, a record per attempt and one per retry; no record holds a header value, a
// body, the secret or the token.
func TestLogRecordsAtDebug(t *testing.T) {
	for _, sc := range logScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			rec := &logRecorder{level: slog.LevelDebug}
			clock, callErr := sc.run(t, rec)
			attempts := len(sc.statuses)
			records := rec.all()
			require.Len(t, records, 2*attempts-1, "one record per attempt, one per retry")
			forbidden := map[string]string{
				"the secret":        testSecret,
				"the client id":     testClientID,
				"the User-Agent":    "mesh-go/",
				"a request id":      logRequestID,
				"a cookie":          logCookie,
				"the token":         testToken,
				"the secret header": "X-Client-Secret",
			}
			for _, b := range sc.bodies {
				forbidden["the body "+b] = b
			}

			for i, r := range records {
				for what, s := range forbidden {
					assert.NotContains(t, text(r), s, "a record holds %s", what)
				}
				a := attrs(r)
				assert.Equal(t, http.MethodPost, a["method"].String())
				assert.Equal(t, linkTokenPath, a["path"].String())
				n := i/2 + 1 // the attempt the record is about
				if i%2 == 1 {
					assert.Equal(t, slog.LevelInfo, r.Level)
					assert.Equal(t, "mesh: retrying", r.Message)
					assert.Equal(t, []string{"attempt", "error", "method", "path", "wait"}, keys(a))
					assert.EqualValues(t, n, a["attempt"].Int64())
					assert.Equal(t, clock.Waits()[n-1], a["wait"].Duration(), "the wait the client slept")
					assert.Equal(t, attrs(records[i-1])["error"].String(), a["error"].String(), "the reason is the attempt's error")
					continue
				}
				assert.Equal(t, slog.LevelDebug, r.Level)
				assert.Equal(t, "mesh: attempt", r.Message)
				wantKeys := []string{"attempt", "duration", "method", "path", "status"}
				if callErr != nil || n < attempts {
					wantKeys = append(wantKeys, "error")
				}
				if sc.errorTypes[n-1] != "" {
					wantKeys = append(wantKeys, "errorType")
				}
				slices.Sort(wantKeys)
				assert.Equal(t, wantKeys, keys(a), "attempt %d", n)
				assert.EqualValues(t, n, a["attempt"].Int64())
				assert.EqualValues(t, sc.statuses[n-1], a["status"].Int64())
				assert.Equal(t, slog.KindDuration, a["duration"].Kind())
				assert.GreaterOrEqual(t, a["duration"].Duration(), time.Duration(0))
				if sc.errorTypes[n-1] != "" {
					assert.Equal(t, sc.errorTypes[n-1], a["errorType"].String())
				}
				if callErr != nil && n == attempts {
					var story *CallError
					require.ErrorAs(t, callErr, &story)
					assert.Equal(t, story.Err.Error(), a["error"].String(), "the last attempt logs the error the call ends in")
				}
			}
		})
	}
}

// keys returns the keys of a, sorted.
func keys(a map[string]slog.Value) []string {
	return slices.Sorted(maps.Keys(a))
}

// An application logging at Info sees a flaky Mesh, and nothing of routine calls.
func TestLogAtInfoOnlyRetries(t *testing.T) {
	for _, sc := range logScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			rec := &logRecorder{level: slog.LevelInfo}
			clock, _ := sc.run(t, rec)
			records := rec.all()
			require.Len(t, records, len(sc.statuses)-1, "one record per retry")
			for i, r := range records {
				assert.Equal(t, slog.LevelInfo, r.Level)
				assert.Equal(t, "mesh: retrying", r.Message)
				assert.EqualValues(t, i+1, attrs(r)["attempt"].Int64())
				assert.Equal(t, clock.Waits()[i], attrs(r)["wait"].Duration())
				assert.NotEmpty(t, attrs(r)["error"].String())
			}
		})
	}
}

// Without a logger (or with WithLogger(nil)) the client logs nothing anywhere, not
// even on slog's default logger.
func TestLogNilLogger(t *testing.T) {
	rec := &logRecorder{level: slog.LevelDebug}
	old := slog.Default()
	slog.SetDefault(slog.New(rec))
	t.Cleanup(func() { slog.SetDefault(old) })

	for name, opts := range map[string][]Option{"no WithLogger": nil, "WithLogger(nil)": {WithLogger(nil)}} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, sequence(answer(503, ""), hangUp, answer(200, okBody)))
			c, _ := newTestClient(t, s.URL, opts...)
			var err error
			require.NotPanics(t, func() { _, err = c.CreateLinkToken(context.Background(), validRequest()) })
			require.NoError(t, err)
			assert.EqualValues(t, 3, s.hits.Load())
			assert.Empty(t, rec.all())
		})
	}
}
