package mesh

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fuzz targets for what a server sends: a whole answer, its Retry-After, an errorData
// that may echo the secret, the lists an answer's content holds. Their seeds
// (testdata/fuzz/<FuzzName>/) run with every go test.

// maxAPIErrorText bounds APIError.Error(), whose every quoted part is cut.
const maxAPIErrorText = 1024

// FuzzDecode sends any answer (code, Content-Type, Content-Encoding, Retry-After, body,
// gzipped or not) to a Client without retries. The call sends one request and gives
// exactly one of a token (only from a 2xx) and an error: an *APIError matching exactly
// one sentinel (ErrUnauthorized for a 401), or a transport error matching none, its text
// one bounded line that never echoes a long body or the secret.
func FuzzDecode(f *testing.F) {
	c, mt, _ := newMockClient(f, WithRetry(RetryPolicy{}))
	zw := gzip.NewWriter(io.Discard) // reused: a gzip.Writer is costly to make
	f.Fuzz(func(t *testing.T, code int, contentType, contentEncoding, retryAfter string, body []byte, compress bool) {
		if len(body) > 256<<10 {
			t.Skip("the read bound is the subject of other tests")
		}
		if code < 100 || code > 999 {
			code = 100 + int(uint(code)%900)
		}
		header := http.Header{}
		for k, v := range map[string]string{"Content-Type": contentType, "Content-Encoding": contentEncoding, "Retry-After": retryAfter} {
			if v != "" {
				header.Set(k, v)
			}
		}
		wire := body
		if compress {
			var buf bytes.Buffer
			zw.Reset(&buf)
			_, err := zw.Write(body)
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			wire = buf.Bytes()
		}
		mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				Status: strconv.Itoa(code), StatusCode: code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: header.Clone(), Body: io.NopCloser(bytes.NewReader(wire)), ContentLength: int64(len(wire)), Request: r,
			}, nil
		})
		sent := mt.GetTotalCallCount()

		lt, err := c.CreateLinkToken(context.Background(), validRequest())
		assert.Equal(t, sent+1, mt.GetTotalCallCount(), "one request, no retry")
		require.True(t, (lt == nil) != (err == nil), "want exactly one of token and error, got %v and %v", lt, err)
		if lt != nil {
			assert.NotEmpty(t, lt.Token)
			assert.True(t, code >= 200 && code <= 299, "a token from HTTP %d", code)
			return
		}
		var matched []error
		for _, s := range sentinels {
			if errors.Is(err, s) {
				matched = append(matched, s)
			}
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			require.Len(t, matched, 1, "an answer matches exactly one sentinel, got %v for %q", matched, err)
			assert.NotEqual(t, ErrValidation, matched[0], "an answer is no refused request")
			if code == http.StatusUnauthorized {
				assert.Equal(t, ErrUnauthorized, matched[0], "HTTP 401")
			}
			assert.Equal(t, code, apiErr.HTTPStatusCode)
			assert.GreaterOrEqual(t, apiErr.RetryAfter, time.Duration(0))
			assert.LessOrEqual(t, apiErr.RetryAfter, 24*time.Hour)
		} else {
			assert.Empty(t, matched, "a transport error matches no sentinel: %q", err)
		}
		text := err.Error()
		assertShortLine(t, text, maxAPIErrorText, "the error")
		if len(bytes.TrimSpace(body)) > 200 {
			assert.NotContains(t, text, string(body), "the error echoes the body")
		}
		assertErrorHidesSecret(t, err, testSecret)
	})
}

// FuzzRetryAfter: parseRetryAfter on any value and time is deterministic, a delay in
// [0, 24h] with true or 0 with false, read as RFC 9110 allows: delay-seconds (digits
// only, capped at 24 h) or an HTTP date.
func FuzzRetryAfter(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		// now within years 0001–9999, so that an HTTP date can be compared with it
		now := time.Unix(-62135596800+int64(uint64(nowUnix)%315537897600), 0).UTC()
		d, ok := parseRetryAfter(v, now)
		d2, ok2 := parseRetryAfter(v, now)
		require.Equal(t, ok, ok2, "not deterministic")
		require.Equal(t, d, d2, "not deterministic")
		if !ok {
			assert.Zero(t, d, "an unreadable value gives 0")
		}
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, 24*time.Hour)

		s := strings.TrimSpace(v)
		if secs, isSecs := delaySeconds(s); isSecs {
			assert.True(t, ok, "delay-seconds %q is read", s)
			assert.Equal(t, min(secs, 24*time.Hour), d, "delay-seconds %q", s)
			return
		}
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			assert.False(t, ok, "%q starts like delay-seconds but is not digits only", s)
			return
		}
		if at, err := http.ParseTime(s); err == nil {
			assert.True(t, ok, "HTTP date %q is read", s)
			assert.Equal(t, min(max(at.Sub(now), 0), 24*time.Hour), d, "HTTP date %q", s)
		} else {
			assert.False(t, ok, "%q is neither delay-seconds nor an HTTP date", s)
		}
	})
}

// delaySeconds reads s as delay-seconds (1*DIGIT), saturating far above 24 h.
func delaySeconds(s string) (time.Duration, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	if err != nil || secs > 1<<32 { // only digits: too many of them
		secs = 1 << 32
	}
	return time.Duration(secs) * time.Second, true
}

// FuzzRedactJSON serves an errorData of any valid JSON to a client whose secret is a
// piece (at pick, of length n) of its bytes (fromRaw) or of one of its decoded strings or
// numbers. The caller's errorData is valid JSON showing the secret neither in its bytes
// nor in any decoded token, and the bytes as sent when the secret occurs nowhere.
func FuzzRedactJSON(f *testing.F) {
	mt := httpmock.NewMockTransport()
	f.Fuzz(func(t *testing.T, data []byte, fromRaw bool, pick uint16, n uint8) {
		if len(data) > 64<<10 || !json.Valid(data) {
			t.Skip("not a JSON value of a plausible size")
		}
		envelope := `{"status":"badRequest","message":"m","errorData":` + string(data) + `}`
		var env struct{ ErrorData json.RawMessage }
		if json.Unmarshal([]byte(envelope), &env) != nil {
			t.Skip("the envelope does not decode (nesting too deep)")
		}
		source := string(data)
		texts := tokenTexts(t, data)
		if !fromRaw {
			if len(texts) == 0 {
				t.Skip("no string or number to take the secret from")
			}
			source = texts[int(pick)%len(texts)]
		}
		if source == "" {
			t.Skip("nothing to take the secret from")
		}
		start := int(pick) % len(source)
		secret := source[start:min(len(source), start+int(n))]
		if len(secret) < 8 || strings.Contains(`"`+redacted+`"`, secret) {
			t.Skip("a secret this short, or one the redaction marker shows, cannot be hidden")
		}
		if !utf8.ValidString(secret) {
			// A cut rune: what redaction leaves of a string is then not UTF-8, and the
			// U+FFFD that encoding writes for it can spell the secret again. Real
			// secrets are ASCII.
			t.Skip("a secret that is not UTF-8")
		}
		c, err := NewClient(testClientID, secret, WithBaseURL(mockBaseURL), WithHTTPClient(&http.Client{Transport: mt}), WithRetry(RetryPolicy{}))
		if err != nil {
			t.Skip("not a usable secret: ", err)
		}
		mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(http.StatusBadRequest, envelope))

		_, err = c.CreateLinkToken(context.Background(), validRequest())
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		got := apiErr.ErrorData
		sent := bytes.TrimSpace(data)
		if string(sent) == "null" {
			assert.Empty(t, got)
			return
		}
		require.True(t, json.Valid(got), "ErrorData is not JSON: %q", got)
		assert.NotContains(t, string(got), secret, "ErrorData shows the secret")
		for _, text := range tokenTexts(t, got) {
			assert.NotContains(t, text, secret, "a decoded token of ErrorData shows the secret")
		}
		if !strings.Contains(string(data), secret) && !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, secret) }) {
			assert.Equal(t, string(sent), string(got), "ErrorData without the secret was changed")
		}
	})
}

// tokenTexts returns the decoded strings (keys included) and the numbers of the JSON
// value raw, as text.
func tokenTexts(t *testing.T, raw []byte) []string {
	t.Helper()
	var texts []string
	for _, tok := range jsonTokens(t, raw) {
		switch v := tok.(type) {
		case string:
			texts = append(texts, v)
		case json.Number:
			texts = append(texts, string(v))
		}
	}
	return texts
}

// FuzzCountItems checks countItems (which bounds what an answer's content may decode
// into) against encoding/json's reading of any valid JSON: the most items in one array
// and the items of all arrays. Anything else it reads without failing: decoding refuses it.
func FuzzCountItems(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			countItems(data)
			return
		}
		wantLongest, wantTotal := tokenItems(t, data)
		longest, total := countItems(data)
		assert.Equal(t, wantLongest, longest, "items in the longest array")
		assert.Equal(t, wantTotal, total, "items in all arrays")
	})
}

// tokenItems counts the items of the arrays in data, read by json.Decoder's tokens.
func tokenItems(t *testing.T, data []byte) (longest, total int) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // a number too large for a float64 is valid JSON
	var open []int  // items so far of each open array; -1 for an object
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return longest, total
		}
		require.NoError(t, err)
		if tok == json.Delim(']') || tok == json.Delim('}') {
			open = open[:len(open)-1]
			continue
		}
		if n := len(open) - 1; n >= 0 && open[n] >= 0 { // a value in an array
			open[n]++
			total++
			longest = max(longest, open[n])
		}
		switch tok {
		case json.Delim('['):
			open = append(open, 0)
		case json.Delim('{'):
			open = append(open, -1)
		}
	}
}

// FuzzDecodeOK checks decodeOK, the one-pass decoding of a clean success, against
// decode's step-by-step reading of the same 200 answer: whatever decodeOK accepts,
// decode accepts too, with the same content, for each kind of content. An envelope
// that holds content twice is left out: decodeOK merges the two, decode keeps the last.
func FuzzDecodeOK(f *testing.F) {
	contents := []func() content{
		func() content { return &linkTokenContent{} },
		func() content { return &networkList{Networks: new([]Network)} },
		func() content { return &transferPageContent{} },
	}
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	f.Fuzz(func(t *testing.T, body []byte) {
		if contentTwice(body) {
			t.Skip("content given twice")
		}
		for _, newContent := range contents {
			onePass, steps := newContent(), newContent()
			if decodeOK(body, onePass) {
				require.Nil(t, decode(resp, body, false, nil, int64(len(body)), steps, time.Now()), "%s", body)
				assert.Equal(t, onePass, steps)
			}
		}
	})
}

// contentTwice reports whether data is a JSON object with two members that
// encoding/json reads as its content.
func contentTwice(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := false
	for dec.More() {
		key, err := dec.Token()
		var skip json.RawMessage
		if err != nil || dec.Decode(&skip) != nil {
			return false
		}
		if k, _ := key.(string); strings.EqualFold(k, "content") {
			if seen {
				return true
			}
			seen = true
		}
	}
	return false
}
