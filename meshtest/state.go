package meshtest

// What a test scripts (Enqueue, SetLatency) and reads back (Requests), and Reset.

import (
	"bytes"
	"net/http"
	"slices"
	"time"
)

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

// Reset forgets what the test scripted and observed: the received requests, the
// queued replies, the latency and the webhook deliveries. What Mesh would hold stays:
// the tokens the fake minted (a token paid with stays paid), the transfers and the
// wallet verifications. Link tokens minted afterwards stay unique.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.queue, s.latency, s.deliveries = nil, nil, 0, nil
}

// Request is one request the server received, for a test to check what the SDK sent.
type Request struct {
	Method   string      // e.g. POST
	Path     string      // the URL's path, e.g. LinkTokenPath
	RawQuery string      // the URL's query as received, without '?' (url.ParseQuery reads it)
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
