package meshtest_test

// The fake's messages repeat at most a short piece of what the caller sent.

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/meshtest"
)

// maxMessage is more than any message of the fake needs, and far less than what the
// requests below carry.
const maxMessage = 300

// TestMessagesBoundQuotes sends a 100,000-character value, name or path wherever a
// message quotes one: the message names the field and repeats the start of the text,
// cut at a rune boundary and marked with "…".
func TestMessagesBoundQuotes(t *testing.T) {
	const n = 100_000
	digits, name, accents := strings.Repeat("1", n), strings.Repeat("x", n), strings.Repeat("é", n)
	srv := meshtest.Start(t)
	tests := []struct {
		name       string
		method     string
		path, body string
		wantCode   int
		wantPrefix string
	}{
		{"negative amount", http.MethodPost, meshtest.LinkTokenPath, withTransfer(`"amountInFiat":-0.` + digits), http.StatusBadRequest, "transferOptions.amountInFiat: must be a number ≥ 0, got -0.111"},
		{"client fee", http.MethodPost, meshtest.LinkTokenPath, withTransfer(`"clientFee":1.` + digits), http.StatusBadRequest, "transferOptions.clientFee: must be a ratio from 0 to 1, got 1.111"},
		{"infinite number", http.MethodPost, meshtest.LinkTokenPath, withTransfer(`"amountInFiat":9` + digits + `e9`), http.StatusBadRequest, "transferOptions.amountInFiat: must be a finite number, got 9111"},
		{"property name", http.MethodPost, meshtest.LinkTokenPath, withUser(`"` + name + `":1`), http.StatusBadRequest, "xxxx"},
		{"nested property name", http.MethodPost, meshtest.LinkTokenPath, withTransfer(`"` + accents + `":1`), http.StatusBadRequest, "transferOptions.éé"},
		{"broker type", http.MethodPost, meshtest.LinkTokenPath, withUser(`"brokerType":"` + accents + `"`), http.StatusBadRequest, `brokerType: is not a known broker type: "éé`},
		{"blank transfer type", http.MethodPost, meshtest.LinkTokenPath, withTransfer(`"transferType":"` + strings.Repeat(" ", n) + `"`), http.StatusBadRequest, `transferOptions.transferType: must not be empty or blank, got "   `},
		{"path", http.MethodGet, "/" + name, "", http.StatusNotFound, `no such endpoint: "/xxx`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, tc.method, tc.path, tc.body, nil)
			require.Equal(t, tc.wantCode, r.code)
			msg, _ := r.envelope(t)["message"].(string)
			assert.True(t, strings.HasPrefix(msg, tc.wantPrefix), "message %.200q", msg)
			assert.LessOrEqual(t, len(msg), maxMessage, "message %.200q…", msg)
			assert.Contains(t, msg, "…")
			assert.True(t, utf8.ValidString(msg), "cut inside a rune: %q", msg)
		})
	}
}
