// Command quickstart mints a Mesh Link token for one user and prints it with the Link
// URL it encodes.
//
// Run it from the repository root. With no credentials it uses the in-process fake of
// the API (package meshtest), so it works anywhere:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -user alice
//
// With credentials it calls Mesh's sandbox (MESH_ENV=production for production):
//
//	MESH_CLIENT_ID=... MESH_CLIENT_SECRET=... go run ./examples/quickstart
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
	userID := flag.String("user", "quickstart-user", "your stable id of the end user (1–50 characters, no e-mail or phone)")
	timeout := flag.Duration("timeout", 20*time.Second, "limit of the whole call, retries included")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "quickstart: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(*userID, *timeout, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run mints a token for userID and prints it and its Link URL on stdout, after a note
// when it uses the in-process fake.
func run(userID string, timeout time.Duration, stdout io.Writer) error {
	client, cleanup, usingFake, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-quickstart"))
	defer cleanup()
	if err != nil {
		return err
	}
	if usingFake {
		fmt.Fprintln(stdout, exampleenv.FakeNotice)
	}

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{UserID: userID})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("no answer from Mesh within %s: %w", timeout, err)
		}
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
