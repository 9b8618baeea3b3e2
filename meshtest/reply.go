package meshtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/mesh-go/mesh"
)

// Reply is one scripted answer (see Server.Enqueue). Its zero value is an ok envelope
// with the fake's own content for the request's path (the catalog, the transfers or
// verifications its query asks for; a fresh link token on any other path, which
// PayWithLink and VerifyWithLink do not accept as the fake's own), served to the next
// request whatever its path.
type Reply struct {
	// Path, when set, keeps the reply for the first request to that exact path (e.g.
	// LinkTokenPath); requests to other paths pass it by and are answered by the
	// replies behind it, or by the fake itself. "" means the next request, whatever
	// its path.
	Path string
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
	// Content, when set, is sent byte for byte as the envelope's content, whatever the
	// status and path: a custom networks list ({"networks":[]}), an odd token, null.
	// When it is not set, an ok envelope carries the path's usual content (the catalog
	// on a catalog path, the transfers or verifications the query asks for on
	// TransfersPath and WalletVerificationsPath, a link token anywhere else: see
	// LinkToken and PaymentLink) and an error envelope carries null, as Mesh's do.
	Content json.RawMessage
	// LinkToken is content.linkToken of an ok envelope off the paths of the catalog,
	// transfers and verifications ("" means a fresh token). Ignored when Content is
	// set.
	LinkToken string
	// PaymentLink is content.paymentLink of such an envelope ("" is sent as null).
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
	r.Content = bytes.Clone(r.Content)
	return r
}

// ErrorReply is an error envelope with status, errorType and message, sent with the
// HTTP code of its status (429 for mesh.StatusTooManyRequest, ...).
func ErrorReply(status mesh.Status, errorType, message string) Reply {
	return Reply{Status: status, ErrorType: errorType, Message: message}
}

// TooManyRequests is Mesh's rate-limit answer: HTTP 429, status tooManyRequest, and a
// Retry-After header of retryAfter in whole seconds, rounded down, since the header
// carries no fraction: below a second it says "Retry-After: 0", which a client reads
// as "retry after your own back-off" (so a client of Server.NewClient retries it).
// With retryAfter ≤ 0 the header is omitted.
func TooManyRequests(retryAfter time.Duration) Reply {
	r := Reply{Status: mesh.StatusTooManyRequest, ErrorType: "tooManyRequests", Message: "Too many requests, slow down"}
	if retryAfter > 0 {
		r.Header = http.Header{"Retry-After": {strconv.FormatInt(int64(retryAfter/time.Second), 10)}}
	}
	return r
}

// Unauthorized is a bare HTTP 401 with a short plain-text body, as the fake answers
// missing or wrong credentials (Mesh documents no body for it).
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

// envelope is Mesh's response envelope as it goes on the wire, but for content, which
// encodeEnvelope adds byte for byte.
type envelope struct {
	Status         mesh.Status     `json:"status"`
	Message        string          `json:"message"`
	DisplayMessage *string         `json:"displayMessage"`
	ErrorType      string          `json:"errorType"`
	ErrorHash      string          `json:"errorHash"`
	ErrorData      json.RawMessage `json:"errorData"`
}

// encodeEnvelope returns env as JSON with content (null when empty) as its last
// property. It fails when ErrorData or content is not valid JSON.
func encodeEnvelope(env envelope, content json.RawMessage) ([]byte, bool) {
	if len(content) == 0 {
		content = json.RawMessage("null")
	}
	if len(env.ErrorData) == 0 {
		env.ErrorData = nil // null, not a marshalling error
	}
	b, err := json.Marshal(env)
	if err != nil || !json.Valid(content) {
		return nil, false
	}
	b = append(b[:len(b)-1], `,"content":`...) // b ends with '}'
	b = append(b, content...)
	return append(b, '}'), true
}

// tokenContent is the content of an ok Link token envelope.
func tokenContent(linkToken, paymentLink string) json.RawMessage {
	c := struct {
		LinkToken   string  `json:"linkToken"`
		PaymentLink *string `json:"paymentLink"`
	}{LinkToken: linkToken}
	if paymentLink != "" {
		c.PaymentLink = &paymentLink
	}
	b, _ := json.Marshal(c) // cannot fail: two strings
	return b
}

// writeOK answers 200 with an ok envelope carrying content.
func (s *Server) writeOK(w http.ResponseWriter, content json.RawMessage) {
	b, _ := encodeEnvelope(envelope{Status: mesh.StatusOK, ErrorHash: randomHex(4)}, content) // the fake's own content is valid
	writeJSON(w, http.StatusOK, b)
}

// writeError answers an error envelope of the fake's own, with a fresh errorHash.
func (s *Server) writeError(w http.ResponseWriter, status mesh.Status, errorType, msg string) {
	b, _ := encodeEnvelope(envelope{Status: status, ErrorType: errorType, Message: msg, ErrorHash: randomHex(4)}, nil)
	writeJSON(w, statusCodes[status], b)
}

// badRequest answers 400 with a badRequest envelope.
func (s *Server) badRequest(w http.ResponseWriter, errorType, msg string) {
	s.writeError(w, mesh.StatusBadRequest, errorType, msg)
}

// writeReply sends a scripted reply to req.
func (s *Server) writeReply(w http.ResponseWriter, req *http.Request, r Reply) {
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
	content := r.Content
	if len(content) == 0 && status == mesh.StatusOK {
		content = s.usualContent(req, r)
	}
	b, ok := encodeEnvelope(env, content)
	if !ok {
		writeText(w, http.StatusInternalServerError, "meshtest: the scripted Reply cannot be encoded (are ErrorData and Content valid JSON?)\n")
		return
	}
	ct := r.ContentType
	if ct == "" {
		ct = "application/json"
	}
	h.Set("Content-Type", ct)
	copyHeader(h, r.Header)
	w.WriteHeader(code)
	_, _ = w.Write(b) //nolint:gosec // G705: JSON the fake encoded, sent as the script's media type to a test client, not a page
}

// usualContent is the content of a scripted ok reply r to req without Content: the
// fake's own, the catalog on a catalog path, the transfers or verifications that
// req's query asks for (none when it breaks a rule), else r's link token or a fresh
// one. A fresh token of a scripted reply is not one the fake minted: PayWithLink and
// VerifyWithLink refuse it.
func (s *Server) usualContent(req *http.Request, r Reply) json.RawMessage {
	switch req.URL.Path {
	case TransfersPath:
		if q, err := parseTransferQuery(req.URL.RawQuery); err == nil {
			return s.transferPage(q)
		}
		return json.RawMessage(`{"items":[],"total":0}`)
	case WalletVerificationsPath:
		if q, err := parseVerificationQuery(req.URL.RawQuery); err == nil {
			return s.verificationList(q)
		}
		return json.RawMessage(`{"verifications":[]}`)
	}
	if c := catalogContent(req.URL.Path); c != nil {
		return c
	}
	token := r.LinkToken
	if token == "" {
		token = s.newToken()
	}
	return tokenContent(token, r.PaymentLink)
}

// writeJSON answers code with a JSON body.
func writeJSON(w http.ResponseWriter, code int, b []byte) {
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
