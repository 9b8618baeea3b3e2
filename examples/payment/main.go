// Command payment is the back end of a shop taking a payment through Mesh, from the
// order to the goods released: it looks the network up in Mesh's catalog, mints the
// order's link token, receives Mesh's signed webhooks with webhook.NewHandler, reads the
// transfer back from Mesh and compares it with the order, and only then marks the order
// paid. It prints each step, and shows how to route the SDK's errors.
//
// Run it from the repository root. With no credentials it runs the whole loop on the
// in-process fake of the API (package meshtest), which plays the user paying in Link
// and Mesh delivering webhooks:
//
//	go run ./examples/payment
//	go run ./examples/payment -chain 137 -amount 42.50 -tx order-1002
//	go run ./examples/payment -amount -1        # refused before sending: ErrValidation
//
// With credentials it calls Mesh's sandbox (MESH_ENV=production for production) and
// does what needs no person in Link: it mints the token and lists the order's
// transfers. Pass your own address:
//
//	MESH_CLIENT_ID=... MESH_CLIENT_SECRET=... go run ./examples/payment -address 0x...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/examples/internal/exampleenv"
	"github.com/mesh-go/mesh/meshtest"
	"github.com/mesh-go/mesh/webhook"
)

// main parses the flags, runs the example and exits 1 with a one-line error on failure.
func main() {
	var p payment
	flag.StringVar(&p.userID, "user", "payment-user", "your stable id of the end user")
	flag.StringVar(&p.chainID, "chain", "1", `chain id of the destination network, looked up in Mesh's networks list ("1" is Ethereum, "137" Polygon)`)
	flag.StringVar(&p.address, "address", "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "destination address")
	flag.StringVar(&p.symbol, "symbol", "USDC", "asset to receive")
	flag.Float64Var(&p.amountUSD, "amount", 25, "amount to pay, in USD")
	flag.StringVar(&p.transactionID, "tx", "order-1001", "your id of the payment, for reconciliation (at most 128 characters)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "payment: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(p, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "payment:", describe(err))
		os.Exit(1)
	}
}

// payment is what the flags describe.
type payment struct {
	userID, chainID, address, symbol, transactionID string
	amountUSD                                       float64
}

// request builds the link token request of a payment to the network networkID.
func (p payment) request(networkID string) *mesh.CreateLinkTokenRequest {
	return &mesh.CreateLinkTokenRequest{
		UserID: p.userID,
		TransferOptions: &mesh.TransferOptions{
			// One destination: Link skips the choice of asset and network.
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: networkID,
				Symbol:    p.symbol,
				Address:   p.address,
			}},
			AmountInFiat:  mesh.Float64(p.amountUSD),
			TransferType:  mesh.TransferTypePayment,
			TransactionID: p.transactionID,
			// Let Link fund the payment from the user's buying power (SmartFunding).
			FundingOptions: &mesh.FundingOptions{Enabled: true},
			// An explicit 0 overrides the fee set in Mesh's dashboard; nil would keep it.
			ClientFee:       mesh.Float64(0),
			GeneratePayLink: mesh.Bool(true),
		},
	}
}

// run takes one order through the whole payment: with no credentials on the
// in-process fake, which plays the user in Link and Mesh's webhooks; with credentials
// as far as a program can go without a person in Link.
func run(p payment, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if exampleenv.HasCredentials() {
		return runOnMesh(ctx, p, stdout, stderr)
	}
	fmt.Fprintln(stdout, exampleenv.FakeNotice)
	return runOnFake(ctx, p, stdout)
}

// runOnFake runs the loop a shop runs, on meshtest: the order, its token, the user
// paying, the signed webhooks, the transfer read back and compared, the order paid.
func runOnFake(ctx context.Context, p payment, stdout io.Writer) error {
	// The shop's webhook receiver, on loopback, and the fake Mesh that delivers to it.
	const webhookSecret = "whsec-example-payment" //nolint:gosec // G101: the fake's own, shown in no log
	mux := http.NewServeMux()
	receiver := httptest.NewServer(mux)
	defer receiver.Close()
	srv := meshtest.NewServer(meshtest.WithWebhook(receiver.URL+"/mesh/webhook", webhookSecret))
	defer srv.Close()
	client, err := srv.NewClient(mesh.WithUserAgent("mesh-go-example-payment"))
	if err != nil {
		return err
	}
	shop := newShop(client, stdout)
	mux.Handle("POST /mesh/webhook", webhook.NewHandler(shop.onEvent, webhookSecret))

	o, lt, err := startPayment(ctx, client, shop, p, stdout)
	if err != nil {
		return err
	}

	fmt.Fprintln(stdout, "the user opens Link with the token and pays (fake)")
	tr, err := srv.PayWithLink(lt.Token) // Mesh's webhook reaches the shop before it returns
	if err != nil {
		return err
	}
	if err := shop.confirmPending(ctx); err != nil {
		return err
	}

	fmt.Fprintln(stdout, "the transfer settles on chain (fake)")
	if _, err := srv.SetTransferStatus(tr.ID, mesh.TransferStatusSucceeded); err != nil {
		return err
	}
	if err := shop.confirmPending(ctx); err != nil {
		return err
	}
	if !shop.isPaid(o.ID) {
		return fmt.Errorf("order %s was not paid", o.ID)
	}
	fmt.Fprintf(stdout, "%d webhook deliveries received and verified\n", len(srv.Deliveries()))
	return nil
}

// runOnMesh does what can be done without a person in Link: it mints the order's
// token, then lists the transfers that name the order, which stay empty until someone
// pays with it.
func runOnMesh(ctx context.Context, p payment, stdout, stderr io.Writer) error {
	client, cleanup, _, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-payment"))
	defer cleanup()
	if err != nil {
		return err
	}
	shop := newShop(client, stdout)
	o, _, err := startPayment(ctx, client, shop, p, stdout)
	if err != nil {
		return err
	}
	page, err := client.Transfers(ctx, &mesh.TransferQuery{ClientTransactionID: o.ID})
	if err != nil {
		return fmt.Errorf("listing the order's transfers: %w", err)
	}
	fmt.Fprintf(stdout, "transfers for order %s: %d\n", o.ID, page.Total)
	for _, tr := range page.Items {
		fmt.Fprintf(stdout, "transfer %s: %s\n", tr.ID, tr.Status)
	}
	fmt.Fprintln(stderr, "paying needs a person in Link: open the link URL above; Mesh then delivers webhooks to the URI "+
		"registered in its dashboard, where webhook.NewHandler receives them and the shop confirms as on the fake")
	return nil
}

// startPayment looks the network up, records the order and mints its link token.
func startPayment(ctx context.Context, client *mesh.Client, shop *shop, p payment, stdout io.Writer) (*order, *mesh.LinkToken, error) {
	// The networks list changes rarely: the shop reads it through its catalog cache, one
	// per process, which asks Mesh at most once an hour and serves the last list for a
	// day while Mesh fails.
	networks, err := shop.catalog.Networks(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading Mesh's networks: %w", err)
	}
	network, ok := mesh.NetworkByChainID(networks, p.chainID)
	if !ok {
		return nil, nil, fmt.Errorf("chain id %q is not in Mesh's networks list", p.chainID)
	}
	if !network.SupportsToken(p.symbol) {
		return nil, nil, fmt.Errorf("%s is not transferable on %s (it supports %v)", p.symbol, network.Name, network.SupportedTokens)
	}
	o := &order{ID: p.transactionID, UserID: p.userID, AmountUSD: p.amountUSD, Symbol: p.symbol, Address: p.address, NetworkID: network.ID}
	shop.add(o)
	fmt.Fprintf(stdout, "order %s: %g USD in %s to %s on %s (network %s)\n", o.ID, o.AmountUSD, o.Symbol, o.Address, network.Name, network.ID)

	lt, err := client.CreateLinkToken(ctx, p.request(network.ID))
	if err != nil {
		return nil, nil, err
	}
	u, err := lt.URL()
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintln(stdout, "link token:", lt.Token)
	fmt.Fprintln(stdout, "link URL:", u)
	return o, lt, nil
}

// describe turns an error of the SDK into one line that says what to do, routing on
// the SDK's sentinels and reading Mesh's details from *mesh.APIError.
func describe(err error) string {
	var apiErr *mesh.APIError
	isAPI := errors.As(err, &apiErr)
	switch {
	case errors.Is(err, mesh.ErrValidation):
		// Nothing was sent; the message names every bad field.
		return "fix the request: " + err.Error()
	case errors.Is(err, mesh.ErrUnauthorized):
		return "Mesh refused the credentials: check MESH_CLIENT_ID, MESH_CLIENT_SECRET and MESH_ENV (sandbox or production)"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// Before the APIError cases: a body cut short by the deadline is an APIError too.
		return "no answer from Mesh in time: " + err.Error()
	case errors.Is(err, mesh.ErrTooManyRequests):
		msg := "Mesh is rate limiting this client"
		if isAPI && apiErr.RetryAfter > 0 {
			msg += fmt.Sprintf(", retry in %s", apiErr.RetryAfter)
		}
		return msg + details(apiErr)
	case errors.Is(err, mesh.ErrServerFailure), errors.Is(err, mesh.ErrUnexpectedResponse):
		return "Mesh failed or answered something unexpected, try again later: " + err.Error()
	case isAPI:
		return fmt.Sprintf("Mesh refused the payment (HTTP %d, status %q): %s%s",
			apiErr.HTTPStatusCode, apiErr.Status, apiErr.Message, details(apiErr))
	}
	return "calling Mesh failed: " + err.Error()
}

// details formats the fields of an *mesh.APIError that Mesh's support asks for.
func details(e *mesh.APIError) string {
	if e == nil {
		return ""
	}
	return fmt.Sprintf(" [errorType %q, errorHash %q]", e.ErrorType, e.ErrorHash)
}
