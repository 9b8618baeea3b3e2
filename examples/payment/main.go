// Command payment mints a Link token for a payment in USDC to one address on a network
// it looks up in Mesh's catalog, asks Mesh for a payment link too, and shows how to
// route the SDK's errors.
//
// Run it from the repository root. With no credentials it uses the in-process fake of
// the API (package meshtest):
//
//	go run ./examples/payment
//	go run ./examples/payment -chain 137 -amount 42.50 -tx order-1002
//	go run ./examples/payment -amount -1        # refused before sending: ErrValidation
//
// With credentials it calls Mesh's sandbox (MESH_ENV=production for production); pass
// your own address:
//
//	MESH_CLIENT_ID=... MESH_CLIENT_SECRET=... go run ./examples/payment -address 0x...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/examples/internal/exampleenv"
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

// run looks the network up, mints the token and prints the token, its Link URL and the
// payment link.
func run(p payment, stdout, stderr io.Writer) error {
	client, cleanup, usingFake, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-payment"))
	defer cleanup()
	if err != nil {
		return err
	}
	if usingFake {
		fmt.Fprintln(stderr, exampleenv.FakeNotice)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The networks list changes rarely: a long-running back end caches it.
	networks, err := client.Networks(ctx)
	if err != nil {
		return fmt.Errorf("reading Mesh's networks: %w", err)
	}
	network, ok := mesh.NetworkByChainID(networks, p.chainID)
	if !ok {
		return fmt.Errorf("chain id %q is not in Mesh's networks list", p.chainID)
	}
	if !network.SupportsToken(p.symbol) {
		return fmt.Errorf("%s is not transferable on %s (it supports %v)", p.symbol, network.Name, network.SupportedTokens)
	}
	fmt.Fprintf(stderr, "network: %s (chain %s) is %s\n", network.Name, network.ChainID, network.ID)

	lt, err := client.CreateLinkToken(ctx, p.request(network.ID))
	if err != nil {
		return err
	}
	u, err := lt.URL()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "link token:", lt.Token)
	fmt.Fprintln(stdout, "link URL:", u)
	fmt.Fprintln(stdout, "payment link:", lt.PaymentLink)
	return nil
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
