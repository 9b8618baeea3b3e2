package mesh

// A hostile HTTP/2 server, written frame by frame: it echoes the secret in GOAWAY debug
// data (which net/http quotes into its error), in header names, values and :status, in
// trailers; it resets streams before and after an answer; it sends headers and bodies
// without end, ignoring flow control. No error shows the secret, a complete envelope
// is a token sent once, and nothing is read without bound.

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	ts := httptest.NewUnstartedServer(http.NotFoundHandler()) // for its certificate and client
	ts.EnableHTTP2 = true
	ts.StartTLS()
	hc, certs := ts.Client(), ts.TLS.Certificates
	ts.Close()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certs, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
	require.NoError(t, err)
	s := &h2Server{URL: "https://" + ln.Addr().String(), hc: hc}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
	)
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[conn] = true
			mu.Unlock()
			wg.Go(func() {
				defer conn.Close()
				if gone, ok := h2Handshake(conn); ok {
					s.requests.Add(1)
					respond(conn)
					_, _ = conn.Write(h2GoAwayFrame(1, 0, ""))
					<-gone
				}
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
		hc.CloseIdleConnections()
	})
	return s
}

// h2Handshake reads up to the first request's HEADERS, acknowledging SETTINGS, then drains
// the client's frames in the background; gone is closed when the client hangs up.
func h2Handshake(conn net.Conn) (gone <-chan struct{}, ok bool) {
	preface := make([]byte, 24)
	if _, err := io.ReadFull(conn, preface); err != nil || string(preface) != "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" {
		return nil, false
	}
	if _, err := conn.Write(h2Frame(h2Settings, 0, 0, nil)); err != nil {
		return nil, false
	}
	for {
		typ, flags, err := h2ReadFrame(conn)
		if err != nil {
			return nil, false
		}
		if typ == h2Settings && flags&h2Ack == 0 {
			if _, err := conn.Write(h2Frame(h2Settings, h2Ack, 0, nil)); err != nil {
				return nil, false
			}
		}
		if typ == h2Headers {
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					if _, _, err := h2ReadFrame(conn); err != nil {
						return
					}
				}
			}()
			return done, true
		}
	}
}

// h2ReadFrame reads one frame and returns its type and flags.
func h2ReadFrame(r io.Reader) (typ, flags byte, err error) {
	var h [9]byte
	if _, err = io.ReadFull(r, h[:]); err != nil {
		return 0, 0, err
	}
	n := int64(h[0])<<16 | int64(h[1])<<8 | int64(h[2])
	_, err = io.CopyN(io.Discard, r, n)
	return h[3], h[4], err
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
	write := func(conn net.Conn, frames ...[]byte) {
		for _, f := range frames {
			_, _ = conn.Write(f)
		}
	}
	headers := func(flags byte, fields ...string) []byte {
		return h2Frame(h2Headers, flags|h2EndHeaders, 1, hpack(fields...))
	}
	js := []string{"content-type", "application/json"}
	scenarios := []struct {
		name    string
		respond func(secret string, conn net.Conn)
		want    error // the sentinel of the answer; nil: a transport failure
		retried bool  // the call is retried once: a transport failure or a 2xx cut short
		ok      bool  // a token
	}{
		{name: "GOAWAY debug data", retried: true, respond: func(s string, conn net.Conn) {
			write(conn, h2GoAwayFrame(1, internalError, "internal: bad credential "+s+" rejected"))
			_ = conn.Close()
		}},
		{name: "GOAWAY with 12 KB of debug data", retried: true, respond: func(s string, conn net.Conn) {
			write(conn, h2GoAwayFrame(1, internalError, strings.Repeat("d\n", 3000)+s+strings.Repeat("\x00\xff", 3000)))
			_ = conn.Close()
		}},
		{name: "RST_STREAM before any answer", retried: true, respond: func(_ string, conn net.Conn) {
			write(conn, h2RSTStreamFrame(1, internalError))
		}},
		{name: "header value", want: ErrBadRequest, respond: func(s string, conn net.Conn) {
			write(conn, headers(0, append([]string{":status", "400", "x-echo", s}, js...)...),
				h2Frame(h2Data, h2EndStream, 1, []byte(errorBody(StatusBadRequest, "", "no"))))
		}},
		{name: "invalid header name", retried: true, respond: func(s string, conn net.Conn) {
			write(conn, headers(h2EndStream, ":status", "200", "x-"+s+"\x01", "v"))
		}},
		{name: "invalid header value", retried: true, respond: func(s string, conn net.Conn) {
			write(conn, headers(h2EndStream, ":status", "200", "x-echo", "v\x00"+s))
		}},
		{name: ":status", retried: true, respond: func(s string, conn net.Conn) {
			write(conn, headers(h2EndStream, ":status", s))
		}},
		{name: "trailer", want: ErrBadRequest, respond: func(s string, conn net.Conn) {
			write(conn, headers(0, append([]string{":status", "400"}, js...)...),
				h2Frame(h2Data, 0, 1, []byte(errorBody(StatusBadRequest, "", "no"))),
				headers(h2EndStream, "x-trailer", s))
		}},
		{name: "complete envelope, then RST_STREAM", ok: true, respond: func(_ string, conn net.Conn) {
			write(conn, headers(0, append([]string{":status", "200"}, js...)...),
				h2Frame(h2Data, 0, 1, []byte(okBody)), h2RSTStreamFrame(1, internalError))
		}},
		{name: "half an envelope, then GOAWAY and close", want: ErrUnexpectedResponse, retried: true, respond: func(s string, conn net.Conn) {
			// The read error that cuts the answer short, the APIError's cause, quotes the debug data.
			write(conn, headers(0, append([]string{":status", "200"}, js...)...),
				h2Frame(h2Data, 0, 1, []byte(okBody[:len(okBody)/2])), h2GoAwayFrame(1, internalError, "bad credential "+s))
			_ = conn.Close()
		}},
		{name: "complete envelope, then GOAWAY and close", ok: true, respond: func(s string, conn net.Conn) {
			write(conn, headers(0, append([]string{":status", "200"}, js...)...),
				h2Frame(h2Data, 0, 1, []byte(okBody)), h2GoAwayFrame(1, internalError, s))
			_ = conn.Close()
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			for _, secret := range unusualSecrets {
				srv := newH2Server(t, func(conn net.Conn) { sc.respond(secret, conn) })
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
	// untilGone writes frame until the client hangs up, then reports the bytes written.
	untilGone := func(conn net.Conn, frame []byte, wrote chan<- int64) {
		var n int64
		for {
			m, err := conn.Write(frame)
			n += int64(m)
			if err != nil {
				wrote <- n
				return
			}
		}
	}
	waitWrote := func(t *testing.T, wrote <-chan int64) int64 {
		t.Helper()
		select {
		case n := <-wrote:
			return n
		case <-time.After(time.Minute): // a guard: the client never hung up
			t.Fatal("the server is still writing: the client kept the connection")
			return 0
		}
	}

	t.Run("CONTINUATION frames", func(t *testing.T) {
		wrote := make(chan int64, 1)
		field := hpack("x-filler", strings.Repeat("f", 1000))
		srv := newH2Server(t, func(conn net.Conn) {
			_, _ = conn.Write(h2Frame(h2Headers, 0, 1, hpack(":status", "200")))
			untilGone(conn, h2Frame(h2Continuation, 0, 1, bytes.Repeat(field, 16)), wrote)
		})
		c, _ := newTestClient(t, srv.URL, WithHTTPClient(srv.hc), WithRetry(RetryPolicy{}))

		_, err := c.CreateLinkToken(testDeadline(t), validRequest())
		assertTransportError(t, err)
		assertShortLine(t, err.Error(), maxShownError, "the error")
		// The client gives up past net/http's 10 MiB: the server wrote that and the sockets' buffers.
		assert.Less(t, waitWrote(t, wrote), int64(64<<20), "the client read on")
	})

	t.Run("DATA frames", func(t *testing.T) {
		wrote := make(chan int64, 1)
		srv := newH2Server(t, func(conn net.Conn) {
			_, _ = conn.Write(h2Frame(h2Headers, h2EndHeaders, 1, hpack(":status", "200", "content-type", "application/json")))
			_, _ = conn.Write(h2Frame(h2Data, 0, 1, []byte(`{"status":"ok","message":"`)))
			untilGone(conn, h2Frame(h2Data, 0, 1, bytes.Repeat([]byte("a"), 16000)), wrote)
		})
		c, _ := newTestClient(t, srv.URL, WithHTTPClient(srv.hc), WithRetry(RetryPolicy{}))

		_, err := c.CreateLinkToken(testDeadline(t), validRequest())
		// Past its bound, or cut short when the windows overflow first: the same answer.
		assertOnlySentinel(t, err, ErrUnexpectedResponse)
		// net/http discards what comes for a reset stream; the pool closes the connection once idle.
		c.CloseIdleConnections()
		waitWrote(t, wrote)
	})
}
