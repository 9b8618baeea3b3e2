package meshtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// A fake Mesh API and a client for it: the client mints a token as it would from
// Mesh. In a test, meshtest.Start(t) does the same and closes the server at the end.
func ExampleNewServer() {
	srv := meshtest.NewServer()
	defer srv.Close()

	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "user-42"})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := lt.URL()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Link URL:", u.Scheme+"://"+u.Host+"/...")
	// Output:
	// Link URL: https://web.meshconnect.com/...
}

// Scripting answers: a rate limit, then the fake's own ok. The client of NewClient
// retries fast (a Retry-After of 0 means "after your own back-off"), so the call
// succeeds on its second request and the script is used up.
func ExampleServer_Enqueue() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}

	srv.Enqueue(meshtest.TooManyRequests(10 * time.Millisecond)) // sent as Retry-After: 0
	lt, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "user-42"})
	fmt.Println("error:", err)
	fmt.Println("token:", lt != nil && lt.Token != "")
	fmt.Println("requests:", len(srv.Requests()), "pending:", srv.Pending())

	// A Retry-After longer than the client may wait ends the call instead.
	srv.Enqueue(meshtest.TooManyRequests(30 * time.Second))
	_, err = client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "user-42"})
	var apiErr *mesh.APIError
	if errors.Is(err, mesh.ErrTooManyRequests) && errors.As(err, &apiErr) {
		fmt.Println("rate limited; retry after", apiErr.RetryAfter)
	}
	// Output:
	// error: <nil>
	// token: true
	// requests: 2 pending: 0
	// rate limited; retry after 30s
}

// Reading back what the SDK sent: the method, path and JSON body of each request.
func ExampleServer_Requests() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: meshtest.EthereumNetworkID,
				Symbol:    "USDC",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat: mesh.Float64(25),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, r := range srv.Requests() {
		// Decoded and encoded again, so that the keys come out sorted.
		var body any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			fmt.Println(err)
			return
		}
		pretty, _ := json.MarshalIndent(body, "", "  ")
		fmt.Println(r.Method, r.Path, r.Header.Get("Content-Type"))
		fmt.Println(string(pretty))
	}
	// Output:
	// POST /api/v1/linktoken application/json
	// {
	//   "transferOptions": {
	//     "amountInFiat": 25,
	//     "toAddresses": [
	//       {
	//         "address": "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
	//         "networkId": "e3c7fdd8-b1fc-4e51-85ae-bb276e075611",
	//         "symbol": "USDC"
	//       }
	//     ]
	//   },
	//   "userId": "user-42"
	// }
}

// The catalog: the networks a destination's networkId comes from, read with a plain
// *http.Client and the fake's credentials. A scripted Reply with Content replaces the
// list for one answer.
func ExampleServer_catalog() {
	srv := meshtest.NewServer()
	defer srv.Close()

	networks := func() {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+meshtest.NetworksPath, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		req.Header.Set("X-Client-Id", meshtest.ClientID)
		req.Header.Set("X-Client-Secret", meshtest.ClientSecret)
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		var env struct {
			Status  string
			Content struct {
				Networks []struct {
					ID, Name, ChainID, NetworkType string
					SupportedTokens                []string
				}
			}
		}
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(resp.StatusCode, env.Status, len(env.Content.Networks), "networks")
		for _, n := range env.Content.Networks {
			fmt.Printf("  %-8s chainId %-3s %-7s %s  %s\n", n.Name, n.ChainID, n.NetworkType,
				n.ID, strings.Join(n.SupportedTokens, ","))
		}
	}

	networks()
	srv.Enqueue(meshtest.Reply{Content: json.RawMessage(`{"networks":[]}`)})
	networks()
	// Output:
	// 200 ok 4 networks
	//   Ethereum chainId 1   evm     e3c7fdd8-b1fc-4e51-85ae-bb276e075611  ETH,USDC,USDT
	//   Polygon  chainId 137 evm     7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12  POL,USDC,USDT
	//   Solana   chainId 101 solana  7e57a000-0000-4000-8000-000000000003  SOL,USDC,USDT
	//   Bitcoin  chainId 0   bitcoin 7e57a000-0000-4000-8000-000000000004  BTC
	// 200 ok 0 networks
}

// A fake that speaks https: its NewClient, and any client built with its Client,
// trust its certificate.
func ExampleWithTLS() {
	srv := meshtest.NewServer(meshtest.WithTLS())
	defer srv.Close()
	fmt.Println(strings.HasPrefix(srv.URL, "https://127.0.0.1:"))

	client, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret,
		mesh.WithBaseURL(srv.URL), mesh.WithHTTPClient(srv.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()
	_, err = client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "user-42"})
	fmt.Println("error:", err)
	// Output:
	// true
	// error: <nil>
}

// A fake with the credentials of your own configuration: its NewClient uses them, and
// the default ones are refused.
func ExampleWithCredentials() {
	srv := meshtest.NewServer(meshtest.WithCredentials("acme-client-id", "acme-client-secret"))
	defer srv.Close()
	req := &mesh.CreateLinkTokenRequest{UserID: "user-42"}

	client, err := srv.NewClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.CreateLinkToken(context.Background(), req)
	fmt.Println("own credentials:", err)

	other, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret, mesh.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer other.CloseIdleConnections()
	_, err = other.CreateLinkToken(context.Background(), req)
	fmt.Println("default credentials refused:", errors.Is(err, mesh.ErrUnauthorized))
	// Output:
	// own credentials: <nil>
	// default credentials refused: true
}
