package meshtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mesh-go/mesh"
)

// The credentials the fake accepts by default, in the X-Client-Id and X-Client-Secret
// headers (WithCredentials replaces them). Server.NewClient uses them.
const (
	ClientID     = "meshtest-client-id"
	ClientSecret = "meshtest-client-secret"
)

// MaxBodyBytes is the largest request body the fake accepts (1 MiB); a larger one is
// answered with a badRequest envelope.
const MaxBodyBytes = 1 << 20

// Server is a fake Mesh API listening on loopback. Create it with NewServer or Start
// and stop it with Close. All its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port, or https://... with
	// WithTLS), to hand to mesh.WithBaseURL.
	URL string

	cfg       config
	ts        *httptest.Server
	done      chan struct{} // closed by Close, to end pending delays
	closeOnce sync.Once
	seq       atomic.Uint64 // numbers the minted ids, so that they are unique

	mu       sync.Mutex
	queue    []Reply
	requests []Request
	latency  time.Duration
	clients  []*mesh.Client // made by NewClient; their idle connections are closed by Close
}

// NewServer starts a fake Mesh API on a loopback port (as httptest.NewServer does, or
// httptest.NewTLSServer with WithTLS). It is usable outside tests, as the example
// programs do. Close it when done; in a test, Start does that for you.
//
// A client that stalls is cut off: the server waits at most 5 s for a request's
// headers, 10 s for a whole request (headers and body), and keeps an idle
// keep-alive connection 10 s.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	s := &Server{cfg: cfg, done: make(chan struct{})}
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.ts.Config.ReadHeaderTimeout = cfg.readHeaderTimeout
	s.ts.Config.ReadTimeout = cfg.readTimeout
	s.ts.Config.IdleTimeout = cfg.idleTimeout
	if cfg.tls {
		s.ts.StartTLS()
	} else {
		s.ts.Start()
	}
	s.URL = s.ts.URL
	return s
}

// Start is NewServer for a test or benchmark: tb.Cleanup closes the server when tb
// and its subtests end, so a test leaves no server and no goroutine of it behind.
//
//	func TestCheckout(t *testing.T) {
//		srv := meshtest.Start(t)
//		client, err := srv.NewClient()
//		require.NoError(t, err)
//		srv.Enqueue(meshtest.TooManyRequests(2 * time.Second))
//		_, err = client.CreateLinkToken(ctx, req) // errors.Is(err, mesh.ErrTooManyRequests)
//		...
//	}
//
// Close also closes the idle connections of the clients that srv.NewClient made; a
// *mesh.Client built by hand for srv.URL keeps its own pool, so call its
// CloseIdleConnections in a cleanup when the test checks for leaked goroutines.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// Close ends pending delays, shuts the server down and closes the idle connections of
// the clients that NewClient made. It cuts every connection first, so a request still
// being received or answered ends at once with no answer: Close returns promptly
// even when a client stalls in the middle of a request. Calling it again does
// nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		// httptest.Server.Close waits for the requests being served, and a request
		// whose body never comes would keep it waiting until the read timeout.
		s.ts.CloseClientConnections()
		s.ts.Close()
		s.mu.Lock()
		clients := s.clients
		s.clients = nil
		s.mu.Unlock()
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	})
}

// Client returns an *http.Client for this server: with WithTLS it trusts the server's
// certificate. Hand it to mesh.WithHTTPClient when building your own *mesh.Client, or
// use it for raw requests. Close closes its idle connections.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// NewClient returns a *mesh.Client for this server: the server's credentials
// (ClientID and ClientSecret, or WithCredentials's), mesh.WithBaseURL(s.URL),
// mesh.WithHTTPClient(s.Client()) with WithTLS, and a fast retry policy {MaxRetries:
// 2, MinWait: 1ms, MaxWait: 50ms}; then opts, which may override any of these (for
// instance mesh.WithRetry(mesh.RetryPolicy{}) so that retries consume no scripted
// reply). A Retry-After above 50 ms therefore ends a call with its error instead of
// being waited for. Close closes the client's idle connections.
func (s *Server) NewClient(opts ...mesh.Option) (*mesh.Client, error) {
	all := []mesh.Option{
		mesh.WithBaseURL(s.URL),
		mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}),
	}
	if s.cfg.tls {
		all = append(all, mesh.WithHTTPClient(s.Client()))
	}
	c, err := mesh.NewClient(s.cfg.clientID, s.cfg.clientSecret, append(all, opts...)...)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.clients = append(s.clients, c)
	s.mu.Unlock()
	return c, nil
}

// Enqueue scripts the next answers, served in order, before any check of credentials,
// route or body. A request takes the first queued reply meant for it: one whose Path
// is its own, or one without a Path (any path, any method). A reply meant for another
// path stays queued, in its place, for a request to its path: so a test that scripts
// a 429 for LinkTokenPath does not lose it to the catalog GET its code makes first.
// When no queued reply is meant for a request, the server answers like Mesh.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range replies {
		s.queue = append(s.queue, r.clone())
	}
}

// Pending returns how many scripted replies have not been served yet, so that a test
// can check that its script was used up.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// SetLatency delays every answer by d (0 turns it off), on top of a scripted reply's
// own Delay. A delay ends early, with no answer, when the client goes away or the
// server is closed.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Requests returns copies of the requests received so far, in order of arrival, on
// every path (the catalog's GETs included), those a scripted reply answered included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Reset forgets the received requests, the queued replies and the latency. Link
// tokens minted afterwards stay unique.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.queue, s.latency = nil, nil, 0
}

// Request is one request the server received, for a test to check what the SDK sent.
type Request struct {
	Method   string      // e.g. POST
	Path     string      // the URL's path, e.g. LinkTokenPath
	Header   http.Header // as received: X-Client-Id, X-Client-Secret, User-Agent, ...
	Body     []byte      // as received (none for the SDK's GETs); cut after MaxBodyBytes+1 bytes
	Received time.Time   // when the server began reading it
}

// clone deep-copies r, so that callers cannot change the server's record.
func (r Request) clone() Request {
	r.Header = r.Header.Clone()
	r.Body = bytes.Clone(r.Body)
	return r
}

// serve records the request, then answers with the next scripted reply, or as Mesh.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	body, readErr := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))

	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		Header:   r.Header.Clone(),
		Body:     body,
		Received: received,
	})
	if readErr != nil { // the client went away while sending
		s.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	reply := s.nextReply(r.URL.Path)
	delay := s.latency
	s.mu.Unlock()

	if reply != nil {
		delay += reply.Delay
	}
	if !s.wait(r.Context(), delay) {
		panic(http.ErrAbortHandler) // nobody is left to answer
	}
	if reply != nil {
		s.writeReply(w, r.URL.Path, *reply)
		return
	}
	s.answer(w, r, body)
}

// nextReply takes the first queued reply meant for a request to path, or returns nil.
// The caller holds s.mu.
func (s *Server) nextReply(path string) *Reply {
	for i, r := range s.queue {
		if r.Path == "" || r.Path == path {
			s.queue = slices.Delete(s.queue, i, i+1)
			return &r
		}
	}
	return nil
}

// wait sleeps for d; it reports false when the client went away or the server closed
// first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// answer answers as Mesh does: route, method, credentials, then the endpoint.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte) {
	method := http.MethodGet
	if r.URL.Path == LinkTokenPath {
		method = http.MethodPost
	} else if catalogContent(r.URL.Path) == nil {
		s.writeError(w, mesh.StatusNotFound, "notFound", "no such endpoint: "+quote(r.URL.Path))
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		writeText(w, http.StatusMethodNotAllowed, "Method Not Allowed\n")
		return
	}
	id, secret := r.Header.Get("X-Client-Id"), r.Header.Get("X-Client-Secret")
	switch {
	case id == "" || secret == "":
		writeText(w, http.StatusUnauthorized, "Unauthorized: missing X-Client-Id or X-Client-Secret\n")
		return
	case id != s.cfg.clientID || secret != s.cfg.clientSecret:
		writeText(w, http.StatusUnauthorized, "Unauthorized: unknown client credentials\n")
		return
	}
	if method == http.MethodPost {
		s.linkToken(w, r, body)
		return
	}
	s.writeOK(w, catalogContent(r.URL.Path))
}
