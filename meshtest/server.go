package meshtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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

	webhook *http.Client // delivers the webhook events (webhook.go)

	// mu guards what follows. It is never held while a webhook is delivered: the
	// receiver may call back into the fake.
	mu       sync.Mutex
	queue    []Reply
	requests []Request
	latency  time.Duration
	clients  []*mesh.Client // made by NewClient; their idle connections are closed by Close

	// What Mesh would hold (link.go, transfers.go); Reset keeps it.
	tokens        map[string]*tokenRequest // the requests of the tokens the fake minted, by token
	transfers     []*transferWire          // in order of creation
	verifications []verificationWire       // in order of creation
	deliveries    []*Delivery              // every webhook delivery, in the order sent
}

// NewServer starts a fake Mesh API on a loopback port (as httptest.NewServer does, or
// httptest.NewTLSServer with WithTLS). It is usable outside tests, as the example
// programs do. Close it when done; in a test, Start does that for you.
//
// A client that stalls is cut off: the server waits at most 5 s for a request's
// headers, 10 s for a whole request (headers and body), and keeps an idle
// keep-alive connection 10 s. NewServer panics when WithWebhook was given a url or
// secret that cannot work.
func NewServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	cfg.check()
	s := &Server{cfg: cfg, done: make(chan struct{}), webhook: newWebhookClient(), tokens: map[string]*tokenRequest{}}
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
		s.webhook.CloseIdleConnections()
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

// serve records the request, then answers with the next scripted reply, or as Mesh.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	body, readErr := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))

	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
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
		s.writeReply(w, r, *reply)
		return
	}
	s.answer(w, r, body)
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

// route is an endpoint of the fake: its method and what serves a request to it once
// credentials have been accepted.
type route struct {
	method string
	serve  func(s *Server, w http.ResponseWriter, r *http.Request, body []byte)
}

// routes are the fake's endpoints, by path.
var routes = map[string]route{
	LinkTokenPath:            {http.MethodPost, (*Server).linkToken},
	NetworksPath:             {http.MethodGet, (*Server).serveCatalog},
	IntegrationsPath:         {http.MethodGet, (*Server).serveCatalog},
	TransferIntegrationsPath: {http.MethodGet, (*Server).serveCatalog},
	TransfersPath:            {http.MethodGet, (*Server).serveTransfers},
	WalletVerificationsPath:  {http.MethodGet, (*Server).serveVerifications},
}

// answer answers as Mesh does: route, method, credentials, then the endpoint.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte) {
	rt, ok := routes[r.URL.Path]
	if !ok {
		s.writeError(w, mesh.StatusNotFound, "notFound", "no such endpoint: "+quote(r.URL.Path))
		return
	}
	if r.Method != rt.method {
		w.Header().Set("Allow", rt.method)
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
	rt.serve(s, w, r, body)
}

// serveCatalog serves a catalog GET.
func (s *Server) serveCatalog(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.writeOK(w, catalogContent(r.URL.Path))
}
