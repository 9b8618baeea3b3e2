package mesh

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// redacted replaces the client secret wherever it would be shown.
const redacted = "[REDACTED]"

// maxErrorText bounds the text of an error the SDK did not write itself (a transport
// error can quote the server's bytes).
const maxErrorText = 240

// redactor keeps one client's secret out of everything a call shows: it is the one
// chokepoint every attempt's error passes through (Client.call), so that a new path
// cannot forget it. A Client holds it behind a pointer, so that printing a Client value
// field by field shows an address, never the secret.
type redactor struct {
	secret string
	// forms are the texts that show the secret, lower-cased (the secret is printable
	// ASCII, so every form is), each matched without regard to ASCII case: the secret
	// as it is; as Go's %q and a hand-written JSON string escape it ('"' and '\\'); as
	// json.Marshal escapes it ('<', '>' and '&' too, as \u003c...); percent-encoded by
	// url.QueryEscape and url.PathEscape; HTML-escaped by html.EscapeString (&#39;,
	// &#34;) and as other template engines do (&#x27;, &quot;).
	forms []string
}

func newRedactor(secret string) *redactor {
	r := &redactor{secret: secret}
	if secret == "" {
		return r
	}
	quoted := strconv.Quote(secret)
	jsoned, _ := json.Marshal(secret) // a string always encodes
	for _, f := range []string{
		secret, quoted[1 : len(quoted)-1], string(jsoned[1 : len(jsoned)-1]),
		url.QueryEscape(secret), url.PathEscape(secret),
		html.EscapeString(secret), htmlEscapeHex(secret),
	} {
		if f = toLowerASCII(f); !slices.Contains(r.forms, f) {
			r.forms = append(r.forms, f)
		}
	}
	return r
}

// htmlEscapeHex escapes s for HTML with &#x27; and &quot;, where html.EscapeString
// writes &#39; and &#34;.
var htmlEscapeHex = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#x27;", `"`, "&quot;").Replace

// string replaces every occurrence of the secret, in any of its forms and any ASCII
// case, in s.
func (r *redactor) string(s string) string {
	lower := toLowerASCII(s)
	for _, f := range r.forms {
		if !strings.Contains(lower, f) {
			continue
		}
		var b strings.Builder
		for i := strings.Index(lower, f); i >= 0; i = strings.Index(lower, f) {
			b.WriteString(s[:i])
			b.WriteString(redacted)
			s, lower = s[i+len(f):], lower[i+len(f):]
		}
		b.WriteString(s)
		s = b.String()
		lower = toLowerASCII(s)
	}
	return s
}

// shows reports whether s shows the secret, in any of its forms and any ASCII case.
func (r *redactor) shows(s string) bool {
	lower := toLowerASCII(s)
	for _, f := range r.forms {
		if strings.Contains(lower, f) {
			return true
		}
	}
	return false
}

// toLowerASCII returns s with its ASCII letters in lower case, byte for byte (so that
// an index into it is an index into s); s itself when it has no upper-case letter.
func toLowerASCII(s string) string {
	i := strings.IndexFunc(s, unicode.IsUpper)
	if i < 0 {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		b[i] = lowerASCII(b[i])
	}
	return string(b)
}

// error returns err as a caller may see it: no secret in its text, its fields or
// anything it wraps, and a text of one short line of printable text.
//
//   - An *APIError has its fields redacted in place (it is this call's own).
//   - An error whose tree shows the secret nowhere is kept, so that errors.Is and
//     errors.As still find *url.Error, syscall.Errno, *tls.CertificateVerificationError
//     and the like; behind a bounded text when its own is long or not one line.
//   - Anything else (a transport error that quotes the server's bytes: a malformed
//     status or header line, HTTP/2 GOAWAY debug data) is replaced by its text,
//     redacted and bounded, wrapping only the context error that caused it, if any.
func (r *redactor) error(err error) error {
	switch e := err.(type) { //nolint:errorlint // the attempt's own error, never wrapped
	case nil:
		return nil
	case *APIError:
		r.apiError(e)
		return e
	}
	text := err.Error()
	switch {
	case r.showsIn(err):
		return &boundedError{text: oneLine(r.string(text), maxErrorText), err: contextCause(err)}
	case oneLine(text, maxErrorText) != text:
		return &boundedError{text: oneLine(text, maxErrorText), err: err}
	}
	return err
}

// showsIn reports whether an error in err's tree shows the secret.
func (r *redactor) showsIn(err error) bool {
	for todo := []error{err}; len(todo) > 0; {
		e := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if e == nil {
			continue
		}
		if r.shows(e.Error()) {
			return true
		}
		switch u := e.(type) { //nolint:errorlint // walking the tree by hand, as errors.Is does
		case interface{ Unwrap() error }:
			todo = append(todo, u.Unwrap())
		case interface{ Unwrap() []error }:
			todo = append(todo, u.Unwrap()...)
		}
	}
	return false
}

// contextCause returns the context error err matches, or nil.
func contextCause(err error) error {
	for _, c := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, c) {
			return c
		}
	}
	return nil
}

// boundedError stands for an error whose text could not be shown as it was: too long,
// not one line, or showing the secret.
type boundedError struct {
	text string // redacted, one line, bounded
	// err is what it wraps: the error itself when it shows no secret; else only
	// context.Canceled or context.DeadlineExceeded, when one caused it.
	err error
}

func (e *boundedError) Error() string { return e.text }
func (e *boundedError) Unwrap() error { return e.err }

// maxURLText bounds the URL of a *url.Error: a long base URL would fill the error's
// text and push out its cause.
const maxURLText = 100

// shortenURL cuts the URL of the *url.Error in err, if any, to maxURLText bytes.
func shortenURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		urlErr.URL = oneLine(urlErr.URL, maxURLText)
	}
	return err
}

// apiError redacts every field of e that the server wrote, and keeps its identifiers
// printable.
func (r *redactor) apiError(e *APIError) {
	e.Status = Status(identifier(r.string(string(e.Status))))
	e.ErrorType = identifier(r.string(e.ErrorType))
	e.Message = r.string(e.Message)
	e.DisplayMessage = r.string(e.DisplayMessage)
	e.ErrorHash = identifier(r.string(e.ErrorHash))
	e.ErrorData = r.json(e.ErrorData)
	e.reason = r.string(e.reason)
	e.cause = r.error(e.cause)
	r.header(e.Header)
}

// header redacts h in place: a value showing the secret reads [REDACTED], and so does
// a line whose name shows it.
func (r *redactor) header(h http.Header) {
	for name, values := range h {
		// A line holding the secret may come back as a name (in net/http's canonical
		// case), or split at one of the secret's ':' into a name and a value, neither
		// holding it whole: look at the name, and at the whole line.
		lineShows := false
		for i, v := range values {
			values[i] = r.string(v)
			lineShows = lineShows || r.shows(name+":"+values[i])
		}
		switch {
		case r.shows(name): // the values are the server's own
			delete(h, name)
			h[redacted] = append(h[redacted], values...)
		case lineShows: // the values hold the rest of the secret
			delete(h, name)
			h[redacted] = append(h[redacted], redacted)
		}
	}
}

// json replaces the secret in every string (object keys included) and number of the
// JSON value raw, re-encoding it token by token: the result is valid JSON that keeps
// every member, duplicated keys included. A number that shows the secret becomes the
// string "[REDACTED]". raw is returned as it is when the secret shows nowhere; the
// whole value becomes "[REDACTED]" when the bytes show it where no token does.
func (r *redactor) json(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || r.secret == "" {
		return raw
	}
	if !bytes.ContainsRune(raw, '\\') && r.string(string(raw)) == string(raw) {
		// Without an escape, every token is a piece of raw as written: none can show
		// the secret when raw does not. (Re-encoding token by token costs dozens of
		// times raw's size.)
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	changed := false
	type container struct {
		object bool
		tokens int // tokens written in it so far
	}
	var open []container
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil { // not JSON (the SDK only passes decoded JSON): nothing can be kept safely
			return json.RawMessage(`"` + redacted + `"`)
		}
		if d, ok := tok.(json.Delim); !ok || d == '{' || d == '[' {
			if n := len(open); n > 0 { // Token drops ',' and ':'; put them back
				if c := &open[n-1]; c.tokens > 0 && c.object && c.tokens%2 == 1 {
					out.WriteByte(':')
				} else if c.tokens > 0 {
					out.WriteByte(',')
				}
				open[n-1].tokens++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				open = append(open, container{object: t == '{'})
			default:
				open = open[:len(open)-1]
			}
			out.WriteByte(byte(t)) //nolint:gosec // G115: a Delim is one of {}[]
		case string:
			s := r.string(t)
			changed = changed || s != t
			b, _ := json.Marshal(s) // a string always encodes
			out.Write(b)
		case json.Number:
			if r.shows(string(t)) {
				changed = true
				out.WriteString(`"` + redacted + `"`)
			} else {
				out.WriteString(string(t))
			}
		case bool:
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
	}
	result := out.Bytes()
	if !changed {
		result = raw
	}
	// No token shows the secret, yet the bytes may: across tokens ("1234,5678" in
	// [1234,5678]), in an escape as written ("\u0073k_..."), or in one that re-encoding
	// wrote ("u003c" for "<"). Nothing of the value can be kept safely then.
	if r.shows(string(result)) {
		return json.RawMessage(`"` + redacted + `"`)
	}
	return result
}

// headerWithoutCookies copies h without Set-Cookie: an APIError is logged and shown,
// and a session cookie is a credential too.
func headerWithoutCookies(h http.Header) http.Header {
	c := h.Clone() // nil for nil: reading a nil Header is fine, and nothing writes it
	delete(c, "Set-Cookie")
	return c
}

// oneLine makes text fit a one-line error message of printable text: a character that
// is not printable (unicode.IsPrint: controls, line and paragraph separators, bidi
// controls and other invisible format characters, spaces other than ' ') becomes a
// space, invalid UTF-8 becomes U+FFFD, and the text is cut to max bytes at a character
// boundary, ending in "…" when cut.
func oneLine(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for !utf8.RuneStart(s[cut]) { // s is valid UTF-8: s[0] starts a character
		cut--
	}
	return s[:cut] + "…"
}

// identifier makes s fit an identifier field of an APIError (Status, ErrorType,
// ErrorHash), which programs log as it is: every character that is not printable
// (unicode.IsPrint) becomes U+FFFD, so that the field holds no control, separator or
// bidi character.
func identifier(s string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
