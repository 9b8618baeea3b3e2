package webhook_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/webhook"
)

// opensslVectors were computed outside Go, with OpenSSL 3.0:
//
//	printf '%s' BODY | openssl dgst -sha256 -hmac SECRET -binary | base64
//
// with BODY and SECRET as in each case (the comment gives the exact command where it
// is not that one), so that Sign and Verify are checked against another
// implementation of HMAC-SHA256 and Base64, not against themselves.
var opensslVectors = []struct {
	name    string
	secret  string
	payload string // "" with file: the file's bytes
	file    string
	want    string
}{
	{
		// printf '%s' "$(cat testdata/mesh-example.json)" | openssl dgst -sha256 -hmac whsec_mesh_example -binary | base64
		name: "Mesh's example payload", secret: "whsec_mesh_example", file: "testdata/mesh-example.json",
		want: "oB/5hOytbFqbvYWiH9O84pEYnx/FHstAAziuZk2XUSI=",
	},
	{
		// printf '%s' '{"EventId":"e1"}' | openssl dgst -sha256 -hmac 'sécret-ключ' -binary | base64
		name: "non-ASCII secret, keyed with its UTF-8 bytes", secret: "sécret-ключ", payload: `{"EventId":"e1"}`,
		want: "RKbDrwIrJzhESzRQg6IXICzQfQ/PC/AsWRtiviAs7Sk=",
	},
	{
		// printf '%s\n' '{"EventId":"e2"}' | openssl dgst -sha256 -hmac secret -binary | base64
		name: "body ending in a newline", secret: "secret", payload: "{\"EventId\":\"e2\"}\n",
		want: "/JTo9y3ASNQWtACZMPe+izMCgMZS0pjCS4Cw3H7pWJU=",
	},
	{
		// printf '%s' '{"EventId":"e2"}' | openssl dgst -sha256 -hmac secret -binary | base64
		name: "the same body without the newline", secret: "secret", payload: `{"EventId":"e2"}`,
		want: "p1BLJVOPcCSJJHBXgZF9vPTIT1Qezqi79Te6eZpImfM=",
	},
	{
		// printf '%s' '' | openssl dgst -sha256 -hmac secret -binary | base64
		name: "empty body", secret: "secret", payload: "",
		want: "+eZuF5tnR65UEI+C+K3os8Jddv0wr95sOVgixTAZYWk=",
	},
	{
		// printf '%s' hello | openssl dgst -sha256 -hmac "$(printf 'k%.0s' $(seq 100))" -binary | base64
		name: "secret longer than SHA-256's block", secret: strings.Repeat("k", 100), payload: "hello",
		want: "P9V412Gk9nAwCektLooK6iKrmrUNStJQ3JXYw2new/U=",
	},
}

func TestSignAndVerifyMatchOpenSSL(t *testing.T) {
	for _, tc := range opensslVectors {
		t.Run(tc.name, func(t *testing.T) {
			payload := []byte(tc.payload)
			if tc.file != "" {
				payload = meshExample(t)
			}
			assert.Equal(t, tc.want, webhook.Sign(payload, tc.secret))
			assert.NoError(t, webhook.Verify(payload, tc.want, tc.secret))
		})
	}
}

func TestVerify(t *testing.T) {
	hello := []byte("hello")
	// printf '%s' hello | openssl dgst -sha256 -hmac secret -binary | base64 (and | xxd -p -c 64)
	const sig = "iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs="
	const hexSig = "88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b"
	// printf '%s' hello | openssl dgst -sha256 -hmac old-secret -binary | base64
	const oldSig = "Y/mo08lAG9MmwXWCWT5nCxZ6/1yZ6Ess+cohQFOoqr4="
	// printf '%s' '' | openssl dgst -sha256 -hmac secret -binary | base64: has + and /
	const plusSlash = "+eZuF5tnR65UEI+C+K3os8Jddv0wr95sOVgixTAZYWk="

	// The last character before "=" holds 4 bits of the MAC and 2 padding bits:
	// flipping a padding bit gives another spelling of the same bytes, which only
	// canonical (strict) decoding refuses.
	last := strings.IndexByte(base64Alphabet, sig[42])
	nonCanonical := sig[:42] + string(base64Alphabet[last^1]) + "="
	loose, err := base64.StdEncoding.DecodeString(nonCanonical)
	require.NoError(t, err)
	strict, err := base64.StdEncoding.DecodeString(sig)
	require.NoError(t, err)
	require.Equal(t, strict, loose, "precondition: the non-canonical spelling decodes to the same MAC")
	newlineInside := sig[:20] + "\n" + sig[20:]
	require.Equal(t, strict, mustDecode(t, newlineInside), "precondition: Base64 decoding skips the newline")

	tests := []struct {
		name      string
		payload   []byte
		signature string
		secrets   []string
		want      error // nil, a sentinel, or errOther for an error matching neither
	}{
		{"right signature", hello, sig, []string{"secret"}, nil},
		{"rotation: the second secret signs", hello, sig, []string{"new-secret", "secret"}, nil},
		{"rotation: the first secret signs", hello, oldSig, []string{"old-secret", "secret"}, nil},
		{"white space around the signature", hello, " \t" + sig + "\r\n", []string{"secret"}, nil},
		{"Base64 with + and /", nil, plusSlash, []string{"secret"}, nil},

		{"empty signature", hello, "", []string{"secret"}, webhook.ErrNoSignature},
		{"blank signature", hello, " \t\r\n", []string{"secret"}, webhook.ErrNoSignature},

		{"wrong secret", hello, sig, []string{"secret2"}, webhook.ErrInvalidSignature},
		{"no secret of the rotation signs", hello, sig, []string{"a-secret", "b-secret"}, webhook.ErrInvalidSignature},
		{"payload changed", []byte("hellO"), sig, []string{"secret"}, webhook.ErrInvalidSignature},
		{"payload with a newline added", []byte("hello\n"), sig, []string{"secret"}, webhook.ErrInvalidSignature},
		{"truncated", hello, sig[:40], []string{"secret"}, webhook.ErrInvalidSignature},
		{"one character short", hello, sig[:43], []string{"secret"}, webhook.ErrInvalidSignature},
		{"unpadded", hello, strings.TrimSuffix(sig, "="), []string{"secret"}, webhook.ErrInvalidSignature},
		{"garbled: not Base64", hello, "*" + sig[1:], []string{"secret"}, webhook.ErrInvalidSignature},
		{"garbled: one character changed", hello, "j" + sig[1:], []string{"secret"}, webhook.ErrInvalidSignature},
		{"a newline inside", hello, newlineInside, []string{"secret"}, webhook.ErrInvalidSignature},
		{"padding bits set", hello, nonCanonical, []string{"secret"}, webhook.ErrInvalidSignature},
		{"URL-safe Base64", nil, strings.NewReplacer("+", "-", "/", "_").Replace(plusSlash), []string{"secret"}, webhook.ErrInvalidSignature},
		{"hex of the right MAC", hello, hexSig, []string{"secret"}, webhook.ErrInvalidSignature},
		{"Base64 of the hex of the right MAC", hello, base64.StdEncoding.EncodeToString([]byte(hexSig)), []string{"secret"}, webhook.ErrInvalidSignature},
		{"the MAC twice", hello, base64.StdEncoding.EncodeToString(append(strict, strict...)), []string{"secret"}, webhook.ErrInvalidSignature},
		{"with a scheme prefix", hello, "sha256=" + sig, []string{"secret"}, webhook.ErrInvalidSignature},

		{"no secret", hello, sig, nil, errOther},
		{"no secret, no signature", hello, "", nil, errOther},
		{"only blank secrets", hello, webhook.Sign(hello, ""), []string{"", " \t"}, errOther},
		{"a blank secret is never a key", hello, webhook.Sign(hello, ""), []string{"", "secret"}, webhook.ErrInvalidSignature},
		{"a white-space secret is never a key", hello, webhook.Sign(hello, " "), []string{" ", "secret"}, webhook.ErrInvalidSignature},
		{"beside a blank secret, the others verify", hello, sig, []string{"", "secret"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := webhook.Verify(tc.payload, tc.signature, tc.secrets...)
			switch {
			case tc.want == nil:
				assert.NoError(t, err)
			case errors.Is(tc.want, errOther):
				require.Error(t, err)
				assert.NotErrorIs(t, err, webhook.ErrNoSignature)
				assert.NotErrorIs(t, err, webhook.ErrInvalidSignature)
			default:
				// The sentinel itself: its text cannot say which part differed.
				assert.Equal(t, tc.want, err)
			}
			if err == nil {
				return
			}
			for _, s := range tc.secrets {
				if s = strings.TrimSpace(s); s != "" {
					assert.NotContains(t, err.Error(), s)
					assert.NotContains(t, err.Error(), webhook.Sign(tc.payload, s))
					assert.NotContains(t, err.Error(), hex.EncodeToString(mustDecode(t, webhook.Sign(tc.payload, s))))
				}
			}
		})
	}
}

// errOther stands for an error that matches neither sentinel.
var errOther = &struct{ error }{}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}
