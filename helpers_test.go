package mesh

// The helpers shared by the package's tests; a helper of one file lives in that file.

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testClientID = "client-7c1e"
	// testSecret is distinctive so that a leak is found by a plain substring search.
	testSecret  = "sk_live_S3CR3T-5ea36d9-do-not-print"
	mockBaseURL = "https://mesh.test"
	// Valid UUIDs for request fixtures.
	testNetworkID     = "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12"
	testIntegrationID = "34aeb688-decb-485f-9d80-b66466783394"
)

// testLinkURL and testToken are a Link URL and the token that encodes it.
const testLinkURL = "https://web.meshconnect.com/link/abc123?lang=en"

var testToken = base64.StdEncoding.EncodeToString([]byte(testLinkURL))

// okBody is an ok envelope carrying testToken.
var okBody = `{"status":"ok","message":"","displayMessage":null,"errorType":"","errorHash":"8d443794","errorData":null,"content":{"linkToken":"` + testToken + `","paymentLink":null}}`

// errorBody is an error envelope with status, errorType and message.
func errorBody(status Status, errorType, message string) string {
	return `{"status":"` + string(status) + `","message":"` + message + `","displayMessage":null,"errorType":"` +
		errorType + `","errorHash":"e08e7897","errorData":null,"content":null}`
}

// validRequest is a typical payment request that passes Validate.
func validRequest() *CreateLinkTokenRequest {
	return &CreateLinkTokenRequest{UserID: "user-42", TransferOptions: &TransferOptions{
		ToAddresses:  []TransferAddress{{NetworkID: testNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}},
		AmountInFiat: Float64(25),
		TransferType: TransferTypePayment,
	}}
}

// fakeClock is the time of a test client: it advances only when the client sleeps (at
// once), and records every wait, so that a test costs no wall-clock time and cannot flake.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// sleep records d and advances the clock by it; a done ctx ends it, as the real one.
func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	if err := ctx.Err(); err != nil {
		return err
	}
	f.t = f.t.Add(d)
	return nil
}

// Waits returns the waits slept so far, in order.
func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// option makes a client run on f.
func (f *fakeClock) option() Option { return withClock(f.now, f.sleep) }

// newTestClient builds a Client on baseURL with testClientID and testSecret, the
// default retry policy on a fake clock, then opts; its idle connections close with the test.
func newTestClient(t testing.TB, baseURL string, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	return newSecretClient(t, testSecret, baseURL, opts...)
}

// newSecretClient is newTestClient with secret in place of testSecret.
func newSecretClient(t testing.TB, secret, baseURL string, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	c, err := NewClient(testClientID, secret, append([]Option{WithBaseURL(baseURL), clock.option()}, opts...)...)
	require.NoError(t, err, "%q", secret)
	t.Cleanup(c.CloseIdleConnections)
	return c, clock
}

// newMockClient is newTestClient on mockBaseURL over a per-test httpmock transport.
func newMockClient(t testing.TB, opts ...Option) (*Client, *httpmock.MockTransport, *fakeClock) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	c, clock := newTestClient(t, mockBaseURL, append([]Option{WithHTTPClient(&http.Client{Transport: mt})}, opts...)...)
	return c, mt, clock
}

// requireLinkToken makes a Link token call on c that must get testToken.
func requireLinkToken(t *testing.T, c *Client) {
	t.Helper()
	lt, err := c.CreateLinkToken(context.Background(), validRequest())
	require.NoError(t, err)
	assert.Equal(t, testToken, lt.Token)
}

// server is an httptest server that counts the requests it answered and the connections
// it accepted.
type server struct {
	*httptest.Server
	hits, conns atomic.Int32
}

// newServer starts an httptest server running h, closed when the test ends.
func newServer(t testing.TB, h http.HandlerFunc) *server { return startServer(t, h, nil, false) }

// startServer is newServer on ln (nil: any loopback port), on TLS if tlsOn (handshake
// errors unlogged: a test expects them).
func startServer(t testing.TB, h http.HandlerFunc, ln net.Listener, tlsOn bool) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	if ln != nil {
		_ = s.Listener.Close()
		s.Listener = ln
	}
	if tlsOn {
		s.Config.ErrorLog = log.New(io.Discard, "", 0)
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// answer is a handler that answers code with body and the header pairs (name, value,
// ...); Content-Type defaults to application/json.
func answer(code int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

// sequence is a handler that runs hs in turn, one per request, then repeats the last.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		hs[min(int(n.Add(1))-1, len(hs)-1)](w, r)
	}
}

// gzipped compresses b.
func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// sentinels lists every sentinel error of the package.
var sentinels = []error{
	ErrValidation, ErrUnauthorized, ErrBadRequest, ErrPermissionDenied, ErrNotFound,
	ErrConflict, ErrLocked, ErrTooManyRequests, ErrUnavailableForLegalReasons,
	ErrServerFailure, ErrUnexpectedResponse,
}

// assertOnlySentinel checks that err matches want and no other sentinel.
func assertOnlySentinel(t testing.TB, err, want error) {
	t.Helper()
	require.Error(t, err)
	for _, s := range sentinels {
		assert.Equal(t, s == want, errors.Is(err, s), "errors.Is(%q, %v)", err, s) //nolint:errorlint // comparing sentinels themselves
	}
}

// assertNoSecret checks that s does not contain testSecret.
func assertNoSecret(t testing.TB, s, where string) {
	t.Helper()
	assert.NotContains(t, s, testSecret, "%s shows the secret", where)
}

// logRecorder is a slog.Handler that keeps the records it is given, at level and above.
type logRecorder struct {
	level   slog.Level
	mu      sync.Mutex
	records []slog.Record
}

func (r *logRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	return nil
}

func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *logRecorder) WithGroup(string) slog.Handler      { return r }

// all returns the records so far.
func (r *logRecorder) all() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]slog.Record(nil), r.records...)
}

// attrs returns the attributes of rec by key.
func attrs(rec slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	rec.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value
		return true
	})
	return m
}

// text is the whole text of rec: message and attributes.
func text(rec slog.Record) string {
	var b strings.Builder
	b.WriteString(rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	return b.String()
}

// specBrokerTypes are the broker types of the spec (mesh-linktoken-api.md), in its
// order, as data: the code is checked against the spec, not against itself.
var specBrokerTypes = []BrokerType{
	"robinhood", "eTrade", "alpaca", "tdAmeritrade", "weBull", "stash", "interactiveBrokers", "public",
	"coinbase", "kraken", "coinbasePro", "cryptoCom", "openSea", "binanceUs", "gemini",
	"cryptocurrencyAddress", "cryptocurrencyWallet", "okCoin", "bittrex", "kuCoin", "etoro", "cexIo",
	"binanceInternational", "bitstamp", "gateIo", "acorns", "okx", "bitFlyer", "coinlist", "huobi",
	"bitfinex", "deFiWallet", "krakenDirect", "vanguard", "binanceInternationalDirect",
	"bitfinexDirect", "bybit", "paxos", "coinbasePrime", "btcTurkDirect", "kuCoinDirect", "okxOAuth",
	"paribuDirect", "robinhoodConnect", "blockchainCom", "bitsoDirect", "binanceConnect",
	"binanceOAuth", "revolutConnect", "binancePay", "bybitDirect",
}

// meshBrokerTypeAdditions are the broker types Mesh added after the spec, in order.
var meshBrokerTypeAdditions = []BrokerType{
	"paribuOAuth", "payPalConnect", "binanceTrDirect", "coinbaseRamp", "bybitDirectMobile", "sandbox",
	"cryptoComPay", "bybitEuDirect", "uphold", "binancePayOnchain", "sandboxCoinbase", "bybitPay",
}

// unsupportedBrokerTypes are the three values the API lists but refuses.
var unsupportedBrokerTypes = map[BrokerType]bool{
	"deFiWallet": true, "cryptocurrencyAddress": true, "cryptocurrencyWallet": true,
}

// allBrokerTypes is specBrokerTypes then meshBrokerTypeAdditions (63 values).
func allBrokerTypes() []BrokerType {
	return append(append([]BrokerType(nil), specBrokerTypes...), meshBrokerTypeAdditions...)
}

// paddedAnswer is answer padded with white space to exactly n bytes: one JSON value.
func paddedAnswer(answer string, n int) string {
	return answer + strings.Repeat(" ", n-len(answer))
}

// zeroFields lists the fields of v that hold their zero value, through structs, non-nil
// pointers and the first element of slices (a time.Time is one value).
func zeroFields(v reflect.Value, path string) []string {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			break
		}
		var zero []string
		for i := range v.NumField() {
			zero = append(zero, zeroFields(v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
		return zero
	case reflect.Pointer:
		if !v.IsNil() {
			return zeroFields(v.Elem(), path)
		}
	case reflect.Slice:
		if v.Len() == 0 {
			return []string{path}
		}
		return zeroFields(v.Index(0), path+"[0]")
	}
	if v.IsZero() {
		return []string{path}
	}
	return nil
}

// roundTripFunc makes a function an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// maxShownError bounds the text of an error that quotes what a server sent.
const maxShownError = 400

// assertErrorHidesSecret checks err and every error it wraps (errors.Unwrap and
// Unwrap() []error, the whole tree): none shows secret under %v, %+v, %#v or %s, nor
// in the fields of an *APIError that %#v prints as bytes or pointers.
func assertErrorHidesSecret(t testing.TB, err error, secret string) {
	t.Helper()
	require.Error(t, err)
	for todo := []error{err}; len(todo) > 0; {
		e := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if e == nil {
			continue
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(verb, e), secret, "%T under %s shows the secret", e, verb)
		}
		if a, ok := e.(*APIError); ok { //nolint:errorlint // each node of the tree is visited
			assert.NotContains(t, string(a.ErrorData), secret, "APIError.ErrorData shows the secret")
			assert.NotContains(t, fmt.Sprint(a.Header), secret, "APIError.Header shows the secret")
		}
		switch u := e.(type) { //nolint:errorlint // walking the tree node by node
		case interface{ Unwrap() error }:
			todo = append(todo, u.Unwrap())
		case interface{ Unwrap() []error }:
			todo = append(todo, u.Unwrap()...)
		}
	}
}

// assertShortLine checks that s (an error's text, a log line) is one line of ≤ max bytes.
func assertShortLine(t testing.TB, s string, max int, where string) {
	t.Helper()
	assert.False(t, strings.ContainsAny(s, "\r\n"), "%s is not one line", where)
	assert.LessOrEqual(t, len(s), max, "%s runs past %d bytes", where, max)
}

// hangUp is a handler that closes the connection without answering: a transport failure.
func hangUp(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }

// okHead sends the head of an ok answer of len(okBody) bytes, then start.
func okHead(w http.ResponseWriter, start string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(okBody)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, start)
	w.(http.Flusher).Flush()
}

// cutShort is a handler that sends half an ok answer, then closes the connection: a 2xx
// answer the network cut short.
func cutShort(w http.ResponseWriter, _ *http.Request) {
	okHead(w, okBody[:len(okBody)/2])
	panic(http.ErrAbortHandler)
}

// holdUntilGone is a handler that never answers: it returns once the client has given
// up the request (its per-attempt limit or its context ended) or the server closes.
func holdUntilGone(_ http.ResponseWriter, r *http.Request) {
	// net/http notices that the client has gone only once the body has been read.
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// stallBody is a handler that sends an ok answer's head and the start of its body, then
// nothing until the client gives up.
func stallBody(w http.ResponseWriter, r *http.Request) {
	okHead(w, `{"status":`)
	holdUntilGone(w, r)
}

// stopInWait is an Option that runs the client on clock and calls stop as it starts its
// nth back-off wait (recorded on clock): a context ends at a point no scheduler moves.
func stopInWait(clock *fakeClock, n int, stop func()) Option {
	var waits atomic.Int32
	return withClock(clock.now, func(ctx context.Context, d time.Duration) error {
		if int(waits.Add(1)) == n {
			stop()
		}
		return clock.sleep(ctx, d)
	})
}

// hangLimit is how long a test waits for a call that must end before it fails: far past
// any delay of a loaded machine, far short of go test's 10 minutes.
const hangLimit = 20 * time.Second

// mustReturn runs call and returns its error; a call still running after hangLimit
// fails the test, so that a hang shows as a failure, not as go test's timeout.
func mustReturn(t *testing.T, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(hangLimit):
		t.Fatalf("the call has not returned after %s", hangLimit)
		return nil
	}
}

// assertTransportError checks that err is a failure to get an answer: no *APIError,
// no sentinel.
func assertTransportError(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var apiErr *APIError
	assert.False(t, errors.As(err, &apiErr), "an answer was judged: %v", err)
	for _, s := range sentinels {
		assert.NotErrorIs(t, err, s)
	}
}

// assertAttemptLimit checks the error of a call the per-attempt limit (WithTimeout)
// ended: the deadline is its cause, and if an answer's head had come (the machine's load
// decides), it is that answer cut short.
func assertAttemptLimit(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		assertOnlySentinel(t, err, ErrUnexpectedResponse)
	}
}

// gzipZeros is a gzip stream of mib MiB of zeros: one deflated MiB repeated (deflate
// blocks concatenate), a final empty block and the trailer; compressing them outright
// takes seconds under -race.
func gzipZeros(mib int) []byte {
	zeros := make([]byte, 1<<20)
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression) // a valid level
	_, _ = fw.Write(zeros)                                  // a bytes.Buffer does not fail
	_ = fw.Flush()
	crc := uint32(0)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff} // gzip header: deflate
	for range mib {
		out = append(out, chunk.Bytes()...)
	}
	out = append(out, 0x03, 0x00) // a final, empty, fixed-Huffman block
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(mib<<20))
}

// rawServer is a loopback TCP server that reads each request, answers reply byte for
// byte and closes the connection. It returns its base URL.
func rawServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(conn, reply)
			})
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

// debugLog is a logger at Debug level writing JSON lines into the returned buffer.
func debugLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

// assertLogHidesSecret checks every line of a debug log: no secret, one bounded line.
func assertLogHidesSecret(t *testing.T, log, secret string) {
	t.Helper()
	require.NotEmpty(t, log, "nothing was logged")
	assert.NotContains(t, log, secret, "the log shows the secret")
	for _, line := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		assert.LessOrEqual(t, len(line), 2*maxShownError, "a log line runs long: %.200s…", line)
	}
}

// unicodeEscaped writes every character of s as a JSON \u escape.
func unicodeEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// assertNoPieceOfSecret checks that s shows no 12 bytes of secret in a row, in any
// case: a server's text may be cut or lowercased before the SDK shows it.
func assertNoPieceOfSecret(t *testing.T, s, secret, where string) {
	t.Helper()
	lower, sec := strings.ToLower(s), strings.ToLower(secret)
	for i := 0; i+12 <= len(sec); i++ {
		if strings.Contains(lower, sec[i:i+12]) {
			t.Errorf("%s shows %q of the secret: %s", where, sec[i:i+12], s)
			return
		}
	}
}

// unusualSecrets are secrets NewClient accepts (printable ASCII without spaces) whose
// shape an echo, or the text around it, could disguise: characters that Go's %q, JSON,
// HTML escaping, percent-encoding, fmt verbs, regular expressions or HTTP header
// parsing treat specially; digits only (a JSON number can carry them); short; long.
var unusualSecrets = []string{
	testSecret,
	`sk"dq\bs-json-special-5e`,
	"sk<script>&'amp-html-4c",
	"sk'single'quote`back`tick-3a",
	"sk%s%d%v%%%!x-percent-7a",
	`sk.*+?^$()[]{}|regexp-9f3`,
	"sk/with?query=1&frag#x-url-5d",
	"sk:colon:value-header-6e",
	"31415926535897932384626433",
	"Zq7#x9",
	strings.Repeat("LongSecretBlock-", 32),
}

// secretForms are the texts that show secret: as it is, upper- and lower-cased, %q- and
// JSON-escaped, percent-encoded (query and path, either hex case), HTML-escaped (both ways).
func secretForms(secret string) []string {
	quoted := strconv.Quote(secret)
	jsoned, _ := json.Marshal(secret) // a string always encodes
	return []string{secret, strings.ToUpper(secret), strings.ToLower(secret), quoted[1 : len(quoted)-1], string(jsoned[1 : len(jsoned)-1]),
		url.PathEscape(secret), url.QueryEscape(secret), lowerHex(url.PathEscape(secret)), lowerHex(url.QueryEscape(secret)),
		html.EscapeString(secret), htmlEscapeQuot(secret)}
}

var percentEscape = regexp.MustCompile(`%[0-9A-F]{2}`)

// lowerHex writes the hex digits of every percent escape in s in lower case.
func lowerHex(s string) string { return percentEscape.ReplaceAllStringFunc(s, strings.ToLower) }

// htmlEscapeQuot is html.EscapeString with &#x27; for ' and &quot; for ", as many
// template engines escape.
var htmlEscapeQuot = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#x27;", `"`, "&quot;").Replace

// assertNothingShowsSecret checks that err (its whole tree, every verb and field) and
// log (a debug log) show secret in none of its forms nor, in any case, a short secret or
// 12 bytes of a longer one; err's text is one short line.
func assertNothingShowsSecret(t *testing.T, err error, log, secret string) {
	t.Helper()
	for _, f := range secretForms(secret) {
		assertErrorHidesSecret(t, err, f)
		assertLogHidesSecret(t, log, f)
	}
	for where, s := range map[string]string{"the error": fmt.Sprintf("%v %#v", err, err), "the log": log} {
		if len(secret) < 12 {
			assert.NotContains(t, strings.ToLower(s), strings.ToLower(secret), "%s shows the secret in another case", where)
		} else {
			assertNoPieceOfSecret(t, s, secret, where)
		}
	}
	assertShortLine(t, err.Error(), 2*maxShownError, "the error")
}
