package mesh_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

func ExampleNewClient() {
	// Production is the default environment. NewClient makes no network call.
	prod, err := mesh.NewClient("client-id", "client-secret")
	if err != nil {
		log.Fatal(err)
	}
	defer prod.CloseIdleConnections()
	fmt.Println(prod) // the secret never prints

	sandbox, err := mesh.NewClient("client-id", "client-secret",
		mesh.WithEnvironment(mesh.Sandbox),
		mesh.WithTimeout(10*time.Second),                // one attempt
		mesh.WithRetry(mesh.RetryPolicy{MaxRetries: 4}), // default waits: 500 ms to 5 s
		mesh.WithUserAgent("acme-payments/1.4"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer sandbox.CloseIdleConnections()
	fmt.Println(sandbox)

	// Mistakes are reported at once, every one of them, never with the secret.
	_, err = mesh.NewClient("client-id", "client-secret\n", mesh.WithBaseURL("http://mesh.example.com"))
	for _, problem := range strings.Split(strings.TrimPrefix(err.Error(), "mesh: NewClient: "), "; ") {
		fmt.Println("-", strings.SplitN(problem, ":", 2)[0])
	}

	// Output:
	// mesh.Client{baseURL: https://integration-api.meshconnect.com, clientID: client-id, clientSecret: [REDACTED]}
	// mesh.Client{baseURL: https://sandbox-integration-api.meshconnect.com, clientID: client-id, clientSecret: [REDACTED]}
	// - client secret has leading or trailing white space (a value read from a file often ends in a newline)
	// - base URL "http
}

func ExampleClient_CreateLinkToken() {
	srv := meshtest.NewServer() // a fake of Mesh; in production, mesh.NewClient(clientID, secret)
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: meshtest.PolygonNetworkID, // from client.Networks
				Symbol:    "USDC",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat:    mesh.Float64(25),
			TransferType:    mesh.TransferTypePayment,
			FundingOptions:  &mesh.FundingOptions{Enabled: true}, // SmartFunding
			ClientFee:       mesh.Float64(0),                     // an explicit 0 is sent: no fee
			GeneratePayLink: mesh.Bool(true),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	link, err := lt.URL()
	if err != nil {
		log.Fatal(err)
	}
	// Tokens are random; print what is stable about them.
	fmt.Println("link:", link.Scheme, link.Host)
	fmt.Println("payment link:", strings.HasPrefix(lt.PaymentLink, "https://"))

	// What went over the wire: unset fields are absent, the explicit 0 is present.
	fmt.Println(strings.TrimSpace(string(srv.Requests()[0].Body)))

	// Output:
	// link: https web.meshconnect.com
	// payment link: true
	// {"userId":"user-42","transferOptions":{"toAddresses":[{"networkId":"7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12","symbol":"USDC","address":"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}],"amountInFiat":25,"clientFee":0,"transferType":"payment","fundingOptions":{"enabled":true},"generatePayLink":true}}
}

// Example_errorRouting shows how a caller routes failures: errors.Is against the
// sentinels decides what to do, errors.As to *mesh.APIError reads Mesh's own words, and
// *mesh.InvalidRequestError lists every invalid field of a refused request.
func Example_errorRouting() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient(mesh.WithRetry(mesh.RetryPolicy{})) // no retries: see each answer
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	route := func(err error) {
		var invalid *mesh.InvalidRequestError
		var apiErr *mesh.APIError
		switch {
		case err == nil:
			fmt.Println("ok")
		case errors.As(err, &invalid): // errors.Is(err, mesh.ErrValidation) holds too
			fmt.Println("invalid request, nothing sent:")
			for _, p := range invalid.Problems {
				fmt.Println("  field", p.Field)
			}
		case errors.Is(err, mesh.ErrUnauthorized):
			fmt.Println("unauthorized: check the client id, the secret and the environment")
		case errors.Is(err, mesh.ErrTooManyRequests) && errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
			fmt.Println("rate limited; Mesh asks to retry after", apiErr.RetryAfter)
		case errors.Is(err, mesh.ErrServerFailure) && errors.As(err, &apiErr):
			fmt.Println("Mesh failed with HTTP", apiErr.HTTPStatusCode)
		case errors.As(err, &apiErr):
			fmt.Printf("refused by Mesh: status %s, errorType %s, errorHash %s\n",
				apiErr.Status, apiErr.ErrorType, apiErr.ErrorHash)
		default:
			fmt.Println("Mesh unreachable:", err)
		}
	}

	ctx := context.Background()

	// A request that breaks the rules never leaves the process.
	_, err = client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{
		UserID: "",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{NetworkID: "ethereum", Symbol: "USDC"}},
			ClientFee:   mesh.Float64(2.5), // a ratio: 0.025 is 2.5%
		},
	})
	route(err)

	// Mesh's answers, scripted on the fake.
	srv.Enqueue(
		meshtest.Unauthorized(),
		meshtest.TooManyRequests(30*time.Second),
		meshtest.ServerError(http.StatusBadGateway),
		meshtest.Reply{
			Status:    mesh.StatusBadRequest,
			ErrorType: "invalidField",
			Message:   "integration not enabled for this client",
			ErrorHash: "5f0c1d2e",
		},
	)
	valid := &mesh.CreateLinkTokenRequest{UserID: "user-42"}
	for range 5 { // the four scripted answers, then the fake answers as Mesh
		_, err = client.CreateLinkToken(ctx, valid)
		route(err)
	}
	fmt.Println("requests received:", len(srv.Requests()))

	// Output:
	// invalid request, nothing sent:
	//   field userId
	//   field transferOptions.toAddresses[0].networkId
	//   field transferOptions.toAddresses[0].address
	//   field transferOptions.clientFee
	// unauthorized: check the client id, the secret and the environment
	// rate limited; Mesh asks to retry after 30s
	// Mesh failed with HTTP 502
	// refused by Mesh: status badRequest, errorType invalidField, errorHash 5f0c1d2e
	// ok
	// requests received: 5
}

func ExampleLinkToken_URL() {
	// Mesh's tokens are base64 of the Link URL.
	lt := &mesh.LinkToken{Token: "aHR0cHM6Ly93ZWIubWVzaGNvbm5lY3QuY29tL2xpbmsvYTFiMmMz"}
	u, err := lt.URL()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)

	// A back end can send the browser straight to Link.
	w := httptest.NewRecorder()
	http.Redirect(w, httptest.NewRequest(http.MethodGet, "/connect", nil), u.String(), http.StatusFound)
	fmt.Println(w.Code, w.Header().Get("Location"))

	// Anything but base64 of an https URL is refused.
	_, err = (&mesh.LinkToken{Token: "not a token"}).URL()
	fmt.Println(err)

	// Output:
	// https://web.meshconnect.com/link/a1b2c3
	// 302 https://web.meshconnect.com/link/a1b2c3
	// mesh: link token is not base64 (standard alphabet)
}

func ExampleCreateLinkTokenRequest_Validate() {
	req := &mesh.CreateLinkTokenRequest{
		UserID:        "user-42",
		IntegrationID: "coinbase", // must be an id from Mesh's integrations list
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12",
				Symbol:    "USDC",
			}},
			AmountInFiat: mesh.Float64(-5),
			ClientFee:    mesh.Float64(0),      // an explicit 0 is valid
			TransferType: "someFutureTransfer", // unknown to this SDK: sent for Mesh to judge
		},
	}

	// Every problem is reported at once.
	err := req.Validate()
	var invalid *mesh.InvalidRequestError
	fmt.Println(errors.Is(err, mesh.ErrValidation), errors.As(err, &invalid))
	for _, p := range invalid.Problems {
		fmt.Printf("%s: %s\n", p.Field, p.Reason)
	}

	req.IntegrationID = "47624467-e52e-4938-a41a-7926b6c27acf"
	req.TransferOptions.ToAddresses[0].Address = "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
	req.TransferOptions.AmountInFiat = mesh.Float64(25)
	fmt.Println(req.Validate())

	// Output:
	// true true
	// integrationId: must be a UUID (8-4-4-4-12 hexadecimal digits)
	// transferOptions.toAddresses[0].address: is required
	// transferOptions.amountInFiat: must be a finite number ≥ 0, got -5
	// <nil>
}

func ExampleClient_Networks() {
	srv := meshtest.NewServer() // a small catalog built on Mesh's own example ids
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	// The list changes rarely: a back end caches it.
	networks, err := client.Networks(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	ethereum, ok := mesh.NetworkByChainID(networks, "1")
	// Its ID is what a destination's NetworkID names (see ExampleClient_CreateLinkToken).
	fmt.Println(ok, ethereum.Name, ethereum.ID, ethereum.NetworkType, ethereum.SupportsToken("usdc"))

	// Output:
	// true Ethereum e3c7fdd8-b1fc-4e51-85ae-bb276e075611 evm true
}

// ExampleIntegrationByType moves a request off the deprecated BrokerType: the
// integrations list gives the IntegrationID of a broker type.
func ExampleIntegrationByType() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	integrations, err := client.Integrations(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	coinbase, ok := mesh.IntegrationByType(integrations, mesh.BrokerTypeCoinbase)
	fmt.Println(ok, coinbase.Name, coinbase.ID)

	// Before: BrokerType: mesh.BrokerTypeCoinbase. After:
	req := &mesh.CreateLinkTokenRequest{UserID: "user-42", IntegrationID: coinbase.ID}
	_, err = client.CreateLinkToken(context.Background(), req)
	fmt.Println(err)

	// Output:
	// true Coinbase 47624467-e52e-4938-a41a-7926b6c27acf
	// <nil>
}
