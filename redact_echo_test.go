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

// fill writes s into the template tmpl: {S} as it is, {J} as jsonString escapes it,
// {JJ} escaped twice (JSON in a JSON string), {U} as JSON \u escapes.
func fill(tmpl, s string) string {
	return strings.NewReplacer("{S}", s, "{J}", jsonString(s), "{JJ}", jsonString(jsonString(s)),
		"{U}", unicodeEscaped(s)).Replace(tmpl)
}

func echoes() []echo {
	js := []string{"Content-Type: application/json"}
	// reply is an answer whose status line, header lines and body are templates (fill).
	reply := func(statusLine string, headers []string, body string) func(string) string {
		return func(s string) string {
			hs := make([]string, len(headers))
			for i, h := range headers {
				hs[i] = fill(h, s)
			}
			return httpReply(fill(statusLine, s), hs, fill(body, s))
		}
	}
	envelope := func(statusLine, status, fields string) func(string) string {
		return reply(statusLine, js, envelopeWith(status, fields))
	}
	bad := func(fields string) func(string) string { return envelope("400 Bad Request", "badRequest", fields) }
	errorData := func(name, data string) echo {
		return echo{name: "errorData " + name, reply: bad(`,"errorType":"invalidField","errorData":` + data)}
	}
	header := func(name string, lines ...string) echo {
		return echo{name: name, reply: reply("400 Bad Request", append(js, lines...), envelopeWith("badRequest", ""))}
	}
	raw := func(name, tmpl string) echo {
		return echo{name: name, reply: func(s string) string { return fill(tmpl, s) }}
	}
	// mediaType: an answer that is not JSON is a server failure naming its media type,
	// which shows the secret neither whole, nor cut, nor lower-cased.
	mediaType := func(ct string) echo {
		return echo{name: "media type " + ct,
			reply: reply("502 Bad Gateway", []string{"Content-Type: " + ct}, "<html>bad gateway</html>"),
			shown: func(t *testing.T, err error, _ string) { assertOnlySentinel(t, err, ErrServerFailure) }}
	}
	answerFields := func(name, statusLine, body string, want APIError) echo {
		return echo{name: name, reply: reply(statusLine, append([]string{"X-Echo: key={S}", "X-Echo: {S}"}, js...), body),
			shown: func(t *testing.T, err error, _ string) {
				a := asAPIError(t, err)
				assert.Equal(t, want.Status, a.Status)
				assert.Equal(t, want.Message, a.Message)
				assert.Equal(t, want.DisplayMessage, a.DisplayMessage)
				assert.Equal(t, want.ErrorType, a.ErrorType)
				assert.Equal(t, want.ErrorHash, a.ErrorHash)
				assert.Equal(t, []string{"key=[REDACTED]", "[REDACTED]"}, a.Header.Values("X-Echo"))
			}}
	}
	deep := strings.Repeat(`{"a":[`, 40) + `"x{J}y"` + strings.Repeat(`]}`, 40)
	es := []echo{
		// The envelope's fields.
		{name: "message", reply: bad(`,"message":"bad secret {J} sent"`)},
		{name: "message as unicode escapes", reply: bad(`,"message":"{U}"`)},
		{name: "displayMessage", reply: envelope("403 Forbidden", "permissionDenied", `,"displayMessage":"{J}"`)},
		{name: "errorType", reply: envelope("409 Conflict", "conflict", `,"errorType":"{J}"`)},
		{name: "errorHash", reply: envelope("404 Not Found", "notFound", `,"errorHash":"{J}"`)},
		{name: "status", reply: envelope("400 Bad Request", "{J}", "")},
		{name: "status at 200", reply: envelope("200 OK", "{J}", "")},
		{name: "every field", reply: reply("423 Locked", js, `{"status":"{J}","message":"{J}","displayMessage":"{J}",`+
			`"errorType":"{J}","errorHash":"{J}","errorData":{"{J}":"{J}"},"content":{"{J}":"{J}"}}`)},
		{name: "401 message and errorData", reply: envelope("401 Unauthorized", "unauthorized",
			`,"message":"secret {J} is wrong","errorData":"{J}"`)},
		{name: "message with control bytes and invalid UTF-8", reply: bad(`,"message":"\u0000\u001b[31m\r\n` +
			"\xff\xfe\x00" + `{J}\n\n\t"`)},
		{name: "message of 60 KB", reply: bad(`,"message":"` + strings.Repeat("ab", 150) + "{J}" +
			strings.Repeat("cd", 30_000) + `"`), large: true},
		{name: "message cut inside the secret", reply: bad(`,"message":"` + strings.Repeat("x", 190) + `{J}"`)},
		{name: "answer over its bound", reply: bad(`,"message":"{J}` + strings.Repeat("z", 2<<20) + `"`), large: true},
		{name: "content of the wrong type", reply: reply("200 OK", js,
			`{"status":"ok","content":{"linkToken":{"{J}":"{J}"},"paymentLink":["{J}"]}}`)},
		{name: "content a string", reply: reply("200 OK", js, `{"status":"ok","content":"{J}"}`)},

		// What the error keeps: the server's words, [REDACTED] where the secret was.
		answerFields("every field, words kept", "400 Bad Request", `{"status":"{J}","message":"bad key {J} given",`+
			`"displayMessage":"{J}","errorType":"t-{J}","errorHash":"{J}-h"}`, APIError{Status: "[REDACTED]",
			Message: "bad key [REDACTED] given", DisplayMessage: "[REDACTED]", ErrorType: "t-[REDACTED]", ErrorHash: "[REDACTED]-h"}),
		answerFields("every field as unicode escapes, words kept", "403 Forbidden", `{"status":"permissionDenied",`+
			`"message":"{U}","displayMessage":"x{U}","errorType":"{U}","errorHash":"{U}"}`, APIError{Status: StatusPermissionDenied,
			Message: "[REDACTED]", DisplayMessage: "x[REDACTED]", ErrorType: "[REDACTED]", ErrorHash: "[REDACTED]"}),
		answerFields("a 401, words kept", "401 Unauthorized", `{"status":"badRequest","message":"unknown secret {J}"}`,
			APIError{Status: StatusBadRequest, Message: "unknown secret [REDACTED]"}),
		answerFields("an HTML page, headers kept", "502 Bad Gateway", "<html>{S}</html>", APIError{}),

		// errorData in every JSON form; a number when the secret is digits, else not JSON.
		errorData("string", `"{J}"`),
		errorData("key", `{"{J}":1}`),
		errorData("80 levels deep", deep),
		errorData("array", `[1,"{J}",null,true,{"k":"{J}"}]`),
		errorData("JSON in a string", `"{\"k\":\"{JJ}\"}"`),
		errorData("duplicate keys", `{"k":"a","k":"{J}","k":"b"}`),
		errorData("unicode escapes", `{"{U}":"{U}"}`),
		errorData("number", "{S}"),
		errorData("number with a fraction", "{S}.0"),
		errorData("number with an exponent", "{S}e0"),

		// Headers and the status line. A secret in a header's name, or starting a header
		// line, is split by net/http at its first ':' into a name and a value.
		header("header values", "X-Echo: {S}", "X-Request-Id: r-{S}-1", `Www-Authenticate: Basic realm="{S}"`),
		header("Set-Cookie", "Set-Cookie: s={S}; Path=/"),
		header("Retry-After", "Retry-After: {S}"),
		{name: "header name", reply: reply("400 Bad Request", append([]string{"X-{S}: 1"}, js...), envelopeWith("badRequest", ""))},
		// net/http canonicalises a name ("x-sk_live_..." becomes "X-Sk_live_..."): the
		// secret is found whatever its case, and the value kept under a redacted name.
		{name: "header name in lower case", reply: reply("400 Bad Request", append([]string{"x-{S}: 1"}, js...),
			envelopeWith("badRequest", "")), shown: func(t *testing.T, err error, s string) {
			if s == testSecret { // a valid header name
				assertOnlySentinel(t, err, ErrBadRequest)
				assertNoPieceOfSecret(t, fmt.Sprintf("%#v", asAPIError(t, err).Header), s, "APIError.Header")
				assert.Equal(t, []string{"1"}, asAPIError(t, err).Header[redacted], "the value is kept under a redacted name")
			}
		}},
		{name: "Content-Type parameter", reply: reply("200 OK", []string{"Content-Type: text/html; charset={S}"}, "<html>{S}</html>")},
		{name: "media type", reply: reply("200 OK", []string{"Content-Type: application/{S}"}, "{S}")},
		mediaType("text/{S}"),
		mediaType("text/" + strings.Repeat("x", 40) + "{S}"),
		mediaType("application/{S}+json; charset=utf-8"),
		mediaType("text/html; key={S}"),
		{name: "reason phrase", reply: reply("400 {S}", js, envelopeWith("badRequest", ""))},
		{name: "redirect Location", reply: reply("307 Temporary Redirect", []string{"Location: http://user:{S}@127.0.0.1:1/x?s={S}"}, "{S}")},
		{name: "text body", reply: reply("200 OK", []string{"Content-Type: text/plain"}, "your secret is {S}")},
		{name: "HTML body at 502", reply: reply("502 Bad Gateway", []string{"Content-Type: text/html"}, "<h1>{S}</h1>")},

		// Framing that net/http refuses, quoting the server's bytes in its error.
		raw("malformed status line", "{S}\r\n\r\n"),
		raw("malformed status code", "HTTP/1.1 4{S} Bad\r\n\r\n"),
		raw("malformed version", "HTTP/{S} 200 OK\r\n\r\n"),
		{name: "malformed header line", reply: raw("", "HTTP/1.1 200 OK\r\n{S}\r\n\r\n").reply,
			shown: func(t *testing.T, err error, s string) {
				if !strings.Contains(s, ":") { // else a header line net/http takes
					assert.Contains(t, err.Error(), redacted, "the echo is there, redacted")
				}
			}},
		raw("header name with a space", "HTTP/1.1 200 OK\r\nX {S}: v\r\n\r\n"),
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
		{"message", bad(`,"message":"got {J} here"`)},
		{"displayMessage", envelope("403 Forbidden", "permissionDenied", `,"displayMessage":"{J}"`)},
		{"errorType", envelope("409 Conflict", "conflict", `,"errorType":"{J}"`)},
		{"errorHash", envelope("404 Not Found", "notFound", `,"errorHash":"{J}"`)},
		{"status", envelope("400 Bad Request", "{J}", "")},
		{"errorData", bad(`,"errorData":{"echo":"{J}","{J}":1}`)},
		{"header value", reply("400 Bad Request", append([]string{"X-Echo: {S}"}, js...), envelopeWith("badRequest", ""))},
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

// bothTransports are the SDK's own transport and a caller's, each as the options that
// make a client use it.
var bothTransports = []struct {
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

// Each echo, for each secret, on the SDK's transport and on a caller's, one retry
// allowed: the call fails, and nothing it shows holds the secret.
func TestSecretEchoedByHostileServer(t *testing.T) {
	calls := clientCalls // CreateLinkToken, then the catalogs and the transfer reads
	for _, e := range echoes() {
		t.Run(e.name, func(t *testing.T) {
			for _, secret := range unusualSecrets {
				base := rawServer(t, e.reply(secret))
				for i, tr := range bothTransports {
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
