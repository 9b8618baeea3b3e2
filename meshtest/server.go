package meshtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mesh-go/mesh"
)

// The only credentials the fake accepts, in the X-Client-Id and X-Client-Secret
// headers. Server.NewClient uses them.
const (
	ClientID     = "meshtest-client-id"
	ClientSecret = "meshtest-client-secret"
)

// MaxBodyBytes is the largest request body the fake accepts (1 MiB); a larger one is
// answered with a badRequest envelope.
const MaxBodyBytes = 1 << 20

// Server is a fake Mesh API listening on loopback. Create it with NewServer and stop
// it with Close. All its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port), to hand to mesh.WithBaseURL.
	URL string

	ts        *httptest.Server
	done      chan struct{} // closed by Close, to end pending delays
	closeOnce sync.Once
	seq       atomic.Uint64 // numbers the minted ids, so that they are unique

	mu       sync.Mutex
	queue    []Reply
	requests []Request
	latency  time.Duration
}

// NewServer starts a fake Mesh API on a loopback port (httptest.NewServer). It is
// usable outside tests, as the example programs do. Close it when done.
func NewServer() *Server {
	s := &Server{done: make(chan struct{})}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL
	return s
}

// Close ends pending delays and shuts the server down, waiting for the requests it is
// serving. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
	})
}

// NewClient returns a *mesh.Client for this server: credentials ClientID and
// ClientSecret, mesh.WithBaseURL(s.URL), a fast retry policy {MaxRetries: 2, MinWait:
// 1ms, MaxWait: 50ms}, then opts, which may override any of these (for instance
// mesh.WithRetry(mesh.RetryPolicy{}) so that retries consume no scripted reply).
func (s *Server) NewClient(opts ...mesh.Option) (*mesh.Client, error) {
	all := append([]mesh.Option{
		mesh.WithBaseURL(s.URL),
		mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}),
	}, opts...)
	return mesh.NewClient(ClientID, ClientSecret, all...)
}

// Enqueue scripts the next answers, served in order, one per request to any path,
// before any check of credentials or body. When the queue is empty the server
// behaves like Mesh.
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

// Requests returns copies of the requests received so far, in order of arrival
// (those answered by a scripted reply too).
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

// Request is one request the server received.
type Request struct {
	Method   string
	Path     string
	Header   http.Header
	Body     []byte // as received; cut after MaxBodyBytes+1 bytes
	Received time.Time
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
	var reply *Reply
	if len(s.queue) > 0 {
		next := s.queue[0]
		s.queue[0] = Reply{}
		s.queue = s.queue[1:]
		reply = &next
	}
	delay := s.latency
	s.mu.Unlock()

	if reply != nil {
		delay += reply.Delay
	}
	if !s.wait(r.Context(), delay) {
		panic(http.ErrAbortHandler) // nobody is left to answer
	}
	if reply != nil {
		s.writeReply(w, *reply)
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

// answer answers as Mesh does: route, method, credentials, then the endpoint.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.URL.Path != LinkTokenPath {
		s.writeEnvelope(w, http.StatusNotFound, s.errorEnvelope(mesh.StatusNotFound, "notFound", "no such endpoint: "+r.URL.Path))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeText(w, http.StatusMethodNotAllowed, "Method Not Allowed\n")
		return
	}
	id, secret := r.Header.Get("X-Client-Id"), r.Header.Get("X-Client-Secret")
	switch {
	case id == "" || secret == "":
		writeText(w, http.StatusUnauthorized, "Unauthorized: missing X-Client-Id or X-Client-Secret\n")
		return
	case id != ClientID || secret != ClientSecret:
		writeText(w, http.StatusUnauthorized, "Unauthorized: unknown client credentials\n")
		return
	}
	s.linkToken(w, r, body)
}
