package webhook_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/webhook"
)

// testSecret keys the tests' deliveries. It is long and unusual enough that finding it
// in an error or an answer cannot be a coincidence.
const testSecret = "whsec_test_9f8e7d6c5b4a"

// meshExample is Mesh's example payload from its docs, byte for byte (no final newline).
func meshExample(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/mesh-example.json")
	require.NoError(tb, err)
	return b
}

// deliver sends body to h as Mesh would, with signature in SignatureHeader unless it
// is empty.
func deliver(h http.Handler, method string, body []byte, signature string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/mesh/webhook", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if signature != "" {
		r.Header.Set(webhook.SignatureHeader, signature)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
