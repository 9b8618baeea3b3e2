package meshtest_test

// Helpers shared by every test of the package, written once.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// networkID is a network of the fake's catalog, for destinations.
const networkID = meshtest.PolygonNetworkID

// Expected errorTypes in the tables of the rule tests; ok means accepted.
const (
	ok      = ""
	missing = meshtest.ErrorTypeMissingField
	invalid = meshtest.ErrorTypeInvalidField
)

// noRetry keeps a client from spending scripted replies on retries.
var noRetry = mesh.WithRetry(mesh.RetryPolicy{})

// newClient is srv.NewClient(opts...), whose idle connections are closed when the
// test ends (Close does it too; this keeps tests that reuse a server tidy).
func newClient(t *testing.T, srv *meshtest.Server, opts ...mesh.Option) *mesh.Client {
	t.Helper()
	c, err := srv.NewClient(opts...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// createLinkToken asks c for a token for user u1.
func createLinkToken(c *mesh.Client) (*mesh.LinkToken, error) {
	return c.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1"})
}

// paymentRequest is a payment to one destination on a network of the fake's catalog.
func paymentRequest(payLink *bool) *mesh.CreateLinkTokenRequest {
	return &mesh.CreateLinkTokenRequest{
		UserID: "user-42",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID: networkID,
				Symbol:    "USDC",
				Address:   "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
			}},
			AmountInFiat:    mesh.Float64(25),
			TransferType:    mesh.TransferTypePayment,
			GeneratePayLink: payLink,
		},
	}
}

// rawResponse is an answer read in full.
type rawResponse struct {
	code   int
	header http.Header
	body   string
}

// envelope decodes the body as Mesh's envelope, failing the test if it is not JSON.
func (r rawResponse) envelope(t *testing.T) map[string]any {
	t.Helper()
	var env map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &env), "body %q", r.body)
	return env
}

// do sends a request through srv.Client() with the server's default credentials and,
// but for a GET, Content-Type application/json; then header (a value "" deletes the
// header).
func do(t *testing.T, srv *meshtest.Server, method, path, body string, header map[string]string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Client-Id", meshtest.ClientID)
	req.Header.Set("X-Client-Secret", meshtest.ClientSecret)
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{resp.StatusCode, resp.Header, string(b)}
}

// post posts body to the Link token endpoint.
func post(t *testing.T, srv *meshtest.Server, body string) rawResponse {
	t.Helper()
	return do(t, srv, http.MethodPost, meshtest.LinkTokenPath, body, nil)
}

// get GETs path.
func get(t *testing.T, srv *meshtest.Server, path string) rawResponse {
	t.Helper()
	return do(t, srv, http.MethodGet, path, "", nil)
}

// okContent checks that r is an ok envelope and returns its content.
func okContent(t *testing.T, r rawResponse) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.code, r.body)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	env := r.envelope(t)
	require.Equal(t, "ok", env["status"], r.body)
	content, isObject := env["content"].(map[string]any)
	require.True(t, isObject, "content %v", env["content"])
	return content
}

// Bodies for the rule tests: the field under test goes into an otherwise valid request.
const (
	addrOK = `"networkId":"` + networkID + `","symbol":"USDC","address":"0x1"`
	uuidLo = "34aeb688-decb-485f-9d80-b66466783394"
	uuidUp = "34AEB688-DECB-485F-9D80-B66466783394"
)

func withUser(fields string) string { return `{"userId":"u1",` + fields + `}` }
func withTransfer(fields string) string {
	return withUser(`"transferOptions":{` + fields + `}`)
}
func withAddress(fields string) string {
	return withTransfer(`"toAddresses":[{` + fields + `}]`)
}
func withVerify(fields string) string {
	return withUser(`"verifyWalletOptions":{` + fields + `}`)
}

// clock is a time that a test sets and moves, for meshtest.WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// t0 is the clock's start: a time with a fraction of a second, so that whole seconds
// and milliseconds differ.
var t0 = time.Unix(1_750_000_000, 250_000_000)

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock on by d.
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// mint posts body to the Link token endpoint and returns the token the fake minted.
func mint(t *testing.T, srv *meshtest.Server, body string) string {
	t.Helper()
	token, isString := okContent(t, post(t, srv, body))["linkToken"].(string)
	require.True(t, isString)
	return token
}

// pay mints a token for body and pays with it.
func pay(t *testing.T, srv *meshtest.Server, body string) *mesh.Transfer {
	t.Helper()
	tr, err := srv.PayWithLink(mint(t, srv, body))
	require.NoError(t, err)
	return tr
}

// payment is a token request body for user that pays fiat USD to the Polygon
// address 0x1 in USDC, with more fields of transferOptions and of the request
// (each "name":value, comma-separated) when given.
func payment(user, fiat, transferFields, requestFields string) string {
	body := `{"userId":"` + user + `","transferOptions":{"toAddresses":[{` + addrOK + `}],"amountInFiat":` + fiat
	if transferFields != "" {
		body += "," + transferFields
	}
	body += "}"
	if requestFields != "" {
		body += "," + requestFields
	}
	return body + "}"
}

// transferPage GETs the transfer list with query and returns the ids of its items, in
// order, and its total.
func transferPage(t *testing.T, srv *meshtest.Server, query string) (ids []string, total int) {
	t.Helper()
	content := okContent(t, get(t, srv, meshtest.TransfersPath+"?"+query))
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total *int `json:"total"`
	}
	b, err := json.Marshal(content)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &page))
	require.NotNil(t, page.Items, "items must be a list, never null")
	require.NotNil(t, page.Total)
	ids = []string{}
	for _, item := range page.Items {
		ids = append(ids, item.ID)
	}
	return ids, *page.Total
}
