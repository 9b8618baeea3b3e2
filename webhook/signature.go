package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
)

// SignatureHeader is the request header in which Mesh sends a delivery's signature.
const SignatureHeader = "X-Mesh-Signature-256"

var (
	// ErrNoSignature is returned for a delivery without a signature: an empty or blank
	// one.
	ErrNoSignature = errors.New("webhook: no signature")
	// ErrInvalidSignature is returned when no secret given signs the payload: the
	// signature is not Base64 of a MAC, or the MAC is not the payload's.
	ErrInvalidSignature = errors.New("webhook: invalid signature")

	errNoSecret = errors.New("webhook: no secret to verify with")
)

// b64 refuses non-canonical encodings (padding bits set), so that each MAC has
// exactly one accepted signature, as Mesh's signer writes it.
var b64 = base64.StdEncoding.Strict()

// sigLen is the length of a signature: standard, padded Base64 of a SHA-256 MAC.
var sigLen = base64.StdEncoding.EncodedLen(sha256.Size)

// Sign returns the signature Mesh sends for payload: standard, padded Base64 of
// HMAC-SHA256 keyed with secret's bytes. Use it to test a receiver.
func Sign(payload []byte, secret string) string {
	return base64.StdEncoding.EncodeToString(mac(payload, secret))
}

// Verify checks signature against payload under each secret (several during a
// rotation, when a receiver may see deliveries signed with the old and the new one),
// comparing the decoded MAC in constant time.
//
// White space around signature is ignored, as around any HTTP header value; inside
// it, or any other departure from standard, padded, canonical Base64 (hex, URL-safe
// or unpadded Base64), makes it invalid. Verify returns nil, ErrNoSignature for a
// blank signature, or ErrInvalidSignature, which never says what differed. Blank
// secrets are never used as keys; with no other secret, Verify returns an error
// matching neither sentinel, since that is a mistake of the receiver's configuration.
func Verify(payload []byte, signature string, secrets ...string) error {
	if !slices.ContainsFunc(secrets, usable) {
		return errNoSecret
	}
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ErrNoSignature
	}
	if len(signature) != sigLen {
		return ErrInvalidSignature // Base64 ignores a newline inside; we do not
	}
	got, err := b64.DecodeString(signature)
	if err != nil {
		return ErrInvalidSignature
	}
	for _, s := range secrets {
		if usable(s) && hmac.Equal(got, mac(payload, s)) {
			return nil
		}
	}
	return ErrInvalidSignature
}

func mac(payload []byte, secret string) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(payload)
	return h.Sum(nil)
}

// usable reports whether secret may key a MAC: a blank one would let anyone sign.
func usable(secret string) bool { return strings.TrimSpace(secret) != "" }
