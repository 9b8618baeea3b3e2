package mesh

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Bounds of what is read of an answer (after gzip), by endpoint. A Link token envelope
// is tiny; the catalogs are lists, and every integration may carry a base64 PNG logo.
// A larger answer ends in ErrUnexpectedResponse after reading one byte more than its
// bound.
const (
	maxLinkTokenBytes            = 1 << 20 // 1 MiB
	maxNetworksBytes             = 4 << 20 // 4 MiB
	maxTransferIntegrationsBytes = 4 << 20 // 4 MiB
	maxIntegrationsBytes         = 8 << 20 // 8 MiB: a few hundred items with base64 logos
)

// Bounds of what an ok answer's content may decode into, checked before anything is
// decoded. Within its byte bound a body can still hold hundreds of thousands of list
// items ([{},{},...]), each decoding into a struct of up to hundreds of bytes; within
// these, a call decodes into tens of MiB at most. Mesh's catalogs hold a few hundred
// items, their nested lists (tokens, networks, devices) tens each.
const (
	maxListItems    = 10_000  // in any one list of the content, at any depth
	maxContentItems = 100_000 // in all the content's lists together
)

// maxErrorDataBytes bounds the errorData an APIError keeps: the SDK redacts it token by
// token, at tens of bytes of memory per byte. A larger one is dropped, and the error
// says so.
const maxErrorDataBytes = 8 << 10

// namedMediaTypes are the media types an error names when an answer is not JSON: what
// a proxy or a misrouted request sends.
var namedMediaTypes = []string{"text/html", "text/plain", "application/json", "text/json", "application/xml", "text/xml"}

// envelope is Mesh's response envelope, the same for every endpoint.
type envelope struct {
	Status         Status          `json:"status"`
	Message        string          `json:"message"`
	DisplayMessage string          `json:"displayMessage"`
	ErrorType      string          `json:"errorType"`
	ErrorHash      string          `json:"errorHash"`
	ErrorData      json.RawMessage `json:"errorData"`
	Content        json.RawMessage `json:"content"` // decoded into the endpoint's type for an ok answer only
}

// content is what an ok envelope carries for one endpoint.
type content interface {
	// missing names what a decoded content lacks to be a success, or "".
	missing() string
}

// readAnswer reads resp, the answer of an attempt whose context is ctx, and decodes it
// into out (on success) or an *APIError.
func readAnswer(ctx context.Context, resp *http.Response, limit int64, out content, now time.Time) *APIError {
	if resp.StatusCode < 200 {
		// No 1xx is Mesh's answer, and its body is never read: net/http hands a 101's
		// over as the connection itself, and stops watching the request's context.
		return decode(resp, nil, false, nil, limit, out, now)
	}
	// Closing the body ends a read that blocks, whatever the Transport does with the
	// context (a caller's may not watch it).
	stop := context.AfterFunc(ctx, func() { _ = resp.Body.Close() })
	body, tooLarge, err := readBody(resp, limit)
	stop()
	if err != nil && ctx.Err() != nil {
		err = ctx.Err() // not the closed body's error
	}
	if resp.StatusCode < 300 && decodeOK(body, out) {
		return nil
	}
	return decode(resp, body, tooLarge, err, limit, out, now)
}

// readBody reads resp's body through limit, inflating gzip that the transport left
// compressed (when net/http inflates a body, it drops Content-Encoding). It reports a
// body larger than limit as tooLarge, without the bytes.
//
// The body is read here rather than by resty (SetResponseBodyLimit) because resty
// drops everything it read when a read fails: a complete envelope followed by stray
// bytes (a CRLF after the gzip stream, a reset after the last byte) would be thrown
// away, and its token minted again by a retry. Here the bytes read are kept with the
// error, for decode to judge. A gzip body is inflated member after member, as net/http
// does when it asked for gzip; bytes after the last member end the read in an error.
func readBody(resp *http.Response, limit int64) (body []byte, tooLarge bool, err error) {
	r := io.Reader(resp.Body)
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if errors.Is(err, io.EOF) {
			return nil, false, nil // an empty body
		}
		if err != nil {
			return nil, false, err
		}
		r = zr
	}
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, err
}

// decode turns an answer into out (on success) or an *APIError, step by step, each step
// saying what is wrong. body is what was read, readErr what ended the read early, if
// anything.
func decode(resp *http.Response, body []byte, tooLarge bool, readErr error, limit int64, out content, now time.Time) *APIError {
	code := resp.StatusCode
	redirect := code >= 300 && code <= 399
	var env envelope
	var reason string
	var cause error
	// A complete JSON object is complete whatever the read met, or the server sent,
	// after it; anything short of one is an answer cut short. A field of the wrong type
	// reads as empty (encoding/json decodes the rest).
	jsonErr := json.Unmarshal(body, &env)
	if jsonErr != nil {
		jsonErr = tolerateDecodeError(body, &env, jsonErr)
	}
	switch {
	case tooLarge:
		reason = "answer larger than " + strconv.FormatInt(limit, 10) + " bytes"
	case code == http.StatusUnauthorized:
		reason = "wrong or missing client id or secret, or credentials of the other environment " +
			"(sandbox credentials fail against production, and the reverse)"
		if resp.Request != nil { // a caller's Transport may leave it unset
			reason += "; this client calls " + resp.Request.URL.Host
		}
	case code < 200:
		reason = "informational answer (1xx), not a final one"
	case jsonErr != nil && corruptEncoding(readErr):
		reason, cause = "answer's gzip encoding is corrupt", readErr
	case jsonErr != nil && readErr != nil:
		reason, cause = "answer cut short", readErr
	case redirect:
		reason = "redirect not followed"
	case jsonErr != nil && len(bytes.TrimSpace(body)) == 0:
		reason = "empty answer"
	case jsonErr != nil:
		reason = "answer is not Mesh's JSON envelope"
		// Only a media type of a short known list is named: the text of an error or a log
		// record never carries the server's bytes, which may echo the secret.
		if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); slices.Contains(namedMediaTypes, mt) {
			reason += " (" + mt + ")"
		}
	case code > 299:
		// An error answer: its status and code say what it is.
	case env.Status == "":
		reason = "answer has no status"
	case env.Status != StatusOK:
		if statusSentinel(env.Status) == nil {
			reason = "unknown status"
		}
	case len(env.Content) == 0 || string(env.Content) == "null":
		reason = "status ok without content"
	default:
		if reason = decodeContent(env.Content, out); reason == "" {
			return nil
		}
	}
	// Too large, its status was never read; a redirect is not Mesh's answer, whatever
	// its body says.
	e := &APIError{HTTPStatusCode: code, Header: headerWithoutCookies(resp.Header), reason: reason, cause: cause, unexpected: tooLarge || redirect}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	if jsonErr == nil {
		e.Status, e.ErrorType, e.Message = env.Status, env.ErrorType, env.Message
		e.DisplayMessage, e.ErrorHash = env.DisplayMessage, env.ErrorHash
		switch d := env.ErrorData; {
		case len(d) > maxErrorDataBytes:
			if e.reason != "" {
				e.reason += "; "
			}
			e.reason += "errorData of " + strconv.Itoa(len(d)) + " bytes dropped"
		case string(d) != "null":
			e.ErrorData = d
		}
	}
	return e
}

// decodeOK decodes body into out in one pass, envelope and content together, when it is
// a clean success: an ok envelope of content within the item bounds, nothing missing,
// and no field of the wrong type. It reports whether it was; anything else is decode's
// to judge and explain (FuzzDecodeOK checks that decode accepts whatever decodeOK does,
// with the same content). The bounds are checked over the whole body, more than the
// content: a body within them holds content within them.
func decodeOK(body []byte, out content) bool {
	if longest, total := countItems(body); longest > maxListItems || total > maxContentItems {
		return false
	}
	env := struct {
		Status  Status  `json:"status"`
		Content content `json:"content"` // encoding/json decodes into the pointer it holds
	}{Content: out}
	return json.Unmarshal(body, &env) == nil && env.Status == StatusOK && out.missing() == ""
}

// decodeContent decodes an ok answer's content into out, and says what keeps the answer
// from being a success, or "". The content's lists are counted first: no memory is
// spent on content past their bounds.
func decodeContent(data []byte, out content) string {
	longest, total := countItems(data)
	switch {
	case longest > maxListItems:
		return "content has a list of more than " + strconv.Itoa(maxListItems) + " items"
	case total > maxContentItems:
		return "content has more than " + strconv.Itoa(maxContentItems) + " list items"
	}
	if err := json.Unmarshal(data, out); err != nil {
		return "content does not decode: " + oneLine(err.Error(), 120)
	}
	if m := out.missing(); m != "" {
		return "status ok without " + m
	}
	return ""
}

// countItems counts the items of the JSON arrays in data, at any depth, without decoding
// anything: the most in one array, and the total. It counts valid JSON exactly
// (FuzzCountItems checks it against encoding/json); anything else it reads without
// failing, and what it counts there does not matter, since decoding refuses it.
func countItems(data []byte) (longest, total int) {
	type open struct {
		array bool
		next  bool // the next value is an item: after an array's '[' or ','
		items int
	}
	var stack []open
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		if n := len(stack) - 1; n >= 0 && stack[n].next && c != ']' {
			stack[n].next = false
			stack[n].items++
			total++
			longest = max(longest, stack[n].items)
		}
		switch c {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++ // the escaped byte
				}
			}
		case '[', '{':
			stack = append(stack, open{array: c == '[', next: c == '['})
		case ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack) - 1; n >= 0 && stack[n].array {
				stack[n].next = true
			}
		}
	}
	return longest, total
}

// corruptEncoding reports whether err is a gzip body that is not gzip, or whose deflate
// stream or checksum is wrong, as opposed to one cut short.
func corruptEncoding(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)
}

// tolerateDecodeError handles what made json.Unmarshal of an answer fail, err: bytes
// after a complete value (the first value is the answer, decoded again without them),
// and a field of the wrong type (it reads as empty; encoding/json decoded the rest). It
// returns the error that remains.
func tolerateDecodeError(body []byte, env *envelope, err error) error {
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		err = json.NewDecoder(bytes.NewReader(body)).Decode(env)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}
