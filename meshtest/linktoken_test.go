package meshtest_test

// The Link token endpoint: tokens through a Client, the ok envelope on the wire, the
// media types Mesh accepts.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

func TestCreateLinkTokenThroughClient(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv)
	tests := []struct {
		name        string
		req         *mesh.CreateLinkTokenRequest
		wantPayLink bool
	}{
		{"user id only", &mesh.CreateLinkTokenRequest{UserID: "u1"}, false},
		{"payment without pay link", paymentRequest(nil), false},
		{"generatePayLink false", paymentRequest(mesh.Bool(false)), false},
		{"generatePayLink true", paymentRequest(mesh.Bool(true)), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for range 5 {
				lt, err := client.CreateLinkToken(context.Background(), tc.req)
				require.NoError(t, err)
				assert.False(t, seen[lt.Token], "token %q minted twice", lt.Token)
				seen[lt.Token] = true

				u, err := lt.URL()
				require.NoError(t, err)
				assert.Equal(t, "https", u.Scheme)
				assert.Equal(t, "web.meshconnect.com", u.Host)
				assert.True(t, strings.HasPrefix(u.Path, "/link/") && len(u.Path) > len("/link/"), "path %q", u.Path)

				if tc.wantPayLink {
					assert.True(t, strings.HasPrefix(lt.PaymentLink, "https://pay.meshconnect.com/"), "payment link %q", lt.PaymentLink)
					assert.Equal(t, strings.TrimPrefix(u.Path, "/link/"), strings.TrimPrefix(lt.PaymentLink, "https://pay.meshconnect.com/"))
				} else {
					assert.Empty(t, lt.PaymentLink)
				}
			}
		})
	}
}

func TestOKEnvelopeOnTheWire(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name        string
		body        string
		wantPayLink bool
	}{
		{"no pay link", `{"userId":"u1"}`, false},
		{"pay link", `{"userId":"u1","transferOptions":{"generatePayLink":true}}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, srv, tc.body)
			require.Equal(t, http.StatusOK, r.code, r.body)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			env := r.envelope(t)
			assert.Equal(t, "ok", env["status"])
			assert.NotEmpty(t, env["errorHash"])
			assert.Contains(t, env, "displayMessage")
			assert.Nil(t, env["errorData"])
			content, ok := env["content"].(map[string]any)
			require.True(t, ok, "content %v", env["content"])
			assert.NotEmpty(t, content["linkToken"])
			assert.Contains(t, content, "paymentLink")
			if tc.wantPayLink {
				assert.NotNil(t, content["paymentLink"])
			} else {
				assert.Nil(t, content["paymentLink"])
			}
		})
	}
}

// TestEveryFieldAccepted sends a request with every field of mesh.CreateLinkTokenRequest
// set: a field the SDK sends but the fake does not know would be refused.
func TestEveryFieldAccepted(t *testing.T) {
	req := &mesh.CreateLinkTokenRequest{
		UserID:                   "user-42",
		BrokerType:               mesh.BrokerTypeCoinbase, //nolint:staticcheck // SA1019: the fake must still accept the deprecated field
		IntegrationID:            "34aeb688-decb-485f-9d80-b66466783394",
		RestrictMultipleAccounts: mesh.Bool(false),
		DisableAPIKeyGeneration:  mesh.Bool(true),
		SubClientID:              "0b5e1c4a-7d0e-4b7e-9d36-5a2f0f6f9a11",
		TransferOptions: &mesh.TransferOptions{
			ToAddresses: []mesh.TransferAddress{{
				NetworkID:           networkID,
				Symbol:              "XRP",
				Address:             "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
				AddressTag:          "12345",
				Amount:              mesh.Float64(1.5),
				DisplayAmountInFiat: mesh.Float64(3),
				MinAmount:           mesh.Float64(0),
				MinAmountInFiat:     mesh.Float64(0),
			}},
			AmountInFiat:          mesh.Float64(10),
			TransactionID:         "tx-1",
			ClientFee:             mesh.Float64(0),
			TransferType:          mesh.TransferTypeDeposit,
			IsInclusiveFeeEnabled: mesh.Bool(false),
			Description:           "a mug",
			GoodsDetails: []mesh.GoodsDetails{{
				GoodsType: mesh.GoodsTypeTangible, GoodsCategory: "kitchen", ReferenceGoodsID: "sku-1",
				GoodsName: "mug", GoodsDetail: "blue",
			}},
			GeneratePayLink: mesh.Bool(true),
		},
		VerifyWalletOptions: &mesh.VerifyWalletOptions{
			Message:             "prove it",
			VerificationMethods: []mesh.VerificationMethod{mesh.VerificationMethodSignedMessage},
			Addresses:           []string{"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"},
			NetworkID:           networkID,
			NetworkType:         mesh.NetworkTypeEVM,
		},
	}
	srv := meshtest.Start(t)
	body, err := json.Marshal(req)
	require.NoError(t, err)
	r := post(t, srv, string(body))
	assert.Equal(t, http.StatusOK, r.code, r.body)

	lt, err := newClient(t, srv, noRetry).CreateLinkToken(context.Background(), req)
	require.NoError(t, err)
	assert.NotEmpty(t, lt.PaymentLink)
}

// TestEveryPropertyOnTheWire posts a body with every property of the wire spec set
// (fundingOptions included, which this branch's SDK cannot send yet), then the same
// with null in every property where Mesh's schema allows it.
func TestEveryPropertyOnTheWire(t *testing.T) {
	srv := meshtest.Start(t)
	full := `{
		"userId": "user-42", "brokerType": "coinbase", "integrationId": "` + meshtest.CoinbaseIntegrationID + `",
		"restrictMultipleAccounts": false, "disableApiKeyGeneration": true, "subClientId": "0b5e1c4a-7d0e-4b7e-9d36-5a2f0f6f9a11",
		"transferOptions": {
			"toAddresses": [{"networkId": "` + meshtest.EthereumNetworkID + `", "symbol": "USDC", "address": "0x1", "addressTag": "7",
				"amount": 1.5, "displayAmountInFiat": 3, "minAmount": 0, "minAmountInFiat": 0}],
			"amountInFiat": 10, "transactionId": "tx-1", "clientFee": 0.025, "transferType": "fiatOffRamp",
			"fundingOptions": {"enabled": true}, "isInclusiveFeeEnabled": false, "description": "a mug",
			"goodsDetails": [{"goodsType": "01", "goodsCategory": "kitchen", "referenceGoodsId": "sku-1", "goodsName": "mug", "goodsDetail": "blue"}],
			"generatePayLink": true
		},
		"verifyWalletOptions": {"message": "prove it", "verificationMethods": ["signedMessage"], "addresses": ["0x1"],
			"networkId": "` + meshtest.EthereumNetworkID + `", "networkType": "evm"}
	}`
	nulls := `{
		"userId": "user-42", "brokerType": null, "integrationId": null, "subClientId": null,
		"transferOptions": {
			"toAddresses": [{"networkId": "` + meshtest.EthereumNetworkID + `", "symbol": "USDC", "address": "0x1", "addressTag": null,
				"amount": null, "displayAmountInFiat": null, "minAmount": null, "minAmountInFiat": null}],
			"amountInFiat": null, "transactionId": null, "clientFee": null, "transferType": null, "fundingOptions": null,
			"description": null,
			"goodsDetails": [{"goodsType": null, "goodsCategory": null, "referenceGoodsId": null, "goodsName": null, "goodsDetail": null}]
		},
		"verifyWalletOptions": {"message": null, "verificationMethods": null, "addresses": null, "networkId": null, "networkType": null}
	}`
	for name, body := range map[string]string{"every property": full, "null wherever allowed": nulls} {
		t.Run(name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(body)))
			content := okContent(t, post(t, srv, body))
			assert.NotEmpty(t, content["linkToken"])
		})
	}
}

// TestContentType checks the media types: those Mesh's ASP.NET server reads as JSON
// are accepted, in any case and with parameters; anything else is a badRequest.
func TestContentType(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name        string
		contentType string // "" removes the header
		wantOK      bool
	}{
		{"application/json", "application/json", true},
		{"with charset", "application/json; charset=utf-8", true},
		{"upper case", "Application/JSON", true},
		{"text/json", "text/json", true},
		{"text/json with charset", "text/json; charset=utf-8", true},
		{"problem+json", "application/problem+json", true},
		{"vendor +json", "application/vnd.foo+json", true},
		{"vendor +json upper case with a parameter", "APPLICATION/VND.FOO+JSON; charset=utf-8", true},
		{"missing", "", false},
		{"text/plain", "text/plain", false},
		{"form", "application/x-www-form-urlencoded", false},
		{"bare +json", "application/+json", false},
		{"text +json", "text/vnd.foo+json", false},
		{"json prefix", "application/jsonx", false},
		{"+json not a suffix", "application/vnd.foo+json.v2", false},
		{"json in text/plain", "text/plain+json", false},
		{"malformed", "application/json; =", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, srv, http.MethodPost, meshtest.LinkTokenPath, `{"userId":"u1"}`, map[string]string{"Content-Type": tc.contentType})
			env := r.envelope(t)
			if tc.wantOK {
				assert.Equal(t, http.StatusOK, r.code, r.body)
				assert.Equal(t, "ok", env["status"])
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.code)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, meshtest.ErrorTypeInvalidContentType, env["errorType"])
		})
	}
}
