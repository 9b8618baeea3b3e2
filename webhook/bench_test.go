package webhook_test

// Benchmarks of one delivery beside the floor they are compared with in the same run:
// BenchmarkBareHMAC does only what verifying must (HMAC-SHA256 of Mesh's example
// payload, Base64 decoding, hmac.Equal). Run:
//
//	go test -run '^$' -bench . -benchmem ./webhook/

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mesh-go/mesh/webhook"
)

func BenchmarkBareHMAC(b *testing.B) {
	payload := meshExample(b)
	signature := webhook.Sign(payload, testSecret)
	key := []byte(testSecret)
	b.ReportAllocs()
	for b.Loop() {
		h := hmac.New(sha256.New, key)
		h.Write(payload)
		want := h.Sum(nil)
		got, err := base64.StdEncoding.DecodeString(signature)
		if err != nil || !hmac.Equal(got, want) {
			b.Fatal("not verified")
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	payload := meshExample(b)
	signature := webhook.Sign(payload, testSecret)
	b.ReportAllocs()
	for b.Loop() {
		if err := webhook.Verify(payload, signature, testSecret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandler is one delivery through NewHandler's handler, from the request's
// body to fn: reading through the bound, verifying, decoding.
func BenchmarkHandler(b *testing.B) {
	payload := meshExample(b)
	h := webhook.NewHandler(func(context.Context, *webhook.TransferEvent) error { return nil }, testSecret)
	body := bytes.NewReader(payload)
	r := httptest.NewRequest(http.MethodPost, "/mesh/webhook", nil)
	r.Body = io.NopCloser(body)
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(payload, testSecret))
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		body.Reset(payload)
		w.code = 0
		h.ServeHTTP(w, r)
		if w.code != 0 { // 0: nothing written, which net/http sends as 200
			b.Fatal(w.code)
		}
	}
}

// discardWriter is a ResponseWriter that keeps only the status code, so that the
// benchmark measures the handler rather than a recorder.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
