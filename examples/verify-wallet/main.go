// Command verify-wallet mints a Link token that asks the user to prove, by signing a
// message, that they own a self-hosted EVM wallet, then reads the proof back from Mesh.
//
// Run it from the repository root. With no credentials it uses the in-process fake of
// the API (package meshtest), which plays the user signing in Link:
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
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/examples/internal/exampleenv"
	"github.com/mesh-go/mesh/meshtest"
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
// URL. On the fake, the fake user then signs in Link and the proof is read back from
// Mesh; with credentials, what Mesh already holds for the address is read back.
func run(req *mesh.CreateLinkTokenRequest, chainID string, stdout, stderr io.Writer) error {
	var srv *meshtest.Server
	var client *mesh.Client
	if exampleenv.HasCredentials() {
		c, cleanup, _, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-verify-wallet"))
		defer cleanup()
		if err != nil {
			return err
		}
		client = c
	} else {
		fmt.Fprintln(stdout, exampleenv.FakeNotice)
		srv = meshtest.NewServer()
		defer srv.Close()
		c, err := srv.NewClient(mesh.WithUserAgent("mesh-go-example-verify-wallet"))
		if err != nil {
			return err
		}
		client = c
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

	address, message := req.VerifyWalletOptions.Addresses[0], req.VerifyWalletOptions.Message
	if srv != nil {
		if _, err := srv.VerifyWithLink(lt.Token, address); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "the user signs the message with %s in Link (fake)\n", address)
	} else {
		fmt.Fprintln(stderr, "signing needs a person in Link: open the link URL above, then run this again to see the proof")
	}

	// The proof is read back from Mesh, never taken from the browser: a verification for
	// this user, this address and this exact message (which should carry a nonce).
	verifications, err := client.WalletVerifications(ctx, req.UserID, address)
	if err != nil {
		return fmt.Errorf("reading the wallet's verifications: %w", err)
	}
	for _, v := range verifications {
		if v.UserID == req.UserID && strings.EqualFold(v.Address, address) && v.Message == message {
			fmt.Fprintf(stdout, "verified: %s owns %s (%s, signature %s, at %s)\n",
				v.UserID, v.Address, v.VerificationMethod, v.SignedMessageHash, v.VerifiedAt.Format(time.RFC3339))
			return nil
		}
	}
	fmt.Fprintf(stdout, "not verified: Mesh holds no signature of this message by %s\n", address)
	if srv != nil {
		return errors.New("the fake user's verification was not found")
	}
	return nil
}
