package mesh

// Faults of hand-written loopback servers. HTTP/1.1: each ends in a known outcome after a
// known number of attempts, then the same Client succeeds. HTTP/2, frame by frame: no error
// shows the secret, a complete envelope is a token sent once, nothing is read without bound.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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

// faultServer is a loopback HTTP/1.1 server that reads each request whole, then answers
// okBody, or with its fault: on the bare connection, to misbehave as no net/http handler
// can, and then closes it.
type faultServer struct {
	*server
	closing chan struct{} // closed when the test ends: answers that wait give up
	wg      sync.WaitGroup
	mu      sync.Mutex
	fault   faultAnswer
	conns   []net.Conn
}

// faultAnswer answers one request on c.
type faultAnswer func(s *faultServer, c *net.TCPConn)

// newFaultServer starts a server that behaves until told otherwise, closed with the test.
func newFaultServer(t testing.TB) *faultServer {
	t.Helper()
	s := &faultServer{closing: make(chan struct{})}
	s.server = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		fault := s.fault
		s.mu.Unlock()
		if fault == nil {
			answer(http.StatusOK, okBody)(w, r)
			return
		}
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-s.closing:
			_ = c.Close()
		default:
			s.conns = append(s.conns, c)
			s.wg.Go(func() {
				defer c.Close()
				fault(s, c.(*net.TCPConn))
			})
		}
	})
	t.Cleanup(func() { // before the server closes
		s.mu.Lock()
		close(s.closing)
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// misbehave makes every later answer f; nil makes the server behave.
func (s *faultServer) misbehave(f faultAnswer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// head is the head of an ok answer of contentLength bytes, with the header pairs (name,
// value, ...).
func head(contentLength int, header ...string) string {
	h := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(contentLength) + "\r\n"
	for i := 0; i+1 < len(header); i += 2 {
		h += header[i] + ": " + header[i+1] + "\r\n"
	}
	return h + "\r\n"
}

// send writes b in one write.
func send(b string) faultAnswer {
	return func(_ *faultServer, c *net.TCPConn) { _, _ = io.WriteString(c, b) }
}

// hold writes b, then nothing more until the client, or the server, closes c.
func hold(b string) faultAnswer {
	return func(_ *faultServer, c *net.TCPConn) {
		if _, err := io.WriteString(c, b); err == nil {
			_, _ = io.Copy(io.Discard, c)
		}
	}
}

// reset closes c with a TCP reset (SO_LINGER 0).
func reset(_ *faultServer, c *net.TCPConn) { _ = c.SetLinger(0) }

// partial is the head of an ok answer of 1000 bytes and its first 100.
var partial = head(1000) + strings.Repeat(" ", 100)

// switchingProtocols: net/http hands the connection over as the body, out of the context's reach.
var switchingProtocols = trickle("HTTP/1.1 101 Switching Protocols\r\nUpgrade: mesh\r\nConnection: Upgrade\r\n\r\n")

// trickle sends prefix, then a space every 2 ms until the client or the server hangs up.
func trickle(prefix string) faultAnswer {
	return func(s *faultServer, c *net.TCPConn) {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for _, err := io.WriteString(c, prefix); err == nil; _, err = io.WriteString(c, " ") {
			select {
			case <-tick.C:
			case <-s.closing:
				return
			}
		}
	}
}

// endless1xx sends informational answers (103 Early Hints), and never the answer.
func endless1xx(_ *faultServer, c *net.TCPConn) {
	hints := strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n", 64)
	for {
		if _, err := io.WriteString(c, hints); err != nil {
			return
		}
	}
}

// trickledEnvelope sends okBody one byte a millisecond.
func trickledEnvelope(s *faultServer, c *net.TCPConn) {
	_, err := io.WriteString(c, head(len(okBody), "Connection", "close"))
	for i := 0; i < len(okBody) && err == nil; i++ {
		_, err = io.WriteString(c, okBody[i:i+1])
		select {
		case <-time.After(time.Millisecond):
		case <-s.closing:
			return
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
	return func(s *faultServer, c *net.TCPConn) {
		if _, err := io.WriteString(c, partial); err == nil {
			select {
			case <-gotHead:
			case <-s.closing:
			}
			reset(s, c)
		}
	}
}

// streamBody sends an ok answer of size spaces and reports how many it wrote before the
// client hung up (-1: all).
func streamBody(size int, wrote chan<- int) faultAnswer {
	return func(_ *faultServer, c *net.TCPConn) {
		_, err := io.WriteString(c, head(size))
		n := 0
		for chunk := strings.Repeat(" ", 64<<10); n < size && err == nil; {
			var m int
			m, err = io.WriteString(c, chunk[:min(size-n, len(chunk))])
			n += m
		}
		if err == nil {
			n = -1
		}
		wrote <- n
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
			assert.ErrorAs(t, err, new(*APIError))
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
	wrote := make(chan int, 1)
	bomb := gzipZeros(64)
	require.Less(t, len(bomb), mib, "the bomb is small on the wire")
	noRetry := WithRetry(RetryPolicy{})
	// Within net/http's 10 MiB, past the SDK transport's bound.
	hugeHead := send(strings.Replace(head(len(okBody)), "\r\n", "\r\nX-Padding: "+strings.Repeat("a", 9<<20)+"\r\n", 1) + okBody)
	tests := []struct {
		name     string
		fault    faultAnswer
		limit    bool // a per-attempt limit (WithTimeout) ends the attempts
		traced   bool // the call signals gotHead when an answer's first byte arrives
		opts     []Option
		attempts int // attempts the client made
		check    func(t *testing.T, err error)
	}{
		{name: "reset before any answer", fault: reset, attempts: 3, check: callFailed(nil, syscall.ECONNRESET, "")},
		{name: "FIN before any answer", fault: send(""), attempts: 3, check: callFailed(nil, io.EOF, "")},
		// 1xx answers count in the header bound.
		{name: "informational answers without end", fault: endless1xx, attempts: 3, check: callFailed(nil, nil, "headers exceeded "+strconv.Itoa(maxHeaderBytes))},
		{name: "response headers past the SDK transport's bound", fault: hugeHead, opts: []Option{noRetry}, attempts: 1, check: callFailed(nil, nil, "headers exceeded")},
		// A caller's *http.Client without a Transport (set only for its Timeout, say) gets the SDK's default transport.
		{name: "response headers past the bound, caller's client without Transport", fault: hugeHead, opts: []Option{WithHTTPClient(&http.Client{Timeout: time.Minute}), noRetry}, attempts: 1, check: callFailed(nil, nil, "headers exceeded")},
		{name: "a header line trickled without end", fault: trickle("HTTP/1.1 200 OK\r\nX-Slow: "), limit: true, attempts: 3, check: callFailed(nil, context.DeadlineExceeded, "")},
		{name: "garbage instead of HTTP", fault: send("SSH-2.0-OpenSSH_9.6\r\n"), attempts: 3, check: callFailed(nil, nil, "malformed HTTP")},
		// The read error is the cause.
		{name: "reset in the middle of the body", fault: resetMidBody(gotHead), traced: true, attempts: 3, check: callFailed(ErrUnexpectedResponse, syscall.ECONNRESET, "")},
		{name: "FIN in the middle of the body", fault: send(partial), attempts: 3, check: callFailed(ErrUnexpectedResponse, io.ErrUnexpectedEOF, "cut short")},
		{name: "no answer within the attempt's limit", fault: hold(""), limit: true, attempts: 3, check: callFailed(nil, context.DeadlineExceeded, "")},
		// No 1xx is read: without a limit, its body would last as long as the server wants.
		{name: "101 Switching Protocols, then a trickle", fault: switchingProtocols, opts: []Option{WithTimeout(0)}, attempts: 1, check: callFailed(ErrUnexpectedResponse, nil, "101 Switching Protocols: informational answer")},
		// A body no context reaches still ends with the attempt.
		{name: "101 passed on as a 200, then a trickle", fault: switchingProtocols, limit: true, opts: []Option{WithHTTPClient(&http.Client{Transport: newAs200(t)})}, attempts: 3, check: callFailed(ErrUnexpectedResponse, context.DeadlineExceeded, "")},
		{name: "body stalls after the headers", fault: hold(head(len(okBody)) + `{"status":`), limit: true, attempts: 3, check: assertAttemptLimit},
		// The connection is never idle: only a limit on the attempt ends it.
		{name: "endless trickle", fault: trickle(head(1 << 30)), limit: true, attempts: 3, check: assertAttemptLimit},
		{name: "envelope trickled byte by byte", fault: trickledEnvelope, attempts: 1, check: func(t *testing.T, err error) { assert.NoError(t, err) }},
		{
			name: "200 MiB body", fault: streamBody(200*mib, wrote), attempts: 1,
			check: func(t *testing.T, err error) {
				callFailed(ErrUnexpectedResponse, nil, "larger than")(t, err)
				n := <-wrote
				assert.NotEqual(t, -1, n, "the client read the whole body")
				assert.Less(t, n, 200*mib, "the client did not hang up")
			},
		},
		{name: "gzip bomb of 64 MiB", fault: send(head(len(bomb), "Content-Encoding", "gzip") + string(bomb)), attempts: 1, check: callFailed(ErrUnexpectedResponse, nil, "larger than")},
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
				ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() { gotHead <- struct{}{} }})
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
				assert.LessOrEqual(t, s.hits.Load(), int32(tc.attempts), "requests read")
			} else {
				assert.EqualValues(t, tc.attempts, s.hits.Load(), "requests read")
			}

			s.misbehave(nil)
			requireLinkToken(t, c) // the same client, once the server behaves
		})
	}
}

// HTTP/2 frame types and flags (RFC 9113, section 6).
const (
	h2Data, h2Headers, h2RSTStream, h2Settings, h2GoAway, h2Continuation = 0x0, 0x1, 0x3, 0x4, 0x7, 0x9
	h2EndStream, h2Ack, h2EndHeaders                                     = 0x1, 0x1, 0x4
)

// h2Server is an HTTP/2 server on loopback TLS that answers by hand: on each connection,
// respond writes the frames after the request's HEADERS; then GOAWAY, until the client hangs up.
type h2Server struct {
	URL      string
	hc       *http.Client // trusts the server's certificate, speaks HTTP/2
	requests atomic.Int32 // requests whose HEADERS arrived, one per connection
}

func newH2Server(t *testing.T, respond func(conn net.Conn)) *h2Server {
	t.Helper()
	s := &h2Server{}
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.EnableHTTP2 = true
	// net/http hands a connection that chose h2 over to TLSNextProto["h2"].
	ts.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){"h2": func(_ *http.Server, conn *tls.Conn, _ http.Handler) {
		if gone, ok := h2Handshake(conn); ok {
			s.requests.Add(1)
			respond(conn)
			_, _ = conn.Write(h2GoAwayFrame(1, 0, ""))
			<-gone
		}
	}}
	ts.StartTLS()
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
	})
	s.URL, s.hc = ts.URL, ts.Client()
	return s
}

// h2Handshake reads the preface, sends SETTINGS and acknowledges the client's, reads up
// to the first request's HEADERS, then drains the client's frames in the background;
// gone is closed when the client hangs up.
func h2Handshake(conn net.Conn) (gone <-chan struct{}, ok bool) {
	preface := make([]byte, 24)
	if _, err := io.ReadFull(conn, preface); err != nil || string(preface) != "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" {
		return nil, false
	}
	_, _ = conn.Write(append(h2Frame(h2Settings, 0, 0, nil), h2Frame(h2Settings, h2Ack, 0, nil)...))
	for typ, err := h2ReadFrame(conn); err != nil || typ != h2Headers; typ, err = h2ReadFrame(conn) {
		if err != nil {
			return nil, false
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, conn)
	}()
	return done, true
}

// h2ReadFrame reads one frame and returns its type.
func h2ReadFrame(r io.Reader) (typ byte, err error) {
	var h [9]byte
	if _, err = io.ReadFull(r, h[:]); err != nil {
		return 0, err
	}
	_, err = io.CopyN(io.Discard, r, int64(h[0])<<16|int64(h[1])<<8|int64(h[2]))
	return h[3], err
}

func h2Frame(typ, flags byte, stream uint32, payload []byte) []byte {
	b := make([]byte, 9, 9+len(payload))
	b[0], b[1], b[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	b[3], b[4] = typ, flags
	binary.BigEndian.PutUint32(b[5:], stream)
	return append(b, payload...)
}

// hpack encodes the header fields (name, value, ...) as plain literals (RFC 7541, 6.2.2).
func hpack(fields ...string) []byte {
	var b []byte
	length := func(n int) { // an integer with a 7-bit prefix
		if n < 127 {
			b = append(b, byte(n))
			return
		}
		b = append(b, 127)
		for n -= 127; n >= 128; n /= 128 {
			b = append(b, byte(n%128+128))
		}
		b = append(b, byte(n))
	}
	for i := 0; i+1 < len(fields); i += 2 {
		b = append(b, 0)
		length(len(fields[i]))
		b = append(b, fields[i]...)
		length(len(fields[i+1]))
		b = append(b, fields[i+1]...)
	}
	return b
}

func h2GoAwayFrame(lastStream, code uint32, debug string) []byte {
	p := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, lastStream), code)
	return h2Frame(h2GoAway, 0, 0, append(p, debug...))
}

func h2RSTStreamFrame(stream, code uint32) []byte {
	return h2Frame(h2RSTStream, 0, stream, binary.BigEndian.AppendUint32(nil, code))
}

func TestHTTP2HostileServer(t *testing.T) {
	const internalError = 0x2
	headers := func(flags byte, fields ...string) []byte {
		return h2Frame(h2Headers, flags|h2EndHeaders, 1, hpack(fields...))
	}
	at := func(code string) []byte { return headers(0, ":status", code, "content-type", "application/json") }
	data := func(flags byte, body string) []byte { return h2Frame(h2Data, flags, 1, []byte(body)) }
	badRequest := errorBody(StatusBadRequest, "", "no")
	scenarios := []struct {
		name    string
		frames  func(secret string) [][]byte // the answer to the request
		close   bool                         // the server closes the connection after them
		want    error                        // the sentinel of the answer; nil: a transport failure
		retried bool                         // the call is retried once: a transport failure or a 2xx cut short
		ok      bool                         // a token
	}{
		{name: "GOAWAY debug data", retried: true, close: true, frames: func(s string) [][]byte {
			return [][]byte{h2GoAwayFrame(1, internalError, "internal: bad credential "+s+" rejected")}
		}},
		{name: "GOAWAY with 12 KB of debug data", retried: true, close: true, frames: func(s string) [][]byte {
			return [][]byte{h2GoAwayFrame(1, internalError, strings.Repeat("d\n", 3000)+s+strings.Repeat("\x00\xff", 3000))}
		}},
		{name: "RST_STREAM before any answer", retried: true, frames: func(string) [][]byte { return [][]byte{h2RSTStreamFrame(1, internalError)} }},
		{name: "header value", want: ErrBadRequest, frames: func(s string) [][]byte {
			return [][]byte{headers(0, ":status", "400", "x-echo", s, "content-type", "application/json"), data(h2EndStream, badRequest)}
		}},
		{name: "invalid header name", retried: true, frames: func(s string) [][]byte { return [][]byte{headers(h2EndStream, ":status", "200", "x-"+s+"\x01", "v")} }},
		{name: "invalid header value", retried: true, frames: func(s string) [][]byte { return [][]byte{headers(h2EndStream, ":status", "200", "x-echo", "v\x00"+s)} }},
		{name: ":status", retried: true, frames: func(s string) [][]byte { return [][]byte{headers(h2EndStream, ":status", s)} }},
		{name: "trailer", want: ErrBadRequest, frames: func(s string) [][]byte {
			return [][]byte{at("400"), data(0, badRequest), headers(h2EndStream, "x-trailer", s)}
		}},
		{name: "complete envelope, then RST_STREAM", ok: true, frames: func(string) [][]byte { return [][]byte{at("200"), data(0, okBody), h2RSTStreamFrame(1, internalError)} }},
		// The read error that cuts the answer short, the APIError's cause, quotes the debug data.
		{name: "half an envelope, then GOAWAY and close", want: ErrUnexpectedResponse, retried: true, close: true, frames: func(s string) [][]byte {
			return [][]byte{at("200"), data(0, okBody[:len(okBody)/2]), h2GoAwayFrame(1, internalError, "bad credential "+s)}
		}},
		{name: "complete envelope, then GOAWAY and close", ok: true, close: true, frames: func(s string) [][]byte {
			return [][]byte{at("200"), data(0, okBody), h2GoAwayFrame(1, internalError, s)}
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, secret := range unusualSecrets {
				srv := newH2Server(t, func(conn net.Conn) {
					for _, f := range sc.frames(secret) {
						_, _ = conn.Write(f)
					}
					if sc.close {
						_ = conn.Close()
					}
				})
				logger, log := debugLog()
				c, clock := newSecretClient(t, secret, srv.URL, WithHTTPClient(srv.hc), WithLogger(logger), WithRetry(RetryPolicy{MaxRetries: 1}))

				lt, err := c.CreateLinkToken(testDeadline(t), validRequest())
				switch {
				case sc.ok:
					require.NoError(t, err)
					assert.Equal(t, testToken, lt.Token)
					assert.EqualValues(t, 1, srv.requests.Load(), "a complete envelope was sent again")
				case sc.want == nil:
					assertTransportError(t, err)
				default:
					assertOnlySentinel(t, err, sc.want)
				}
				if sc.retried {
					assert.Len(t, clock.Waits(), 1)
				} else {
					assert.Empty(t, clock.Waits(), "an answer of 400, or a complete envelope, is not retried")
				}
				if err != nil {
					assertNothingShowsSecret(t, err, log.String(), secret)
				}
				if t.Failed() {
					t.Fatalf("secret %q: %v", secret, err)
				}
			}
		})
	}
}

// Header fields (CONTINUATION) or a body (ignoring flow control) without end cost the call an
// error; the client then closes the connection, and the server's writes end.
func TestHTTP2HostileServerWithoutEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		start   []byte // the frames before the endless ones
		endless []byte // sent again and again until the client hangs up
		check   func(t *testing.T, err error)
		idle    bool // the client hangs up once it closes its idle connections
	}{
		{
			name: "CONTINUATION frames", start: h2Frame(h2Headers, 0, 1, hpack(":status", "200")),
			endless: h2Frame(h2Continuation, 0, 1, bytes.Repeat(hpack("x-filler", strings.Repeat("f", 1000)), 16)),
			check: func(t *testing.T, err error) {
				assertTransportError(t, err)
				assertShortLine(t, err.Error(), maxShownError, "the error")
			},
		},
		{
			// Past its bound, or cut short when the windows overflow first: the same answer. net/http
			// discards what comes for a reset stream; the pool closes the connection once idle.
			name: "DATA frames", idle: true,
			start: append(h2Frame(h2Headers, h2EndHeaders, 1, hpack(":status", "200", "content-type", "application/json")),
				h2Frame(h2Data, 0, 1, []byte(`{"status":"ok","message":"`))...),
			endless: h2Frame(h2Data, 0, 1, bytes.Repeat([]byte("a"), 16000)),
			check:   func(t *testing.T, err error) { assertOnlySentinel(t, err, ErrUnexpectedResponse) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wrote := make(chan int, 1)
			srv := newH2Server(t, func(conn net.Conn) {
				n, err := conn.Write(tc.start)
				for err == nil {
					var m int
					m, err = conn.Write(tc.endless)
					n += m
				}
				wrote <- n
			})
			c, _ := newTestClient(t, srv.URL, WithHTTPClient(srv.hc), WithRetry(RetryPolicy{}))

			_, err := c.CreateLinkToken(testDeadline(t), validRequest())
			tc.check(t, err)
			if tc.idle {
				c.CloseIdleConnections()
			}
			var n int
			_ = mustReturn(t, func() error { n = <-wrote; return nil }) // the server's writes end once the client hangs up
			if !tc.idle {                                               // the client gave up past net/http's 10 MiB: the server wrote that and the sockets' buffers
				assert.Less(t, n, 64<<20, "the client read on")
			}
		})
	}
}
