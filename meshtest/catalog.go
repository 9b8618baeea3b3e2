package meshtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
)

// Paths of the catalog endpoints (GET), which list the ids a Link token request refers
// to (mesh-catalog-api.md).
const (
	// NetworksPath lists the networks: content.networks[], where a destination's
	// networkId comes from.
	NetworksPath = "/api/v1/transfers/managed/networks"
	// IntegrationsPath lists the integrations: content.items[], where integrationId
	// comes from.
	IntegrationsPath = "/api/v1/integrations"
	// TransferIntegrationsPath lists which integrations can transfer over which
	// networks: content.integrations[].
	TransferIntegrationsPath = "/api/v1/transfers/managed/integrations"
)

// Ids of the fake's catalog, for consumers' tests. Where Mesh publishes an official
// example id it is used; the others are invented by meshtest (they all start with
// "7e57", "test", so that a log shows where they come from) and mean nothing at Mesh.
const (
	// EthereumNetworkID is Ethereum (chainId "1", evm): Mesh's official example id.
	EthereumNetworkID = "e3c7fdd8-b1fc-4e51-85ae-bb276e075611"
	// PolygonNetworkID is Polygon (chainId "137", evm): Mesh's official example id.
	PolygonNetworkID = "7436e9d0-ba42-4d2b-b4c0-8e4e606b2c12"
	// SolanaNetworkID is Solana (chainId "101", solana): invented by meshtest.
	SolanaNetworkID = "7e57a000-0000-4000-8000-000000000003"
	// BitcoinNetworkID is Bitcoin (chainId "0", bitcoin): invented by meshtest.
	BitcoinNetworkID = "7e57a000-0000-4000-8000-000000000004"

	// CoinbaseIntegrationID is Coinbase (type coinbase): Mesh's official example id.
	CoinbaseIntegrationID = "47624467-e52e-4938-a41a-7926b6c27acf"
	// CoinCircleIntegrationID is CoinCircle, a DeFi wallet (type deFiWallet): Mesh's
	// official example id.
	CoinCircleIntegrationID = "3d8f5c31-9fc0-4b61-bdfb-00fb18cbb9ad"
	// RobinhoodIntegrationID is Robinhood (type robinhood): invented by meshtest.
	RobinhoodIntegrationID = "7e57b000-0000-4000-8000-000000000001"
	// KrakenIntegrationID is Kraken (type kraken): invented by meshtest.
	KrakenIntegrationID = "7e57b000-0000-4000-8000-000000000002"
	// BinanceIntegrationID is Binance (type binanceInternational): invented by meshtest.
	BinanceIntegrationID = "7e57b000-0000-4000-8000-000000000003"
)

// The wire shapes of the catalog, written from mesh-catalog-api.md: every documented
// field is present, a string Mesh may leave out as null. They mirror package mesh's
// catalog types on purpose rather than reuse them: the fake is a second reading of the
// wire, so that a JSON name package mesh got wrong fails its tests against the fake.
type (
	network struct {
		ID                   string   `json:"id"`
		Name                 string   `json:"name"`
		ChainID              string   `json:"chainId"`
		LogoURL              string   `json:"logoUrl"`
		NativeSymbol         string   `json:"nativeSymbol"`
		NetworkType          string   `json:"networkType"`
		SupportedTokens      []string `json:"supportedTokens"`
		Tokens               []token  `json:"tokens"`
		SupportedBrokerTypes []string `json:"supportedBrokerTypes"`
	}
	token struct {
		Symbol  string `json:"symbol"`
		LogoURL string `json:"logoUrl"`
	}
	integration struct {
		ID                       string   `json:"id"`
		Name                     string   `json:"name"`
		Type                     string   `json:"type"`
		DeFiWalletProviderID     *string  `json:"deFiWalletProviderId"`
		Categories               []string `json:"categories"`
		CryptoTransfersSupported bool     `json:"cryptoTransfersSupported"`
		ForgotPasswordLink       *string  `json:"forgotPasswordLink"`
		Style                    style    `json:"style"`
		Logo                     logo     `json:"logo"`
	}
	style struct {
		FieldActiveLight     string `json:"fieldActiveLight"`
		ButtonPrimaryLight   string `json:"buttonPrimaryLight"`
		ButtonHoverLight     string `json:"buttonHoverLight"`
		ButtonTextLight      string `json:"buttonTextLight"`
		ButtonTextHoverLight string `json:"buttonTextHoverLight"`
		FieldActiveDark      string `json:"fieldActiveDark"`
		ButtonPrimaryDark    string `json:"buttonPrimaryDark"`
		ButtonHoverDark      string `json:"buttonHoverDark"`
		ButtonTextDark       string `json:"buttonTextDark"`
		ButtonTextHoverDark  string `json:"buttonTextHoverDark"`
	}
	logo struct {
		LogoLightURL string `json:"logoLightUrl"`
		LogoDarkURL  string `json:"logoDarkUrl"`
		LogoWhiteURL string `json:"logoWhiteUrl"`
		LogoBlackURL string `json:"logoBlackUrl"`
		LogoColorURL string `json:"logoColorUrl"`
		IconLightURL string `json:"iconLightUrl"`
		IconDarkURL  string `json:"iconDarkUrl"`
		IconWhiteURL string `json:"iconWhiteUrl"`
		IconBlackURL string `json:"iconBlackUrl"`
		IconColorURL string `json:"iconColorUrl"`
		Base64Logo   string `json:"base64Logo"`
	}
	transferIntegration struct {
		ID                        string            `json:"id"`
		Type                      string            `json:"type"`
		Name                      string            `json:"name"`
		SupportsIncomingTransfers bool              `json:"supportsIncomingTransfers"`
		SupportsOutgoingTransfers bool              `json:"supportsOutgoingTransfers"`
		Networks                  []transferNetwork `json:"networks"`
	}
	transferNetwork struct {
		ID               string   `json:"id"`
		Name             string   `json:"name"`
		ChainID          string   `json:"chainId"`
		LogoURL          string   `json:"logoUrl"`
		NativeSymbol     string   `json:"nativeSymbol"`
		SupportedTokens  []string `json:"supportedTokens"`
		SupportedDevices []string `json:"supportedDevices"`
	}
)

// cdn is where Mesh's official examples keep logos.
const cdn = "https://frontuserfilecdn.azureedge.net/public/logos/"

// newNetwork is a network whose tokens are its supported tokens with their logos.
func newNetwork(id, name, chainID, nativeSymbol, networkType string, tokens, brokers []string) network {
	n := network{
		ID: id, Name: name, ChainID: chainID, LogoURL: cdn + "networks/" + name + ".svg",
		NativeSymbol: nativeSymbol, NetworkType: networkType,
		SupportedTokens: tokens, SupportedBrokerTypes: brokers,
	}
	for _, t := range tokens {
		n.Tokens = append(n.Tokens, token{Symbol: t, LogoURL: cdn + "tokens/" + t + ".svg"})
	}
	return n
}

// networks is the fake's networks list. Ethereum is Mesh's official example as it is.
var networks = []network{
	newNetwork(EthereumNetworkID, "Ethereum", "1", "ETH", "evm", []string{"ETH", "USDC", "USDT"},
		[]string{"deFiWallet", "robinhood", "coinbase", "kraken", "binanceInternational", "binanceUs"}),
	newNetwork(PolygonNetworkID, "Polygon", "137", "POL", "evm", []string{"POL", "USDC", "USDT"},
		[]string{"deFiWallet", "robinhood", "coinbase", "kraken", "binanceInternational"}),
	newNetwork(SolanaNetworkID, "Solana", "101", "SOL", "solana", []string{"SOL", "USDC", "USDT"},
		[]string{"deFiWallet", "coinbase", "kraken", "binanceInternational"}),
	newNetwork(BitcoinNetworkID, "Bitcoin", "0", "BTC", "bitcoin", []string{"BTC"},
		[]string{"coinbase", "kraken", "binanceInternational"}),
}

// newIntegration is an integration with logos at the CDN and a PNG icon of colour
// primary. A DeFi wallet has a provider id and no password to forget.
func newIntegration(id, name, brokerType string, categories []string, primary color.RGBA, textOnPrimary string) integration {
	in := integration{
		ID: id, Name: name, Type: brokerType, Categories: categories, CryptoTransfersSupported: true,
		Style: style{
			FieldActiveLight: hexColor(primary), ButtonPrimaryLight: hexColor(primary),
			ButtonHoverLight: hexColor(shade(primary)), ButtonTextLight: textOnPrimary, ButtonTextHoverLight: textOnPrimary,
			FieldActiveDark: hexColor(primary), ButtonPrimaryDark: hexColor(primary),
			ButtonHoverDark: hexColor(shade(primary)), ButtonTextDark: textOnPrimary, ButtonTextHoverDark: textOnPrimary,
		},
	}
	base := cdn + "integrations/" + name + "/"
	in.Logo = logo{
		LogoLightURL: base + "logo-light.svg", LogoDarkURL: base + "logo-dark.svg",
		LogoWhiteURL: base + "logo-white.svg", LogoBlackURL: base + "logo-black.svg",
		LogoColorURL: base + "logo-color.svg",
		IconLightURL: base + "icon-light.svg", IconDarkURL: base + "icon-dark.svg",
		IconWhiteURL: base + "icon-white.svg", IconBlackURL: base + "icon-black.svg",
		IconColorURL: base + "icon-color.svg",
		Base64Logo:   pngIcon(primary),
	}
	if brokerType == "deFiWallet" {
		provider := strings.ToLower(name)
		in.DeFiWalletProviderID = &provider
	} else {
		forgot := "https://www." + strings.ToLower(name) + ".com/forgot-password"
		in.ForgotPasswordLink = &forgot
	}
	return in
}

// integrationList is the fake's integrations list, built once.
var integrationList = sync.OnceValue(integrations)

// integrations builds the fake's integrations list (content.items).
func integrations() []integration {
	return []integration{
		newIntegration(CoinbaseIntegrationID, "Coinbase", "coinbase", []string{"exchange"}, color.RGBA{0x00, 0x52, 0xFF, 0xFF}, "#FFFFFF"),
		newIntegration(CoinCircleIntegrationID, "CoinCircle", "deFiWallet", []string{"wallet", "deFiWallet"}, color.RGBA{0x1F, 0xB5, 0x8F, 0xFF}, "#FFFFFF"),
		newIntegration(RobinhoodIntegrationID, "Robinhood", "robinhood", []string{"brokerage", "exchange"}, color.RGBA{0xCC, 0xFF, 0x00, 0xFF}, "#000000"),
		newIntegration(KrakenIntegrationID, "Kraken", "kraken", []string{"exchange"}, color.RGBA{0x57, 0x41, 0xD9, 0xFF}, "#FFFFFF"),
		newIntegration(BinanceIntegrationID, "Binance", "binanceInternational", []string{"exchange"}, color.RGBA{0xF0, 0xB9, 0x0B, 0xFF}, "#000000"),
	}
}

// on is a transfer network taken from the networks list, with the devices Link
// supports it on.
func on(networkID string, devices ...string) transferNetwork {
	for _, n := range networks {
		if n.ID == networkID {
			return transferNetwork{ID: n.ID, Name: n.Name, ChainID: n.ChainID, LogoURL: n.LogoURL,
				NativeSymbol: n.NativeSymbol, SupportedTokens: n.SupportedTokens, SupportedDevices: devices}
		}
	}
	panic("meshtest: no network " + networkID)
}

// transferIntegrations is the fake's transfer integrations list. Robinhood is Mesh's
// official example (Ethereum on android, ios and web; Polygon on web).
func transferIntegrations() []transferIntegration {
	all := []string{"android", "ios", "web"}
	return []transferIntegration{
		{ID: RobinhoodIntegrationID, Type: "robinhood", Name: "Robinhood", SupportsOutgoingTransfers: true,
			Networks: []transferNetwork{on(EthereumNetworkID, all...), on(PolygonNetworkID, "web")}},
		{ID: CoinbaseIntegrationID, Type: "coinbase", Name: "Coinbase", SupportsIncomingTransfers: true, SupportsOutgoingTransfers: true,
			Networks: []transferNetwork{on(EthereumNetworkID, all...), on(PolygonNetworkID, all...), on(SolanaNetworkID, all...), on(BitcoinNetworkID, all...)}},
		{ID: KrakenIntegrationID, Type: "kraken", Name: "Kraken", SupportsIncomingTransfers: true, SupportsOutgoingTransfers: true,
			Networks: []transferNetwork{on(EthereumNetworkID, "web"), on(SolanaNetworkID, "web"), on(BitcoinNetworkID, "web")}},
		{ID: BinanceIntegrationID, Type: "binanceInternational", Name: "Binance", SupportsOutgoingTransfers: true,
			Networks: []transferNetwork{on(EthereumNetworkID, all...), on(PolygonNetworkID, all...), on(SolanaNetworkID, all...), on(BitcoinNetworkID, "web")}},
	}
}

// catalog holds the content of each catalog path, encoded once.
var catalog = sync.OnceValue(func() map[string]json.RawMessage {
	encode := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			panic("meshtest: catalog: " + err.Error())
		}
		return b
	}
	return map[string]json.RawMessage{
		NetworksPath:             encode(map[string]any{"networks": networks}),
		IntegrationsPath:         encode(map[string]any{"items": integrationList()}),
		TransferIntegrationsPath: encode(map[string]any{"integrations": transferIntegrations()}),
	}
})

// catalogContent returns the content of an ok answer on a catalog path, or nil when
// path is not one. The caller must not modify it.
func catalogContent(path string) json.RawMessage {
	return catalog()[path]
}

// hexColor writes c as #RRGGBB.
func hexColor(c color.RGBA) string {
	const digits = "0123456789ABCDEF"
	b := []byte{'#', 0, 0, 0, 0, 0, 0}
	for i, v := range [...]uint8{c.R, c.G, c.B} {
		b[1+2*i], b[2+2*i] = digits[v>>4], digits[v&15]
	}
	return string(b)
}

// shade darkens c by a fifth, for a hover colour.
func shade(c color.RGBA) color.RGBA {
	return color.RGBA{c.R - c.R/5, c.G - c.G/5, c.B - c.B/5, c.A}
}

// pngIcon is a real 16×16 PNG of colour c, in standard base64: small enough to keep
// the catalog light, real enough for a client that decodes it.
func pngIcon(c color.RGBA) string {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for y := range 16 {
		for x := range 16 {
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("meshtest: " + err.Error()) // cannot happen: a bytes.Buffer does not fail
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
