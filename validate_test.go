package mesh

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vtValidationFields checks that err is a refusal as the contract describes it (it
// matches ErrValidation, its tree is an Unwrap() []error holding only
// *ValidationError values with a reason) and returns their Field paths in order.
func vtValidationFields(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrValidation)
	multi, ok := err.(interface{ Unwrap() []error })
	require.Truef(t, ok, "error %T has no Unwrap() []error", err)
	var fields []string
	for _, e := range multi.Unwrap() {
		ve, ok := e.(*ValidationError) //nolint:errorlint // the tree must hold *ValidationError itself, unwrapped
		require.Truef(t, ok, "tree holds %T (%v), want *ValidationError", e, e)
		assert.NotEmpty(t, ve.Reason, "field %q has no reason", ve.Field)
		assert.ErrorIs(t, ve, ErrValidation)
		fields = append(fields, ve.Field)
	}
	return fields
}

// vtCheckRequest validates req and checks that it is accepted (no want) or refused with
// exactly the problems at the want paths, each named in the one-line error text.
func vtCheckRequest(t *testing.T, req *CreateLinkTokenRequest, want ...string) {
	t.Helper()
	err := req.Validate()
	if len(want) == 0 {
		assert.NoError(t, err)
		return
	}
	fields := vtValidationFields(t, err)
	assert.ElementsMatch(t, want, fields)
	msg := err.Error()
	assert.NotContains(t, msg, "\n", "error text is not one line")
	for _, f := range want {
		assert.Contains(t, msg, f)
	}
}

// vtAddress is a valid destination for request fixtures.
func vtAddress() TransferAddress {
	return TransferAddress{NetworkID: testNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}
}

// vtFullRequest is a valid request with every field set.
func vtFullRequest() *CreateLinkTokenRequest {
	a0, a1, a2 := vtAddress(), vtAddress(), vtAddress()
	a1.Symbol, a1.Address, a1.AddressTag = "XRP", "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh", "12345"
	a2.Amount, a2.DisplayAmountInFiat, a2.MinAmount, a2.MinAmountInFiat = Float64(1.5), Float64(10), Float64(0.5), Float64(5)
	return &CreateLinkTokenRequest{
		UserID:                   "user-42",
		BrokerType:               BrokerTypeCoinbase,
		IntegrationID:            testIntegrationID,
		RestrictMultipleAccounts: Bool(true),
		DisableAPIKeyGeneration:  Bool(true),
		SubClientID:              "A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D",
		TransferOptions: &TransferOptions{
			ToAddresses:           []TransferAddress{a0, a1, a2},
			AmountInFiat:          Float64(25),
			TransactionID:         "tx-1",
			ClientFee:             Float64(0.025),
			TransferType:          TransferTypePayment,
			IsInclusiveFeeEnabled: Bool(true),
			Description:           "order 1",
			GoodsDetails: []GoodsDetails{
				{GoodsType: GoodsTypeTangible},
				{GoodsType: GoodsTypeVirtual},
				{GoodsType: GoodsTypeTangible, GoodsName: "mug"},
			},
			GeneratePayLink: Bool(true),
		},
		VerifyWalletOptions: &VerifyWalletOptions{
			Message:             "I own this wallet",
			VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage},
			Addresses:           []string{"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"},
			NetworkID:           testNetworkID,
			NetworkType:         NetworkTypeEVM,
		},
	}
}

func TestValidateFixturesAreValid(t *testing.T) {
	require.NoError(t, validRequest().Validate())
	require.NoError(t, vtFullRequest().Validate())
	require.NoError(t, (&CreateLinkTokenRequest{UserID: "u"}).Validate())
}

func TestValidateUserID(t *testing.T) {
	tests := []struct {
		name   string
		userID string
		ok     bool
	}{
		{"one character", "u", true},
		{"50 ASCII", strings.Repeat("a", 50), true},
		{"51 ASCII", strings.Repeat("a", 51), false},
		{"50 two-byte runes (100 bytes)", strings.Repeat("é", 50), true},
		{"51 two-byte runes", strings.Repeat("é", 51), false},
		{"50 three-byte runes (150 bytes)", strings.Repeat("日", 50), true},
		{"51 three-byte runes", strings.Repeat("日", 51), false},
		{"50 four-byte runes (200 bytes)", strings.Repeat("😀", 50), true},
		{"49 ASCII and one multibyte", strings.Repeat("a", 49) + "日", true},
		{"empty", "", false},
		{"spaces", "   ", false},
		{"whitespace mix", " \t\n\r ", false},
		{"300 characters (newer docs only)", strings.Repeat("a", 300), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := &CreateLinkTokenRequest{UserID: tc.userID}
			if tc.ok {
				vtCheckRequest(t, req)
			} else {
				vtCheckRequest(t, req, "userId")
			}
		})
	}
}

// vtUnsupportedBrokers are the broker types the spec lists but the API does not support.
var vtUnsupportedBrokers = map[BrokerType]bool{
	"deFiWallet": true, "cryptocurrencyAddress": true, "cryptocurrencyWallet": true,
}

func TestValidateBrokerTypeEverySupportedValue(t *testing.T) {
	all := BrokerTypes()
	require.Len(t, all, 59)
	accepted := 0
	for _, b := range all {
		if vtUnsupportedBrokers[b] {
			continue
		}
		accepted++
		t.Run(string(b), func(t *testing.T) {
			req := validRequest()
			req.BrokerType = b
			vtCheckRequest(t, req)
		})
	}
	assert.Equal(t, 56, accepted)
}

func TestValidateBrokerTypeRefused(t *testing.T) {
	tests := []struct {
		name   string
		broker BrokerType
	}{
		{"deFiWallet unsupported", "deFiWallet"},
		{"cryptocurrencyAddress unsupported", "cryptocurrencyAddress"},
		{"cryptocurrencyWallet unsupported", "cryptocurrencyWallet"},
		{"unknown", "nasdaq"},
		{"case matters", "Coinbase"},
		{"upper case", "COINBASE"},
		{"padded", " coinbase"},
		{"lower-cased camel value", "binanceus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			req.BrokerType = tc.broker
			vtCheckRequest(t, req, "brokerType")
		})
	}
}

// vtUUIDCases are UUID spellings and whether a UUID field accepts them.
var vtUUIDCases = []struct {
	name  string
	value string
	ok    bool
}{
	{"lower case", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", true},
	{"upper case", "7436E9D0-BA42-4D2B-B4C0-8E4E606B2C12", true},
	{"mixed case", "7436e9D0-Ba42-4d2B-b4C0-8e4E606b2C12", true},
	{"nil UUID", "00000000-0000-0000-0000-000000000000", true},
	{"one character short", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c1", false},
	{"one character long", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c123", false},
	{"no dashes", "7436e9d0ba424d2bb4c08e4e606b2c12", false},
	{"dashes moved", "7436e9d-0ba42-4d2b-b4c0-8e4e606b2c12", false},
	{"spaces instead of dashes", "7436e9d0 ba42 4d2b b4c0 8e4e606b2c12", false},
	{"non-hex letter", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c1g", false},
	{"braces", "{7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12}", false},
	{"urn prefix", "urn:uuid:7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", false},
	{"padded", " 7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", false},
	{"multibyte digits", "７436e9d0-ba42-4d2b-b4c0-8e4e606b2c1", false},
	{"blank", "   ", false},
}

func TestValidateUUIDFields(t *testing.T) {
	fields := []struct {
		path string
		set  func(*CreateLinkTokenRequest, string)
	}{
		{"integrationId", func(r *CreateLinkTokenRequest, s string) { r.IntegrationID = s }},
		{"subClientId", func(r *CreateLinkTokenRequest, s string) { r.SubClientID = s }},
		{"verifyWalletOptions.networkId", func(r *CreateLinkTokenRequest, s string) {
			r.VerifyWalletOptions = &VerifyWalletOptions{NetworkID: s}
		}},
		{"transferOptions.toAddresses[0].networkId", func(r *CreateLinkTokenRequest, s string) {
			r.TransferOptions.ToAddresses[0].NetworkID = s
		}},
		{"transferOptions.toAddresses[1].networkId", func(r *CreateLinkTokenRequest, s string) {
			r.TransferOptions.ToAddresses = []TransferAddress{vtAddress(), vtAddress(), vtAddress()}
			r.TransferOptions.ToAddresses[1].NetworkID = s
		}},
	}
	for _, f := range fields {
		for _, tc := range vtUUIDCases {
			t.Run(f.path+"/"+tc.name, func(t *testing.T) {
				req := validRequest()
				f.set(req, tc.value)
				if tc.ok {
					vtCheckRequest(t, req)
				} else {
					vtCheckRequest(t, req, f.path)
				}
			})
		}
	}
}

func TestValidateOptionalUUIDsMayBeAbsent(t *testing.T) {
	req := validRequest()
	req.IntegrationID, req.SubClientID = "", ""
	req.VerifyWalletOptions = &VerifyWalletOptions{NetworkID: ""}
	vtCheckRequest(t, req)
}

func TestValidateAddressRequiredFields(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*TransferAddress)
		want   []string
	}{
		{"all present", func(*TransferAddress) {}, nil},
		{"addressTag optional, set", func(a *TransferAddress) { a.AddressTag = "memo-1" }, nil},
		{"networkId empty", func(a *TransferAddress) { a.NetworkID = "" }, []string{"transferOptions.toAddresses[1].networkId"}},
		{"symbol empty", func(a *TransferAddress) { a.Symbol = "" }, []string{"transferOptions.toAddresses[1].symbol"}},
		{"symbol blank", func(a *TransferAddress) { a.Symbol = " \t" }, []string{"transferOptions.toAddresses[1].symbol"}},
		{"address empty", func(a *TransferAddress) { a.Address = "" }, []string{"transferOptions.toAddresses[1].address"}},
		{"address blank", func(a *TransferAddress) { a.Address = "  " }, []string{"transferOptions.toAddresses[1].address"}},
		{"all three missing", func(a *TransferAddress) { *a = TransferAddress{} }, []string{
			"transferOptions.toAddresses[1].networkId",
			"transferOptions.toAddresses[1].symbol",
			"transferOptions.toAddresses[1].address",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			req.TransferOptions.ToAddresses = []TransferAddress{vtAddress(), vtAddress(), vtAddress()}
			tc.mutate(&req.TransferOptions.ToAddresses[1])
			vtCheckRequest(t, req, tc.want...)
		})
	}
}

func TestValidateAmounts(t *testing.T) {
	fields := []struct {
		path string
		set  func(*TransferOptions, *float64)
	}{
		{"transferOptions.amountInFiat", func(o *TransferOptions, f *float64) { o.AmountInFiat = f }},
		{"transferOptions.toAddresses[2].amount", func(o *TransferOptions, f *float64) { o.ToAddresses[2].Amount = f }},
		{"transferOptions.toAddresses[2].displayAmountInFiat", func(o *TransferOptions, f *float64) { o.ToAddresses[2].DisplayAmountInFiat = f }},
		{"transferOptions.toAddresses[2].minAmount", func(o *TransferOptions, f *float64) { o.ToAddresses[2].MinAmount = f }},
		{"transferOptions.toAddresses[2].minAmountInFiat", func(o *TransferOptions, f *float64) { o.ToAddresses[2].MinAmountInFiat = f }},
	}
	values := []struct {
		name  string
		value *float64
		ok    bool
	}{
		{"absent", nil, true},
		{"zero", Float64(0), true},
		{"smallest positive", Float64(math.SmallestNonzeroFloat64), true},
		{"cents", Float64(19.99), true},
		{"largest", Float64(math.MaxFloat64), true},
		{"negative", Float64(-0.01), false},
		{"very negative", Float64(-math.MaxFloat64), false},
		{"NaN", Float64(math.NaN()), false},
		{"+Inf", Float64(math.Inf(1)), false},
		{"-Inf", Float64(math.Inf(-1)), false},
	}
	for _, f := range fields {
		for _, v := range values {
			t.Run(f.path+"/"+v.name, func(t *testing.T) {
				req := validRequest()
				req.TransferOptions.AmountInFiat = nil
				req.TransferOptions.ToAddresses = []TransferAddress{vtAddress(), vtAddress(), vtAddress()}
				f.set(req.TransferOptions, v.value)
				if v.ok {
					vtCheckRequest(t, req)
				} else {
					vtCheckRequest(t, req, f.path)
				}
			})
		}
	}
}

func TestValidateClientFee(t *testing.T) {
	tests := []struct {
		name string
		fee  *float64
		ok   bool
	}{
		{"absent", nil, true},
		{"zero", Float64(0), true},
		{"2.5%", Float64(0.025), true},
		{"one", Float64(1), true},
		{"tiny", Float64(1e-300), true},
		{"just below zero", Float64(-0.01), false},
		{"just above one", Float64(1.01), false},
		{"next float after one", Float64(math.Nextafter(1, 2)), false},
		{"a percentage by mistake", Float64(2.5), false},
		{"NaN", Float64(math.NaN()), false},
		{"+Inf", Float64(math.Inf(1)), false},
		{"-Inf", Float64(math.Inf(-1)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			req.TransferOptions.ClientFee = tc.fee
			if tc.ok {
				vtCheckRequest(t, req)
			} else {
				vtCheckRequest(t, req, "transferOptions.clientFee")
			}
		})
	}
}

func TestValidateTextLengths(t *testing.T) {
	tests := []struct {
		name   string
		set    func(*TransferOptions, string)
		path   string
		max    int
		filler string
	}{
		{"transactionId ASCII", func(o *TransferOptions, s string) { o.TransactionID = s }, "transferOptions.transactionId", 128, "x"},
		{"transactionId multibyte", func(o *TransferOptions, s string) { o.TransactionID = s }, "transferOptions.transactionId", 128, "日"},
		{"description ASCII", func(o *TransferOptions, s string) { o.Description = s }, "transferOptions.description", 256, "x"},
		{"description multibyte", func(o *TransferOptions, s string) { o.Description = s }, "transferOptions.description", 256, "é"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{0, 1, tc.max - 1, tc.max} {
				req := validRequest()
				tc.set(req.TransferOptions, strings.Repeat(tc.filler, n))
				vtCheckRequest(t, req)
			}
			for _, n := range []int{tc.max + 1, 2 * tc.max} {
				req := validRequest()
				tc.set(req.TransferOptions, strings.Repeat(tc.filler, n))
				vtCheckRequest(t, req, tc.path)
			}
		})
	}
}

func TestValidateTransferType(t *testing.T) {
	tests := []struct {
		value TransferType
		ok    bool
	}{
		{"", true},
		{TransferTypeDeposit, true},
		{TransferTypePayment, true},
		{TransferTypeOnramp, true},
		{"deposit", true},
		{"Deposit", false},
		{"ONRAMP", false},
		{"withdrawal", false},
		{" payment", false},
	}
	for _, tc := range tests {
		t.Run("value="+string(tc.value), func(t *testing.T) {
			req := validRequest()
			req.TransferOptions.TransferType = tc.value
			if tc.ok {
				vtCheckRequest(t, req)
			} else {
				vtCheckRequest(t, req, "transferOptions.transferType")
			}
		})
	}
}

func TestValidateGoodsType(t *testing.T) {
	tests := []struct {
		value string
		ok    bool
	}{
		{"", true},
		{"01", true},
		{"02", true},
		{GoodsTypeTangible, true},
		{GoodsTypeVirtual, true},
		{"1", false},
		{"2", false},
		{"00", false},
		{"03", false},
		{"01 ", false},
		{"tangible", false},
	}
	for _, tc := range tests {
		t.Run("value="+tc.value, func(t *testing.T) {
			req := validRequest()
			req.TransferOptions.GoodsDetails = []GoodsDetails{
				{GoodsType: "01"}, {GoodsType: "02", GoodsName: "ebook"}, {GoodsType: tc.value, GoodsCategory: "Z000"},
			}
			if tc.ok {
				vtCheckRequest(t, req)
			} else {
				vtCheckRequest(t, req, "transferOptions.goodsDetails[2].goodsType")
			}
		})
	}
}

func TestValidateVerifyWalletOptions(t *testing.T) {
	signed := VerificationMethodSignedMessage
	tests := []struct {
		name string
		opts VerifyWalletOptions
		want []string
	}{
		{"empty options", VerifyWalletOptions{}, nil},
		{"signedMessage with message", VerifyWalletOptions{Message: "sign me", VerificationMethods: []VerificationMethod{signed}}, nil},
		{"message without methods", VerifyWalletOptions{Message: "sign me"}, nil},
		{"signedMessage without message", VerifyWalletOptions{VerificationMethods: []VerificationMethod{signed}},
			[]string{"verifyWalletOptions.message"}},
		{"signedMessage with blank message", VerifyWalletOptions{Message: " \t", VerificationMethods: []VerificationMethod{signed}},
			[]string{"verifyWalletOptions.message"}},
		{"unknown method first", VerifyWalletOptions{Message: "m", VerificationMethods: []VerificationMethod{"otp"}},
			[]string{"verifyWalletOptions.verificationMethods[0]"}},
		{"method case matters", VerifyWalletOptions{Message: "m", VerificationMethods: []VerificationMethod{"SignedMessage"}},
			[]string{"verifyWalletOptions.verificationMethods[0]"}},
		{"unknown method second", VerifyWalletOptions{Message: "m", VerificationMethods: []VerificationMethod{signed, "otp"}},
			[]string{"verifyWalletOptions.verificationMethods[1]"}},
		{"empty method", VerifyWalletOptions{Message: "m", VerificationMethods: []VerificationMethod{""}},
			[]string{"verifyWalletOptions.verificationMethods[0]"}},
		{"unknown method, no message: signedMessage not asked", VerifyWalletOptions{VerificationMethods: []VerificationMethod{"otp"}},
			[]string{"verifyWalletOptions.verificationMethods[0]"}},
		{"signedMessage and unknown, no message", VerifyWalletOptions{VerificationMethods: []VerificationMethod{"otp", signed}},
			[]string{"verifyWalletOptions.verificationMethods[0]", "verifyWalletOptions.message"}},
		{"addresses and networkId", VerifyWalletOptions{Addresses: []string{"0xabc"}, NetworkID: testNetworkID}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			opts := tc.opts
			req.VerifyWalletOptions = &opts
			vtCheckRequest(t, req, tc.want...)
		})
	}
}

// vtNetworkTypes are the spec's networkType values, in its order.
var vtNetworkTypes = []NetworkType{
	"unknown", "evm", "solana", "bitcoin", "cardano", "tron", "avalancheX", "tezos",
	"dogecoin", "ripple", "stellar", "litecoin", "sui", "aptos", "tvm", "injective",
}

func TestValidateNetworkType(t *testing.T) {
	constants := []NetworkType{
		NetworkTypeUnknown, NetworkTypeEVM, NetworkTypeSolana, NetworkTypeBitcoin,
		NetworkTypeCardano, NetworkTypeTron, NetworkTypeAvalancheX, NetworkTypeTezos,
		NetworkTypeDogecoin, NetworkTypeRipple, NetworkTypeStellar, NetworkTypeLitecoin,
		NetworkTypeSui, NetworkTypeAptos, NetworkTypeTVM, NetworkTypeInjective,
	}
	require.Equal(t, vtNetworkTypes, constants, "constants differ from the spec's values")
	for _, nt := range vtNetworkTypes {
		t.Run("accepted/"+string(nt), func(t *testing.T) {
			req := validRequest()
			req.VerifyWalletOptions = &VerifyWalletOptions{NetworkType: nt}
			vtCheckRequest(t, req)
		})
	}
	for _, nt := range []NetworkType{"EVM", "Solana", "ethereum", " evm", "avalanchex"} {
		t.Run("refused/"+string(nt), func(t *testing.T) {
			req := validRequest()
			req.VerifyWalletOptions = &VerifyWalletOptions{NetworkType: nt}
			vtCheckRequest(t, req, "verifyWalletOptions.networkType")
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	bad := TransferAddress{NetworkID: "not-a-uuid", Symbol: "", Address: "", Amount: Float64(-1), DisplayAmountInFiat: Float64(math.NaN()),
		MinAmount: Float64(math.Inf(1)), MinAmountInFiat: Float64(math.Inf(-1))}
	req := &CreateLinkTokenRequest{
		UserID:        strings.Repeat("日", 51),
		BrokerType:    "deFiWallet",
		IntegrationID: "{" + testIntegrationID + "}",
		SubClientID:   "sub",
		TransferOptions: &TransferOptions{
			ToAddresses:   []TransferAddress{vtAddress(), bad},
			AmountInFiat:  Float64(-5),
			TransactionID: strings.Repeat("x", 129),
			ClientFee:     Float64(1.5),
			TransferType:  "withdrawal",
			Description:   strings.Repeat("é", 257),
			GoodsDetails:  []GoodsDetails{{GoodsType: "01"}, {GoodsType: "03"}},
		},
		VerifyWalletOptions: &VerifyWalletOptions{
			VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage, "otp"},
			NetworkID:           "nope",
			NetworkType:         "ethereum",
		},
	}
	want := []string{
		"userId",
		"brokerType",
		"integrationId",
		"subClientId",
		"transferOptions.toAddresses[1].networkId",
		"transferOptions.toAddresses[1].symbol",
		"transferOptions.toAddresses[1].address",
		"transferOptions.toAddresses[1].amount",
		"transferOptions.toAddresses[1].displayAmountInFiat",
		"transferOptions.toAddresses[1].minAmount",
		"transferOptions.toAddresses[1].minAmountInFiat",
		"transferOptions.amountInFiat",
		"transferOptions.transactionId",
		"transferOptions.clientFee",
		"transferOptions.transferType",
		"transferOptions.description",
		"transferOptions.goodsDetails[1].goodsType",
		"verifyWalletOptions.verificationMethods[1]",
		"verifyWalletOptions.message",
		"verifyWalletOptions.networkId",
		"verifyWalletOptions.networkType",
	}
	require.Len(t, want, 21)
	err := req.Validate()
	fields := vtValidationFields(t, err)
	assert.Len(t, fields, len(want))
	assert.ElementsMatch(t, want, fields)

	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "mesh: invalid request"), "error text %q", msg)
	assert.NotContains(t, msg, "\n", "error text is not one line")
	for _, f := range want {
		assert.Contains(t, msg, f)
	}
	// Each problem is reachable with errors.As too.
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.NotEmpty(t, ve.Field)
}

func TestValidateNilRequest(t *testing.T) {
	var req *CreateLinkTokenRequest
	err := req.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValidation)
	assert.NotContains(t, err.Error(), "\n")
}

func TestValidateAllocatesNothingWhenValid(t *testing.T) {
	tests := []struct {
		name string
		req  *CreateLinkTokenRequest
	}{
		{"validRequest", validRequest()},
		{"every field set", vtFullRequest()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.req.Validate())
			allocs := testing.AllocsPerRun(100, func() {
				if tc.req.Validate() != nil {
					panic("valid request refused")
				}
			})
			assert.Zero(t, allocs)
		})
	}
}

func TestCreateLinkTokenInvalidRequestSendsNothing(t *testing.T) {
	tests := []struct {
		name string
		req  *CreateLinkTokenRequest
		want []string
	}{
		{"nil request", nil, nil},
		{"empty request", &CreateLinkTokenRequest{}, []string{"userId"}},
		{"bad address", func() *CreateLinkTokenRequest {
			r := validRequest()
			r.TransferOptions.ToAddresses[0].NetworkID = "x"
			return r
		}(), []string{"transferOptions.toAddresses[0].networkId"}},
		{"NaN amount", func() *CreateLinkTokenRequest {
			r := validRequest()
			r.TransferOptions.AmountInFiat = Float64(math.NaN())
			return r
		}(), []string{"transferOptions.amountInFiat"}},
		{"unsupported broker", &CreateLinkTokenRequest{UserID: "u", BrokerType: BrokerTypeCryptocurrencyWallet}, []string{"brokerType"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(200, okBody))
			lt, err := c.CreateLinkToken(context.Background(), tc.req)
			assert.Nil(t, lt)
			require.ErrorIs(t, err, ErrValidation)
			if tc.want != nil {
				assert.ElementsMatch(t, tc.want, vtValidationFields(t, err))
			}
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr), "a refused request is not an APIError")
			assert.Zero(t, mt.GetTotalCallCount(), "an invalid request reached the transport")
		})
	}
	// The same client does send a valid request, so the zero above means something.
	t.Run("valid request is sent", func(t *testing.T) {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodPost, mockBaseURL+linkTokenPath, httpmock.NewStringResponder(200, okBody))
		_, err := c.CreateLinkToken(context.Background(), validRequest())
		require.NoError(t, err)
		assert.Equal(t, 1, mt.GetTotalCallCount())
	})
}
