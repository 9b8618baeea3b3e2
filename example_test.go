package mesh_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

func ExampleNewClient() {
	// Production is the default environment. NewClient makes no network call.
	prod, err := mesh.NewClient("client-id", "client-secret")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer prod.CloseIdleConnections()
	fmt.Println(prod) // the secret never prints

	sandbox, err := mesh.NewClient("client-id", "client-secret", mesh.WithEnvironment(mesh.Sandbox))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sandbox.CloseIdleConnections()
	fmt.Println(sandbox)

	// A fake on loopback, such as meshtest.Server.URL, may be plain http.
	fake, err := mesh.NewClient("client-id", "client-secret",
		mesh.WithBaseURL("http://127.0.0.1:8080"),
		mesh.WithRetry(mesh.RetryPolicy{}), // no retries
		mesh.WithTimeout(2*time.Second),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fake.CloseIdleConnections()
	fmt.Println(fake)

	// Plain http to any other host is refused: the secret would cross the network in
	// clear text.
	refused, err := mesh.NewClient("client-id", "client-secret", mesh.WithBaseURL("http://mesh.example.com"))
	fmt.Println(refused == nil)
	words := strings.Fields(err.Error())
	fmt.Println(strings.Join(words[:min(8, len(words))], " ")) // the rest names the risk

	// Output:
	// mesh.Client{baseURL: https://integration-api.meshconnect.com, clientID: client-id, clientSecret: [REDACTED]}
	// mesh.Client{baseURL: https://sandbox-integration-api.meshconnect.com, clientID: client-id, clientSecret: [REDACTED]}
	// mesh.Client{baseURL: http://127.0.0.1:8080, clientID: client-id, clientSecret: [REDACTED]}
	// true
	// mesh: NewClient: base URL "http://mesh.example.com" is plain http
}

func ExampleClient_CreateLinkToken() {
	// meshtest's fake stands in for Mesh here. Against the real API:
	// mesh.NewClient(os.Getenv("MESH_CLIENT_ID"), os.Getenv("MESH_CLIENT_SECRET")).
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := mesh.NewClient(meshtest.ClientID, meshtest.ClientSecret,
		mesh.WithBaseURL(srv.URL),
		mesh.WithRetry(mesh.RetryPolicy{}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	lt, err := client.CreateLinkToken(ctx, &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12",
				Symbol:    "USDC",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat:    mesh.Float64(25),
			TransferType:    mesh.TransferTypePayment,
			ClientFee:       mesh.Float64(0), // an explicit 0 is sent: no fee
			GeneratePayLink: mesh.Bool(true),
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Tokens are random; print what is stable about them.
	fmt.Println("token minted:", lt.Token != "")
	link, err := lt.URL()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("link:", link.Scheme, link.Host)
	pay, err := url.Parse(lt.PaymentLink)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("payment link:", pay.Scheme, pay.Host)

	// What went over the wire: unset fields are absent, the explicit 0 is present.
	fmt.Println(strings.TrimSpace(string(srv.Requests()[0].Body)))

	// Output:
	// token minted: true
	// link: https web.meshconnect.com
	// payment link: https pay.meshconnect.com
	// {"userId":"user-42","transferOptions":{"toAddresses":[{"networkId":"7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12","symbol":"USDC","address":"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}],"amountInFiat":25,"clientFee":0,"transferType":"payment","generatePayLink":true}}
}

// Example_errorRouting shows how a caller routes failures: errors.Is against the
// sentinels decides what to do, errors.As to *mesh.APIError reads Mesh's own words, and
// a refused request lists every invalid field.
func Example_errorRouting() {
	srv := meshtest.NewServer()
	defer srv.Close()
	client, err := srv.NewClient(mesh.WithRetry(mesh.RetryPolicy{})) // no retries: see each answer
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	route := func(err error) {
		var apiErr *mesh.APIError
		switch {
		case err == nil:
			fmt.Println("ok")
		case errors.Is(err, mesh.ErrValidation):
			// Nothing was sent. The error tree holds one *mesh.ValidationError per problem.
			fmt.Println("invalid request:")
			var multi interface{ Unwrap() []error }
			if errors.As(err, &multi) {
				for _, e := range multi.Unwrap() {
					var ve *mesh.ValidationError
					if errors.As(e, &ve) {
						fmt.Println("  field", ve.Field)
					}
				}
			}
		case errors.Is(err, mesh.ErrUnauthorized):
			fmt.Println("unauthorized: check the client id and secret")
		case errors.Is(err, mesh.ErrTooManyRequests) && errors.As(err, &apiErr):
			fmt.Println("rate limited; retry after", apiErr.RetryAfter)
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
	for range 4 {
		_, err = client.CreateLinkToken(ctx, valid)
		route(err)
	}
	_, err = client.CreateLinkToken(ctx, valid) // the queue is empty: the fake answers as Mesh
	route(err)
	fmt.Println("requests received:", len(srv.Requests()))

	// Output:
	// invalid request:
	//   field userId
	//   field transferOptions.toAddresses[0].networkId
	//   field transferOptions.toAddresses[0].address
	//   field transferOptions.clientFee
	// unauthorized: check the client id and secret
	// rate limited; retry after 30s
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
		fmt.Println(err)
		return
	}
	fmt.Println(u)

	// A back end can send the browser straight to Link.
	w := httptest.NewRecorder()
	http.Redirect(w, httptest.NewRequest(http.MethodGet, "/connect", nil), u.String(), http.StatusFound)
	fmt.Println(w.Code, w.Header().Get("Location"))

	// Anything else is refused.
	_, err = (&mesh.LinkToken{Token: "not a token"}).URL()
	fmt.Println(err)

	// Output:
	// https://web.meshconnect.com/link/a1b2c3
	// 302 https://web.meshconnect.com/link/a1b2c3
	// mesh: link token is not base64
}

func ExampleCreateLinkTokenRequest_Validate() {
	req := &mesh.CreateLinkTokenRequest{
		UserID:        "user-42",
		IntegrationID: "coinbase", // must be a UUID from Mesh's integrations list
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12",
				Symbol:    "USDC",
			}},
			AmountInFiat: mesh.Float64(-5),
			ClientFee:    mesh.Float64(0), // an explicit 0 is valid
		},
	}

	// Every problem is reported at once.
	err := req.Validate()
	fmt.Println(errors.Is(err, mesh.ErrValidation))
	var multi interface{ Unwrap() []error }
	if errors.As(err, &multi) {
		for _, e := range multi.Unwrap() {
			var ve *mesh.ValidationError
			if errors.As(e, &ve) {
				fmt.Printf("%s: %s\n", ve.Field, ve.Reason)
			}
		}
	}

	req.IntegrationID = "34aeb688-decb-485f-9d80-b66466783394"
	req.TransferOptions.ToAddresses[0].Address = "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
	req.TransferOptions.AmountInFiat = mesh.Float64(25)
	fmt.Println(req.Validate())

	// Output:
	// true
	// integrationId: must be a UUID
	// transferOptions.toAddresses[0].address: is required
	// transferOptions.amountInFiat: must be a finite number ≥ 0, got -5
	// <nil>
}
