package mesh

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The secret never leaves the client: not in an error (its text in any verb, its
// fields, anything it wraps), not in fmt or slog of a Client, not in the log, not in
// NewClient's refusal, whatever a server echoes and however it escapes it.

// A transport failure (no answer came) keeps its tree: errors.Is and errors.As find its
// causes as net/http or a caller's Transport made them. Its text is one bounded line
// that names the cause and the request's URL, shortened (a gateway's long base URL, a
// certificate listing many names), and, like the log, never shows the secret, even when
// the failure's own text quotes it.
func TestTransportErrorKeepsItsTree(t *testing.T) {
	failWith := func(err error) func(*testing.T) (string, []Option) {
		return func(*testing.T) (string, []Option) {
			return mockBaseURL, []Option{WithHTTPClient(&http.Client{Transport: roundTripFunc(
				func(*http.Request) (*http.Response, error) { return nil, err })})}
		}
	}
	quoting := func(cause error) error {
		return fmt.Errorf("proxy answered %q\nthen: %w", "HTTP/1.1 "+testSecret, cause)
	}
	tests := []struct {
		name   string
		client func(t *testing.T) (base string, opts []Option)
		is     error  // a cause errors.Is finds
		as     any    // a pointer to a type errors.As finds
		shown  string // what the text shows of the cause
	}{
		{"connection refused at a 166-byte base URL", func(t *testing.T) (string, []Option) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			addr := ln.Addr().String()
			require.NoError(t, ln.Close()) // nothing listens there now
			base := "http://" + addr + "/"
			return base + strings.Repeat("g", 166-len(base)), nil
		}, syscall.ECONNREFUSED, new(*net.OpError), "connection refused"},
		{"a certificate for 20 other names", func(t *testing.T) (string, []Option) {
			names := make([]string, 20)
			for i := range names {
				names[i] = fmt.Sprintf("gateway-%02d.payments.example.com", i)
			}
			cert, roots := selfSignedCert(t, names)
			srv := httptest.NewUnstartedServer(answer(http.StatusOK, okBody))
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
			srv.StartTLS()
			t.Cleanup(srv.Close)
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
			t.Cleanup(tr.CloseIdleConnections)
			// By name: a certificate without IP addresses is refused at once for an IP.
			return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), []Option{WithHTTPClient(&http.Client{Transport: tr})}
		}, nil, new(*tls.CertificateVerificationError), "certificate is valid for gateway-00"},
		{"a caller's long error that unwraps to nil", failWith(&unwrapsToNil{"gateway refused: " + strings.Repeat("policy ", 40)}),
			nil, new(*unwrapsToNil), "gateway refused: policy"},
		{"a caller's error that unwraps to nil", failWith(&unwrapsToNil{"dial failed"}), nil, new(*unwrapsToNil), "dial failed"},
		{"a deadline, its text quoting the secret", failWith(quoting(context.DeadlineExceeded)), context.DeadlineExceeded, nil, ""},
		{"a cancellation, its text quoting the secret", failWith(quoting(context.Canceled)), context.Canceled, nil, ""},
		{"several causes, one of them quoting the secret", failWith(causes{errors.New("refused"), errors.New("echo " + testSecret)}), nil, nil, ""},
		// A mock's unregistered route, a stub returning zero values: an error, never a panic.
		{"a caller's Transport returning neither an answer nor an error", failWith(nil), nil, nil, "mesh.roundTripFunc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, opts := tc.client(t)
			logger, log := debugLog()
			c, _ := newTestClient(t, base, append(opts, WithLogger(logger), WithRetry(RetryPolicy{}))...)

			var err error
			require.NotPanics(t, func() { _, err = c.CreateLinkToken(context.Background(), validRequest()) })
			assertTransportError(t, err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			if tc.as != nil {
				assert.ErrorAs(t, err, tc.as)
			}
			var urlErr *url.Error
			if !strings.HasSuffix(tc.name, "quoting the secret") { // else the tree that holds it is not kept
				require.ErrorAs(t, err, &urlErr)
				assert.True(t, strings.HasPrefix(base+linkTokenPath, strings.TrimSuffix(urlErr.URL, "…")), "URL %q", urlErr.URL)
			}
			assert.Contains(t, err.Error(), tc.shown, "the cause is shown")
			assertShortLine(t, err.Error(), maxShownError, "the error")
			assertErrorHidesSecret(t, err, testSecret)
			assertLogHidesSecret(t, log.String(), testSecret)
		})
	}
}

// unwrapsToNil is an error whose Unwrap returns nil, as a wrapper without a cause does.
type unwrapsToNil struct{ text string }

func (e *unwrapsToNil) Error() string { return e.text }
func (e *unwrapsToNil) Unwrap() error { return nil }

// causes is a transport error of several causes whose own text names none of them.
type causes []error

func (causes) Error() string     { return "several failures" }
func (c causes) Unwrap() []error { return c }

// selfSignedCert is a certificate for names, signed by itself, and a pool that trusts
// it.
func selfSignedCert(t *testing.T, names []string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, roots
}

// jsonTokens is the token sequence of a JSON value, duplicated keys and order kept.
func jsonTokens(t *testing.T, raw []byte) []any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var toks []any
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return toks
		}
		require.NoError(t, err, "%s", raw)
		toks = append(toks, tok)
	}
}

// errorData that echoes the secret stays valid JSON, keeps every other member (a
// duplicated key too), and shows the secret nowhere, whatever form it takes; errorData
// that does not show it is kept byte for byte.
func TestErrorDataEchoingSecret(t *testing.T) {
	const numeric = "12345678901234567890"
	const slashy = "sk_live/abc+def&ghi"
	tests := []struct {
		name, secret, data, want string // want "": data kept byte for byte
	}{
		{"no secret: spaces, escapes", testSecret, `{"a": 1, "b" : "x<y&z", "c":[true, null], "d":"\u0041"}`, ""},
		{"no secret: a duplicated key", testSecret, `{"a":"x","a":"y"}`, ""},
		{"no secret: numbers", testSecret, `[1e400, 0.10, -0]`, ""},
		{"all of the secret but its last character", testSecret, `"` + testSecret[:len(testSecret)-1] + `"`, ""},
		{"duplicated key", testSecret, `{"a":"x","a":"` + testSecret + `"}`, `{"a":"x","a":"[REDACTED]"}`},
		{"duplicated key, secret first", testSecret, `{"a":"` + testSecret + `","a":"x"}`, `{"a":"[REDACTED]","a":"x"}`},
		{"numeric secret as a number", numeric, `{"n":` + numeric + `,"m":1}`, `{"n":"[REDACTED]","m":1}`},
		{"numeric secret inside a number", numeric, `[9` + numeric + `1,-` + numeric + `e3]`, `["[REDACTED]","[REDACTED]"]`},
		{"numeric secret inside a string", numeric, `{"s":"id ` + numeric + `"}`, `{"s":"id [REDACTED]"}`},
		{"first character escaped", testSecret, `{"got":"\u0073` + testSecret[1:] + `"}`, `{"got":"[REDACTED]"}`},
		{"every character escaped", testSecret, `{"got":"` + unicodeEscaped(testSecret) + `"}`, `{"got":"[REDACTED]"}`},
		{"slash escaped", slashy, `{"got":"sk_live\/abc+def&ghi"}`, `{"got":"[REDACTED]"}`},
		{"ampersand escaped", slashy, `{"got":"sk_live/abc+def\u0026ghi"}`, `{"got":"[REDACTED]"}`},
		{"in a key", testSecret, `{"` + testSecret + `":1,"b":2}`, `{"[REDACTED]":1,"b":2}`},
		{"nested", testSecret, `{"list":["a",{"k":"pre ` + testSecret + ` post"}],"ok":true,"no":false,"nil":null,"n":1.5e3}`,
			`{"list":["a",{"k":"pre [REDACTED] post"}],"ok":true,"no":false,"nil":null,"n":1.5e3}`},
		{"twice in one string", testSecret, `["` + testSecret + testSecret + `"]`, `["[REDACTED][REDACTED]"]`},
		{"a bare string", testSecret, `"` + testSecret + `"`, `"[REDACTED]"`},
		// What no single token shows: the secret across tokens, or in what re-encoding
		// writes. Nothing of errorData can be kept then.
		{"across tokens", "12345678,90123456", `[12345678,90123456,"12345678,90123456"]`, `"[REDACTED]"`},
		{"across tokens only", "12345678,90123456", `[12345678,90123456]`, `"[REDACTED]"`},
		{"in an escape of re-encoding", `u003cb\u003e`, `{"s":"u003cb\\u003e!","h":"<b>"}`, `"[REDACTED]"`},
		{"as an escape in the bytes", `\u0073k_live`, `{"s":"\u0073k_live"}`, `"[REDACTED]"`},
		{"beside characters an encoder escapes", testSecret, `{"h":"<b>&</b>","s":"` + testSecret + `"}`, `{"h":"<b>&</b>","s":"[REDACTED]"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c, _ := newSecretClient(t, tc.secret, mockBaseURL, WithHTTPClient(&http.Client{Transport: mt}),
				WithRetry(RetryPolicy{}))
			mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(http.StatusBadRequest,
				`{"status":"badRequest","message":"m","errorData":`+tc.data+`}`))
			_, err := c.CreateLinkToken(context.Background(), validRequest())
			apiErr := asAPIError(t, err)
			assertOnlySentinel(t, err, ErrBadRequest)
			require.True(t, json.Valid(apiErr.ErrorData), "ErrorData is not JSON: %s", apiErr.ErrorData)
			if tc.want == "" {
				assert.Equal(t, tc.data, string(apiErr.ErrorData))
			} else {
				assert.Equal(t, jsonTokens(t, []byte(tc.want)), jsonTokens(t, apiErr.ErrorData),
					"ErrorData: %s", apiErr.ErrorData)
			}
			assertErrorHidesSecret(t, err, tc.secret)
		})
	}
}

// fmt (any verb, fmt.Sprintln), encoding/json and slog (JSON and text; an attribute, in
// a group, in With) of a Client, by pointer or by value, alone or inside another value,
// never show the secret, whatever its shape (nor its hex, which %x of a string field
// would print).
func TestClientPrintingHidesSecret(t *testing.T) {
	for i, secret := range unusualSecrets {
		c, _ := newSecretClient(t, secret, mockBaseURL)
		type holder struct{ c Client } // unexported: fmt cannot call its methods
		values := map[string]any{
			"*Client":                             c,
			"**Client":                            &c,
			"Client value":                        *c,
			"*Client in a struct":                 struct{ C *Client }{c},
			"Client value in a struct":            struct{ C Client }{*c},
			"Client value in an unexported field": holder{*c},
			"Client value in an interface field":  struct{ V any }{*c},
			"Client values in a slice":            []Client{*c},
			"*Client in a map":                    map[string]*Client{"c": c},
			"Client values in a map":              map[string]Client{"c": *c},
			"LinkTokenCreator":                    []LinkTokenCreator{c},
			"CatalogReader":                       []CatalogReader{c},
		}
		leaks := append(secretForms(secret), hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret))),
			fmt.Sprintf("% x", secret))
		for name, v := range values {
			t.Run("secret "+strconv.Itoa(i)+" "+name, func(t *testing.T) {
				shown := map[string]string{"Sprintln": fmt.Sprintln(v)}
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%X", "% x", "%q", "%o", "%b", "%t", "%e", "%c", "%U", "%p", "%T", "%8.3v", "%-40s"} {
					shown[verb] = fmt.Sprintf(verb, v)
				}
				if b, err := json.Marshal(v); err == nil {
					shown["encoding/json"] = string(b)
				}
				var jsonLog, textLog bytes.Buffer
				for _, l := range []*slog.Logger{slog.New(slog.NewJSONHandler(&jsonLog, nil)), slog.New(slog.NewTextHandler(&textLog, nil))} {
					l.Info("m", "v", v)
					l.Info("m", slog.Group("g", slog.Any("v", v)))
					l.With("v", v).Info("m")
				}
				shown["slog JSON"], shown["slog text"] = jsonLog.String(), textLog.String()
				for how, out := range shown {
					for _, leak := range leaks {
						assert.NotContains(t, out, leak, how)
					}
				}
			})
		}
	}
	c, _ := newTestClient(t, mockBaseURL)
	assert.Equal(t, "mesh.Client{baseURL: "+mockBaseURL+", clientID: "+testClientID+", clientSecret: [REDACTED]}", fmt.Sprint(c))
}

// Server text cannot forge log lines: Error() is one line of printable text, whatever
// characters the server put in its fields (controls, line and paragraph separators,
// bidi controls, invisible format characters); the identifiers (Status, ErrorType,
// ErrorHash) hold none of them either, each replaced by U+FFFD; the free text (Message,
// DisplayMessage) keeps the server's words as sent.
func TestServerTextCannotForgeLogLines(t *testing.T) {
	tests := []struct {
		name, sent string
		inText     string // what sent becomes in Error()
		inID       string // what sent becomes in an identifier field
	}{
		{"newline", "\n", " ", "\uFFFD"},
		{"carriage return", "\r", " ", "\uFFFD"},
		{"ANSI escape", "\x1b[31m", " [31m", "\uFFFD[31m"},
		{"next line (C1 control)", "\u0085", " ", "\uFFFD"},
		{"line separator", "\u2028", " ", "\uFFFD"},
		{"paragraph separator", "\u2029", " ", "\uFFFD"},
		{"bidi embeddings and overrides", "\u202a\u202b\u202c\u202d\u202e", "     ", strings.Repeat("\uFFFD", 5)},
		{"bidi isolates", "\u2066\u2067\u2068\u2069", "    ", strings.Repeat("\uFFFD", 4)},
		{"bidi marks", "\u200e\u200f\u061c", "   ", strings.Repeat("\uFFFD", 3)},
		{"zero-width characters", "\u200b\u200c\u200d\u2060\ufeff", "     ", strings.Repeat("\uFFFD", 5)},
		{"no-break space", "\u00a0", " ", "\uFFFD"},
		{"a plain space", " ", " ", " "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]string{
				"status": "badRequest" + tc.sent, "errorType": "invalid" + tc.sent + "Field", "errorHash": "e08e" + tc.sent + "7897",
				"message": "userId" + tc.sent + "is required", "displayMessage": "Try" + tc.sent + "again",
			})
			require.NoError(t, err)
			_, _, err = mockLinkToken(t, httpmock.NewBytesResponder(http.StatusBadRequest, body), WithRetry(RetryPolicy{}))
			apiErr := asAPIError(t, err)
			assert.Equal(t, Status("badRequest"+tc.inID), apiErr.Status)
			assert.Equal(t, "invalid"+tc.inID+"Field", apiErr.ErrorType)
			assert.Equal(t, "e08e"+tc.inID+"7897", apiErr.ErrorHash)
			assert.Equal(t, "userId"+tc.sent+"is required", apiErr.Message, "free text is kept as sent")
			assert.Equal(t, "Try"+tc.sent+"again", apiErr.DisplayMessage, "free text is kept as sent")
			assert.Equal(t, "mesh: 400 Bad Request: badRequest"+tc.inID+" (invalid"+tc.inID+"Field): userId"+tc.inText+"is required"+
				" [errorHash e08e"+tc.inID+"7897]", apiErr.Error())
			for _, r := range err.Error() {
				assert.True(t, unicode.IsPrint(r), "Error() holds %U: %q", r, err.Error())
			}
		})
	}
}

// A long text from the server is cut to its bound in Error(), at a character
// boundary, ending in "…": 200 bytes for a message.
func TestServerTextCutAtACharacter(t *testing.T) {
	tests := []struct {
		name, message, shown string
	}{
		{"exactly the bound", strings.Repeat("x", 200), strings.Repeat("x", 200)},
		{"one byte over", strings.Repeat("x", 201), strings.Repeat("x", 197) + "…"},
		{"2-byte characters", strings.Repeat("é", 101), strings.Repeat("é", 98) + "…"},
		{"3-byte characters", strings.Repeat("€", 70), strings.Repeat("€", 65) + "…"},
		{"4-byte characters", strings.Repeat("😀", 51), strings.Repeat("😀", 49) + "…"},
		{"invalid UTF-8, cut once replaced", strings.Repeat("\xffx", 101), strings.Repeat("\uFFFDx", 49) + "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := &APIError{HTTPStatusCode: http.StatusBadRequest, Message: tc.message}
			assert.Equal(t, "mesh: 400 Bad Request: "+tc.shown, err.Error())
		})
	}
}

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
	// malformed: framing net/http refuses before any answer, quoting the server's bytes
	// in its error, redacted, which stays one short line under every verb (a quote of
	// megabytes is dropped whole).
	malformed := func(name, tmpl string) echo {
		e := raw(name, tmpl)
		e.shown = func(t *testing.T, err error, s string) {
			if !strings.Contains(s, ":") { // else a header line net/http may take
				assertTransportError(t, err)
				if len(tmpl) < maxHeaderBytes {
					assert.Contains(t, err.Error(), redacted, "the echo is there, redacted")
				}
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				assertShortLine(t, fmt.Sprintf(verb, err), maxShownError, "the error under "+verb)
			}
		}
		return e
	}
	long := strings.Repeat("x", 2*maxHeaderBytes) // past the SDK transport's header bound, far within net/http's 10 MiB
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
				assert.Equal(t, want, APIError{Status: a.Status, Message: a.Message, DisplayMessage: a.DisplayMessage,
					ErrorType: a.ErrorType, ErrorHash: a.ErrorHash})
				assert.Equal(t, []string{"key=[REDACTED]", "[REDACTED]"}, a.Header.Values("X-Echo"))
			}}
	}
	deep := strings.Repeat(`{"a":[`, 40) + `"x{J}y"` + strings.Repeat(`]}`, 40)
	es := []echo{
		// The envelope's fields.
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
			Message: "bad key [REDACTED] given", DisplayMessage: "[REDACTED]", ErrorType: "t-[REDACTED]",
			ErrorHash: "[REDACTED]-h"}),
		answerFields("every field as unicode escapes, words kept", "403 Forbidden", `{"status":"permissionDenied",`+
			`"message":"{U}","displayMessage":"x{U}","errorType":"{U}","errorHash":"{U}"}`,
			APIError{Status: StatusPermissionDenied, Message: "[REDACTED]", DisplayMessage: "x[REDACTED]",
				ErrorType: "[REDACTED]", ErrorHash: "[REDACTED]"}),
		answerFields("a 401, words kept", "401 Unauthorized", `{"status":"badRequest","message":"unknown secret {J}"}`,
			APIError{Status: StatusBadRequest, Message: "unknown secret [REDACTED]"}),
		answerFields("an HTML page, headers kept", "502 Bad Gateway", "<html>{S}</html>", APIError{}),

		// errorData in every JSON form; a number when the secret is digits, else not JSON.
		errorData("string", `"{J}"`),
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
		{name: "header name", reply: reply("400 Bad Request", append([]string{"X-{S}: 1"}, js...),
			envelopeWith("badRequest", ""))},
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
		{name: "Content-Type parameter", reply: reply("200 OK", []string{"Content-Type: text/html; charset={S}"},
			"<html>{S}</html>")},
		{name: "media type", reply: reply("200 OK", []string{"Content-Type: application/{S}"}, "{S}")},
		mediaType("text/{S}"),
		mediaType("text/" + strings.Repeat("x", 40) + "{S}"),
		mediaType("application/{S}+json; charset=utf-8"),
		mediaType("text/html; key={S}"),
		{name: "reason phrase", reply: reply("400 {S}", js, envelopeWith("badRequest", ""))},
		{name: "redirect Location", reply: reply("307 Temporary Redirect",
			[]string{"Location: http://user:{S}@127.0.0.1:1/x?s={S}"}, "{S}")},
		{name: "text body", reply: reply("200 OK", []string{"Content-Type: text/plain"}, "your secret is {S}")},
		{name: "HTML body at 502", reply: reply("502 Bad Gateway", []string{"Content-Type: text/html"}, "<h1>{S}</h1>")},

		// Framing that net/http refuses, quoting the server's bytes in its error.
		malformed("malformed status line", "{S}\r\n\r\n"),
		malformed("status line past the header bound", "HTTP/1.1 {S}"+long+"\r\n\r\n"),
		malformed("malformed status code", "HTTP/1.1 4{S} Bad\r\n\r\n"),
		malformed("malformed version", "HTTP/{S} 200 OK\r\n\r\n"),
		malformed("header line without a colon", "HTTP/1.1 200 OK\r\n{S}\r\n\r\n"),
		// A caller's transport has net/http's 10 MiB header bound.
		malformed("header line just under 64 KiB", "HTTP/1.1 200 OK\r\nX-Echo {S}"+long[:60<<10]+"\r\n\r\n"),
		malformed("header line past the header bound", "HTTP/1.1 200 OK\r\nX-Echo {S}"+long+"\r\n\r\n"),
		raw("header name with a space", "HTTP/1.1 200 OK\r\nX {S}: v\r\n\r\n"),
		raw("continuation line", "HTTP/1.1 200 OK\r\nX-A: a\r\n {S}\r\nContent-Length: 0\r\n\r\n"),
		malformed("bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: {S}\r\n\r\n"),
		malformed("two Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2{S}\r\n\r\n"),
		malformed("unsupported Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: {S}\r\n\r\n"),
		raw("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{S}\r\n"),
		raw("bad trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\n{}\r\n0\r\n{S}\r\n\r\n"),
		raw("trailer", "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\n{}\r\n0\r\nX-T: {S}\r\n\r\n"),
		raw("cut short after the secret", "HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n{\"status\":\"ok\",\"message\":\"{S}"),
		raw("gzip that is not gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{S}"),
	}
	// Every place a server writes text it was sent × every form of the secret that the
	// redactor promises to catch (secretForms, and what a server or a template engine
	// makes of them).
	places := map[string]func(e string) string{ // e: the secret's form, as it must appear in the text
		"message":        bad(`,"message":"got {J} here"`),
		"displayMessage": envelope("403 Forbidden", "permissionDenied", `,"displayMessage":"{J}"`),
		"errorType":      envelope("409 Conflict", "conflict", `,"errorType":"{J}"`),
		"errorHash":      envelope("404 Not Found", "notFound", `,"errorHash":"{J}"`),
		"status":         envelope("400 Bad Request", "{J}", ""),
		"errorData":      bad(`,"errorData":{"echo":"{J}","{J}":1}`),
		"header value":   reply("400 Bad Request", append([]string{"X-Echo: {S}"}, js...), envelopeWith("badRequest", "")),
	}
	forms := map[string]func(s string) string{
		"as is":            func(s string) string { return s },
		"upper-cased":      strings.ToUpper,
		"lower-cased":      strings.ToLower,
		"as %q escapes it": func(s string) string { q := strconv.Quote(s); return q[1 : len(q)-1] },
		"JSON-escaped inside JSON text": func(s string) string { // a message quoting a request as json.Marshal wrote it
			b, _ := json.Marshal(map[string]string{"clientSecret": s}) // a string always encodes
			return string(b)
		},
		"query-escaped":                   url.QueryEscape,
		"path-escaped":                    url.PathEscape,
		"query-escaped in lower-case hex": func(s string) string { return lowerHex(url.QueryEscape(s)) },
		"path-escaped in lower-case hex, upper-cased letters": func(s string) string { return lowerHex(url.PathEscape(strings.ToUpper(s))) },
		"HTML-escaped":                        html.EscapeString,
		"HTML-escaped with &#x27; and &quot;": htmlEscapeQuot,
		"upper-cased and HTML-escaped":        func(s string) string { return strings.ToUpper(htmlEscapeQuot(s)) },
	}
	for place, reply := range places {
		for form, enc := range forms {
			es = append(es, echo{name: place + " " + form, reply: func(s string) string { return reply(enc(s)) }})
		}
	}
	return es
}

// The one grid of echoes: a hostile server echoes the secret it received in every place
// of an answer, in every form the redactor promises to catch, for secrets of every
// shape NewClient accepts, on the SDK's transport and on a caller's, one retry allowed:
// the call fails, and no error (its whole tree, any field) and no log record shows the
// secret, whole, escaped, percent-encoded or in pieces; where the answer is judged, the
// error keeps the server's other words.
func TestSecretEchoedByHostileServer(t *testing.T) {
	for _, e := range echoes() {
		t.Run(e.name, func(t *testing.T) {
			for _, secret := range unusualSecrets {
				base := rawServer(t, e.reply(secret))
				for i, transport := range []string{"default transport", "caller's transport"} {
					if e.large && i > 0 {
						break
					}
					logger, log := debugLog()
					opts := []Option{WithLogger(logger), WithRetry(RetryPolicy{MaxRetries: 1})}
					if i > 0 {
						tr := &http.Transport{}
						t.Cleanup(tr.CloseIdleConnections)
						opts = append(opts, WithHTTPClient(&http.Client{Transport: tr}))
					}
					c, _ := newSecretClient(t, secret, base, opts...)
					for j, call := range clientCalls { // CreateLinkToken, then the catalogs and the transfer reads
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
						t.Fatalf("secret %q, %s", secret, transport)
					}
				}
			}
		})
	}
}

// errorData the redactor cannot read as JSON is replaced whole. (The SDK only hands it
// JSON an envelope held; this is its answer to anything else.)
func TestRedactorReplacesNonJSON(t *testing.T) {
	r := newRedactor(testSecret)
	assert.Equal(t, `"[REDACTED]"`, string(r.json(json.RawMessage(`{"a":"\u0041`+testSecret))))
}
