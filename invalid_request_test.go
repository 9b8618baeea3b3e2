package mesh

// What a refused request gives the caller: every problem at once, reasons that say
// what to do, and nothing sent.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An open enum's unknown value is not only accepted but sent as it is.
func TestCreateLinkTokenSendsUnknownOpenEnumValues(t *testing.T) {
	c, mt, _ := newMockClient(t)
	var sent []byte
	mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, func(r *http.Request) (*http.Response, error) {
		sent, _ = io.ReadAll(r.Body)
		return httpmock.NewStringResponse(http.StatusOK, okBody), nil
	})
	req := validRequest()
	req.TransferOptions.TransferType = TransferTypeFiatOnRamp
	req.TransferOptions.GoodsDetails = []GoodsDetails{{GoodsType: "03"}}
	req.VerifyWalletOptions = &VerifyWalletOptions{VerificationMethods: []VerificationMethod{"someFutureMethod"}, NetworkType: "someFutureNetwork"}

	_, err := c.CreateLinkToken(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, 1, mt.GetTotalCallCount())
	var body struct {
		TransferOptions struct {
			TransferType string `json:"transferType"`
			GoodsDetails []struct {
				GoodsType string `json:"goodsType"`
			} `json:"goodsDetails"`
		} `json:"transferOptions"`
		VerifyWalletOptions struct {
			VerificationMethods []string `json:"verificationMethods"`
			NetworkType         string   `json:"networkType"`
		} `json:"verifyWalletOptions"`
	}
	require.NoError(t, json.Unmarshal(sent, &body), "%s", sent)
	assert.Equal(t, "fiatOnRamp", body.TransferOptions.TransferType)
	require.Len(t, body.TransferOptions.GoodsDetails, 1)
	assert.Equal(t, "03", body.TransferOptions.GoodsDetails[0].GoodsType)
	assert.Equal(t, []string{"someFutureMethod"}, body.VerifyWalletOptions.VerificationMethods)
	assert.Equal(t, "someFutureNetwork", body.VerifyWalletOptions.NetworkType)
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	bad := TransferAddress{NetworkID: "not-a-uuid", Amount: Float64(-1), DisplayAmountInFiat: Float64(math.NaN()),
		MinAmount: Float64(math.Inf(1)), MinAmountInFiat: Float64(math.Inf(-1))}
	req := &CreateLinkTokenRequest{
		UserID:        strings.Repeat("😀", 26),
		BrokerType:    BrokerTypeDeFiWallet,
		IntegrationID: "{" + testIntegrationID + "}",
		SubClientID:   "sub",
		TransferOptions: &TransferOptions{
			ToAddresses:   []TransferAddress{validAddress(), bad},
			AmountInFiat:  Float64(-5),
			TransactionID: strings.Repeat("😀", 65),
			ClientFee:     Float64(1.5),
			TransferType:  " ",
			Description:   strings.Repeat("é", 257),
			GoodsDetails:  []GoodsDetails{{GoodsType: "01"}, {GoodsType: "  "}},
		},
		VerifyWalletOptions: &VerifyWalletOptions{
			VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage, "\t"},
			Addresses:           []string{"0xabc", " 0xdef"},
			NetworkID:           "nope",
			NetworkType:         " ",
		},
	}
	want := []string{
		"userId", "brokerType", "integrationId", "subClientId",
		"transferOptions.toAddresses[1].networkId", "transferOptions.toAddresses[1].symbol",
		"transferOptions.toAddresses[1].address", "transferOptions.toAddresses[1].amount",
		"transferOptions.toAddresses[1].displayAmountInFiat", "transferOptions.toAddresses[1].minAmount",
		"transferOptions.toAddresses[1].minAmountInFiat",
		"transferOptions.amountInFiat", "transferOptions.transactionId", "transferOptions.clientFee",
		"transferOptions.transferType", "transferOptions.description", "transferOptions.goodsDetails[1].goodsType",
		"verifyWalletOptions.verificationMethods[1]", "verifyWalletOptions.message",
		"verifyWalletOptions.addresses[1]", "verifyWalletOptions.networkId", "verifyWalletOptions.networkType",
	}
	checkValidate(t, req, want...)
}

// Reasons say what to do, not only what is wrong.
func TestValidateReasonsSayWhatToDo(t *testing.T) {
	tests := []struct {
		name string
		set  func(*CreateLinkTokenRequest)
		hint string
	}{
		{"userId too long: use a shorter stable id", func(r *CreateLinkTokenRequest) { r.UserID = strings.Repeat("a", 51) }, "hash"},
		{"userId too long: says the limit", func(r *CreateLinkTokenRequest) { r.UserID = strings.Repeat("a", 51) }, "50"},
		{"unknown broker: prefer IntegrationID", func(r *CreateLinkTokenRequest) { r.BrokerType = "nasdaq" }, "IntegrationID"},
		{"networkId: where to find one", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].NetworkID = "eth" }, "Networks"},
		{"clientFee: a ratio", func(r *CreateLinkTokenRequest) { r.TransferOptions.ClientFee = Float64(2.5) }, "0.025"},
		{"blank open enum: leave it empty", func(r *CreateLinkTokenRequest) { r.TransferOptions.TransferType = " " }, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			tc.set(req)
			var ire *InvalidRequestError
			require.ErrorAs(t, req.Validate(), &ire)
			require.Len(t, ire.Problems, 1)
			assert.Contains(t, ire.Problems[0].Reason, tc.hint)
		})
	}
}

func TestCreateLinkTokenRefusesInvalidRequestWithoutSending(t *testing.T) {
	tests := []struct {
		name string
		req  *CreateLinkTokenRequest
	}{
		{"nil request", nil},
		{"empty request", &CreateLinkTokenRequest{}},
		{"userId too long in UTF-16", &CreateLinkTokenRequest{UserID: strings.Repeat("😀", 26)}},
		{"unsupported broker", &CreateLinkTokenRequest{UserID: "u", BrokerType: BrokerTypeCryptocurrencyWallet}},
		{"several problems", func() *CreateLinkTokenRequest {
			r := validRequest()
			r.TransferOptions.ToAddresses[0].NetworkID = "x"
			r.TransferOptions.AmountInFiat = Float64(math.NaN())
			return r
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt, _ := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(http.StatusOK, okBody))
			want := tc.req.Validate()
			require.Error(t, want)

			lt, err := c.CreateLinkToken(context.Background(), tc.req)
			assert.Nil(t, lt)
			refusal(t, err)
			assert.Equal(t, want, err, "CreateLinkToken's error differs from Validate's")
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr), "a refused request is not an APIError")
			assert.Zero(t, mt.GetTotalCallCount(), "an invalid request reached the transport")
		})
	}
	// The same setup does send a valid request, so the zero above means something.
	t.Run("valid request is sent", func(t *testing.T) {
		c, mt, _ := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(http.StatusOK, okBody))
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}

// Every problem carries a Code, and a Limit where it breaks one, so that an application
// writes its own message: one case per kind of problem Validate and the per-call
// options report.
func TestRefusalCodes(t *testing.T) {
	const to = "transferOptions."
	const addr = to + "toAddresses[0]."
	type want struct {
		field, code string
		limit       int
	}
	tests := []struct {
		name string
		set  func(*CreateLinkTokenRequest)
		opt  CallOption
		want want
	}{
		{"userId blank", func(r *CreateLinkTokenRequest) { r.UserID = " " }, nil, want{"userId", CodeRequired, 0}},
		{"userId too long", func(r *CreateLinkTokenRequest) { r.UserID = strings.Repeat("u", 51) }, nil, want{"userId", CodeTooLong, 50}},
		{"unknown brokerType", func(r *CreateLinkTokenRequest) { r.BrokerType = "nasdaq" }, nil, want{"brokerType", CodeUnknownValue, 0}},
		{"unsupported brokerType", func(r *CreateLinkTokenRequest) { r.BrokerType = BrokerTypeDeFiWallet }, nil, want{"brokerType", CodeUnsupported, 0}},
		{"integrationId not a UUID", func(r *CreateLinkTokenRequest) { r.IntegrationID = "coinbase" }, nil, want{"integrationId", CodeNotUUID, 0}},
		{"networkId missing", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].NetworkID = "" }, nil, want{addr + "networkId", CodeRequired, 0}},
		{"networkId not a UUID", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].NetworkID = "eth" }, nil, want{addr + "networkId", CodeNotUUID, 0}},
		{"symbol missing", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].Symbol = "" }, nil, want{addr + "symbol", CodeRequired, 0}},
		{"address blank", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].Address = "\n" }, nil, want{addr + "address", CodeRequired, 0}},
		{"symbol untrimmed", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].Symbol = "USDC\n" }, nil, want{addr + "symbol", CodeUntrimmed, 0}},
		{"destination amount negative", func(r *CreateLinkTokenRequest) { r.TransferOptions.ToAddresses[0].MinAmount = Float64(-1) }, nil, want{addr + "minAmount", CodeOutOfRange, 0}},
		{"amountInFiat not finite", func(r *CreateLinkTokenRequest) { r.TransferOptions.AmountInFiat = Float64(math.Inf(1)) }, nil, want{to + "amountInFiat", CodeOutOfRange, 0}},
		{"transactionId too long", func(r *CreateLinkTokenRequest) { r.TransferOptions.TransactionID = strings.Repeat("t", 129) }, nil, want{to + "transactionId", CodeTooLong, 128}},
		{"clientFee above 1", func(r *CreateLinkTokenRequest) { r.TransferOptions.ClientFee = Float64(2.5) }, nil, want{to + "clientFee", CodeOutOfRange, 0}},
		{"transferType blank", func(r *CreateLinkTokenRequest) { r.TransferOptions.TransferType = " " }, nil, want{to + "transferType", CodeBlank, 0}},
		{"description too long", func(r *CreateLinkTokenRequest) { r.TransferOptions.Description = strings.Repeat("d", 257) }, nil, want{to + "description", CodeTooLong, 256}},
		{"goodsType blank", func(r *CreateLinkTokenRequest) { r.TransferOptions.GoodsDetails = []GoodsDetails{{GoodsType: "\t"}} }, nil, want{to + "goodsDetails[0].goodsType", CodeBlank, 0}},
		{"verification method empty", func(r *CreateLinkTokenRequest) {
			r.VerifyWalletOptions = &VerifyWalletOptions{VerificationMethods: []VerificationMethod{""}}
		}, nil, want{"verifyWalletOptions.verificationMethods[0]", CodeBlank, 0}},
		{"message missing", func(r *CreateLinkTokenRequest) {
			r.VerifyWalletOptions = &VerifyWalletOptions{VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage}}
		}, nil, want{"verifyWalletOptions.message", CodeRequired, 0}},
		{"wallet address blank", func(r *CreateLinkTokenRequest) {
			r.VerifyWalletOptions = &VerifyWalletOptions{Addresses: []string{" "}}
		}, nil, want{"verifyWalletOptions.addresses[0]", CodeBlank, 0}},
		{"wallet address untrimmed", func(r *CreateLinkTokenRequest) {
			r.VerifyWalletOptions = &VerifyWalletOptions{Addresses: []string{"0xabc "}}
		}, nil, want{"verifyWalletOptions.addresses[0]", CodeUntrimmed, 0}},
		{"wallet networkId not a UUID", func(r *CreateLinkTokenRequest) { r.VerifyWalletOptions = &VerifyWalletOptions{NetworkID: "x"} }, nil, want{"verifyWalletOptions.networkId", CodeNotUUID, 0}},
		{"networkType blank", func(r *CreateLinkTokenRequest) { r.VerifyWalletOptions = &VerifyWalletOptions{NetworkType: " "} }, nil, want{"verifyWalletOptions.networkType", CodeBlank, 0}},
		{"WithCallRetry out of bounds", nil, WithCallRetry(RetryPolicy{MaxRetries: 11}), want{"", CodeInvalid, 0}},
		{"WithCallTimeout negative", nil, WithCallTimeout(-time.Second), want{"", CodeOutOfRange, 0}},
		{"WithResponse nil", nil, WithResponse(nil), want{"", CodeRequired, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			if tc.set != nil {
				tc.set(req)
			}
			c, mt, _ := newMockClient(t)
			_, err := c.CreateLinkToken(context.Background(), req, tc.opt)
			var ire *InvalidRequestError
			require.ErrorAs(t, err, &ire)
			require.Len(t, ire.Problems, 1, "%v", err)
			p := ire.Problems[0]
			assert.Equal(t, tc.want, want{p.Field, p.Code, p.Limit})
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
	t.Run("an option's problem and the request's, at once", func(t *testing.T) {
		c, _, _ := newMockClient(t)
		_, err := c.CreateLinkToken(context.Background(), &CreateLinkTokenRequest{}, WithCallTimeout(-1))
		var ire *InvalidRequestError
		require.ErrorAs(t, err, &ire)
		require.Len(t, ire.Problems, 2)
		assert.Equal(t, []string{CodeOutOfRange, CodeRequired}, []string{ire.Problems[0].Code, ire.Problems[1].Code})
		assert.Equal(t, "userId", ire.Problems[1].Field)
	})
	t.Run("nil request", func(t *testing.T) {
		err := (*CreateLinkTokenRequest)(nil).Validate()
		require.Len(t, refusal(t, err), 1)
		var ire *InvalidRequestError
		require.ErrorAs(t, err, &ire)
		assert.Equal(t, CodeRequired, ire.Problems[0].Code)
	})
}
