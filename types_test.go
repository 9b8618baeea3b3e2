package mesh

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strconv"
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
	return regexp.MustCompile(".{"+strconv.Itoa(n)+"}").ReplaceAllString(s, "${0}"+sep)
}

// A Link token is the standard base64 of an https URL, read as a browser's atob reads
// it (white space anywhere, padding optional); anything else is refused with a one-line
// error of the package.
func TestLinkTokenURL(t *testing.T) {
	one, two := stdToken(linkURLOnePad), stdToken(linkURLTwoPad)
	rawOne := strings.TrimRight(one, "=")
	require.True(t, strings.HasSuffix(one, "=") && !strings.HasSuffix(one, "=="), one)
	require.True(t, strings.HasSuffix(two, "=="), two)
	require.True(t, strings.ContainsAny(one, "+") && strings.ContainsAny(one, "/"), "the fixture must differ between the alphabets: %s", one)
	require.Equal(t, 3, len(rawOne)%4)

	tests := []struct{ name, token, want string }{ // want "": refused
		{"fixture token", testToken, testLinkURL},
		{"one pad", one, linkURLOnePad},
		{"one pad dropped", strings.TrimRight(one, "="), linkURLOnePad},
		{"two pads", two, linkURLTwoPad},
		{"two pads dropped", strings.TrimRight(two, "="), linkURLTwoPad},
		{"no padding needed", stdToken(linkURLOnePad + "&"), linkURLOnePad + "&"},
		{"leading and trailing space", "  " + one + " ", linkURLOnePad},
		{"line breaks every 76 (MIME)", insertEvery(one, 76, "\r\n"), linkURLOnePad},
		{"LF every 4", insertEvery(two, 4, "\n"), linkURLTwoPad},
		{"tab, form feed, CR and space inside", one[:10] + "\t\f\r " + one[10:], linkURLOnePad},
		{"every white space between the pads", strings.TrimSuffix(two, "==") + "= \t\n\f\r=", linkURLTwoPad},
		{"white space unpadded, length 4k+3 after removal", " " + strings.TrimRight(one, "=") + "\n", linkURLOnePad},

		{"empty", "", ""},
		{"only white space", " \t\n\f\r", ""},
		{"URL-safe alphabet", base64.URLEncoding.EncodeToString([]byte(linkURLOnePad)), ""},
		{"URL-safe alphabet unpadded", base64.RawURLEncoding.EncodeToString([]byte(linkURLOnePad)), ""},
		{"length 4k+1", rawOne + "AA", ""},
		{"length 4k+1 once white space is gone", rawOne + " A A", ""},
		{"padding where none belongs", rawOne[:len(rawOne)-1] + "=", ""},
		{"padding in the middle", one[:8] + "=" + one[8:], ""},
		{"three pads", strings.TrimRight(stdToken(linkURLTwoPad), "=") + "===", ""},
		{"vertical tab is not atob white space", one[:10] + "\v" + one[10:], ""},
		{"non-breaking space is not atob white space", one[:10] + "\u00a0" + one[10:], ""},
		{"not base64", "not base64!", ""},
		{"the URL itself, not encoded", testLinkURL, ""},
		{"http URL", stdToken("http://web.meshconnect.com/link/abc"), ""},
		{"relative URL", stdToken("/b2b-iframe/x/broker-connect"), ""},
		{"no scheme", stdToken("web.meshconnect.com/link/abc"), ""},
		{"https: without host", stdToken("https:"), ""},
		{"https: with path, no host", stdToken("https:///link/abc"), ""},
		{"https: opaque", stdToken("https:web.meshconnect.com"), ""},
		{"javascript URL", stdToken("javascript:alert(1)"), ""},
		{"data URL", stdToken("data:text/html,<script>alert(1)</script>"), ""},
		{"scheme-relative URL", stdToken("//web.meshconnect.com/link/abc"), ""},
		{"control character in the URL", stdToken("https://web.meshconnect.com/\x00"), ""},
		{"space in the host", stdToken("https://web.mesh connect.com/"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := (&LinkToken{Token: tc.token}).URL()
			if tc.want == "" {
				assertLinkTokenRefused(t, u, err)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, u)
			assert.Equal(t, tc.want, u.String())
			assert.Equal(t, "https", u.Scheme)
			assert.Equal(t, "web.meshconnect.com", u.Host)
		})
	}
	t.Run("nil token", func(t *testing.T) {
		u, err := (*LinkToken)(nil).URL()
		assertLinkTokenRefused(t, u, err)
	})
}

// assertLinkTokenRefused checks the result of URL for a token that is refused.
func assertLinkTokenRefused(t *testing.T, u *url.URL, err error) {
	t.Helper()
	require.Error(t, err)
	assert.Nil(t, u)
	assert.True(t, strings.HasPrefix(err.Error(), "mesh: "), "error %q", err)
	assert.NotContains(t, err.Error(), "\n")
}

// Environment names are matched exactly; an unknown one has no base URL.
func TestEnvironmentBaseURL(t *testing.T) {
	for env, want := range map[Environment]string{Production: "https://integration-api.meshconnect.com",
		Sandbox: "https://sandbox-integration-api.meshconnect.com", "": "", "staging": "", "Production": ""} {
		assert.Equal(t, want, env.BaseURL(), "%q", env)
	}
}
