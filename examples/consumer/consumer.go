// Command consumer is an example of a Go backend that serves Mesh link tokens to its
// front end: an HTTP handler written against mesh.LinkTokenCreator, so that it can be
// tested without Mesh. Its tests (consumer_test.go) show the three ways to do that: a
// hand-written fake of the interface, httpmock under a real *mesh.Client, and the
// meshtest server.
//
// Run it from the repository root: it serves the handler on a loopback port, asks it
// for a token as the front end would, and prints the answer. With no credentials it
// uses the in-process fake of the API (package meshtest); with MESH_CLIENT_ID and
// MESH_CLIENT_SECRET, Mesh's sandbox (MESH_ENV=production for production):
//
//	go run ./examples/consumer
//	go test ./examples/consumer
//
// In your own server, mount the handler behind your authentication:
//
//	client, err := mesh.NewClient(id, secret)
//	...
//	mux.Handle("POST /api/link-token", requireLogin(LinkTokenHandler{Mesh: client}))
package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/mesh-go/mesh"
)

// UserIDHeader is the request header LinkTokenHandler reads the user's id from when
// its UserID field is nil. It is meant to be set by the authentication in front of the
// handler (a middleware or proxy that also drops any value the browser sent): a user
// id must never be taken on the browser's word.
const UserIDHeader = "X-User-Id"

// LinkTokenHandler answers POST requests with a fresh link token for the signed-in
// user, as JSON {"linkToken": "..."}, for the front end to open Mesh Link with.
//
// Failures are answered with a JSON {"error": "..."} of its own words; the SDK's error
// text (which may carry Mesh's messages) never reaches the browser, only Logger:
//
//   - no user id: 401
//   - mesh.ErrValidation (the user id is not acceptable): 400
//   - mesh.ErrTooManyRequests: 503, with Retry-After when Mesh sent one
//   - any other failure: 502
type LinkTokenHandler struct {
	// Mesh mints the tokens: a *mesh.Client, or a fake in tests.
	Mesh mesh.LinkTokenCreator
	// UserID returns the id of the authenticated user of r, "" when there is none.
	// When nil, the handler reads the UserIDHeader header.
	UserID func(r *http.Request) string
	// Logger receives every failure with its full error; nil discards them.
	Logger *slog.Logger
}

// ServeHTTP mints a link token for the request's user.
func (h LinkTokenHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store") // a token is single-use and personal
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	if h.Mesh == nil {
		h.log(r, "LinkTokenHandler.Mesh is nil", nil)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "link tokens are not available"})
		return
	}
	userID := h.userID(r)
	if userID == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sign in first"})
		return
	}

	lt, err := h.Mesh.CreateLinkToken(r.Context(), &mesh.CreateLinkTokenRequest{UserID: userID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"linkToken": lt.Token})
}

// userID returns the user's id from h.UserID, or from the UserIDHeader header.
func (h LinkTokenHandler) userID(r *http.Request) string {
	if h.UserID != nil {
		return h.UserID(r)
	}
	return r.Header.Get(UserIDHeader)
}

// fail logs err and answers with the status it maps to.
func (h LinkTokenHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var invalid *mesh.InvalidRequestError
	switch {
	case errors.As(err, &invalid):
		// Refused before anything was sent: log which fields, for whoever fixes the data.
		fields := make([]string, len(invalid.Problems))
		for i, p := range invalid.Problems {
			fields[i] = p.Field
		}
		h.log(r, "link token request refused", err, slog.Any("fields", fields))
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "this account cannot open Link"})
	case errors.Is(err, mesh.ErrTooManyRequests):
		h.log(r, "creating a link token failed", err)
		var apiErr *mesh.APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			w.Header().Set("Retry-After", retryAfterSeconds(apiErr.RetryAfter))
		}
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too busy, try again shortly"})
	default:
		h.log(r, "creating a link token failed", err)
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "could not reach the payment provider"})
	}
}

// log records a failure on h.Logger, if any.
func (h LinkTokenHandler) log(r *http.Request, msg string, err error, extra ...any) {
	if h.Logger == nil {
		return
	}
	attrs := append([]any{slog.String("path", r.URL.Path)}, extra...)
	if err != nil {
		attrs = append(attrs, slog.Any("error", err))
	}
	h.Logger.ErrorContext(r.Context(), msg, attrs...)
}

// retryAfterSeconds formats d as a Retry-After value: whole seconds, rounded up.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// writeJSON answers with code and v encoded as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
