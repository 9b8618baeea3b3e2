package mesh

// Reading an answer's body: its bounds (bytes read, list items decoded, errorData
// kept) and what an answer costs in memory within them, gzip, and a body cut short or
// followed by stray bytes.

import (
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
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResponseBody: a Link token answer is read up to 1 MiB, inflated bytes counted. A
// gzip body the client did not ask for (the transport left it compressed) is inflated
// as a whole: it may be several members, its content their concatenation (RFC 1952),
// as a server that compresses each flush sends; the coding's name is read without case
// (RFC 9110). A corrupt gzip body, unlike one cut short, would come back the same on
// every attempt, each minting a token. None of these answers is sent again.
func TestResponseBody(t *testing.T) {
	const bound, tooLarge, corrupt = 1 << 20, "larger than 1048576 bytes", "gzip encoding is corrupt"
	members := func(parts ...string) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, gzipped(t, []byte(p))...)
		}
		return b
	}
	bad := errorBody(StatusBadRequest, "missingField", "userId is required")
	badSum := gzipped(t, []byte(okBody[:len(okBody)/2])) // half an envelope
	badSum[len(badSum)-8] ^= 0xff                        // the CRC-32 of the trailer
	bomb := gzipZeros(16)
	require.Less(t, len(bomb), 1<<20, "small on the wire")
	for _, tc := range []struct {
		name   string
		code   int
		coding string // Content-Encoding
		body   []byte
		want   error // nil: the token
		text   string
		cause  error // what the error wraps
	}{
		{"exactly 1 MiB", 200, "", []byte(paddedAnswer(okBody, bound)), nil, "", nil},
		{"1 MiB and 1 byte", 200, "", []byte(paddedAnswer(okBody, bound+1)), ErrUnexpectedResponse, tooLarge, nil},
		{"1 MiB and 1 byte at 400", 400, "", []byte(paddedAnswer(okBody, bound+1)), ErrUnexpectedResponse, tooLarge, nil},
		{"1 MiB and 1 byte at 401", 401, "", []byte(paddedAnswer(okBody, bound+1)), ErrUnauthorized, tooLarge, nil},
		{"gzip inflating to exactly 1 MiB", 200, "gzip", gzipped(t, []byte(paddedAnswer(okBody, bound))), nil, "", nil},
		{"gzip inflating to 1 MiB and 1 byte", 200, "gzip", gzipped(t, []byte(paddedAnswer(okBody, bound+1))), ErrUnexpectedResponse, tooLarge, nil},
		{"gzip bomb", 200, "gzip", bomb, ErrUnexpectedResponse, tooLarge, nil},
		// Content may hold a deep member the SDK does not read, but not one past encoding/json's depth limit.
		{"ok content with a member 4000 levels deep", 200, "", []byte(`{"status":"ok","content":{"linkToken":"` + testToken + `","x":` + strings.Repeat(`{"a":[`, 2000) + "1" + strings.Repeat(`]}`, 2000) + `}}`), nil, "", nil},
		{"ok content past the depth limit", 200, "", []byte(`{"status":"ok","content":{"linkToken":"` + testToken + `","x":` + strings.Repeat(`{"a":[`, 30000) + "1" + strings.Repeat(`]}`, 30000) + `}}`), ErrUnexpectedResponse, "", nil},
		{"gzip ok envelope", 200, "gzip", members(okBody), nil, "", nil},
		{"gzip error envelope", 400, "gzip", members(bad), ErrBadRequest, "userId is required", nil},
		{"gzip ok envelope in two members", 200, "gzip", members(okBody[:40], okBody[40:]), nil, "", nil},
		{"gzip error envelope in three members", 400, "gzip", members(bad[:20], bad[20:60], bad[60:]), ErrBadRequest, "userId is required", nil},
		{"GZip ok envelope", 200, "GZip", members(okBody), nil, "", nil},
		{"gzip empty body: an empty answer, not one cut short", 200, "gzip", nil, ErrUnexpectedResponse, "empty answer", nil},
		{"plain JSON labelled gzip", 200, "gzip", []byte(okBody), ErrUnexpectedResponse, corrupt, gzip.ErrHeader},
		{"corrupt deflate stream", 200, "gzip", append(gzipped(t, []byte(okBody))[:12], "not deflate at all"...), ErrUnexpectedResponse, corrupt, nil},
		{"half an envelope, its checksum wrong", 200, "gzip", badSum, ErrUnexpectedResponse, corrupt, gzip.ErrChecksum},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt, calls, err := mockLinkToken(t, respond(tc.code, tc.body, "Content-Type", "application/json", "Content-Encoding", tc.coding))
			assert.Equal(t, 1, calls, "requests")
			if assertTokenOr(t, lt, err, tc.want) {
				assert.ErrorContains(t, err, tc.text)
				assert.Less(t, len(err.Error()), 300)
				if tc.cause != nil {
					assert.ErrorIs(t, err, tc.cause)
				}
			}
			if tc.text == corrupt { // so it is when the Transport asked for gzip and inflates it
				_, hits, err := serverLinkToken(t, answer(http.StatusOK, string(tc.body), "Content-Encoding", "gzip"))
				assertOnlySentinel(t, err, ErrUnexpectedResponse)
				assert.Equal(t, 1, hits, "requests")
			}
		})
	}
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
		// content holds the list under test as %s, of items item; count counts it (-1: unread).
		name, content, item string
		count               func(c *Client) (int, error)
	}{
		{"networks", `{"networks":[%s]}`, `{}`, counted(nets, func(l []Network) int { return len(l) })},
		{"Network.SupportedTokens", `{"networks":[{"supportedTokens":[%s]}]}`, `"USDC"`, counted(nets, func(l []Network) int { return len(l[0].SupportedTokens) })},
		{"Network.Tokens", `{"networks":[{"tokens":[%s]}]}`, `{"symbol":"USDC"}`, counted(nets, func(l []Network) int { return len(l[0].Tokens) })},
		{"Network.SupportedBrokerTypes", `{"networks":[{"supportedBrokerTypes":[%s]}]}`, `"coinbase"`, counted(nets, func(l []Network) int { return len(l[0].SupportedBrokerTypes) })},
		{"integrations", `{"items":[%s]}`, `{}`, counted(ints, func(l []Integration) int { return len(l) })},
		{"Integration.Categories", `{"items":[{"categories":[%s]}]}`, `"exchange"`, counted(ints, func(l []Integration) int { return len(l[0].Categories) })},
		{"transfer integrations", `{"integrations":[%s]}`, `{}`, counted(tis, func(l []TransferIntegration) int { return len(l) })},
		{"TransferIntegration.Networks", `{"integrations":[{"networks":[%s]}]}`, `{}`, counted(tis, func(l []TransferIntegration) int { return len(l[0].Networks) })},
		{"TransferNetwork.SupportedTokens", `{"integrations":[{"networks":[{"supportedTokens":[%s]}]}]}`, `"USDC"`, counted(tis, func(l []TransferIntegration) int { return len(l[0].Networks[0].SupportedTokens) })},
		{"TransferNetwork.SupportedDevices", `{"integrations":[{"networks":[{"supportedDevices":[%s]}]}]}`, `"web"`, counted(tis, func(l []TransferIntegration) int { return len(l[0].Networks[0].SupportedDevices) })},
		{"a list the SDK does not read, in a catalog", `{"networks":[{}],"cursor":[%s]}`, `0`, unread("Networks")},
		{"a list the SDK does not read, in a Link token", `{"linkToken":"` + testToken + `","x":[%s]}`, `0`, unread("CreateLinkToken")},
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
// around it not counted), the secret in it redacted; a larger one is dropped, and the
// error says so, keeping everything else the answer said. Deeply nested JSON neither
// panics nor exhausts the stack: errorData 2000 levels deep is kept whole; past
// encoding/json's depth limit an answer is not JSON.
func TestResponseErrorDataBound(t *testing.T) {
	data := func(n int) string { return `"` + strings.Repeat("d", n-2) + `"` } // a JSON string of n bytes
	deep := func(inner string) string { return strings.Repeat(`{"a":[`, 1000) + inner + strings.Repeat(`]}`, 1000) }
	tooDeep := strings.Repeat(`{"a":[`, 30000) + `"` + testSecret + `"` + strings.Repeat(`]}`, 30000)
	for _, tc := range []struct {
		name     string
		code     int
		body     string
		want     error
		kept     string // the errorData kept
		wantText string
	}{
		{"8 KiB", 400, `{"status":"badRequest","message":"m","errorData": ` + data(8<<10) + ` }`, ErrBadRequest, data(8 << 10), ""},
		{"8 KiB and 1 byte", 400, `{"status":"badRequest","message":"m","errorData":` + data(8<<10+1) + `}`, ErrBadRequest, "", "mesh: 400 Bad Request: badRequest: m: errorData of 8193 bytes dropped"},
		{"512 KiB of small numbers, at 409", 409, `{"status":"conflict","errorData":[` + repeated("0", 1<<18) + `]}`, ErrConflict, "", "errorData of 524289 bytes dropped"},
		{"2000 levels deep, the secret at the bottom", 400, `{"status":"badRequest","errorData":` + deep(`"`+testSecret+`"`) + `}`, ErrBadRequest, deep(`"` + redacted + `"`), ""},
		{"past the depth limit", 400, `{"status":"badRequest","errorData":` + tooDeep + `}`, ErrBadRequest, "", ""},
		{"400000 arrays never closed", 409, `{"status":"conflict","errorData":` + strings.Repeat("[", 400000), ErrConflict, "", ""},
		{"8 KiB and 1 byte, at 401", 401, `{"status":"badRequest","errorData":` + data(8<<10+1) + `}`, ErrUnauthorized, "", "this client calls mesh.test; errorData of 8193 bytes dropped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := mockLinkToken(t, respond(tc.code, []byte(tc.body), "Content-Type", "application/json"), WithRetry(RetryPolicy{}))
			assertOnlySentinel(t, err, tc.want)
			assert.Equal(t, tc.kept, string(asAPIError(t, err).ErrorData))
			assert.Contains(t, err.Error(), tc.wantText)
			assertShortLine(t, err.Error(), maxShownError, "the error")
			assertErrorHidesSecret(t, err, testSecret)
		})
	}
}

// allocatedPerCall is what call allocates on the heap, all goroutines counted (no test
// here runs in parallel), after a first call that warms pools and caches up.
func allocatedPerCall(call func()) uint64 {
	call()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	call()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestResponseMemoryBound: no answer within its bounds costs a call (its read, decoding,
// error, and their garbage) more than 32 times its bytes, for the answers that cost the
// most per byte. 1 MiB once cost 765 MiB. Just within the item bounds an answer decodes
// whole, and a small answer of empty items costs far more per byte (10,000 empty
// integrations: 30 KB of JSON, 4.5 MB of structs): there the item bounds cap it at 64 MiB.
func TestResponseMemoryBound(t *testing.T) {
	measure := func(t *testing.T, call string, code int, body string) (uint64, error) {
		t.Helper()
		c, mt, _ := newMockClient(t, WithRetry(RetryPolicy{}))
		mt.RegisterNoResponder(respond(code, []byte(body), "Content-Type", "application/json"))
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
					assert.LessOrEqual(t, float64(allocated)/float64(len(shape.body)), 32.0, "allocated per byte of the answer")
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
				assert.LessOrEqual(t, allocated, uint64(64<<20), "allocated by one call")
			})
		}
	})
}

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
		// The answer promises more than the envelope, and the connection closes after it.
		"plain envelope then early close": server(answer(http.StatusOK, okBody, "Content-Length", strconv.Itoa(len(okBody)+100))),
		"chunked envelope then a broken chunk": func(t *testing.T) (*LinkToken, int, error) {
			reply := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
				strconv.FormatInt(int64(len(okBody)), 16) + "\r\n" + okBody + "\r\nzz\r\n"
			c, clock := newTestClient(t, rawServer(t, reply))
			lt, err := c.CreateLinkToken(context.Background(), validRequest())
			return lt, 1 + len(clock.Waits()), err // a retry waits first
		},
		"plain envelope then connection reset": func(t *testing.T) (*LinkToken, int, error) {
			body := io.NopCloser(io.MultiReader(strings.NewReader(okBody), iotest.ErrReader(syscall.ECONNRESET)))
			return mockLinkToken(t, func(req *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: http.StatusOK, Body: body, ContentLength: -1, Request: req}, nil
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
			return mockLinkToken(t, respond(http.StatusOK, gzipThen(junk), "Content-Type", "application/json", "Content-Encoding", "gzip"))
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
// was meant to be a token (2xx; then whole: TestRetryWhatIsRetried), and its read error
// stays reachable; a refusal cut short is not sent again.
func TestResponseCutShort(t *testing.T) {
	// cut answers code, promising body whole but sending only its first n bytes.
	cut := func(code int, body string, n int, header ...string) http.HandlerFunc {
		return answer(code, body[:n], append(header, "Content-Length", strconv.Itoa(len(body)))...)
	}
	gz := string(gzipped(t, []byte(okBody)))
	for _, tc := range []struct {
		name     string
		handler  http.HandlerFunc
		want     error // nil: the token
		hits     int
		wantEOF  bool // errors.Is(err, io.ErrUnexpectedEOF)
		wantText string
	}{
		{"gzip 200 cut short every time", cut(200, gz, len(gz)/2, "Content-Encoding", "gzip"), ErrUnexpectedResponse, 3, true, "cut short"},
		{"503 cut short", cut(503, errorBody(StatusServerFailure, "", "down"), 20), ErrServerFailure, 3, true, ""},
		{"400 cut short", cut(400, errorBody(StatusBadRequest, "missingField", "userId"), 20), ErrBadRequest, 1, true, ""},
		{"401 cut short", cut(401, errorBody(StatusBadRequest, "", "who are you"), 20), ErrUnauthorized, 1, false, ""},
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
