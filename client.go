package mesh

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// LinkTokenCreator is what consumers depend on and mock; *Client implements it.
type LinkTokenCreator interface {
	CreateLinkToken(ctx context.Context, req *CreateLinkTokenRequest) (*LinkToken, error)
}

var _ LinkTokenCreator = (*Client)(nil)

// linkTokenPath is the endpoint's path below the base URL.
const linkTokenPath = "/api/v1/linktoken" //nolint:gosec // G101: a URL path, not a credential

// maxBodyBytes bounds what is read of an answer (after gzip): the envelope is tiny, so
// a larger answer is refused as ErrUnexpectedResponse without reading it all.
const maxBodyBytes = 1 << 20

// maxRetryAfter caps a Retry-After the server sends, so that a absurd value stays a
// sane duration.
const maxRetryAfter = 24 * time.Hour

var (
	errNilClient  = errors.New("mesh: nil *Client; create one with NewClient")
	errNilContext = errors.New("mesh: nil context")
)

// Client calls Mesh's integration API. Create one with NewClient and share it: it is
// safe for concurrent use by many goroutines and reuses connections. It never prints
// its secret: fmt in any verb and slog show it redacted.
type Client struct {
	// The state sits behind a pointer so that printing a Client value (not a pointer)
	// with any verb shows addresses: fmt follows at most one pointer, and the secret
	// is two away.
	*clientState
}

// clientState is a Client's configuration, set once by NewClient and then only read.
type clientState struct {
	rc       *resty.Client // configured once in NewClient, never mutated after
	headers  *http.Header  // every request's headers, built once, read-only; behind a pointer like secret
	endpoint string        // base URL + linkTokenPath
	baseURL  string
	clientID string
	// secret is kept to scrub it from anything a server echoes. It is one more pointer
	// away, so that even fmt's bad-verb output of a Client value cannot reach it.
	secret  *string
	timeout time.Duration
	retry   RetryPolicy
	logger  *slog.Logger
}

// NewClient returns a Client that authenticates with clientID and clientSecret.
// Options apply over safe defaults: the production API, 30 s per attempt, 2 retries
// with waits from 500 ms to 5 s, a pool of 100 idle connections per host, no cookie
// jar, no redirects. It fails, and never panics, on a blank id or secret or on a bad
// option: a base URL that is not absolute, or plain http to a host that is not
// loopback.
func NewClient(clientID, clientSecret string, opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	var problems []string
	if strings.TrimSpace(clientID) == "" {
		problems = append(problems, "client id is empty")
	} else if !validHeaderValue(clientID) {
		problems = append(problems, "client id has characters a header cannot carry")
	}
	if strings.TrimSpace(clientSecret) == "" {
		problems = append(problems, "client secret is empty")
	} else if !validHeaderValue(clientSecret) {
		problems = append(problems, "client secret has characters a header cannot carry")
	}
	base := cfg.env.BaseURL()
	if cfg.baseURLSet {
		base = cfg.baseURL
	} else if base == "" {
		problems = append(problems, fmt.Sprintf("unknown environment %q (use mesh.Production or mesh.Sandbox)", string(cfg.env)))
	}
	if base != "" || cfg.baseURLSet {
		if err := checkBaseURL(base, redact(base, clientSecret)); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if cfg.hcSet && cfg.httpClient == nil {
		problems = append(problems, "WithHTTPClient: nil *http.Client")
	}
	if cfg.timeout < 0 {
		problems = append(problems, "WithTimeout: negative timeout "+cfg.timeout.String())
	}
	if p := cfg.retry; p.MaxRetries < 0 || p.MinWait < 0 || p.MaxWait < 0 || p.MaxWait < p.MinWait {
		problems = append(problems, fmt.Sprintf("WithRetry: want MaxRetries ≥ 0 and 0 ≤ MinWait ≤ MaxWait, got %+v", p))
	}
	if !validHeaderValue(cfg.userAgent) {
		problems = append(problems, "WithUserAgent: product has characters a header cannot carry")
	}
	if len(problems) > 0 {
		// A base URL may carry the secret by mistake.
		return nil, errors.New("mesh: NewClient: " + redact(strings.Join(problems, "; "), clientSecret))
	}

	ua := "mesh-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if p := strings.TrimSpace(cfg.userAgent); p != "" {
		ua += " " + p
	}
	base = strings.TrimRight(base, "/")
	c := &Client{&clientState{
		endpoint: base + linkTokenPath,
		baseURL:  base,
		clientID: clientID,
		secret:   &clientSecret,
		timeout:  cfg.timeout,
		retry:    cfg.retry,
		logger:   cfg.logger,
		headers:  requestHeaders(ua, clientID, clientSecret),
	}}
	c.rc = newResty(cfg.httpClient)
	return c, nil
}

// newResty configures the transport once. Resty only builds and sends requests here:
// the SDK reads answers itself (through a bound) and owns the retry loop, so that
// resty neither buffers whole bodies nor leaks the bodies of retried answers.
func newResty(user *http.Client) *resty.Client {
	var rt http.RoundTripper
	if user != nil {
		rt = userTransport{user}
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns = 4 * maxIdleConnsPerHost
		t.MaxIdleConnsPerHost = maxIdleConnsPerHost
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		rt = t
	}
	hc := &http.Client{
		Transport: rt,
		// Never follow a redirect: net/http would copy X-Client-Secret to the target,
		// whatever its host. The 3xx itself becomes ErrUnexpectedResponse.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		// No Jar: a cookie from one answer is never replayed on later calls.
	}
	rc := resty.NewWithClient(hc)
	rc.SetLogger(discardLogger{})
	rc.SetDisableWarn(true)
	rc.SetDebug(false)
	rc.SetDoNotParseResponse(true)
	rc.SetRetryCount(0)
	return rc
}

// requestHeaders builds, once, the headers of every request. Each attempt hands this
// map to resty as its request's headers: resty only reads it (all it would add is
// already there) and clones it into the *http.Request it sends, so sharing it between
// goroutines is safe and costs no per-call copy of the client's headers.
func requestHeaders(userAgent, clientID, secret string) *http.Header {
	h := make(http.Header, 5)
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("User-Agent", userAgent)
	h.Set("X-Client-Id", clientID)
	h.Set("X-Client-Secret", secret)
	return &h
}

// CloseIdleConnections closes the idle connections of the client's pool (those of the
// Transport given with WithHTTPClient included, when it can). The Client stays usable:
// later calls open new connections. Call it when a Client is no longer needed, or in
// tests that check for leaked goroutines.
func (c *Client) CloseIdleConnections() {
	if c.usable() {
		c.rc.GetClient().CloseIdleConnections()
	}
}

// usable reports whether c was made by NewClient.
func (c *Client) usable() bool { return c != nil && c.clientState != nil && c.rc != nil }

// CloseIdleConnections passes the call on to the caller's Transport.
func (u userTransport) CloseIdleConnections() {
	type closeIdler interface{ CloseIdleConnections() }
	if t, ok := u.hc.Transport.(closeIdler); ok {
		t.CloseIdleConnections()
	}
}

// userTransport sends through the Transport of a caller's *http.Client, read at each
// call so that httpmock.ActivateNonDefault works before or after NewClient.
type userTransport struct{ hc *http.Client }

func (u userTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t := u.hc.Transport; t != nil {
		return t.RoundTrip(r)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// discardLogger keeps resty silent: its own logs could carry URLs and are not ours.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// checkBaseURL accepts an absolute https URL, or http to a loopback host. Its errors
// show the URL as shown gives it (with the secret redacted), never raw.
func checkBaseURL(raw, shown string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("base URL does not parse") // not echoed: it may hold a password
	}
	switch {
	case u.Scheme == "" || u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("base URL %q is not absolute (want https://host)", shown)
	case u.User != nil:
		return errors.New("base URL must not carry user information")
	case strings.ContainsAny(raw, "?#"): // an empty query or fragment too
		return errors.New("base URL must not have a query or fragment")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("base URL %q is plain http to a host that is not loopback: credentials would cross the network in clear text", shown)
	}
	return fmt.Errorf("base URL %q has scheme %q (want https)", shown, u.Scheme)
}

// isLoopback reports whether host is localhost or a loopback address (127.0.0.0/8,
// ::1): names that merely contain them, such as 127.0.0.1.nip.io, are not.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// validHeaderValue reports whether s can be sent as a header value as it is.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// send posts body, retrying as the policy allows.
func (c *Client) send(ctx context.Context, body []byte) (*LinkToken, error) {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("mesh: %w", err) // a Transport may not look at ctx before sending
		}
		lt, res := c.attempt(ctx, body, attempt)
		if res.err == nil {
			return lt, nil
		}
		if !res.retry || attempt >= c.retry.MaxRetries || ctx.Err() != nil {
			return nil, res.err
		}
		wait := c.backoff(attempt)
		if res.retryAfter > 0 {
			if res.retryAfter > c.retry.MaxWait {
				return nil, res.err // the server asks for longer than we may wait
			}
			wait = max(wait, res.retryAfter)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, res.err // the next attempt could not start before the deadline
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("mesh: retry abandoned: %w; last attempt: %w", err, res.err)
		}
	}
}

// backoff returns the wait before retry number attempt+1: drawn from [t, 2t) with
// t = MinWait·2^attempt, and capped at MaxWait.
func (c *Client) backoff(attempt int) time.Duration {
	p := c.retry
	if p.MinWait <= 0 {
		return 0
	}
	t := p.MinWait
	for i := 0; i < attempt && t < p.MaxWait; i++ {
		if t > p.MaxWait/2 {
			return p.MaxWait
		}
		t *= 2
	}
	if t >= p.MaxWait {
		return p.MaxWait
	}
	if j := rand.N(t); j < p.MaxWait-t { //nolint:gosec // G404: jitter needs spread, not secrecy
		return t + j
	}
	return p.MaxWait
}

// sleep waits for d, or returns ctx's error as soon as ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// result is what one attempt ended in.
type result struct {
	err        error
	retry      bool          // worth another attempt
	retryAfter time.Duration // the server's Retry-After, 0 if none
}

// attempt makes one request and reads its answer within the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, body []byte, n int) (*LinkToken, result) {
	start := time.Now()
	actx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req := c.rc.R()
	req.Header = *c.headers
	resp, err := req.SetContext(actx).SetBody(bytes.NewReader(body)).Post(c.endpoint)
	if err != nil {
		if resp != nil && resp.RawResponse != nil {
			_ = resp.RawResponse.Body.Close()
		}
		err = fmt.Errorf("mesh: %w", err)
		c.logAttempt(ctx, n, 0, start, "", err)
		return nil, result{err: err, retry: ctx.Err() == nil && retryableTransportError(err)}
	}
	raw := resp.RawResponse
	defer raw.Body.Close()

	buf := getBuffer()
	defer putBuffer(buf)
	tooLarge, readErr := readBody(buf, raw)
	lt, apiErr := decodeResponse(raw.StatusCode, raw.Header, buf.Bytes(), tooLarge, readErr)
	if apiErr == nil {
		c.logAttempt(ctx, n, raw.StatusCode, start, "", nil)
		return lt, result{}
	}
	c.scrub(apiErr)
	c.logAttempt(ctx, n, raw.StatusCode, start, apiErr.ErrorType, apiErr)
	// An answer cut short is retried like a transport failure when it was meant to be a
	// token (2xx); a refusal (401, other 4xx) is not sent again, nor a body that is
	// corrupt rather than cut.
	retry := apiErr.retryable() ||
		(readErr != nil && ctx.Err() == nil && raw.StatusCode/100 == 2 && !corruptEncoding(readErr))
	return nil, result{err: apiErr, retry: retry, retryAfter: apiErr.RetryAfter}
}

// corruptEncoding reports whether a read failed on a malformed gzip stream, which a
// retry would only fetch again.
func corruptEncoding(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)
}

// retryableTransportError reports whether a failure to get an answer is worth another
// attempt: anything but a certificate the client refused.
func retryableTransportError(err error) bool {
	var cert *tls.CertificateVerificationError
	return !errors.As(err, &cert)
}

// readBody reads the answer's body into buf through the size bound, inflating gzip
// that the transport did not inflate itself. It reports whether the body was larger
// than the bound, and any error that cut it short.
func readBody(buf *bytes.Buffer, raw *http.Response) (tooLarge bool, err error) {
	var r io.Reader = raw.Body
	if !raw.Uncompressed && strings.EqualFold(raw.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(raw.Body)
		if err != nil {
			if errors.Is(err, io.EOF) { // an empty body
				return false, nil
			}
			return false, err
		}
		defer zr.Close()
		r = zr
	}
	for {
		if buf.Len() > maxBodyBytes {
			return true, nil
		}
		buf.Grow(4096)
		free := buf.AvailableBuffer()
		n, err := r.Read(free[:cap(free)])
		buf.Write(free[:n])
		if err == io.EOF {
			return buf.Len() > maxBodyBytes, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// decodeResponse turns an answer into a token or an *APIError; exactly one is non-nil.
func decodeResponse(code int, header http.Header, body []byte, tooLarge bool, readErr error) (*LinkToken, *APIError) {
	var env envelope
	var reason string
	unexpected, decoded := false, false
	switch {
	case readErr != nil:
		reason = "answer cut short"
	case tooLarge:
		reason, unexpected = "answer larger than "+strconv.Itoa(maxBodyBytes)+" bytes", true
	case code >= 300 && code <= 399:
		reason, unexpected = "redirect not followed", true
	case len(bytes.TrimSpace(body)) == 0:
		reason = "empty answer"
	case decodeEnvelope(body, &env) != nil:
		reason = "answer is not Mesh's JSON envelope"
		// Only the media type: its parameters are the server's free text.
		if ct, _, _ := strings.Cut(header.Get("Content-Type"), ";"); strings.TrimSpace(ct) != "" && len(ct) <= 64 {
			reason += " (" + oneLine(strings.TrimSpace(ct), 64) + ")"
		}
	default:
		decoded = true
		if env.Status == StatusOK && code >= 200 && code <= 299 {
			if env.Content.LinkToken != "" {
				return &LinkToken{Token: env.Content.LinkToken, PaymentLink: env.Content.PaymentLink}, nil
			}
			reason, unexpected = "status ok without a link token", true
		} else if env.Status == "" && code >= 200 && code <= 299 {
			reason = "answer has no status"
		}
	}
	e := &APIError{HTTPStatusCode: code, reason: reason, unexpected: unexpected, cause: readErr}
	if d, ok := parseRetryAfter(header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	if decoded {
		e.Status, e.ErrorType, e.Message = env.Status, env.ErrorType, env.Message
		e.DisplayMessage, e.ErrorHash = env.DisplayMessage, env.ErrorHash
		if d := bytes.TrimSpace(env.ErrorData); len(d) > 0 && string(d) != "null" {
			e.ErrorData = append(json.RawMessage(nil), d...)
		}
	}
	return nil, e
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date. It gives
// a duration in [0, maxRetryAfter], or false when v is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		if strings.TrimLeft(v, "0123456789") != "" {
			return 0, false // delay-seconds is digits only
		}
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil { // only a range error is left: a huge delay
			return maxRetryAfter, true
		}
		if secs >= uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), maxRetryAfter), true
}

// scrub replaces the client secret wherever a server echoed it into an error.
func (c *Client) scrub(e *APIError) {
	s := *c.secret
	e.Message, e.DisplayMessage = redact(e.Message, s), redact(e.DisplayMessage, s)
	e.ErrorType, e.ErrorHash = redact(e.ErrorType, s), redact(e.ErrorHash, s)
	e.Status = Status(redact(string(e.Status), s))
	e.reason = redact(e.reason, s)
	e.ErrorData = redactJSON(e.ErrorData, s)
}

// redact replaces every occurrence of secret in v; a blank secret replaces nothing.
func redact(v, secret string) string {
	if strings.TrimSpace(secret) == "" || !strings.Contains(v, secret) {
		return v
	}
	return strings.ReplaceAll(v, secret, "[REDACTED]")
}

// redactJSON replaces s in the JSON value raw, however the server escaped it: the value
// is re-encoded in encoding/json's canonical form first. raw is returned as it is when
// s does not occur.
func redactJSON(raw json.RawMessage, s string) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return bytes.ReplaceAll(raw, []byte(s), []byte("[REDACTED]"))
	}
	canon, err1 := json.Marshal(v)
	quoted, err2 := json.Marshal(s)
	if err1 != nil || err2 != nil {
		return json.RawMessage(`"[REDACTED]"`)
	}
	escaped := quoted[1 : len(quoted)-1]
	if !bytes.Contains(canon, escaped) {
		return raw
	}
	return bytes.ReplaceAll(canon, escaped, []byte("[REDACTED]"))
}

// logAttempt emits the debug record of one attempt: no header value, no body.
func (c *Client) logAttempt(ctx context.Context, n, status int, start time.Time, errorType string, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", http.MethodPost),
		slog.String("path", linkTokenPath),
		slog.Int("attempt", n+1),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
	}
	if errorType != "" {
		attrs = append(attrs, slog.String("errorType", errorType))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "mesh: linktoken attempt", attrs...)
}

// String describes the client without its secret.
func (c *Client) String() string {
	if !c.usable() {
		return "mesh.Client(nil)"
	}
	return "mesh.Client{baseURL: " + c.baseURL + ", clientID: " + c.clientID + ", clientSecret: [REDACTED]}"
}

// Format prints String whatever the verb, so that no fmt verb reaches the secret.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue makes slog log the client without its secret.
func (c *Client) LogValue() slog.Value {
	if !c.usable() {
		return slog.StringValue("mesh.Client(nil)")
	}
	return slog.GroupValue(
		slog.String("baseURL", c.baseURL),
		slog.String("clientID", c.clientID),
		slog.String("clientSecret", "[REDACTED]"),
	)
}

// bodyPool holds the buffers answers are read into. Only answers: a request's body
// must not come from a pool, since a Transport may still read it after the call
// returned (when the server answers before the body is sent).
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer {
	b := bodyPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// putBuffer returns b to the pool unless an answer made it large.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		bodyPool.Put(b)
	}
}
