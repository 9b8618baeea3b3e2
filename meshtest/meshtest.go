// Package meshtest is a fake of Mesh's Link token API for tests and demos: it is to
// package mesh what net/http/httptest is to net/http.
//
// NewServer starts an HTTP server on loopback that speaks the wire contract of
// POST /api/v1/linktoken as strictly as Mesh does: it accepts only the credentials
// ClientID and ClientSecret, refuses a body with a property the API does not know (at
// any depth, names being case-sensitive), a value of the wrong JSON type or one that
// breaks a documented rule, and otherwise mints a fresh link token that decodes to a
// https://web.meshconnect.com Link URL. Tests can script its next answers (any error
// envelope, a bare 401, a 429 with Retry-After, a proxy's HTML 5xx, latency) and read
// back the requests it received:
//
//	srv := meshtest.NewServer()
//	defer srv.Close()
//	client, err := srv.NewClient()
//	...
//	srv.Enqueue(meshtest.TooManyRequests(2 * time.Second))
//	_, err = client.CreateLinkToken(ctx, req) // errors.Is(err, mesh.ErrTooManyRequests)
//
// It needs no network beyond loopback and no real credentials, so example programs can
// run against it too. Every method of Server is safe for concurrent use.
package meshtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mesh-go/mesh"
)

// The only credentials the fake accepts, in the X-Client-Id and X-Client-Secret
// headers. Server.NewClient uses them.
const (
	ClientID     = "meshtest-client-id"
	ClientSecret = "meshtest-client-secret"
)

// LinkTokenPath is the only path the fake serves (with POST).
const LinkTokenPath = "/api/v1/linktoken" //nolint:gosec // G101: a URL path, not a credential

// MaxBodyBytes is the largest request body the fake accepts (1 MiB); a larger one is
// answered with a badRequest envelope.
const MaxBodyBytes = 1 << 20

// Error types of the fake's badRequest envelopes.
const (
	ErrorTypeMissingField       = "missingField"       // userId is absent, null, empty or whitespace-only
	ErrorTypeInvalidField       = "invalidField"       // any other problem with the body
	ErrorTypeInvalidContentType = "invalidContentType" // Content-Type is not application/json
)

// Server is a fake Mesh API listening on loopback. Create it with NewServer and stop
// it with Close. All its methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port), to hand to mesh.WithBaseURL.
	URL string

	ts        *httptest.Server
	done      chan struct{} // closed by Close, to end pending delays
	closeOnce sync.Once
	seq       atomic.Uint64 // numbers the minted ids, so that they are unique

	mu       sync.Mutex
	queue    []Reply
	requests []Request
	latency  time.Duration
}

// NewServer starts a fake Mesh API on a loopback port (httptest.NewServer). It is
// usable outside tests, as the example programs do. Close it when done.
func NewServer() *Server {
	s := &Server{done: make(chan struct{})}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL
	return s
}

// Close ends pending delays and shuts the server down, waiting for the requests it is
// serving. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
	})
}

// NewClient returns a *mesh.Client for this server: credentials ClientID and
// ClientSecret, mesh.WithBaseURL(s.URL), a fast retry policy {MaxRetries: 2, MinWait:
// 1ms, MaxWait: 50ms}, then opts, which may override any of these (for instance
// mesh.WithRetry(mesh.RetryPolicy{}) so that retries consume no scripted reply).
func (s *Server) NewClient(opts ...mesh.Option) (*mesh.Client, error) {
	all := append([]mesh.Option{
		mesh.WithBaseURL(s.URL),
		mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}),
	}, opts...)
	return mesh.NewClient(ClientID, ClientSecret, all...)
}

// Enqueue scripts the next answers, served in order, one per request to any path,
// before any check of credentials or body. When the queue is empty the server
// behaves like Mesh.
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

// Requests returns copies of the requests received so far, in order of arrival
// (those answered by a scripted reply too).
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Reset forgets the received requests, the queued replies and the latency. Link
// tokens minted afterwards stay unique.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.queue, s.latency = nil, nil, 0
}

// Request is one request the server received.
type Request struct {
	Method   string
	Path     string
	Header   http.Header
	Body     []byte // as received; cut after MaxBodyBytes+1 bytes
	Received time.Time
}

// clone deep-copies r, so that callers cannot change the server's record.
func (r Request) clone() Request {
	r.Header = r.Header.Clone()
	r.Body = bytes.Clone(r.Body)
	return r
}

// Reply is one scripted answer (see Server.Enqueue). Its zero value is an ok envelope
// with a fresh link token.
type Reply struct {
	// HTTPStatus is the HTTP code; 0 means the code that goes with Status (200 for ok
	// or "", 400 badRequest, 403 permissionDenied, 404 notFound, 409 conflict, 423
	// locked, 429 tooManyRequest, 451 unavailableForLegalReasons, 500 serverFailure
	// and any unknown status), or 200 when Body is set.
	HTTPStatus int
	// Status is the envelope's status ("" means ok); ignored when Body is set.
	Status         mesh.Status
	ErrorType      string
	Message        string
	DisplayMessage string // "" is sent as null
	ErrorHash      string // "" means a fresh random hash
	ErrorData      json.RawMessage
	// LinkToken is content.linkToken of an ok envelope ("" means a fresh token). Error
	// envelopes carry no content.
	LinkToken string
	// PaymentLink is content.paymentLink of an ok envelope ("" is sent as null).
	PaymentLink string
	// Body, when set, is sent verbatim instead of an envelope.
	Body string
	// ContentType defaults to application/json for an envelope and to none for Body.
	ContentType string
	// Header holds extra headers, e.g. Retry-After; they override the defaults.
	Header http.Header
	// Delay is waited before this answer, on top of the server's latency.
	Delay time.Duration
}

// clone deep-copies r, so that the caller may reuse what it passed to Enqueue.
func (r Reply) clone() Reply {
	r.Header = r.Header.Clone()
	r.ErrorData = bytes.Clone(r.ErrorData)
	return r
}

// ErrorReply is an error envelope with status, errorType and message, sent with the
// HTTP code of its status (429 for mesh.StatusTooManyRequest, ...).
func ErrorReply(status mesh.Status, errorType, message string) Reply {
	return Reply{Status: status, ErrorType: errorType, Message: message}
}

// TooManyRequests is Mesh's rate-limit answer: HTTP 429, status tooManyRequest, and a
// Retry-After header of retryAfter in whole seconds, rounded up (omitted when
// retryAfter ≤ 0).
func TooManyRequests(retryAfter time.Duration) Reply {
	r := Reply{Status: mesh.StatusTooManyRequest, ErrorType: "tooManyRequests", Message: "Too many requests, slow down"}
	if retryAfter > 0 {
		secs := (retryAfter + time.Second - 1) / time.Second
		r.Header = http.Header{"Retry-After": {strconv.FormatInt(int64(secs), 10)}}
	}
	return r
}

// Unauthorized is a bare HTTP 401 with a short plain-text body, as Mesh answers
// missing or wrong credentials.
func Unauthorized() Reply {
	return Reply{HTTPStatus: http.StatusUnauthorized, Body: "Unauthorized\n", ContentType: "text/plain; charset=utf-8"}
}

// ServerError is the HTML error page a proxy in front of the API sends, with HTTP
// code (500 when code is 0), e.g. 502, 503 or 504.
func ServerError(code int) Reply {
	if code == 0 {
		code = http.StatusInternalServerError
	}
	text := strconv.Itoa(code) + " " + http.StatusText(code)
	return Reply{
		HTTPStatus:  code,
		Body:        "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text + "</h1></center>\r\n</body>\r\n</html>\r\n",
		ContentType: "text/html",
	}
}

// statusCodes maps an envelope status to its HTTP code.
var statusCodes = map[mesh.Status]int{
	mesh.StatusOK:                         http.StatusOK,
	mesh.StatusBadRequest:                 http.StatusBadRequest,
	mesh.StatusPermissionDenied:           http.StatusForbidden,
	mesh.StatusNotFound:                   http.StatusNotFound,
	mesh.StatusConflict:                   http.StatusConflict,
	mesh.StatusLocked:                     http.StatusLocked,
	mesh.StatusTooManyRequest:             http.StatusTooManyRequests,
	mesh.StatusUnavailableForLegalReasons: http.StatusUnavailableForLegalReasons,
	mesh.StatusServerFailure:              http.StatusInternalServerError,
}

// serve records the request, then answers with the next scripted reply, or as Mesh.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	body, readErr := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))

	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		Header:   r.Header.Clone(),
		Body:     body,
		Received: received,
	})
	if readErr != nil { // the client went away while sending
		s.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	var reply *Reply
	if len(s.queue) > 0 {
		next := s.queue[0]
		s.queue[0] = Reply{}
		s.queue = s.queue[1:]
		reply = &next
	}
	delay := s.latency
	s.mu.Unlock()

	if reply != nil {
		delay += reply.Delay
	}
	if !s.wait(r.Context(), delay) {
		panic(http.ErrAbortHandler) // nobody is left to answer
	}
	if reply != nil {
		s.writeReply(w, *reply)
		return
	}
	s.answer(w, r, body)
}

// wait sleeps for d; it reports false when the client went away or the server closed
// first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// answer answers as Mesh does.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.URL.Path != LinkTokenPath {
		s.writeEnvelope(w, http.StatusNotFound, s.errorEnvelope(mesh.StatusNotFound, "notFound", "no such endpoint: "+r.URL.Path))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeText(w, http.StatusMethodNotAllowed, "Method Not Allowed\n")
		return
	}
	id, secret := r.Header.Get("X-Client-Id"), r.Header.Get("X-Client-Secret")
	switch {
	case id == "" || secret == "":
		writeText(w, http.StatusUnauthorized, "Unauthorized: missing X-Client-Id or X-Client-Secret\n")
		return
	case id != ClientID || secret != ClientSecret:
		writeText(w, http.StatusUnauthorized, "Unauthorized: unknown client credentials\n")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.badRequest(w, ErrorTypeInvalidContentType, "Content-Type must be application/json")
		return
	}
	req, errorType, msg := decodeRequest(body)
	if req == nil {
		s.badRequest(w, errorType, msg)
		return
	}
	linkID := s.newID()
	content := &content{LinkToken: base64.StdEncoding.EncodeToString([]byte("https://web.meshconnect.com/link/" + linkID))}
	if t, _ := req["transferOptions"].(map[string]any); t != nil && t["generatePayLink"] == true {
		link := "https://pay.meshconnect.com/" + linkID
		content.PaymentLink = &link
	}
	s.writeEnvelope(w, http.StatusOK, envelope{Status: mesh.StatusOK, ErrorHash: randomHex(4), Content: content})
}

// decodeRequest checks body against the wire spec: first its structure (JSON object,
// known properties, JSON types: requestSchema), then the documented rules
// (checkRules), which meshtest implements itself rather than calling package mesh's
// Validate. It returns the decoded body, or nil with the errorType and message of the
// first problem.
func decodeRequest(body []byte) (req map[string]any, errorType, msg string) {
	switch {
	case len(body) > MaxBodyBytes:
		return nil, ErrorTypeInvalidField, "request body is larger than " + strconv.Itoa(MaxBodyBytes) + " bytes"
	case !json.Valid(body):
		return nil, ErrorTypeInvalidField, "request body is not valid JSON"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, ErrorTypeInvalidField, "request body is not valid JSON"
	}
	req, ok := v.(map[string]any)
	if !ok {
		return nil, ErrorTypeInvalidField, "request body must be a JSON object, got " + jsonKindOf(v)
	}
	if err := requestSchema.check(req, ""); err != nil {
		return nil, ErrorTypeInvalidField, err.message()
	}
	if err := checkRules(req); err != nil {
		if err.missing {
			return nil, ErrorTypeMissingField, err.message()
		}
		return nil, ErrorTypeInvalidField, err.message()
	}
	return req, "", ""
}

// jsonKindOf names the JSON type of a value decoded with UseNumber, null included.
func jsonKindOf(v any) string {
	if v == nil {
		return "null"
	}
	return jsonKind(v).String()
}

// envelope is Mesh's response envelope as it goes on the wire.
type envelope struct {
	Status         mesh.Status     `json:"status"`
	Message        string          `json:"message"`
	DisplayMessage *string         `json:"displayMessage"`
	ErrorType      string          `json:"errorType"`
	ErrorHash      string          `json:"errorHash"`
	ErrorData      json.RawMessage `json:"errorData"`
	Content        *content        `json:"content"`
}

// content is the content of an ok envelope.
type content struct {
	LinkToken   string  `json:"linkToken"`
	PaymentLink *string `json:"paymentLink"`
}

// errorEnvelope is an error envelope of the strict server, with a fresh errorHash.
func (s *Server) errorEnvelope(status mesh.Status, errorType, msg string) envelope {
	return envelope{Status: status, ErrorType: errorType, Message: msg, ErrorHash: randomHex(4)}
}

// badRequest answers 400 with a badRequest envelope.
func (s *Server) badRequest(w http.ResponseWriter, errorType, msg string) {
	s.writeEnvelope(w, http.StatusBadRequest, s.errorEnvelope(mesh.StatusBadRequest, errorType, msg))
}

// writeReply sends a scripted reply.
func (s *Server) writeReply(w http.ResponseWriter, r Reply) {
	h := w.Header()
	if r.Body != "" {
		code := r.HTTPStatus
		if code == 0 {
			code = http.StatusOK
		}
		if r.ContentType != "" {
			h.Set("Content-Type", r.ContentType)
		} else {
			h["Content-Type"] = nil // no sniffing: the body goes without a type
		}
		copyHeader(h, r.Header)
		w.WriteHeader(code)
		_, _ = io.WriteString(w, r.Body)
		return
	}
	status := r.Status
	if status == "" {
		status = mesh.StatusOK
	}
	code := r.HTTPStatus
	if code == 0 {
		var ok bool
		if code, ok = statusCodes[status]; !ok {
			code = http.StatusInternalServerError
		}
	}
	env := envelope{
		Status:    status,
		Message:   r.Message,
		ErrorType: r.ErrorType,
		ErrorHash: r.ErrorHash,
		ErrorData: r.ErrorData,
	}
	if r.DisplayMessage != "" {
		env.DisplayMessage = &r.DisplayMessage
	}
	if env.ErrorHash == "" {
		env.ErrorHash = randomHex(4)
	}
	if status == mesh.StatusOK {
		c := &content{LinkToken: r.LinkToken}
		if c.LinkToken == "" {
			c.LinkToken = base64.StdEncoding.EncodeToString([]byte("https://web.meshconnect.com/link/" + s.newID()))
		}
		if r.PaymentLink != "" {
			c.PaymentLink = &r.PaymentLink
		}
		env.Content = c
	}
	b, err := json.Marshal(env)
	if err != nil {
		writeText(w, http.StatusInternalServerError, "meshtest: the scripted Reply cannot be encoded (is ErrorData valid JSON?)\n")
		return
	}
	ct := r.ContentType
	if ct == "" {
		ct = "application/json"
	}
	h.Set("Content-Type", ct)
	copyHeader(h, r.Header)
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// writeEnvelope answers code with env as JSON.
func (s *Server) writeEnvelope(w http.ResponseWriter, code int, env envelope) {
	b, _ := json.Marshal(env) // cannot fail: no RawMessage is set
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// writeText answers code with a plain-text body.
func writeText(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, text)
}

// copyHeader sets every header of src on dst, replacing what dst had.
func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
}

// newID returns an id unique across the server's life: a counter and random bits.
func (s *Server) newID() string {
	return "mt" + strconv.FormatUint(s.seq.Add(1), 10) + "-" + randomHex(8)
}

// randomHex returns n random bytes from crypto/rand, in hexadecimal.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand documents so since Go 1.24)
	return hex.EncodeToString(b)
}
