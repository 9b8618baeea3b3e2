package mesh

// Validate, and what a refused request gives the caller: every problem at once, a code
// and a reason that says what to do for each, and nothing sent.

import (
	"cmp"
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
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

// RefusalFields is refusal for package mesh_test.
func RefusalFields(t *testing.T, err error) []string {
	t.Helper()
	return refusal(t, err)
}

// fieldCase is a value of one field: accepted when code is "", else refused at that
// field alone, with that code.
type fieldCase[V any] struct {
	name  string
	value V
	code  string
}

// each makes a case of every value, named by it.
func each[V ~string](code string, values ...V) []fieldCase[V] {
	cases := make([]fieldCase[V], len(values))
	for i, v := range values {
		cases[i] = fieldCase[V]{cmp.Or(code, "accepted") + "/" + strconv.Quote(string(v)), v, code}
	}
	return cases
}

// checkField checks, one subtest per case, validRequest() with set(value): accepted, or
// refused with one problem, at path, with the case's code and no limit.
func checkField[V any](t *testing.T, path string, set func(*CreateLinkTokenRequest, V), cases ...[]fieldCase[V]) {
	t.Helper()
	for _, c := range slices.Concat(cases...) {
		t.Run(path+"/"+c.name, func(t *testing.T) {
			req := validRequest()
			set(req, c.value)
			err := req.Validate()
			if c.code == "" {
				assert.NoError(t, err)
				return
			}
			require.Equal(t, []string{path}, refusal(t, err))
			p := err.(*InvalidRequestError).Problems[0] //nolint:errorlint // Validate's own type, unwrapped
			assert.Equal(t, c.code, p.Code)
			assert.Zero(t, p.Limit)
		})
	}
}

// validAddress is a destination that passes Validate.
func validAddress() TransferAddress {
	return TransferAddress{NetworkID: testNetworkID, Symbol: "USDC", Address: "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"}
}

// Lengths count UTF-16 code units: TestFakeAndValidateAgreeAtEveryLimit. A userId of
// white space only is no id.
func TestValidateUserIDRequired(t *testing.T) {
	checkField(t, "userId", func(r *CreateLinkTokenRequest, s string) { r.UserID = s },
		each(CodeRequired, "", " ", "\t\n\r ", "\u00a0\u2003"))
}

func TestValidateBrokerType(t *testing.T) {
	supported := slices.DeleteFunc(allBrokerTypes(), func(b BrokerType) bool { return unsupportedBrokerTypes[b] })
	require.Len(t, supported, 60)
	checkField(t, "brokerType", func(r *CreateLinkTokenRequest, b BrokerType) { r.BrokerType = b },
		each("", supported...),
		each[BrokerType](CodeUnsupported, "deFiWallet", "cryptocurrencyAddress", "cryptocurrencyWallet"),
		each[BrokerType](CodeUnknownValue, "nasdaq", "Coinbase", " coinbase", "   "),
		[]fieldCase[BrokerType]{{"empty is unset", "", ""}})
}

// The open enums: any non-blank value is accepted, for Mesh to judge; "" is unset, or a
// blank entry in a list; a value of white space only is refused.
func TestValidateOpenEnums(t *testing.T) {
	fields := []struct {
		path   string
		empty  string   // the code of "", an entry of a list being blank
		values []string // accepted
		set    func(*CreateLinkTokenRequest, string)
	}{
		{"transferOptions.transferType", "", []string{"deposit", "payment", "onramp", "fiatOnRamp", "fiatOffRamp", "someFutureType", "Deposit"},
			func(r *CreateLinkTokenRequest, s string) { r.TransferOptions.TransferType = TransferType(s) }},
		{"verifyWalletOptions.networkType", "", []string{"unknown", "evm", "solana", "bitcoin", "cardano", "tron", "avalancheX", "tezos",
			"dogecoin", "ripple", "stellar", "litecoin", "sui", "aptos", "tvm", "injective", "someFutureNetwork"},
			func(r *CreateLinkTokenRequest, s string) {
				r.VerifyWalletOptions = &VerifyWalletOptions{NetworkType: NetworkType(s)}
			}},
		{"verifyWalletOptions.verificationMethods[1]", CodeBlank, []string{"signedMessage", "someFutureMethod"}, func(r *CreateLinkTokenRequest, s string) {
			r.VerifyWalletOptions = &VerifyWalletOptions{Message: "m", VerificationMethods: []VerificationMethod{"signedMessage", VerificationMethod(s)}}
		}},
		{"transferOptions.goodsDetails[1].goodsType", "", []string{"01", "02", "03", "someFutureGoods"}, func(r *CreateLinkTokenRequest, s string) {
			r.TransferOptions.GoodsDetails = []GoodsDetails{{GoodsType: "01"}, {GoodsType: s, GoodsName: "ebook"}}
		}},
	}
	for _, f := range fields {
		checkField(t, f.path, f.set, each("", f.values...), each(CodeBlank, " ", "  ", "\t", " \n "),
			[]fieldCase[string]{{"empty", "", f.empty}})
	}
}

func TestValidateUUIDFields(t *testing.T) {
	fields := []struct {
		path  string
		empty string // the code of ""
		set   func(*CreateLinkTokenRequest, string)
	}{
		{"integrationId", "", func(r *CreateLinkTokenRequest, s string) { r.IntegrationID = s }},
		{"subClientId", "", func(r *CreateLinkTokenRequest, s string) { r.SubClientID = s }},
		{"verifyWalletOptions.networkId", "", func(r *CreateLinkTokenRequest, s string) {
			r.VerifyWalletOptions = &VerifyWalletOptions{NetworkID: s, Addresses: []string{"0xabc"}}
		}},
		{"transferOptions.toAddresses[1].networkId", CodeRequired, func(r *CreateLinkTokenRequest, s string) {
			r.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress(), validAddress()}
			r.TransferOptions.ToAddresses[1].NetworkID = s
		}},
	}
	values := []fieldCase[string]{
		{"lower case", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", ""}, {"upper case", "7436E9D0-BA42-4D2B-B4C0-8E4E606B2C12", ""},
		{"mixed case", "7436e9D0-Ba42-4d2B-b4C0-8e4E606b2C12", ""}, {"one short", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c1", CodeNotUUID},
		{"one long", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c123", CodeNotUUID}, {"braces", "{7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12}", CodeNotUUID},
		{"no dashes", "7436e9d0ba424d2bb4c08e4e606b2c12", CodeNotUUID}, {"no dashes, padded to 36", "7436e9d0ba424d2bb4c08e4e606b2c120000", CodeNotUUID},
		{"dash moved", "7436e9d-0ba42-4d2b-b4c0-8e4e606b2c12", CodeNotUUID}, {"not hexadecimal", "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c1g", CodeNotUUID},
		{"urn prefix", "urn:uuid:7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", CodeNotUUID}, {"padded", " 7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12", CodeNotUUID},
		{"blank", "   ", CodeNotUUID},
	}
	for _, f := range fields {
		checkField(t, f.path, f.set, values, []fieldCase[string]{{"empty", "", f.empty}})
	}
}

// Amounts are not negative, and finite; clientFee is a ratio from 0 to 1.
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
	nonFinite := []fieldCase[*float64]{{"NaN", Float64(math.NaN()), CodeOutOfRange}, {"+Inf", Float64(math.Inf(1)), CodeOutOfRange},
		{"-Inf", Float64(math.Inf(-1)), CodeOutOfRange}}
	values := []fieldCase[*float64]{
		{"unset", nil, ""}, {"zero", Float64(0), ""}, {"negative zero", Float64(math.Copysign(0, -1)), ""},
		{"cents", Float64(19.99), ""}, {"largest", Float64(math.MaxFloat64), ""},
		{"negative", Float64(-0.01), CodeOutOfRange}, {"smallest negative", Float64(-math.SmallestNonzeroFloat64), CodeOutOfRange},
	}
	for _, f := range fields {
		checkField(t, f.path, func(r *CreateLinkTokenRequest, v *float64) {
			r.TransferOptions.AmountInFiat = nil
			r.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress(), validAddress()}
			f.set(r.TransferOptions, v)
		}, values, nonFinite)
	}
	checkField(t, "transferOptions.clientFee", func(r *CreateLinkTokenRequest, f *float64) { r.TransferOptions.ClientFee = f }, []fieldCase[*float64]{
		{"unset", nil, ""}, {"0", Float64(0), ""}, {"2.5%", Float64(0.025), ""}, {"1", Float64(1), ""},
		{"1.0000001", Float64(1.0000001), CodeOutOfRange}, {"next float after 1", Float64(math.Nextafter(1, 2)), CodeOutOfRange},
		{"-0.1", Float64(-0.1), CodeOutOfRange}, {"a percentage by mistake", Float64(2.5), CodeOutOfRange},
	}, nonFinite)
}

// A destination's symbol and address, and each address of verifyWalletOptions: not
// blank, and no leading or trailing white space (a paste gone wrong).
func TestValidateAddresses(t *testing.T) {
	const p = "transferOptions.toAddresses[1]."
	const addr = "0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
	destination := func(set func(*TransferAddress, string)) func(*CreateLinkTokenRequest, string) {
		return func(r *CreateLinkTokenRequest, s string) {
			r.TransferOptions.ToAddresses = []TransferAddress{validAddress(), validAddress()}
			set(&r.TransferOptions.ToAddresses[1], s)
		}
	}
	checkField(t, p+"symbol", destination(func(a *TransferAddress, s string) { a.Symbol = s }), []fieldCase[string]{
		{"present", "USDC", ""}, {"empty", "", CodeRequired}, {"blank", " \t", CodeRequired}, {"with a trailing space", "USDC ", CodeUntrimmed},
	})
	checkField(t, p+"address", destination(func(a *TransferAddress, s string) { a.Address = s }), []fieldCase[string]{
		{"empty", "", CodeRequired}, {"blank", "\n", CodeRequired}, {"read from a file", addr + "\n", CodeUntrimmed},
		{"with a leading no-break space", "\u00a0" + addr, CodeUntrimmed}, {"with a space inside: Mesh judges", "bc1q w508", ""},
	})
	wallet := func(r *CreateLinkTokenRequest, s string) {
		r.VerifyWalletOptions = &VerifyWalletOptions{Addresses: []string{addr, s}}
	}
	checkField(t, "verifyWalletOptions.addresses[1]", wallet, []fieldCase[string]{
		{"present", "0x0000000000000000000000000000000000000001", ""}, {"empty", "", CodeBlank}, {"blank", " \r\n", CodeBlank},
		{"with a trailing newline", addr + "\n", CodeUntrimmed}, {"with a leading tab", "\t" + addr, CodeUntrimmed},
	})
	// No wallet address at all: TestValidateVerifyWalletMessage's VerifyWalletOptions{}. A
	// destination of no field at all: TestValidateReportsEveryProblemAtOnce.
}

// Message is required when signedMessage is asked for, and only then.
func TestValidateVerifyWalletMessage(t *testing.T) {
	signed := VerificationMethodSignedMessage
	methods := func(m ...VerificationMethod) []VerificationMethod { return m }
	set := func(r *CreateLinkTokenRequest, o VerifyWalletOptions) { r.VerifyWalletOptions = &o }
	checkField(t, "verifyWalletOptions.message", set, []fieldCase[VerifyWalletOptions]{
		{"signedMessage with message", VerifyWalletOptions{Message: "sign me", VerificationMethods: methods(signed)}, ""},
		{"signedMessage without message", VerifyWalletOptions{VerificationMethods: methods(signed)}, CodeRequired},
		{"signedMessage with blank message", VerifyWalletOptions{Message: " \n", VerificationMethods: methods(signed)}, CodeRequired},
		{"signedMessage second", VerifyWalletOptions{VerificationMethods: methods("someFutureMethod", signed)}, CodeRequired},
		{"another method without message", VerifyWalletOptions{VerificationMethods: methods("someFutureMethod")}, ""},
		{"no method, no message: Mesh's default decides", VerifyWalletOptions{}, ""},
		{"message without method", VerifyWalletOptions{Message: "sign me"}, ""},
	})
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	bad := TransferAddress{NetworkID: "not-a-uuid", Amount: Float64(-1), DisplayAmountInFiat: Float64(math.NaN()),
		MinAmount: Float64(math.Inf(1)), MinAmountInFiat: Float64(math.Inf(-1))}
	req := &CreateLinkTokenRequest{
		UserID: strings.Repeat("😀", 26), BrokerType: BrokerTypeDeFiWallet, IntegrationID: "{" + testIntegrationID + "}", SubClientID: "sub",
		TransferOptions: &TransferOptions{ToAddresses: []TransferAddress{validAddress(), bad}, AmountInFiat: Float64(-5),
			TransactionID: strings.Repeat("😀", 65), ClientFee: Float64(1.5), TransferType: " ", Description: strings.Repeat("é", 257),
			GoodsDetails: []GoodsDetails{{GoodsType: "01"}, {GoodsType: "  "}}},
		VerifyWalletOptions: &VerifyWalletOptions{VerificationMethods: []VerificationMethod{VerificationMethodSignedMessage, "\t"},
			Addresses: []string{"0xabc", " 0xdef"}, NetworkID: "nope", NetworkType: " "},
	}
	const to, bad1 = "transferOptions.", "transferOptions.toAddresses[1]."
	assert.Equal(t, []string{"userId", "brokerType", "integrationId", "subClientId",
		bad1 + "networkId", bad1 + "symbol", bad1 + "address", bad1 + "amount", bad1 + "displayAmountInFiat", bad1 + "minAmount", bad1 + "minAmountInFiat",
		to + "amountInFiat", to + "transactionId", to + "clientFee", to + "transferType", to + "description", to + "goodsDetails[1].goodsType",
		"verifyWalletOptions.verificationMethods[1]", "verifyWalletOptions.message", "verifyWalletOptions.addresses[1]",
		"verifyWalletOptions.networkId", "verifyWalletOptions.networkType"}, refusal(t, req.Validate()), "every problem, in the request's order")
}

// Every problem carries a Code, a Limit where it breaks one, and a Reason that says what
// to do, so that an application writes its own message. A refused call returns Validate's
// error, no APIError, and sends nothing. One row per kind of problem Validate reports;
// checkField's tables check the codes of the other fields. The per-call options' codes,
// with the request's problems at once: TestBadCallOptionsRefuseTheCall.
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
		set   func(*request) // nil: a nil request
		want  []want         // the problems, in order
		hints []string       // what the first one's reason says to do
	}{
		{"userId too long: a shorter stable id, and the limit", func(r *request) { r.UserID = strings.Repeat("u", 51) }, []want{{"userId", CodeTooLong, 50}}, []string{"hash", "50"}},
		{"unknown brokerType: prefer IntegrationID", func(r *request) { r.BrokerType = "nasdaq" }, []want{{"brokerType", CodeUnknownValue, 0}}, []string{"IntegrationID"}},
		{"networkId not a UUID: where to find one", func(r *request) { first(r).NetworkID = "eth" }, []want{{addr + "networkId", CodeNotUUID, 0}}, []string{"Networks"}},
		{"transactionId too long", func(r *request) { r.TransferOptions.TransactionID = strings.Repeat("t", 129) }, []want{{to + "transactionId", CodeTooLong, 128}}, nil},
		{"clientFee above 1: a ratio", func(r *request) { r.TransferOptions.ClientFee = Float64(2.5) }, []want{{to + "clientFee", CodeOutOfRange, 0}}, []string{"0.025"}},
		{"transferType blank: leave it empty", func(r *request) { r.TransferOptions.TransferType = " " }, []want{{to + "transferType", CodeBlank, 0}}, []string{"empty"}},
		{"description too long", func(r *request) { r.TransferOptions.Description = strings.Repeat("d", 257) }, []want{{to + "description", CodeTooLong, 256}}, nil},
		{"nil request", nil, []want{{"", CodeRequired, 0}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := validRequest()
			if tc.set != nil {
				tc.set(req)
			} else {
				req = nil
			}
			srv := newServer(t, answer(http.StatusOK, okBody))
			c, _ := newTestClient(t, srv.URL)
			lt, err := c.CreateLinkToken(context.Background(), req)
			assert.Nil(t, lt)
			refusal(t, err)
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr), "a refused request is not an APIError")
			assert.Zero(t, srv.hits.Load(), "an invalid request was sent")
			assert.Equal(t, req.Validate(), err, "CreateLinkToken's error differs from Validate's")
			var ire *InvalidRequestError
			require.ErrorAs(t, err, &ire)
			var got []want
			for _, p := range ire.Problems {
				got = append(got, want{p.Field, p.Code, p.Limit})
			}
			assert.Equal(t, tc.want, got)
			for _, hint := range tc.hints {
				assert.Contains(t, ire.Problems[0].Reason, hint)
			}
		})
	}
}
