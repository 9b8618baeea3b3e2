package mesh

// The error types themselves: APIError's sentinel and text for values built by hand,
// ValidationError and InvalidRequestError. How answers become APIErrors is
// response_test.go's.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Consumers build APIError values in their own fakes, with exported fields only; the
// mapping holds for such values too, and survives wrapping.
func TestAPIErrorIsForValuesBuiltByConsumers(t *testing.T) {
	tests := []struct {
		name string
		err  *APIError
		want error
	}{
		{"zero value", &APIError{}, ErrUnexpectedResponse},
		{"401", &APIError{HTTPStatusCode: 401}, ErrUnauthorized},
		{"401 with permissionDenied", &APIError{HTTPStatusCode: 401, Status: StatusPermissionDenied}, ErrUnauthorized},
		{"status without code", &APIError{Status: StatusNotFound}, ErrNotFound},
		{"status over code", &APIError{HTTPStatusCode: 503, Status: StatusConflict}, ErrConflict},
		{"ok status at 503", &APIError{HTTPStatusCode: 503, Status: StatusOK}, ErrServerFailure},
		{"unknown status at 423", &APIError{HTTPStatusCode: 423, Status: "someFutureStatus"}, ErrLocked},
		{"451 without status", &APIError{HTTPStatusCode: 451}, ErrUnavailableForLegalReasons},
		{"403 without status", &APIError{HTTPStatusCode: 403}, ErrPermissionDenied},
		{"200 ok", &APIError{HTTPStatusCode: 200, Status: StatusOK}, ErrUnexpectedResponse},
		{"600", &APIError{HTTPStatusCode: 600}, ErrUnexpectedResponse},
		{"every field", &APIError{HTTPStatusCode: 429, Status: StatusTooManyRequest, ErrorType: "rateLimited", Message: "slow down", DisplayMessage: "Try later",
			ErrorHash: "e08e7897", ErrorData: json.RawMessage(`{"a":1}`), RetryAfter: time.Second, Header: http.Header{"X-Request-Id": {"r1"}}}, ErrTooManyRequests},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wrapped := fmt.Errorf("minting a token for user 42: %w", tc.err)
			assertOnlySentinel(t, wrapped, tc.want)
			var apiErr *APIError
			require.ErrorAs(t, wrapped, &apiErr)
			assert.Same(t, tc.err, apiErr)
			assert.NotErrorIs(t, tc.err, errors.New(tc.want.Error()), "Is compares identity, not text")
		})
	}
}

// An APIError's text starts "mesh: ", says what the server said (Message before
// DisplayMessage), and is one short line, cut at a character.
func TestAPIErrorText(t *testing.T) {
	tests := []struct {
		name       string
		err        *APIError
		has, hasnt []string
	}{
		{"every part", &APIError{HTTPStatusCode: 400, Status: StatusBadRequest, ErrorType: "missingField", Message: "userId is required",
			DisplayMessage: "Something went wrong", ErrorHash: "8d443794"},
			[]string{"400", "badRequest", "missingField", "userId is required", "[errorHash 8d443794]"},
			[]string{"Something went wrong", "retry after"}}, // Message is preferred; no Retry-After, no retry hint
		{"DisplayMessage without Message", &APIError{HTTPStatusCode: 409, Status: StatusConflict, DisplayMessage: "Try again later"}, []string{"Try again later"}, []string{"errorHash"}},
		{"Retry-After", &APIError{HTTPStatusCode: 429, Status: StatusTooManyRequest, RetryAfter: 2 * time.Second}, []string{"retry after 2s"}, nil},
		{"Retry-After 0", &APIError{HTTPStatusCode: 429, Status: StatusTooManyRequest}, nil, []string{"retry after", "0s"}},
		{"long message", &APIError{HTTPStatusCode: 400, Status: StatusBadRequest, Message: "first words " + strings.Repeat("x", 5000) + " TAIL"}, []string{"first words"}, []string{"TAIL"}},
		{"multi-line message", &APIError{HTTPStatusCode: 500, Status: StatusServerFailure, Message: "boom\nat Mesh.Api.Handler()\r\n  at System.Threading"}, []string{"boom"}, []string{"\n"}},
		{"long multi-line display message", &APIError{HTTPStatusCode: 502, DisplayMessage: "down\n" + strings.Repeat("<p>outage</p>\n", 500) + "TAIL"}, []string{"down"}, []string{"TAIL"}},
		{"every field long", &APIError{HTTPStatusCode: 400, Status: Status(strings.Repeat("s", 1000)), ErrorType: strings.Repeat("t", 1000),
			Message: "first" + strings.Repeat("é", 5000) + "TAIL", ErrorHash: strings.Repeat("h", 1000)},
			[]string{"first"}, []string{"TAIL"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.err.Error()
			assert.True(t, strings.HasPrefix(text, "mesh: "), text)
			for _, s := range tc.has {
				assert.Contains(t, text, s)
			}
			for _, s := range tc.hasnt {
				assert.NotContains(t, text, s)
			}
			assertShortLine(t, text, 599, "the error")
			assert.NotContains(t, text, "\uFFFD", "cut inside a character")
		})
	}
}

// A ValidationError reads "mesh: invalid request: field: reason", the reason alone when
// no field; an InvalidRequestError joins its problems on one line. Each matches only
// ErrValidation, wrapped or not, and errors.As finds the problem.
func TestValidationErrors(t *testing.T) {
	p1 := &ValidationError{Field: "userId", Reason: "is required"}
	p2 := &ValidationError{Field: "transferOptions.toAddresses[1].networkId", Reason: "must be a UUID"}
	p3 := &ValidationError{Field: "transferOptions.clientFee", Reason: "must be a ratio from 0 to 1"}
	noField := &ValidationError{Reason: "request is nil"}
	for p, want := range map[*ValidationError]string{p1: "mesh: invalid request: userId: is required",
		p2: "mesh: invalid request: transferOptions.toAddresses[1].networkId: must be a UUID", noField: "mesh: invalid request: request is nil"} {
		assert.Equal(t, want, p.Error())
		wrapped := fmt.Errorf("wrapped: %w", p)
		assertOnlySentinel(t, wrapped, ErrValidation)
		var ve *ValidationError
		require.ErrorAs(t, wrapped, &ve)
		assert.Same(t, p, ve)
	}

	err := &InvalidRequestError{Problems: []*ValidationError{p1, p2, p3}}

	assert.Equal(t, "mesh: invalid request: userId: is required; transferOptions.toAddresses[1].networkId: must be a UUID; "+
		"transferOptions.clientFee: must be a ratio from 0 to 1", err.Error())
	assertOnlySentinel(t, fmt.Errorf("wrapped: %w", err), ErrValidation)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Same(t, p1, ve)

	assertOnlySentinel(t, &InvalidRequestError{}, ErrValidation)
}

// A request with hundreds of problems still reads as one short line: the first few,
// then how many more Problems holds.
func TestInvalidRequestErrorTextIsBounded(t *testing.T) {
	req := validRequest()
	req.TransferOptions.ToAddresses = make([]TransferAddress, 500) // each lacks networkId, symbol, address
	err := req.Validate()
	var invalid *InvalidRequestError
	require.ErrorAs(t, err, &invalid)
	require.Len(t, invalid.Problems, 1500)

	text := err.Error()
	assertShortLine(t, text, 1023, "the error")
	assert.Contains(t, text, "transferOptions.toAddresses[0].networkId")
	assert.True(t, strings.HasSuffix(text, "; and 1495 more (see Problems)"), text)
	assert.Len(t, invalid.Unwrap(), 1500, "the tree keeps every problem")
}
