package mesh

// Concurrency: one Client shared by many goroutines (run under -race), and a warm pool.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// tokenEcho answers with a token made of the request's userId, so that each caller can
// check it got its own answer; it refuses a request without the client's secret.
func tokenEcho(w http.ResponseWriter, r *http.Request) {
	var body struct {
		UserID string `json:"userId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Header.Get("X-Client-Secret") != testSecret {
		answer(400, errorBody(StatusBadRequest, "invalidField", "not the request sent"))(w, r)
		return
	}
	answer(200, `{"status":"ok","content":{"linkToken":"token-`+body.UserID+`"}}`)(w, r)
}

// callFor makes a call on c for req; nil when it got req's user's token.
func callFor(c *Client, req *CreateLinkTokenRequest) error {
	lt, err := c.CreateLinkToken(context.Background(), req)
	if err == nil && lt.Token != "token-"+req.UserID {
		err = fmt.Errorf("%s got the token %q", req.UserID, lt.Token)
	}
	return err
}

// forUser is a valid request for userID.
func forUser(userID string) *CreateLinkTokenRequest {
	req := validRequest()
	req.UserID = userID
	return req
}

// callConcurrently makes n calls at once on c, call i for user(i), and returns their errors.
func callConcurrently(c *Client, n int, user func(i int) string) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = callFor(c, forUser(user(i))) })
	}
	wg.Wait()
	return errs
}

// One Client and one request, shared read-only, serve every kind of call at once, while
// other goroutines close idle connections and print the client: each call gets its own
// answer, sent once, with one log record per attempt (run under -race); no goroutine is left.
func TestConcurrentCallsShareOneClient(t *testing.T) {
	ignore := goleak.IgnoreCurrent() // what other tests left
	const goroutines, calls = 64, 8
	answers := map[string]string{networksPath: networksAnswer,
		integrationsPath: integrationsAnswer, transferIntegrationsPath: transferIntegrationsAnswer}
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == linkTokenPath {
			tokenEcho(w, r)
			return
		}
		answer(http.StatusOK, answers[r.URL.Path])(w, r)
	})
	rec := &logRecorder{level: slog.LevelDebug}
	c, clock := newTestClient(t, s.URL, WithLogger(slog.New(rec)))
	shared := validRequest()

	errs := make(chan error, goroutines*calls)
	var sent atomic.Int32
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				switch n := (g + i) % 7; n {
				case 0:
					sent.Add(1)
					errs <- callFor(c, shared)
				case 4:
					c.CloseIdleConnections()
				case 5:
					if text := fmt.Sprintf("%v %+v %#v %s", c, c, *c, c); strings.Contains(text, testSecret) {
						errs <- errors.New("printing the client shows the secret")
					}
				case 6:
					sent.Add(1)
					errs <- callFor(c, forUser(fmt.Sprintf("user-%d-%d", g, i)))
				default:
					sent.Add(1)
					errs <- clientCalls[n].do(c, context.Background())
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, sent.Load(), s.hits.Load(), "requests: a call was retried or lost")
	assert.Empty(t, clock.Waits())
	assert.Len(t, rec.all(), int(sent.Load()), "one record per attempt")
	assert.Equal(t, validRequest(), shared, "the shared request was changed")
	c.CloseIdleConnections()
	s.Close()
	verifyNoLeak(t, ignore)
}

// A pool filled with exactly n connections (held open at once by the server) serves rounds
// of n calls at once without another, each round by a new Client: Clients without a
// Transport of their own share one pool, as http.Clients share http.DefaultTransport,
// and so do those that wrap Transport(), so a Client per call leaves no connection per
// call behind. DEFECT 9: the old test let goroutines race to fill it.
func TestConcurrentConnectionReuse(t *testing.T) {
	const n, rounds = 8, 6
	var (
		warming atomic.Bool
		arrived = make(chan struct{})
		release = make(chan struct{})
	)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if warming.Load() {
			arrived <- struct{}{}
			<-release
		}
		tokenEcho(w, r)
	})
	wrapped := roundTripFunc(func(r *http.Request) (*http.Response, error) { return Transport().RoundTrip(r) })
	clients := [][]Option{
		nil,                              // the default transport
		{WithHTTPClient(&http.Client{})}, // a caller's client without Transport
		{WithHTTPClient(&http.Client{Transport: wrapped})}, // a wrapper of the SDK's transport
	}
	c, _ := newTestClient(t, srv.URL)

	warming.Store(true)
	warm := make(chan []error)
	go func() { warm <- callConcurrently(c, n, func(i int) string { return fmt.Sprintf("warm-%d", i) }) }()
	for range n {
		<-arrived // n requests held at the server at once: n connections
	}
	require.EqualValues(t, n, srv.conns.Load(), "connections for n requests at once")
	warming.Store(false)
	close(release)
	for _, err := range <-warm {
		require.NoError(t, err)
	}

	for r := range rounds {
		c, _ := newTestClient(t, srv.URL, clients[r%len(clients)]...)
		for _, err := range callConcurrently(c, n, func(i int) string { return fmt.Sprintf("round-%d-%d", r, i) }) {
			require.NoError(t, err)
		}
		assert.EqualValues(t, n, srv.conns.Load(), "round %d opened connections: the pool dropped some, or the Client has its own", r+1)
	}
}
