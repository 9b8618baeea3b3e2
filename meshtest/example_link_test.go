package meshtest_test

// Examples of the fake playing the user in Link, and Mesh's webhooks.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// The user pays in Link, and Mesh sees the transfer through: the fake plays both. A
// back end then confirms the payment from the transfer list (TransfersPath), filtered
// by the TransactionID it put in the token request.
func ExampleServer_PayWithLink() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: meshtest.PolygonNetworkID,
				Symbol:    "USDC",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat:  mesh.Float64(25),
			TransactionID: "order-1001",
			TransferType:  mesh.TransferTypePayment,
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	transfer, err := srv.PayWithLink(lt.Token) // the user pays in Link
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(transfer.ClientTransactionID, transfer.Status, transfer.Amount, transfer.Symbol, "on", transfer.NetworkName)

	transfer, err = srv.SetTransferStatus(transfer.ID, mesh.TransferStatusSucceeded) // Mesh sees it through
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(transfer.Status, "hash:", transfer.Hash != "", "executed:", !transfer.ExecutedAt.IsZero())

	_, err = srv.PayWithLink(lt.Token)
	fmt.Println(err)
	// Output:
	// order-1001 pending 25 USDC on Polygon
	// succeeded hash: true executed: true
	// meshtest: PayWithLink: the link token was already used for a payment: a link token is single-use
}

// A webhook receiver that checks Mesh's signature itself, over the exact bytes it
// read, before it looks inside. The fake delivers each status change before
// PayWithLink and SetTransferStatus return. Mesh capitalises the status in its
// events: compare without case, as mesh.ParseTransferStatus does.
func ExampleWithWebhook() {
	const secret = "whsec-example"
	var (
		mu       sync.Mutex
		statuses []string
	)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		got, err := base64.StdEncoding.DecodeString(r.Header.Get("X-Mesh-Signature-256"))
		if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var event struct {
			EventID        string `json:"EventId"` // deduplicate on it
			TransferID     string `json:"TransferId"`
			TransferStatus string
		}
		if err := json.Unmarshal(body, &event); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		statuses = append(statuses, event.TransferStatus)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()

	srv := meshtest.NewServer(meshtest.WithWebhook(receiver.URL+"/webhooks/mesh", secret))
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: meshtest.EthereumNetworkID,
				Symbol:    "ETH",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
				Amount:    mesh.Float64(0.01),
			}},
			TransactionID: "order-1002",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	transfer, err := srv.PayWithLink(lt.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := srv.SetTransferStatus(transfer.ID, mesh.TransferStatusFailed); err != nil {
		fmt.Println(err)
		return
	}

	mu.Lock()
	for _, s := range statuses {
		fmt.Println(s, "reads as", mesh.ParseTransferStatus(s))
	}
	mu.Unlock()
	for _, d := range srv.Deliveries() {
		fmt.Println("delivery answered", d.StatusCode)
	}
	// Output:
	// Pending reads as pending
	// Failed reads as failed
	// delivery answered 200
	// delivery answered 200
}
