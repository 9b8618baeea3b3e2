package mesh

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Consumers build APIError values in their own fakes, with exported fields only: the
// mapping must hold for such literals, not only for errors the client builds.
func TestAPIErrorIsMapping(t *testing.T) {
	tests := []struct {
		name string
		err  *APIError
		want error
	}{
		{name: "zero value", err: &APIError{}, want: ErrUnexpectedResponse},
		{name: "401 alone", err: &APIError{HTTPStatusCode: 401}, want: ErrUnauthorized},
		{name: "401 with badRequest", err: &APIError{HTTPStatusCode: 401, Status: StatusBadRequest}, want: ErrUnauthorized},
		{name: "401 with serverFailure", err: &APIError{HTTPStatusCode: 401, Status: StatusServerFailure}, want: ErrUnauthorized},
		{name: "401 with ok", err: &APIError{HTTPStatusCode: 401, Status: StatusOK}, want: ErrUnauthorized},
		{name: "400", err: &APIError{HTTPStatusCode: 400}, want: ErrBadRequest},
		{name: "403", err: &APIError{HTTPStatusCode: 403}, want: ErrPermissionDenied},
		{name: "404", err: &APIError{HTTPStatusCode: 404}, want: ErrNotFound},
		{name: "409", err: &APIError{HTTPStatusCode: 409}, want: ErrConflict},
		{name: "423", err: &APIError{HTTPStatusCode: 423}, want: ErrLocked},
		{name: "429", err: &APIError{HTTPStatusCode: 429}, want: ErrTooManyRequests},
		{name: "451", err: &APIError{HTTPStatusCode: 451}, want: ErrUnavailableForLegalReasons},
		{name: "500", err: &APIError{HTTPStatusCode: 500}, want: ErrServerFailure},
		{name: "502", err: &APIError{HTTPStatusCode: 502}, want: ErrServerFailure},
		{name: "503", err: &APIError{HTTPStatusCode: 503}, want: ErrServerFailure},
		{name: "504", err: &APIError{HTTPStatusCode: 504}, want: ErrServerFailure},
		{name: "599", err: &APIError{HTTPStatusCode: 599}, want: ErrServerFailure},
		{name: "200", err: &APIError{HTTPStatusCode: 200}, want: ErrUnexpectedResponse},
		{name: "200 ok", err: &APIError{HTTPStatusCode: 200, Status: StatusOK}, want: ErrUnexpectedResponse},
		{name: "204", err: &APIError{HTTPStatusCode: 204}, want: ErrUnexpectedResponse},
		{name: "301", err: &APIError{HTTPStatusCode: 301}, want: ErrUnexpectedResponse},
		{name: "302", err: &APIError{HTTPStatusCode: 302}, want: ErrUnexpectedResponse},
		{name: "405", err: &APIError{HTTPStatusCode: 405}, want: ErrUnexpectedResponse},
		{name: "418", err: &APIError{HTTPStatusCode: 418}, want: ErrUnexpectedResponse},
		{name: "600", err: &APIError{HTTPStatusCode: 600}, want: ErrUnexpectedResponse},
		{name: "unknown status at 200", err: &APIError{HTTPStatusCode: 200, Status: "weird"}, want: ErrUnexpectedResponse},
		{name: "unknown status at 429", err: &APIError{HTTPStatusCode: 429, Status: "weird"}, want: ErrTooManyRequests},
		{name: "ok at 503", err: &APIError{HTTPStatusCode: 503, Status: StatusOK}, want: ErrServerFailure},
		// The status decides over the HTTP code.
		{name: "badRequest at 200", err: &APIError{HTTPStatusCode: 200, Status: StatusBadRequest}, want: ErrBadRequest},
		{name: "badRequest at 503", err: &APIError{HTTPStatusCode: 503, Status: StatusBadRequest}, want: ErrBadRequest},
		{name: "serverFailure at 400", err: &APIError{HTTPStatusCode: 400, Status: StatusServerFailure}, want: ErrServerFailure},
		{name: "tooManyRequest at 200", err: &APIError{HTTPStatusCode: 200, Status: StatusTooManyRequest}, want: ErrTooManyRequests},
		// A status without a code, as a hand-written fake may build it.
		{name: "badRequest alone", err: &APIError{Status: StatusBadRequest}, want: ErrBadRequest},
		{name: "permissionDenied alone", err: &APIError{Status: StatusPermissionDenied}, want: ErrPermissionDenied},
		{name: "notFound alone", err: &APIError{Status: StatusNotFound}, want: ErrNotFound},
		{name: "conflict alone", err: &APIError{Status: StatusConflict}, want: ErrConflict},
		{name: "locked alone", err: &APIError{Status: StatusLocked}, want: ErrLocked},
		{name: "tooManyRequest alone", err: &APIError{Status: StatusTooManyRequest}, want: ErrTooManyRequests},
		{name: "unavailableForLegalReasons alone", err: &APIError{Status: StatusUnavailableForLegalReasons}, want: ErrUnavailableForLegalReasons},
		{name: "serverFailure alone", err: &APIError{Status: StatusServerFailure}, want: ErrServerFailure},
		{name: "every field set", err: &APIError{HTTPStatusCode: 423, Status: StatusLocked, ErrorType: "accountLocked",
			Message: "locked", DisplayMessage: "Locked", ErrorHash: "abc", ErrorData: json.RawMessage(`{}`), RetryAfter: time.Second}, want: ErrLocked},
		// Unexported state the client sets.
		{name: "too large at 400", err: &APIError{HTTPStatusCode: 400, unexpected: true}, want: ErrUnexpectedResponse},
		{name: "too large at 401", err: &APIError{HTTPStatusCode: 401, unexpected: true}, want: ErrUnauthorized},
		{name: "not JSON at 503", err: &APIError{HTTPStatusCode: 503, reason: "answer is not Mesh's JSON envelope"}, want: ErrServerFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ntAssertOnlySentinel(t, tc.err, tc.want)
			// Wrapping keeps the match and the details.
			wrapped := fmt.Errorf("minting a token for user 42: %w", tc.err)
			ntAssertOnlySentinel(t, wrapped, tc.want)
			var apiErr *APIError
			require.ErrorAs(t, wrapped, &apiErr)
			assert.Same(t, tc.err, apiErr)
			assert.False(t, errors.Is(tc.err, context.Canceled))
			assert.False(t, errors.Is(tc.err, errors.New(tc.want.Error())), "Is compares identity, not text")
		})
	}
}

func TestAPIErrorError(t *testing.T) {
	tests := []struct {
		name string
		err  *APIError
		want string
	}{
		{name: "zero value", err: &APIError{}, want: "mesh: 0"},
		{name: "code only", err: &APIError{HTTPStatusCode: 502}, want: "mesh: 502 Bad Gateway"},
		{name: "unknown code", err: &APIError{HTTPStatusCode: 599}, want: "mesh: 599"},
		{
			name: "every field",
			err: &APIError{HTTPStatusCode: 400, Status: StatusBadRequest, ErrorType: "missingField",
				Message: "userId is required", DisplayMessage: "Something went wrong", ErrorHash: "8d443794",
				ErrorData: json.RawMessage(`{"field":"userId"}`), RetryAfter: 0},
			want: "mesh: 400 Bad Request: badRequest (missingField): userId is required [errorHash 8d443794]",
		},
		{
			name: "display message when there is no message",
			err:  &APIError{HTTPStatusCode: 409, Status: StatusConflict, DisplayMessage: "Try again"},
			want: "mesh: 409 Conflict: conflict: Try again",
		},
		{
			name: "retry after",
			err:  &APIError{HTTPStatusCode: 429, Status: StatusTooManyRequest, RetryAfter: 3 * time.Second},
			want: "mesh: 429 Too Many Requests: tooManyRequest (retry after 3s)",
		},
		{
			name: "control characters",
			err:  &APIError{HTTPStatusCode: 400, Status: "bad\nRequest", ErrorType: "a\tb", Message: "one\ntwo\r\nthree"},
			want: "mesh: 400 Bad Request: bad Request (a b): one two  three",
		},
		{
			name: "reason and cause",
			err:  &APIError{HTTPStatusCode: 200, reason: "answer cut short", cause: io.ErrUnexpectedEOF},
			want: "mesh: 200 OK: answer cut short: unexpected EOF",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.err.Error())
		})
	}

	t.Run("long server text is cut", func(t *testing.T) {
		e := &APIError{HTTPStatusCode: 400, Status: Status(strings.Repeat("s", 1000)), ErrorType: strings.Repeat("t", 1000),
			Message: strings.Repeat("é", 5000), ErrorHash: strings.Repeat("h", 1000)}
		text := e.Error()
		assert.Less(t, len(text), 600)
		assert.True(t, strings.HasPrefix(text, "mesh: 400 Bad Request: sss"), text)
		assert.NotContains(t, text, "\uFFFD", "cut inside a rune")
	})
}

func TestAPIErrorUnwrap(t *testing.T) {
	assert.Nil(t, (&APIError{HTTPStatusCode: 500}).Unwrap())
	assert.Nil(t, errors.Unwrap(&APIError{HTTPStatusCode: 400, Status: StatusBadRequest}))

	cause := fmt.Errorf("reading: %w", context.DeadlineExceeded)
	e := &APIError{HTTPStatusCode: 200, reason: "answer cut short", cause: cause}
	assert.Same(t, cause, errors.Unwrap(e))
	assert.ErrorIs(t, e, context.DeadlineExceeded)
	ntAssertOnlySentinel(t, e, ErrUnexpectedResponse)
}

func TestValidationErrorErrorAndIs(t *testing.T) {
	tests := []struct {
		name string
		err  *ValidationError
		want string
	}{
		{name: "field", err: &ValidationError{Field: "userId", Reason: "is required"}, want: "mesh: invalid request: userId: is required"},
		{
			name: "nested field",
			err:  &ValidationError{Field: "transferOptions.toAddresses[0].networkId", Reason: "must be a UUID"},
			want: "mesh: invalid request: transferOptions.toAddresses[0].networkId: must be a UUID",
		},
		{name: "no field", err: &ValidationError{Reason: "request is nil"}, want: "mesh: invalid request: request is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.err.Error())
			ntAssertOnlySentinel(t, tc.err, ErrValidation)
			ntAssertOnlySentinel(t, fmt.Errorf("wrapped: %w", tc.err), ErrValidation)
			var ve *ValidationError
			require.ErrorAs(t, fmt.Errorf("wrapped: %w", tc.err), &ve)
			assert.Same(t, tc.err, ve)
		})
	}
}

func TestValidationErrorsJoined(t *testing.T) {
	req := &CreateLinkTokenRequest{
		UserID:        strings.Repeat("u", MaxUserIDLength+1),
		IntegrationID: "not-a-uuid",
		TransferOptions: &TransferOptions{
			ToAddresses:   []TransferAddress{{NetworkID: "nope", Symbol: "", Address: "0xabc", Amount: Float64(-1)}},
			ClientFee:     Float64(2),
			TransactionID: strings.Repeat("t", MaxTransactionIDLength+1),
		},
	}
	err := req.Validate()
	require.Error(t, err)
	ntAssertOnlySentinel(t, err, ErrValidation)
	text := err.Error()
	assert.NotContains(t, text, "\n")
	assert.Equal(t, 1, strings.Count(text, "mesh: invalid request: "), text)

	multi, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "the error has no Unwrap() []error")
	var fields []string
	for _, e := range multi.Unwrap() {
		var ve *ValidationError
		require.ErrorAs(t, e, &ve)
		fields = append(fields, ve.Field)
		assert.Contains(t, text, ve.Field+": "+ve.Reason)
	}
	assert.ElementsMatch(t, []string{
		"userId", "integrationId",
		"transferOptions.toAddresses[0].networkId", "transferOptions.toAddresses[0].symbol",
		"transferOptions.toAddresses[0].amount", "transferOptions.clientFee", "transferOptions.transactionId",
	}, fields)

	t.Run("sent by CreateLinkToken unchanged, nothing sent", func(t *testing.T) {
		c, mt := newMockClient(t)
		_, callErr := c.CreateLinkToken(context.Background(), req)
		ntAssertOnlySentinel(t, callErr, ErrValidation)
		assert.Equal(t, text, callErr.Error())
		assert.Equal(t, 0, mt.GetTotalCallCount())
	})
}

// TestValidationErrorsComparable: callers may compare errors with == or use them as map
// keys; a refused request's error must allow it (a slice type would panic).
func TestValidationErrorsComparable(t *testing.T) {
	err1 := (&CreateLinkTokenRequest{}).Validate()
	err2 := (&CreateLinkTokenRequest{}).Validate()
	require.Error(t, err1)
	assert.NotPanics(t, func() {
		assert.False(t, err1 == err2) //nolint:errorlint // comparing with == is the subject
		assert.True(t, err1 == err1)  //nolint:errorlint,staticcheck // comparing an error with itself is the subject
		_ = map[error]bool{err1: true}
	})
}
