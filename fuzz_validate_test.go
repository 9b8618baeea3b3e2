package mesh_test

// FuzzValidate lives in the external test package because it posts what Validate
// accepts to the meshtest fake, and meshtest imports mesh: an internal test file of
// package mesh cannot import it.

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// Presence flags of FuzzValidate: which optional parts the request has.
const (
	hdHasRestrict uint32 = 1 << iota
	hdHasDisableKeyGen
	hdHasTransfer
	hdHasAddress
	hdHasAmount
	hdHasDisplayAmount
	hdHasMinAmount
	hdHasMinAmountInFiat
	hdHasAmountInFiat
	hdHasClientFee
	hdHasInclusiveFee
	hdHasPayLink
	hdHasGoods
	hdHasVerify
	hdHasMethod
	hdHasVerifyAddress
	hdHasSecondAddress
)

// hdKnownPaths are the JSON paths of the request's fields, indices written [i].
var hdKnownPaths = func() map[string]bool {
	paths := []string{
		"userId", "brokerType", "integrationId", "restrictMultipleAccounts",
		"disableApiKeyGeneration", "subClientId", "transferOptions", "verifyWalletOptions",
		"transferOptions.toAddresses", "transferOptions.toAddresses[i]",
		"transferOptions.amountInFiat", "transferOptions.transactionId",
		"transferOptions.clientFee", "transferOptions.transferType",
		"transferOptions.isInclusiveFeeEnabled", "transferOptions.description",
		"transferOptions.goodsDetails", "transferOptions.goodsDetails[i]",
		"transferOptions.generatePayLink",
		"verifyWalletOptions.message", "verifyWalletOptions.verificationMethods",
		"verifyWalletOptions.verificationMethods[i]", "verifyWalletOptions.addresses",
		"verifyWalletOptions.addresses[i]", "verifyWalletOptions.networkId",
		"verifyWalletOptions.networkType",
	}
	for _, f := range []string{"networkId", "symbol", "address", "addressTag", "amount", "displayAmountInFiat", "minAmount", "minAmountInFiat"} {
		paths = append(paths, "transferOptions.toAddresses[i]."+f)
	}
	for _, f := range []string{"goodsType", "goodsCategory", "referenceGoodsId", "goodsName", "goodsDetail"} {
		paths = append(paths, "transferOptions.goodsDetails[i]."+f)
	}
	m := map[string]bool{}
	for _, p := range paths {
		m[p] = true
	}
	return m
}()

var hdIndex = regexp.MustCompile(`\[(\d+)\]`)

// hdCheckPath checks that field is a real JSON path of req: a known path once its
// indices are written [i], each index within its array.
func hdCheckPath(t *testing.T, req *mesh.CreateLinkTokenRequest, field string) {
	t.Helper()
	generic := hdIndex.ReplaceAllString(field, "[i]")
	if !assert.True(t, hdKnownPaths[generic], "%q is not a JSON path of the request", field) {
		return
	}
	for _, m := range hdIndex.FindAllStringSubmatchIndex(field, -1) {
		array := field[:m[0]]
		i, err := strconv.Atoi(field[m[2]:m[3]])
		require.NoError(t, err)
		n := -1
		switch array {
		case "transferOptions.toAddresses":
			n = len(req.TransferOptions.ToAddresses)
		case "transferOptions.goodsDetails":
			n = len(req.TransferOptions.GoodsDetails)
		case "verifyWalletOptions.verificationMethods":
			n = len(req.VerifyWalletOptions.VerificationMethods)
		case "verifyWalletOptions.addresses":
			n = len(req.VerifyWalletOptions.Addresses)
		}
		assert.True(t, i >= 0 && i < n, "%q: index %d out of the %d elements of %s", field, i, n, array)
	}
}

// hdValidationErrors collects the *ValidationError leaves of err's tree.
func hdValidationErrors(err error) []*mesh.ValidationError {
	var out []*mesh.ValidationError
	var walk func(error)
	walk = func(e error) {
		if ve, ok := e.(*mesh.ValidationError); ok { //nolint:errorlint // walking the tree by hand, one node at a time
			out = append(out, ve)
			return
		}
		switch u := e.(type) { //nolint:errorlint // walking the tree by hand, one node at a time
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil {
				walk(c)
			}
		}
	}
	walk(err)
	return out
}

// FuzzValidate builds a request from fuzzed strings, numbers (NaN, ±Inf and negatives
// included) and presence flags. Validate never panics and says the same thing twice.
// A request it accepts marshals to JSON that the strict meshtest fake accepts too
// (posted through a real Client); a refused one is never sent, and each of its
// *ValidationError names a real JSON path of the request.
func FuzzValidate(f *testing.F) {
	srv := meshtest.NewServer() // one fake for the whole target
	f.Cleanup(srv.Close)
	client, err := srv.NewClient(mesh.WithTimeout(5 * time.Second))
	require.NoError(f, err)
	f.Cleanup(client.CloseIdleConnections)

	f.Fuzz(func(t *testing.T,
		userID, brokerType, integrationID, subClientID string,
		networkID, symbol, address, addressTag string,
		amount, minAmount, amountInFiat, clientFee float64,
		transactionID, description, transferType, goodsType string,
		method, message, verifyNetworkID, networkType, verifyAddress string,
		flags uint32, bools uint8,
	) {
		has := func(flag uint32) bool { return flags&flag != 0 }
		boolAt := func(i uint) *bool { return mesh.Bool(bools&(1<<i) != 0) }
		req := &mesh.CreateLinkTokenRequest{
			UserID:        userID,
			BrokerType:    mesh.BrokerType(brokerType),
			IntegrationID: integrationID,
			SubClientID:   subClientID,
		}
		if has(hdHasRestrict) {
			req.RestrictMultipleAccounts = boolAt(0)
		}
		if has(hdHasDisableKeyGen) {
			req.DisableAPIKeyGeneration = boolAt(1)
		}
		if has(hdHasTransfer) {
			to := &mesh.TransferOptions{
				TransactionID: transactionID,
				TransferType:  mesh.TransferType(transferType),
				Description:   description,
			}
			if has(hdHasAddress) {
				a := mesh.TransferAddress{NetworkID: networkID, Symbol: symbol, Address: address, AddressTag: addressTag}
				if has(hdHasAmount) {
					a.Amount = mesh.Float64(amount)
				}
				if has(hdHasDisplayAmount) {
					a.DisplayAmountInFiat = mesh.Float64(amount)
				}
				if has(hdHasMinAmount) {
					a.MinAmount = mesh.Float64(minAmount)
				}
				if has(hdHasMinAmountInFiat) {
					a.MinAmountInFiat = mesh.Float64(minAmount)
				}
				to.ToAddresses = append(to.ToAddresses, a)
				if has(hdHasSecondAddress) {
					b := a
					b.Address = addressTag // its own address, maybe blank
					to.ToAddresses = append(to.ToAddresses, b)
				}
			}
			if has(hdHasAmountInFiat) {
				to.AmountInFiat = mesh.Float64(amountInFiat)
			}
			if has(hdHasClientFee) {
				to.ClientFee = mesh.Float64(clientFee)
			}
			if has(hdHasInclusiveFee) {
				to.IsInclusiveFeeEnabled = boolAt(2)
			}
			if has(hdHasPayLink) {
				to.GeneratePayLink = boolAt(3)
			}
			if has(hdHasGoods) {
				to.GoodsDetails = []mesh.GoodsDetails{{GoodsType: goodsType, GoodsName: description}}
			}
			req.TransferOptions = to
		}
		if has(hdHasVerify) {
			v := &mesh.VerifyWalletOptions{
				Message:     message,
				NetworkID:   verifyNetworkID,
				NetworkType: mesh.NetworkType(networkType),
			}
			if has(hdHasMethod) {
				v.VerificationMethods = []mesh.VerificationMethod{mesh.VerificationMethod(method)}
			}
			if has(hdHasVerifyAddress) {
				v.Addresses = []string{verifyAddress}
			}
			req.VerifyWalletOptions = v
		}

		err := req.Validate()
		again := req.Validate()
		require.Equal(t, err == nil, again == nil, "Validate is deterministic")
		ctx := context.Background()

		if err != nil {
			require.Equal(t, err.Error(), again.Error(), "Validate is deterministic")
			assert.ErrorIs(t, err, mesh.ErrValidation)
			assert.NotContains(t, err.Error(), "\n", "one line")
			problems := hdValidationErrors(err)
			require.NotEmpty(t, problems, "the tree holds a *ValidationError per problem")
			for _, ve := range problems {
				require.NotEmpty(t, ve.Field, "a problem names its field: %v", ve)
				hdCheckPath(t, req, ve.Field)
				assert.Contains(t, err.Error(), ve.Field)
			}
			// A refused request is never sent.
			lt, cerr := client.CreateLinkToken(ctx, req)
			assert.Nil(t, lt)
			assert.ErrorIs(t, cerr, mesh.ErrValidation)
			assert.Empty(t, srv.Requests(), "nothing sent")
			return
		}

		want, merr := json.Marshal(req)
		require.NoError(t, merr, "an accepted request marshals")
		defer srv.Reset()
		lt, cerr := client.CreateLinkToken(ctx, req)
		require.NoError(t, cerr, "the fake refuses what Validate accepted: %s", want)
		require.NotNil(t, lt)
		_, uerr := lt.URL()
		assert.NoError(t, uerr)
		if has(hdHasTransfer) && has(hdHasPayLink) && bools&(1<<3) != 0 {
			assert.NotEmpty(t, lt.PaymentLink, "generatePayLink: true gets a payment link")
		} else {
			assert.Empty(t, lt.PaymentLink)
		}
		got := srv.Requests()
		require.Len(t, got, 1, "one attempt")
		assert.Equal(t, http.MethodPost, got[0].Method)
		assert.JSONEq(t, string(want), string(got[0].Body), "the client sends what encoding/json makes of the request")
		var tree any
		require.NoError(t, json.Unmarshal(got[0].Body, &tree))
		assert.False(t, hdHasNull(tree), "an unset field is absent, never null: %s", got[0].Body)
		var back mesh.CreateLinkTokenRequest
		require.NoError(t, json.Unmarshal(got[0].Body, &back))
		assert.NoError(t, back.Validate(), "what was sent still validates")
	})
}

// hdHasNull reports whether a decoded JSON value holds a null anywhere.
func hdHasNull(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range v {
			if hdHasNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hdHasNull(e) {
				return true
			}
		}
	}
	return false
}
