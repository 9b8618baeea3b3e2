// Command verify-wallet mints a Link token that asks the user to prove, by signing a
// message, that they own a self-hosted EVM wallet.
//
// Run it from the repository root. With no credentials it uses the in-process fake of
// the API (package meshtest):
//
//	go run ./examples/verify-wallet
//	go run ./examples/verify-wallet -address 0x... -message "I own this wallet"
//
// With credentials it calls Mesh's sandbox (MESH_ENV=production for production):
//
//	MESH_CLIENT_ID=... MESH_CLIENT_SECRET=... go run ./examples/verify-wallet -chain 137 -address 0x...
package main

import (
	"context"
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
	userID := flag.String("user", "verify-wallet-user", "your stable id of the end user")
	address := flag.String("address", "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "the wallet address the user must prove they own")
	chainID := flag.String("chain", "1", `chain id of the wallet's network, looked up in Mesh's networks list ("1" is Ethereum)`)
	message := flag.String("message", "I confirm that I own this wallet (verify-wallet example)", "the message the user signs")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "verify-wallet: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	req := &mesh.CreateLinkTokenRequest{
		UserID: *userID,
		VerifyWalletOptions: &mesh.VerifyWalletOptions{
			Message:             *message,
			VerificationMethods: []mesh.VerificationMethod{mesh.VerificationMethodSignedMessage},
			Addresses:           []string{*address}, // any other address fails the verification
		},
	}
	if err := run(req, *chainID, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "verify-wallet:", err)
		os.Exit(1)
	}
}

// run looks up the network of chainID, mints the token and prints it with its Link
// URL.
func run(req *mesh.CreateLinkTokenRequest, chainID string, stdout, stderr io.Writer) error {
	client, cleanup, usingFake, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-verify-wallet"))
	defer cleanup()
	if err != nil {
		return err
	}
	if usingFake {
		fmt.Fprintln(stderr, exampleenv.FakeNotice)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	networks, err := client.Networks(ctx)
	if err != nil {
		return fmt.Errorf("reading Mesh's networks: %w", err)
	}
	network, ok := mesh.NetworkByChainID(networks, chainID)
	if !ok {
		return fmt.Errorf("chain id %q is not in Mesh's networks list", chainID)
	}
	req.VerifyWalletOptions.NetworkID = network.ID
	req.VerifyWalletOptions.NetworkType = network.NetworkType
	lt, err := client.CreateLinkToken(ctx, req)
	if err != nil {
		return fmt.Errorf("creating a link token: %w", err)
	}
	u, err := lt.URL()
	if err != nil {
		return fmt.Errorf("reading the link token: %w", err)
	}
	fmt.Fprintln(stdout, "link token:", lt.Token)
	fmt.Fprintln(stdout, "link URL:", u)
	return nil
}
