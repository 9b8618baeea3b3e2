package meshtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strconv"
)

// newToken mints a fresh link token: base64 of a Link URL unique across the server's
// life.
func (s *Server) newToken() string {
	return linkToken(s.newID())
}

// linkToken is the token whose Link URL ends with id.
func linkToken(id string) string {
	return base64.StdEncoding.EncodeToString([]byte("https://web.meshconnect.com/link/" + id))
}

// newID returns an id unique across the server's life: a counter and random bits.
func (s *Server) newID() string {
	return "mt" + strconv.FormatUint(s.seq.Add(1), 10) + "-" + randomHex(8)
}

// randomHex returns n random bytes from crypto/rand, in hexadecimal.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand documents so since Go 1.24)
	return hex.EncodeToString(b)
}

// newUUID returns a random UUID, version 4, in its canonical lower-case form: the
// fake's transfer ids and webhook event ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // never fails (crypto/rand documents so since Go 1.24)
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
