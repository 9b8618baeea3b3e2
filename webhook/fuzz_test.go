package webhook_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/webhook"
)

// FuzzVerify: Verify never panics; a payload always verifies under the signature Sign
// gives it with a usable secret; whatever else verifies is that signature (with white
// space around); one flipped bit of the payload or of the MAC fails; and no error shows
// the secret or the expected signature.
func FuzzVerify(f *testing.F) {
	for _, v := range opensslVectors {
		f.Add([]byte(v.payload), v.want, v.secret)
	}
	f.Add(meshExample(f), "oB/5hOytbFqbvYWiH9O84pEYnx/FHstAAziuZk2XUSI=", "whsec_mesh_example")
	f.Add([]byte("hello"), "88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b", "secret")
	f.Add([]byte("hello"), " iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs=\n", "secret")
	f.Add([]byte("hello"), "iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAt=", "secret")
	f.Add([]byte{}, "", "")
	f.Add([]byte{0xff, 0x00}, "====", " ")
	f.Fuzz(func(t *testing.T, payload []byte, signature, secret string) {
		want := webhook.Sign(payload, secret)
		err := webhook.Verify(payload, signature, secret)
		if strings.TrimSpace(secret) == "" {
			require.Error(t, err, "a blank secret verifies nothing")
			assert.NotErrorIs(t, err, webhook.ErrInvalidSignature)
			require.Error(t, webhook.Verify(payload, want, secret))
			return
		}
		if err == nil {
			assert.Equal(t, want, strings.TrimSpace(signature), "only Sign's signature verifies")
		} else if len(secret) >= 8 { // a shorter one may be in the text by chance
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, err.Error(), want)
		}
		require.NoError(t, webhook.Verify(payload, want, secret))
		require.NoError(t, webhook.Verify(payload, want, "whsec_other", secret))

		mac := mustDecode(t, want)
		mac[len(payload)%len(mac)] ^= 1
		assert.Equal(t, webhook.ErrInvalidSignature, webhook.Verify(payload, base64.StdEncoding.EncodeToString(mac), secret), "a flipped bit of the MAC")
		if len(payload) > 0 {
			flipped := append([]byte(nil), payload...)
			flipped[len(signature)%len(flipped)] ^= 0x80
			assert.Equal(t, webhook.ErrInvalidSignature, webhook.Verify(flipped, want, secret), "a flipped bit of the payload")
		}
	})
}

// FuzzParseTransferEvent: a signed payload, whatever it holds, never panics and gives
// exactly one of an event and a decoding error (never a signature error); an event
// has both ids, UTC times, amounts that are JSON numbers and a status read as
// ParseTransferStatus reads it; it decodes the same under another secret's signature,
// and not at all under a wrong one.
func FuzzParseTransferEvent(f *testing.F) {
	f.Add(meshExample(f))
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `{"EventId":"e","TransferId":"t"}`,
		`{"EventId":"e","TransferId":"t","TransferStatus":"SUCCEEDED","SourceAmount":1e400,"DestinationAmount":"12.5"}`,
		`{"EventId":"e","TransferId":"t","SentTimestamp":-9223372036854775808,"Timestamp":9223372036854775807}`,
		`{"EventId":"e","TransferId":"t","SentTimestamp":1.5}`,
		`{"eventid":"e","TRANSFERID":"t","Extra":{"a":[1,{"b":null}]}}`,
		`{"EventId":"\u0000","TransferId":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	const other = "whsec_other_secret"
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := webhook.ParseTransferEvent(payload, webhook.Sign(payload, testSecret), testSecret)
		require.True(t, (ev == nil) != (err == nil), "want exactly one of event and error, got %v and %v", ev, err)
		if err != nil {
			assert.False(t, errors.Is(err, webhook.ErrNoSignature) || errors.Is(err, webhook.ErrInvalidSignature), "a signed payload: %v", err)
			assert.NotContains(t, err.Error(), testSecret)
			return
		}
		assert.NotEmpty(t, ev.EventID)
		assert.NotEmpty(t, ev.TransferID)
		for _, at := range []time.Time{ev.SentAt, ev.ChangedAt} {
			assert.True(t, at.IsZero() || at.Location() == time.UTC, "time %v not UTC", at)
		}
		for _, n := range []json.Number{ev.SourceAmount, ev.DestinationAmount} {
			assert.True(t, n == "" || json.Valid([]byte(n)), "amount %q is not a JSON number", n)
		}
		assert.Equal(t, mesh.ParseTransferStatus(string(ev.TransferStatus)), ev.TransferStatus)

		again, err := webhook.ParseTransferEvent(payload, webhook.Sign(payload, other), other)
		require.NoError(t, err)
		assert.Equal(t, ev, again)
		forged, err := webhook.ParseTransferEvent(payload, webhook.Sign(payload, other), testSecret)
		assert.Nil(t, forged)
		assert.Equal(t, webhook.ErrInvalidSignature, err)
	})
}
