package mesh

// The one grid of echoes: a hostile server echoes the secret it received in every place
// of an answer, in every form the redactor promises to catch, for secrets of every
// shape NewClient accepts: no error (its whole tree, any field) and no log record shows
// it, whole, escaped, percent-encoded or in pieces; where the answer is judged, the
// error keeps the server's other words.

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// httpReply is an HTTP/1.1 answer with the header lines given, a Content-Length that
// fits body, and Connection: close.
func httpReply(statusLine string, headers []string, body string) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + statusLine + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body)
	return b.String()
}

// jsonString is s escaped as a server writing JSON by hand would: '"' and '\\' only.
func jsonString(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }

// envelopeWith is an envelope of status with the JSON members fields (",..." or "").
func envelopeWith(status, fields string) string {
	return `{"status":"` + status + `"` + fields + `,"content":null}`
}

// echo is a way a server, a gateway or a broken proxy shows the secret s it received:
// the answer's bytes, given s.
type echo struct {
	name  string
	reply func(s string) string
	// large: an answer of megabytes, sent for one call on one transport only.
	large bool
	// shown, when set, checks what the error keeps: the server's words around a
	// [REDACTED] where the secret was.
	shown func(t *testing.T, err error, secret string)
}

func echoes() []echo {
	js := []string{"Content-Type: application/json"}
	j, u := jsonString, unicodeEscaped
	answer := func(statusLine string, headers []string, body func(s string) string) func(string) string {
		return func(s string) string { return httpReply(statusLine, headers, body(s)) }
	}
	envelope := func(statusLine, status string, fields func(s string) string) func(string) string {
		return answer(statusLine, js, func(s string) string { return envelopeWith(status, fields(s)) })
	}
	errorData := func(name string, data func(s string) string) echo {
		return echo{name: "errorData " + name, reply: envelope("400 Bad Request", "badRequest",
			func(s string) string { return `,"errorType":"invalidField","errorData":` + data(s) })}
	}
	header := func(name string, lines ...string) echo {
		return echo{name: name, reply: func(s string) string {
			hs := append([]string(nil), js...)
			for _, l := range lines {
				hs = append(hs, strings.ReplaceAll(l, "{S}", s))
			}
			return httpReply("400 Bad Request", hs, envelopeWith("badRequest", ""))
		}}
	}
	raw := func(name, reply string) echo {
		return echo{name: name, reply: func(s string) string { return strings.ReplaceAll(reply, "{S}", s) }}
	}
	redactedHeader := func(t *testing.T, a *APIError) {
		assert.Equal(t, []string{"key=[REDACTED]", "[REDACTED]"}, a.Header.Values("X-Echo"))
	}
	// mediaType: an answer that is not JSON is a server failure naming its media type,
	// which shows the secret neither whole, nor cut, nor lower-cased.
	mediaType := func(ct string) echo {
		return echo{name: "media type " + ct, reply: func(s string) string {
			return httpReply("502 Bad Gateway", []string{"Content-Type: " + strings.ReplaceAll(ct, "{S}", s)}, "<html>bad gateway</html>")
		}, shown: func(t *testing.T, err error, _ string) { assertOnlySentinel(t, err, ErrServerFailure) }}
	}
	answerFields := func(name, statusLine string, body func(s string) string, want APIError) echo {
		return echo{name: name, reply: func(s string) string {
			return httpReply(statusLine, append([]string{"X-Echo: key=" + s, "X-Echo: " + s}, js...), body(s))
		}, shown: func(t *testing.T, err error, _ string) {
			a := asAPIError(t, err)
			assert.Equal(t, want.Status, a.Status)
			assert.Equal(t, want.Message, a.Message)
			assert.Equal(t, want.DisplayMessage, a.DisplayMessage)
			assert.Equal(t, want.ErrorType, a.ErrorType)
			assert.Equal(t, want.ErrorHash, a.ErrorHash)
			redactedHeader(t, a)
		}}
	}
	deep := func(n int, inner string) string { return strings.Repeat(`{"a":[`, n) + inner + strings.Repeat(`]}`, n) }
	es := []echo{
		// The envelope's fields.
		{name: "message", reply: envelope("400 Bad Request", "badRequest", func(s string) string { return `,"message":"bad secret ` + j(s) + ` sent"` })},
		{name: "message as unicode escapes", reply: envelope("400 Bad Request", "badRequest", func(s string) string { return `,"message":"` + u(s) + `"` })},
		{name: "displayMessage", reply: envelope("403 Forbidden", "permissionDenied", func(s string) string { return `,"displayMessage":"` + j(s) + `"` })},
		{name: "errorType", reply: envelope("409 Conflict", "conflict", func(s string) string { return `,"errorType":"` + j(s) + `"` })},
		{name: "errorHash", reply: envelope("404 Not Found", "notFound", func(s string) string { return `,"errorHash":"` + j(s) + `"` })},
		{name: "status", reply: answer("400 Bad Request", js, func(s string) string { return envelopeWith(j(s), "") })},
		{name: "status at 200", reply: answer("200 OK", js, func(s string) string { return envelopeWith(j(s), "") })},
		{name: "every field", reply: answer("423 Locked", js, func(s string) string {
			return strings.ReplaceAll(`{"status":"{S}","message":"{S}","displayMessage":"{S}","errorType":"{S}","errorHash":"{S}",`+
				`"errorData":{"{S}":"{S}"},"content":{"{S}":"{S}"}}`, "{S}", j(s))
		})},
		{name: "401 message and errorData", reply: envelope("401 Unauthorized", "unauthorized", func(s string) string {
			return `,"message":"secret ` + j(s) + ` is wrong","errorData":"` + j(s) + `"`
		})},
		{name: "message with control bytes and invalid UTF-8", reply: envelope("400 Bad Request", "badRequest", func(s string) string {
			return `,"message":"\u0000\u001b[31m\r\n` + "\xff\xfe\x00" + j(s) + `\n\n\t"`
		})},
		{name: "message of 60 KB", reply: envelope("400 Bad Request", "badRequest", func(s string) string {
			return `,"message":"` + strings.Repeat("ab", 150) + j(s) + strings.Repeat("cd", 30_000) + `"`
		}), large: true},
		{name: "message cut inside the secret", reply: envelope("400 Bad Request", "badRequest", func(s string) string {
			return `,"message":"` + strings.Repeat("x", 190) + j(s) + `"`
		})},
		{name: "answer over its bound", reply: envelope("400 Bad Request", "badRequest", func(s string) string {
			return `,"message":"` + j(s) + strings.Repeat("z", 2<<20) + `"`
		}), large: true},
		{name: "content of the wrong type", reply: answer("200 OK", js, func(s string) string {
			return strings.ReplaceAll(`{"status":"ok","content":{"linkToken":{"{S}":"{S}"},"paymentLink":["{S}"]}}`, "{S}", j(s))
		})},
		{name: "content a string", reply: answer("200 OK", js, func(s string) string { return `{"status":"ok","content":"` + j(s) + `"}` })},

		// What the error keeps: the server's words, [REDACTED] where the secret was.
		answerFields("every field, words kept", "400 Bad Request", func(s string) string {
			return `{"status":"` + j(s) + `","message":"bad key ` + j(s) + ` given","displayMessage":"` + j(s) + `",` +
				`"errorType":"t-` + j(s) + `","errorHash":"` + j(s) + `-h"}`
		}, APIError{Status: "[REDACTED]", Message: "bad key [REDACTED] given", DisplayMessage: "[REDACTED]", ErrorType: "t-[REDACTED]", ErrorHash: "[REDACTED]-h"}),
		answerFields("every field as unicode escapes, words kept", "403 Forbidden", func(s string) string {
			return `{"status":"permissionDenied","message":"` + u(s) + `","displayMessage":"x` + u(s) + `","errorType":"` + u(s) + `","errorHash":"` + u(s) + `"}`
		}, APIError{Status: StatusPermissionDenied, Message: "[REDACTED]", DisplayMessage: "x[REDACTED]", ErrorType: "[REDACTED]", ErrorHash: "[REDACTED]"}),
		answerFields("a 401, words kept", "401 Unauthorized", func(s string) string {
			return `{"status":"badRequest","message":"unknown secret ` + j(s) + `"}`
		}, APIError{Status: StatusBadRequest, Message: "unknown secret [REDACTED]"}),
		answerFields("an HTML page, headers kept", "502 Bad Gateway", func(s string) string { return "<html>" + s + "</html>" }, APIError{}),

		// errorData in every JSON form; a number when the secret is digits, else not JSON.
		errorData("string", func(s string) string { return `"` + j(s) + `"` }),
		errorData("key", func(s string) string { return `{"` + j(s) + `":1}` }),
		errorData("80 levels deep", func(s string) string { return deep(40, `"x`+j(s)+`y"`) }),
		errorData("array", func(s string) string { return `[1,"` + j(s) + `",null,true,{"k":"` + j(s) + `"}]` }),
		errorData("JSON in a string", func(s string) string { return `"{\"k\":\"` + j(j(s)) + `\"}"` }),
		errorData("duplicate keys", func(s string) string { return `{"k":"a","k":"` + j(s) + `","k":"b"}` }),
		errorData("unicode escapes", func(s string) string { return `{"` + u(s) + `":"` + u(s) + `"}` }),
		errorData("number", func(s string) string { return s }),
		errorData("number with a fraction", func(s string) string { return s + ".0" }),
		errorData("number with an exponent", func(s string) string { return s + "e0" }),

		// Headers and the status line. A secret in a header's name, or starting a header
		// line, is split by net/http at its first ':' into a name and a value.
		header("header values", "X-Echo: {S}", "X-Request-Id: r-{S}-1", `Www-Authenticate: Basic realm="{S}"`),
		header("Set-Cookie", "Set-Cookie: s={S}; Path=/"),
		header("Retry-After", "Retry-After: {S}"),
		{name: "header name", reply: func(s string) string {
			return httpReply("400 Bad Request", append([]string{"X-" + s + ": 1"}, js...), envelopeWith("badRequest", ""))
		}},
		// net/http canonicalises a name ("x-sk_live_..." becomes "X-Sk_live_..."): the
		// secret is found whatever its case, and the value kept under a redacted name.
		{name: "header name in lower case", reply: func(s string) string {
			return httpReply("400 Bad Request", append([]string{"x-" + s + ": 1"}, js...), envelopeWith("badRequest", ""))
		}, shown: func(t *testing.T, err error, s string) {
			if s == testSecret { // a valid header name
				assertOnlySentinel(t, err, ErrBadRequest)
				assertNoPieceOfSecret(t, fmt.Sprintf("%#v", asAPIError(t, err).Header), s, "APIError.Header")
				assert.Equal(t, []string{"1"}, asAPIError(t, err).Header[redacted], "the value is kept under a redacted name")
			}
		}},
		{name: "Content-Type parameter", reply: func(s string) string {
			return httpReply("200 OK", []string{"Content-Type: text/html; charset=" + s}, "<html>"+s+"</html>")
		}},
		{name: "media type", reply: func(s string) string { return httpReply("200 OK", []string{"Content-Type: application/" + s}, s) }},
		mediaType("text/{S}"),
		mediaType("text/" + strings.Repeat("x", 40) + "{S}"),
		mediaType("application/{S}+json; charset=utf-8"),
		mediaType("text/html; key={S}"),
		{name: "reason phrase", reply: func(s string) string { return httpReply("400 "+s, js, envelopeWith("badRequest", "")) }},
		{name: "redirect Location", reply: func(s string) string {
			return httpReply("307 Temporary Redirect", []string{"Location: http://user:" + s + "@127.0.0.1:1/x?s=" + s}, s)
		}},
		{name: "text body", reply: func(s string) string {
			return httpReply("200 OK", []string{"Content-Type: text/plain"}, "your secret is "+s)
		}},
		{name: "HTML body at 502", reply: func(s string) string {
			return httpReply("502 Bad Gateway", []string{"Content-Type: text/html"}, "<h1>"+s+"</h1>")
		}},

		// Framing that net/http refuses, quoting the server's bytes in its error.
		raw("malformed status line", "{S}\r\n\r\n"),
		raw("malformed status code", "HTTP/1.1 4{S} Bad\r\n\r\n"),
		raw("malformed version", "HTTP/{S} 200 OK\r\n\r\n"),
		{name: "malformed header line", reply: func(s string) string { return "HTTP/1.1 200 OK\r\n" + s + "\r\n\r\n" },
			shown: func(t *testing.T, err error, s string) {
				if !strings.Contains(s, ":") { // else a header line net/http takes
					assert.Contains(t, err.Error(), redacted, "the echo is there, redacted")
				}
			}},
		{name: "header name with a space", reply: func(s string) string { return "HTTP/1.1 200 OK\r\nX " + s + ": v\r\n\r\n" }},
		raw("continuation line", "HTTP/1.1 200 OK\r\nX-A: a\r\n {S}\r\nContent-Length: 0\r\n\r\n"),
		raw("bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: {S}\r\n\r\n"),
		raw("two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2{S}\r\n\r\n"),
		raw("unsupported Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: {S}\r\n\r\n"),
		raw("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{S}\r\n"),
		raw("bad trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\n{}\r\n0\r\n{S}\r\n\r\n"),
		raw("trailer", "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\n{}\r\n0\r\nX-T: {S}\r\n\r\n"),
		raw("cut short after the secret", "HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n{\"status\":\"ok\",\"message\":\"{S}"),
		raw("gzip that is not gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{S}"),
	}
	// Every place a server writes text it was sent × every form of the secret that the
	// redactor promises to catch (secretForms, and what a server or a template engine
	// makes of them).
	places := []struct {
		name  string
		reply func(e string) string // e: the secret's form, as it must appear in the text
	}{
		{"message", func(e string) string {
			return httpReply("400 Bad Request", js, envelopeWith("badRequest", `,"message":"got `+j(e)+` here"`))
		}},
		{"displayMessage", func(e string) string {
			return httpReply("403 Forbidden", js, envelopeWith("permissionDenied", `,"displayMessage":"`+j(e)+`"`))
		}},
		{"errorType", func(e string) string {
			return httpReply("409 Conflict", js, envelopeWith("conflict", `,"errorType":"`+j(e)+`"`))
		}},
		{"errorHash", func(e string) string {
			return httpReply("404 Not Found", js, envelopeWith("notFound", `,"errorHash":"`+j(e)+`"`))
		}},
		{"status", func(e string) string { return httpReply("400 Bad Request", js, envelopeWith(j(e), "")) }},
		{"errorData", func(e string) string {
			return httpReply("400 Bad Request", js, envelopeWith("badRequest", `,"errorData":{"echo":"`+j(e)+`","`+j(e)+`":1}`))
		}},
		{"header value", func(e string) string {
			return httpReply("400 Bad Request", append([]string{"X-Echo: " + e}, js...), envelopeWith("badRequest", ""))
		}},
	}
	forms := []struct {
		name string
		enc  func(s string) string
	}{
		{"as is", func(s string) string { return s }},
		{"upper-cased", strings.ToUpper},
		{"lower-cased", strings.ToLower},
		{"as %q escapes it", func(s string) string { q := strconv.Quote(s); return q[1 : len(q)-1] }},
		{"JSON-escaped inside JSON text", func(s string) string { // a message quoting a request as json.Marshal wrote it
			b, _ := json.Marshal(map[string]string{"clientSecret": s}) // a string always encodes
			return string(b)
		}},
		{"query-escaped", url.QueryEscape},
		{"path-escaped", url.PathEscape},
		{"query-escaped in lower-case hex", func(s string) string { return lowerHex(url.QueryEscape(s)) }},
		{"path-escaped in lower-case hex, upper-cased letters", func(s string) string { return lowerHex(url.PathEscape(strings.ToUpper(s))) }},
		{"HTML-escaped", html.EscapeString},
		{"HTML-escaped with &#x27; and &quot;", htmlEscapeQuot},
		{"upper-cased and HTML-escaped", func(s string) string { return strings.ToUpper(htmlEscapeQuot(s)) }},
	}
	for _, p := range places {
		for _, f := range forms {
			es = append(es, echo{name: p.name + " " + f.name, reply: func(s string) string { return p.reply(f.enc(s)) }})
		}
	}
	return es
}

// Each echo, for each secret, on the SDK's transport and on a caller's, one retry
// allowed: the call fails, and nothing it shows holds the secret.
func TestSecretEchoedByHostileServer(t *testing.T) {
	transports := []struct {
		name string
		opts func(t *testing.T) []Option
	}{
		{"default transport", func(*testing.T) []Option { return nil }},
		{"caller's transport", func(t *testing.T) []Option {
			tr := &http.Transport{}
			t.Cleanup(tr.CloseIdleConnections)
			return []Option{WithHTTPClient(&http.Client{Transport: tr})}
		}},
	}
	calls := clientCalls // CreateLinkToken, then the catalogs and the transfer reads
	for _, e := range echoes() {
		t.Run(e.name, func(t *testing.T) {
			for _, secret := range unusualSecrets {
				base := rawServer(t, e.reply(secret))
				for i, tr := range transports {
					if e.large && i > 0 {
						break
					}
					logger, log := debugLog()
					c, _ := newSecretClient(t, secret, base, append(tr.opts(t), WithLogger(logger), WithRetry(RetryPolicy{MaxRetries: 1}))...)
					for j, call := range calls {
						if j > 0 && (i > 0 || e.large || secret != testSecret) {
							break // the other calls read answers as CreateLinkToken does: once is enough
						}
						ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
						err := call.do(c, ctx)
						cancel()
						require.Error(t, err, "%s for secret %q", call.name, secret)
						assertNothingShowsSecret(t, err, log.String(), secret)
						if e.shown != nil {
							e.shown(t, err, secret)
						}
					}
					if t.Failed() {
						t.Fatalf("secret %q, %s", secret, tr.name)
					}
				}
			}
		})
	}
}
