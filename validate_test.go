package mesh

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refusal checks that err is a refused request as the contract shapes it, an
// *InvalidRequestError matching only ErrValidation whose Problems and Unwrap() []error
// hold the same *ValidationError values, each with a reason, and returns their paths.
func refusal(t *testing.T, err error) []string {
	t.Helper()
	assertOnlySentinel(t, err, ErrValidation)
	var ire *InvalidRequestError
	require.ErrorAs(t, err, &ire)
	tree := ire.Unwrap()
	require.Len(t, tree, len(ire.Problems))
	fields := make([]string, len(ire.Problems))
	for i, p := range ire.Problems {
		require.NotNil(t, p)
		assert.Same(t, p, tree[i], "Unwrap()[%d] is not Problems[%d]", i, i)
		assert.NotEmpty(t, p.Reason, "problem of %q has no reason", p.Field)
		assert.NotEmpty(t, p.Code, "problem of %q has no code", p.Field)
		assert.ErrorIs(t, p, ErrValidation)
		fields[i] = p.Field
	}
	text := err.Error()
	assert.NotContains(t, text, "\n")
	for _, f := range fields[:min(len(fields), maxProblemsShown)] { // the text names the first few
		assert.Contains(t, text, f)
	}
	return fields
}

// checkValidate validates req: accepted when want is empty, else refused with exactly
// the problems at the paths in want.
func checkValidate(t *testing.T, req *CreateLinkTokenRequest, want ...string) {
	t.Helper()
	err := req.Validate()
	if len(want) == 0 {
		assert.NoError(t, err)
		return
	}
	require.Error(t, err)
	assert.ElementsMatch(t, want, refusal(t, err))
}

// validAddress is a destination that passes Validate.
func validAddress() TransferAddress {
	return TransferAddress{NetworkID: testNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}
}

// requestAtLimits sets every field Mesh documents, each at its limit.
func requestAtLimits() *CreateLinkTokenRequest {
	emoji := "😀" // outside the BMP: 2 UTF-16 code units
	full := validAddress()
	full.AddressTag = "12345"
	full.Amount, full.DisplayAmountInFiat, full.MinAmount, full.MinAmountInFiat = Float64(math.MaxFloat64), Float64(0), Float64(0), Float64(1e-300)
	return &CreateLinkTokenRequest{
		UserID:                   strings.Repeat("u", 48) + emoji,
		BrokerType:               BrokerTypeBybitPay,
		IntegrationID:            strings.ToUpper(testIntegrationID),
		RestrictMultipleAccounts: Bool(false),
		DisableAPIKeyGeneration:  Bool(false),
		SubClientID:              "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
		TransferOptions: &TransferOptions{
			ToAddresses:           []TransferAddress{validAddress(), full},
			AmountInFiat:          Float64(0),
			TransactionID:         strings.Repeat(emoji, 63) + "tx",
			ClientFee:             Float64(1),
			TransferType:          TransferTypeFiatOffRamp,
			FundingOptions:        &FundingOptions{Enabled: false},
			IsInclusiveFeeEnabled: Bool(false),
			Description:           strings.Repeat("中", 255) + "é",
			GoodsDetails: []GoodsDetails{
				{GoodsType: GoodsTypeTangible, GoodsCategory: "Z000", ReferenceGoodsID: "sku-1", GoodsName: "mug", GoodsDetail: "blue"},
				{GoodsType: GoodsTypeVirtual},
			},
			GeneratePayLink: Bool(false),
		},
		VerifyWalletOptions: &VerifyWalletOptions{
			Message:             "I own this wallet",
			VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage},
			Addresses:           []string{"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "0x0000000000000000000000000000000000000001"},
			NetworkID:           testNetworkID,
			NetworkType:         NetworkTypeInjective,
		},
	}
}

func TestValidateAccepts(t *testing.T) {
	tests := []struct {
		name string
		req  *CreateLinkTokenRequest
	}{
		{"typical payment", validRequest()},
		{"userId only", &CreateLinkTokenRequest{UserID: "u"}},
		{"every documented field at its limit", requestAtLimits()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkValidate(t, tc.req) })
	}
}

// Lengths count UTF-16 code units, as Mesh's ASP.NET server does: a character outside
// the BMP (an emoji) counts 2, a BMP character 1 whatever its UTF-8 size, and an
// invalid UTF-8 byte 1 (encoding/json sends it as U+FFFD).
func TestValidateLengthsInUTF16Units(t *testing.T) {
	fields := []struct {
		path  string
		limit int
		set   func(*CreateLinkTokenRequest, string)
	}{
		{"userId", MaxUserIDLength, func(r *CreateLinkTokenRequest, s string) { r.UserID = s }},
		{"transferOptions.transactionId", MaxTransactionIDLength, func(r *CreateLinkTokenRequest, s string) { r.TransferOptions.TransactionID = s }},
		{"transferOptions.description", MaxDescriptionLength, func(r *CreateLinkTokenRequest, s string) { r.TransferOptions.Description = s }},
	}
	require.Equal(t, []int{50, 128, 256}, []int{fields[0].limit, fields[1].limit, fields[2].limit}, "the spec's limits")

	for _, f := range fields {
		n := f.limit
		cases := []struct {
			name  string
			value string
			ok    bool
		}{
			{"ASCII at the limit", strings.Repeat("a", n), true},
			{"ASCII one over", strings.Repeat("a", n+1), false},
			{"emoji at the limit", strings.Repeat("😀", n/2), true},
			{"emoji one over", strings.Repeat("😀", n/2+1), false},
			{"ASCII and an emoji one over", strings.Repeat("a", n-1) + "😀", false},
			{"é counts 1", strings.Repeat("é", n), true},
			{"é one over", strings.Repeat("é", n+1), false},
			{"中 counts 1", strings.Repeat("中", n), true},
			{"中 one over", strings.Repeat("中", n+1), false},
			{"invalid UTF-8 byte counts 1", strings.Repeat("\xff", n), true},
			{"invalid UTF-8 one over", strings.Repeat("\xff", n+1), false},
		}
		for _, tc := range cases {
			t.Run(f.path+"/"+tc.name, func(t *testing.T) {
				req := validRequest()
				f.set(req, tc.value)
				if tc.ok {
					checkValidate(t, req)
				} else {
					checkValidate(t, req, f.path)
				}
			})
		}
	}
}

func TestValidateUserIDRequired(t *testing.T) {
	for _, id := range []string{"", " ", "\t\n\r ", "\u00a0\u2003"} {
		t.Run("blank "+strconv.Quote(id), func(t *testing.T) {
			req := validRequest()
			req.UserID = id
			checkValidate(t, req, "userId")
		})
	}
}

func TestValidateBrokerType(t *testing.T) {
	accepted := 0
	for _, b := range allBrokerTypes() {
		if unsupportedBrokerTypes[b] {
			continue
		}
		accepted++
		t.Run("accepted/"+string(b), func(t *testing.T) {
			req := validRequest()
			req.BrokerType = b
			checkValidate(t, req)
		})
	}
	require.Equal(t, 60, accepted)

	for _, b := range []BrokerType{"deFiWallet", "cryptocurrencyAddress", "cryptocurrencyWallet", "nasdaq", "Coinbase", " coinbase", "   "} {
		t.Run("refused/"+string(b), func(t *testing.T) {
			req := validRequest()
			req.BrokerType = b
			checkValidate(t, req, "brokerType")
		})
	}
	t.Run("empty is unset", func(t *testing.T) {
		req := validRequest()
		req.BrokerType = ""
		checkValidate(t, req)
	})
}

// The open enums: any non-blank value is accepted, for Mesh to judge; "" is unset; a
// value of white space only is refused.
func TestValidateOpenEnums(t *testing.T) {
	fields := []struct {
		path   string
		values []string // accepted
		set    func(*CreateLinkTokenRequest, string)
	}{
		{"transferOptions.transferType", []string{"deposit", "payment", "onramp", "fiatOnRamp", "fiatOffRamp", "someFutureType", "Deposit"},
			func(r *CreateLinkTokenRequest, s string) { r.TransferOptions.TransferType = TransferType(s) }},
		{"verifyWalletOptions.networkType", []string{"unknown", "evm", "solana", "bitcoin", "cardano", "tron", "avalancheX", "tezos",
			"dogecoin", "ripple", "stellar", "litecoin", "sui", "aptos", "tvm", "injective", "someFutureNetwork"},
			func(r *CreateLinkTokenRequest, s string) {
				r.VerifyWalletOptions = &VerifyWalletOptions{NetworkType: NetworkType(s)}
			}},
		{"verifyWalletOptions.verificationMethods[1]", []string{"signedMessage", "someFutureMethod"},
			func(r *CreateLinkTokenRequest, s string) {
				r.VerifyWalletOptions = &VerifyWalletOptions{Message: "m", VerificationMethods: []VerificationMethod{"signedMessage", VerificationMethod(s)}}
			}},
		{"transferOptions.goodsDetails[1].goodsType", []string{"01", "02", "03", "someFutureGoods"},
			func(r *CreateLinkTokenRequest, s string) {
				r.TransferOptions.GoodsDetails = []GoodsDetails{{GoodsType: "01"}, {GoodsType: s, GoodsName: "ebook"}}
			}},
	}
	for _, f := range fields {
		for _, v := range f.values {
			t.Run(f.path+"/accepted/"+v, func(t *testing.T) {
				req := validRequest()
				f.set(req, v)
				checkValidate(t, req)
			})
		}
		for _, v := range []string{" ", "  ", "\t", " \n "} {
			t.Run(f.path+"/refused/"+strconv.Quote(v), func(t *testing.T) {
				req := validRequest()
				f.set(req, v)
				checkValidate(t, req, f.path)
			})
		}
	}
	// "" is unset for the single values; an empty entry of a list is a blank entry.
	for _, tc := range []struct {
		name string
		set  func(*CreateLinkTokenRequest)
		want []string
	}{
		{"transferType unset", func(r *CreateLinkTokenRequest) { r.TransferOptions.TransferType = "" }, nil},
		{"networkType unset", func(r *CreateLinkTokenRequest) { r.VerifyWalletOptions = &VerifyWalletOptions{} }, nil},
		{"goodsType unset", func(r *CreateLinkTokenRequest) { r.TransferOptions.GoodsDetails = []GoodsDetails{{GoodsName: "mug"}} }, nil},
		{"empty verification method", func(r *CreateLinkTokenRequest) {
			r.VerifyWalletOptions = &VerifyWalletOptions{VerificationMethods: []VerificationMethod{""}}
		}, []string{"verifyWalletOptions.verificationMethods[0]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			tc.set(req)
			checkValidate(t, req, tc.want...)
		})
	}
}

func TestValidateUUIDFields(t *testing.T) {
	fields := []struct {
		path     string
		required bool
		set      func(*CreateLinkTokenRequest, string)
	}{
		{"integrationId", false, func(r *CreateLinkTokenRequest, s string) { r.IntegrationID = s }},
		{"subClientId", false, func(r *CreateLinkTokenRequest, s string) { r.SubClientID = s }},
		{"verifyWalletOptions.networkId", false, func(r *CreateLinkTokenRequest, s string) {
			r.VerifyWalletOptions = &VerifyWalletOptions{NetworkID: s, Addresses: []string{"0xabc"}}
		}},
		{"transferOptions.toAddresses[1].networkId", true, func(r *CreateLinkTokenRequest, s string) {
			r.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress(), validAddress()}
			r.TransferOptions.ToAddresses[1].NetworkID = s
		}},
	}
	values := []struct {
		name  string
		value string
		ok    bool
	}{
		{"lower case", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", true},
		{"upper case", "7436E9D0-BA42-4D2B-B4C0-8E4E606B2C12", true},
		{"mixed case", "7436e9D0-Ba42-4d2B-b4C0-8e4E606b2C12", true},
		{"one short", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c1", false},
		{"one long", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c123", false},
		{"braces", "{7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12}", false},
		{"no dashes", "7436e9d0ba424d2bb4c08e4e606b2c12", false},
		{"no dashes, padded to 36", "7436e9d0ba424d2bb4c08e4e606b2c120000", false},
		{"dash moved", "7436e9d-0ba42-4d2b-b4c0-8e4e606b2c12", false},
		{"not hexadecimal", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c1g", false},
		{"urn prefix", "urn:uuid:7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", false},
		{"padded", " 7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", false},
		{"blank", "   ", false},
	}
	for _, f := range fields {
		for _, v := range values {
			t.Run(f.path+"/"+v.name, func(t *testing.T) {
				req := validRequest()
				f.set(req, v.value)
				if v.ok {
					checkValidate(t, req)
				} else {
					checkValidate(t, req, f.path)
				}
			})
		}
		t.Run(f.path+"/empty", func(t *testing.T) {
			req := validRequest()
			f.set(req, "")
			if f.required {
				checkValidate(t, req, f.path)
			} else {
				checkValidate(t, req)
			}
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
		{"unset", nil, true},
		{"zero", Float64(0), true},
		{"negative zero", Float64(math.Copysign(0, -1)), true},
		{"cents", Float64(19.99), true},
		{"largest", Float64(math.MaxFloat64), true},
		{"negative", Float64(-0.01), false},
		{"smallest negative", Float64(-math.SmallestNonzeroFloat64), false},
		{"NaN", Float64(math.NaN()), false},
		{"+Inf", Float64(math.Inf(1)), false},
		{"-Inf", Float64(math.Inf(-1)), false},
	}
	for _, f := range fields {
		for _, v := range values {
			t.Run(f.path+"/"+v.name, func(t *testing.T) {
				req := validRequest()
				req.TransferOptions.AmountInFiat = nil
				req.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress(), validAddress()}
				f.set(req.TransferOptions, v.value)
				if v.ok {
					checkValidate(t, req)
				} else {
					checkValidate(t, req, f.path)
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
		{"unset", nil, true},
		{"0", Float64(0), true},
		{"2.5%", Float64(0.025), true},
		{"1", Float64(1), true},
		{"1.0000001", Float64(1.0000001), false},
		{"next float after 1", Float64(math.Nextafter(1, 2)), false},
		{"-0.1", Float64(-0.1), false},
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
				checkValidate(t, req)
			} else {
				checkValidate(t, req, "transferOptions.clientFee")
			}
		})
	}
}

// A destination's symbol and address, and each address of verifyWalletOptions: not
// blank, and no leading or trailing white space (a paste gone wrong).
func TestValidateAddresses(t *testing.T) {
	const p = "transferOptions.toAddresses[1]."
	const w = "verifyWalletOptions.addresses[1]"
	tests := []struct {
		name   string
		mutate func(a *TransferAddress, wallet *VerifyWalletOptions)
		want   []string
	}{
		{"all present", func(*TransferAddress, *VerifyWalletOptions) {}, nil},
		{"symbol empty", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Symbol = "" }, []string{p + "symbol"}},
		{"symbol blank", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Symbol = " \t" }, []string{p + "symbol"}},
		{"symbol with a trailing space", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Symbol = "USDC " }, []string{p + "symbol"}},
		{"address empty", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Address = "" }, []string{p + "address"}},
		{"address blank", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Address = "\n" }, []string{p + "address"}},
		{"address read from a file", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Address += "\n" }, []string{p + "address"}},
		{"address with a leading no-break space", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Address = "\u00a0" + a.Address }, []string{p + "address"}},
		{"address with a space inside: Mesh judges", func(a *TransferAddress, _ *VerifyWalletOptions) { a.Address = "bc1q w508" }, nil},
		{"all missing", func(a *TransferAddress, _ *VerifyWalletOptions) { *a = TransferAddress{} }, []string{p + "networkId", p + "symbol", p + "address"}},
		{"wallet address empty", func(_ *TransferAddress, v *VerifyWalletOptions) { v.Addresses[1] = "" }, []string{w}},
		{"wallet address blank", func(_ *TransferAddress, v *VerifyWalletOptions) { v.Addresses[1] = " \r\n" }, []string{w}},
		{"wallet address with a trailing newline", func(_ *TransferAddress, v *VerifyWalletOptions) { v.Addresses[1] += "\n" }, []string{w}},
		{"wallet address with a leading tab", func(_ *TransferAddress, v *VerifyWalletOptions) { v.Addresses[1] = "\t" + v.Addresses[1] }, []string{w}},
		{"no wallet address", func(_ *TransferAddress, v *VerifyWalletOptions) { v.Addresses = nil }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			req.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress()}
			req.VerifyWalletOptions = &VerifyWalletOptions{Addresses: []string{"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", "0x0000000000000000000000000000000000000001"}}
			tc.mutate(&req.TransferOptions.ToAddresses[1], req.VerifyWalletOptions)
			checkValidate(t, req, tc.want...)
		})
	}
}

// Message is required when signedMessage is asked for, and only then.
func TestValidateVerifyWalletMessage(t *testing.T) {
	signed := VerificationMethodSignedMessage
	tests := []struct {
		name string
		opts VerifyWalletOptions
		want []string
	}{
		{"signedMessage with message", VerifyWalletOptions{Message: "sign me", VerificationMethods: []VerificationMethod{signed}}, nil},
		{"signedMessage without message", VerifyWalletOptions{VerificationMethods: []VerificationMethod{signed}}, []string{"verifyWalletOptions.message"}},
		{"signedMessage with blank message", VerifyWalletOptions{Message: " \n", VerificationMethods: []VerificationMethod{signed}}, []string{"verifyWalletOptions.message"}},
		{"signedMessage second", VerifyWalletOptions{VerificationMethods: []VerificationMethod{"someFutureMethod", signed}}, []string{"verifyWalletOptions.message"}},
		{"another method without message", VerifyWalletOptions{VerificationMethods: []VerificationMethod{"someFutureMethod"}}, nil},
		{"no method, no message: Mesh's default decides", VerifyWalletOptions{}, nil},
		{"message without method", VerifyWalletOptions{Message: "sign me"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			opts := tc.opts
			req.VerifyWalletOptions = &opts
			checkValidate(t, req, tc.want...)
		})
	}
}
