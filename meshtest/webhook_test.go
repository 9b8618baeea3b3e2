package meshtest_test

// Webhook deliveries: what is sent and signed, retries, and receivers that call back
// into the fake.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

const webhookSecret = "whsec-test-secret"

// received is one request a receiver got.
type received struct {
	method, path string
	header       http.Header
	body         []byte
}

// receiver is a webhook receiver on an httptest server: it records every request,
// then answers the n-th (from 0) with answer.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []received
}

func newReceiver(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request, body []byte)) *receiver {
	t.Helper()
	rcv := &receiver{}
	rcv.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		rcv.mu.Lock()
		n := len(rcv.got)
		rcv.got = append(rcv.got, received{r.Method, r.URL.Path, r.Header.Clone(), body})
		rcv.mu.Unlock()
		answer(n, w, r, body)
	}))
	t.Cleanup(rcv.srv.Close)
	return rcv
}

// answering answers with codes in turn, the last one for ever.
func answering(codes ...int) func(int, http.ResponseWriter, *http.Request, []byte) {
	return func(n int, w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.WriteHeader(codes[min(n, len(codes)-1)])
	}
}

func (rcv *receiver) requests() []received {
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	return append([]received(nil), rcv.got...)
}

// sign is Mesh's signature, computed here with crypto/hmac.
func sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(webhookSecret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// event is a delivered event, decoded with its amounts as sent.
type event struct {
	ID, EventID, TransferID, UserID, TransferStatus, Token, DestinationAddress string
	SentTimestamp, Timestamp                                                   int64
	TransactionID, TxHash, Chain, SourceAccountProvider, RefundAddress         *string
	SourceAmount, DestinationAmount                                            *json.Number
}

func decodeEvent(t *testing.T, body []byte) (ev event, keys []string) {
	t.Helper()
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &raw))
	for k := range raw {
		keys = append(keys, k)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&ev))
	return ev, keys
}

// TestWebhookDelivery follows a payment to success: one signed delivery per status
// change, made before the method returns, carrying Mesh's event.
func TestWebhookDelivery(t *testing.T) {
	clk := newClock()
	rcv := newReceiver(t, answering(http.StatusOK))
	srv := meshtest.Start(t, meshtest.WithWebhook(rcv.srv.URL+"/hooks/mesh", webhookSecret), meshtest.WithClock(clk.Now))

	paid := pay(t, srv, withTransfer(`"toAddresses":[{`+addrOK+`,"amount":0.004786046226555188}],"amountInFiat":25,"transactionId":"order-9"`))
	assert.Len(t, rcv.requests(), 1, "delivered before PayWithLink returned")
	clk.Add(90*time.Second + 123*time.Millisecond)
	done, err := srv.SetTransferStatus(paid.ID, mesh.TransferStatusSucceeded)
	require.NoError(t, err)
	assert.Len(t, rcv.requests(), 2, "delivered before SetTransferStatus returned")

	deliveries, got := srv.Deliveries(), rcv.requests()
	require.Len(t, deliveries, 2)
	tests := []struct {
		status  string
		hash    *string
		changed time.Time
	}{
		{"Pending", nil, t0},
		{"Succeeded", &done.Hash, t0.Add(90*time.Second + 123*time.Millisecond)},
	}
	for i, tc := range tests {
		t.Run(tc.status, func(t *testing.T) {
			d := deliveries[i]
			assert.Equal(t, http.StatusOK, d.StatusCode)
			assert.Equal(t, d.Body, got[i].body, "Body is exactly what was sent")
			assert.Equal(t, http.MethodPost, got[i].method)
			assert.Equal(t, "/hooks/mesh", got[i].path)
			assert.Equal(t, "application/json", got[i].header.Get("Content-Type"))
			sig, err := base64.StdEncoding.DecodeString(got[i].header.Get("X-Mesh-Signature-256"))
			require.NoError(t, err, "standard, padded Base64")
			want, _ := base64.StdEncoding.DecodeString(sign(d.Body))
			assert.True(t, hmac.Equal(want, sig), "HMAC-SHA256 of the body with the secret")

			ev, keys := decodeEvent(t, d.Body)
			assert.ElementsMatch(t, []string{"Id", "EventId", "SentTimestamp", "UserId", "TransactionId", "TransferId",
				"TransferStatus", "TxHash", "Chain", "Token", "DestinationAddress", "SourceAccountProvider",
				"SourceAmount", "DestinationAmount", "RefundAddress", "Timestamp"}, keys)
			assert.Equal(t, d.ID, ev.ID)
			assert.Equal(t, d.EventID, ev.EventID)
			assert.Regexp(t, uuidV4Pattern, ev.ID)
			assert.Regexp(t, uuidV4Pattern, ev.EventID)
			assert.Equal(t, tc.status, ev.TransferStatus, "capitalised, as in Mesh's example")
			assert.Equal(t, string(mesh.ParseTransferStatus(ev.TransferStatus)), strings.ToLower(tc.status))
			assert.Equal(t, paid.ID, ev.TransferID)
			assert.Equal(t, "u1", ev.UserID)
			assert.Equal(t, "order-9", *ev.TransactionID)
			assert.Equal(t, tc.hash, ev.TxHash)
			assert.Equal(t, "Polygon", *ev.Chain)
			assert.Equal(t, "USDC", ev.Token)
			assert.Equal(t, "0x1", ev.DestinationAddress)
			assert.Equal(t, "Coinbase", *ev.SourceAccountProvider)
			assert.Equal(t, json.Number("0.004786046226555188"), *ev.SourceAmount, "the exact text")
			assert.Equal(t, json.Number("0.004786046226555188"), *ev.DestinationAmount)
			assert.Contains(t, string(d.Body), `"SourceAmount":0.004786046226555188,`)
			assert.Nil(t, ev.RefundAddress)
			assert.Equal(t, tc.changed.UnixMilli(), ev.Timestamp, "milliseconds of the change")
			assert.Equal(t, tc.changed.Unix(), ev.SentTimestamp, "seconds of the delivery")
		})
	}
	assert.NotEqual(t, deliveries[0].EventID, deliveries[1].EventID, "one event per status change")
}

// TestWebhookRetries: an answer other than 200, or none within the deadline, is
// delivered again at once, three tries in all, with the same EventId and a new Id.
func TestWebhookRetries(t *testing.T) {
	never := func(_ int, _ http.ResponseWriter, r *http.Request, _ []byte) { <-r.Context().Done() }
	redirect := func(_ int, w http.ResponseWriter, r *http.Request, _ []byte) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name      string
		answer    func(int, http.ResponseWriter, *http.Request, []byte)
		url       string // "" means the receiver's
		wantCodes []int
	}{
		{"200 at once", answering(http.StatusOK), "", []int{200}},
		{"500 then 200", answering(http.StatusInternalServerError, http.StatusOK), "", []int{500, 200}},
		{"503, 429, then 200", answering(http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusOK), "", []int{503, 429, 200}},
		{"500 every time", answering(http.StatusInternalServerError), "", []int{500, 500, 500}},
		{"201 is not 200", answering(http.StatusCreated), "", []int{201, 201, 201}},
		{"a redirect is not followed", redirect, "", []int{302, 302, 302}},
		{"no answer within the deadline", never, "", []int{0, 0, 0}},
		{"nobody listening", nil, closed.URL, []int{0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := tc.url
			var rcv *receiver
			if url == "" {
				rcv = newReceiver(t, tc.answer)
				url = rcv.srv.URL
			}
			// Only the receiver that never answers waits out the deadline: the others
			// answer within it however loaded the machine.
			timeout := 10 * time.Second
			if tc.name == "no answer within the deadline" {
				timeout = 50 * time.Millisecond
			}
			srv := meshtest.Start(t, meshtest.WithWebhook(url, webhookSecret), meshtest.WithWebhookTimeout(timeout))
			pay(t, srv, payment("u1", "5", "", ""))

			deliveries := srv.Deliveries()
			var codes []int
			ids := map[string]bool{}
			first, _ := decodeEvent(t, deliveries[0].Body)
			for _, d := range deliveries {
				codes = append(codes, d.StatusCode)
				ids[d.ID] = true
				assert.Equal(t, deliveries[0].EventID, d.EventID, "the same event")
				ev, _ := decodeEvent(t, d.Body)
				assert.Equal(t, d.ID, ev.ID)
				assert.GreaterOrEqual(t, ev.SentTimestamp, first.SentTimestamp, "a retry is sent later")
				ev.ID, ev.SentTimestamp = first.ID, first.SentTimestamp // the tries may cross a second
				assert.Equal(t, first, ev, "the same event but for its Id and when it was sent")
			}
			assert.Equal(t, tc.wantCodes, codes)
			assert.Len(t, ids, len(deliveries), "a new Id on each try")
			if rcv != nil {
				got := rcv.requests()
				require.Len(t, got, len(deliveries), "one request per try, none elsewhere")
				for i, r := range got {
					assert.Equal(t, deliveries[i].Body, r.body)
					assert.Equal(t, sign(r.body), r.header.Get("X-Mesh-Signature-256"))
				}
			}
		})
	}
}

// TestWebhookReceiverCallsBack: the receiver reads the transfer back through the
// fake's API, reads Deliveries, and even moves the transfer on, while its delivery is
// being made: nothing deadlocks, and every delivery is answered 200.
func TestWebhookReceiverCallsBack(t *testing.T) {
	var srv atomic.Pointer[meshtest.Server]
	var seen []string // statuses the receiver read back, in order
	var mu sync.Mutex
	rcv := newReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request, body []byte) {
		fake := srv.Load()
		var ev struct{ TransferID, TransferStatus string }
		if json.Unmarshal(body, &ev) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		req, _ := http.NewRequest(http.MethodGet, fake.URL+meshtest.TransfersPath+"?Id="+ev.TransferID, nil)
		req.Header.Set("X-Client-Id", meshtest.ClientID)
		req.Header.Set("X-Client-Secret", meshtest.ClientSecret)
		resp, err := fake.Client().Do(req)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		var env struct {
			Content struct{ Items []struct{ Status string } }
		}
		if json.NewDecoder(resp.Body).Decode(&env) != nil || len(env.Content.Items) != 1 ||
			!strings.EqualFold(env.Content.Items[0].Status, ev.TransferStatus) {
			w.WriteHeader(http.StatusConflict) // the event is not what the API holds
			return
		}
		mu.Lock()
		seen = append(seen, env.Content.Items[0].Status)
		mu.Unlock()
		_ = fake.Deliveries()
		if ev.TransferStatus == "Pending" {
			if _, err := fake.SetTransferStatus(ev.TransferID, mesh.TransferStatusSucceeded); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	fake := meshtest.Start(t, meshtest.WithWebhook(rcv.srv.URL, webhookSecret))
	srv.Store(fake)

	paid := pay(t, fake, payment("u1", "5", "", ""))
	var codes, statuses []string
	for _, d := range fake.Deliveries() {
		ev, _ := decodeEvent(t, d.Body)
		codes = append(codes, http.StatusText(d.StatusCode))
		statuses = append(statuses, ev.TransferStatus)
	}
	assert.Equal(t, []string{"OK", "OK"}, codes)
	assert.Equal(t, []string{"Pending", "Succeeded"}, statuses, "in the order sent")
	mu.Lock()
	assert.Equal(t, []string{"pending", "succeeded"}, seen)
	mu.Unlock()
	ids, _ := transferPage(t, fake, "Statuses=succeeded&Id="+paid.ID)
	assert.Equal(t, []string{paid.ID}, ids)
}

func TestNoWebhookWithoutOption(t *testing.T) {
	rcv := newReceiver(t, answering(http.StatusOK))
	srv := meshtest.Start(t)
	tr := pay(t, srv, payment("u1", "5", "", ""))
	_, err := srv.SetTransferStatus(tr.ID, mesh.TransferStatusFailed)
	require.NoError(t, err)
	assert.Empty(t, srv.Deliveries())
	assert.Empty(t, rcv.requests())
}

func TestWithWebhookRefusesWhatCannotWork(t *testing.T) {
	tests := []struct{ name, url, secret string }{
		{"empty url", "", webhookSecret},
		{"relative url", "/hooks", webhookSecret},
		{"no host", "http:///hooks", webhookSecret},
		{"another scheme", "ftp://127.0.0.1/hooks", webhookSecret},
		{"not a url", "http://[::1", webhookSecret},
		{"empty secret", "http://127.0.0.1/hooks", ""},
		{"blank secret", "http://127.0.0.1/hooks", " \t"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Panics(t, func() { meshtest.NewServer(meshtest.WithWebhook(tc.url, tc.secret)).Close() })
		})
	}
}

// TestResetKeepsWhatMeshHolds: Reset forgets the deliveries, not the transfers, the
// verifications or which tokens were paid with.
func TestResetKeepsWhatMeshHolds(t *testing.T) {
	rcv := newReceiver(t, answering(http.StatusOK))
	srv := meshtest.Start(t, meshtest.WithWebhook(rcv.srv.URL, webhookSecret))
	token := mint(t, srv, payment("u1", "5", "", ""))
	_, err := srv.PayWithLink(token)
	require.NoError(t, err)
	_, err = srv.VerifyWithLink(mint(t, srv, withVerify(`"message":"m"`)), "0x1")
	require.NoError(t, err)
	require.Len(t, srv.Deliveries(), 1)

	srv.Reset()
	assert.Empty(t, srv.Deliveries())
	_, total := transferPage(t, srv, "")
	assert.Equal(t, 1, total)
	content := okContent(t, get(t, srv, meshtest.WalletVerificationsPath+"?UserId=u1&Address=0x1"))
	assert.Len(t, content["verifications"], 1)
	_, err = srv.PayWithLink(token)
	assert.ErrorContains(t, err, "already used for a payment")
}
