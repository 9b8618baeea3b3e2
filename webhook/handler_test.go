package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh/webhook"
)

// recorder is a handler's fn that records the events it gets and returns err.
type recorder struct {
	events []*webhook.TransferEvent
	err    error
}

func (rec *recorder) fn(_ context.Context, ev *webhook.TransferEvent) error {
	rec.events = append(rec.events, ev)
	return rec.err
}

// bodyOfSize is a signed-able transfer event of exactly n bytes (n >= 64), padded
// with white space inside the object.
func bodyOfSize(n int) []byte {
	head := `{"EventId":"e-1","TransferId":"t-1"`
	return []byte(head + strings.Repeat(" ", n-len(head)-1) + "}")
}

func TestHandlerAnswers(t *testing.T) {
	ev := meshExample(t)
	errFn := errors.New("database down at 10.0.0.7")
	tests := []struct {
		name      string
		method    string
		body      []byte
		signature string
		fnErr     error
		wantCode  int
		wantText  string // the answer's body, for error answers
		wantCall  bool
	}{
		{"a signed event", http.MethodPost, ev, webhook.Sign(ev, testSecret), nil, http.StatusOK, "", true},
		{"fn failed: Mesh delivers again", http.MethodPost, ev, webhook.Sign(ev, testSecret), errFn, http.StatusInternalServerError, "event not processed\n", true},
		{"no signature", http.MethodPost, ev, "", nil, http.StatusUnauthorized, "no signature\n", false},
		{"blank signature", http.MethodPost, ev, " ", nil, http.StatusUnauthorized, "no signature\n", false},
		{"wrong signature", http.MethodPost, ev, webhook.Sign(ev, "guess"), nil, http.StatusUnauthorized, "invalid signature\n", false},
		{"garbled signature", http.MethodPost, ev, "not-base64", nil, http.StatusUnauthorized, "invalid signature\n", false},
		{"signed body, not an event", http.MethodPost, []byte(`[]`), webhook.Sign([]byte(`[]`), testSecret), nil, http.StatusBadRequest, "not a transfer event\n", false},
		{"signed body without EventId", http.MethodPost, []byte(`{"TransferId":"t"}`), webhook.Sign([]byte(`{"TransferId":"t"}`), testSecret), nil, http.StatusBadRequest, "not a transfer event\n", false},
		{"GET", http.MethodGet, nil, "", nil, http.StatusMethodNotAllowed, "method not allowed\n", false},
		{"PUT of a signed event", http.MethodPut, ev, webhook.Sign(ev, testSecret), nil, http.StatusMethodNotAllowed, "method not allowed\n", false},
		{"HEAD", http.MethodHead, nil, "", nil, http.StatusMethodNotAllowed, "method not allowed\n", false},
		{"over the bound, signed", http.MethodPost, bodyOfSize(64<<10 + 1), webhook.Sign(bodyOfSize(64<<10+1), testSecret), nil, http.StatusRequestEntityTooLarge, "body too large\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{err: tc.fnErr}
			w := deliver(webhook.NewHandler(rec.fn, testSecret), tc.method, tc.body, tc.signature)

			assert.Equal(t, tc.wantCode, w.Code)
			if tc.wantCall {
				require.Len(t, rec.events, 1)
				assert.Equal(t, "56713e70-be74-4a37-0036-08da97f5941a", rec.events[0].EventID)
			} else {
				assert.Empty(t, rec.events, "fn called")
			}
			if tc.wantCode == http.StatusMethodNotAllowed {
				assert.Equal(t, http.MethodPost, w.Header().Get("Allow"))
			} else {
				assert.Empty(t, w.Header().Get("Allow"))
			}
			if tc.wantCode != http.StatusOK {
				assert.Equal(t, tc.wantText, w.Body.String())
				assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
			}
			answer := w.Body.String()
			assert.NotContains(t, answer, testSecret)
			assert.NotContains(t, answer, webhook.Sign(tc.body, testSecret))
			assert.NotContains(t, answer, errFn.Error())
		})
	}
}

// TestHandlerBound: the bound is 64 KiB, exactly.
func TestHandlerBound(t *testing.T) {
	for _, tc := range []struct {
		size int
		want int
	}{
		{64 << 10, http.StatusOK},
		{64<<10 + 1, http.StatusRequestEntityTooLarge},
		{1 << 20, http.StatusRequestEntityTooLarge},
	} {
		body := bodyOfSize(tc.size)
		require.Len(t, body, tc.size)
		rec := &recorder{}
		w := deliver(webhook.NewHandler(rec.fn, testSecret), http.MethodPost, body, webhook.Sign(body, testSecret))
		assert.Equal(t, tc.want, w.Code, "a body of %d bytes", tc.size)
		assert.Equal(t, tc.want == http.StatusOK, len(rec.events) == 1, "fn called for a body of %d bytes", tc.size)
	}
}

func TestHandlerBodyNotRead(t *testing.T) {
	rec := &recorder{}
	r := httptest.NewRequest(http.MethodPost, "/", iotest.ErrReader(errors.New("connection reset")))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(nil, testSecret))
	w := httptest.NewRecorder()
	webhook.NewHandler(rec.fn, testSecret).ServeHTTP(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Equal(t, "body not read\n", w.Body.String())
	assert.Empty(t, rec.events)
}

func TestHandlerPassesTheRequestsContext(t *testing.T) {
	type key struct{}
	var got context.Context
	h := webhook.NewHandler(func(ctx context.Context, _ *webhook.TransferEvent) error {
		got = ctx
		return nil
	}, testSecret)
	body := meshExample(t)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	r.Header.Set(webhook.SignatureHeader, webhook.Sign(body, testSecret))
	r = r.WithContext(context.WithValue(r.Context(), key{}, "request-42"))
	h.ServeHTTP(httptest.NewRecorder(), r)
	require.NotNil(t, got)
	assert.Equal(t, "request-42", got.Value(key{}))
}

func TestHandlerRotation(t *testing.T) {
	body := meshExample(t)
	secrets := []string{"whsec_new_1a2b3c", "whsec_old_4d5e6f"}
	for _, signer := range secrets {
		rec := &recorder{}
		w := deliver(webhook.NewHandler(rec.fn, secrets...), http.MethodPost, body, webhook.Sign(body, signer))
		assert.Equal(t, http.StatusOK, w.Code, "signed with %s", signer)
		assert.Len(t, rec.events, 1)
	}
}

// TestHandlerKeepsItsSecrets: changing the slice given to NewHandler afterwards
// changes nothing.
func TestHandlerKeepsItsSecrets(t *testing.T) {
	body := meshExample(t)
	secrets := []string{testSecret}
	rec := &recorder{}
	h := webhook.NewHandler(rec.fn, secrets...)
	secrets[0] = "whsec_attacker"
	assert.Equal(t, http.StatusOK, deliver(h, http.MethodPost, body, webhook.Sign(body, testSecret)).Code)
	assert.Equal(t, http.StatusUnauthorized, deliver(h, http.MethodPost, body, webhook.Sign(body, "whsec_attacker")).Code)
}

func TestNewHandlerPanicsOnAMistake(t *testing.T) {
	fn := (&recorder{}).fn
	for _, tc := range []struct {
		name    string
		fn      func(context.Context, *webhook.TransferEvent) error
		secrets []string
		want    string
	}{
		{"nil fn", nil, []string{testSecret}, "webhook: NewHandler with a nil fn"},
		{"no secret", fn, nil, "webhook: NewHandler with no secret"},
		{"empty secret", fn, []string{""}, "webhook: NewHandler with a blank secret"},
		{"blank secret", fn, []string{" \n"}, "webhook: NewHandler with a blank secret"},
		{"a blank secret beside a good one", fn, []string{testSecret, ""}, "webhook: NewHandler with a blank secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.PanicsWithValue(t, tc.want, func() { webhook.NewHandler(tc.fn, tc.secrets...) })
		})
	}
	assert.NotPanics(t, func() { webhook.NewHandler(fn, testSecret, "whsec_other") })
}
