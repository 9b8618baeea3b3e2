package mesh

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fault injection on real loopback servers: a raw TCP server (hdFaultServer) that
// reads each HTTP request and answers it with a scripted fault (a reset, a stall, a
// trickle, an endless or compressed-bomb body, a 429 storm, silence) or with a good
// answer. Each case checks the error and its cause, the time the call took, the
// memory it allocated, and that the same Client then succeeds once the server
// behaves.

// hdHandler answers one request on c (already read). It returns whether the
// connection may carry another request.
type hdHandler func(s *hdFaultServer, c *net.TCPConn) (keepAlive bool)

// hdFaultServer is a raw HTTP/1.1 server on 127.0.0.1 whose answers are scripted.
type hdFaultServer struct {
	URL string

	ln    net.Listener
	done  chan struct{} // closed by Close: handlers that wait give up
	wg    sync.WaitGroup
	close sync.Once

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	fault  hdHandler
	faults int // answers still to give with fault; < 0: every answer

	requests atomic.Int64 // requests read
	written  atomic.Int64 // body bytes written by the streaming handlers
}

// hdNewFaultServer starts a server that answers every request well until told
// otherwise, and closes it when the test ends.
func hdNewFaultServer(t testing.TB) *hdFaultServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &hdFaultServer{
		URL:   "http://" + ln.Addr().String(),
		ln:    ln,
		done:  make(chan struct{}),
		conns: map[net.Conn]struct{}{},
	}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// script makes the next n answers (every answer when n < 0) come from h, and resets
// the counters.
func (s *hdFaultServer) script(h hdHandler, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault, s.faults = h, n
	s.requests.Store(0)
	s.written.Store(0)
}

// behave makes every later answer a good one.
func (s *hdFaultServer) behave() { s.script(nil, 0) }

// Close stops accepting, closes every connection and waits for every handler.
func (s *hdFaultServer) Close() {
	s.close.Do(func() {
		close(s.done)
		_ = s.ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
}

func (s *hdFaultServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			_ = c.Close()
			return
		default:
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c.(*net.TCPConn))
	}
}

func (s *hdFaultServer) serve(c *net.TCPConn) {
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
		_ = req.Body.Close()
		s.requests.Add(1)
		s.mu.Lock()
		h := hdGood
		if s.faults != 0 && s.fault != nil {
			h = s.fault
			if s.faults > 0 {
				s.faults--
			}
		}
		s.mu.Unlock()
		if !h(s, c) {
			return
		}
	}
}

// pause waits for d, or less if the server closes; it reports whether d passed.
func (s *hdFaultServer) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// hdHead writes a status line and headers, ending the head.
func hdHead(c net.Conn, code int, contentLength int64, header ...string) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	if contentLength >= 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", contentLength)
	}
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", header[i], header[i+1])
	}
	b.WriteString("\r\n")
	_, err := c.Write(b.Bytes())
	return err
}

// hdAnswer returns a handler sending a whole answer, keeping the connection.
func hdAnswer(code int, body string, header ...string) hdHandler {
	return func(s *hdFaultServer, c *net.TCPConn) bool {
		if hdHead(c, code, int64(len(body)), header...) != nil {
			return false
		}
		_, err := io.WriteString(c, body)
		return err == nil
	}
}

// hdGood answers with okBody.
var hdGood = hdAnswer(http.StatusOK, okBody, "Content-Type", "application/json")

// hdReset resets the connection (SO_LINGER 0) without answering.
func hdReset(_ *hdFaultServer, c *net.TCPConn) bool {
	_ = c.SetLinger(0)
	return false
}

// hdCloseSilently closes the connection (FIN) without answering.
func hdCloseSilently(*hdFaultServer, *net.TCPConn) bool { return false }

// hdGarbage answers with bytes that are not HTTP.
func hdGarbage(_ *hdFaultServer, c *net.TCPConn) bool {
	_, _ = io.WriteString(c, "HELLO THERE\r\n\r\n")
	return false
}

// hdResetMidBody promises 1000 bytes, sends 100, then resets the connection.
func hdResetMidBody(s *hdFaultServer, c *net.TCPConn) bool {
	if hdHead(c, http.StatusOK, 1000, "Content-Type", "application/json") != nil {
		return false
	}
	_, _ = c.Write(bytes.Repeat([]byte(" "), 100))
	s.pause(20 * time.Millisecond) // let the client read the head and start the body
	_ = c.SetLinger(0)
	return false
}

// hdWaitForClose blocks until the client or the server closes c.
func hdWaitForClose(c *net.TCPConn) {
	_, _ = io.Copy(io.Discard, c)
}

// hdStallBody sends the head and a few bytes of the body, then nothing more.
func hdStallBody(_ *hdFaultServer, c *net.TCPConn) bool {
	if hdHead(c, http.StatusOK, 1000, "Content-Type", "application/json") == nil {
		_, _ = io.WriteString(c, `{"status":`)
		hdWaitForClose(c)
	}
	return false
}

// hdSilent reads the request and never answers.
func hdSilent(_ *hdFaultServer, c *net.TCPConn) bool {
	hdWaitForClose(c)
	return false
}

// hdTrickle sends okBody at once except its last tail bytes, which follow one every
// 10 ms; s.written counts the trickled bytes.
func hdTrickle(tail int) hdHandler {
	return func(s *hdFaultServer, c *net.TCPConn) bool {
		body := []byte(okBody)
		if hdHead(c, http.StatusOK, int64(len(body)), "Content-Type", "application/json") != nil {
			return false
		}
		cut := len(body) - tail
		if _, err := c.Write(body[:cut]); err != nil {
			return false
		}
		for i := cut; i < len(body); i++ {
			if !s.pause(10 * time.Millisecond) {
				return false
			}
			if _, err := c.Write(body[i : i+1]); err != nil {
				return false
			}
			s.written.Add(1)
		}
		return true
	}
}

// hdHugeBody streams size bytes of JSON-looking filler without holding them.
func hdHugeBody(size int64) hdHandler {
	return func(s *hdFaultServer, c *net.TCPConn) bool {
		if hdHead(c, http.StatusOK, size, "Content-Type", "application/json") != nil {
			return false
		}
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for left := size; left > 0; {
			n := min(left, int64(len(chunk)))
			if _, err := c.Write(chunk[:n]); err != nil {
				return false
			}
			s.written.Add(n)
			left -= n
		}
		return true
	}
}

// hdSendGzip sends payload as a gzip-encoded 200 answer.
func hdSendGzip(payload []byte) hdHandler {
	return func(s *hdFaultServer, c *net.TCPConn) bool {
		if hdHead(c, http.StatusOK, int64(len(payload)), "Content-Type", "application/json", "Content-Encoding", "gzip") != nil {
			return false
		}
		n, err := c.Write(payload)
		s.written.Add(int64(n))
		return err == nil
	}
}

// hdGzipZeros returns a valid gzip stream that inflates to mib MiB of zeros, built
// without ever holding them: one MiB of zeros deflated once and flushed to a byte
// boundary, repeated mib times (deflate blocks concatenate), then a final empty block
// and the gzip trailer. Compressing 512 MiB outright takes a minute under -race.
func hdGzipZeros(mib int) []byte {
	zeros := make([]byte, 1<<20)
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression) // a valid level: no error
	_, _ = fw.Write(zeros)                                  // a bytes.Buffer does not fail
	_ = fw.Flush()                                          // non-final blocks, byte-aligned
	crc := uint32(0)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	out := bytes.NewBuffer(make([]byte, 0, 10+mib*chunk.Len()+2+8))
	out.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff}) // gzip header, deflate, max compression
	for range mib {
		out.Write(chunk.Bytes())
	}
	out.Write([]byte{0x03, 0x00}) // final empty block, fixed Huffman
	out.Write(binary.LittleEndian.AppendUint32(nil, crc))
	out.Write(binary.LittleEndian.AppendUint32(nil, uint32(uint64(mib)<<20)))
	return out.Bytes()
}

// hdBomb is a gzip body inflating to 512 MiB of zeros, built once.
var hdBomb = sync.OnceValue(func() []byte { return hdGzipZeros(512) })

// TestGzipZerosIsValid proves the bomb builder makes real gzip: a small one inflates
// to exactly its size of zeros, checksum and length verified by compress/gzip.
func TestGzipZerosIsValid(t *testing.T) {
	for _, mib := range []int{1, 3} {
		t.Run(strconv.Itoa(mib)+"MiB", func(t *testing.T) {
			zr, err := gzip.NewReader(bytes.NewReader(hdGzipZeros(mib)))
			require.NoError(t, err)
			got, err := io.ReadAll(zr)
			require.NoError(t, err, "checksum and length verified")
			assert.Equal(t, mib<<20, len(got))
			assert.True(t, bytes.Equal(got, make([]byte, len(got))), "all zeros")
		})
	}
}

// hdTooMany answers 429 tooManyRequest, with a Retry-After when retryAfter != "".
func hdTooMany(retryAfter string) hdHandler {
	h := []string{"Content-Type", "application/json"}
	if retryAfter != "" {
		h = append(h, "Retry-After", retryAfter)
	}
	return hdAnswer(http.StatusTooManyRequests, `{"status":"tooManyRequest","message":"slow down","errorType":"rateLimited"}`, h...)
}

// hdAllocDuring returns the bytes allocated (by every goroutine) while f ran.
func hdAllocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hdIsTransportError reports whether err is a failure to get an answer (not an
// answer the client judged).
func hdIsTransportError(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE)
}

// hdFaultCase is one fault: how the server misbehaves, how the client is set up, and
// what the call must end in.
type hdFaultCase struct {
	name      string
	fault     hdHandler
	retry     RetryPolicy
	timeout   time.Duration // per attempt
	deadline  time.Duration // of the call's context
	within    time.Duration // the call must end this soon
	atLeast   time.Duration // ... and not sooner
	attempts  [2]int64      // requests the server must see, min and max
	maxAlloc  uint64        // bytes allocated during the call
	wantToken bool
	check     func(t *testing.T, s *hdFaultServer, err error)
}

func hdRetry(n int) RetryPolicy {
	return RetryPolicy{MaxRetries: n, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}
}

const hdMiB = 1 << 20

func hdFaultCases(t testing.TB) []hdFaultCase {
	bomb := hdBomb()
	require.Less(t, len(bomb), 1<<20, "the bomb is small on the wire")
	wantAPI := func(sentinel error) func(*testing.T, *hdFaultServer, error) {
		return func(t *testing.T, _ *hdFaultServer, err error) {
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.ErrorIs(t, err, sentinel)
			assert.Equal(t, []error{sentinel}, hdMatchedSentinels(err))
		}
	}
	transport := func(t *testing.T, _ *hdFaultServer, err error) {
		assert.True(t, hdIsTransportError(err), "a transport error, got %T: %v", err, err)
		assert.Empty(t, hdMatchedSentinels(err), "a transport error matches no sentinel")
	}
	return []hdFaultCase{
		{
			name: "reset before any answer", fault: hdReset, retry: hdRetry(2),
			within: 2 * time.Second, attempts: [2]int64{3, 3}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				transport(t, s, err)
				assert.ErrorIs(t, err, syscall.ECONNRESET)
			},
		},
		{
			name: "closed before any answer", fault: hdCloseSilently, retry: hdRetry(2),
			within: 2 * time.Second, attempts: [2]int64{3, 3}, maxAlloc: 4 * hdMiB,
			check: transport,
		},
		{
			name: "garbage instead of HTTP", fault: hdGarbage, retry: hdRetry(2),
			within: 2 * time.Second, attempts: [2]int64{3, 3}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, _ *hdFaultServer, err error) {
				var apiErr *APIError
				assert.False(t, errors.As(err, &apiErr), "no answer to judge, got %v", err)
				assert.ErrorContains(t, err, "malformed HTTP")
			},
		},
		{
			name: "reset in the middle of the body", fault: hdResetMidBody, retry: hdRetry(2),
			within: 2 * time.Second, attempts: [2]int64{3, 3}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrUnexpectedResponse)(t, s, err)
				assert.NotNil(t, errors.Unwrap(err), "the read error is kept as the cause")
				assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF), "cause: %v", err)
			},
		},
		{
			name: "body stalls after the headers", fault: hdStallBody, retry: hdRetry(1),
			timeout: 100 * time.Millisecond, within: time.Second, atLeast: 200 * time.Millisecond,
			attempts: [2]int64{2, 2}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrUnexpectedResponse)(t, s, err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			},
		},
		{
			// One byte every 10 ms never leaves the connection idle for 100 ms, and the
			// whole body would take over 2 s: only a limit on the whole attempt, body
			// read included, ends it at 100 ms.
			name: "body trickled past the attempt's limit", fault: hdTrickle(len(okBody)), retry: hdRetry(0),
			timeout: 100 * time.Millisecond, within: 600 * time.Millisecond, atLeast: 100 * time.Millisecond,
			attempts: [2]int64{1, 1}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrUnexpectedResponse)(t, s, err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				got := s.written.Load()
				assert.GreaterOrEqual(t, got, int64(3), "the body was making progress")
				assert.Less(t, got, int64(len(okBody)), "the body was not finished")
			},
		},
		{
			name: "short trickle within the attempt's limit", fault: hdTrickle(10), retry: hdRetry(0),
			timeout: 2 * time.Second, within: time.Second, atLeast: 100 * time.Millisecond,
			attempts: [2]int64{1, 1}, maxAlloc: 4 * hdMiB, wantToken: true,
		},
		{
			name: "200 MiB body", fault: hdHugeBody(200 * hdMiB), retry: hdRetry(2),
			within: 3 * time.Second, attempts: [2]int64{1, 1}, maxAlloc: 16 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrUnexpectedResponse)(t, s, err)
				assert.ErrorContains(t, err, "larger than")
				assert.Less(t, s.written.Load(), int64(64*hdMiB), "the client stopped reading early")
			},
		},
		{
			name: "gzip body inflating to 512 MiB", fault: hdSendGzip(bomb), retry: hdRetry(2),
			within: 3 * time.Second, attempts: [2]int64{1, 1}, maxAlloc: 16 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrUnexpectedResponse)(t, s, err)
				assert.ErrorContains(t, err, "larger than")
			},
		},
		{
			name: "429 storm with Retry-After: 0", fault: hdTooMany("0"), retry: hdRetry(3),
			within: time.Second, attempts: [2]int64{4, 4}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrTooManyRequests)(t, s, err)
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Zero(t, apiErr.RetryAfter)
			},
		},
		{
			name: "429 storm without Retry-After", fault: hdTooMany(""), retry: hdRetry(3),
			within: time.Second, attempts: [2]int64{4, 4}, maxAlloc: 4 * hdMiB,
			check: wantAPI(ErrTooManyRequests),
		},
		{
			name: "429 asking for longer than MaxWait", fault: hdTooMany("1"), retry: hdRetry(3),
			within: 500 * time.Millisecond, attempts: [2]int64{1, 1}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, s *hdFaultServer, err error) {
				wantAPI(ErrTooManyRequests)(t, s, err)
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, time.Second, apiErr.RetryAfter)
			},
		},
		{
			// Each attempt times out at 100 ms and is retried; the call's own 250 ms
			// deadline ends it during the third.
			name: "server never answers", fault: hdSilent, retry: hdRetry(10),
			timeout: 100 * time.Millisecond, deadline: 250 * time.Millisecond,
			within: 400 * time.Millisecond, atLeast: 200 * time.Millisecond,
			attempts: [2]int64{2, 3}, maxAlloc: 4 * hdMiB,
			check: func(t *testing.T, _ *hdFaultServer, err error) {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			},
		},
	}
}

// TestFaultInjection runs every fault against a real loopback server: the call ends
// in the right error within its time and memory, then a good answer gets through the
// same Client.
func TestFaultInjection(t *testing.T) {
	for _, tc := range hdFaultCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			s := hdNewFaultServer(t)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			c := newTestClient(t, s.URL, WithRetry(tc.retry), WithTimeout(timeout))

			// A first good call leaves a kept-alive connection in the pool, so the
			// fault also meets a reused connection.
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)

			s.script(tc.fault, -1)
			deadline := tc.deadline
			if deadline == 0 {
				deadline = 10 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			var lt *LinkToken
			var elapsed time.Duration
			alloc := hdAllocDuring(func() {
				start := time.Now()
				lt, err = c.CreateLinkToken(ctx, validRequest())
				elapsed = time.Since(start)
			})
			attempts := s.requests.Load()
			t.Logf("%s: %v in %v, %d attempt(s), %.2f MiB allocated, %d body bytes streamed by the server",
				tc.name, err, elapsed.Round(time.Millisecond), attempts, float64(alloc)/hdMiB, s.written.Load())

			if tc.wantToken {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
			} else {
				require.Error(t, err)
				assert.Nil(t, lt)
				assert.NotContains(t, err.Error(), testSecret)
			}
			assert.Less(t, elapsed, tc.within, "the call is bounded")
			assert.GreaterOrEqual(t, elapsed, tc.atLeast)
			assert.GreaterOrEqual(t, attempts, tc.attempts[0], "attempts")
			assert.LessOrEqual(t, attempts, tc.attempts[1], "attempts")
			assert.Less(t, alloc, tc.maxAlloc, "memory is bounded")
			if tc.check != nil {
				tc.check(t, s, err)
			}

			// The same client recovers as soon as the server does.
			s.behave()
			lt, err = c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err, "a good answer after the fault")
			assert.Equal(t, testToken, lt.Token)
			assert.Equal(t, int64(1), s.requests.Load(), "one attempt")
		})
	}
}

// TestFaultRetriedThenRecovered shows that a fault the client retries does not reach
// the caller when the next attempt gets a good answer.
func TestFaultRetriedThenRecovered(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault hdHandler
	}{
		{"reset before any answer", hdReset},
		{"closed before any answer", hdCloseSilently},
		{"reset in the middle of the body", hdResetMidBody},
		{"body stalls after the headers", hdStallBody},
		{"429 with Retry-After: 0", hdTooMany("0")},
		{"502 from a proxy", hdAnswer(http.StatusBadGateway, "<html>bad gateway</html>", "Content-Type", "text/html")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := hdNewFaultServer(t)
			c := newTestClient(t, s.URL, WithRetry(hdRetry(2)), WithTimeout(100*time.Millisecond))
			s.script(tc.fault, 2)
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			assert.Equal(t, testToken, lt.Token)
			assert.Equal(t, int64(3), s.requests.Load(), "two faults, then the good answer")
		})
	}
}
