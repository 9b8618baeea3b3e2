package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
)

// maxBody bounds a delivery's body: an event is under 1 KiB.
const maxBody = 64 << 10

// NewHandler serves Mesh's deliveries: it reads the body through a bound of 64 KiB,
// verifies it under secrets (several during a rotation) with Verify, decodes it with
// ParseTransferEvent and calls fn with the request's context. Its answers:
//
//   - 200 when fn returned nil;
//   - 500 when fn returned an error: Mesh delivers the event again;
//   - 401 to a missing or wrong signature;
//   - 400 to a signed body that is not a transfer event, or that could not be read;
//   - 405, with Allow: POST, to any other method than POST;
//   - 413 to a body over 64 KiB.
//
// fn is called only for a verified event, and should return quickly (Mesh wants an
// answer within 200 ms): record the event and do slow work after answering. Error
// answers are one short line of plain text that never shows the secret, the expected
// signature or fn's error; the handler logs nothing, so fn logs its own failures.
//
// NewHandler panics if fn is nil, or if no secret is given or one is blank: a
// mistake of the program, found when it starts rather than at the first delivery.
// The handler is safe for concurrent use, as fn must be.
func NewHandler(fn func(ctx context.Context, ev *TransferEvent) error, secrets ...string) http.Handler {
	if fn == nil {
		panic("webhook: NewHandler with a nil fn")
	}
	if len(secrets) == 0 {
		panic("webhook: NewHandler with no secret")
	}
	if slices.ContainsFunc(secrets, func(s string) bool { return !usable(s) }) {
		panic("webhook: NewHandler with a blank secret")
	}
	secrets = slices.Clone(secrets) // the caller's slice may change later
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "body not read", http.StatusBadRequest)
			return
		}
		ev, err := ParseTransferEvent(body, r.Header.Get(SignatureHeader), secrets...)
		switch {
		case errors.Is(err, ErrNoSignature):
			http.Error(w, "no signature", http.StatusUnauthorized)
			return
		case errors.Is(err, ErrInvalidSignature):
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		case err != nil:
			http.Error(w, "not a transfer event", http.StatusBadRequest)
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			http.Error(w, "event not processed", http.StatusInternalServerError)
		}
		// Otherwise nothing is written, which net/http answers with 200.
	})
}
