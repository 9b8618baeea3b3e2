package mesh

// What a refused request gives the caller: every problem at once, reasons that say
// what to do, and nothing sent.

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// Every problem carries a Code, a Limit where it breaks one, and a Reason that says what
// to do, so that an application writes its own message. A refused call returns Validate's
// error, no APIError, and sends nothing. One row per kind of problem Validate and the
// per-call options report; checkField's tables check the codes of the other fields.
func TestRefusalCodes(t *testing.T) {
	type request = CreateLinkTokenRequest
	const to = "transferOptions."
	const addr = to + "toAddresses[0]."
	first := func(r *request) *TransferAddress { return &r.TransferOptions.ToAddresses[0] }
	type want struct {
		field, code string
		limit       int
	}
	tests := []struct {
		name  string
		set   func(*request)
		opt   CallOption
		want  want
		hints []string // what the reason says to do
	}{
		{"userId too long: a shorter stable id, and the limit", func(r *request) { r.UserID = strings.Repeat("u", 51) },
			nil, want{"userId", CodeTooLong, 50}, []string{"hash", "50"}},
		{"unknown brokerType: prefer IntegrationID", func(r *request) { r.BrokerType = "nasdaq" },
			nil, want{"brokerType", CodeUnknownValue, 0}, []string{"IntegrationID"}},
		{"networkId not a UUID: where to find one", func(r *request) { first(r).NetworkID = "eth" },
			nil, want{addr + "networkId", CodeNotUUID, 0}, []string{"Networks"}},
		{"transactionId too long", func(r *request) { r.TransferOptions.TransactionID = strings.Repeat("t", 129) },
			nil, want{to + "transactionId", CodeTooLong, 128}, nil},
		{"clientFee above 1: a ratio", func(r *request) { r.TransferOptions.ClientFee = Float64(2.5) },
			nil, want{to + "clientFee", CodeOutOfRange, 0}, []string{"0.025"}},
		{"transferType blank: leave it empty", func(r *request) { r.TransferOptions.TransferType = " " },
			nil, want{to + "transferType", CodeBlank, 0}, []string{"empty"}},
		{"description too long", func(r *request) { r.TransferOptions.Description = strings.Repeat("d", 257) },
			nil, want{to + "description", CodeTooLong, 256}, nil},
		{"WithCallRetry out of bounds", nil, WithCallRetry(RetryPolicy{MaxRetries: 11}), want{"", CodeInvalid, 0}, nil},
		{"WithCallTimeout negative", nil, WithCallTimeout(-time.Second), want{"", CodeOutOfRange, 0}, nil},
		{"WithResponse nil", nil, WithResponse(nil), want{"", CodeRequired, 0}, nil},
	}
	// refusedWithoutSending calls CreateLinkToken with req and opt on a transport that would
	// answer, and checks that it refuses without sending and without an APIError.
	refusedWithoutSending := func(t *testing.T, req *request, opts ...CallOption) *InvalidRequestError {
		t.Helper()
		c, mt, _ := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(http.StatusOK, okBody))
		lt, err := c.CreateLinkToken(context.Background(), req, opts...)
		assert.Nil(t, lt)
		refusal(t, err)
		var apiErr *APIError
		assert.False(t, errors.As(err, &apiErr), "a refused request is not an APIError")
		assert.Zero(t, mt.GetTotalCallCount(), "an invalid request reached the transport")
		var ire *InvalidRequestError
		require.ErrorAs(t, err, &ire)
		if len(opts) == 0 {
			assert.Equal(t, req.Validate(), err, "CreateLinkToken's error differs from Validate's")
		}
		return ire
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			if tc.set != nil {
				tc.set(req)
			}
			var opts []CallOption
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			ire := refusedWithoutSending(t, req, opts...)
			require.Len(t, ire.Problems, 1, "%v", ire)
			p := ire.Problems[0]
			assert.Equal(t, tc.want, want{p.Field, p.Code, p.Limit})
			for _, hint := range tc.hints {
				assert.Contains(t, p.Reason, hint)
			}
		})
	}
	t.Run("nil request", func(t *testing.T) {
		ire := refusedWithoutSending(t, nil)
		require.Len(t, ire.Problems, 1)
		assert.Equal(t, CodeRequired, ire.Problems[0].Code)
	})
	t.Run("several problems of the request", func(t *testing.T) {
		req := validRequest()
		req.TransferOptions.ToAddresses[0].NetworkID = "x"
		req.TransferOptions.AmountInFiat = Float64(math.NaN())
		ire := refusedWithoutSending(t, req)
		require.Len(t, ire.Problems, 2)
		got := []string{ire.Problems[0].Field, ire.Problems[1].Field}
		assert.Equal(t, []string{addr + "networkId", to + "amountInFiat"}, got)
	})
	t.Run("an option's problem and the request's, at once", func(t *testing.T) {
		ire := refusedWithoutSending(t, &CreateLinkTokenRequest{}, WithCallTimeout(-1))
		require.Len(t, ire.Problems, 2)
		assert.Equal(t, []string{CodeOutOfRange, CodeRequired}, []string{ire.Problems[0].Code, ire.Problems[1].Code})
		assert.Equal(t, "userId", ire.Problems[1].Field)
	})
	// The same setup does send a valid request, so the zero above means something.
	t.Run("valid request is sent", func(t *testing.T) {
		c, mt, _ := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(http.StatusOK, okBody))
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}
