package mesh

// The catalogs: Mesh's official example answers decoded field by field within each list's
// bound, nulls and values Mesh adds later, the errors and retries of CreateLinkToken, the lookups.

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ids of Mesh's official examples.
const (
	ethereumID   = "e3c7fdd8-b1fc-4e51-85ae-bb276e075611"
	polygonID    = "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12"
	coinbaseID   = "47624467-e52e-4938-a41a-7926b6c27acf"
	coinCircleID = "3d8f5c31-9fc0-4b61-bdfb-00fb18cbb9ad"
	robinhoodID  = "9a3b7c55-2f0e-4d8b-a1c6-5e7f8d9a0b1c" // Mesh's example shows none
	cdn          = "https://frontuserfilecdn.azureedge.net/public/logos/"
)

// Mesh's official example answers (mesh-catalog-api.md), completed to every documented
// field. Each first item sets every field.
const (
	networksAnswer = `{"status":"ok","message":"","errorType":"","errorHash":"e08e7897ef295536a17696e9d645cfc20b1c85f3",
 "content":{"networks":[
  {"id":"` + ethereumID + `","name":"Ethereum","chainId":"1",
   "logoUrl":"` + cdn + `networks/Ethereum.svg",
   "nativeSymbol":"ETH","networkType":"evm","supportedTokens":["ETH","USDC","USDT"],
   "tokens":[{"symbol":"ETH","logoUrl":"` + cdn + `tokens/ETH.svg"}],
   "supportedBrokerTypes":["deFiWallet","robinhood","coinbase","kraken","binanceInternational","binanceUs"]},
  {"id":"` + polygonID + `","name":"Polygon","chainId":"137","logoUrl":"` + cdn + `networks/Polygon.svg",
   "nativeSymbol":"MATIC","networkType":"evm","supportedTokens":["MATIC","USDC"],"tokens":[],"supportedBrokerTypes":["robinhood"]}]}}`

	integrationsAnswer = `{"status":"ok","message":"","errorType":"","errorHash":"","content":{"items":[
  {"id":"` + coinCircleID + `","name":"CoinCircle","type":"deFiWallet","deFiWalletProviderId":"coincircle",
   "categories":["deFiWallet","wallet"],"cryptoTransfersSupported":true,"forgotPasswordLink":"https://coincircle.com/forgot",
   "style":{"fieldActiveLight":"#000001","buttonPrimaryLight":"#000002","buttonHoverLight":"#000003","buttonTextLight":"#000004",
    "buttonTextHoverLight":"#000005","fieldActiveDark":"#000006","buttonPrimaryDark":"#000007","buttonHoverDark":"#000008",
    "buttonTextDark":"#000009","buttonTextHoverDark":"#00000a"},
   "logo":{"logoLightUrl":"` + cdn + `cc/logoLight.svg","logoDarkUrl":"` + cdn + `cc/logoDark.svg","logoWhiteUrl":"` + cdn + `cc/logoWhite.svg",
    "logoBlackUrl":"` + cdn + `cc/logoBlack.svg","logoColorUrl":"` + cdn + `cc/logoColor.svg","iconLightUrl":"` + cdn + `cc/iconLight.svg",
    "iconDarkUrl":"` + cdn + `cc/iconDark.svg","iconWhiteUrl":"` + cdn + `cc/iconWhite.svg","iconBlackUrl":"` + cdn + `cc/iconBlack.svg",
    "iconColorUrl":"` + cdn + `cc/iconColor.svg","base64Logo":"iVBORw0KGgo="}},
  {"id":"` + coinbaseID + `","name":"Coinbase","type":"coinbase","deFiWalletProviderId":null,"categories":["exchange"],
   "cryptoTransfersSupported":true,"forgotPasswordLink":"https://www.coinbase.com/password_resets/new","style":null,"logo":null}]}}`

	transferIntegrationsAnswer = `{"status":"ok","message":"","errorType":"","content":{"integrations":[
  {"id":"` + robinhoodID + `","type":"robinhood","name":"Robinhood","supportsIncomingTransfers":true,"supportsOutgoingTransfers":true,
   "networks":[
    {"id":"` + ethereumID + `","name":"Ethereum","chainId":"1","logoUrl":"` + cdn + `networks/Ethereum.svg","nativeSymbol":"ETH",
     "supportedTokens":["ETH","USDC","USDT"],"supportedDevices":["android","ios","web"]},
    {"id":"` + polygonID + `","name":"Polygon","chainId":"137","logoUrl":"` + cdn + `networks/Polygon.svg","nativeSymbol":"MATIC",
     "supportedTokens":["MATIC","USDC"],"supportedDevices":["web"]}]}]}}`
)

// The Go values the official examples decode to.
var (
	wantNetworks = []Network{
		{
			ID: ethereumID, Name: "Ethereum", ChainID: "1", LogoURL: cdn + "networks/Ethereum.svg",
			NativeSymbol: "ETH", NetworkType: NetworkTypeEVM, SupportedTokens: []string{"ETH", "USDC", "USDT"},
			Tokens: []NetworkToken{{Symbol: "ETH", LogoURL: cdn + "tokens/ETH.svg"}},
			SupportedBrokerTypes: []BrokerType{BrokerTypeDeFiWallet, BrokerTypeRobinhood, BrokerTypeCoinbase,
				BrokerTypeKraken, BrokerTypeBinanceInternational, BrokerTypeBinanceUS},
		},
		{
			ID: polygonID, Name: "Polygon", ChainID: "137", LogoURL: cdn + "networks/Polygon.svg", NativeSymbol: "MATIC",
			NetworkType: NetworkTypeEVM, SupportedTokens: []string{"MATIC", "USDC"}, Tokens: []NetworkToken{},
			SupportedBrokerTypes: []BrokerType{BrokerTypeRobinhood},
		},
	}
	wantIntegrations = []Integration{
		{
			ID: coinCircleID, Name: "CoinCircle", Type: BrokerTypeDeFiWallet, DeFiWalletProviderID: "coincircle",
			Categories:               []IntegrationCategory{IntegrationCategoryDeFiWallet, IntegrationCategoryWallet},
			CryptoTransfersSupported: true, ForgotPasswordLink: "https://coincircle.com/forgot",
			Style: IntegrationStyle{
				FieldActiveLight: "#000001", ButtonPrimaryLight: "#000002", ButtonHoverLight: "#000003", ButtonTextLight: "#000004",
				ButtonTextHoverLight: "#000005", FieldActiveDark: "#000006", ButtonPrimaryDark: "#000007", ButtonHoverDark: "#000008",
				ButtonTextDark: "#000009", ButtonTextHoverDark: "#00000a",
			},
			Logo: IntegrationLogo{
				LogoLightURL: cdn + "cc/logoLight.svg", LogoDarkURL: cdn + "cc/logoDark.svg", LogoWhiteURL: cdn + "cc/logoWhite.svg",
				LogoBlackURL: cdn + "cc/logoBlack.svg", LogoColorURL: cdn + "cc/logoColor.svg", IconLightURL: cdn + "cc/iconLight.svg",
				IconDarkURL: cdn + "cc/iconDark.svg", IconWhiteURL: cdn + "cc/iconWhite.svg", IconBlackURL: cdn + "cc/iconBlack.svg",
				IconColorURL: cdn + "cc/iconColor.svg", Base64Logo: "iVBORw0KGgo=",
			},
		},
		{
			ID: coinbaseID, Name: "Coinbase", Type: BrokerTypeCoinbase, Categories: []IntegrationCategory{IntegrationCategoryExchange},
			CryptoTransfersSupported: true, ForgotPasswordLink: "https://www.coinbase.com/password_resets/new",
		},
	}
	wantTransferIntegrations = []TransferIntegration{{
		ID: robinhoodID, Type: BrokerTypeRobinhood, Name: "Robinhood", SupportsIncomingTransfers: true, SupportsOutgoingTransfers: true,
		Networks: []TransferNetwork{
			{
				ID: ethereumID, Name: "Ethereum", ChainID: "1", LogoURL: cdn + "networks/Ethereum.svg", NativeSymbol: "ETH",
				SupportedTokens: []string{"ETH", "USDC", "USDT"}, SupportedDevices: []Device{DeviceAndroid, DeviceIOS, DeviceWeb},
			},
			{
				ID: polygonID, Name: "Polygon", ChainID: "137", LogoURL: cdn + "networks/Polygon.svg", NativeSymbol: "MATIC",
				SupportedTokens: []string{"MATIC", "USDC"}, SupportedDevices: []Device{DeviceWeb},
			},
		},
	}}
)

// A listCall is a call that answers a list: the key of the list in an answer's content,
// the bytes read of an answer, Mesh's official example answer and its Go value; get
// reads the list (a nil list as nil).
type listCall struct {
	name, key string
	bound     int
	answer    string
	want      any
	get       func(context.Context, CatalogReader) (any, error)
}

// catalogs are the three catalogs.
var catalogs = []listCall{
	{"Networks", "networks", 4 << 20, networksAnswer, wantNetworks, func(ctx context.Context, r CatalogReader) (any, error) { return orNil(r.Networks(ctx)) }},
	{"Integrations", "items", 8 << 20, integrationsAnswer, wantIntegrations, func(ctx context.Context, r CatalogReader) (any, error) { return orNil(r.Integrations(ctx)) }},
	{"TransferIntegrations", "integrations", 4 << 20, transferIntegrationsAnswer, wantTransferIntegrations,
		func(ctx context.Context, r CatalogReader) (any, error) { return orNil(r.TransferIntegrations(ctx)) }},
}

// lists are the catalogs and the wallet verifications, read as the catalogs are.
var lists = append(slices.Clone(catalogs), listCall{
	"WalletVerifications", "verifications", 1 << 20, verificationsAnswer,
	[]WalletVerification{wantOfficialVerification}, func(ctx context.Context, r CatalogReader) (any, error) {
		return orNil(r.(*Client).WalletVerifications(ctx, "user-1", "address-1"))
	}})

func orNil[T any](l []T, err error) (any, error) {
	if l == nil {
		return nil, err
	}
	return l, err
}

// ids are the ids of the items of list (of a verification, its user id); nil for no list.
func ids(list any) []string {
	if list == nil {
		return nil
	}
	v, out := reflect.ValueOf(list), []string{}
	for i := range v.Len() {
		id := v.Index(i).FieldByName("ID")
		if !id.IsValid() {
			id = v.Index(i).FieldByName("UserID")
		}
		out = append(out, id.String())
	}
	return out
}

// Nulls decode as zeros (the first item), and values and fields Mesh adds later decode
// as they are (the second; a verification's one item holds both).
func TestCatalogDecode(t *testing.T) {
	for _, cat := range catalogs {
		require.Empty(t, zeroFields(reflect.ValueOf(cat.want), cat.name), "a Go field the example does not fill")
	}
	tests := []struct { // in the order of lists
		answer string
		want   any
	}{
		{
			answer: `{"status":"ok","content":{"networks":[{"id":null,"name":null,"chainId":null,"logoUrl":null,"nativeSymbol":null,
				"networkType":null,"supportedTokens":null,"tokens":[{"symbol":null,"logoUrl":null}],"supportedBrokerTypes":null},
				{"id":"` + polygonID + `","networkType":"quantumChain","supportedBrokerTypes":["coinbase","newBroker2027"],"newField":{"x":[1]}}],"cursor":"abc"}}`,
			want: []Network{{Tokens: []NetworkToken{{}}}, {ID: polygonID, NetworkType: "quantumChain", SupportedBrokerTypes: []BrokerType{BrokerTypeCoinbase, "newBroker2027"}}},
		},
		{
			answer: `{"status":"ok","content":{"items":[{"id":null,"name":null,"type":null,"deFiWalletProviderId":null,"categories":null,
				"cryptoTransfersSupported":null,"forgotPasswordLink":null,"style":{"fieldActiveLight":null},"logo":{"base64Logo":null}},
				{"id":"` + coinbaseID + `","type":"newBroker2027","categories":["exchange","cryptoBank2027"],"newField":true}]}}`,
			want: []Integration{{}, {ID: coinbaseID, Type: "newBroker2027", Categories: []IntegrationCategory{IntegrationCategoryExchange, "cryptoBank2027"}}},
		},
		{
			answer: `{"status":"ok","content":{"integrations":[{"id":null,"type":null,"name":null,"supportsIncomingTransfers":null,
				"supportsOutgoingTransfers":null,"networks":[{"id":null,"name":null,"chainId":null,"logoUrl":null,"nativeSymbol":null,
				"supportedTokens":null,"supportedDevices":null}]},
				{"id":"` + robinhoodID + `","type":"newBroker2027","networks":[{"id":"` + ethereumID + `","supportedDevices":["web","vrHeadset"]}]}]}}`,
			want: []TransferIntegration{{Networks: []TransferNetwork{{}}},
				{ID: robinhoodID, Type: "newBroker2027", Networks: []TransferNetwork{{ID: ethereumID, SupportedDevices: []Device{DeviceWeb, "vrHeadset"}}}}},
		},
		{
			answer: `{"status":"ok","content":{"verifications":[{"userId":"u","address":"bc1q",
				"xPubKey":"xpub6CUGRU","networkType":"quantumChain","verificationMethod":"passkey",
				"timestamp":null,"newField":[1]}],"more":1}}`,
			want: []WalletVerification{{UserID: "u", Address: "bc1q", XPubKey: "xpub6CUGRU",
				NetworkType: "quantumChain", VerificationMethod: "passkey"}},
		},
	}
	for i, tc := range tests {
		t.Run(lists[i].name, func(t *testing.T) {
			c, _, _ := recordingClient(t, answer(http.StatusOK, tc.answer))
			got, err := lists[i].get(context.Background(), c)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// The catalogs fail, and retry, as CreateLinkToken does. A catalog's content is an
// object whose member, spelt as Mesh spells it, holds the list: members around it are
// skipped, even one holding the list's key; the key given twice counts as last given,
// as encoding/json reads a member; anything but a list or null there, an item of the
// wrong shape, or a content that is not an object, is ErrUnexpectedResponse. Mesh's
// official example decodes field by field within the list's own bound; one byte more is
// an error that names the bound.
func TestCatalogAnswers(t *testing.T) {
	for _, cat := range lists {
		k := `"` + cat.key + `"`
		ok := func(content string) http.HandlerFunc {
			if cat.key == "verifications" { // a verification's id is its userId
				content = strings.ReplaceAll(content, `"id"`, `"userId"`)
			}
			return answer(http.StatusOK, `{"status":"ok","content":`+content+`}`)
		}
		for _, tc := range []struct {
			name    string
			handler http.HandlerFunc
			want    error    // nil: the list
			ids     []string // of the list's items
			full    bool     // the list is Mesh's official example, compared whole
			text    string   // in the error
			hits    int32    // 0: one
		}{
			{name: "the list", handler: ok(`{` + k + `:[{"id":"a"},{"id":"b"}]}`), ids: []string{"a", "b"}},
			{name: "an empty list", handler: ok(`{` + k + `:[]}`), ids: []string{}},
			{name: "null for the list", handler: ok(`{` + k + `:null}`)},
			{name: "members around the list", handler: ok(`{"meta":{` + k + `:[{"id":"x"}]},` + k + `:[{"id":"a"}],"after":[{` + k + `:1}]}`), ids: []string{"a"}},
			{name: "the key twice", handler: ok(`{` + k + `:[{"id":"a"}],` + k + `:[{"id":"b"}]}`), ids: []string{"b"}},
			{name: "the key renamed", handler: ok(`{"list":[{"id":"a"}]}`), want: ErrUnexpectedResponse, text: "status ok without content." + cat.key},
			{name: "the key in another case, read as every name of an answer", handler: ok(`{"` + strings.ToUpper(cat.key) + `":[{"id":"a"}]}`), ids: []string{"a"}},
			{name: "an object for the list", handler: ok(`{` + k + `:{"id":"a"}}`), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "a string for the list", handler: ok(`{` + k + `:"a"}`), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "a number for the list", handler: ok(`{` + k + `:1}`), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "an item that is not an object", handler: ok(`{` + k + `:[{"id":"a"},1]}`), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "an item of the wrong shape", handler: ok(`{` + k + `:[{"id":1}]}`), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "a list for the content", handler: ok(`[{` + k + `:[{"id":"a"}]}]`), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "a string for the content", handler: ok(k), want: ErrUnexpectedResponse, text: "content does not decode"},
			{name: "ok without content", handler: answer(200, `{"status":"ok","message":""}`), want: ErrUnexpectedResponse, text: "status ok without content"},
			{name: "ok with content null", handler: ok(`null`), want: ErrUnexpectedResponse, text: "status ok without content"},
			{name: "not JSON", handler: answer(200, "hello", "Content-Type", "text/plain"), want: ErrUnexpectedResponse, text: "not Mesh's JSON envelope"},
			{name: "401 text/plain", handler: answer(401, "Unauthorized", "Content-Type", "text/plain"), want: ErrUnauthorized},
			{name: "badRequest", handler: answer(400, errorBody(StatusBadRequest, "invalidField", "no")), want: ErrBadRequest},
			{name: "429 retried then ok", handler: sequence(answer(429, errorBody(StatusTooManyRequest, "", "slow down")), answer(200, cat.answer)), ids: ids(cat.want), hits: 2},
			{name: "503 retried", handler: answer(503, errorBody(StatusServerFailure, "", "down")), want: ErrServerFailure, hits: 3},
			{name: "HTML 502 retried", handler: answer(502, "<html>bad gateway</html>", "Content-Type", "text/html"), want: ErrServerFailure, hits: 3},
			{name: "Mesh's official example padded to the list's bound",
				handler: answer(200, paddedAnswer(cat.answer, cat.bound)), ids: ids(cat.want), full: true},
			{name: "one byte past the list's bound", handler: answer(200, paddedAnswer(cat.answer, cat.bound+1)),
				want: ErrUnexpectedResponse, text: "larger than " + strconv.Itoa(cat.bound) + " bytes"},
		} {
			t.Run(cat.name+": "+tc.name, func(t *testing.T) {
				c, srv, _ := recordingClient(t, tc.handler)
				list, err := cat.get(context.Background(), c)
				assert.Equal(t, max(tc.hits, 1), srv.hits.Load(), "requests")
				if tc.want == nil {
					require.NoError(t, err)
					assert.Equal(t, tc.ids, ids(list))
					if tc.full {
						assert.Equal(t, cat.want, list)
					}
					return
				}
				assertOnlySentinel(t, err, tc.want)
				assert.ErrorContains(t, err, tc.text)
				assert.Nil(t, list, "no list with an error")
				assertNoSecret(t, err.Error(), "the error")
			})
		}
	}
}

// The lookups on the official examples, plus items Mesh sends with fields null (a network
// without a chain id or name, an integration without a type or name, a token list holding
// null), which an empty key must not find.
func TestCatalogLookups(t *testing.T) {
	const solanaID, krakenID, nullID = "0ec3f5a5-4e7d-4a8e-9a3f-4d1c2b3a4f5e", "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9", "00000000-0000-4000-8000-000000000000"
	networks := append(slices.Clone(wantNetworks),
		Network{ID: solanaID, Name: "Solana", ChainID: "mainnet-beta", NetworkType: NetworkTypeSolana, SupportedTokens: []string{"SOL", "USDC"}},
		Network{ID: nullID, SupportedTokens: []string{""}})
	integrations := append(slices.Clone(wantIntegrations), Integration{ID: krakenID, Name: "Kraken", Type: BrokerTypeKraken}, Integration{ID: nullID})
	robinhood := wantTransferIntegrations[0]
	robinhood.Networks = append(slices.Clone(robinhood.Networks), TransferNetwork{Name: "no id", SupportedTokens: []string{""}})
	transfers := []TransferIntegration{robinhood, {ID: nullID}}
	ethereum, polygon, noID := robinhood.Networks[0], robinhood.Networks[1], robinhood.Networks[2]
	// id returns the id a lookup found, so that each case reads on one line.
	id := func(v any, ok bool) (string, bool) { return reflect.ValueOf(v).FieldByName("ID").String(), ok }
	is := func(ok bool) (string, bool) { return "", ok }
	tests := []struct {
		name   string
		got    func() (string, bool)
		wantID string
		wantOK bool
	}{
		{"network by chain id 1", func() (string, bool) { return id(NetworkByChainID(networks, "1")) }, ethereumID, true},
		{"network by chain id 137", func() (string, bool) { return id(NetworkByChainID(networks, "137")) }, polygonID, true},
		{"network by unknown chain id", func() (string, bool) { return id(NetworkByChainID(networks, "56")) }, "", false},
		{"network by chain id is exact", func() (string, bool) { return id(NetworkByChainID(networks, "01")) }, "", false},
		{"network by chain id is exact: no trimming", func() (string, bool) { return id(NetworkByChainID(networks, " 1")) }, "", false},
		{"network by chain id is exact: no case folding", func() (string, bool) { return id(NetworkByChainID(networks, "Mainnet-Beta")) }, "", false},
		{"network by empty chain id", func() (string, bool) { return id(NetworkByChainID(networks, "")) }, "", false},
		{"network by name, other case", func() (string, bool) { return id(NetworkByName(networks, "ETHEREUM")) }, ethereumID, true},
		{"network by name", func() (string, bool) { return id(NetworkByName(networks, "polygon")) }, polygonID, true},
		{"network by unknown name", func() (string, bool) { return id(NetworkByName(networks, "Tron")) }, "", false},
		{"network by name with a long s", func() (string, bool) { return id(NetworkByName(networks, "\u017folana")) }, "", false},
		{"network by empty name", func() (string, bool) { return id(NetworkByName(networks, "")) }, "", false},
		{"integration by type coinbase", func() (string, bool) { return id(IntegrationByType(integrations, BrokerTypeCoinbase)) }, coinbaseID, true},
		{"integration by type deFiWallet", func() (string, bool) { return id(IntegrationByType(integrations, BrokerTypeDeFiWallet)) }, coinCircleID, true},
		{"integration by unknown type", func() (string, bool) { return id(IntegrationByType(integrations, BrokerTypeGemini)) }, "", false},
		{"integration by empty type", func() (string, bool) { return id(IntegrationByType(integrations, "")) }, "", false},
		{"integration by name, other case", func() (string, bool) { return id(IntegrationByName(integrations, "cOINBASE")) }, coinbaseID, true},
		{"integration by name, ASCII case", func() (string, bool) { return id(IntegrationByName(integrations, "KRAKEN")) }, krakenID, true},
		{"integration by name with a Kelvin sign", func() (string, bool) { return id(IntegrationByName(integrations, "\u212araken")) }, "", false},
		{"integration by unknown name", func() (string, bool) { return id(IntegrationByName(integrations, "Gemini")) }, "", false},
		{"integration by empty name", func() (string, bool) { return id(IntegrationByName(integrations, "")) }, "", false},
		{"transfer integration by type", func() (string, bool) { return id(TransferIntegrationByType(transfers, BrokerTypeRobinhood)) }, robinhoodID, true},
		{"transfer integration by unknown type", func() (string, bool) { return id(TransferIntegrationByType(transfers, BrokerTypeCoinbase)) }, "", false},
		{"transfer integration by empty type", func() (string, bool) { return id(TransferIntegrationByType(transfers, "")) }, "", false},
		{"network supports a token, other case", func() (string, bool) { return is(networks[0].SupportsToken("usdt")) }, "", true},
		{"network does not support a token", func() (string, bool) { return is(networks[1].SupportsToken("ETH")) }, "", false},
		{"network does not support a look-alike token", func() (string, bool) { return is(networks[2].SupportsToken("U\u017fDC")) }, "", false},
		{"network does not support the empty token", func() (string, bool) { return is(networks[3].SupportsToken("")) }, "", false},
		{"transfer integration's network", func() (string, bool) { return id(robinhood.Network(polygonID)) }, polygonID, true},
		{"transfer integration's unknown network", func() (string, bool) { return id(robinhood.Network(coinbaseID)) }, "", false},
		{"transfer integration's network by empty id", func() (string, bool) { return id(robinhood.Network("")) }, "", false},
		{"transfer integration's network by id is exact", func() (string, bool) { return id(robinhood.Network(strings.ToUpper(polygonID))) }, "", false},
		{"transfer integration supports", func() (string, bool) { return is(robinhood.Supports(ethereumID, "usdc")) }, "", true},
		{"transfer integration, token not on that network", func() (string, bool) { return is(robinhood.Supports(polygonID, "USDT")) }, "", false},
		{"transfer integration, unknown network", func() (string, bool) { return is(robinhood.Supports(coinbaseID, "USDC")) }, "", false},
		{"transfer integration, look-alike token", func() (string, bool) { return is(robinhood.Supports(ethereumID, "U\u017fDC")) }, "", false},
		{"transfer integration, empty network id", func() (string, bool) { return is(robinhood.Supports("", "")) }, "", false},
		{"transfer network supports a token", func() (string, bool) { return is(polygon.SupportsToken("matic")) }, "", true},
		{"transfer network does not support a token", func() (string, bool) { return is(polygon.SupportsToken("USDT")) }, "", false},
		{"transfer network does not support the empty token", func() (string, bool) { return is(noID.SupportsToken("")) }, "", false},
		{"transfer network supports a device", func() (string, bool) { return is(ethereum.SupportsDevice(DeviceIOS)) }, "", true},
		{"transfer network does not support a device", func() (string, bool) { return is(polygon.SupportsDevice(DeviceIOS)) }, "", false},
		{"transfer network supports a device Mesh added later", func() (string, bool) {
			return is(TransferNetwork{SupportedDevices: []Device{DeviceWeb, "vrHeadset"}}.SupportsDevice("vrHeadset"))
		}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotID, ok := tc.got()
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.wantID, gotID)
		})
	}

	// Empty and nil lists find nothing, and return the zero value.
	for _, empty := range []bool{false, true} {
		t.Run("empty="+strconv.FormatBool(empty), func(t *testing.T) {
			var (
				ns, is, ts = []Network(nil), []Integration(nil), []TransferIntegration(nil)
				ti         TransferIntegration
				tn         TransferNetwork
				none       = func(v any, ok bool) { assert.False(t, ok); assert.Zero(t, v) }
			)
			if empty {
				ns, is, ts, ti.Networks = []Network{}, []Integration{}, []TransferIntegration{}, []TransferNetwork{}
			}
			none(NetworkByChainID(ns, "1"))
			none(NetworkByName(ns, ""))
			none(IntegrationByType(is, BrokerTypeCoinbase))
			none(IntegrationByName(is, ""))
			none(TransferIntegrationByType(ts, ""))
			none(ti.Network(ethereumID))
			assert.False(t, ti.Supports(ethereumID, "ETH"))
			assert.False(t, Network{}.SupportsToken("ETH"))
			assert.False(t, tn.SupportsToken("ETH"))
			assert.False(t, tn.SupportsDevice(DeviceWeb))
		})
	}
}
