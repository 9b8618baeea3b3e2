package mesh

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Bounds of what is read of an answer (after gzip), by endpoint. A Link token envelope
// is tiny; the catalogs are lists, and every integration may carry a base64 PNG logo.
// A larger answer ends in ErrUnexpectedResponse after reading one byte more than its
// bound.
const (
	maxLinkTokenBytes            = 1 << 20  // 1 MiB
	maxNetworksBytes             = 8 << 20  // 8 MiB
	maxTransferIntegrationsBytes = 16 << 20 // 16 MiB
	maxIntegrationsBytes         = 32 << 20 // 32 MiB
)

// envelope is Mesh's response envelope, the same for every endpoint.
type envelope struct {
	Status         Status          `json:"status"`
	Message        string          `json:"message"`
	DisplayMessage string          `json:"displayMessage"`
	ErrorType      string          `json:"errorType"`
	ErrorHash      string          `json:"errorHash"`
	ErrorData      json.RawMessage `json:"errorData"`
	Content        json.RawMessage `json:"content"`
}

// content is what an ok envelope carries for one endpoint.
type content interface {
	// missing names what a decoded content lacks to be a success, or "".
	missing() string
}

// readBody reads resp's body through limit, inflating gzip that the transport left
// compressed. It reports a body larger than limit as tooLarge, without the bytes.
//
// The body is read here rather than by resty (SetResponseBodyLimit) because resty
// drops everything it read when a read fails, and inflates gzip as a multistream: a
// complete envelope followed by stray bytes (a CRLF after the gzip stream, a reset
// after the last byte) would be thrown away, and its token minted again by a retry.
// Here the bytes read are kept with the error, for decode to judge.
func readBody(resp *http.Response, limit int64) (body []byte, tooLarge bool, err error) {
	r := io.Reader(resp.Body)
	if !resp.Uncompressed && strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if errors.Is(err, io.EOF) {
			return nil, false, nil // an empty body
		}
		if err != nil {
			return nil, false, err
		}
		zr.Multistream(false) // what follows the stream is not a second member
		r = zr
	}
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(body)) > limit {
		return nil, true, nil
	}
	return body, false, err
}

// decode turns an answer into out (on success) or an *APIError. body is what was read,
// readErr what ended the read early, if anything.
func decode(resp *http.Response, body []byte, tooLarge bool, readErr error, limit int64, out content, now time.Time) *APIError {
	code := resp.StatusCode
	e := &APIError{HTTPStatusCode: code, Header: headerWithoutCookies(resp.Header)}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	if tooLarge {
		e.reason, e.unexpected = "answer larger than "+strconv.FormatInt(limit, 10)+" bytes", true
		return e
	}
	var env envelope
	// A complete JSON object is complete whatever the read met after it; anything
	// short of one is an answer cut short.
	jsonErr := json.Unmarshal(body, &env)
	if jsonErr == nil {
		e.Status, e.ErrorType, e.Message = env.Status, env.ErrorType, env.Message
		e.DisplayMessage, e.ErrorHash = env.DisplayMessage, env.ErrorHash
		if d := bytes.TrimSpace(env.ErrorData); len(d) > 0 && string(d) != "null" {
			e.ErrorData = d
		}
	}
	switch {
	case code == http.StatusUnauthorized:
		e.reason = "wrong or missing client id or secret, or credentials of the other environment " +
			"(sandbox credentials fail against production, and the reverse)"
		if resp.Request != nil && resp.Request.URL != nil {
			e.reason += "; this client calls " + resp.Request.URL.Host
		}
	case jsonErr != nil && readErr != nil:
		e.reason, e.cause = "answer cut short", readErr
	case code >= 300 && code <= 399:
		e.reason = "redirect not followed"
	case jsonErr != nil && len(bytes.TrimSpace(body)) == 0:
		e.reason = "empty answer"
	case jsonErr != nil:
		e.reason = "answer is not Mesh's JSON envelope"
		// The media type as sent, whole or not at all: the secret is redacted later by
		// comparing bytes, which a lowercased or cut echo of it would escape.
		ct := resp.Header.Get("Content-Type")
		if _, _, err := mime.ParseMediaType(ct); err == nil {
			if mt, _, _ := strings.Cut(ct, ";"); len(strings.TrimSpace(mt)) <= 64 {
				e.reason += " (" + strings.TrimSpace(mt) + ")"
			}
		}
	case code < 200 || code > 299:
		// An error answer: its status and code say what it is.
	case env.Status == "":
		e.reason = "answer has no status"
	case env.Status != StatusOK:
		if statusSentinel(env.Status) == nil {
			e.reason = "unknown status"
		}
	case len(env.Content) == 0 || string(env.Content) == "null":
		e.reason = "status ok without content"
	default:
		if err := json.Unmarshal(env.Content, out); err != nil {
			e.reason = "content does not decode: " + oneLine(err.Error(), 120)
		} else if m := out.missing(); m != "" {
			e.reason = "status ok without " + m
		} else {
			return nil
		}
	}
	return e
}
