package mesh

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// envelope is Mesh's response envelope.
type envelope struct {
	Status         Status          `json:"status"`
	Message        string          `json:"message"`
	DisplayMessage string          `json:"displayMessage"`
	ErrorType      string          `json:"errorType"`
	ErrorHash      string          `json:"errorHash"`
	ErrorData      json.RawMessage `json:"errorData"`
	Content        envelopeContent `json:"content"` // absent and empty mean the same: no token
}

type envelopeContent struct {
	LinkToken   string `json:"linkToken"`
	PaymentLink string `json:"paymentLink"`
}

// decodeEnvelope decodes body into env as json.Unmarshal would. Most answers take a
// fast path without reflection; whatever that path does not handle exactly (escapes,
// a key that differs from a field name only by case, a value of the wrong type, invalid
// JSON) goes to json.Unmarshal, so the result is Unmarshal's in every case. FuzzEnvelope
// holds the two paths to that.
func decodeEnvelope(body []byte, env *envelope) error {
	if fastEnvelope(body, env) {
		return nil
	}
	*env = envelope{}
	return json.Unmarshal(body, env)
}

// fastEnvelope decodes the common shape of an envelope: one object whose known fields
// hold escape-free strings or null (errorData any JSON value, content an object of such
// strings), and whose other fields hold any valid JSON. It reports false, leaving env
// in any state, for anything else.
func fastEnvelope(b []byte, env *envelope) bool {
	p := parser{b: b}
	if !p.open('{') {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := p.nextKey(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		switch string(key) { // no allocation: the compiler compares in place
		case "status":
			var s []byte
			if s, ok = p.stringOrNull(); ok && s != nil {
				env.Status = internStatus(s)
			}
		case "message":
			ok = p.stringField(&env.Message)
		case "displayMessage":
			ok = p.stringField(&env.DisplayMessage)
		case "errorType":
			ok = p.stringField(&env.ErrorType)
		case "errorHash":
			ok = p.stringField(&env.ErrorHash)
		case "errorData":
			p.space() // RawMessage starts at the value, as with Unmarshal
			start := p.i
			if ok = p.value(0); ok {
				env.ErrorData = append(env.ErrorData[:0], b[start:p.i]...)
			}
		case "content":
			ok = p.null() || p.content(&env.Content)
		default:
			ok = !foldsTo(key, "status", "message", "displayMessage", "errorType", "errorHash", "errorData", "content") && p.value(0)
		}
		if !ok {
			return false
		}
	}
	p.space()
	return p.i == len(b)
}

// content reads the content object.
func (p *parser) content(c *envelopeContent) bool {
	if !p.open('{') {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := p.nextKey(first)
		if !ok || done {
			return ok
		}
		switch string(key) {
		case "linkToken":
			ok = p.stringField(&c.LinkToken)
		case "paymentLink":
			ok = p.stringField(&c.PaymentLink)
		default:
			ok = !foldsTo(key, "linkToken", "paymentLink") && p.value(1)
		}
		if !ok {
			return false
		}
	}
}

// internStatus returns the constant for a known status, so that decoding it costs no
// allocation.
func internStatus(s []byte) Status {
	for _, st := range [...]Status{StatusOK, StatusBadRequest, StatusServerFailure, StatusTooManyRequest,
		StatusPermissionDenied, StatusNotFound, StatusConflict, StatusLocked, StatusUnavailableForLegalReasons} {
		if string(st) == string(s) {
			return st
		}
	}
	return Status(s)
}

// foldsTo reports whether key could name one of the fields for encoding/json, which
// matches names without regard to case (Unicode folding included: any non-ASCII key
// counts, to be safe).
func foldsTo(key []byte, names ...string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for _, n := range names {
		if strings.EqualFold(string(key), n) {
			return true
		}
	}
	return false
}

// maxFastDepth bounds the nesting the fast path skips; deeper values go to Unmarshal.
const maxFastDepth = 32

// parser is a minimal JSON reader for the fast path. Each method reports false for
// anything it does not accept exactly as encoding/json would.
type parser struct {
	b []byte
	i int
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// open consumes the byte c (after white space).
func (p *parser) open(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// nextKey moves to the next member of an object whose '{' is consumed: it reads the
// ',' before it (unless first) and its key and ':', leaving the value to read. done
// reports the closing '}'.
func (p *parser) nextKey(first bool) (key []byte, done, ok bool) {
	p.space()
	if p.i >= len(p.b) {
		return nil, false, false
	}
	switch c := p.b[p.i]; {
	case c == '}':
		p.i++
		return nil, true, true
	case !first && c == ',':
		p.i++
		p.space()
	case !first:
		return nil, false, false
	}
	if key, ok = p.str(); !ok || !p.open(':') {
		return nil, false, false
	}
	return key, false, true
}

// str reads a string without escapes, of valid UTF-8, and returns its bytes.
func (p *parser) str() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	ascii := true
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			s := p.b[start:j]
			if !ascii && !utf8.Valid(s) {
				return nil, false // Unmarshal would replace the bad bytes
			}
			p.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// stringOrNull reads a string (nil for null).
func (p *parser) stringOrNull() ([]byte, bool) {
	p.space()
	if p.null() {
		return nil, true
	}
	return p.str() // "" is an empty, non-nil slice: not null
}

// stringField reads a string into dst; null leaves dst as it is, as Unmarshal does.
func (p *parser) stringField(dst *string) bool {
	s, ok := p.stringOrNull()
	if ok && s != nil {
		*dst = string(s)
	}
	return ok
}

func (p *parser) null() bool {
	p.space()
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// value skips any JSON value, checking its grammar; strings with escapes are refused.
func (p *parser) value(depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	p.space()
	if p.i >= len(p.b) {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		for first := true; ; first = false {
			_, done, ok := p.nextKey(first)
			if !ok || done {
				return ok
			}
			if !p.value(depth + 1) {
				return false
			}
		}
	case c == '[':
		p.i++
		p.space()
		if p.i < len(p.b) && p.b[p.i] == ']' {
			p.i++
			return true
		}
		for {
			if !p.value(depth + 1) {
				return false
			}
			p.space()
			if p.i >= len(p.b) {
				return false
			}
			switch p.b[p.i] {
			case ',':
				p.i++
			case ']':
				p.i++
				return true
			default:
				return false
			}
		}
	case c == '"':
		_, ok := p.str()
		return ok
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	}
	return false
}

func (p *parser) literal(word string) bool {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return true
	}
	return false
}

// number skips a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *parser) number() bool {
	b, i := p.b, p.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	p.i = i
	return true
}
