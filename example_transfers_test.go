package mesh_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// ExampleClient_AllTransfers confirms an order from Mesh's transfer list: every transfer
// that names the order (the TransactionID of its link token request), page after page,
// until one succeeded. A user who failed once and paid on a second try leaves two.
func ExampleClient_AllTransfers() {
	srv := meshtest.NewServer() // the fake plays Mesh and, here, the user in Link
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()
	ctx := context.Background()

	req := &mesh.CreateLinkTokenRequest{UserID: "user-42", TransferOptions: &mesh.TransferOptions{
		ToAddresses: []mesh.TransferAddress{{
			NetworkID: meshtest.PolygonNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
		}},
		AmountInFiat:  mesh.Float64(25),
		TransactionID: "order-1001",
	}}
	for _, status := range []mesh.TransferStatus{mesh.TransferStatusFailed, mesh.TransferStatusSucceeded} {
		lt, err := client.CreateLinkToken(ctx, req)
		if err != nil {
			log.Fatal(err)
		}
		tr, err := srv.PayWithLink(lt.Token)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := srv.SetTransferStatus(tr.ID, status); err != nil {
			log.Fatal(err)
		}
	}

	for tr, err := range client.AllTransfers(ctx, &mesh.TransferQuery{ClientTransactionID: "order-1001", Count: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tr.ClientTransactionID, tr.Status, tr.AmountInFiat, tr.Symbol, tr.Hash != "")
		if tr.Status == mesh.TransferStatusSucceeded {
			break // the order is paid: compare amount, token and destination, then release it
		}
	}
	// Output:
	// order-1001 failed 25 USDC false
	// order-1001 succeeded 25 USDC true
}

// ExampleClient_TransferByID reads a transfer back by the id a webhook named: the
// event is a hint, this is the record.
func ExampleClient_TransferByID() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()
	ctx := context.Background()

	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: "user-42", TransferOptions: &mesh.TransferOptions{
		ToAddresses: []mesh.TransferAddress{{
			NetworkID: meshtest.EthereumNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
		}},
		AmountInFiat:  mesh.Float64(10),
		TransactionID: "order-1002",
	}})
	if err != nil {
		log.Fatal(err)
	}
	paid, err := srv.PayWithLink(lt.Token)
	if err != nil {
		log.Fatal(err)
	}

	tr, err := client.TransferByID(ctx, paid.ID) // e.g. webhook.TransferEvent.TransferID
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tr.ClientTransactionID, tr.Status, tr.Status.Final())
	// Output:
	// order-1002 pending false
}
