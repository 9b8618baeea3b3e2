package mesh

// Faults of a hand-written loopback HTTP server: each ends in a known outcome after a
// known number of attempts, then the same Client succeeds. Outcomes and counts only.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultServer is a hand-written loopback HTTP/1.1 server, to misbehave as no net/http
// handler can: it reads each request whole, then answers with its fault, else okBody.
type faultServer struct {
	URL      string
	requests atomic.Int32 // requests read

	ln      net.Listener
	closing chan struct{} // closed by Close: answers that wait give up
	wg      sync.WaitGroup
	mu      sync.Mutex
	fault   faultAnswer
	conns   map[net.Conn]bool
}

// faultAnswer answers one request on c; it reports whether c may carry another.
type faultAnswer func(s *faultServer, c *net.TCPConn) (keepAlive bool)

// newFaultServer starts a server that behaves until told otherwise, closed with the test.
func newFaultServer(t testing.TB) *faultServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &faultServer{URL: "http://" + ln.Addr().String(), ln: ln, closing: make(chan struct{}), conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// misbehave makes every later answer f; nil makes the server behave.
func (s *faultServer) misbehave(f faultAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Close closes every connection and waits for every answer to end.
func (s *faultServer) Close() {
	s.mu.Lock()
	select {
	case <-s.closing:
	default:
		close(s.closing)
		_ = s.ln.Close()
		for c := range s.conns {
			_ = c.Close()
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *faultServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		select {
		case <-s.closing:
			_ = c.Close()
		default:
			s.conns[c] = true
			s.wg.Add(1)
			go s.serve(c.(*net.TCPConn))
		}
		s.mu.Unlock()
	}
}

func (s *faultServer) serve(c *net.TCPConn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		_ = c.Close()
	}()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		s.requests.Add(1)
		s.mu.Lock()
		answer := s.fault
		s.mu.Unlock()
		if answer == nil {
			answer = sendAll(head(200, len(okBody)) + okBody)
		}
		if !answer(s, c) {
			return
		}
	}
}

// head is the head of an answer: status line, Content-Length (when not negative), the
// header pairs (name, value, ...), Content-Type application/json.
func head(code, contentLength int, header ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n", code, http.StatusText(code))
	if contentLength >= 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", contentLength)
	}
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", header[i], header[i+1])
	}
	return b.String() + "\r\n"
}

// sendAll writes b in one write and keeps the connection.
func sendAll(b string) faultAnswer {
	return func(_ *faultServer, c *net.TCPConn) bool {
		_, err := io.WriteString(c, b)
		return err == nil
	}
}

// waitForHangUp returns when the client closes c, or the server closes.
func waitForHangUp(c *net.TCPConn) { _, _ = io.Copy(io.Discard, c) }

// reset closes c with a TCP reset (SO_LINGER 0).
func reset(c *net.TCPConn) bool {
	_ = c.SetLinger(0)
	return false
}

// partial is the head of an ok answer of 1000 bytes and its first 100.
var partial = head(200, 1000) + strings.Repeat(" ", 100)

var (
	resetAtOnce faultAnswer = func(_ *faultServer, c *net.TCPConn) bool { return reset(c) }
	closeAtOnce faultAnswer = func(*faultServer, *net.TCPConn) bool { return false }
	garbage     faultAnswer = func(_ *faultServer, c *net.TCPConn) bool {
		_, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.6\r\n")
		return false
	}
	neverAnswer faultAnswer = func(_ *faultServer, c *net.TCPConn) bool {
		waitForHangUp(c)
		return false
	}
	closeMidBody faultAnswer = func(_ *faultServer, c *net.TCPConn) bool {
		_, _ = io.WriteString(c, partial)
		return false
	}
	stallMidBody faultAnswer = func(_ *faultServer, c *net.TCPConn) bool {
		if _, err := io.WriteString(c, head(200, len(okBody))+`{"status":`); err == nil {
			waitForHangUp(c)
		}
		return false
	}
	// endlessTrickle: the connection is never idle, so only a limit on the attempt ends it.
	endlessTrickle = trickle(head(200, 1<<30))
	// headerTrickle sends a header line a byte every 2 ms, forever.
	headerTrickle = trickle("HTTP/1.1 200 OK\r\nX-Slow: ")
	// endless1xx sends informational answers (103 Early Hints), and never the answer.
	endless1xx faultAnswer = func(_ *faultServer, c *net.TCPConn) bool {
		hints := strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n", 64)
		for {
			if _, err := io.WriteString(c, hints); err != nil {
				return false
			}
		}
	}
	// switchingProtocols: net/http hands the connection over as the body, out of the context's reach.
	switchingProtocols = trickle("HTTP/1.1 101 Switching Protocols\r\nUpgrade: mesh\r\nConnection: Upgrade\r\n\r\n")
	// trickledEnvelope sends okBody one byte at a time.
	trickledEnvelope faultAnswer = func(s *faultServer, c *net.TCPConn) bool {
		if _, err := io.WriteString(c, head(200, len(okBody))); err != nil {
			return false
		}
		for i := range len(okBody) {
			if _, err := io.WriteString(c, okBody[i:i+1]); err != nil {
				return false
			}
			select {
			case <-time.After(time.Millisecond):
			case <-s.closing:
				return false
			}
		}
		return true
	}
)

// trickle sends prefix, then a space every 2 ms until the client or the server hangs up.
func trickle(prefix string) faultAnswer {
	return func(s *faultServer, c *net.TCPConn) bool {
		if _, err := io.WriteString(c, prefix); err != nil {
			return false
		}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			if _, err := io.WriteString(c, " "); err != nil {
				return false
			}
			select {
			case <-tick.C:
			case <-s.closing:
				return false
			}
		}
	}
}

// as200 is a caller's Transport that passes a 101 answer on as a 200: its body is then
// the connection net/http handed over, which no context reaches.
type as200 struct{ next http.RoundTripper }

func (a as200) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := a.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusSwitchingProtocols {
		resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
	}
	return resp, err
}

// newAs200 is as200 over a Transport of its own, closed when the test ends.
func newAs200(t *testing.T) as200 {
	next := &http.Transport{}
	t.Cleanup(next.CloseIdleConnections)
	return as200{next: next}
}

// resetMidBody sends partial, waits until the client has its head (gotHead), then resets.
func resetMidBody(gotHead <-chan struct{}) faultAnswer {
	return func(s *faultServer, c *net.TCPConn) bool {
		if _, err := io.WriteString(c, partial); err != nil {
			return false
		}
		select {
		case <-gotHead:
		case <-s.closing:
		}
		return reset(c)
	}
}

// streamBody sends an ok answer of size spaces and reports how many it wrote before the
// client hung up (-1: all).
func streamBody(size int64, wrote chan<- int64) faultAnswer {
	return func(_ *faultServer, c *net.TCPConn) bool {
		if _, err := io.WriteString(c, head(200, int(size))); err != nil {
			wrote <- 0
			return false
		}
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for n := int64(0); n < size; {
			w, err := c.Write(chunk[:min(size-n, int64(len(chunk)))])
			n += int64(w)
			if err != nil {
				wrote <- n
				return false
			}
		}
		wrote <- -1
		return true
	}
}

// callFailed checks a transport error (sentinel nil) or an *APIError of sentinel, that
// matches cause (when not nil) and contains text.
func callFailed(sentinel, cause error, text string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if sentinel == nil {
			assertTransportError(t, err)
		} else {
			assertOnlySentinel(t, err, sentinel)
			var apiErr *APIError
			assert.ErrorAs(t, err, &apiErr)
		}
		if cause != nil {
			assert.ErrorIs(t, err, cause)
		}
		assert.ErrorContains(t, err, text)
	}
}

func TestFaultInjection(t *testing.T) {
	const mib = 1 << 20
	gotHead := make(chan struct{}, DefaultMaxRetries+1)
	wrote := make(chan int64, 1)
	bomb := gzipZeros(64)
	require.Less(t, len(bomb), mib, "the bomb is small on the wire")
	passOn101 := WithHTTPClient(&http.Client{Transport: newAs200(t)})
	// Within net/http's 10 MiB, past the SDK transport's bound.
	hugeHead := strings.Replace(head(200, len(okBody)), "\r\n", "\r\nX-Padding: "+strings.Repeat("a", 9<<20)+"\r\n", 1)
	tests := []struct {
		name     string
		fault    faultAnswer
		limit    bool // a per-attempt limit (WithTimeout) ends the attempts
		traced   bool // the call signals gotHead when an answer's first byte arrives
		opts     []Option
		attempts int // attempts the client made
		check    func(t *testing.T, err error)
	}{
		{name: "reset before any answer", fault: resetAtOnce, attempts: 3, check: callFailed(nil, syscall.ECONNRESET, "")},
		{name: "FIN before any answer", fault: closeAtOnce, attempts: 3, check: callFailed(nil, io.EOF, "")},
		{
			// 1xx answers count in the header bound.
			name: "informational answers without end", fault: endless1xx, attempts: 3,
			check: callFailed(nil, nil, "headers exceeded "+strconv.Itoa(maxHeaderBytes)),
		},
		{
			name: "response headers past the SDK transport's bound", attempts: 1, opts: []Option{WithRetry(RetryPolicy{})},
			fault: sendAll(hugeHead + okBody), check: callFailed(nil, nil, "headers exceeded"),
		},
		{
			// A caller's *http.Client without a Transport (one set only for its Timeout,
			// say) gets the SDK's default transport, not net/http's.
			name: "response headers past the bound, caller's client without Transport", attempts: 1,
			opts:  []Option{WithHTTPClient(&http.Client{Timeout: time.Minute}), WithRetry(RetryPolicy{})},
			fault: sendAll(hugeHead + okBody), check: callFailed(nil, nil, "headers exceeded"),
		},
		{
			name: "a header line trickled without end", fault: headerTrickle, limit: true, attempts: 3,
			check: callFailed(nil, context.DeadlineExceeded, ""),
		},
		{name: "garbage instead of HTTP", fault: garbage, attempts: 3, check: callFailed(nil, nil, "malformed HTTP")},
		{
			// The read error is the cause.
			name: "reset in the middle of the body", fault: resetMidBody(gotHead), traced: true, attempts: 3,
			check: callFailed(ErrUnexpectedResponse, syscall.ECONNRESET, ""),
		},
		{
			name: "FIN in the middle of the body", fault: closeMidBody, attempts: 3,
			check: callFailed(ErrUnexpectedResponse, io.ErrUnexpectedEOF, ""),
		},
		{
			name: "no answer within the attempt's limit", fault: neverAnswer, limit: true, attempts: 3,
			check: callFailed(nil, context.DeadlineExceeded, ""),
		},
		{
			// No 1xx is read: without a limit, its body would last as long as the server
			// wants.
			name:  "101 Switching Protocols, then a trickle",
			fault: switchingProtocols, opts: []Option{WithTimeout(0)}, attempts: 1,
			check: callFailed(ErrUnexpectedResponse, nil, "101 Switching Protocols: informational answer"),
		},
		{
			// A body no context reaches still ends with the attempt.
			name:  "101 passed on as a 200, then a trickle",
			fault: switchingProtocols, limit: true, opts: []Option{passOn101}, attempts: 3,
			check: callFailed(ErrUnexpectedResponse, context.DeadlineExceeded, ""),
		},
		{name: "body stalls after the headers", fault: stallMidBody, limit: true, attempts: 3, check: assertAttemptLimit},
		{name: "endless trickle", fault: endlessTrickle, limit: true, attempts: 3, check: assertAttemptLimit},
		{
			name: "envelope trickled byte by byte", fault: trickledEnvelope, attempts: 1,
			check: func(t *testing.T, err error) { assert.NoError(t, err) },
		},
		{
			name: "200 MiB body", fault: streamBody(200*mib, wrote), attempts: 1,
			check: func(t *testing.T, err error) {
				callFailed(ErrUnexpectedResponse, nil, "larger than")(t, err)
				n := <-wrote
				assert.NotEqual(t, int64(-1), n, "the client read the whole body")
				assert.Less(t, n, int64(200*mib), "the client did not hang up")
			},
		},
		{
			name: "gzip bomb of 64 MiB", attempts: 1,
			fault: sendAll(head(200, len(bomb), "Content-Encoding", "gzip") + string(bomb)),
			check: callFailed(ErrUnexpectedResponse, nil, "larger than"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newFaultServer(t)
			opts := tc.opts
			if tc.limit {
				// Long enough for a good answer on a loaded machine, once the server behaves.
				opts = append(opts, WithTimeout(200*time.Millisecond))
			}
			c, clock := newTestClient(t, s.URL, opts...)
			s.misbehave(tc.fault)
			ctx := context.Background()
			if tc.traced {
				ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
					GotFirstResponseByte: func() { gotHead <- struct{}{} },
				})
			}

			var lt *LinkToken
			err := mustReturn(t, func() (err error) {
				lt, err = c.CreateLinkToken(ctx, validRequest())
				return err
			})
			tc.check(t, err)
			if err != nil {
				assert.Nil(t, lt)
				assertNoSecret(t, err.Error(), "error text")
			}
			assert.Len(t, clock.Waits(), tc.attempts-1, "attempts")
			if tc.limit { // an attempt may reach its limit before the server reads it
				assert.LessOrEqual(t, s.requests.Load(), int32(tc.attempts), "requests read")
			} else {
				assert.EqualValues(t, tc.attempts, s.requests.Load(), "requests read")
			}

			s.misbehave(nil)
			lt, err = c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err, "the same client, once the server behaves")
			assert.Equal(t, testToken, lt.Token)
		})
	}
}
