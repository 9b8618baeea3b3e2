package meshtest_test

// The documented rules of the wire spec (rules.go), each accepted and refused at its
// boundary, and their agreement with package mesh's broker list.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

// TestRules checks each documented rule of the wire spec on its own, with raw bodies,
// many of which the SDK would never send (its Validate refuses them first): the fake
// must refuse them by its own rules. A refused body gets a 400 badRequest envelope
// whose message starts with the JSON path of the field.
func TestRules(t *testing.T) {
	srv := meshtest.Start(t)
	tests := []struct {
		name       string
		body       string
		wantType   string // ok: accepted
		wantPath   string // the message starts with wantPath + ": "
		wantReason string // and contains wantReason
	}{
		// userId: required, 1–50 UTF-16 code units, blank is missing.
		{"userId absent", `{}`, missing, "userId", "is required"},
		{"userId absent with options", `{"transferOptions":{"amountInFiat":5}}`, missing, "userId", "is required"},
		{"userId null", `{"userId":null}`, missing, "userId", "is required"},
		{"userId empty", `{"userId":""}`, missing, "userId", "is required"},
		{"userId spaces", `{"userId":" \t\n\r "}`, missing, "userId", "is required"},
		{"userId ideographic space", `{"userId":"\u3000"}`, missing, "userId", "is required"},
		{"userId 1 character", `{"userId":"u"}`, ok, "", ""},
		{"userId with spaces around", `{"userId":" u "}`, ok, "", ""},
		{"userId 50 ASCII", `{"userId":"` + strings.Repeat("u", 50) + `"}`, ok, "", ""},
		{"userId 50 code points, 100 bytes", `{"userId":"` + strings.Repeat("é", 50) + `"}`, ok, "", ""},
		{"userId 50 escaped code points", `{"userId":"` + strings.Repeat(`\u00e9`, 50) + `"}`, ok, "", ""},
		{"userId 25 emoji, 50 code units", `{"userId":"` + strings.Repeat("😀", 25) + `"}`, ok, "", ""},
		{"userId 25 escaped surrogate pairs", `{"userId":"` + strings.Repeat(`\ud83d\ude00`, 25) + `"}`, ok, "", ""},
		{"userId 49 ASCII and an emoji", `{"userId":"` + strings.Repeat("u", 49) + `😀"}`, invalid, "userId", "has 51"},
		{"userId 26 emoji", `{"userId":"` + strings.Repeat("😀", 26) + `"}`, invalid, "userId", "has 52"},
		{"userId 50 emoji, 50 code points", `{"userId":"` + strings.Repeat("😀", 50) + `"}`, invalid, "userId", "has 100"},
		{"userId 51 ASCII", `{"userId":"` + strings.Repeat("u", 51) + `"}`, invalid, "userId", "has 51"},
		{"userId 51 BMP characters", `{"userId":"` + strings.Repeat("é", 51) + `"}`, invalid, "userId", "has 51"},
		{"userId 300", `{"userId":"` + strings.Repeat("u", 300) + `"}`, invalid, "userId", "has 300"},

		// brokerType: the one closed enum; known and supported, exactly as spelt.
		{"brokerType coinbase", withUser(`"brokerType":"coinbase"`), ok, "", ""},
		{"brokerType first of the product spec", withUser(`"brokerType":"robinhood"`), ok, "", ""},
		{"brokerType last of the product spec", withUser(`"brokerType":"bybitDirect"`), ok, "", ""},
		{"brokerType deFiWallet", withUser(`"brokerType":"deFiWallet"`), invalid, "brokerType", "not supported"},
		{"brokerType cryptocurrencyAddress", withUser(`"brokerType":"cryptocurrencyAddress"`), invalid, "brokerType", "not supported"},
		{"brokerType cryptocurrencyWallet", withUser(`"brokerType":"cryptocurrencyWallet"`), invalid, "brokerType", "not supported"},
		{"brokerType unknown", withUser(`"brokerType":"mtGox"`), invalid, "brokerType", "not a known broker type"},
		{"brokerType wrong case", withUser(`"brokerType":"Coinbase"`), invalid, "brokerType", "not a known broker type"},
		{"brokerType empty", withUser(`"brokerType":""`), invalid, "brokerType", "not a known broker type"},
		{"brokerType with a space", withUser(`"brokerType":"coinbase "`), invalid, "brokerType", "not a known broker type"},
		{"brokerType null", withUser(`"brokerType":null`), ok, "", ""},

		// integrationId and subClientId: a canonical UUID, null, or "" (read as absent).
		{"integrationId lower case", withUser(`"integrationId":"` + uuidLo + `"`), ok, "", ""},
		{"integrationId upper case", withUser(`"integrationId":"` + uuidUp + `"`), ok, "", ""},
		{"integrationId null", withUser(`"integrationId":null`), ok, "", ""},
		{"integrationId empty", withUser(`"integrationId":""`), ok, "", ""},
		{"integrationId a name", withUser(`"integrationId":"coinbase"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId without hyphens", withUser(`"integrationId":"34aeb688decb485f9d80b66466783394"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId in braces", withUser(`"integrationId":"{` + uuidLo + `}"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId not hex", withUser(`"integrationId":"34aeb688-decb-485f-9d80-b66466783g94"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId hyphen moved", withUser(`"integrationId":"34aeb68-8decb-485f-9d80-b66466783394"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId with a space", withUser(`"integrationId":" ` + uuidLo + `"`), invalid, "integrationId", "must be a UUID"},
		{"integrationId blank", withUser(`"integrationId":" "`), invalid, "integrationId", "must be a UUID"},
		{"subClientId UUID", withUser(`"subClientId":"` + uuidUp + `"`), ok, "", ""},
		{"subClientId empty", withUser(`"subClientId":""`), ok, "", ""},
		{"subClientId not a UUID", withUser(`"subClientId":"acme"`), invalid, "subClientId", "must be a UUID"},
		{"subClientId too long", withUser(`"subClientId":"` + uuidLo + `0"`), invalid, "subClientId", "must be a UUID"},

		// transferOptions.toAddresses[i]: networkId a UUID, symbol and address non-blank.
		{"address complete", withAddress(addrOK), ok, "", ""},
		{"address networkId upper case", withAddress(`"networkId":"` + uuidUp + `","symbol":"USDC","address":"0x1"`), ok, "", ""},
		{"address with anything as tag", withAddress(addrOK + `,"addressTag":" "`), ok, "", ""},
		{"address networkId absent", withAddress(`"symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "is required"},
		{"address networkId empty", withAddress(`"networkId":"","symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "is required"},
		{"address networkId blank", withAddress(`"networkId":"  ","symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "is required"},
		{"address networkId not a UUID", withAddress(`"networkId":"ethereum","symbol":"USDC","address":"0x1"`), invalid, "transferOptions.toAddresses[0].networkId", "must be a UUID"},
		{"address symbol absent", withAddress(`"networkId":"` + networkID + `","address":"0x1"`), invalid, "transferOptions.toAddresses[0].symbol", "is required"},
		{"address symbol blank", withAddress(`"networkId":"` + networkID + `","symbol":"\t","address":"0x1"`), invalid, "transferOptions.toAddresses[0].symbol", "is required"},
		{"address address absent", withAddress(`"networkId":"` + networkID + `","symbol":"USDC"`), invalid, "transferOptions.toAddresses[0].address", "is required"},
		{"address address empty", withAddress(`"networkId":"` + networkID + `","symbol":"USDC","address":""`), invalid, "transferOptions.toAddresses[0].address", "is required"},
		{"second address broken", withTransfer(`"toAddresses":[{` + addrOK + `},{"networkId":"x","symbol":"USDC","address":"0x2"}]`), invalid, "transferOptions.toAddresses[1].networkId", "must be a UUID"},
		{"empty toAddresses", withTransfer(`"toAddresses":[]`), ok, "", ""},

		// Every amount is ≥ 0, compared exactly on the JSON number.
		{"amounts zero and large", withAddress(addrOK + `,"amount":0,"displayAmountInFiat":0.0,"minAmount":1e308,"minAmountInFiat":12.5`), ok, "", ""},
		{"amount minus zero", withAddress(addrOK + `,"amount":-0,"displayAmountInFiat":-0.0e5`), ok, "", ""},
		{"amount negative", withAddress(addrOK + `,"amount":-1`), invalid, "transferOptions.toAddresses[0].amount", "≥ 0"},
		{"displayAmountInFiat negative", withAddress(addrOK + `,"displayAmountInFiat":-0.01`), invalid, "transferOptions.toAddresses[0].displayAmountInFiat", "≥ 0"},
		{"minAmount negative", withAddress(addrOK + `,"minAmount":-5E2`), invalid, "transferOptions.toAddresses[0].minAmount", "≥ 0"},
		{"minAmountInFiat negative below float precision", withAddress(addrOK + `,"minAmountInFiat":-1e-400`), invalid, "transferOptions.toAddresses[0].minAmountInFiat", "≥ 0"},
		{"amountInFiat positive", withTransfer(`"amountInFiat":25.5`), ok, "", ""},
		{"amountInFiat zero", withTransfer(`"amountInFiat":0`), ok, "", ""},
		{"amountInFiat negative", withTransfer(`"amountInFiat":-1`), invalid, "transferOptions.amountInFiat", "≥ 0, got -1"},
		{"amountInFiat tiny negative", withTransfer(`"amountInFiat":-0.000000000000000000001`), invalid, "transferOptions.amountInFiat", "≥ 0"},

		// clientFee in [0, 1], exactly.
		{"clientFee 0", withTransfer(`"clientFee":0`), ok, "", ""},
		{"clientFee -0", withTransfer(`"clientFee":-0`), ok, "", ""},
		{"clientFee 0.025", withTransfer(`"clientFee":0.025`), ok, "", ""},
		{"clientFee 1", withTransfer(`"clientFee":1`), ok, "", ""},
		{"clientFee 1.000", withTransfer(`"clientFee":1.000`), ok, "", ""},
		{"clientFee 100e-2", withTransfer(`"clientFee":100e-2`), ok, "", ""},
		{"clientFee 0.1E1", withTransfer(`"clientFee":0.1E1`), ok, "", ""},
		{"clientFee 2", withTransfer(`"clientFee":2`), invalid, "transferOptions.clientFee", "from 0 to 1, got 2"},
		{"clientFee 1e1", withTransfer(`"clientFee":1e1`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee just above 1", withTransfer(`"clientFee":1.0000000000000000001`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee 1.5", withTransfer(`"clientFee":1.5`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee negative", withTransfer(`"clientFee":-0.1`), invalid, "transferOptions.clientFee", "from 0 to 1"},
		{"clientFee tiny negative", withTransfer(`"clientFee":-1e-400`), invalid, "transferOptions.clientFee", "from 0 to 1"},

		// transactionId ≤ 128 and description ≤ 256 UTF-16 code units.
		{"transactionId 128 BMP characters", withTransfer(`"transactionId":"` + strings.Repeat("é", 128) + `"`), ok, "", ""},
		{"transactionId 64 emoji", withTransfer(`"transactionId":"` + strings.Repeat("😀", 64) + `"`), ok, "", ""},
		{"transactionId 129", withTransfer(`"transactionId":"` + strings.Repeat("é", 129) + `"`), invalid, "transferOptions.transactionId", "at most 128 characters (UTF-16 code units), has 129"},
		{"transactionId 127 and an emoji", withTransfer(`"transactionId":"` + strings.Repeat("t", 127) + `😀"`), invalid, "transferOptions.transactionId", "has 129"},
		{"transactionId 65 emoji", withTransfer(`"transactionId":"` + strings.Repeat("😀", 65) + `"`), invalid, "transferOptions.transactionId", "has 130"},
		{"transactionId empty", withTransfer(`"transactionId":""`), ok, "", ""},
		{"description 256", withTransfer(`"description":"` + strings.Repeat("d", 256) + `"`), ok, "", ""},
		{"description 128 emoji", withTransfer(`"description":"` + strings.Repeat("😀", 128) + `"`), ok, "", ""},
		{"description 257", withTransfer(`"description":"` + strings.Repeat("d", 257) + `"`), invalid, "transferOptions.description", "at most 256 characters (UTF-16 code units), has 257"},
		{"description 129 emoji", withTransfer(`"description":"` + strings.Repeat("😀", 129) + `"`), invalid, "transferOptions.description", "has 258"},
		{"description 256 emoji", withTransfer(`"description":"` + strings.Repeat("😀", 256) + `"`), invalid, "transferOptions.description", "has 512"},

		// Open enums (transferType, goodsType, verificationMethods, networkType): any
		// value but a blank one, the known ones and those Mesh may add tomorrow.
		{"transferType deposit", withTransfer(`"transferType":"deposit"`), ok, "", ""},
		{"transferType payment", withTransfer(`"transferType":"payment"`), ok, "", ""},
		{"transferType onramp", withTransfer(`"transferType":"onramp"`), ok, "", ""},
		{"transferType fiatOnRamp", withTransfer(`"transferType":"fiatOnRamp"`), ok, "", ""},
		{"transferType fiatOffRamp", withTransfer(`"transferType":"fiatOffRamp"`), ok, "", ""},
		{"transferType unknown today", withTransfer(`"transferType":"gift"`), ok, "", ""},
		{"transferType in another case", withTransfer(`"transferType":"Deposit"`), ok, "", ""},
		{"transferType empty", withTransfer(`"transferType":""`), invalid, "transferOptions.transferType", "must not be empty or blank"},
		{"transferType blank", withTransfer(`"transferType":" \t"`), invalid, "transferOptions.transferType", "must not be empty or blank"},
		{"transferType ideographic space", withTransfer(`"transferType":"\u3000"`), invalid, "transferOptions.transferType", "must not be empty or blank"},
		{"goodsType 01 and 02", withTransfer(`"goodsDetails":[{"goodsType":"01"},{"goodsType":"02"}]`), ok, "", ""},
		{"goodsType unknown today", withTransfer(`"goodsDetails":[{"goodsType":"03"}]`), ok, "", ""},
		{"goods without goodsType", withTransfer(`"goodsDetails":[{"goodsName":"mug"}]`), ok, "", ""},
		{"goodsType empty", withTransfer(`"goodsDetails":[{"goodsType":""}]`), invalid, "transferOptions.goodsDetails[0].goodsType", "must not be empty or blank"},
		{"goodsType blank second", withTransfer(`"goodsDetails":[{"goodsType":"01"},{"goodsType":" "}]`), invalid, "transferOptions.goodsDetails[1].goodsType", "must not be empty or blank"},
		{"networkType evm", withVerify(`"networkType":"evm"`), ok, "", ""},
		{"networkType injective", withVerify(`"networkType":"injective"`), ok, "", ""},
		{"networkType unknown today", withVerify(`"networkType":"bitcoinCash"`), ok, "", ""},
		{"networkType in another case", withVerify(`"networkType":"EVM"`), ok, "", ""},
		{"networkType empty", withVerify(`"networkType":""`), invalid, "verifyWalletOptions.networkType", "must not be empty or blank"},
		{"networkType blank", withVerify(`"networkType":"\n"`), invalid, "verifyWalletOptions.networkType", "must not be empty or blank"},

		// verifyWalletOptions: message with signedMessage; methods not blank.
		{"signedMessage with message", withVerify(`"verificationMethods":["signedMessage"],"message":"prove it"`), ok, "", ""},
		{"no method, no message", withVerify(`"addresses":["0x1"]`), ok, "", ""},
		{"empty methods, no message", withVerify(`"verificationMethods":[]`), ok, "", ""},
		{"another method, no message", withVerify(`"verificationMethods":["selfie"]`), ok, "", ""},
		{"signedMessage in another case, no message", withVerify(`"verificationMethods":["SignedMessage"]`), ok, "", ""},
		{"signedMessage without message", withVerify(`"verificationMethods":["signedMessage"]`), invalid, "verifyWalletOptions.message", "signedMessage"},
		{"signedMessage second, without message", withVerify(`"verificationMethods":["selfie","signedMessage"]`), invalid, "verifyWalletOptions.message", "signedMessage"},
		{"signedMessage with blank message", withVerify(`"verificationMethods":["signedMessage"],"message":" \n"`), invalid, "verifyWalletOptions.message", "is required"},
		{"empty method", withVerify(`"verificationMethods":[""]`), invalid, "verifyWalletOptions.verificationMethods[0]", "must not be empty or blank"},
		{"blank second method", withVerify(`"verificationMethods":["signedMessage"," "],"message":"m"`), invalid, "verifyWalletOptions.verificationMethods[1]", "must not be empty or blank"},
		{"addresses", withVerify(`"addresses":["0x1","bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"]`), ok, "", ""},
		{"addresses empty list", withVerify(`"addresses":[]`), ok, "", ""},
		{"addresses null", withVerify(`"addresses":null`), ok, "", ""},
		{"address empty", withVerify(`"addresses":[""]`), invalid, "verifyWalletOptions.addresses[0]", "is required"},
		{"address blank", withVerify(`"addresses":[" \t"]`), invalid, "verifyWalletOptions.addresses[0]", "is required"},
		{"address with a leading space", withVerify(`"addresses":[" 0x1"]`), invalid, "verifyWalletOptions.addresses[0]", "has leading or trailing white space"},
		{"address with a trailing newline", withVerify(`"addresses":["0x1\n"]`), invalid, "verifyWalletOptions.addresses[0]", "has leading or trailing white space"},
		{"address with a trailing ideographic space", withVerify(`"addresses":["0x1\u3000"]`), invalid, "verifyWalletOptions.addresses[0]", "has leading or trailing white space"},
		{"second address padded", withVerify(`"addresses":["0x1","0x2 "]`), invalid, "verifyWalletOptions.addresses[1]", "has leading or trailing white space"},
		{"verify networkId UUID", withVerify(`"networkId":"` + uuidUp + `"`), ok, "", ""},
		{"verify networkId empty", withVerify(`"networkId":""`), ok, "", ""},
		{"verify networkId not a UUID", withVerify(`"networkId":"evm"`), invalid, "verifyWalletOptions.networkId", "must be a UUID"},

		// Several problems: the first in the spec's order is reported.
		{"missing userId before anything", `{"userId":" ","brokerType":"x","transferOptions":{"clientFee":2}}`, missing, "userId", "is required"},
		{"long userId before brokerType", `{"userId":"` + strings.Repeat("u", 51) + `","brokerType":"x"}`, invalid, "userId", "has 51"},
		{"brokerType before integrationId", withUser(`"integrationId":"x","brokerType":"x"`), invalid, "brokerType", ""},
		{"integrationId before subClientId", withUser(`"subClientId":"x","integrationId":"x"`), invalid, "integrationId", ""},
		{"subClientId before transferOptions", withUser(`"transferOptions":{"clientFee":2},"subClientId":"x"`), invalid, "subClientId", ""},
		{"addresses before amountInFiat", withTransfer(`"amountInFiat":-1,"toAddresses":[{"networkId":"x"}]`), invalid, "transferOptions.toAddresses[0].networkId", ""},
		{"first address first", withTransfer(`"toAddresses":[{"networkId":"` + networkID + `","address":"0x1"},{"networkId":"x"}]`), invalid, "transferOptions.toAddresses[0].symbol", ""},
		{"networkId before symbol", withAddress(`"networkId":"x","symbol":"","address":""`), invalid, "transferOptions.toAddresses[0].networkId", ""},
		{"amount before minAmount", withAddress(addrOK + `,"minAmount":-1,"amount":-1`), invalid, "transferOptions.toAddresses[0].amount", ""},
		{"clientFee before transferType", withTransfer(`"transferType":" ","clientFee":2`), invalid, "transferOptions.clientFee", ""},
		{"transferType before description", withTransfer(`"description":"` + strings.Repeat("d", 257) + `","transferType":""`), invalid, "transferOptions.transferType", ""},
		{"description before goodsType", withTransfer(`"goodsDetails":[{"goodsType":""}],"description":"` + strings.Repeat("d", 257) + `"`), invalid, "transferOptions.description", ""},
		{"transferOptions before verifyWalletOptions", withUser(`"verifyWalletOptions":{"networkType":" "},"transferOptions":{"transferType":" "}`), invalid, "transferOptions.transferType", ""},
		{"message before methods", withVerify(`"verificationMethods":["signedMessage",""]`), invalid, "verifyWalletOptions.message", ""},
		{"methods before addresses", withVerify(`"addresses":[" "],"verificationMethods":[""]`), invalid, "verifyWalletOptions.verificationMethods[0]", ""},
		{"addresses before networkId", withVerify(`"networkId":"x","addresses":[" "]`), invalid, "verifyWalletOptions.addresses[0]", ""},
		{"networkId before networkType", withVerify(`"networkType":" ","networkId":"x"`), invalid, "verifyWalletOptions.networkId", ""},
	}
	// Mesh's 12 later additions, each accepted.
	for _, b := range []string{"paribuOAuth", "payPalConnect", "binanceTrDirect", "coinbaseRamp", "bybitDirectMobile", "sandbox",
		"cryptoComPay", "bybitEuDirect", "uphold", "binancePayOnchain", "sandboxCoinbase", "bybitPay"} {
		tests = append(tests, struct{ name, body, wantType, wantPath, wantReason string }{
			"brokerType " + b, withUser(`"brokerType":"` + b + `"`), ok, "", ""})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tc.body)), "the test's body must be JSON: %s", tc.body)
			r := post(t, srv, tc.body)
			env := r.envelope(t)
			if tc.wantType == ok {
				assert.Equal(t, http.StatusOK, r.code, r.body)
				assert.Equal(t, "ok", env["status"], r.body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, r.code)
			assert.Equal(t, "badRequest", env["status"])
			assert.Equal(t, tc.wantType, env["errorType"], "message %v", env["message"])
			msg, _ := env["message"].(string)
			assert.True(t, strings.HasPrefix(msg, tc.wantPath+": "), "message %q should start with %q", msg, tc.wantPath+": ")
			assert.Contains(t, msg, tc.wantReason)
			assert.Nil(t, env["content"])
			again := post(t, srv, tc.body).envelope(t)
			assert.Equal(t, msg, again["message"], "the same body gets the same message")
		})
	}
}

// TestBrokerTypesAgreeWithTheSDK posts every broker type package mesh knows: the
// fake, which keeps its own list written from the spec, accepts exactly those the SDK
// calls supported. Two lists written apart agree, or one of them is wrong. (The count,
// 63, is the SDK's own contract, checked by its tests; TestRules checks Mesh's later
// additions here.)
func TestBrokerTypesAgreeWithTheSDK(t *testing.T) {
	srv := meshtest.Start(t)
	for _, b := range mesh.BrokerTypes() {
		t.Run(string(b), func(t *testing.T) {
			r := post(t, srv, withUser(`"brokerType":"`+string(b)+`"`))
			if !b.IsSupported() {
				assert.Equal(t, http.StatusBadRequest, r.code, r.body)
				assert.Contains(t, r.envelope(t)["message"], "brokerType: is not supported by the API")
				return
			}
			assert.Equal(t, http.StatusOK, r.code, r.body)
		})
	}
}
