package mesh

// Reading an answer's body: its bounds (bytes read, list items decoded, errorData
// kept) and what an answer costs in memory within them, gzip, and a body cut short or
// followed by stray bytes.

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
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
	gz := []string{"Content-Type", "application/json", "Content-Encoding", "gzip"}
	bomb := gzipZeros(16)
	require.Less(t, len(bomb), 1<<20, "small on the wire")
	for _, tc := range []struct {
		name   string
		code   int
		body   []byte
		header []string
		want   error // nil: the token
	}{
		{"exactly 1 MiB", 200, paddedOKBody(bound), nil, nil},
		{"1 MiB and 1 byte", 200, paddedOKBody(bound + 1), nil, ErrUnexpectedResponse},
		{"1 MiB and 1 byte at 400", 400, paddedOKBody(bound + 1), nil, ErrUnexpectedResponse},
		{"1 MiB and 1 byte at 401", 401, paddedOKBody(bound + 1), nil, ErrUnauthorized},
		{"gzip inflating to exactly 1 MiB", 200, gzipped(t, paddedOKBody(bound)), gz, nil},
		{"gzip inflating to 1 MiB and 1 byte", 200, gzipped(t, paddedOKBody(bound+1)), gz, ErrUnexpectedResponse},
		{"gzip bomb", 200, bomb, gz, ErrUnexpectedResponse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt, calls, err := mockLinkToken(t, respond(tc.code, tc.body, tc.header...))
			assert.Equal(t, 1, calls, "a bounded answer is read once")
			if assertTokenOr(t, lt, err, tc.want) {
				assert.Contains(t, err.Error(), "larger than 1048576 bytes")
				assert.Less(t, len(err.Error()), 300)
			}
		})
	}

	t.Run("gzip bomb inflated by the transport", func(t *testing.T) {
		_, hits, err := serverLinkToken(t, answer(http.StatusOK, string(bomb), "Content-Encoding", "gzip"))
		assertOnlySentinel(t, err, ErrUnexpectedResponse)
		assert.Contains(t, err.Error(), "larger than")
		assert.Equal(t, 1, hits)
	})

	t.Run("64 MiB streamed", func(t *testing.T) {
		const size = 64 << 20
		written := make(chan int64, 1)
		_, hits, err := serverLinkToken(t, func(w http.ResponseWriter, _ *http.Request) {
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
		assertOnlySentinel(t, err, ErrUnexpectedResponse)
		assert.Contains(t, err.Error(), "larger than")
		assert.Equal(t, 1, hits)
		select { // the client hung up: the server could not write it all
		case n := <-written:
			assert.Less(t, n, int64(size), "the server wrote the whole body")
		case <-time.After(time.Minute):
			t.Fatal("the server is still writing: the client did not hang up")
		}
	})
}

// repeated is n copies of item, comma-separated: the items of a JSON array.
func repeated(item string, n int) string {
	return strings.TrimSuffix(strings.Repeat(item+",", n), ",")
}

// counted is a call of list that counts the items of its result with n.
func counted[T any](
	list func(*Client, context.Context, ...CallOption) ([]T, error), n func([]T) int,
) func(*Client) (int, error) {
	return func(c *Client) (int, error) {
		l, err := list(c, context.Background())
		if err != nil {
			return 0, err
		}
		return n(l), nil
	}
}

// TestResponseItemBound: an ok answer's content holds at most 10,000 items in any one
// list, at any depth (every nested list of the catalogs, and lists the SDK does not
// read), and 100,000 in all its lists, whatever the endpoint. Past either bound the
// answer is ErrUnexpectedResponse, naming the bound, and is not sent again.
func TestResponseItemBound(t *testing.T) {
	nets, ints, tis := (*Client).Networks, (*Client).Integrations, (*Client).TransferIntegrations
	unread := func(call string) func(c *Client) (int, error) {
		return func(c *Client) (int, error) { return -1, clientCall(call)(c, context.Background()) }
	}
	for _, l := range []struct {
		// content holds the list under test as %s, of items item; count calls, and counts
		// that list (-1: unread).
		name, content, item string
		count               func(c *Client) (int, error)
	}{
		{"networks", `{"networks":[%s]}`, `{}`, counted(nets, func(l []Network) int { return len(l) })},
		{"Network.SupportedTokens", `{"networks":[{"supportedTokens":[%s]}]}`, `"USDC"`,
			counted(nets, func(l []Network) int { return len(l[0].SupportedTokens) })},
		{"Network.Tokens", `{"networks":[{"tokens":[%s]}]}`, `{"symbol":"USDC"}`,
			counted(nets, func(l []Network) int { return len(l[0].Tokens) })},
		{"Network.SupportedBrokerTypes", `{"networks":[{"supportedBrokerTypes":[%s]}]}`, `"coinbase"`,
			counted(nets, func(l []Network) int { return len(l[0].SupportedBrokerTypes) })},
		{"integrations", `{"items":[%s]}`, `{}`, counted(ints, func(l []Integration) int { return len(l) })},
		{"Integration.Categories", `{"items":[{"categories":[%s]}]}`, `"exchange"`,
			counted(ints, func(l []Integration) int { return len(l[0].Categories) })},
		{"transfer integrations", `{"integrations":[%s]}`, `{}`,
			counted(tis, func(l []TransferIntegration) int { return len(l) })},
		{"TransferIntegration.Networks", `{"integrations":[{"networks":[%s]}]}`, `{}`,
			counted(tis, func(l []TransferIntegration) int { return len(l[0].Networks) })},
		{"TransferNetwork.SupportedTokens", `{"integrations":[{"networks":[{"supportedTokens":[%s]}]}]}`, `"USDC"`,
			counted(tis, func(l []TransferIntegration) int { return len(l[0].Networks[0].SupportedTokens) })},
		{"TransferNetwork.SupportedDevices", `{"integrations":[{"networks":[{"supportedDevices":[%s]}]}]}`, `"web"`,
			counted(tis, func(l []TransferIntegration) int { return len(l[0].Networks[0].SupportedDevices) })},
		{"a list the SDK does not read, in a catalog", `{"networks":[{}],"cursor":[%s]}`, `0`, unread("Networks")},
		{"a list the SDK does not read, in a Link token", `{"linkToken":"` + testToken + `","x":[%s]}`, `0`,
			unread("CreateLinkToken")},
	} {
		for _, n := range []int{maxListItems, maxListItems + 1} {
			t.Run(l.name+" of "+strconv.Itoa(n), func(t *testing.T) {
				content := fmt.Sprintf(l.content, repeated(l.item, n))
				srv := newServer(t, answer(http.StatusOK, `{"status":"ok","content":`+content+`}`))
				c, _ := newTestClient(t, srv.URL)
				got, err := l.count(c)
				assert.EqualValues(t, 1, srv.hits.Load(), "requests")
				if n <= maxListItems {
					require.NoError(t, err)
					if got >= 0 {
						assert.Equal(t, n, got)
					}
					return
				}
				assertOnlySentinel(t, err, ErrUnexpectedResponse)
				assert.ErrorContains(t, err, "content has a list of more than 10000 items")
			})
		}
	}

	// 10 transfer integrations of n networks each: 10 + 10·n items in all.
	for _, tc := range []struct {
		networks int
		want     error
	}{{9999, nil}, {10000, ErrUnexpectedResponse}} {
		t.Run(strconv.Itoa(10+10*tc.networks)+" items in all", func(t *testing.T) {
			integration := `{"networks":[` + repeated(`{}`, tc.networks) + `]}`
			srv := newServer(t, answer(http.StatusOK, `{"status":"ok","content":{"integrations":[`+repeated(integration, 10)+`]}}`))
			c, _ := newTestClient(t, srv.URL)
			got, err := c.TransferIntegrations(context.Background())
			assert.EqualValues(t, 1, srv.hits.Load(), "requests")
			if tc.want == nil {
				require.NoError(t, err)
				require.Len(t, got, 10)
				assert.Len(t, got[9].Networks, tc.networks)
				return
			}
			assertOnlySentinel(t, err, tc.want)
			assert.ErrorContains(t, err, "content has more than 100000 list items")
		})
	}
}

// TestResponseErrorDataBound: an error's errorData is kept up to 8 KiB (white space
// around it not counted); a larger one is dropped, and the error says so, keeping
// everything else the answer said.
func TestResponseErrorDataBound(t *testing.T) {
	data := func(n int) string { return `"` + strings.Repeat("d", n-2) + `"` } // a JSON string of n bytes
	for _, tc := range []struct {
		name     string
		code     int
		body     string
		want     error
		kept     string // the errorData kept
		wantText string
	}{
		{"8 KiB", 400, `{"status":"badRequest","message":"m","errorData": ` + data(8<<10) + ` }`,
			ErrBadRequest, data(8 << 10), ""},
		{"8 KiB and 1 byte", 400, `{"status":"badRequest","message":"m","errorData":` + data(8<<10+1) + `}`,
			ErrBadRequest, "", "mesh: 400 Bad Request: badRequest: m: errorData of 8193 bytes dropped"},
		{"512 KiB of small numbers, at 409", 409, `{"status":"conflict","errorData":[` + repeated("0", 1<<18) + `]}`,
			ErrConflict, "", "errorData of 524289 bytes dropped"},
		{"8 KiB and 1 byte, at 401", 401, `{"status":"badRequest","errorData":` + data(8<<10+1) + `}`,
			ErrUnauthorized, "", "this client calls mesh.test; errorData of 8193 bytes dropped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := mockLinkToken(t, respondJSON(tc.code, tc.body), WithRetry(RetryPolicy{}))
			assertOnlySentinel(t, err, tc.want)
			assert.Equal(t, tc.kept, string(asAPIError(t, err).ErrorData))
			assert.Contains(t, err.Error(), tc.wantText)
			assertShortLine(t, err.Error(), maxShownError, "the error")
		})
	}
}

// fromMemory is a Transport that answers every request with code and body from memory.
func fromMemory(code int, body []byte) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
		}, nil
	})
}

// allocatedPerCall is what call allocates on the heap, all goroutines counted, after a
// first call that warms pools and caches up. Tests of this package do not run in
// parallel, so the count is the call's own, to the few KiB the runtime may add.
func allocatedPerCall(call func()) uint64 {
	call()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	call()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestResponseMemoryBound measures what a call costs in memory (its read, its decoding,
// its error, and their garbage) for the answers that cost the most per byte, against the
// target: no answer within its bounds costs more than 32 times its bytes.
//
// Filling 1 MiB (the Link token endpoint's byte bound, and the size that once cost
// 765 MiB), each is refused before anything is decoded, for about what reading costs;
// larger, up to the catalogs' bounds, each costs the same per byte. Just within the
// item bounds, an answer decodes whole: a small answer of empty items costs far more
// than 32 times its bytes (10,000 empty integrations are 30 KB of JSON and 4.5 MB of
// Integration structs), and what bounds it is the item bounds: at most 64 MiB a call.
func TestResponseMemoryBound(t *testing.T) {
	measure := func(t *testing.T, call string, code int, body string) (uint64, error) {
		t.Helper()
		c, _ := newTestClient(t, mockBaseURL, WithHTTPClient(&http.Client{Transport: fromMemory(code, []byte(body))}),
			WithRetry(RetryPolicy{}))
		var err error
		return allocatedPerCall(func() { err = clientCall(call)(c, context.Background()) }), err
	}

	t.Run("1 MiB", func(t *testing.T) {
		const size = 1 << 20
		// fill is prefix, items, suffix: at most size bytes, less than an item short.
		fill := func(prefix, item, suffix string) string {
			return prefix + repeated(item, (size-len(prefix)-len(suffix))/(len(item)+1)) + suffix
		}
		deepArray := strings.Repeat("[", 9000) + strings.Repeat("]", 9000)
		deepObject := strings.Repeat(`{"a":`, 9000) + "0" + strings.Repeat("}", 9000)
		for _, ep := range []struct{ call, key, nested, nestedItem string }{
			{"Networks", "networks", "tokens", `{}`},
			{"Integrations", "items", "categories", `""`},
			{"TransferIntegrations", "integrations", "networks", `{}`},
			{"CreateLinkToken", "x", "x", `{}`},
		} {
			ok := `{"status":"ok","content":{`
			for _, shape := range []struct {
				name string
				code int
				body string
			}{
				{"[{},{},...]", 200, fill(ok+`"`+ep.key+`":[`, `{}`, `]}}`)},
				{"nested " + ep.nestedItem, 200, fill(ok+`"`+ep.key+`":[{"`+ep.nested+`":[`, ep.nestedItem, `]}]}}`)},
				{"arrays 9000 deep", 200, fill(ok+`"x":[`, deepArray, `]}}`)},
				{"objects 9000 deep", 200, fill(ok+`"x":[`, deepObject, `]}}`)},
				{"errorData of small numbers", 400, fill(`{"status":"badRequest","errorData":[`, `0`, `]}`)},
			} {
				t.Run(ep.call+" "+shape.name, func(t *testing.T) {
					allocated, err := measure(t, ep.call, shape.code, shape.body)
					require.Error(t, err)
					ratio := float64(allocated) / float64(len(shape.body))
					t.Logf("%d bytes: %d allocated, %.1f×", len(shape.body), allocated, ratio)
					assert.LessOrEqual(t, ratio, 32.0, "allocated per byte of the answer")
				})
			}
		}
	})

	t.Run("at the item bounds", func(t *testing.T) {
		for _, shape := range []struct {
			name, call, body string
		}{
			{"10000 empty networks", "Networks", `{"status":"ok","content":{"networks":[` + repeated(`{}`, maxListItems) + `]}}`},
			{"10000 empty integrations", "Integrations", `{"status":"ok","content":{"items":[` + repeated(`{}`, maxListItems) + `]}}`},
			{"10 networks of 9999 empty tokens", "Networks",
				`{"status":"ok","content":{"networks":[` + repeated(`{"tokens":[`+repeated(`{}`, 9999)+`]}`, 10) + `]}}`},
			{"10 transfer integrations of 9999 empty networks", "TransferIntegrations",
				`{"status":"ok","content":{"integrations":[` + repeated(`{"networks":[`+repeated(`{}`, 9999)+`]}`, 10) + `]}}`},
		} {
			t.Run(shape.name, func(t *testing.T) {
				allocated, err := measure(t, shape.call, http.StatusOK, shape.body)
				require.NoError(t, err)
				t.Logf("%d bytes: %d allocated, %.0f×", len(shape.body), allocated, float64(allocated)/float64(len(shape.body)))
				assert.LessOrEqual(t, allocated, uint64(64<<20), "allocated by one call")
			})
		}
	})
}

// TestResponseGzipNotAskedFor: a gzip body the client did not ask for (the transport
// left it compressed) is inflated, as a whole: a gzip body may be several members, its
// content their concatenation (RFC 1952), as a server that compresses each flush sends.
// The coding's name is read without case (RFC 9110); an empty body is an empty answer,
// not one cut short, and is not sent again.
func TestResponseGzipNotAskedFor(t *testing.T) {
	members := func(parts ...string) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, gzipped(t, []byte(p))...)
		}
		return b
	}
	bad := errorBody(StatusBadRequest, "missingField", "userId is required")
	for _, tc := range []struct {
		name     string
		code     int
		coding   string // Content-Encoding: gzip when ""
		body     []byte
		want     error
		wantText string
	}{
		{"ok envelope", 200, "", members(okBody), nil, ""},
		{"error envelope", 400, "", members(bad), ErrBadRequest, "userId is required"},
		{"ok envelope in two members", 200, "", members(okBody[:40], okBody[40:]), nil, ""},
		{"error envelope in three members", 400, "", members(bad[:20], bad[20:60], bad[60:]),
			ErrBadRequest, "userId is required"},
		{"ok envelope, GZip", 200, "GZip", members(okBody), nil, ""},
		{"empty body", 200, "", nil, ErrUnexpectedResponse, "empty answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt, calls, err := mockLinkToken(t, respond(tc.code, tc.body,
				"Content-Type", "application/json", "Content-Encoding", cmp.Or(tc.coding, "gzip")))
			assert.Equal(t, 1, calls)
			if assertTokenOr(t, lt, err, tc.want) {
				assert.ErrorContains(t, err, tc.wantText)
			}
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
	type call func(t *testing.T) (*LinkToken, int, error) // the call and the requests it sent
	server := func(h http.HandlerFunc) call {
		return func(t *testing.T) (*LinkToken, int, error) { return serverLinkToken(t, h) }
	}
	gzOK := gzipped(t, []byte(okBody))
	gzipThen := func(junk string) []byte { return slices.Concat(gzOK, []byte(junk)) }
	tests := map[string]call{
		"plain envelope then early close": server(func(w http.ResponseWriter, _ *http.Request) {
			// The answer promises more than the envelope, and the connection closes after it.
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(okBody)+100))
			_, _ = io.WriteString(w, okBody)
		}),
		"chunked envelope then a broken chunk": func(t *testing.T) (*LinkToken, int, error) {
			reply := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
				strconv.FormatInt(int64(len(okBody)), 16) + "\r\n" + okBody + "\r\nzz\r\n"
			c, clock := newTestClient(t, rawServer(t, reply))
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			return lt, 1 + len(clock.Waits()), err // a retry waits first
		},
		"plain envelope then connection reset": func(t *testing.T) (*LinkToken, int, error) {
			return mockLinkToken(t, func(req *http.Request) (*http.Response, error) {
				return &http.Response{
					StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
					Body: &failingBody{r: strings.NewReader(okBody), err: syscall.ECONNRESET}, ContentLength: -1, Request: req,
				}, nil
			})
		},
	}
	for _, junk := range []string{"\r\n", longJunk} {
		// Through the Transport's own decompression: it asked for gzip, and inflates the
		// body as a stream of members, so the junk is a read error after the envelope.
		tests["transport gzip then "+strconv.Quote(junk[:2])] = func(t *testing.T) (*LinkToken, int, error) {
			var askedGzip atomic.Bool
			lt, hits, err := serverLinkToken(t, func(w http.ResponseWriter, r *http.Request) {
				askedGzip.Store(r.Header.Get("Accept-Encoding") == "gzip")
				answer(http.StatusOK, string(gzipThen(junk)), "Content-Encoding", "gzip")(w, r)
			})
			require.True(t, askedGzip.Load(), "the Transport asked for gzip itself")
			return lt, hits, err
		}
		// Gzip the client did not ask for: the SDK inflates it.
		tests["unasked gzip then "+strconv.Quote(junk[:2])] = func(t *testing.T) (*LinkToken, int, error) {
			return mockLinkToken(t, respond(http.StatusOK, gzipThen(junk), "Content-Type", "application/json",
				"Content-Encoding", "gzip"))
		}
	}
	// Bytes after a plain envelope in the body itself: the first JSON value is the
	// answer, whatever follows it.
	for _, junk := range []string{" junk", okBody, "\x00\x00", longJunk} {
		tests["plain envelope then "+strconv.Quote(junk[:2])] = server(answer(http.StatusOK, okBody+junk))
	}
	for name, call := range tests {
		t.Run(name, func(t *testing.T) {
			lt, requests, err := call(t)
			require.NoError(t, err)
			assert.Equal(t, testToken, lt.Token)
			assert.Equal(t, 1, requests, "one request, one token")
		})
	}
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
	gz := gzipped(t, []byte(okBody))
	gzipCut := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
		_, _ = w.Write(gz[:len(gz)/2])
	}
	for _, tc := range []struct {
		name     string
		handler  http.HandlerFunc
		want     error // nil: the token
		hits     int
		wantEOF  bool // errors.Is(err, io.ErrUnexpectedEOF)
		wantText string
	}{
		{"200 cut short every time", cut(200, okBody, 40), ErrUnexpectedResponse, 3, true, "cut short"},
		{"gzip 200 cut short every time", gzipCut, ErrUnexpectedResponse, 3, true, "cut short"},
		{"200 cut short then whole", sequence(cut(200, okBody, 40), answer(200, okBody)), nil, 2, false, ""},
		{"503 cut short", cut(503, errorBody(StatusServerFailure, "", "down"), 20), ErrServerFailure, 3, true, ""},
		{"400 cut short", cut(400, errorBody(StatusBadRequest, "missingField", "userId"), 20), ErrBadRequest, 1, true, ""},
		{"401 cut short", cut(401, errorBody(StatusBadRequest, "", "who are you"), 20), ErrUnauthorized, 1, false, ""},
		{"403 cut short", cut(403, errorBody(StatusPermissionDenied, "", "no"), 20), ErrPermissionDenied, 1, true, ""},
		{"404 cut short", cut(404, errorBody(StatusNotFound, "", "API client not found"), 20), ErrNotFound, 1, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt, hits, err := serverLinkToken(t, tc.handler)
			assert.Equal(t, tc.hits, hits, "requests")
			if assertTokenOr(t, lt, err, tc.want) {
				assert.Equal(t, tc.wantEOF, errors.Is(err, io.ErrUnexpectedEOF), "errors.Is(%q, io.ErrUnexpectedEOF)", err)
				assert.Contains(t, err.Error(), tc.wantText)
			}
		})
	}
}

// TestResponseCorruptGzipNotRetried: a body whose gzip is corrupt, rather than cut
// short, would come back the same on every attempt, each minting a token: it is not
// retried.
func TestResponseCorruptGzipNotRetried(t *testing.T) {
	badSum := gzipped(t, []byte(okBody[:len(okBody)/2])) // half an envelope
	badSum[len(badSum)-8] ^= 0xff                        // the CRC-32 of the trailer
	for _, b := range []struct {
		name  string
		body  []byte
		cause error // what the error wraps, when the gzip reader names it
	}{
		{"plain JSON labelled gzip", []byte(okBody), gzip.ErrHeader},
		{"corrupt deflate stream", append(gzipped(t, []byte(okBody))[:12], "not deflate at all"...), nil},
		{"half an envelope, its checksum wrong", badSum, gzip.ErrChecksum},
	} {
		t.Run(b.name+", unasked gzip", func(t *testing.T) {
			_, calls, err := mockLinkToken(t, respond(http.StatusOK, b.body, "Content-Type", "application/json",
				"Content-Encoding", "gzip"))
			assertOnlySentinel(t, err, ErrUnexpectedResponse)
			assert.Contains(t, err.Error(), "gzip encoding is corrupt")
			if b.cause != nil {
				assert.ErrorIs(t, err, b.cause)
			}
			assert.Equal(t, 1, calls, "requests")
		})
		t.Run(b.name+", transport gzip", func(t *testing.T) {
			_, hits, err := serverLinkToken(t, answer(http.StatusOK, string(b.body), "Content-Encoding", "gzip"))
			assertOnlySentinel(t, err, ErrUnexpectedResponse)
			assert.Equal(t, 1, hits, "requests")
		})
	}
}
