package mesh

// Reading an answer's body: its bound, gzip, and a body cut short or followed by
// stray bytes.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paddedOKBody is an ok envelope carrying testToken, padded to exactly n bytes.
func paddedOKBody(n int) []byte {
	head := `{"status":"ok","message":"`
	tail := `","content":{"linkToken":"` + testToken + `"}}`
	return []byte(head + strings.Repeat("a", n-len(head)-len(tail)) + tail)
}

// TestResponseBodyBound: a Link token answer is read up to 1 MiB, inflated bytes
// counted; a larger one is ErrUnexpectedResponse and is not retried.
func TestResponseBodyBound(t *testing.T) {
	const bound = 1 << 20
	gzipHeader := []string{"Content-Type", "application/json", "Content-Encoding", "gzip"}
	bomb := gzipZeros(16)
	require.Less(t, len(bomb), 1<<20, "small on the wire")
	tests := []struct {
		name   string
		code   int
		body   []byte
		header []string
		want   error // nil: the token
	}{
		{name: "exactly 1 MiB", code: 200, body: paddedOKBody(bound)},
		{name: "1 MiB and 1 byte", code: 200, body: paddedOKBody(bound + 1), want: ErrUnexpectedResponse},
		{name: "1 MiB and 1 byte at 400", code: 400, body: paddedOKBody(bound + 1), want: ErrUnexpectedResponse},
		{name: "1 MiB and 1 byte at 401", code: 401, body: paddedOKBody(bound + 1), want: ErrUnauthorized},
		{name: "gzip inflating to exactly 1 MiB", code: 200, body: gzipped(t, paddedOKBody(bound)), header: gzipHeader},
		{name: "gzip inflating to 1 MiB and 1 byte", code: 200, body: gzipped(t, paddedOKBody(bound+1)), header: gzipHeader, want: ErrUnexpectedResponse},
		{name: "gzip bomb", code: 200, body: bomb, header: gzipHeader, want: ErrUnexpectedResponse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt, _ := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockLinkTokenURL, respond(tc.code, tc.body, tc.header...))

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Equal(t, 1, mt.GetTotalCallCount(), "a bounded answer is read once")
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
				return
			}
			assertOnlySentinel(t, err, tc.want)
			assert.Contains(t, err.Error(), "larger than 1048576 bytes")
			assert.Less(t, len(err.Error()), 300)
		})
	}

	t.Run("gzip bomb inflated by the transport", func(t *testing.T) {
		srv := newServer(t, answer(http.StatusOK, string(bomb), "Content-Encoding", "gzip"))
		c, _ := newTestClient(t, srv.URL)
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		assertOnlySentinel(t, err, ErrUnexpectedResponse)
		assert.Contains(t, err.Error(), "larger than")
		assert.EqualValues(t, 1, srv.hits.Load())
	})

	t.Run("64 MiB streamed", func(t *testing.T) {
		const size = 64 << 20
		written := make(chan int64, 1)
		srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(size))
			chunk := bytes.Repeat([]byte(" "), 64<<10)
			var n int64
			for n < size {
				m, err := w.Write(chunk)
				n += int64(m)
				if err != nil {
					break
				}
			}
			written <- n
		})
		c, _ := newTestClient(t, srv.URL)
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		assertOnlySentinel(t, err, ErrUnexpectedResponse)
		assert.Contains(t, err.Error(), "larger than")
		assert.EqualValues(t, 1, srv.hits.Load())
		// The client hung up: the server could not write it all.
		select {
		case n := <-written:
			assert.Less(t, n, int64(size), "the server wrote the whole body")
		case <-time.After(time.Minute):
			t.Fatal("the server is still writing: the client did not hang up")
		}
	})
}

// TestResponseGzipNotAskedFor: a gzip body the client did not ask for (the transport
// left it compressed) is inflated, as a whole: a gzip body may be several members, its
// content their concatenation (RFC 1952), as a server that compresses each flush sends.
func TestResponseGzipNotAskedFor(t *testing.T) {
	members := func(t *testing.T, parts ...string) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, gzipped(t, []byte(p))...)
		}
		return b
	}
	badRequest := errorBody(StatusBadRequest, "missingField", "userId is required")
	tests := []struct {
		name        string
		code        int
		body        []byte
		want        error
		wantMessage string
	}{
		{name: "ok envelope", code: 200, body: members(t, okBody)},
		{name: "error envelope", code: 400, body: members(t, badRequest), want: ErrBadRequest, wantMessage: "userId is required"},
		{name: "ok envelope in two members", code: 200, body: members(t, okBody[:40], okBody[40:])},
		{name: "error envelope in three members", code: 400, body: members(t, badRequest[:20], badRequest[20:60], badRequest[60:]), want: ErrBadRequest, wantMessage: "userId is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt, _ := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockLinkTokenURL, respond(tc.code, tc.body,
				"Content-Type", "application/json", "Content-Encoding", "gzip"))

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Equal(t, 1, mt.GetTotalCallCount())
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
				return
			}
			assertOnlySentinel(t, err, tc.want)
			assert.Equal(t, tc.wantMessage, asAPIError(t, err).Message)
		})
	}
}

// failingBody reads data, then fails with err instead of io.EOF.
type failingBody struct {
	r   io.Reader
	err error
}

func (b *failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, b.err
	}
	return n, err
}

func (b *failingBody) Close() error { return nil }

// TestResponseCompleteEnvelopeThenTrouble: a complete ok envelope is a token, whatever
// the connection does after it (stray bytes after the gzip stream, a reset, an early
// close). It is not retried: a retry would mint a second token.
func TestResponseCompleteEnvelopeThenTrouble(t *testing.T) {
	const longJunk = "<html>this is not gzip, a proxy appended it</html>\r\n"
	gzipThen := func(t *testing.T, junk string) []byte {
		return append(gzipped(t, []byte(okBody)), junk...)
	}

	// Through the Transport's own decompression: it asked for gzip, and inflates the
	// body as a stream of members, so the junk is a read error after the envelope.
	for _, junk := range []string{"\r\n", longJunk} {
		t.Run("transport gzip then "+strconv.Quote(junk[:2]), func(t *testing.T) {
			var askedGzip atomic.Bool
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				askedGzip.Store(r.Header.Get("Accept-Encoding") == "gzip")
				answer(http.StatusOK, string(gzipThen(t, junk)), "Content-Encoding", "gzip")(w, r)
			})
			c, _ := newTestClient(t, srv.URL)
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			require.True(t, askedGzip.Load(), "the Transport asked for gzip itself")
			require.NoError(t, err)
			assert.Equal(t, testToken, lt.Token)
			assert.EqualValues(t, 1, srv.hits.Load(), "one request, one token")
		})
	}

	// Gzip the client did not ask for: the SDK inflates it.
	for _, junk := range []string{"\r\n", longJunk} {
		t.Run("unasked gzip then "+strconv.Quote(junk[:2]), func(t *testing.T) {
			c, mt, _ := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockLinkTokenURL, respond(http.StatusOK, gzipThen(t, junk),
				"Content-Type", "application/json", "Content-Encoding", "gzip"))
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			assert.Equal(t, testToken, lt.Token)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "one request, one token")
		})
	}

	// Bytes after a plain envelope in the body itself: the first JSON value is the
	// answer, whatever follows it.
	for _, junk := range []string{" junk", okBody, "\x00\x00", longJunk} {
		t.Run("plain envelope then "+strconv.Quote(junk[:2]), func(t *testing.T) {
			srv := newServer(t, answer(http.StatusOK, okBody+junk))
			c, _ := newTestClient(t, srv.URL)
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			require.NoError(t, err)
			assert.Equal(t, testToken, lt.Token)
			assert.EqualValues(t, 1, srv.hits.Load(), "one request, one token")
		})
	}

	t.Run("plain envelope then early close", func(t *testing.T) {
		// The answer promises more than the envelope, and the connection closes after it.
		srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(okBody)+100))
			_, _ = io.WriteString(w, okBody)
		})
		c, _ := newTestClient(t, srv.URL)
		lt, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, testToken, lt.Token)
		assert.EqualValues(t, 1, srv.hits.Load(), "one request, one token")
	})

	t.Run("chunked envelope then a broken chunk", func(t *testing.T) {
		reply := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(okBody)), 16) + "\r\n" + okBody + "\r\nzz\r\n"
		c, clock := newTestClient(t, rawServer(t, reply))
		lt, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, testToken, lt.Token)
		assert.Empty(t, clock.Waits(), "one request, one token")
	})

	t.Run("plain envelope then connection reset", func(t *testing.T) {
		c, mt, _ := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, mockLinkTokenURL, func(req *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
				Body: &failingBody{r: strings.NewReader(okBody), err: syscall.ECONNRESET}, ContentLength: -1, Request: req,
			}, nil
		})
		lt, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, testToken, lt.Token)
		assert.Equal(t, 1, mt.GetTotalCallCount(), "one request, one token")
	})
}

// TestResponseCutShort: a body cut short before its envelope ends is retried when it
// was meant to be a token (2xx), and its read error stays reachable; a refusal cut
// short is not sent again.
func TestResponseCutShort(t *testing.T) {
	// cut answers code, promising body whole but sending only its first n bytes.
	cut := func(code int, body string, n int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(code)
			_, _ = io.WriteString(w, body[:n])
		}
	}
	gzipCut := func(t *testing.T) http.HandlerFunc {
		gz := gzipped(t, []byte(okBody))
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
			_, _ = w.Write(gz[:len(gz)/2])
		}
	}
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		want     error // nil: the token
		hits     int32
		wantEOF  bool // errors.Is(err, io.ErrUnexpectedEOF)
		wantText string
	}{
		{name: "200 cut short every time", handler: cut(200, okBody, 40), want: ErrUnexpectedResponse, hits: 3, wantEOF: true, wantText: "cut short"},
		{name: "gzip 200 cut short every time", handler: gzipCut(t), want: ErrUnexpectedResponse, hits: 3, wantEOF: true, wantText: "cut short"},
		{name: "200 cut short then whole", handler: sequence(cut(200, okBody, 40), answer(200, okBody)), hits: 2},
		{name: "503 cut short", handler: cut(503, errorBody(StatusServerFailure, "", "down"), 20), want: ErrServerFailure, hits: 3, wantEOF: true},
		{name: "400 cut short", handler: cut(400, errorBody(StatusBadRequest, "missingField", "userId"), 20), want: ErrBadRequest, hits: 1, wantEOF: true},
		{name: "401 cut short", handler: cut(401, errorBody(StatusBadRequest, "", "who are you"), 20), want: ErrUnauthorized, hits: 1},
		{name: "403 cut short", handler: cut(403, errorBody(StatusPermissionDenied, "", "no"), 20), want: ErrPermissionDenied, hits: 1, wantEOF: true},
		{name: "404 cut short", handler: cut(404, errorBody(StatusNotFound, "", "API client not found"), 20), want: ErrNotFound, hits: 1, wantEOF: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.handler)
			c, _ := newTestClient(t, srv.URL)

			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			assert.Equal(t, tc.hits, srv.hits.Load(), "requests")
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, testToken, lt.Token)
				return
			}
			assertOnlySentinel(t, err, tc.want)
			assert.Equal(t, tc.wantEOF, errors.Is(err, io.ErrUnexpectedEOF), "errors.Is(%q, io.ErrUnexpectedEOF)", err)
			assert.Contains(t, err.Error(), tc.wantText)
		})
	}
}

// TestResponseCorruptGzipNotRetried: a body whose gzip is corrupt, rather than cut
// short, would come back the same on every attempt, each minting a token: it is not
// retried.
func TestResponseCorruptGzipNotRetried(t *testing.T) {
	bodies := []struct {
		name string
		body []byte
	}{
		{name: "plain JSON labelled gzip", body: []byte(okBody)},
		{name: "corrupt deflate stream", body: append(gzipped(t, []byte(okBody))[:12], "not deflate at all"...)},
	}
	for _, b := range bodies {
		t.Run(b.name+", unasked gzip", func(t *testing.T) {
			c, mt, _ := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockLinkTokenURL, respond(http.StatusOK, b.body,
				"Content-Type", "application/json", "Content-Encoding", "gzip"))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			assertOnlySentinel(t, err, ErrUnexpectedResponse)
			assert.Contains(t, err.Error(), "gzip encoding is corrupt")
			assert.Equal(t, 1, mt.GetTotalCallCount(), "requests")
		})
		t.Run(b.name+", transport gzip", func(t *testing.T) {
			srv := newServer(t, answer(http.StatusOK, string(b.body), "Content-Encoding", "gzip"))
			c, _ := newTestClient(t, srv.URL)
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			assertOnlySentinel(t, err, ErrUnexpectedResponse)
			assert.EqualValues(t, 1, srv.hits.Load(), "requests")
		})
	}
}
