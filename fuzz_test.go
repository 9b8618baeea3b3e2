package mesh

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fuzz targets for everything that reads untrusted input: the request a caller builds
// (FuzzValidate), the answer a server sends (FuzzDecodeResponse) and its Retry-After
// header (FuzzRetryAfter). Their seed corpora live in testdata/fuzz/<FuzzName>/.

// hdAPISentinels are the sentinels an *APIError may match (ErrValidation is not one of
// them, and is checked too: an answer must never look like a refused request).
var hdAPISentinels = []error{
	ErrUnauthorized, ErrBadRequest, ErrPermissionDenied, ErrNotFound, ErrConflict,
	ErrLocked, ErrTooManyRequests, ErrUnavailableForLegalReasons, ErrServerFailure,
	ErrUnexpectedResponse, ErrValidation,
}

// hdMatchedSentinels lists the sentinels err matches.
func hdMatchedSentinels(err error) []error {
	var got []error
	for _, s := range hdAPISentinels {
		if errors.Is(err, s) {
			got = append(got, s)
		}
	}
	return got
}

// hdCheckAPIError checks the promises every *APIError keeps, whatever the answer.
func hdCheckAPIError(t *testing.T, e *APIError, code int, body []byte) {
	t.Helper()
	got := hdMatchedSentinels(e)
	require.Len(t, got, 1, "an APIError matches exactly one sentinel, got %v for %#v", got, e)
	assert.NotEqual(t, ErrValidation, got[0], "an answer never matches ErrValidation")
	if code == http.StatusUnauthorized {
		assert.Equal(t, ErrUnauthorized, got[0], "HTTP 401 is always ErrUnauthorized")
	}
	assert.Equal(t, code, e.HTTPStatusCode)
	assert.GreaterOrEqual(t, e.RetryAfter, time.Duration(0))
	assert.LessOrEqual(t, e.RetryAfter, maxRetryAfter)
	msg := e.Error()
	assert.NotContains(t, msg, "\n", "Error() is one line")
	assert.NotContains(t, msg, "\r", "Error() is one line")
	if len(body) > 300 {
		assert.NotContains(t, msg, string(body), "Error() never echoes a whole long body")
	}
	// The same answer decoded twice is the same error.
	assert.Equal(t, msg, e.Error())
}

// FuzzDecodeResponse feeds any answer (status code, Content-Type, Content-Encoding,
// Retry-After, body, optionally gzip-compressed) through readBody, with a fake
// *http.Response, and decodeResponse. Neither may panic; the answer yields exactly one
// of a token and an *APIError; an APIError matches exactly one sentinel and its
// message is one line that does not echo a long body.
func FuzzDecodeResponse(f *testing.F) {
	zw := gzip.NewWriter(io.Discard) // reused: a gzip.Writer costs ~800 KB to make
	f.Fuzz(func(t *testing.T, code int, contentType, contentEncoding, retryAfter string, body []byte, compress bool) {
		if len(body) > 256<<10 {
			t.Skip("the 1 MiB bound is the fault tests' subject")
		}
		if code < 100 || code > 999 {
			code = 100 + int(uint(code)%900)
		}
		header := http.Header{}
		if contentType != "" {
			header.Set("Content-Type", contentType)
		}
		if contentEncoding != "" {
			header.Set("Content-Encoding", contentEncoding)
		}
		if retryAfter != "" {
			header.Set("Retry-After", retryAfter)
		}
		wire := body
		if compress {
			var out bytes.Buffer
			zw.Reset(&out)
			_, err := zw.Write(body)
			require.NoError(t, err)
			require.NoError(t, zw.Close())
			wire = out.Bytes()
		}
		gz := strings.EqualFold(header.Get("Content-Encoding"), "gzip")

		// readBody: what it returns is the body, through gzip when the header says so.
		raw := &http.Response{StatusCode: code, Header: header, Body: io.NopCloser(bytes.NewReader(wire))}
		var buf bytes.Buffer
		tooLarge, readErr := readBody(&buf, raw)
		assert.False(t, tooLarge, "a fuzz input is far below the 1 MiB bound")
		switch {
		case !gz:
			require.NoError(t, readErr)
			assert.Equal(t, wire, buf.Bytes(), "a plain body is read as it is")
		case compress:
			require.NoError(t, readErr, "a valid gzip body inflates")
			assert.Equal(t, body, buf.Bytes(), "a gzip body is inflated")
		}
		// An answer the transport already inflated is not inflated twice.
		raw2 := &http.Response{StatusCode: code, Header: header, Body: io.NopCloser(bytes.NewReader(wire)), Uncompressed: true}
		var buf2 bytes.Buffer
		tooLarge2, readErr2 := readBody(&buf2, raw2)
		assert.False(t, tooLarge2)
		require.NoError(t, readErr2)
		assert.Equal(t, wire, buf2.Bytes())

		for _, in := range []struct {
			name string
			body []byte
			err  error
		}{
			{"read", buf.Bytes(), readErr},
			{"raw", body, nil},
		} {
			lt, apiErr := decodeResponse(code, header, in.body, false, in.err)
			require.True(t, (lt == nil) != (apiErr == nil), "%s: exactly one of token and error, got %v and %v", in.name, lt, apiErr)
			if lt != nil {
				assert.NotEmpty(t, lt.Token, in.name)
				assert.True(t, code >= 200 && code <= 299, "%s: a token only from a 2xx, got %d", in.name, code)
				assert.True(t, json.Valid(in.body), "%s: a token only from JSON", in.name)
				continue
			}
			hdCheckAPIError(t, apiErr, code, in.body)
			if in.err != nil {
				assert.ErrorIs(t, apiErr, in.err, "%s: a read error stays the cause", in.name)
			}
			// Decoding is deterministic, apart from a Retry-After date read against
			// the clock.
			_, again := decodeResponse(code, header, in.body, false, in.err)
			require.NotNil(t, again)
			if _, err := http.ParseTime(strings.TrimSpace(retryAfter)); err != nil {
				assert.Equal(t, apiErr.Error(), again.Error(), in.name)
			}
		}

		// The same answer flagged too large is ErrUnexpectedResponse, whatever it says,
		// unless it is a 401.
		_, big := decodeResponse(code, header, body, true, nil)
		require.NotNil(t, big)
		hdCheckAPIError(t, big, code, body)
		if code != http.StatusUnauthorized {
			assert.ErrorIs(t, big, ErrUnexpectedResponse)
		}
	})
}

// FuzzRetryAfter checks parseRetryAfter on any header value: it never panics, gives
// (d, true) with 0 ≤ d ≤ maxRetryAfter or (0, false), is deterministic for a fixed
// now, and agrees with an independent reading of the two forms RFC 9110 allows
// (delay-seconds, HTTP-date).
func FuzzRetryAfter(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		// Keep now within years 0001–9999 so that HTTP dates can be compared with it.
		now := time.Unix(-62135596800+int64(uint64(nowUnix)%315537897600), 0).UTC()
		d, ok := parseRetryAfter(v, now)
		d2, ok2 := parseRetryAfter(v, now)
		require.Equal(t, ok, ok2, "deterministic")
		require.Equal(t, d, d2, "deterministic")
		if !ok {
			assert.Zero(t, d, "an unreadable value gives 0")
		}
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, maxRetryAfter)

		s := strings.TrimSpace(v)
		if want, isSecs := hdRetryAfterSeconds(s); isSecs {
			assert.True(t, ok, "delay-seconds %q is read", s)
			assert.Equal(t, want, d, "delay-seconds %q", s)
			return
		}
		if s == "" || (s[0] >= '0' && s[0] <= '9') {
			assert.False(t, ok, "%q is neither delay-seconds nor an HTTP date", s)
			return
		}
		if at, err := http.ParseTime(s); err == nil {
			assert.True(t, ok, "HTTP date %q is read", s)
			assert.Equal(t, min(max(at.Sub(now), 0), maxRetryAfter), d, "HTTP date %q", s)
		} else {
			assert.False(t, ok, "%q is not an HTTP date", s)
		}
	})
}

// hdRetryAfterSeconds reads s as delay-seconds (1*DIGIT), capped at maxRetryAfter.
func hdRetryAfterSeconds(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	var secs uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if secs < uint64(maxRetryAfter/time.Second) {
			secs = secs*10 + uint64(c-'0')
		}
	}
	return min(time.Duration(secs)*time.Second, maxRetryAfter), true
}

// TestParseRetryAfterHugeNumberThenGarbage pins the bug FuzzRetryAfter found: a value
// that starts with a number too large for uint64 and goes on with garbage is not
// delay-seconds, and must not read as 24 h (strconv.ParseUint reports the overflow
// before the bad character), which would make the client give up instead of retrying.
func TestParseRetryAfterHugeNumberThenGarbage(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, v string
	}{
		{"letter after overflow", "18700000000000000000A"},
		{"fraction after overflow", "99999999999999999999.5"},
		{"space inside", "99999999999999999999 1"},
		{"short garbage is refused too", "5A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := parseRetryAfter(tc.v, now)
			assert.False(t, ok, "%q is not delay-seconds", tc.v)
			assert.Zero(t, d)
		})
	}
}
