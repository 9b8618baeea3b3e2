package meshtest_test

// The catalog endpoints: Mesh's envelope with exactly the documented JSON shapes, the
// official example ids, a catalog consistent with itself, and ids a Link token request
// can use.

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mesh-go/mesh"
	"github.com/mesh-go/mesh/meshtest"
)

var (
	uuidRE  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	colorRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
)

// list GETs path and returns the list under key in the ok envelope's content, each
// item an object.
func list(t *testing.T, srv *meshtest.Server, path, key string) []map[string]any {
	t.Helper()
	content := okContent(t, get(t, srv, path))
	assert.Len(t, content, 1, "content holds only %q", key)
	raw, isArray := content[key].([]any)
	require.True(t, isArray, "content.%s: %v", key, content[key])
	require.NotEmpty(t, raw)
	items := make([]map[string]any, len(raw))
	for i, v := range raw {
		var isObject bool
		items[i], isObject = v.(map[string]any)
		require.True(t, isObject, "content.%s[%d]: %v", key, i, v)
	}
	return items
}

// keys returns the property names of m, sorted.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sorted returns names sorted, for comparing with keys.
func sorted(names ...string) []string {
	sort.Strings(names)
	return names
}

// strs returns v, a JSON array of strings, as []string.
func strs(t *testing.T, v any) []string {
	t.Helper()
	raw, isArray := v.([]any)
	require.True(t, isArray, "%v is not an array", v)
	out := make([]string, len(raw))
	for i, s := range raw {
		var isString bool
		out[i], isString = s.(string)
		require.True(t, isString, "%v is not a string", s)
	}
	return out
}

// byID indexes items by their id.
func byID(items []map[string]any) map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, it := range items {
		m[it["id"].(string)] = it
	}
	return m
}

func TestCatalogEnvelope(t *testing.T) {
	srv := meshtest.Start(t)
	for _, path := range []string{meshtest.NetworksPath, meshtest.IntegrationsPath, meshtest.TransferIntegrationsPath} {
		t.Run(path, func(t *testing.T) {
			r := get(t, srv, path)
			okContent(t, r)
			env := r.envelope(t)
			assert.Equal(t, sorted("status", "message", "displayMessage", "errorType", "errorHash", "errorData", "content"), keys(env))
			assert.Equal(t, "", env["message"])
			assert.Equal(t, "", env["errorType"])
			assert.NotEmpty(t, env["errorHash"])
			assert.Nil(t, env["displayMessage"])
			assert.Nil(t, env["errorData"])
			assert.Equal(t, okContent(t, get(t, srv, path)), env["content"], "the catalog is the same on every call")
		})
	}
}

func TestNetworks(t *testing.T) {
	srv := meshtest.Start(t)
	networks := list(t, srv, meshtest.NetworksPath, "networks")
	fields := sorted("id", "name", "chainId", "logoUrl", "nativeSymbol", "networkType", "supportedTokens", "tokens", "supportedBrokerTypes")
	for _, n := range networks {
		assert.Equal(t, fields, keys(n), "network %v", n["name"])
		assert.Regexp(t, uuidRE, n["id"])
		for _, f := range []string{"name", "chainId", "logoUrl", "nativeSymbol", "networkType"} {
			assert.IsType(t, "", n[f], "%v.%s", n["name"], f)
		}
		tokens := strs(t, n["supportedTokens"])
		assert.Contains(t, tokens, n["nativeSymbol"])
		var withLogos []string
		for _, tok := range n["tokens"].([]any) {
			tok := tok.(map[string]any)
			assert.Equal(t, sorted("symbol", "logoUrl"), keys(tok))
			withLogos = append(withLogos, tok["symbol"].(string))
		}
		assert.Equal(t, tokens, withLogos, "tokens are the supported tokens with logos")
		assert.NotEmpty(t, strs(t, n["supportedBrokerTypes"]))
	}
	assert.Len(t, byID(networks), len(networks), "ids are unique")

	t.Run("Mesh's official Ethereum example", func(t *testing.T) {
		eth := byID(networks)[meshtest.EthereumNetworkID]
		require.NotNil(t, eth)
		assert.Equal(t, "Ethereum", eth["name"])
		assert.Equal(t, "1", eth["chainId"])
		assert.Equal(t, "https://frontuserfilecdn.azureedge.net/public/logos/networks/Ethereum.svg", eth["logoUrl"])
		assert.Equal(t, "ETH", eth["nativeSymbol"])
		assert.Equal(t, "evm", eth["networkType"])
		assert.Equal(t, []string{"ETH", "USDC", "USDT"}, strs(t, eth["supportedTokens"]))
		assert.Equal(t, []string{"deFiWallet", "robinhood", "coinbase", "kraken", "binanceInternational", "binanceUs"},
			strs(t, eth["supportedBrokerTypes"]))
	})
	t.Run("the exported ids", func(t *testing.T) {
		want := map[string][2]string{ // id: chainId, networkType
			meshtest.EthereumNetworkID: {"1", "evm"},
			meshtest.PolygonNetworkID:  {"137", "evm"},
			meshtest.SolanaNetworkID:   {"101", "solana"},
			meshtest.BitcoinNetworkID:  {"0", "bitcoin"},
		}
		for id, w := range want {
			n := byID(networks)[id]
			require.NotNil(t, n, id)
			assert.Equal(t, w[0], n["chainId"], id)
			assert.Equal(t, w[1], n["networkType"], id)
		}
		for _, n := range networks {
			assert.Contains(t, strs(t, n["supportedTokens"]), n["nativeSymbol"])
			if n["networkType"] == "evm" {
				assert.Subset(t, strs(t, n["supportedTokens"]), []string{"USDC", "USDT"}, "%v", n["name"])
			}
		}
	})
}

func TestIntegrations(t *testing.T) {
	srv := meshtest.Start(t)
	items := list(t, srv, meshtest.IntegrationsPath, "items")
	fields := sorted("id", "name", "type", "deFiWalletProviderId", "categories", "cryptoTransfersSupported",
		"forgotPasswordLink", "style", "logo")
	styleFields := sorted("fieldActiveLight", "buttonPrimaryLight", "buttonHoverLight", "buttonTextLight", "buttonTextHoverLight",
		"fieldActiveDark", "buttonPrimaryDark", "buttonHoverDark", "buttonTextDark", "buttonTextHoverDark")
	logoFields := sorted("logoLightUrl", "logoDarkUrl", "logoWhiteUrl", "logoBlackUrl", "logoColorUrl",
		"iconLightUrl", "iconDarkUrl", "iconWhiteUrl", "iconBlackUrl", "iconColorUrl", "base64Logo")
	categories := []string{"brokerage", "bank", "exchange", "wallet", "address", "nftMarketplace", "deFiWallet"}
	for _, it := range items {
		name := it["name"]
		assert.Equal(t, fields, keys(it), "%v", name)
		assert.Regexp(t, uuidRE, it["id"])
		assert.IsType(t, true, it["cryptoTransfersSupported"])
		assert.Subset(t, categories, strs(t, it["categories"]), "%v", name)
		if it["type"] == "deFiWallet" {
			assert.NotEmpty(t, it["deFiWalletProviderId"], "%v", name)
		} else {
			assert.NotEmpty(t, it["forgotPasswordLink"], "%v", name)
		}

		style := it["style"].(map[string]any)
		assert.Equal(t, styleFields, keys(style), "%v", name)
		for k, v := range style {
			assert.Regexp(t, colorRE, v, "%v.style.%s", name, k)
		}
		logo := it["logo"].(map[string]any)
		assert.Equal(t, logoFields, keys(logo), "%v", name)
		raw, err := base64.StdEncoding.DecodeString(logo["base64Logo"].(string))
		require.NoError(t, err, "%v", name)
		cfg, err := png.DecodeConfig(bytes.NewReader(raw))
		require.NoError(t, err, "%v: base64Logo is a PNG", name)
		assert.Positive(t, cfg.Width)
	}
	assert.Len(t, byID(items), len(items), "ids are unique")

	want := map[string]string{ // id: type
		meshtest.CoinbaseIntegrationID:   "coinbase",
		meshtest.CoinCircleIntegrationID: "deFiWallet",
		meshtest.RobinhoodIntegrationID:  "robinhood",
		meshtest.KrakenIntegrationID:     "kraken",
		meshtest.BinanceIntegrationID:    "binanceInternational",
	}
	for id, typ := range want {
		it := byID(items)[id]
		require.NotNil(t, it, id)
		assert.Equal(t, typ, it["type"], id)
	}
	assert.Equal(t, "Coinbase", byID(items)[meshtest.CoinbaseIntegrationID]["name"])
	assert.Equal(t, "CoinCircle", byID(items)[meshtest.CoinCircleIntegrationID]["name"])
}

func TestTransferIntegrations(t *testing.T) {
	srv := meshtest.Start(t)
	transfer := list(t, srv, meshtest.TransferIntegrationsPath, "integrations")
	networks := byID(list(t, srv, meshtest.NetworksPath, "networks"))
	items := byID(list(t, srv, meshtest.IntegrationsPath, "items"))
	fields := sorted("id", "type", "name", "supportsIncomingTransfers", "supportsOutgoingTransfers", "networks")
	networkFields := sorted("id", "name", "chainId", "logoUrl", "nativeSymbol", "supportedTokens", "supportedDevices")
	devices := []string{"unknown", "android", "ios", "web"}

	for _, ti := range transfer {
		name := ti["name"]
		assert.Equal(t, fields, keys(ti), "%v", name)
		assert.IsType(t, true, ti["supportsIncomingTransfers"])
		assert.IsType(t, true, ti["supportsOutgoingTransfers"])
		item := items[ti["id"].(string)]
		require.NotNil(t, item, "%v is in the integrations list", name)
		assert.Equal(t, item["type"], ti["type"])
		assert.Equal(t, item["name"], ti["name"])
		for _, v := range ti["networks"].([]any) {
			tn := v.(map[string]any)
			assert.Equal(t, networkFields, keys(tn), "%v/%v", name, tn["name"])
			assert.Subset(t, devices, strs(t, tn["supportedDevices"]))
			n := networks[tn["id"].(string)]
			require.NotNil(t, n, "%v/%v is in the networks list", name, tn["name"])
			for _, f := range []string{"name", "chainId", "logoUrl", "nativeSymbol", "supportedTokens"} {
				assert.Equal(t, n[f], tn[f], "%v/%v.%s", name, tn["name"], f)
			}
			assert.Contains(t, strs(t, n["supportedBrokerTypes"]), ti["type"], "network %v lists %v", n["name"], name)
		}
	}

	t.Run("Mesh's official robinhood example", func(t *testing.T) {
		i := slices.IndexFunc(transfer, func(m map[string]any) bool { return m["type"] == "robinhood" })
		require.GreaterOrEqual(t, i, 0)
		got := map[string][]string{}
		var chainIDs []string
		for _, v := range transfer[i]["networks"].([]any) {
			tn := v.(map[string]any)
			got[tn["id"].(string)] = strs(t, tn["supportedDevices"])
			chainIDs = append(chainIDs, tn["chainId"].(string))
		}
		assert.Equal(t, map[string][]string{
			meshtest.EthereumNetworkID: {"android", "ios", "web"},
			meshtest.PolygonNetworkID:  {"web"},
		}, got)
		assert.Equal(t, []string{"1", "137"}, chainIDs)
	})
}

// TestCatalogIDsInLinkTokenRequests sends, through the SDK, a destination on every
// network of the catalog and a Link token request for every integration.
func TestCatalogIDsInLinkTokenRequests(t *testing.T) {
	srv := meshtest.Start(t)
	client := newClient(t, srv, noRetry)
	for _, n := range list(t, srv, meshtest.NetworksPath, "networks") {
		req := paymentRequest(nil)
		req.TransferOptions.ToAddresses[0].NetworkID = n["id"].(string)
		req.TransferOptions.ToAddresses[0].Symbol = n["nativeSymbol"].(string)
		_, err := client.CreateLinkToken(context.Background(), req)
		assert.NoError(t, err, "network %v", n["name"])
	}
	for _, it := range list(t, srv, meshtest.IntegrationsPath, "items") {
		_, err := client.CreateLinkToken(context.Background(), &mesh.CreateLinkTokenRequest{UserID: "u1", IntegrationID: it["id"].(string)})
		assert.NoError(t, err, "integration %v", it["name"])
	}
	t.Run("any canonical UUID stays accepted", func(t *testing.T) {
		r := post(t, srv, withAddress(`"networkId":"0b5e1c4a-7d0e-4b7e-9d36-5a2f0f6f9a11","symbol":"USDC","address":"0x1"`))
		assert.Equal(t, http.StatusOK, r.code, r.body)
	})
}
