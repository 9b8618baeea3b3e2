// Command integrations prints Mesh's catalog of integrations and networks as tables,
// then mints a Link token that opens Link on one integration, chosen by its broker type
// or name and passed as IntegrationID: the way off the deprecated BrokerType, with no
// id hard-coded.
//
// Run it from the repository root. With no credentials it uses the in-process fake of
// the API (package meshtest):
//
//	go run ./examples/integrations
//	go run ./examples/integrations -type robinhood
//	go run ./examples/integrations -name kraken
//
// With credentials it calls Mesh's sandbox (MESH_ENV=production for production):
//
//	MESH_CLIENT_ID=... MESH_CLIENT_SECRET=... go run ./examples/integrations
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/examples/internal/exampleenv"
)

// main parses the flags, runs the example and exits 1 with a one-line error on failure.
func main() {
	brokerType := flag.String("type", string(mesh.BrokerTypeCoinbase), "broker type of the integration to open Link on")
	name := flag.String("name", "", "name of the integration to open Link on (overrides -type), case-insensitive")
	userID := flag.String("user", "integrations-user", "your stable id of the end user")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "integrations: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(mesh.BrokerType(*brokerType), *name, *userID, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "integrations:", err)
		os.Exit(1)
	}
}

// run prints the catalogs, then mints a token for the chosen integration.
func run(brokerType mesh.BrokerType, name, userID string, stdout io.Writer) error {
	client, cleanup, usingFake, err := exampleenv.Client(mesh.WithUserAgent("mesh-go-example-integrations"))
	defer cleanup()
	if err != nil {
		return err
	}
	if usingFake {
		fmt.Fprintln(stdout, exampleenv.FakeNotice)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	integrations, err := client.Integrations(ctx)
	if err != nil {
		return fmt.Errorf("reading Mesh's integrations: %w", err)
	}
	networks, err := client.Networks(ctx)
	if err != nil {
		return fmt.Errorf("reading Mesh's networks: %w", err)
	}
	printIntegrations(stdout, integrations)
	fmt.Fprintln(stdout)
	printNetworks(stdout, networks)
	fmt.Fprintln(stdout)

	integration, ok := mesh.IntegrationByType(integrations, brokerType)
	what := "broker type " + string(brokerType)
	if name != "" {
		integration, ok = mesh.IntegrationByName(integrations, name)
		what = "name " + name
	}
	if !ok {
		return fmt.Errorf("no integration with %s in Mesh's list", what)
	}
	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{
		UserID:        userID,
		IntegrationID: integration.ID, // Link opens on this integration, not on the catalog
	})
	if err != nil {
		return fmt.Errorf("creating a link token: %w", err)
	}
	u, err := lt.URL()
	if err != nil {
		return fmt.Errorf("reading the link token: %w", err)
	}
	fmt.Fprintf(stdout, "link token for %s (%s): %s\n", integration.Name, integration.ID, lt.Token)
	fmt.Fprintln(stdout, "link URL:", u)
	return nil
}

func printIntegrations(w io.Writer, integrations []mesh.Integration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INTEGRATION\tTYPE\tID\tCATEGORIES\tCRYPTO TRANSFERS")
	for _, i := range integrations {
		categories := make([]string, len(i.Categories))
		for k, c := range i.Categories {
			categories[k] = string(c)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%t\n", i.Name, i.Type, i.ID, strings.Join(categories, ","), i.CryptoTransfersSupported)
	}
	_ = tw.Flush()
}

func printNetworks(w io.Writer, networks []mesh.Network) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NETWORK\tCHAIN ID\tTYPE\tID\tTOKENS")
	for _, n := range networks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n.Name, n.ChainID, n.NetworkType, n.ID, strings.Join(n.SupportedTokens, ","))
	}
	_ = tw.Flush()
}
