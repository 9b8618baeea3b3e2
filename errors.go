package mesh

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors. Every error of a call that comes from Mesh's answer is an *APIError
// matching exactly one of them; a refused request matches ErrValidation. Route with
// errors.Is; read details with errors.As.
var (
	// ErrValidation: the request was refused before any network call.
	ErrValidation = errors.New("mesh: invalid request")
	// ErrUnauthorized: HTTP 401, the client id or secret is wrong or missing, or belongs
	// to the other environment (sandbox credentials against production, or the reverse).
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
	// too large, a redirect, an ok without its content.
	ErrUnexpectedResponse = errors.New("mesh: unexpected response")
)

// APIError is Mesh's answer to a request that did not succeed. It keeps the server's
// own words for logs and support requests (ErrorHash groups errors at Mesh; request
// ids live in Header), and matches exactly one sentinel through errors.Is. Whatever
// the server echoed of the client secret reads [REDACTED] in every field.
type APIError struct {
	HTTPStatusCode int             // HTTP status code of the answer
	Status         Status          // the envelope's status, "" when the answer had no envelope
	ErrorType      string          // machine-readable reason, e.g. "missingField"
	Message        string          // message for the developer
	DisplayMessage string          // message that may be shown to the end user
	ErrorHash      string          // grouping hash of the error at Mesh: quote it to support
	ErrorData      json.RawMessage // error details, any JSON, as sent (secret redacted)
	RetryAfter     time.Duration   // from Retry-After, when the server sent one
	Header         http.Header     // the answer's headers, Set-Cookie and a redirect's Location dropped

	// reason says what the SDK found wrong with the answer ("not JSON", "too large",
	// ...), or what to check (a 401).
	reason string
	// unexpected makes the answer ErrUnexpectedResponse whatever its status and code: a
	// body too large to read, or a redirect.
	unexpected bool
	// cause is the error that cut the answer short, if any (a read error).
	cause error
}

// Error describes the failure on one line: the HTTP code, the status, the server's
// reason and the errorHash. It never contains the client secret or a whole response
// body.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("mesh: ")
	b.WriteString(strconv.Itoa(e.HTTPStatusCode))
	if text := http.StatusText(e.HTTPStatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Status != "" {
		b.WriteString(": " + oneLine(string(e.Status), 64))
	}
	if e.ErrorType != "" {
		b.WriteString(" (" + oneLine(e.ErrorType, 64) + ")")
	}
	if msg := e.Message; msg != "" || e.DisplayMessage != "" {
		if msg == "" {
			msg = e.DisplayMessage
		}
		b.WriteString(": " + oneLine(msg, 200))
	}
	if e.reason != "" {
		b.WriteString(": " + e.reason)
	}
	if e.cause != nil {
		b.WriteString(": " + oneLine(e.cause.Error(), 200))
	}
	if e.ErrorHash != "" {
		b.WriteString(" [errorHash " + oneLine(e.ErrorHash, 64) + "]")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (Mesh asks to retry after " + e.RetryAfter.String() + ")")
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
	if e.unexpected {
		return ErrUnexpectedResponse
	}
	if err := statusSentinel(e.Status); err != nil {
		return err
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

// ValidationError is one problem with a request, found before anything was sent.
// Reason is written for the developer; Code and Limit let an application write its own
// message for its users, e.g. "at most 50 characters" for Code CodeTooLong, Limit 50.
type ValidationError struct {
	Field  string // JSON path of the field, e.g. "transferOptions.toAddresses[0].networkId"; "" for a per-call option
	Code   string // what kind of problem: one of the Code constants
	Limit  int    // the limit broken, for CodeTooLong (UTF-16 code units) and CodeTooMany (items); else 0
	Reason string // what is wrong with it, and what to do
}

// Codes of a ValidationError: what kind of problem a field has. The set may grow in a
// minor release; treat an unknown code as CodeInvalid.
const (
	CodeRequired     = "required"      // a required value is missing: empty, or white space only
	CodeBlank        = "blank"         // an optional value, or an item of a list, is white space only or empty
	CodeUntrimmed    = "untrimmed"     // the value has leading or trailing white space
	CodeTooLong      = "too_long"      // longer than Limit UTF-16 code units
	CodeTooMany      = "too_many"      // more than Limit items
	CodeNotUUID      = "not_uuid"      // not a UUID (8-4-4-4-12 hexadecimal digits)
	CodeOutOfRange   = "out_of_range"  // a number out of its range: negative, not finite, a ratio above 1
	CodeUnknownValue = "unknown_value" // not a value of a closed set (BrokerType)
	CodeUnsupported  = "unsupported"   // a known value that the API refuses
	CodeInvalid      = "invalid"       // any other problem
)

// Error returns "mesh: invalid request: <field>: <reason>".
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return "mesh: invalid request: " + e.Reason
	}
	return "mesh: invalid request: " + e.Field + ": " + e.Reason
}

// Is makes every ValidationError match ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// InvalidRequestError is the error Validate and CreateLinkToken return for a refused
// request: every problem at once, in Problems, each naming the field's JSON path.
// It matches ErrValidation, and Unwrap() []error gives the same problems as []error,
// as errors.Join would.
type InvalidRequestError struct {
	Problems []*ValidationError // every problem, in the order of the request's fields
}

// maxProblemsShown bounds how many problems InvalidRequestError.Error lists, so that
// its text stays one short line; Problems keeps them all.
const maxProblemsShown = 5

// Error lists the problems on one line: "mesh: invalid request: <field>: <reason>; ...",
// the first few, then how many more there are in Problems.
func (e *InvalidRequestError) Error() string {
	var b strings.Builder
	b.WriteString("mesh: invalid request: ")
	for i, p := range e.Problems {
		if i == maxProblemsShown {
			b.WriteString("; and " + strconv.Itoa(len(e.Problems)-i) + " more (see Problems)")
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Field != "" {
			b.WriteString(p.Field + ": ")
		}
		b.WriteString(oneLine(p.Reason, 200))
	}
	return b.String()
}

// Is makes an InvalidRequestError match ErrValidation, even one without problems.
func (e *InvalidRequestError) Is(target error) bool { return target == ErrValidation }

// Unwrap returns the problems, so that errors.As finds each *ValidationError.
func (e *InvalidRequestError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// add records a problem of the kind CodeInvalid; addCode and addLimit name its kind.
func (e *InvalidRequestError) add(field, reason string) { e.addCode(field, CodeInvalid, reason) }

// addCode records a problem of the kind code.
func (e *InvalidRequestError) addCode(field, code, reason string) { e.addLimit(field, code, 0, reason) }

// addLimit records a problem of the kind code that breaks limit.
func (e *InvalidRequestError) addLimit(field, code string, limit int, reason string) {
	e.Problems = append(e.Problems, &ValidationError{Field: field, Code: code, Limit: limit, Reason: reason})
}

// CallError is the error of a call that sent at least one request and failed. It tells
// the story of the call: Err, the error of the last answer (an *APIError) or of the last
// attempt when Mesh never answered; how many attempts were made and over how long; and
// what stopped it, when that was not the answer itself: the caller's context, or the
// per-attempt timeout. errors.Is and errors.As see through it: to Err, whose sentinel it
// keeps, and to context.Canceled or context.DeadlineExceeded when the context ended
// the call.
type CallError struct {
	Err      error         // the last answer's *APIError, or the last attempt's transport error
	Attempts int           // attempts made, from 1
	Elapsed  time.Duration // from the call's start to its end

	stopped string // why the call stopped before an answer ended it, or ""
	cause   error  // the context's error, when the context ended the call
}

// Error is Err's text followed by the story: "mesh: 503 Service Unavailable: ..., after
// 3 attempts in 1.2s".
func (e *CallError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	b.WriteString(", after " + strconv.Itoa(e.Attempts) + " attempt")
	if e.Attempts != 1 {
		b.WriteString("s")
	}
	b.WriteString(" in " + roundDuration(e.Elapsed).String())
	if e.stopped != "" {
		b.WriteString("; " + e.stopped)
	}
	return b.String()
}

// Unwrap returns Err, and the context's error when the context ended the call.
func (e *CallError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Err, e.cause}
	}
	return []error{e.Err}
}

// roundDuration rounds d for a message: to the millisecond, or the microsecond below one.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
