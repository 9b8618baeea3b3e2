package mesh_test

// FuzzValidate is an oracle that cannot drift: it compares Validate's verdict with the
// verdict of meshtest's fake, which reads the wire spec on its own (meshtest/rules.go),
// on the same JSON. A disagreement is a bug on one side; the spec
// (mesh-linktoken-api.md) says which.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// requestPaths are the JSON paths of every field of a Link token request, as the
// wire spec (mesh-linktoken-api.md) names them, array items written [i]. It is written
// from the spec, not from the SDK's struct tags, so a renamed tag shows.
var requestPaths = func() map[string]bool {
	paths := []string{
		"userId", "brokerType", "integrationId", "restrictMultipleAccounts",
		"disableApiKeyGeneration", "subClientId",
		"transferOptions.amountInFiat", "transferOptions.transactionId",
		"transferOptions.clientFee", "transferOptions.transferType",
		"transferOptions.fundingOptions.enabled", "transferOptions.isInclusiveFeeEnabled",
		"transferOptions.description", "transferOptions.generatePayLink",
		"verifyWalletOptions.message", "verifyWalletOptions.verificationMethods[i]",
		"verifyWalletOptions.addresses[i]", "verifyWalletOptions.networkId",
		"verifyWalletOptions.networkType",
	}
	for _, f := range []string{"networkId", "symbol", "address", "addressTag", "amount", "displayAmountInFiat", "minAmount", "minAmountInFiat"} {
		paths = append(paths, "transferOptions.toAddresses[i]."+f)
	}
	for _, f := range []string{"goodsType", "goodsCategory", "referenceGoodsId", "goodsName", "goodsDetail"} {
		paths = append(paths, "transferOptions.goodsDetails[i]."+f)
	}
	return withPrefixes(paths)
}()

// withPrefixes is the set of paths and of every object and array on the way to one.
func withPrefixes(paths []string) map[string]bool {
	m := map[string]bool{}
	for _, p := range paths {
		m[p] = true
		for i := range p {
			if p[i] == '.' || p[i] == '[' {
				m[p[:i]] = true
			}
		}
	}
	return m
}

// Presence flags of FuzzValidate: which optional parts of the request are set.
const (
	fzRestrict uint32 = 1 << iota
	fzDisableKeyGen
	fzTransfer
	fzAmount
	fzDisplayAmount
	fzMinAmount
	fzMinAmountInFiat
	fzAmountInFiat
	fzClientFee
	fzInclusiveFee
	fzPayLink
	fzFunding
	fzVerify
	fzEmptySlices // empty, non-nil slices where no item is asked for
)

// Bits of FuzzValidate's bools: the values of the optional booleans that are set.
const (
	fzRestrictValue uint8 = 1 << iota
	fzDisableKeyGenValue
	fzInclusiveFeeValue
	fzPayLinkValue
	fzFundingEnabled
)

// fuzzBrokerType picks the brokerType: unset, one of mesh.BrokerTypes() (supported or
// not) by index, or the fuzzed string itself (unknown, misspelt, blank, ...).
func fuzzBrokerType(sel uint8, raw string) mesh.BrokerType {
	known := mesh.BrokerTypes()
	switch i := int(sel) % (len(known) + 2); {
	case i == 0:
		return ""
	case i <= len(known):
		return known[i-1]
	default:
		return mesh.BrokerType(raw)
	}
}

// uuidish turns raw into a UUID-like string by mode (two bits): raw as it is; a UUID
// made of raw's bytes in hex, lower or upper case; or that UUID with raw's own bytes
// written over its start, a near miss whenever raw is not hexadecimal.
func uuidish(raw string, mode uint8) string {
	if mode&3 == 0 {
		return raw
	}
	digits := hex.EncodeToString([]byte(raw))
	digits = (digits + strings.Repeat("0", 32))[:32]
	u := digits[:8] + "-" + digits[8:12] + "-" + digits[12:16] + "-" + digits[16:20] + "-" + digits[20:]
	switch mode & 3 {
	case 2:
		u = strings.ToUpper(u)
	case 3:
		if len(raw) < len(u) {
			u = raw + u[len(raw):]
		}
	}
	return u
}

// FuzzValidate builds a request covering every field from fuzzed strings (open enums
// included), a broker type, UUID-like ids, floats (NaN, ±Inf and negatives included),
// presence flags, booleans and item counts, and checks that Validate and the fake
// agree: the JSON json.Marshal makes of it, posted raw, is accepted (200) if and only
// if Validate returned nil. A request json.Marshal cannot encode (NaN, ±Inf) is
// refused by Validate and never sent. A refused request names real JSON paths of the
// request, the fake's among them, and sends nothing through a client; an accepted one
// goes through a real client and arrives as json.Marshal made it. Validate is
// deterministic.
func FuzzValidate(f *testing.F) {
	srv := meshtest.NewServer() // one fake per run of the target, shared by its inputs
	f.Cleanup(srv.Close)
	client, err := srv.NewClient(mesh.WithRetry(mesh.RetryPolicy{}))
	require.NoError(f, err)

	f.Fuzz(func(t *testing.T,
		userID string, brokerSel uint8, brokerRaw string, integrationID, subClientID string, idModes uint8,
		networkID, symbol, address, addressTag string,
		amount, displayAmount, minAmount, minAmountInFiat, amountInFiat, clientFee float64,
		transactionID, transferType, description string,
		goodsType, goodsCategory, referenceGoodsID, goodsName, goodsDetail string,
		message, method, verifyAddress, verifyNetworkID, networkType string,
		flags uint32, bools uint8, counts uint16,
	) {
		has := func(flag uint32) bool { return flags&flag != 0 }
		// optBool and optFloat are the value when flag is set, else nil (unset).
		optBool := func(flag uint32, bit uint8) *bool {
			if !has(flag) {
				return nil
			}
			return mesh.Bool(bools&bit != 0)
		}
		optFloat := func(flag uint32, f float64) *float64 {
			if !has(flag) {
				return nil
			}
			return mesh.Float64(f)
		}
		count := func(shift uint) int { return int(counts>>shift) & 3 }

		req := &mesh.CreateLinkTokenRequest{
			UserID:                   userID,
			BrokerType:               fuzzBrokerType(brokerSel, brokerRaw),
			IntegrationID:            uuidish(integrationID, idModes),
			SubClientID:              uuidish(subClientID, idModes>>2),
			RestrictMultipleAccounts: optBool(fzRestrict, fzRestrictValue),
			DisableAPIKeyGeneration:  optBool(fzDisableKeyGen, fzDisableKeyGenValue),
		}
		if has(fzTransfer) {
			first := mesh.TransferAddress{
				NetworkID: uuidish(networkID, idModes>>4), Symbol: symbol, Address: address, AddressTag: addressTag,
				Amount: optFloat(fzAmount, amount), DisplayAmountInFiat: optFloat(fzDisplayAmount, displayAmount),
				MinAmount: optFloat(fzMinAmount, minAmount), MinAmountInFiat: optFloat(fzMinAmountInFiat, minAmountInFiat),
			}
			// Later destinations vary the first: their own address (maybe blank), then
			// the verified network's id and the fee as an amount.
			items := []mesh.TransferAddress{first, first, first}
			items[1].Address, items[1].AddressTag = addressTag, address
			items[2].NetworkID, items[2].Amount = uuidish(verifyNetworkID, idModes>>6), mesh.Float64(clientFee)
			goods := []mesh.GoodsDetails{
				{GoodsType: goodsType, GoodsCategory: goodsCategory, ReferenceGoodsID: referenceGoodsID, GoodsName: goodsName, GoodsDetail: goodsDetail},
				{GoodsType: goodsCategory, GoodsName: goodsType},
				{GoodsDetail: description},
			}
			req.TransferOptions = &mesh.TransferOptions{
				ToAddresses:           firstN(items, count(0), has(fzEmptySlices)),
				AmountInFiat:          optFloat(fzAmountInFiat, amountInFiat),
				TransactionID:         transactionID,
				ClientFee:             optFloat(fzClientFee, clientFee),
				TransferType:          mesh.TransferType(transferType),
				IsInclusiveFeeEnabled: optBool(fzInclusiveFee, fzInclusiveFeeValue),
				Description:           description,
				GoodsDetails:          firstN(goods, count(2), has(fzEmptySlices)),
				GeneratePayLink:       optBool(fzPayLink, fzPayLinkValue),
			}
			if has(fzFunding) {
				req.TransferOptions.FundingOptions = &mesh.FundingOptions{Enabled: bools&fzFundingEnabled != 0}
			}
		}
		if has(fzVerify) {
			methods := []mesh.VerificationMethod{
				mesh.VerificationMethod(method), mesh.VerificationMethodSignedMessage, mesh.VerificationMethod(networkType),
			}
			req.VerifyWalletOptions = &mesh.VerifyWalletOptions{
				Message:             message,
				VerificationMethods: firstN(methods, count(4), has(fzEmptySlices)),
				Addresses:           firstN([]string{verifyAddress, address, ""}, count(6), has(fzEmptySlices)),
				NetworkID:           uuidish(verifyNetworkID, idModes>>6),
				NetworkType:         mesh.NetworkType(networkType),
			}
		}

		checkAgainstFake(t, srv, client, req)
	})
}

// firstN is the first n of all, nil rather than empty unless keepEmpty: both are left
// out of the JSON.
func firstN[E any](all []E, n int, keepEmpty bool) []E {
	if n == 0 && !keepEmpty {
		return nil
	}
	return all[:n]
}

// checkAgainstFake checks Validate's verdict on req against the fake's on the same
// JSON, and what a client sends, as FuzzValidate describes. It returns the fake's
// answer to the raw JSON, the zero fakeAnswer when none was posted.
func checkAgainstFake(t *testing.T, srv *meshtest.Server, client *mesh.Client,
	req *mesh.CreateLinkTokenRequest) fakeAnswer {
	t.Helper()
	srv.Reset()
	verdict := req.Validate()
	assert.Equal(t, verdict, req.Validate(), "Validate is deterministic")
	if verdict != nil {
		checkProblems(t, req, verdict)
	}

	body, merr := json.Marshal(req)
	if merr != nil {
		nonFinite := nonFinitePaths(req)
		require.NotEmpty(t, nonFinite, "json.Marshal fails only on NaN or ±Inf: %v", merr)
		require.Error(t, verdict, "Validate refuses NaN and ±Inf, which JSON cannot carry")
		for _, p := range nonFinite {
			assert.Contains(t, fieldsOf(verdict), p, "Validate names %s, which is not finite", p)
		}
		assertNotSent(t, srv, client, req, 0)
		return fakeAnswer{}
	}
	if len(body) > meshtest.MaxBodyBytes {
		// The fake's own bound, which the spec does not document: nothing to compare.
		t.Skipf("body of %d bytes is above the fake's bound", len(body))
	}

	fake := postRaw(t, srv, body)
	require.Contains(t, []int{http.StatusOK, http.StatusBadRequest}, fake.code, "the fake answers 200 or 400: %+v", fake)
	require.Equal(t, verdict == nil, fake.code == http.StatusOK,
		"Validate and the fake disagree\nValidate: %v\nfake: %d %s %s\nbody: %s", verdict, fake.code, fake.errorType, fake.message, body)

	if verdict != nil {
		path, _, ok := strings.Cut(fake.message, ": ")
		require.True(t, ok, "the fake's message starts with a path: %q", fake.message)
		assert.Contains(t, fieldsOf(verdict), path, "the fake's problem is one of Validate's")
		assertNotSent(t, srv, client, req, 1)
		return fake
	}

	lt, err := client.CreateLinkToken(context.Background(), req)
	require.NoError(t, err, "body: %s", body)
	_, err = lt.URL()
	assert.NoError(t, err)
	payLink := req.TransferOptions != nil && req.TransferOptions.GeneratePayLink != nil && *req.TransferOptions.GeneratePayLink
	assert.Equal(t, payLink, lt.PaymentLink != "", "a payment link iff generatePayLink is true")
	got := srv.Requests()
	require.Len(t, got, 2, "the raw post and one attempt of the client")
	assert.JSONEq(t, string(body), string(got[1].Body), "the client sends what json.Marshal makes of the request")
	return fake
}

// assertNotSent checks that a client refuses req with ErrValidation and sends nothing:
// the fake still has only the before requests it had.
func assertNotSent(t *testing.T, srv *meshtest.Server, client *mesh.Client, req *mesh.CreateLinkTokenRequest, before int) {
	t.Helper()
	lt, err := client.CreateLinkToken(context.Background(), req)
	assert.Nil(t, lt)
	assert.ErrorIs(t, err, mesh.ErrValidation)
	assert.Len(t, srv.Requests(), before, "a refused request is not sent")
}

// fieldsOf lists the Field of every problem of err, none when err is no
// *InvalidRequestError.
func fieldsOf(err error) []string {
	var inv *mesh.InvalidRequestError
	if !errors.As(err, &inv) {
		return nil
	}
	var out []string
	for _, p := range inv.Problems {
		out = append(out, p.Field)
	}
	return out
}

var arrayIndex = regexp.MustCompile(`\[(\d+)\]`)

// checkProblems checks a Validate error: a refusal as mesh.RefusalFields checks it,
// with at least one problem, whose every Field is a real JSON path of req (a documented
// path once indices are written [i], each index within its array).
func checkProblems(t *testing.T, req *mesh.CreateLinkTokenRequest, err error) {
	t.Helper()
	fields := mesh.RefusalFields(t, err)
	require.NotEmpty(t, fields, "an *InvalidRequestError with its problems: %#v", err)
	for _, field := range fields {
		generic := arrayIndex.ReplaceAllString(field, "[i]")
		if !assert.True(t, requestPaths[generic], "%q is not a JSON path of the request", field) {
			continue
		}
		for _, m := range arrayIndex.FindAllStringSubmatchIndex(field, -1) {
			array := field[:m[0]]
			i, _ := strconv.Atoi(field[m[2]:m[3]])
			n := arrayLen(req, array)
			assert.True(t, i < n, "%q: index %d, but %s has %d items", field, i, array, n)
		}
	}
}

// arrayLen is the length of the array of req at path, -1 for a path that is no array.
func arrayLen(req *mesh.CreateLinkTokenRequest, path string) int {
	to, w := req.TransferOptions, req.VerifyWalletOptions
	switch {
	case path == "transferOptions.toAddresses" && to != nil:
		return len(to.ToAddresses)
	case path == "transferOptions.goodsDetails" && to != nil:
		return len(to.GoodsDetails)
	case path == "verifyWalletOptions.verificationMethods" && w != nil:
		return len(w.VerificationMethods)
	case path == "verifyWalletOptions.addresses" && w != nil:
		return len(w.Addresses)
	}
	return -1
}

// nonFinitePaths lists the JSON paths of req's numbers that are NaN or ±Inf.
func nonFinitePaths(req *mesh.CreateLinkTokenRequest) []string {
	var out []string
	check := func(path string, f *float64) {
		if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
			out = append(out, path)
		}
	}
	if to := req.TransferOptions; to != nil {
		for i, a := range to.ToAddresses {
			p := "transferOptions.toAddresses[" + strconv.Itoa(i) + "]."
			check(p+"amount", a.Amount)
			check(p+"displayAmountInFiat", a.DisplayAmountInFiat)
			check(p+"minAmount", a.MinAmount)
			check(p+"minAmountInFiat", a.MinAmountInFiat)
		}
		check("transferOptions.amountInFiat", to.AmountInFiat)
		check("transferOptions.clientFee", to.ClientFee)
	}
	return out
}
