package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mesh-go/mesh/webhook"
)

func ExampleNewHandler() {
	secret := "whsec_example" // in production: os.Getenv("MESH_WEBHOOK_SECRET")
	h := webhook.NewHandler(func(ctx context.Context, ev *webhook.TransferEvent) error {
		// Record ev.EventID in your own store, skip it if it was there, and read the
		// transfer back with Client.TransferByID after answering (see the package doc).
		fmt.Println("event", ev.EventID, ev.TransferStatus, ev.SourceAmount, ev.Token)
		return nil
	}, secret)
	// http.Handle("POST /mesh/webhook", h)

	// A delivery as Mesh sends it, signed with the secret.
	body := []byte(`{"Id":"358c6ab7-4518-416b-9266-c680fda3a8dd","EventId":"56713e70-be74-4a37-0036-08da97f5941a",` +
		`"TransferId":"dd4063e5-f317-441c-3f07-08dc7353b6f8","TransferStatus":"Pending",` +
		`"Token":"ETH","SourceAmount":0.004786046226555188,"Timestamp":1715175519038}`)
	for _, signature := range []string{webhook.Sign(body, secret), webhook.Sign(body, "a guess")} {
		r := httptest.NewRequest(http.MethodPost, "/mesh/webhook", bytes.NewReader(body))
		r.Header.Set(webhook.SignatureHeader, signature)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}

	// Output:
	// event 56713e70-be74-4a37-0036-08da97f5941a pending 0.004786046226555188 ETH
	// 200
	// 401
}

func ExampleVerify() {
	// A receiver written by hand verifies the body exactly as read, before parsing it.
	// During a rotation it gives both secrets.
	body := []byte(`{"EventId":"e2"}`)
	signature := "p1BLJVOPcCSJJHBXgZF9vPTIT1Qezqi79Te6eZpImfM=" // r.Header.Get(webhook.SignatureHeader)

	fmt.Println(webhook.Verify(body, signature, "whsec_new", "secret"))
	fmt.Println(webhook.Verify([]byte(`{"EventId":"e3"}`), signature, "whsec_new", "secret"))
	fmt.Println(errors.Is(webhook.Verify(body, "", "secret"), webhook.ErrNoSignature))

	// Output:
	// <nil>
	// webhook: invalid signature
	// true
}

func ExampleSign() {
	// Sign makes the signature Mesh would send: for a test of your receiver.
	fmt.Println(webhook.Sign([]byte(`{"EventId":"e2"}`), "secret"))

	// Output:
	// p1BLJVOPcCSJJHBXgZF9vPTIT1Qezqi79Te6eZpImfM=
}

func ExampleParseTransferEvent() {
	body := []byte(`{"EventId":"e-1","TransferId":"t-1","TransferStatus":"Succeeded","SentTimestamp":1720532648,` +
		`"DestinationAmount":0.004786046226555188,"TransferSteps":[]}`)
	ev, err := webhook.ParseTransferEvent(body, webhook.Sign(body, "secret"), "secret")
	if err != nil {
		fmt.Println(err) // 401 for ErrNoSignature and ErrInvalidSignature, 400 otherwise
		return
	}
	fmt.Println(ev.EventID, ev.TransferID, ev.TransferStatus, ev.SentAt, ev.DestinationAmount)

	// Output:
	// e-1 t-1 succeeded 2024-07-09 13:44:08 +0000 UTC 0.004786046226555188
}
