package mesh_test

// The whole loop a link token starts, end to end on the fake: the token, the user
// paying in Link, Mesh's signed webhooks received and verified by package webhook, the
// transfer settled, and the transfer read back as the record.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
	"github.com/mesh-go/mesh/webhook"
)

// receiver keeps the events its webhook handler was given, in order.
type receiver struct {
	mu     sync.Mutex
	events []*webhook.TransferEvent
}

func (r *receiver) onEvent(_ context.Context, ev *webhook.TransferEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return nil
}

func (r *receiver) got() []*webhook.TransferEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*webhook.TransferEvent(nil), r.events...)
}

func TestPaymentLoopEndToEnd(t *testing.T) {
	const secret = "whsec-loop-test"
	rec := &receiver{}
	hook := httptest.NewServer(webhook.NewHandler(rec.onEvent, secret))
	t.Cleanup(hook.Close)
	srv := meshtest.Start(t, meshtest.WithWebhook(hook.URL, secret))
	client, err := srv.NewClient()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: meshtest.PolygonNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat:  mesh.Float64(25),
			TransactionID: "order-1001",
			TransferType:  mesh.TransferTypePayment,
		},
	})
	require.NoError(t, err)

	paid, err := srv.PayWithLink(lt.Token)
	require.NoError(t, err)
	assert.Equal(t, mesh.TransferStatusPending, paid.Status)
	events := rec.got()
	require.Len(t, events, 1, "the pending event is delivered before PayWithLink returns")
	assert.Equal(t, paid.ID, events[0].TransferID)
	assert.Equal(t, "order-1001", events[0].TransactionID)
	assert.Equal(t, mesh.TransferStatusPending, events[0].TransferStatus, "the fake capitalises it, as Mesh's example")

	pending, err := client.TransferByID(ctx, paid.ID)
	require.NoError(t, err)
	assert.Equal(t, mesh.TransferStatusPending, pending.Status, "nothing to release yet")
	assert.Empty(t, pending.Hash)

	_, err = srv.SetTransferStatus(paid.ID, mesh.TransferStatusSucceeded)
	require.NoError(t, err)
	events = rec.got()
	require.Len(t, events, 2)
	assert.Equal(t, mesh.TransferStatusSucceeded, events[1].TransferStatus)
	assert.NotEqual(t, events[0].EventID, events[1].EventID, "each status change is an event of its own")

	got, err := client.TransferByID(ctx, events[1].TransferID)
	require.NoError(t, err)
	assert.Equal(t, mesh.TransferStatusSucceeded, got.Status)
	assert.Equal(t, "order-1001", got.ClientTransactionID)
	assert.Equal(t, "user-42", got.UserID)
	assert.Equal(t, meshtest.PolygonNetworkID, got.NetworkID)
	assert.Equal(t, "USDC", got.Symbol)
	assert.Equal(t, "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", got.DestinationAddress)
	assert.InDelta(t, 25.0, got.AmountInFiat, 0)
	assert.NotEmpty(t, got.Hash, "a succeeded transfer has its hash")
	assert.False(t, got.ExecutedAt.IsZero())

	for _, d := range srv.Deliveries() {
		assert.Equal(t, http.StatusOK, d.StatusCode, "the handler verified every delivery's signature")
	}

	var order []*mesh.Transfer
	for tr, err := range client.AllTransfers(ctx, &mesh.TransferQuery{ClientTransactionID: "order-1001"}) {
		require.NoError(t, err)
		order = append(order, tr)
	}
	require.Len(t, order, 1)
	assert.Equal(t, got.ID, order[0].ID)
}

func TestWebhookRetriedUntilTheReceiverAnswers200(t *testing.T) {
	const secret = "whsec-retry-test"
	var calls atomic.Int32
	rec := &receiver{}
	handler := webhook.NewHandler(func(ctx context.Context, ev *webhook.TransferEvent) error {
		if calls.Add(1) == 1 {
			return assert.AnError // 500: Mesh delivers again
		}
		return rec.onEvent(ctx, ev)
	}, secret)
	hook := httptest.NewServer(handler)
	t.Cleanup(hook.Close)
	srv := meshtest.Start(t, meshtest.WithWebhook(hook.URL, secret))
	client, err := srv.NewClient()
	require.NoError(t, err)

	lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{
		UserID: "user-7",
		TransferOptions: &mesh.TransferOptions{ToAddresses: []mesh.TransferAddress{{
			NetworkID: meshtest.EthereumNetworkID, Symbol: "ETH", Address: "0x0Ff0000f0A0f0000F0F000000000ffFf00f0F0f0",
		}}},
	})
	require.NoError(t, err)
	_, err = srv.PayWithLink(lt.Token)
	require.NoError(t, err)

	deliveries := srv.Deliveries()
	require.Len(t, deliveries, 2)
	assert.Equal(t, []int{http.StatusInternalServerError, http.StatusOK}, []int{deliveries[0].StatusCode, deliveries[1].StatusCode})
	assert.Equal(t, deliveries[0].EventID, deliveries[1].EventID, "a retry carries the same EventId")
	assert.NotEqual(t, deliveries[0].ID, deliveries[1].ID, "and a new Id")
	require.Len(t, rec.got(), 1)
	assert.Equal(t, deliveries[1].ID, rec.got()[0].ID)
}
