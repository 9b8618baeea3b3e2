package mesh

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vtURLFor returns a Link URL whose std and url-safe base64 encodings differ (they hold
// '+' or '/' resp. '-' or '_') and whose length is not a multiple of 3 (so the raw
// encodings drop padding).
func vtURLFor(t *testing.T) string {
	t.Helper()
	for i := 0; i < 30; i++ {
		u := "https://web.meshconnect.com/link/tok?x=" + strings.Repeat("?~", i)
		std := base64.StdEncoding.EncodeToString([]byte(u))
		if len(u)%3 != 0 && strings.ContainsAny(std, "+/") && strings.HasSuffix(std, "=") {
			return u
		}
	}
	t.Fatal("no suitable URL")
	return ""
}

func TestLinkTokenURLDecodes(t *testing.T) {
	link := vtURLFor(t)
	tests := []struct {
		name  string
		token string
	}{
		{"std padded", base64.StdEncoding.EncodeToString([]byte(link))},
		{"std raw", base64.RawStdEncoding.EncodeToString([]byte(link))},
		{"url-safe padded", base64.URLEncoding.EncodeToString([]byte(link))},
		{"url-safe raw", base64.RawURLEncoding.EncodeToString([]byte(link))},
		{"fixture token", testToken},
	}
	// The encodings must really differ, or the cases test one decoder four times.
	require.Contains(t, tests[0].token, "=")
	require.NotContains(t, tests[1].token, "=")
	require.True(t, strings.ContainsAny(tests[0].token, "+/"))
	require.True(t, strings.ContainsAny(tests[2].token, "-_"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := link
			if tc.token == testToken {
				want = testLinkURL
			}
			u, err := (&LinkToken{Token: tc.token}).URL()
			require.NoError(t, err)
			require.NotNil(t, u)
			assert.Equal(t, "https", u.Scheme)
			assert.Equal(t, "web.meshconnect.com", u.Host)
			assert.Equal(t, want, u.String())
		})
	}
}

func TestLinkTokenURLRefused(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name  string
		token *LinkToken
	}{
		{"nil token", nil},
		{"empty", &LinkToken{}},
		{"blank", &LinkToken{Token: "  \n"}},
		{"not base64", &LinkToken{Token: "not base64!!"}},
		{"bare URL, not encoded", &LinkToken{Token: testLinkURL}},
		{"truncated base64", &LinkToken{Token: testToken[:len(testToken)-5] + "*"}},
		{"http URL", &LinkToken{Token: b64("http://web.meshconnect.com/link/abc")}},
		{"relative URL", &LinkToken{Token: b64("/link/abc123")}},
		{"no scheme", &LinkToken{Token: b64("web.meshconnect.com/link/abc")}},
		{"https without host", &LinkToken{Token: b64("https:///link/abc")}},
		{"opaque https", &LinkToken{Token: b64("https:web.meshconnect.com")}},
		{"javascript URL", &LinkToken{Token: b64("javascript:alert(1)")}},
		{"ftp URL", &LinkToken{Token: b64("ftp://web.meshconnect.com/x")}},
		{"garbage bytes", &LinkToken{Token: base64.StdEncoding.EncodeToString([]byte{0xff, 0x00, 0x1b, 0x7f, 0x80, 0x0a})}},
		{"garbage text", &LinkToken{Token: b64("hello world")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var u any
			assert.NotPanics(t, func() {
				got, err := tc.token.URL()
				assert.Error(t, err)
				u = got
			})
			assert.Nil(t, u)
		})
	}
}

func TestBoolAndFloat64Helpers(t *testing.T) {
	for _, v := range []bool{true, false} {
		p, q := Bool(v), Bool(v)
		require.NotNil(t, p)
		assert.Equal(t, v, *p)
		assert.NotSame(t, p, q, "each call returns its own pointer")
	}
	for _, v := range []float64{0, 0.025, 1, -1, math.MaxFloat64} {
		p, q := Float64(v), Float64(v)
		require.NotNil(t, p)
		assert.Equal(t, v, *p)
		assert.NotSame(t, p, q, "each call returns its own pointer")
	}
	p := Float64(math.NaN())
	require.NotNil(t, p)
	assert.True(t, math.IsNaN(*p))
	// Changing one request's value does not change another's.
	a, b := Float64(1), Float64(1)
	*a = 2
	assert.Equal(t, 1.0, *b)
}

func TestEnvironmentBaseURL(t *testing.T) {
	tests := []struct {
		env  Environment
		want string
	}{
		{Production, "https://integration-api.meshconnect.com"},
		{Sandbox, "https://sandbox-integration-api.meshconnect.com"},
		{"", ""},
		{"staging", ""},
		{"Production", ""},
	}
	for _, tc := range tests {
		t.Run("env="+string(tc.env), func(t *testing.T) {
			assert.Equal(t, tc.want, tc.env.BaseURL())
		})
	}
	assert.NotEqual(t, Production, Sandbox)
	assert.Equal(t, ProductionBaseURL, Production.BaseURL())
	assert.Equal(t, SandboxBaseURL, Sandbox.BaseURL())
}
