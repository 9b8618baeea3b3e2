package mesh_test

// The whole loop a link token starts, end to end on the fake: the token, the user paying
// in Link, Mesh's signed webhooks verified by package webhook, the transfer settled and
// read back as the record. (Webhook retries: meshtest's TestWebhookRetries.)

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
	"github.com/mesh-go/mesh/webhook"
)

func TestPaymentLoopEndToEnd(t *testing.T) {
	const secret = "whsec-loop-test"
	var mu sync.Mutex
	var received []*webhook.TransferEvent // in order
	hook := httptest.NewServer(webhook.NewHandler(func(_ context.Context, ev *webhook.TransferEvent) error {
		mu.Lock()
		defer mu.Unlock()
		received = append(received, ev)
		return nil
	}, secret))
	delivered := func() []*webhook.TransferEvent { mu.Lock(); defer mu.Unlock(); return slices.Clone(received) }
	t.Cleanup(hook.Close)
	srv := meshtest.Start(t, meshtest.WithWebhook(hook.URL, secret))
	client := newFakeClient(t, srv)
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
	events := delivered()
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
	events = delivered()
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
}
