// Command verify-wallet mints a Link token that asks the user to prove, by signing a
// message, that they own a self-hosted EVM wallet.
//
// Run it from the repository root. With no credentials it uses the in-process fake of
// the API (package meshtest):
//
//	go run ./examples/verify-wallet
//	go run ./examples/verify-wallet -address 0x... -message "I own this wallet"
//
// With credentials it calls Mesh's sandbox (MESH_ENV=production for production); pass
// the id of the network from Mesh's networks list:
//
//	MESH_CLIENT_ID=... MESH_CLIENT_SECRET=... go run ./examples/verify-wallet -network <uuid> -address 0x...
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

// exampleNetworkID is a placeholder network id: with real credentials, use the id of
// your chain from Mesh's networks list.
const exampleNetworkID = "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12"

// main parses the flags, runs the example and exits 1 with a one-line error on failure.
func main() {
	userID := flag.String("user", "verify-wallet-user", "your stable id of the end user")
	address := flag.String("address", "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "the wallet address the user must prove they own")
	networkID := flag.String("network", exampleNetworkID, "Mesh network id (UUID) of the wallet's chain")
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
			NetworkID:           *networkID,
			NetworkType:         mesh.NetworkTypeEVM,
		},
	}
	if err := run(req, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "verify-wallet:", err)
		os.Exit(1)
	}
}

// run mints the token and prints it with its Link URL.
func run(req *mesh.CreateLinkTokenRequest, stdout, stderr io.Writer) error {
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
