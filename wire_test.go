package mesh

// What goes on the wire: the exact JSON body of a Link token request, the method, path
// and headers of every request, and what a retry sends again.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sentRequest is one request as the server received it.
type sentRequest struct {
	method, host, path string
	query              url.Values
	header             http.Header
	body               string
	contentLength      int64
	chunked            bool
}

// requestRecorder keeps every request its handler receives, then lets next answer it.
type requestRecorder struct {
	mu   sync.Mutex
	reqs []sentRequest
}

// handler records each request and answers it with next.
func (rec *requestRecorder) handler(t testing.TB, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, sentRequest{method: r.Method, host: r.Host, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(),
			body: string(body), contentLength: r.ContentLength, chunked: len(r.TransferEncoding) > 0})
		rec.mu.Unlock()
		next(w, r)
	}
}

func (rec *requestRecorder) requests() []sentRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]sentRequest(nil), rec.reqs...)
}

// queries returns the query of each request.
func (rec *requestRecorder) queries() []url.Values {
	var qs []url.Values
	for _, r := range rec.requests() {
		qs = append(qs, r.query)
	}
	return qs
}

// recordCall makes call on a new client of a server (at prefix) answering ok, and returns
// the one request the server received.
func recordCall(t *testing.T, prefix, ok string, call func(*Client) error, opts ...Option) sentRequest {
	t.Helper()
	var rec requestRecorder
	srv := newServer(t, rec.handler(t, answer(http.StatusOK, ok)))
	c, _ := newTestClient(t, srv.URL+prefix, opts...)
	require.NoError(t, call(c))
	got := rec.requests()
	require.Len(t, got, 1)
	return got[0]
}

// clientCalls are the calls of a Client that reach the network, each made with a valid
// request: its method and path below the base URL, and an ok answer of the endpoint.
var clientCalls = []struct {
	name, method, path, ok string
	do                     func(c *Client, ctx context.Context) error
}{
	{"CreateLinkToken", http.MethodPost, "/api/v1/linktoken", okBody, func(c *Client, ctx context.Context) error {
		lt, err := c.CreateLinkToken(ctx, validRequest())
		if err == nil && lt.Token != testToken {
			return fmt.Errorf("token %q", lt.Token)
		}
		return err
	}},
	{"Networks", http.MethodGet, "/api/v1/transfers/managed/networks", `{"status":"ok","content":{"networks":[]}}`,
		func(c *Client, ctx context.Context) error { return errOf(c.Networks(ctx)) }},
	{"Integrations", http.MethodGet, "/api/v1/integrations", `{"status":"ok","content":{"items":[]}}`,
		func(c *Client, ctx context.Context) error { return errOf(c.Integrations(ctx)) }},
	{"TransferIntegrations", http.MethodGet, "/api/v1/transfers/managed/integrations", `{"status":"ok","content":{"integrations":[]}}`,
		func(c *Client, ctx context.Context) error { return errOf(c.TransferIntegrations(ctx)) }},
	{"Transfers", http.MethodGet, "/api/v1/transfers/managed/mesh", `{"status":"ok","content":{"items":[],"total":0}}`,
		func(c *Client, ctx context.Context) error {
			return errOf(c.Transfers(ctx, &TransferQuery{ClientTransactionID: "order-42"}))
		}},
	{"AllTransfers", http.MethodGet, "/api/v1/transfers/managed/mesh", `{"status":"ok","content":{"items":[],"total":0}}`,
		func(c *Client, ctx context.Context) error {
			for _, err := range c.AllTransfers(ctx, nil) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	{"TransferByID", http.MethodGet, "/api/v1/transfers/managed/mesh", transferListAnswer,
		func(c *Client, ctx context.Context) error { return errOf(c.TransferByID(ctx, officialTransferID)) }},
	{"WalletVerifications", http.MethodGet, "/api/v1/wallets/verify", `{"status":"ok","content":{"verifications":[]}}`,
		func(c *Client, ctx context.Context) error {
			return errOf(c.WalletVerifications(ctx, "user-1", "address-1"))
		}},
}

func TestWireLinkTokenBody(t *testing.T) {
	const subClientID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	tests := []struct {
		name string
		req  *CreateLinkTokenRequest
		want string // the JSON the API expects, written by hand from its field names
	}{
		{
			name: "every field",
			req: &CreateLinkTokenRequest{
				UserID: "user-42", BrokerType: BrokerTypeBinancePay, IntegrationID: testIntegrationID,
				RestrictMultipleAccounts: Bool(true), DisableAPIKeyGeneration: Bool(true), SubClientID: subClientID,
				TransferOptions: &TransferOptions{
					ToAddresses: []TransferAddress{{NetworkID: testNetworkID, Symbol: "XRP", Address: "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
						AddressTag: "12345", Amount: Float64(1.5), DisplayAmountInFiat: Float64(10.25), MinAmount: Float64(0.5), MinAmountInFiat: Float64(5)}},
					AmountInFiat: Float64(25), TransactionID: "tx-1", ClientFee: Float64(0.025), TransferType: TransferTypeOnramp,
					FundingOptions: &FundingOptions{Enabled: true}, IsInclusiveFeeEnabled: Bool(true), Description: "order <1> & co",
					GoodsDetails: []GoodsDetails{{GoodsType: GoodsTypeVirtual, GoodsCategory: "Z000", ReferenceGoodsID: "sku-1",
						GoodsName: "ebook", GoodsDetail: "a book"}},
					GeneratePayLink: Bool(true),
				},
				VerifyWalletOptions: &VerifyWalletOptions{Message: "I own it", VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage},
					Addresses: []string{"0xabc", "0xdef"}, NetworkID: testNetworkID, NetworkType: NetworkTypeAvalancheX},
			},
			want: `{
				"userId": "user-42", "brokerType": "binancePay", "integrationId": "` + testIntegrationID + `",
				"restrictMultipleAccounts": true, "disableApiKeyGeneration": true, "subClientId": "` + subClientID + `",
				"transferOptions": {
					"toAddresses": [{"networkId": "` + testNetworkID + `", "symbol": "XRP", "address": "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
						"addressTag": "12345", "amount": 1.5, "displayAmountInFiat": 10.25, "minAmount": 0.5, "minAmountInFiat": 5}],
					"amountInFiat": 25, "transactionId": "tx-1", "clientFee": 0.025, "transferType": "onramp",
					"fundingOptions": {"enabled": true}, "isInclusiveFeeEnabled": true, "description": "order <1> & co",
					"goodsDetails": [{"goodsType": "02", "goodsCategory": "Z000", "referenceGoodsId": "sku-1",
						"goodsName": "ebook", "goodsDetail": "a book"}],
					"generatePayLink": true
				},
				"verifyWalletOptions": {"message": "I own it", "verificationMethods": ["signedMessage"],
					"addresses": ["0xabc", "0xdef"], "networkId": "` + testNetworkID + `", "networkType": "avalancheX"}
			}`,
		},
		{
			name: "explicit false and 0 are sent",
			req: &CreateLinkTokenRequest{UserID: "u", RestrictMultipleAccounts: Bool(false), DisableAPIKeyGeneration: Bool(false),
				TransferOptions: &TransferOptions{
					ToAddresses: []TransferAddress{{NetworkID: testNetworkID, Symbol: "USDC", Address: "0xabc",
						Amount: Float64(0), DisplayAmountInFiat: Float64(0), MinAmount: Float64(0), MinAmountInFiat: Float64(0)}},
					AmountInFiat: Float64(0), ClientFee: Float64(0), FundingOptions: &FundingOptions{Enabled: false},
					IsInclusiveFeeEnabled: Bool(false), GeneratePayLink: Bool(false),
				}},
			want: `{"userId": "u", "restrictMultipleAccounts": false, "disableApiKeyGeneration": false,
				"transferOptions": {
					"toAddresses": [{"networkId": "` + testNetworkID + `", "symbol": "USDC", "address": "0xabc",
						"amount": 0, "displayAmountInFiat": 0, "minAmount": 0, "minAmountInFiat": 0}],
					"amountInFiat": 0, "clientFee": 0, "fundingOptions": {"enabled": false}, "isInclusiveFeeEnabled": false, "generatePayLink": false
				}}`,
		},
		{
			name: "unset fields are absent, at the top and in nested objects",
			req: &CreateLinkTokenRequest{UserID: "u", VerifyWalletOptions: &VerifyWalletOptions{NetworkType: NetworkTypeSolana},
				TransferOptions: &TransferOptions{ToAddresses: []TransferAddress{{NetworkID: testNetworkID, Symbol: "USDC", Address: "0xabc"}},
					GoodsDetails: []GoodsDetails{{GoodsName: "mug"}}}},
			want: `{"userId": "u", "verifyWalletOptions": {"networkType": "solana"}, "transferOptions": {
				"toAddresses": [{"networkId": "` + testNetworkID + `", "symbol": "USDC", "address": "0xabc"}], "goodsDetails": [{"goodsName": "mug"}]}}`,
		},
		{
			name: "empty options objects are sent empty",
			req:  &CreateLinkTokenRequest{UserID: "u", TransferOptions: &TransferOptions{}, VerifyWalletOptions: &VerifyWalletOptions{}},
			want: `{"userId": "u", "transferOptions": {}, "verifyWalletOptions": {}}`,
		},
		{
			name: "open enum values unknown to the SDK go out as they are",
			req: &CreateLinkTokenRequest{UserID: "u",
				TransferOptions:     &TransferOptions{TransferType: TransferType("cryptoSwap2027"), GoodsDetails: []GoodsDetails{{GoodsType: "03"}}},
				VerifyWalletOptions: &VerifyWalletOptions{VerificationMethods: []VerificationMethod{"passkey"}, NetworkType: NetworkType("quantumChain")}},
			want: `{"userId": "u", "transferOptions": {"transferType": "cryptoSwap2027", "goodsDetails": [{"goodsType": "03"}]},
				"verifyWalletOptions": {"verificationMethods": ["passkey"], "networkType": "quantumChain"}}`,
		},
		{
			name: "invalid UTF-8 and text JSON must escape go out as JSON",
			req: &CreateLinkTokenRequest{UserID: "u\xff\"}],\\u0000</script>\u2028",
				TransferOptions: &TransferOptions{Description: "\xfe\x00\n\"", GoodsDetails: []GoodsDetails{{GoodsName: "\xff<&>"}}}},
			want: `{"userId": "u\ufffd\"}],\\u0000</script>\u2028",
				"transferOptions": {"description": "\ufffd\u0000\n\"", "goodsDetails": [{"goodsName": "\ufffd<&>"}]}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			call := func(c *Client) error { return errOf(c.CreateLinkToken(context.Background(), tc.req)) }
			got := recordCall(t, "", okBody, call)
			// JSONEq compares decoded values: a key too many (a null, a zero) or too few fails it.
			assert.JSONEq(t, tc.want, got.body)
			assert.NotContains(t, got.body, "null")
			assert.Equal(t, int64(len(got.body)), got.contentLength, "the body is sent with its length")
		})
	}
}

// TestWireRetrySendsTheSameRequest: every attempt of one call sends the same body and
// headers; a body sent empty on a retry would mint a token for nobody.
func TestWireRetrySendsTheSameRequest(t *testing.T) {
	c, _, rec := recordingClient(t, sequence(answer(http.StatusServiceUnavailable, "<html>busy</html>", "Content-Type", "text/html"),
		answer(http.StatusTooManyRequests, errorBody(StatusTooManyRequest, "", "slow down")), answer(http.StatusOK, okBody)))
	req := validRequest()
	req.TransferOptions.ClientFee = Float64(0)
	lt, err := c.CreateLinkToken(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, testToken, lt.Token)

	want, err := json.Marshal(req) // its fields on the wire: TestWireLinkTokenBody
	require.NoError(t, err)
	got := rec.requests()
	require.Len(t, got, 3)
	for i, r := range got {
		assert.JSONEq(t, string(want), r.body, "attempt %d", i+1)
		assert.Equal(t, got[0].body, r.body, "attempt %d sends the first attempt's bytes", i+1)
		assert.Equal(t, int64(len(got[0].body)), r.contentLength, "attempt %d", i+1)
		assert.Equal(t, http.MethodPost, r.method)
		assert.Equal(t, linkTokenPath, r.path)
		for _, h := range []string{"Content-Type", "Accept", "X-Client-Id", "X-Client-Secret", "User-Agent"} {
			assert.Equal(t, got[0].header.Values(h), r.header.Values(h), "attempt %d: %s", i+1, h)
		}
	}
}

// Every call sends the client's headers to the base URL's path (prefix and slash
// kept): the Link token call POSTs JSON, the others GET with no body at all.
func TestWireRequests(t *testing.T) {
	sdkAgent := `^mesh-go/` + regexp.QuoteMeta(Version) + ` \(` + regexp.QuoteMeta(runtime.Version()) + `; ` +
		regexp.QuoteMeta(runtime.GOOS+"/"+runtime.GOARCH) + `\)`
	agents := []struct {
		name string
		opts []Option
		want string // regexp
	}{
		{name: "SDK's User-Agent", want: sdkAgent + `$`},
		{name: "WithUserAgent", opts: []Option{WithUserAgent("acme-payments/1.4")}, want: sdkAgent + ` acme-payments/1\.4$`},
	}
	prefixes := map[string]string{"": "", "/mesh": "/mesh", "/proxy/mesh/": "/proxy/mesh"} // base URL's path: sent
	for _, call := range clientCalls {
		for prefix, sentPrefix := range prefixes {
			for _, agent := range agents {
				t.Run(call.name+" prefix="+prefix+" "+agent.name, func(t *testing.T) {
					r := recordCall(t, prefix, call.ok, func(c *Client) error { return call.do(c, context.Background()) }, agent.opts...)
					assert.Equal(t, call.method, r.method)
					assert.Equal(t, sentPrefix+call.path, r.path)
					if call.method == http.MethodGet {
						assert.Empty(t, r.body, "a GET has no body")
						assert.Zero(t, r.contentLength)
						assert.False(t, r.chunked, "a GET has no body, not even an empty chunked one")
					} else {
						mt, _, err := mime.ParseMediaType(r.header.Get("Content-Type"))
						require.NoError(t, err)
						assert.Equal(t, "application/json", mt)
					}
					assert.Equal(t, []string{"application/json"}, r.header.Values("Accept"))
					assert.Equal(t, []string{testClientID}, r.header.Values("X-Client-Id"))
					assert.Equal(t, []string{testSecret}, r.header.Values("X-Client-Secret"))
					require.Len(t, r.header.Values("User-Agent"), 1)
					assert.Regexp(t, agent.want, r.header.Get("User-Agent"))
				})
			}
		}
	}
}
