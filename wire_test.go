package mesh

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vtCaptured is one request as the server saw it.
type vtCaptured struct {
	method string
	path   string
	header http.Header
	body   string
}

// vtRecorder is a loopback server answering okBody (and a session cookie) to every
// request, and keeping what it received.
type vtRecorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []vtCaptured
}

func vtNewRecorder(t *testing.T) *vtRecorder {
	t.Helper()
	r := &vtRecorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, "read error", http.StatusInternalServerError)
			return
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, vtCaptured{method: req.Method, path: req.URL.Path, header: req.Header.Clone(), body: string(body)})
		r.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3ss10n", Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, okBody)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *vtRecorder) captured() []vtCaptured {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]vtCaptured(nil), r.reqs...)
}

// vtSendOne sends req through a new client on rec and returns what the server received.
func vtSendOne(t *testing.T, rec *vtRecorder, req *CreateLinkTokenRequest, opts ...Option) vtCaptured {
	t.Helper()
	c := newTestClient(t, rec.srv.URL, opts...)
	before := len(rec.captured())
	lt, err := c.CreateLinkToken(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, testToken, lt.Token)
	got := rec.captured()
	require.Len(t, got, before+1)
	return got[before]
}

func TestWireJSONBody(t *testing.T) {
	rec := vtNewRecorder(t)
	tests := []struct {
		name string
		req  *CreateLinkTokenRequest
		want string
	}{
		{
			name: "minimal request",
			req:  &CreateLinkTokenRequest{UserID: "u"},
			want: `{"userId":"u"}`,
		},
		{
			name: "every field",
			req: &CreateLinkTokenRequest{
				UserID:                   "user-42",
				BrokerType:               BrokerTypeBinancePay,
				IntegrationID:            testIntegrationID,
				RestrictMultipleAccounts: Bool(true),
				DisableAPIKeyGeneration:  Bool(true),
				SubClientID:              "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
				TransferOptions: &TransferOptions{
					ToAddresses: []TransferAddress{{
						NetworkID:           testNetworkID,
						Symbol:              "XRP",
						Address:             "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
						AddressTag:          "12345",
						Amount:              Float64(1.5),
						DisplayAmountInFiat: Float64(10.25),
						MinAmount:           Float64(0.5),
						MinAmountInFiat:     Float64(5),
					}},
					AmountInFiat:          Float64(25),
					TransactionID:         "tx-1",
					ClientFee:             Float64(0.025),
					TransferType:          TransferTypeOnramp,
					IsInclusiveFeeEnabled: Bool(true),
					Description:           "order <1> & co",
					GoodsDetails: []GoodsDetails{{
						GoodsType:        GoodsTypeVirtual,
						GoodsCategory:    "Z000",
						ReferenceGoodsID: "sku-1",
						GoodsName:        "ebook",
						GoodsDetail:      "a book",
					}},
					GeneratePayLink: Bool(true),
				},
				VerifyWalletOptions: &VerifyWalletOptions{
					Message:             "I own it",
					VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage},
					Addresses:           []string{"0xabc", "0xdef"},
					NetworkID:           testNetworkID,
					NetworkType:         NetworkTypeAvalancheX,
				},
			},
			want: `{
				"userId": "user-42",
				"brokerType": "binancePay",
				"integrationId": "` + testIntegrationID + `",
				"restrictMultipleAccounts": true,
				"disableApiKeyGeneration": true,
				"subClientId": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
				"transferOptions": {
					"toAddresses": [{
						"networkId": "` + testNetworkID + `",
						"symbol": "XRP",
						"address": "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
						"addressTag": "12345",
						"amount": 1.5,
						"displayAmountInFiat": 10.25,
						"minAmount": 0.5,
						"minAmountInFiat": 5
					}],
					"amountInFiat": 25,
					"transactionId": "tx-1",
					"clientFee": 0.025,
					"transferType": "onramp",
					"isInclusiveFeeEnabled": true,
					"description": "order <1> & co",
					"goodsDetails": [{
						"goodsType": "02",
						"goodsCategory": "Z000",
						"referenceGoodsId": "sku-1",
						"goodsName": "ebook",
						"goodsDetail": "a book"
					}],
					"generatePayLink": true
				},
				"verifyWalletOptions": {
					"message": "I own it",
					"verificationMethods": ["signedMessage"],
					"addresses": ["0xabc", "0xdef"],
					"networkId": "` + testNetworkID + `",
					"networkType": "avalancheX"
				}
			}`,
		},
		{
			name: "explicit false and zero are sent",
			req: &CreateLinkTokenRequest{
				UserID:                   "u",
				RestrictMultipleAccounts: Bool(false),
				DisableAPIKeyGeneration:  Bool(false),
				TransferOptions: &TransferOptions{
					ToAddresses: []TransferAddress{{
						NetworkID: testNetworkID, Symbol: "USDC", Address: "0xabc",
						Amount: Float64(0), DisplayAmountInFiat: Float64(0), MinAmount: Float64(0), MinAmountInFiat: Float64(0),
					}},
					AmountInFiat:          Float64(0),
					ClientFee:             Float64(0),
					IsInclusiveFeeEnabled: Bool(false),
					GeneratePayLink:       Bool(false),
				},
			},
			want: `{
				"userId": "u",
				"restrictMultipleAccounts": false,
				"disableApiKeyGeneration": false,
				"transferOptions": {
					"toAddresses": [{
						"networkId": "` + testNetworkID + `", "symbol": "USDC", "address": "0xabc",
						"amount": 0, "displayAmountInFiat": 0, "minAmount": 0, "minAmountInFiat": 0
					}],
					"amountInFiat": 0,
					"clientFee": 0,
					"isInclusiveFeeEnabled": false,
					"generatePayLink": false
				}
			}`,
		},
		{
			name: "unset optional fields of nested objects are absent",
			req: &CreateLinkTokenRequest{
				UserID: "u",
				TransferOptions: &TransferOptions{
					ToAddresses:  []TransferAddress{{NetworkID: testNetworkID, Symbol: "USDC", Address: "0xabc"}},
					GoodsDetails: []GoodsDetails{{GoodsName: "mug"}},
				},
				VerifyWalletOptions: &VerifyWalletOptions{NetworkType: NetworkTypeSolana},
			},
			want: `{
				"userId": "u",
				"transferOptions": {
					"toAddresses": [{"networkId": "` + testNetworkID + `", "symbol": "USDC", "address": "0xabc"}],
					"goodsDetails": [{"goodsName": "mug"}]
				},
				"verifyWalletOptions": {"networkType": "solana"}
			}`,
		},
		{
			name: "non-ASCII text is sent as is",
			req:  &CreateLinkTokenRequest{UserID: strings.Repeat("日", 50)},
			want: `{"userId":"` + strings.Repeat("日", 50) + `"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.req.Validate(), "fixture must be valid")
			got := vtSendOne(t, rec, tc.req)
			assert.JSONEq(t, tc.want, got.body)
			assert.NotContains(t, got.body, "null")
		})
	}
}

func TestWireHeaders(t *testing.T) {
	uaBase := `^mesh-go/` + regexp.QuoteMeta(Version) + ` \(go[^;]+; ` +
		regexp.QuoteMeta(runtime.GOOS+"/"+runtime.GOARCH) + `\)`
	tests := []struct {
		name string
		opts []Option
		ua   string // regexp the User-Agent must match
	}{
		{"default user agent", nil, uaBase + `$`},
		{"with product", []Option{WithUserAgent("acme/1.2")}, uaBase + ` acme/1\.2$`},
	}
	rec := vtNewRecorder(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := vtSendOne(t, rec, validRequest(), tc.opts...)
			assert.Equal(t, http.MethodPost, got.method)
			assert.Equal(t, "/api/v1/linktoken", got.path)
			assert.Equal(t, "application/json", got.header.Get("Content-Type"))
			assert.Equal(t, "application/json", got.header.Get("Accept"))
			assert.Equal(t, []string{testClientID}, got.header.Values("X-Client-Id"))
			assert.Equal(t, []string{testSecret}, got.header.Values("X-Client-Secret"))
			assert.Len(t, got.header.Values("User-Agent"), 1)
			assert.Regexp(t, tc.ua, got.header.Get("User-Agent"))
			assert.True(t, strings.HasPrefix(got.header.Get("User-Agent"), "mesh-go/"+Version+" "))
		})
	}
}

func TestWireNoCookieReplayed(t *testing.T) {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	tests := []struct {
		name string
		opts []Option
	}{
		{"default transport", nil},
		{"caller's http.Client with a cookie jar", []Option{WithHTTPClient(&http.Client{Jar: jar})}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := vtNewRecorder(t)
			c := newTestClient(t, rec.srv.URL, tc.opts...)
			for i := 0; i < 2; i++ {
				_, err := c.CreateLinkToken(context.Background(), validRequest())
				require.NoError(t, err)
			}
			got := rec.captured()
			require.Len(t, got, 2)
			for i, r := range got {
				assert.Emptyf(t, r.header.Values("Cookie"), "call %d sent a cookie", i+1)
			}
		})
	}
}
