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

// logScenario is a call and what each of its attempts ends in.
type logScenario struct {
	name       string
	handler    http.HandlerFunc
	bodies     []string // bodies the server sends, which no record may hold
	statuses   []int    // the status of each attempt (0: no answer)
	errorTypes []string // the errorType of each attempt ("": none)
}

func logScenarios() []logScenario {
	refused := errorBody(StatusBadRequest, "invalidField", "userId is not valid")
	busy := errorBody(StatusTooManyRequest, "rateLimited", "slow down")
	return []logScenario{
		{"success", answer(200, okBody), []string{okBody}, []int{200}, []string{""}},
		{"error envelope", answer(400, refused), []string{refused}, []int{400}, []string{"invalidField"}},
		{"transport error", hangUp, nil, []int{0, 0, 0}, []string{"", "", ""}},
		{"retries, then success",
			sequence(answer(503, "<html>maintenance</html>", "Content-Type", "text/html"), answer(429, busy, "Retry-After", "1"), answer(200, okBody)),
			[]string{"<html>maintenance</html>", busy, okBody}, []int{503, 429, 200}, []string{"", "rateLimited", ""}},
	}
}

// At Debug, a record per attempt and one per retry; at Info (an application's level),
// only the retries. No record holds a header value, a body, the secret or the token.
func TestLogRecords(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		for _, sc := range logScenarios() {
			t.Run(level.String()+" "+sc.name, func(t *testing.T) {
				s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("X-Request-Id", logRequestID) // as Mesh's edge does
					w.Header().Set("Set-Cookie", logCookie)
					sc.handler(w, r)
				})
				rec := &logRecorder{level: level}
				c, clock := newTestClient(t, s.URL, WithLogger(slog.New(rec)))
				_, callErr := c.CreateLinkToken(context.Background(), validRequest())
				attempts := len(sc.statuses)
				require.EqualValues(t, attempts, s.hits.Load(), "attempts")
				records, perAttempt := rec.all(), 1 // records per retried attempt: a retry, and at Debug the attempt
				if level == slog.LevelDebug {
					perAttempt = 2
				}
				require.Len(t, records, perAttempt*attempts-1, "one record per retry, and at Debug one per attempt")
				forbidden := []string{testSecret, testClientID, "mesh-go/", logRequestID, logCookie, testToken, "X-Client-Secret"}
				forbidden = append(forbidden, sc.bodies...)

				for i, r := range records {
					for _, s := range forbidden {
						assert.NotContains(t, text(r), s, "a record holds it")
					}
					a := attrs(r)
					keys := slices.Sorted(maps.Keys(a))
					assert.Equal(t, http.MethodPost, a["method"].String())
					assert.Equal(t, linkTokenPath, a["path"].String())
					n := i/perAttempt + 1 // the attempt the record is about
					if i%perAttempt == perAttempt-1 {
						assert.Equal(t, slog.LevelInfo, r.Level)
						assert.Equal(t, "mesh: retrying", r.Message)
						assert.Equal(t, []string{"attempt", "error", "method", "path", "wait"}, keys)
						assert.EqualValues(t, n, a["attempt"].Int64())
						assert.Equal(t, clock.Waits()[n-1], a["wait"].Duration(), "the wait the client slept")
						assert.NotEmpty(t, a["error"].String())
						if perAttempt == 2 {
							assert.Equal(t, attrs(records[i-1])["error"].String(), a["error"].String(), "the reason is the attempt's error")
						}
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
					assert.Equal(t, wantKeys, keys, "attempt %d", n)
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
