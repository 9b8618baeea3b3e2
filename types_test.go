package mesh

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Link URLs whose standard base64 holds '+' and '/' (so that the URL-safe alphabet
// differs) and ends in one resp. two '=' of padding.
const (
	linkURLOnePad = "https://web.meshconnect.com/b2b-iframe/client-7c1e/broker-connect?auth_code=a~b?c>d"
	linkURLTwoPad = linkURLOnePad + "&x"
)

// stdToken is the standard base64 of s, with its padding.
func stdToken(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// insertEvery puts sep after every n bytes of s.
func insertEvery(s string, n int, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		b.WriteString(s[i:min(i+n, len(s))])
		b.WriteString(sep)
	}
	return b.String()
}

func TestLinkTokenURLDecodesAsAtob(t *testing.T) {
	one, two := stdToken(linkURLOnePad), stdToken(linkURLTwoPad)
	require.True(t, strings.HasSuffix(one, "=") && !strings.HasSuffix(one, "=="), one)
	require.True(t, strings.HasSuffix(two, "=="), two)
	require.True(t, strings.ContainsAny(one, "+") && strings.ContainsAny(one, "/"), one)

	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"fixture token", testToken, testLinkURL},
		{"one pad", one, linkURLOnePad},
		{"one pad dropped", strings.TrimRight(one, "="), linkURLOnePad},
		{"two pads", two, linkURLTwoPad},
		{"two pads dropped", strings.TrimRight(two, "="), linkURLTwoPad},
		{"no padding needed", stdToken(linkURLOnePad + "&"), linkURLOnePad + "&"},
		{"leading and trailing space", "  " + one + " ", linkURLOnePad},
		{"line breaks every 76 (MIME)", insertEvery(one, 76, "\r\n"), linkURLOnePad},
		{"LF every 4", insertEvery(two, 4, "\n"), linkURLTwoPad},
		{"tab inside", one[:10] + "\t" + one[10:], linkURLOnePad},
		{"form feed inside", one[:10] + "\f" + one[10:], linkURLOnePad},
		{"CR inside", one[:10] + "\r" + one[10:], linkURLOnePad},
		{"space inside", one[:10] + " " + one[10:], linkURLOnePad},
		{"every white space between the pads", strings.TrimSuffix(two, "==") + "= \t\n\f\r=", linkURLTwoPad},
		{"white space unpadded, length 4k+3 after removal", " " + strings.TrimRight(one, "=") + "\n", linkURLOnePad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := (&LinkToken{Token: tc.token}).URL()
			require.NoError(t, err)
			require.NotNil(t, u)
			assert.Equal(t, tc.want, u.String())
			assert.Equal(t, "https", u.Scheme)
			assert.Equal(t, "web.meshconnect.com", u.Host)
		})
	}
}

func TestLinkTokenURLRefuses(t *testing.T) {
	one := stdToken(linkURLOnePad)
	urlSafe := base64.URLEncoding.EncodeToString([]byte(linkURLOnePad))
	require.NotEqual(t, one, urlSafe, "the fixture must differ between the alphabets")
	rawOne := strings.TrimRight(one, "=")
	require.Equal(t, 3, len(rawOne)%4)

	tests := []struct {
		name  string
		token *LinkToken
	}{
		{"nil token", nil},
		{"empty", &LinkToken{}},
		{"only white space", &LinkToken{Token: " \t\n\f\r"}},
		{"URL-safe alphabet", &LinkToken{Token: urlSafe}},
		{"URL-safe alphabet unpadded", &LinkToken{Token: base64.RawURLEncoding.EncodeToString([]byte(linkURLOnePad))}},
		{"length 4k+1", &LinkToken{Token: rawOne + "AA"}},
		{"length 4k+1 once white space is gone", &LinkToken{Token: rawOne + " A A"}},
		{"padding where none belongs", &LinkToken{Token: rawOne[:len(rawOne)-1] + "="}},
		{"padding in the middle", &LinkToken{Token: one[:8] + "=" + one[8:]}},
		{"three pads", &LinkToken{Token: strings.TrimRight(stdToken(linkURLTwoPad), "=") + "==="}},
		{"vertical tab is not atob white space", &LinkToken{Token: one[:10] + "\v" + one[10:]}},
		{"non-breaking space is not atob white space", &LinkToken{Token: one[:10] + "\u00a0" + one[10:]}},
		{"not base64", &LinkToken{Token: "not base64!"}},
		{"the URL itself, not encoded", &LinkToken{Token: testLinkURL}},
		{"http URL", &LinkToken{Token: stdToken("http://web.meshconnect.com/link/abc")}},
		{"ftp URL", &LinkToken{Token: stdToken("ftp://web.meshconnect.com/link/abc")}},
		{"relative URL", &LinkToken{Token: stdToken("/b2b-iframe/x/broker-connect")}},
		{"no scheme", &LinkToken{Token: stdToken("web.meshconnect.com/link/abc")}},
		{"https: without host", &LinkToken{Token: stdToken("https:")}},
		{"https: with path, no host", &LinkToken{Token: stdToken("https:///link/abc")}},
		{"https: opaque", &LinkToken{Token: stdToken("https:web.meshconnect.com")}},
		{"javascript URL", &LinkToken{Token: stdToken("javascript:alert(1)")}},
		{"data URL", &LinkToken{Token: stdToken("data:text/html,<script>alert(1)</script>")}},
		{"scheme-relative URL", &LinkToken{Token: stdToken("//web.meshconnect.com/link/abc")}},
		{"control character in the URL", &LinkToken{Token: stdToken("https://web.meshconnect.com/\x00")}},
		{"space in the host", &LinkToken{Token: stdToken("https://web.mesh connect.com/")}},
		{"not a URL", &LinkToken{Token: stdToken("hello world")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := tc.token.URL()
			require.Error(t, err)
			assert.Nil(t, u)
			assert.True(t, strings.HasPrefix(err.Error(), "mesh: "), "error %q", err)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// Environment names are matched exactly; an unknown one has no base URL.
func TestEnvironmentBaseURL(t *testing.T) {
	for env, want := range map[Environment]string{Production: "https://integration-api.meshconnect.com",
		Sandbox: "https://sandbox-integration-api.meshconnect.com", "": "", "staging": "", "Production": ""} {
		assert.Equal(t, want, env.BaseURL(), "%q", env)
	}
}
