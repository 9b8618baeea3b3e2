package mesh

import (
	"math"
	"slices"
	"strconv"
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

// RefusalFields is refusal for package mesh_test.
func RefusalFields(t *testing.T, err error) []string {
	t.Helper()
	return refusal(t, err)
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

// fieldCase is a value of one field: accepted when ok, else refused at that field alone.
type fieldCase[V any] struct {
	name  string
	value V
	ok    bool
}

// each makes a case of every value, named by it.
func each[V ~string](ok bool, values ...V) []fieldCase[V] {
	verdict := map[bool]string{true: "accepted", false: "refused"}[ok]
	cases := make([]fieldCase[V], len(values))
	for i, v := range values {
		cases[i] = fieldCase[V]{verdict + "/" + strconv.Quote(string(v)), v, ok}
	}
	return cases
}

// checkField checks, one subtest per case, validRequest() with set(value): accepted, or
// refused with one problem, at path.
func checkField[V any](t *testing.T, path string, set func(*CreateLinkTokenRequest, V), cases ...[]fieldCase[V]) {
	t.Helper()
	for _, c := range slices.Concat(cases...) {
		t.Run(path+"/"+c.name, func(t *testing.T) {
			req := validRequest()
			set(req, c.value)
			if c.ok {
				checkValidate(t, req)
			} else {
				checkValidate(t, req, path)
			}
		})
	}
}

// validAddress is a destination that passes Validate.
func validAddress() TransferAddress {
	return TransferAddress{NetworkID: testNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}
}

// Every field at its limit at once: TestFakeAcceptsEveryFieldAtItsLimit.
func TestValidateAccepts(t *testing.T) {
	checkValidate(t, validRequest())
	checkValidate(t, &CreateLinkTokenRequest{UserID: "u"})
}

// Lengths count UTF-16 code units: TestFakeAndValidateAgreeAtEveryLimit. A userId of
// white space only is no id.
func TestValidateUserIDRequired(t *testing.T) {
	checkField(t, "userId", func(r *CreateLinkTokenRequest, s string) { r.UserID = s },
		each(false, "", " ", "\t\n\r ", "\u00a0\u2003"))
}

func TestValidateBrokerType(t *testing.T) {
	var supported []BrokerType
	for _, b := range allBrokerTypes() {
		if !unsupportedBrokerTypes[b] {
			supported = append(supported, b)
		}
	}
	require.Len(t, supported, 60)
	checkField(t, "brokerType", func(r *CreateLinkTokenRequest, b BrokerType) { r.BrokerType = b },
		each(true, supported...),
		each[BrokerType](false, "deFiWallet", "cryptocurrencyAddress", "cryptocurrencyWallet"),
		each[BrokerType](false, "nasdaq", "Coinbase", " coinbase", "   "),
		[]fieldCase[BrokerType]{{"empty is unset", "", true}})
}

// The open enums: any non-blank value is accepted, for Mesh to judge; "" is unset, or a
// blank entry in a list; a value of white space only is refused.
func TestValidateOpenEnums(t *testing.T) {
	fields := []struct {
		path   string
		list   bool
		values []string // accepted
		set    func(*CreateLinkTokenRequest, string)
	}{
		{"transferOptions.transferType", false,
			[]string{"deposit", "payment", "onramp", "fiatOnRamp", "fiatOffRamp", "someFutureType", "Deposit"},
			func(r *CreateLinkTokenRequest, s string) { r.TransferOptions.TransferType = TransferType(s) }},
		{"verifyWalletOptions.networkType", false, []string{"unknown", "evm", "solana", "bitcoin", "cardano", "tron",
			"avalancheX", "tezos", "dogecoin", "ripple", "stellar", "litecoin", "sui", "aptos", "tvm", "injective",
			"someFutureNetwork"},
			func(r *CreateLinkTokenRequest, s string) {
				r.VerifyWalletOptions = &VerifyWalletOptions{NetworkType: NetworkType(s)}
			}},
		{"verifyWalletOptions.verificationMethods[1]", true, []string{"signedMessage", "someFutureMethod"},
			func(r *CreateLinkTokenRequest, s string) {
				methods := []VerificationMethod{"signedMessage", VerificationMethod(s)}
				r.VerifyWalletOptions = &VerifyWalletOptions{Message: "m", VerificationMethods: methods}
			}},
		{"transferOptions.goodsDetails[1].goodsType", false, []string{"01", "02", "03", "someFutureGoods"},
			func(r *CreateLinkTokenRequest, s string) {
				r.TransferOptions.GoodsDetails = []GoodsDetails{{GoodsType: "01"}, {GoodsType: s, GoodsName: "ebook"}}
			}},
	}
	for _, f := range fields {
		checkField(t, f.path, f.set, each(true, f.values...), each(false, " ", "  ", "\t", " \n "),
			[]fieldCase[string]{{"empty", "", !f.list}})
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
	values := []fieldCase[string]{
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
		checkField(t, f.path, f.set, values, []fieldCase[string]{{"empty", "", !f.required}})
	}
}

func TestValidateAmounts(t *testing.T) {
	fields := []struct {
		path string
		set  func(*TransferOptions, *float64)
	}{
		{"transferOptions.amountInFiat", func(o *TransferOptions, f *float64) { o.AmountInFiat = f }},
		{"transferOptions.toAddresses[2].amount", func(o *TransferOptions, f *float64) { o.ToAddresses[2].Amount = f }},
		{"transferOptions.toAddresses[2].displayAmountInFiat",
			func(o *TransferOptions, f *float64) { o.ToAddresses[2].DisplayAmountInFiat = f }},
		{"transferOptions.toAddresses[2].minAmount", func(o *TransferOptions, f *float64) { o.ToAddresses[2].MinAmount = f }},
		{"transferOptions.toAddresses[2].minAmountInFiat",
			func(o *TransferOptions, f *float64) { o.ToAddresses[2].MinAmountInFiat = f }},
	}
	values := []fieldCase[*float64]{
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
		checkField(t, f.path, func(r *CreateLinkTokenRequest, v *float64) {
			r.TransferOptions.AmountInFiat = nil
			r.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress(), validAddress()}
			f.set(r.TransferOptions, v)
		}, values)
	}
}

func TestValidateClientFee(t *testing.T) {
	setFee := func(r *CreateLinkTokenRequest, f *float64) { r.TransferOptions.ClientFee = f }
	checkField(t, "transferOptions.clientFee", setFee,
		[]fieldCase[*float64]{
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
		})
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
