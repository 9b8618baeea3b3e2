package mesh

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. Every error from CreateLinkToken that comes from Mesh's answer is an
// *APIError matching exactly one of them; a refused request matches ErrValidation.
// Route with errors.Is; read details with errors.As.
var (
	// ErrValidation: the request was refused before any network call.
	ErrValidation = errors.New("mesh: invalid request")
	// ErrUnauthorized: HTTP 401, the client id or secret is wrong or missing.
	ErrUnauthorized = errors.New("mesh: unauthorized")
	// ErrBadRequest: status badRequest (HTTP 400).
	ErrBadRequest = errors.New("mesh: bad request")
	// ErrPermissionDenied: status permissionDenied (HTTP 403).
	ErrPermissionDenied = errors.New("mesh: permission denied")
	// ErrNotFound: status notFound (HTTP 404), e.g. "API client not found".
	ErrNotFound = errors.New("mesh: not found")
	// ErrConflict: status conflict (HTTP 409).
	ErrConflict = errors.New("mesh: conflict")
	// ErrLocked: status locked (HTTP 423).
	ErrLocked = errors.New("mesh: locked")
	// ErrTooManyRequests: status tooManyRequest (HTTP 429); retried automatically.
	ErrTooManyRequests = errors.New("mesh: too many requests")
	// ErrUnavailableForLegalReasons: status unavailableForLegalReasons (HTTP 451).
	ErrUnavailableForLegalReasons = errors.New("mesh: unavailable for legal reasons")
	// ErrServerFailure: status serverFailure, and any HTTP 5xx; retried automatically.
	ErrServerFailure = errors.New("mesh: server failure")
	// ErrUnexpectedResponse: an answer that is not the documented envelope: not JSON,
	// too large, a redirect, an ok without a token.
	ErrUnexpectedResponse = errors.New("mesh: unexpected response")
)

// APIError is Mesh's answer to a request that did not produce a link token. It keeps
// the server's own words for logs and support requests (ErrorHash groups errors at
// Mesh), and matches exactly one sentinel through errors.Is.
type APIError struct {
	HTTPStatusCode int             // HTTP status code of the answer
	Status         Status          // the envelope's status, "" when the answer had no envelope
	ErrorType      string          // machine-readable reason, e.g. "missingField"
	Message        string          // message for the developer
	DisplayMessage string          // message that may be shown to the end user
	ErrorHash      string          // grouping hash of the error at Mesh
	ErrorData      json.RawMessage // error details, any JSON, as sent
	RetryAfter     time.Duration   // from Retry-After, when the server sent one

	// reason says, for an answer that is not the documented envelope, what was wrong
	// with it ("not JSON", "too large", ...); it makes the answer ErrUnexpectedResponse
	// unless its HTTP code says more.
	reason string
	// unexpected forces ErrUnexpectedResponse whatever the code (a body too large).
	unexpected bool
	// cause is the error that cut the answer short, if any (a read error).
	cause error
}

// Error describes the failure on one line: the HTTP code, the status and the server's
// reason. It never contains the client secret or a whole response body.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("mesh: ")
	b.WriteString(strconv.Itoa(e.HTTPStatusCode))
	if text := http.StatusText(e.HTTPStatusCode); text != "" {
		b.WriteByte(' ')
		b.WriteString(text)
	}
	if e.Status != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(string(e.Status), 64))
	}
	if e.ErrorType != "" {
		b.WriteString(" (")
		b.WriteString(oneLine(e.ErrorType, 64))
		b.WriteByte(')')
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message, 200))
	} else if e.DisplayMessage != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.DisplayMessage, 200))
	}
	if e.reason != "" {
		b.WriteString(": ")
		b.WriteString(e.reason)
	}
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(oneLine(e.cause.Error(), 200))
	}
	if e.ErrorHash != "" {
		b.WriteString(" [errorHash ")
		b.WriteString(oneLine(e.ErrorHash, 64))
		b.WriteByte(']')
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the one sentinel this error matches: ErrUnauthorized
// for HTTP 401 whatever its body; otherwise the sentinel of the envelope's status; else
// the sentinel of the HTTP code (any 5xx is ErrServerFailure); else
// ErrUnexpectedResponse.
func (e *APIError) Is(target error) bool { return target == e.sentinel() }

// Unwrap returns the error that cut the answer short (a read error, a deadline), so that
// errors.Is(err, context.DeadlineExceeded) holds when a body read timed out.
func (e *APIError) Unwrap() error { return e.cause }

func (e *APIError) sentinel() error {
	if e.HTTPStatusCode == http.StatusUnauthorized {
		return ErrUnauthorized
	}
	if err := statusSentinel(e.Status); err != nil {
		return err
	}
	if e.unexpected {
		return ErrUnexpectedResponse
	}
	switch c := e.HTTPStatusCode; {
	case c >= 500 && c <= 599:
		return ErrServerFailure
	case c == http.StatusBadRequest:
		return ErrBadRequest
	case c == http.StatusForbidden:
		return ErrPermissionDenied
	case c == http.StatusNotFound:
		return ErrNotFound
	case c == http.StatusConflict:
		return ErrConflict
	case c == http.StatusLocked:
		return ErrLocked
	case c == http.StatusTooManyRequests:
		return ErrTooManyRequests
	case c == http.StatusUnavailableForLegalReasons:
		return ErrUnavailableForLegalReasons
	}
	return ErrUnexpectedResponse
}

// statusSentinel maps an envelope status to its sentinel; nil for ok, empty or unknown.
func statusSentinel(s Status) error {
	switch s {
	case StatusServerFailure:
		return ErrServerFailure
	case StatusPermissionDenied:
		return ErrPermissionDenied
	case StatusBadRequest:
		return ErrBadRequest
	case StatusNotFound:
		return ErrNotFound
	case StatusConflict:
		return ErrConflict
	case StatusTooManyRequest:
		return ErrTooManyRequests
	case StatusLocked:
		return ErrLocked
	case StatusUnavailableForLegalReasons:
		return ErrUnavailableForLegalReasons
	}
	return nil
}

// retryable reports whether the answer is worth another attempt: too many requests, or
// a server failure (by status or by HTTP 5xx).
func (e *APIError) retryable() bool {
	c := e.HTTPStatusCode
	if c == http.StatusTooManyRequests || (c >= 500 && c <= 599) {
		return true
	}
	return errors.Is(e, ErrTooManyRequests) || errors.Is(e, ErrServerFailure)
}

// oneLine makes server text fit a one-line error message: control characters become
// spaces and the text is cut to max bytes at a rune boundary.
func oneLine(s string, max int) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean && len(s) <= max {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			r = ' '
		}
		if b.Len()+utf8.RuneLen(r) > max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidationError is one problem with a request, found before anything was sent.
// CreateLinkToken and Validate report every problem at once: their error's tree
// (Unwrap() []error) holds one *ValidationError per problem.
type ValidationError struct {
	Field  string // JSON path of the field, e.g. "transferOptions.toAddresses[0].networkId"
	Reason string // what is wrong with it
}

// Error returns "mesh: invalid request: <field>: <reason>".
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return "mesh: invalid request: " + e.Reason
	}
	return "mesh: invalid request: " + e.Field + ": " + e.Reason
}

// Is makes every ValidationError match ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// validationErrors collects the problems Validate finds.
type validationErrors []error

// invalidRequest is the error Validate returns: every problem of one request, on one
// line, each reachable through Unwrap as a *ValidationError. A pointer, so that
// comparing two such errors with == is legal.
type invalidRequest struct{ errs validationErrors }

func (v *invalidRequest) Error() string {
	var b strings.Builder
	b.WriteString("mesh: invalid request: ")
	for i, err := range v.errs {
		if i > 0 {
			b.WriteString("; ")
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			b.WriteString(err.Error())
			continue
		}
		if ve.Field != "" {
			b.WriteString(ve.Field)
			b.WriteString(": ")
		}
		b.WriteString(ve.Reason)
	}
	return b.String()
}

func (v *invalidRequest) Unwrap() []error { return v.errs }
